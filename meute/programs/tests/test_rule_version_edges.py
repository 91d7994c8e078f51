"""Effective-dated tier rules at their edges: tomorrow is the first day a version may start, the day before
and the day of a version, two versions on one date, a version in force, past or scheduled on each side of
its date, and a new or re-ranked tier checked on every scheduled date.

Every expected value is written out here (amounts, dates, statuses), never read from the module.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format

from meute.programs import rule_versions
from meute.programs.models import Tier, TierRuleVersion
from meute.programs.rule_versions import (
    CURRENT,
    PAST,
    SCHEDULED,
    history,
    next_scheduled,
    schedule_version,
    status_of,
    update_scheduled_version,
    with_rules_in_force,
)
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def aged(program):
    """The fixture's tiers (Silver 50,000, Gold 250,000, Platinum 1,000,000) in force since 200 days ago."""
    TierRuleVersion.objects.filter(tier__program=program).update(effective_from=days(-200))
    return program


def _stored(version) -> tuple:
    row = TierRuleVersion.objects.get(pk=version.pk)
    return (row.effective_from, row.requirements, row.benefits)


def test_tomorrow_is_the_first_day_a_scheduled_version_may_start(aged):
    silver = tier(aged, "Silver")
    with pytest.raises(ValidationError) as refused:
        schedule_version(silver, days(0), {"min_revenue": Decimal("60000")})
    assert "A scheduled version starts after today" in refused.value.message_dict["effective_from"][0]
    assert silver.versions.count() == 1
    version = schedule_version(silver, days(1), {"min_revenue": Decimal("60000")})
    assert (status_of(version, days(0)), status_of(version, days(1))) == (SCHEDULED, CURRENT)
    assert next_scheduled(silver, days(0)) == version
    assert next_scheduled(silver, days(1)) is None


def test_a_date_is_required_and_must_be_after_today():
    today = datetime.date(2026, 3, 2)
    with pytest.raises(ValidationError) as refused:
        rule_versions._require_future(None, today)
    assert refused.value.message_dict == {"effective_from": ["Say from which day the new rules apply."]}
    for day in (today, datetime.date(2026, 3, 1)):
        with pytest.raises(ValidationError) as refused:
            rule_versions._require_future(day, today)
        assert refused.value.message_dict == {
            "effective_from": [
                "A scheduled version starts after today: choose 3 March 2026 or later. To change the rules "
                "from today, edit the tier."
            ]
        }
    assert rule_versions._require_future(datetime.date(2026, 3, 3), today) is None


def test_moving_a_version_onto_another_ones_date_is_refused_and_changes_nothing(aged):
    silver = tier(aged, "Silver")
    first = schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
    second = schedule_version(silver, days(20), {"min_revenue": Decimal("70000")})
    before = _stored(second)
    with pytest.raises(ValidationError) as refused:
        update_scheduled_version(second, days(10), {})
    assert refused.value.message_dict == {
        "effective_from": ["This tier already has rules effective from this date."]
    }
    for day in (days(0), days(-1)):
        with pytest.raises(ValidationError) as refused:
            update_scheduled_version(second, day, {})
        assert "A scheduled version starts after today" in refused.value.message_dict["effective_from"][0]
    assert _stored(second) == before
    assert _stored(first)[0] == days(10)
    # Keeping its own date is no overlap.
    assert update_scheduled_version(second, None, {"min_revenue": Decimal("75000")}).effective_from == days(
        20
    )


def test_a_version_that_changes_nothing_against_the_one_before_it_is_refused(aged):
    silver = tier(aged, "Silver")
    schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
    later = schedule_version(silver, days(20), {"min_revenue": Decimal("70000")})
    with pytest.raises(ValidationError) as refused:
        update_scheduled_version(later, None, {"min_revenue": Decimal("60000")})
    assert refused.value.code == "no_change"
    assert refused.value.messages == [
        f"These are the rules in force since {date_format(days(10))}: the version would change nothing."
    ]
    # The same rules as the version *after* it are no reason to refuse.
    assert schedule_version(silver, days(15), {"min_revenue": Decimal("70000")}).effective_from == days(15)


def test_statuses_on_each_side_of_the_dates(aged):
    silver = tier(aged, "Silver")
    first = silver.versions.get()
    scheduled = schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
    assert [r.status for r in history(silver)] == [SCHEDULED, CURRENT]
    assert [r.status for r in history(silver, days(9))] == [SCHEDULED, CURRENT]
    assert [r.status for r in history(silver, days(10))] == [CURRENT, PAST]
    assert [r.status for r in history(silver, days(-201))] == [SCHEDULED, CURRENT]  # before the first
    assert (status_of(first, days(9)), status_of(first, days(10))) == (CURRENT, PAST)
    assert status_of(scheduled, days(11)) == CURRENT


