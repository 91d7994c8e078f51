"""The advisor's rule set, one scenario per collaboration model, plus disagreements and missing answers."""

import pytest

from meute.collaboration import advisor as advisor
from meute.partnerships.choices import CollaborationModel as M


def answers(marketing=0, sales=0, technology=0, legal=0, **ambition):
    """Every question of an axis answered at the given level; ambition questions at 0 unless given."""
    axis_levels = {"marketing": marketing, "sales": sales, "technology": technology, "legal": legal}
    result = {}
    for question in advisor.QUESTIONS:
        level = axis_levels.get(question.axis, ambition.get(question.key, 0))
        result[question.key] = question.options[level][0]
    return result


SCENARIOS = {
    M.REFERRAL: {},
    M.JOINT_CAMPAIGN: {"marketing": 1, "horizon": 1},
    M.MARKETING_COOPERATION: {"marketing": 2, "horizon": 2},
    M.PARTIAL_SALES_INTEGRATION: {"marketing": 1, "sales": 2, "legal": 1, "share_customers": 1, "horizon": 1},
    M.TECHNOLOGY_INTEGRATION: {"technology": 2, "legal": 1, "share_data": 1, "horizon": 2},
    M.OEM: {"technology": 3, "legal": 2, "share_brand": 1, "horizon": 1},
    M.GIE: {"marketing": 2, "legal": 3, "share_resources": 1, "horizon": 3},
    M.CROSS_SHAREHOLDING: {"legal": 3, "share_capital": 1, "share_resources": 1, "horizon": 3},
}


@pytest.mark.parametrize("model", list(SCENARIOS))
def test_one_scenario_per_model(model):
    levels = SCENARIOS[model]
    result = advisor.recommend({"Alpha": answers(**levels), "Bêta": answers(**levels)})
    assert result.model == model
    assert result.reasons and all(isinstance(reason, str) for reason in result.reasons)
    assert not result.disagreements
    order = advisor.MODEL_ORDER
    if model == M.CROSS_SHAREHOLDING:
        assert result.next_model is None and result.next_requirements == []
    else:
        assert result.next_model == order[order.index(model) + 1]
        # The next model up is not met, so at least one requirement is missing, naming both members.
        assert result.next_requirements and "Alpha" in result.next_requirements[0]


def test_every_model_of_the_eight_has_a_rule_and_a_scenario():
    grouping_models = [m for m in M.values if m != M.CHANNEL_AGREEMENT]
    assert grouping_models == advisor.MODEL_ORDER
    assert set(SCENARIOS) == set(grouping_models)


def test_reasons_name_the_answers_that_drove_the_choice():
    result = advisor.recommend({"Alpha": answers(**SCENARIOS[M.OEM]), "Bêta": answers(**SCENARIOS[M.OEM])})
    text = " ".join(result.reasons)
    assert "Technology" in text and "brand" in text and "Legal" in text
    assert "Alpha: One member's solution embedded in another's" in text


def test_the_least_committed_member_sets_the_model_and_disagreements_are_listed_per_member():
    keen = answers(marketing=3, sales=2, legal=1, share_customers=1, horizon=3)
    cautious = answers(marketing=1, sales=2, legal=1, share_customers=1, horizon=0)
    result = advisor.recommend({"Alpha": keen, "Bêta": cautious})
    # Sales integration is met by both; marketing cooperation is not (Bêta), neither is anything above.
    assert result.model == M.PARTIAL_SALES_INTEGRATION
    assert [d.axis for d in result.disagreements] == ["marketing"]
    disagreement = result.disagreements[0]
    assert disagreement.levels == {"Alpha": 3, "Bêta": 1} and disagreement.spread == 2


def test_a_gap_of_one_level_is_not_a_disagreement():
    result = advisor.recommend({"A": answers(technology=2), "B": answers(technology=1)})
    assert result.disagreements == []


def test_next_model_requirements_name_the_members_falling_short():
    ready = answers(**SCENARIOS[M.JOINT_CAMPAIGN] | {"marketing": 2, "horizon": 2})
    result = advisor.recommend({"Alpha": ready, "Bêta": answers(**SCENARIOS[M.JOINT_CAMPAIGN])})
    assert result.model == M.JOINT_CAMPAIGN and result.next_model == M.MARKETING_COOPERATION
    assert len(result.next_requirements) == 2  # marketing level and 12-month horizon
    assert all("Bêta" in need and "Alpha" not in need for need in result.next_requirements)


def test_missing_and_unknown_answers_are_refused():
    incomplete = answers()
    del incomplete["legal_ip"]
    wrong = answers() | {"horizon": "forever", "mood": "good"}
    with pytest.raises(advisor.IncompleteAnswers) as caught:
        advisor.recommend({"Alpha": incomplete, "Bêta": wrong})
    problems = caught.value.problems
    assert set(problems) == {"Alpha", "Bêta"}
    assert any(p.startswith("legal_ip") for p in problems["Alpha"])
    assert any(p.startswith("horizon") for p in problems["Bêta"]) and any(
        p.startswith("mood") for p in problems["Bêta"]
    )
    with pytest.raises(advisor.IncompleteAnswers):
        advisor.recommend({})


def test_answer_problems_of_a_complete_set_is_empty():
    assert advisor.answer_problems(answers(marketing=3, legal=2)) == {}
    assert set(advisor.answer_problems({})) == {q.key for q in advisor.QUESTIONS}


def test_reasons_are_translated():
    from django.utils.translation import override

    with override("fr"):
        result = advisor.recommend({"A": answers(**SCENARIOS[M.GIE]), "B": answers(**SCENARIOS[M.GIE])})
    assert result.model == M.GIE
    assert len(result.reasons) == 3
    assert all("chaque membre est prêt pour" in reason for reason in result.reasons)
    assert "Juridique — chaque membre est prêt pour une structure juridique commune" in result.reasons[0]
