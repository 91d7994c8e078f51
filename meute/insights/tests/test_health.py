"""The health checks one by one, on plain facts (no database): each fixture trips exactly one check."""

import datetime

import pytest

from meute.insights.choices import GovernanceLevel
from meute.insights.health import HealthFacts, check_weights, score

TODAY = datetime.date(2026, 6, 30)


def healthy(**changes) -> HealthFacts:
    fields = dict(
        as_of=TODAY,
        pillars={"shared_desire": True, "common_project": True, "balance": True, "contract": True},
        parties_without_manager=(),
        last_meetings={
            GovernanceLevel.EXECUTIVE: datetime.date(2026, 3, 1),
            GovernanceLevel.ALLIANCE: datetime.date(2026, 5, 1),
            GovernanceLevel.OPERATIONAL: datetime.date(2026, 6, 15),
        },
        quantified_objectives=4,
        territories=1,
        product_lines=2,
        sectors=1,
        letter_of_intent_on=datetime.date(2025, 1, 10),
        contract_on=datetime.date(2025, 3, 20),
        last_contact_on=datetime.date(2026, 6, 15),
    )
    fields.update(changes)
    return HealthFacts(**fields)


def component(result, key):
    return next(c for c in result.components if c.key == key)


def test_a_healthy_partnership_scores_100_with_no_low_reason():
    result = score(healthy())
    assert result.score == 100
    assert result.low == []


def test_missing_pillars_are_named():
    result = score(healthy(pillars={"shared_desire": True, "common_project": None, "balance": False}))
    pillars = component(result, "pillars")
    assert pillars.score == 0.25
    assert "Common project" in pillars.reason and "Balance" in pillars.reason and "Contract" in pillars.reason
    assert "Shared desire" not in pillars.reason
    # 20 points of weight, three quarters lost: 100 - 15.
    assert result.score == 85


def test_a_side_without_alliance_manager_costs_the_whole_check():
    result = score(healthy(parties_without_manager=("Alpha Intégration",)))
    check = component(result, "alliance_managers")
    assert check.score == 0
    assert "Alpha Intégration" in check.reason
    assert result.score == 85
    assert result.low[0].key == "alliance_managers"


def test_governance_levels_overdue_or_never_met():
    result = score(
        healthy(
            last_meetings={
                GovernanceLevel.EXECUTIVE: datetime.date(2025, 6, 1),  # 394 days > 183
                GovernanceLevel.OPERATIONAL: datetime.date(2026, 6, 20),
            }
        )
    )
    check = component(result, "governance")
    assert check.score == pytest.approx(1 / 3)
    assert "394 days" in check.reason
    assert "Alliance managers never met" in check.reason
    assert result.score == 90  # 15 * 2/3 = 10 lost


def test_objectives_must_be_quantified():
    result = score(healthy(quantified_objectives=0))
    assert component(result, "objectives").score == 0
    assert result.score == 85


def test_boundaries_count_per_dimension():
    result = score(healthy(product_lines=0, sectors=0))
    check = component(result, "boundaries")
    assert check.score == pytest.approx(1 / 3)
    assert "product lines" in check.reason and "sectors" in check.reason and "territories" not in check.reason
    assert result.score == 93  # 10 * 2/3 = 6.67 lost


def test_no_contract_and_contract_too_early():
    assert component(score(healthy(contract_on=None)), "contract").score == 0
    early = score(
        healthy(letter_of_intent_on=datetime.date(2025, 1, 10), contract_on=datetime.date(2025, 2, 9))
    )
    check = component(early, "contract")
    assert check.score == 0.5
    assert "30 days" in check.reason
    assert early.score == 95
    # Sixty days after the letter of intent is no longer too early.
    assert component(score(healthy(contract_on=datetime.date(2025, 3, 11))), "contract").score == 1


def test_communication_recent_stale_or_none():
    assert component(score(healthy(last_contact_on=datetime.date(2026, 4, 1))), "communication").score == 1
    assert component(score(healthy(last_contact_on=datetime.date(2026, 3, 1))), "communication").score == 0.5
    assert component(score(healthy(last_contact_on=datetime.date(2025, 12, 1))), "communication").score == 0
    assert component(score(healthy(last_contact_on=None)), "communication").score == 0


def test_weights_are_configurable():
    facts = healthy(quantified_objectives=0)
    # Only objectives count: the score is 0.
    weights = dict.fromkeys(
        ("pillars", "alliance_managers", "governance", "boundaries", "contract", "communication"), 0
    )
    assert score(facts, weights).score == 0
    assert score(facts, {"objectives": 0}).score == 100


@pytest.mark.parametrize(
    "weights, message",
    [
        (
            dict.fromkeys(
                (
                    "pillars",
                    "alliance_managers",
                    "governance",
                    "objectives",
                    "boundaries",
                    "contract",
                    "communication",
                ),
                0,
            ),
            "sum to zero",
        ),
        ({"objectives": -1}, "cannot be negative"),
        ({"luck": 3}, "Unknown health check"),
    ],
)
def test_bad_weights_are_refused_with_a_reason(weights, message):
    with pytest.raises(ValueError, match=message):
        check_weights(weights)


def test_configured_weights_are_checked_at_startup(settings):
    from meute.insights.apps import check_health_weights

    settings.MEUTE_HEALTH_WEIGHTS = {"pillars": "30"}
    assert check_health_weights() == []
    settings.MEUTE_HEALTH_WEIGHTS = {"pilars": "30"}
    errors = check_health_weights()
    assert errors and "Unknown health check" in errors[0].msg
    settings.MEUTE_HEALTH_WEIGHTS = {"pillars": "many"}
    assert check_health_weights()[0].id == "insights.E001"


def test_a_silent_score_is_the_same_score_without_reasons():
    for facts in (
        healthy(),
        healthy(quantified_objectives=0, sectors=0),
        healthy(
            pillars={},
            parties_without_manager=("X",),
            last_meetings={},
            contract_on=None,
            last_contact_on=None,
        ),
    ):
        loud, silent = score(facts), score(facts, explain=False)
        assert silent.score == loud.score
        assert [c.score for c in silent.components] == [c.score for c in loud.components]
        assert all(c.reason == "" for c in silent.components)
