"""The ``meute`` command line: Meute's commands, Django's behind them, exit codes and messages."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from meute import cli
from meute.core.models import Organization, User


@pytest.fixture(autouse=True)
def english(monkeypatch):
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    with translation.override("en"):
        yield


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands(capsys):
    code, out, _err = run(capsys, "--help")
    assert code == 0
    for name in ("demo", "serve", "createadmin", "import", "export", "migrate", "check"):
        assert name in out


@pytest.mark.parametrize("command", ["demo", "serve", "createadmin", "import", "export"])
def test_every_meute_command_prints_its_help(capsys, command):
    code, out, _err = run(capsys, command, "--help")
    assert code == 0
    assert f"meute {command}" in out


def test_no_arguments_is_a_usage_error(capsys):
    code, _out, err = run(capsys)
    assert code == 2
    assert "usage: meute" in err


def test_unknown_command(capsys):
    code, _out, err = run(capsys, "frobnicate")
    assert code == 2
    assert "unknown command" in err and "frobnicate" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import"], "the following arguments are required"),
        (["import", "partners", "x.csv"], "invalid choice"),
        (["export", "organizations", "--format", "pdf"], "invalid choice"),
        (["demo", "--size", "huge"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_with_2(capsys, args, message):
    code, _out, err = run(capsys, *args)
    assert code == 2
    assert message in err


@pytest.mark.django_db
def test_import_through_main_reports_errors_and_exits_1(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,siren\nGood,732829320\nBad,123456789\n", encoding="utf-8")
    code, _out, err = run(capsys, "import", "organizations", str(path), "--quiet")
    assert code == 1
    assert "Line 3" in err and "siren" in err
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_import_through_main_succeeds(capsys, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text("nom;ville\nAlpha;Lyon\nBeta;Nantes\n", encoding="utf-8")
    code, out, _err = run(capsys, "import", "organizations", str(path))
    assert code == 0
    assert "Imported 2 rows" in out
    assert set(Organization.objects.values_list("name", flat=True)) == {"Alpha", "Beta"}


@pytest.mark.django_db
def test_missing_file_is_reported(capsys, tmp_path):
    code, _out, err = run(capsys, "import", "people", str(tmp_path / "nope.csv"))
    assert code == 1
    assert "Cannot read the file" in err


@pytest.mark.django_db
def test_export_through_main_to_stdout(capsys, world):
    code, out, _err = run(capsys, "export", "organizations", "--format", "json", "--as-user", "alice")
    assert code == 0
    assert [r["name"] for r in json.loads(out)] == ["Alpha Intégration"]


@pytest.mark.django_db
def test_export_unknown_user_is_a_usage_error(capsys):
    code, _out, err = run(capsys, "export", "people", "--as-user", "ghost")
    assert code == 2
    assert "ghost" in err


@pytest.mark.django_db
def test_django_commands_still_work_through_meute(capsys):
    code, out, _err = run(capsys, "check")
    assert code == 0
    assert "no issues" in out


@pytest.mark.django_db
def test_import_command_via_call_command(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("name,country\nAlpha,FR\nBeta,Mars\n", encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_data", "organizations", str(path), stderr=stderr)
    assert caught.value.returncode == 1
    assert "Line 3" in stderr.getvalue() and "Mars" in stderr.getvalue()


@pytest.mark.django_db
def test_createadmin_non_interactive():
    out = io.StringIO()
    call_command(
        "createadmin",
        "--username",
        "boss",
        "--email",
        "boss@example.com",
        "--password",
        "Xk9!long-pass",
        "--no-input",
        stdout=out,
    )
    boss = User.objects.get(username="boss")
    assert boss.role == "admin" and boss.is_superuser and boss.check_password("Xk9!long-pass")
    with pytest.raises(CommandError) as caught:
        call_command("createadmin", "--username", "boss", "--password", "Xk9!long-pass", "--no-input")
    assert caught.value.returncode == 1 and "already exists" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("createadmin", "--username", "weak", "--password", "123", "--no-input")
    assert caught.value.returncode == 1
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_demo_command_without_serving(monkeypatch):
    out = io.StringIO()
    call_command("demo", "--size", "tiny", "--no-serve", "--password", "demo-pass-123", stdout=out)
    text = out.getvalue()
    assert "admin" in text and "partner" in text and "demo-pass-123" in text
    count = Organization.objects.count()
    assert count > 10
    out = io.StringIO()
    call_command("demo", "--size", "tiny", "--no-serve", stdout=out)  # idempotent: no duplicates
    assert Organization.objects.count() == count
    assert "not created again" in out.getvalue()
    assert User.objects.filter(username__in=["admin", "manager", "partner"]).count() == 3


@pytest.mark.parametrize(
    ("environment", "expected", "absent"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "Commandes Meute", "Meute commands"),
        ({"LANG": "en_GB.UTF-8"}, "Meute commands", "Commandes Meute"),
        # LC_ALL wins over LANG, as in every POSIX program
        ({"LANG": "en_US.UTF-8", "LC_ALL": "fr_CA.UTF-8"}, "Commandes Meute", "Meute commands"),
    ],
)
def test_the_command_line_speaks_the_shells_language(capsys, monkeypatch, environment, expected, absent):
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    with translation.override("fr" if "en" in environment.get("LANG", "") else "en"):
        code, out, _err = run(capsys, "--help")
        assert translation.get_language() in ("fr", "en")
    assert code == 0
    assert expected in out
    assert absent not in out


def test_a_locale_meute_does_not_speak_keeps_the_configured_language(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    with translation.override("en"):
        code, out, _err = run(capsys, "--help")
    assert code == 0
    assert "Meute commands" in out