def test_the_version_in_force_is_the_latest_on_or_before_the_day():
    class V:
        def __init__(self, day):
            self.effective_from = day

    a, b, c = V(datetime.date(2026, 1, 1)), V(datetime.date(2026, 2, 1)), V(datetime.date(2026, 3, 1))
    versions = [a, b, c]
    assert rule_versions.in_force(versions, datetime.date(2025, 12, 31)) is a  # before the first: the first
    assert rule_versions.in_force(versions, datetime.date(2026, 1, 31)) is a
    assert rule_versions.in_force(versions, datetime.date(2026, 2, 1)) is b
    assert rule_versions.in_force(versions, datetime.date(2026, 2, 28)) is b
    assert rule_versions.in_force(versions, datetime.date(2026, 3, 1)) is c
    assert rule_versions.in_force([], datetime.date(2026, 3, 1)) is None


def test_tiers_shown_with_the_rules_in_force_and_their_next_date(aged):
    silver, gold = tier(aged, "Silver"), tier(aged, "Gold")
    schedule_version(silver, days(10), {"min_revenue": Decimal("60000"), "lead_weight": 4})
    schedule_version(silver, days(20), {"min_revenue": Decimal("70000")})
    silver.min_revenue = Decimal("1")  # a stale value in memory is replaced by the version in force
    shown = with_rules_in_force([silver, gold])
    assert [(t.name, t.min_revenue, t.scheduled_from) for t in shown] == [
        ("Silver", Decimal("50000"), days(10)),
        ("Gold", Decimal("250000"), None),
    ]
    later = with_rules_in_force([tier(aged, "Silver")], days(10))[0]
    assert (later.min_revenue, later.lead_weight, later.scheduled_from) == (Decimal("60000"), 4, days(20))
    assert with_rules_in_force([tier(aged, "Silver")], days(9))[0].min_revenue == Decimal("50000")
    assert with_rules_in_force([tier(aged, "Silver")], days(20))[0].scheduled_from is None
    TierRuleVersion.objects.filter(tier=gold).delete()  # no version at all: the tier's own fields, unchanged
    bare = with_rules_in_force([tier(aged, "Gold")])[0]
    assert (bare.min_revenue, bare.scheduled_from) == (Decimal("250000"), None)


def test_the_nightly_copy_waits_for_the_date(aged):
    silver = tier(aged, "Silver")
    schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
    assert rule_versions.bring_into_force([silver], days(9)) == 0
    assert Tier.objects.get(pk=silver.pk).min_revenue == Decimal("50000")
    assert rule_versions.bring_into_force([silver], days(10)) == 1
    assert silver.min_revenue == Decimal("60000")  # the tier given is updated too
    assert Tier.objects.get(pk=silver.pk).min_revenue == Decimal("60000")


def test_editing_a_tier_keeps_its_own_scheduled_versions_in_the_check(aged):
    # Gold rises to 300,000 from day 10, Silver to 280,000 from day 20: Gold edited today to 260,000 is
    # fine, because its own rise still takes over on day 10.
    gold = tier(aged, "Gold")
    schedule_version(gold, days(10), {"min_revenue": Decimal("300000")})
    schedule_version(tier(aged, "Silver"), days(20), {"min_revenue": Decimal("280000")})
    gold.min_revenue = Decimal("260000")
    rule_versions.validate_tier(gold)


def test_a_re_ranked_tier_is_checked_with_its_scheduled_rules(aged):
    # Silver moved above Platinum and made harder than it today; its scheduled 60,000 from day 10 would then
    # make the top tier the easiest: refused from that date.
    silver = tier(aged, "Silver")
    schedule_version(silver, days(10), {"min_revenue": Decimal("60000")})
    silver.rank = 4
    silver.min_revenue = Decimal("2000000")
    silver.min_certified = {"sales": 5, "consultant": 3}
    with pytest.raises(ValidationError) as refused:
        rule_versions.check_tier_edit(silver)
    assert refused.value.messages
    assert all(message.startswith("From ") for message in refused.value.messages)


@pytest.mark.parametrize(
    ("min_revenue", "refused"),
    [
        ("49999.99", ""),  # below Silver: may ask less
        ("50000", "Silver and Bronze have the same requirements"),  # nobody could stay in Bronze
        ("50000.01", "Silver is easier than Bronze"),  # a lower tier asking more than Silver
    ],
)
def test_a_new_tier_below_the_lowest_at_the_threshold(aged, min_revenue, refused):
    bronze = Tier(program=aged, name="Bronze", rank=0, min_revenue=Decimal(min_revenue))
    if refused:
        with pytest.raises(ValidationError, match=refused):
            rule_versions.check_tier_edit(bronze)
    else:
        rule_versions.check_tier_edit(bronze)
    assert not Tier.objects.filter(name="Bronze").exists()


