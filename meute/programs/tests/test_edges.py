"""The tier rules at their edges: the climb stops at an unmet tier, the grace period restarts after a rejected
demotion, a reader decides nothing, tier rules in force the day they start and not the day after they end.

Every expected value is written out by hand.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from meute.programs.choices import ChangeKind, ChangeStatus
from meute.programs.evaluation import approve_change, reject_change, run_evaluation
from meute.programs.models import PartnerTier, RevenueRecord, TierChange
from meute.programs.tests.fixtures import AS_OF, tier
from meute.programs.tiering import PartnerMetrics, TierRules, check_tiers, evaluate, validate_tiers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- The climb: the highest tier reached without skipping an unmet lower one ----------------------------

# A lower tier that asks for something the higher one does not: meeting Gold alone is not enough.
BRONZE = TierRules(name="Bronze", rank=1, min_satisfaction=Decimal("8"))
SILVER = TierRules(name="Silver", rank=2, min_revenue=Decimal("50000"))
GOLD = TierRules(name="Gold", rank=3, min_revenue=Decimal("250000"))


def test_an_unmet_lower_tier_stops_the_climb():
    metrics = PartnerMetrics(revenue=Decimal("300000"), satisfaction=Decimal("7.9"))
    result = evaluate(metrics, [GOLD, SILVER, BRONZE])
    assert result.tier is None
    assert result.next_tier == BRONZE


def test_an_unmet_middle_tier_stops_the_climb():
    silver = TierRules(name="Silver", rank=2, min_won_deals=3)
    metrics = PartnerMetrics(revenue=Decimal("300000"), satisfaction=Decimal("8"), won_deals=2)
    result = evaluate(metrics, [GOLD, silver, BRONZE])
    assert result.tier == BRONZE
    assert result.next_tier == silver


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        ("49999.99", None),
        ("50000", "Silver"),
        ("249999.99", "Silver"),
        ("250000", "Gold"),
        ("250000.01", "Gold"),
    ],
)
def test_revenue_thresholds_at_one_cent(revenue, expected):
    result = evaluate(PartnerMetrics(revenue=Decimal(revenue)), [SILVER, GOLD])
    assert (result.tier.name if result.tier else None) == expected


# --- The grace period: a shortfall waits 60 days; a rejected demotion starts a new one -------------------


def _short_of_gold(world, program):
    """Partner A holds Gold with Gold's revenue but nobody certified: it qualifies for Silver only."""
    held = PartnerTier.objects.get(partnership=world.partnership_a, program=program)
    held.tier = tier(program, "Gold")
    held.save()
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=datetime.date(2026, 3, 1), amount=Decimal("300000")
    )
    return held


def _actions(summary, world):
    return [o.action for o in summary.outcomes if o.member.partnership_id == world.partnership_a.pk]


def test_grace_runs_until_its_last_day_then_demotion_is_proposed(world, program):
    held = _short_of_gold(world, program)
    assert _actions(run_evaluation(program, AS_OF), world) == ["grace_started"]
    held.refresh_from_db()
    assert held.grace_until == datetime.date(2026, 8, 29)  # 30 June + 60 days
    assert _actions(run_evaluation(program, datetime.date(2026, 8, 28)), world) == ["grace_running"]
    assert not TierChange.objects.exists()
    run_evaluation(program, datetime.date(2026, 8, 29))
    change = TierChange.objects.get()
    assert (change.kind, change.to_tier.name) == (ChangeKind.DEMOTION, "Silver")


def test_a_rejected_demotion_restarts_the_grace_period(world, program):
    held = _short_of_gold(world, program)
    run_evaluation(program, AS_OF)
    run_evaluation(program, datetime.date(2026, 8, 29))
    change = TierChange.objects.get()
    reject_change(change, world.manager, "Contrat en cours de signature")
    held.refresh_from_db()
    assert held.tier.name == "Gold" and held.grace_until is None
    # The next evaluation gives a new grace period from its own date, and proposes nothing yet.
    assert _actions(run_evaluation(program, datetime.date(2026, 9, 1)), world) == ["grace_started"]
    held.refresh_from_db()
    assert held.grace_until == datetime.date(2026, 10, 31)  # 1 September + 60 days
    assert list(TierChange.objects.values_list("status", flat=True)) == [ChangeStatus.REJECTED]


def test_a_rejected_promotion_keeps_no_grace(world, program):
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=datetime.date(2026, 3, 1), amount=Decimal("60000")
    )
    run_evaluation(program, AS_OF)
    change = TierChange.objects.get()
    assert change.kind == ChangeKind.PROMOTION
    reject_change(change, world.manager, "Plus tard")
    held = PartnerTier.objects.get(partnership=world.partnership_a, program=program)
    assert (held.tier, held.grace_until) == (None, None)


# --- Who decides: channel managers; a reader or a partner is refused and nothing is written -------------


