from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meute.deals.models import Customer


def _write(tmp_path, text):
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_accounts_marks_direct_sales(deals_world, tmp_path):
    existing = Customer.objects.create(name="Ancien Client", siren="732829320")
    path = _write(
        tmp_path,
        "Raison sociale;SIREN;Site web;Ville;Pays;Commercial\n"
        "Banque Régionale SA;;https://www.banque-regionale.fr;Nantes;France;manager\n"
        "Ancien Client;732 829 320;;Paris;FR;\n",
    )
    out = StringIO()
    call_command("import_data", "accounts", path, "--quiet", stdout=out)
    assert "Imported 2 rows" in out.getvalue()
    bank = Customer.objects.get(name="Banque Régionale SA")
    assert bank.is_direct_account and bank.account_owner == deals_world.manager
    assert bank.website_domain == "banque-regionale.fr" and bank.name_key == "banque regionale"
    existing.refresh_from_db()
    assert existing.is_direct_account and Customer.objects.count() == 2


def test_import_accounts_is_all_or_nothing(deals_world, tmp_path):
    path = _write(
        tmp_path,
        "name,siren,country,owner\nGood One,,FR,\nBad SIREN,123456789,FR,\n"
        "Nowhere,,Atlantis,\nX,,FR,nobody\n",
    )
    with pytest.raises(CommandError) as info:
        call_command("import_data", "accounts", path, "--quiet")
    assert "3 error(s)" in str(info.value)
    assert not Customer.objects.exists()


def test_import_accounts_refuses_partner_users(deals_world, tmp_path):
    path = _write(tmp_path, "name\nAcme\n")
    with pytest.raises(CommandError):
        call_command("import_data", "accounts", path, "--as-user", "alice", "--quiet")
    assert not Customer.objects.exists()


def test_cli_lists_accounts_as_an_import_kind(capsys):
    from meute.cli import main

    assert main(["import", "--help"]) == 0
    assert "accounts" in capsys.readouterr().out
