"""Effective-dated tier rules: scheduling a version for later, the version in force on each date (and the
evaluation that follows it), refusals to touch versions in force or past, and the contradiction check on
every date a change affects."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from meute.programs import rule_versions
from meute.programs.evaluation import rules_at, run_evaluation
from meute.programs.models import RevenueRecord, Tier, TierRuleVersion
from meute.programs.rule_versions import (
    CURRENT,
    PAST,
    SCHEDULED,
    bring_into_force,
    delete_scheduled_version,
    history,
    schedule_version,
    status_of,
    update_scheduled_version,
)
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def revenue(partnership, amount, day):
    RevenueRecord.objects.create(partnership=partnership, period=day, amount=Decimal(amount))


def rules_of(program, day, name):
    return next(r for r in rules_at(program, day) if r.name == name)


@pytest.fixture
def aged(program):
    """The fixture's tiers with their first rules in force since 200 days ago (not from today)."""
    TierRuleVersion.objects.filter(tier__program=program).update(effective_from=days(-200))
    return program


class TestScheduling:
    def test_a_scheduled_version_applies_from_its_date_only(self, world, aged):
        silver = tier(aged, "Silver")
        version = schedule_version(silver, days(30), {"min_revenue": Decimal("80000"), "margin_percent": 12})
        assert version.effective_from == days(30)
        assert rules_of(aged, days(29), "Silver").min_revenue == Decimal("50000")
        assert rules_of(aged, days(30), "Silver").min_revenue == Decimal("80000")
        assert rules_of(aged, days(30), "Silver").margin_percent == Decimal("12")
        # Fields left out keep the rules in force on that date; the tier itself is untouched until then.
        assert version.rule_values()["lead_weight"] == silver.lead_weight
        silver.refresh_from_db()
        assert silver.min_revenue == Decimal("50000")

    def test_evaluation_uses_the_version_in_force_on_its_date(self, world, aged):
        revenue(world.partnership_a, "60000", days(-5))
        schedule_version(tier(aged, "Silver"), days(30), {"min_revenue": Decimal("80000")})
        today = run_evaluation(aged, timezone.localdate(), write=False)
        later = run_evaluation(aged, days(30), write=False)
        assert [o.action for o in today.outcomes][0] == "promote"
        assert [o.action for o in later.outcomes][0] == "keep"
        assert "80,000" in later.outcomes[0].evaluation.explanation()

    def test_only_future_dates(self, world, aged):
        silver = tier(aged, "Silver")
        for day in (timezone.localdate(), days(-3)):
            with pytest.raises(ValidationError) as exc:
                schedule_version(silver, day, {"min_revenue": Decimal("60000")})
            assert "effective_from" in exc.value.message_dict
            assert "edit the tier" in str(exc.value)
        assert silver.versions.count() == 1

    def test_one_version_per_day_and_a_version_must_change_something(self, world, aged):
        silver = tier(aged, "Silver")
        schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
        with pytest.raises(ValidationError, match="already has rules effective from this date"):
            schedule_version(silver, days(10), {"min_revenue": Decimal("70000")})
        with pytest.raises(ValidationError, match="would change nothing"):
            schedule_version(silver, days(20), {"min_revenue": Decimal("60000.00")})
        assert silver.versions.count() == 2

    def test_bad_values_are_refused_by_field(self, world, aged):
        silver = tier(aged, "Silver")
        with pytest.raises(ValidationError) as exc:
            schedule_version(
                silver,
                days(10),
                {
                    "margin_percent": Decimal("150"),
                    "min_certified": {"wizard": 2},
                    "min_revenue": Decimal("-1"),
                },
            )
        errors = exc.value.message_dict
        assert {"margin_percent", "min_revenue"} <= set(errors)
        with pytest.raises(ValidationError) as exc:
            schedule_version(silver, days(10), {"min_certified": {"wizard": 2}})
        assert "Unknown role" in str(exc.value.message_dict["min_certified"])
        assert silver.versions.count() == 1