@pytest.mark.parametrize("decide", [approve_change, reject_change])
@pytest.mark.parametrize("who", ["reader", "partner_a_user"])
def test_only_editors_decide_a_tier_change(world, program, decide, who):
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=datetime.date(2026, 3, 1), amount=Decimal("60000")
    )
    run_evaluation(program, AS_OF)
    change = TierChange.objects.get()
    with pytest.raises(PermissionDenied):
        decide(change, getattr(world, who), "non")
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_note) == (ChangeStatus.PROPOSED, None, "")
    held = PartnerTier.objects.get(partnership=world.partnership_a, program=program)
    assert held.tier is None
    approve_change(change, world.manager, "ok")
    held.refresh_from_db()
    assert held.tier.name == "Silver"


# --- Contradictory rules: every message, word for word -------------------------------------------------

EASIER = "A higher tier must ask at least as much."


def test_same_rank_is_refused_by_name():
    bronze = TierRules(name="Bronze", rank=2, min_revenue=Decimal("10"))
    assert validate_tiers([SILVER, bronze]) == ["Silver and Bronze have the same rank 2."]


def test_a_lower_threshold_in_a_higher_tier_is_refused():
    easy = TierRules(name="Gold", rank=3, min_revenue=Decimal("40000"))
    assert validate_tiers([SILVER, easy]) == [
        f"Gold is easier than Silver: minimum revenue 40,000 is below 50,000. {EASIER}"
    ]


def test_every_dropped_requirement_is_named():
    full = TierRules(
        name="Silver",
        rank=1,
        min_revenue=Decimal("50000"),
        min_certified={"sales": 2},
        min_won_deals=4,
        min_satisfaction=Decimal("7.5"),
        custom_thresholds={"nps": Decimal("30")},
    )
    gold = TierRules(name="Gold", rank=2, min_revenue=Decimal("60000"))
    assert validate_tiers([full, gold]) == [
        f"Gold is easier than Silver: Silver requires certified sales people (2) and Gold does not. {EASIER}",
        f"Gold is easier than Silver: Silver requires metric nps (30) and Gold does not. {EASIER}",
        f"Gold is easier than Silver: Silver requires minimum satisfaction (7.5) and Gold does not. {EASIER}",
        f"Gold is easier than Silver: Silver requires minimum won deals (4) and Gold does not. {EASIER}",
    ]


def test_identical_requirements_and_one_cent_more():
    twin = TierRules(name="Twin", rank=3, min_revenue=Decimal("50000"))
    assert validate_tiers([SILVER, twin]) == [
        "Twin and Silver have the same requirements: nobody could stay in Silver. Make Twin ask more."
    ]
    assert validate_tiers([SILVER, TierRules(name="Gold", rank=3, min_revenue=Decimal("50000.01"))]) == []


def test_check_tiers_raises_the_explanations():
    with pytest.raises(ValidationError) as refused:
        check_tiers([SILVER, TierRules(name="Gold", rank=3, min_revenue=Decimal("1"))])
    assert refused.value.messages == [
        f"Gold is easier than Silver: minimum revenue 1 is below 50,000. {EASIER}"
    ]
    check_tiers([SILVER, GOLD])


def test_rules_from_their_stored_form():
    rules = TierRules.from_requirements(
        name="Gold",
        rank=2,
        id=7,
        requirements={
            "min_revenue": "250000",
            "min_certified": {"sales": "3", "consultant": 0},
            "min_won_deals": 5,
            "min_satisfaction": "",
            "custom_thresholds": {"nps": 30},
        },
        benefits={"margin_percent": "20", "mdf_percent": None},
    )
    assert rules == TierRules(
        name="Gold",
        rank=2,
        id=7,
        min_revenue=Decimal("250000"),
        min_certified={"sales": 3},  # a requirement of 0 people is no requirement
        min_won_deals=5,
        min_satisfaction=None,
        custom_thresholds={"nps": Decimal("30")},
        margin_percent=Decimal("20"),
        mdf_percent=Decimal("0"),
    )
    empty = TierRules.from_requirements(name="Silver", rank=1, requirements={})
    assert (empty.min_revenue, empty.min_certified, empty.custom_thresholds, empty.margin_percent) == (
        None,
        {},
        {},
        Decimal("0"),
    )


def test_a_shared_rank_does_not_stop_the_other_checks():
    bronze = TierRules(name="Bronze", rank=1, min_revenue=Decimal("10"))
    gold = TierRules(name="Gold", rank=2, min_revenue=Decimal("5"))
    silver = TierRules(name="Silver", rank=1, min_revenue=Decimal("50000"))
    assert validate_tiers([silver, bronze, gold]) == [
        "Silver and Bronze have the same rank 1.",
        f"Gold is easier than Bronze: minimum revenue 5 is below 10. {EASIER}",
    ]


def test_the_currency_and_the_period_reach_the_explanation():
    result = evaluate(PartnerMetrics(revenue=Decimal("60000")), [SILVER], currency="USD", months=6)
    assert "Silver: revenue over the last 6 months 60,000 $ ≥ 50,000 $ ✓" in result.explanation()
    below = evaluate(PartnerMetrics(revenue=Decimal("40000")), [SILVER])
    assert (
        below.missing[0].message
        == "Silver needs annual revenue of 50,000 €: you have 40,000 € (10,000 € to go)"
    )