def test_a_tier_without_a_rank_or_programme_is_left_to_the_form(aged):
    assert rule_versions.check_tier_edit(Tier(program=aged, name="Bronze", rank=None)) is None
    assert rule_versions.check_tier_edit(Tier(name="Bronze", rank=1)) is None


def test_a_scheduled_version_date_is_shown_in_the_refusal(aged):
    gold = tier(aged, "Gold")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        TierRuleVersion.objects.filter(tier__program=aged).update(effective_from=datetime.date(2025, 1, 1))
        with pytest.raises(ValidationError) as refused:
            schedule_version(gold, datetime.date(2026, 3, 3), {"min_revenue": Decimal("40000")})
    assert refused.value.messages[0].startswith("From 3 March 2026: Gold is easier than Silver")


def test_the_nightly_copy_counts_every_tier_due_and_only_the_tiers_given(aged):
    silver, gold, platinum = tier(aged, "Silver"), tier(aged, "Gold"), tier(aged, "Platinum")
    schedule_version(gold, days(10), {"lead_weight": 5})
    schedule_version(platinum, days(10), {"lead_weight": 6})
    assert rule_versions.bring_into_force([silver, gold], days(10)) == 1  # Silver first, unchanged
    assert Tier.objects.get(pk=platinum.pk).lead_weight != 6
    TierRuleVersion.objects.filter(tier=silver).delete()  # a tier without any version is left alone
    schedule_version(tier(aged, "Gold"), days(20), {"lead_weight": 7})
    before = timezone.now()
    assert rule_versions.bring_into_force(None, days(30)) == 2
    assert Tier.objects.get(pk=platinum.pk).updated_at >= before
    assert [Tier.objects.get(pk=t.pk).lead_weight for t in (gold, platinum)] == [7, 6]


def test_a_version_in_force_or_past_is_refused_in_words(aged):
    silver = tier(aged, "Silver")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        past = silver.versions.get()
        TierRuleVersion.objects.filter(pk=past.pk).update(effective_from=datetime.date(2026, 1, 1))
        current = TierRuleVersion.objects.create(
            tier=silver,
            effective_from=datetime.date(2026, 2, 2),
            requirements={**past.requirements, "min_revenue": "55000"},
            benefits=past.benefits,
        )
        past.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            rule_versions.require_scheduled(current)
        assert refused.value.messages == [
            "The version effective from 2 February 2026 is in force: it cannot be changed or deleted. "
            "Schedule a new version instead."
        ]
        with pytest.raises(ValidationError) as refused:
            rule_versions.require_scheduled(past)
        assert refused.value.messages == [
            "The version effective from 1 January 2026 is past: it explains the evaluations made under it "
            "and cannot be changed or deleted."
        ]


def test_a_new_contradiction_on_a_later_date_is_told_after_one_already_told(aged):
    # Platinum asks as many certified people as Gold from day 10. Gold edited today to 40,000 (below Silver,
    # from today) and 4 certified sales people (more than Platinum's 3 from day 10): two problems, the second
    # only from day 10.
    schedule_version(tier(aged, "Platinum"), days(10), {"min_certified": {"sales": 3, "consultant": 2}})
    gold = tier(aged, "Gold")
    gold.min_revenue = Decimal("40000")
    gold.min_certified = {"sales": 4, "consultant": 2}
    with pytest.raises(ValidationError) as refused:
        rule_versions.check_tier_edit(gold)
    first, second = refused.value.messages
    assert first.startswith("Gold is easier than Silver: minimum revenue 40,000 is below 50,000.")
    assert second.startswith(f"From {days(10).day} ")
    assert "Platinum is easier than Gold" in second


def test_a_new_version_is_checked_with_the_tiers_own_later_versions(aged):
    # Silver back to 60,000 from day 20 and Gold down to 100,000 from day 20: Silver at 150,000 from day 10
    # is fine, because Silver's own version of day 20 still takes over before Gold's drop bites.
    silver = tier(aged, "Silver")
    schedule_version(silver, days(20), {"min_revenue": Decimal("60000")})
    schedule_version(tier(aged, "Gold"), days(20), {"min_revenue": Decimal("100000")})
    rise = schedule_version(silver, days(10), {"min_revenue": Decimal("150000")})
    assert rise.effective_from == days(10)
    assert silver.versions.count() == 3


def test_a_tier_without_any_version_is_checked_with_its_own_fields(aged):
    silver = tier(aged, "Silver")
    TierRuleVersion.objects.filter(tier=silver).delete()
    Tier.objects.filter(pk=silver.pk).update(min_revenue=Decimal("300000"))
    gold = tier(aged, "Gold")
    with pytest.raises(ValidationError, match="Gold is easier than Silver"):
        schedule_version(gold, days(10), {"min_revenue": Decimal("260000")})
    assert gold.versions.count() == 1
    assert schedule_version(gold, days(10), {"min_revenue": Decimal("320000")}).effective_from == days(10)