class TestContradictionsOnEveryDate:
    def test_scheduled_rules_easier_than_a_lower_tier_are_refused(self, world, aged):
        gold = tier(aged, "Gold")
        with pytest.raises(ValidationError) as exc:
            schedule_version(gold, days(15), {"min_revenue": Decimal("40000")})
        message = " ".join(exc.value.messages)
        assert "From " in message and "Gold is easier than Silver" in message
        assert gold.versions.count() == 1

    def test_against_the_tiers_as_they_will_be_on_that_date(self, world, aged):
        # Silver asks 200,000 from day 10; Gold at 150,000 from day 20 would be easier than Silver then,
        # although it would not be today.
        schedule_version(tier(aged, "Silver"), days(10), {"min_revenue": Decimal("200000")})
        with pytest.raises(ValidationError, match="Gold is easier than Silver"):
            schedule_version(tier(aged, "Gold"), days(20), {"min_revenue": Decimal("150000")})
        # Before Silver's change it is fine: Gold 150,000 from day 5 until Silver's rise... which then
        # contradicts it from day 10: refused too.
        with pytest.raises(ValidationError, match="Gold is easier than Silver"):
            schedule_version(tier(aged, "Gold"), days(5), {"min_revenue": Decimal("150000")})
        schedule_version(tier(aged, "Gold"), days(20), {"min_revenue": Decimal("300000")})

    def test_editing_a_tier_today_is_checked_on_scheduled_dates(self, world, aged):
        schedule_version(tier(aged, "Silver"), days(10), {"min_revenue": Decimal("200000")})
        gold = tier(aged, "Gold")
        gold.min_revenue = Decimal("180000")  # fine today (Silver asks 50,000), not from day 10
        with pytest.raises(ValidationError) as exc:
            rule_versions.validate_tier(gold)
        assert "From " in " ".join(exc.value.messages)
        gold.min_revenue = Decimal("220000")
        rule_versions.validate_tier(gold)

    def test_a_contradiction_is_told_once_from_the_first_date_it_holds(self, world, aged):
        schedule_version(tier(aged, "Platinum"), days(10), {"margin_percent": Decimal("31")})
        gold = tier(aged, "Gold")
        gold.min_revenue = Decimal("10000")
        with pytest.raises(ValidationError) as exc:
            rule_versions.validate_tier(gold)
        assert exc.value.messages == [
            "Gold is easier than Silver: minimum revenue 10,000 is below 50,000. "
            "A higher tier must ask at least as much."
        ]

    def test_deleting_a_version_others_rely_on_is_refused(self, world, aged):
        gold_rise = schedule_version(tier(aged, "Gold"), days(10), {"min_revenue": Decimal("400000")})
        schedule_version(tier(aged, "Silver"), days(20), {"min_revenue": Decimal("300000")})
        with pytest.raises(ValidationError, match="Gold is easier than Silver"):
            delete_scheduled_version(gold_rise)
        assert TierRuleVersion.objects.filter(pk=gold_rise.pk).exists()

    def test_moving_a_version_is_checked_from_the_earlier_date(self, world, aged):
        silver_rise = schedule_version(tier(aged, "Silver"), days(30), {"min_revenue": Decimal("200000")})
        schedule_version(tier(aged, "Gold"), days(20), {"min_revenue": Decimal("260000")})
        gold_drop = schedule_version(tier(aged, "Gold"), days(40), {"min_revenue": Decimal("220000")})
        # Silver's rise moved after Gold's drop: still 200,000 < 220,000, fine.
        update_scheduled_version(silver_rise, days(50), {})
        # Silver's rise to 230,000 from day 50: Gold asks 220,000 then, refused.
        with pytest.raises(ValidationError, match="Gold is easier than Silver"):
            update_scheduled_version(silver_rise, days(50), {"min_revenue": Decimal("230000")})
        assert gold_drop.pk and TierRuleVersion.objects.get(pk=silver_rise.pk).effective_from == days(50)


class TestVersionsInForceAndPastNeverChange:
    @pytest.fixture
    def versions(self, world, aged):
        silver = tier(aged, "Silver")
        past = silver.versions.get()
        current = TierRuleVersion.objects.create(
            tier=silver,
            effective_from=days(-10),
            requirements={**past.requirements, "min_revenue": "55000"},
            benefits=past.benefits,
        )
        scheduled = schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
        return past, current, scheduled

    def test_statuses(self, versions):
        past, current, scheduled = versions
        assert [status_of(v) for v in versions] == [PAST, CURRENT, SCHEDULED]
        # On the scheduled date, the scheduled version is in force and the current one past.
        assert status_of(scheduled, days(10)) == CURRENT
        assert status_of(current, days(10)) == PAST

    @pytest.mark.parametrize(("index", "code"), [(0, "version_past"), (1, "version_in_force")])
    def test_refused_with_a_clear_message(self, versions, index, code):
        version = versions[index]
        before = (version.effective_from, version.requirements)
        with pytest.raises(ValidationError) as exc:
            update_scheduled_version(version, days(40), {"min_revenue": Decimal("1")})
        assert exc.value.code == code
        assert "cannot be changed or deleted" in exc.value.messages[0]
        with pytest.raises(ValidationError) as exc:
            delete_scheduled_version(version)
        assert exc.value.code == code
        version.refresh_from_db()
        assert (version.effective_from, version.requirements) == before

    def test_a_scheduled_version_changes_until_its_date_then_no_more(self, versions):
        _past, _current, scheduled = versions
        scheduled = update_scheduled_version(scheduled, days(12), {"min_revenue": Decimal("65000")})
        assert scheduled.effective_from == days(12)
        assert scheduled.requirements["min_revenue"] == "65000"
        with time_machine.travel(days(12), tick=False):
            with pytest.raises(ValidationError) as exc:
                update_scheduled_version(scheduled, days(30), {"min_revenue": Decimal("70000")})
            assert exc.value.code == "version_in_force"
        delete_scheduled_version(scheduled)
        assert not TierRuleVersion.objects.filter(pk=scheduled.pk).exists()


