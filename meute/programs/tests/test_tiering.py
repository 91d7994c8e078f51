"""The pure tier engine: eligibility, explanations, boundaries and contradictory rules."""

from decimal import Decimal

import pytest
from django.utils import translation

from meute.programs.tiering import PartnerMetrics, TierRules, evaluate, validate_tiers

SILVER = TierRules(name="Silver", rank=1, min_revenue=Decimal("50000"))
GOLD = TierRules(
    name="Gold", rank=2, min_revenue=Decimal("250000"), min_certified={"sales": 3, "consultant": 2}
)
PLATINUM = TierRules(
    name="Platinum", rank=3, min_revenue=Decimal("1000000"), min_certified={"sales": 5, "consultant": 3}
)
SEED = [PLATINUM, SILVER, GOLD]  # any order


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_gold_needs_three_sales_and_two_consultants():
    metrics = PartnerMetrics(revenue=Decimal("412000"), certified={"sales": 2, "consultant": 2})
    result = evaluate(metrics, SEED)
    assert result.tier == SILVER
    assert result.next_tier == GOLD
    messages = [r.message for r in result.missing]
    assert messages == ["Gold needs 3 certified sales people: you have 2"]
    explanation = result.explanation()
    assert "Gold: annual revenue 412,000 € ≥ 250,000 € ✓" in explanation
    assert "Gold: 2 certified consultant people ≥ 2 ✓" in explanation


def test_gold_reached_exactly_at_the_boundary():
    metrics = PartnerMetrics(revenue=Decimal("250000"), certified={"sales": 3, "consultant": 2})
    result = evaluate(metrics, SEED)
    assert result.tier == GOLD
    assert [r.code for r in result.missing] == ["revenue", "certified:consultant", "certified:sales"]


def test_one_cent_below_the_boundary_is_not_enough():
    metrics = PartnerMetrics(revenue=Decimal("249999.99"), certified={"sales": 3, "consultant": 2})
    result = evaluate(metrics, SEED)
    assert result.tier == SILVER
    assert [r.message for r in result.missing] == [
        "Gold needs annual revenue of 250,000 €: you have 249,999.99 € (0.01 € to go)"
    ]


def test_platinum_needs_five_sales_and_three_consultants():
    metrics = PartnerMetrics(revenue=Decimal("2000000"), certified={"sales": 5, "consultant": 2})
    result = evaluate(metrics, SEED)
    assert result.tier == GOLD
    assert [r.message for r in result.missing] == ["Platinum needs 3 certified consultant people: you have 2"]
    full = PartnerMetrics(revenue=Decimal("2000000"), certified={"sales": 5, "consultant": 3})
    top = evaluate(full, SEED)
    assert top.tier == PLATINUM
    assert top.next_tier is None and top.missing == []


def test_lower_tier_must_be_met_before_a_higher_one():
    # Certified people but no revenue: not even Silver, whatever Gold's other requirements say.
    metrics = PartnerMetrics(revenue=Decimal("0"), certified={"sales": 9, "consultant": 9})
    result = evaluate(metrics, SEED)
    assert result.tier is None
    assert result.next_tier == SILVER


def test_won_deals_satisfaction_and_custom_metrics():
    tier = TierRules(
        name="Select",
        rank=1,
        min_won_deals=4,
        min_satisfaction=Decimal("7.5"),
        custom_thresholds={"demos": Decimal("10")},
    )
    short = evaluate(PartnerMetrics(won_deals=3, custom={"demos": Decimal("12")}), [tier])
    assert short.tier is None
    assert [r.message for r in short.missing] == [
        "Select needs 4 won deals: you have 3",
        "Select needs a customer satisfaction of 7.5/10: no score recorded yet",
    ]
    ok = evaluate(
        PartnerMetrics(won_deals=4, satisfaction=Decimal("7.5"), custom={"demos": Decimal("10")}), [tier]
    )
    assert ok.tier == tier


def test_contradictory_tiers_are_explained():
    easy_gold = TierRules(name="Gold", rank=2, min_revenue=Decimal("40000"), min_certified={"sales": 3})
    errors = validate_tiers([SILVER, easy_gold])
    assert len(errors) == 1
    assert "Gold is easier than Silver" in errors[0]
    assert "50,000" in errors[0] and "40,000" in errors[0]


def test_dropping_a_requirement_in_a_higher_tier_is_refused():
    no_consultants = TierRules(
        name="Platinum", rank=3, min_revenue=Decimal("2000000"), min_certified={"sales": 5}
    )
    errors = validate_tiers([GOLD, no_consultants])
    assert any("certified consultant people" in e and "does not" in e for e in errors)


def test_identical_tiers_overlap():
    twin = TierRules(name="Silver plus", rank=2, min_revenue=Decimal("50000"))
    assert any("same requirements" in e for e in validate_tiers([SILVER, twin]))


def test_seed_tiers_are_consistent():
    assert validate_tiers(SEED) == []
