"""``meute tiers evaluate`` / ``import-revenue`` and the periodic task."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from meute.cli import main
from meute.programs.models import PartnerTier, Program, RevenueRecord, TierChange
from meute.programs.tasks import evaluate_tiers_task
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db


def recent_revenue(partnership, amount):
    RevenueRecord.objects.create(
        partnership=partnership, period=timezone.localdate() - datetime.timedelta(days=3), amount=amount
    )


def tiers(*args) -> str:
    # call_command rather than meute.cli.main: main() closes the database connections when done.
    out = io.StringIO()
    call_command("tiers", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_help_is_listed(capsys):
    assert main(["help", "tiers"]) == 0
    assert "evaluate" in capsys.readouterr().out


def test_evaluate_reports_without_writing_then_applies(world, program):
    recent_revenue(world.partnership_a, 60000)
    out = tiers("evaluate", "--program", "main", "--quiet")
    assert "2 partners evaluated, 1 promotions" in out
    assert "Alpha channel: — → Silver" in out
    assert not TierChange.objects.exists()
    program.auto_apply = True
    program.save()
    tiers("evaluate", "--apply", "--quiet")
    assert PartnerTier.objects.get(partnership=world.partnership_a).tier == tier(program, "Silver")


def test_unknown_programme_and_programme_without_tiers(world):
    with pytest.raises(CommandError, match="No programme") as exc:
        tiers("evaluate", "--program", "nope")
    assert exc.value.returncode == 2
    Program.objects.create(name="Empty", code="empty")
    with pytest.raises(CommandError, match="has no tiers"):
        call_command("tiers", "evaluate", "--program", "empty")


def test_import_revenue_command(world, tmp_path):
    good = tmp_path / "revenue.csv"
    good.write_text(
        f"partnership,period,amount\n{world.partnership_a.uuid},2026-03-31,10\n", encoding="utf-8"
    )
    assert "Imported 1 revenue records" in tiers("import-revenue", str(good))
    bad = tmp_path / "bad.csv"
    bad.write_text("partnership,period,amount\nNobody,2026-03-31,10\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("tiers", "import-revenue", str(bad), stderr=err)
    assert exc.value.returncode == 1
    assert "Line 2" in err.getvalue()
    assert RevenueRecord.objects.count() == 1


def test_periodic_task(world, program):
    recent_revenue(world.partnership_a, 60000)
    Program.objects.create(name="Empty", code="empty")
    report = evaluate_tiers_task.delay().get()
    assert report["main"]["promotions"] == 1
    assert "has no tiers" in report["empty"]["error"]
    assert TierChange.objects.filter(partnership=world.partnership_a).exists()