class TestHistory:
    def test_statuses_summaries_and_changes_newest_first(self, world, aged):
        silver = tier(aged, "Silver")
        schedule_version(silver, days(10), {"min_revenue": Decimal("60000"), "min_certified": {"sales": 1}})
        rows = history(silver)
        assert [r.status for r in rows] == [SCHEDULED, CURRENT]
        assert rows[1].is_first and rows[1].changes == []
        labels = {c.label: (c.before, c.after) for c in rows[0].changes}
        assert labels["Minimum revenue over the evaluation period"] == ("50,000 €", "60,000 €")
        assert labels["Certified people: Sales"] == ("—", "1")
        assert len(labels) == 2
        assert ("Margin (%)", "10") in rows[0].benefits
        assert ("Minimum revenue over the evaluation period", "60,000 €") in rows[0].requirements


class TestTheTierFollowsItsVersions:
    def test_bring_into_force_copies_the_rules_on_their_date_without_a_new_version(self, world, aged):
        silver = tier(aged, "Silver")
        schedule_version(silver, days(10), {"min_revenue": Decimal("60000"), "lead_weight": 4})
        assert bring_into_force() == 0
        with time_machine.travel(days(10), tick=False):
            assert bring_into_force() == 1
            assert bring_into_force() == 0
        silver.refresh_from_db()
        assert (silver.min_revenue, silver.lead_weight) == (Decimal("60000"), 4)
        assert silver.versions.count() == 2

    def test_saving_a_stale_tier_does_not_bring_back_its_old_rules(self, world, aged):
        silver = tier(aged, "Silver")
        schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
        with time_machine.travel(days(11), tick=False):
            silver.description = "Entry tier"  # the nightly copy has not run: fields still say 50,000
            silver.save()
            assert silver.versions.count() == 2
            assert rules_of(aged, timezone.localdate(), "Silver").min_revenue == Decimal("60000")
            # The form of the tier shows (and saves) the rules in force.
            rule_versions.load_rules_in_force(silver)
            assert silver.min_revenue == Decimal("60000")

    def test_editing_a_tier_records_today_and_keeps_the_scheduled_version(self, world, aged):
        silver = tier(aged, "Silver")
        scheduled = schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
        silver.margin_percent = Decimal("11")
        rule_versions.validate_tier(silver)
        silver.save()
        assert sorted(silver.versions.values_list("effective_from", flat=True)) == [
            days(-200),
            timezone.localdate(),
            days(10),
        ]
        scheduled.refresh_from_db()
        assert scheduled.requirements["min_revenue"] == "60000"
        assert rules_of(aged, days(10), "Silver").margin_percent == Decimal("10")  # the scheduled rules

    def test_equal_rules_written_differently_make_no_new_version(self, world, aged):
        silver = Tier.objects.get(pk=tier(aged, "Silver").pk)  # 50000.00 from the database
        assert silver.versions.get().requirements["min_revenue"] == "50000"
        silver.rank = 1
        silver.min_revenue = Decimal("50000.00")
        silver.save()
        assert silver.versions.count() == 1


def test_simulating_a_scheduled_version_writes_nothing(world, aged):
    revenue(world.partnership_a, "60000", days(-5))
    revenue(world.partnership_b, "45000", days(-5))
    silver = tier(aged, "Silver")
    result = rule_versions.simulate_version(
        silver, days(30), {"min_revenue": Decimal("40000"), "mdf_percent": Decimal("2")}
    )
    assert (result.evaluated, result.up, result.down) == (2, 1, 0)
    assert result.mdf_after == Decimal("2100.00")
    assert silver.versions.count() == 1
    with pytest.raises(ValidationError, match="easier"):
        rule_versions.simulate_version(tier(aged, "Gold"), days(30), {"min_revenue": Decimal("1")})


def test_the_nightly_task_brings_scheduled_rules_into_force(world, aged):
    from meute.celery import app
    from meute.programs.tasks import bring_tier_rules_into_force_task, evaluate_tiers_task

    schedule = app.conf.beat_schedule["programs-tier-rules-in-force"]
    assert schedule["task"] == "meute.programs.tasks.bring_tier_rules_into_force_task"
    silver = tier(aged, "Silver")
    schedule_version(silver, days(3), {"locator_listing": True})
    assert bring_tier_rules_into_force_task.delay().get() == {"tiers_changed": 0}
    with time_machine.travel(days(3), tick=False):
        assert bring_tier_rules_into_force_task.delay().get() == {"tiers_changed": 1}
    silver.refresh_from_db()
    assert silver.locator_listing is True
    # The periodic evaluation brings them in too before evaluating.
    schedule_version(silver, days(5), {"lead_weight": 5})
    with time_machine.travel(days(5), tick=False):
        evaluate_tiers_task.delay().get()
    silver.refresh_from_db()
    assert silver.lead_weight == 5
