"""Refusals of the advice workflow answer 409 with a stable code through the API and change nothing;
invalid input stays a 400."""

from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.models import AssessmentResponse, AssessmentRound, ModelDecision, PlaybookItem
from meute.collaboration.tests.advice_helpers import advice_world_fixture, answers  # noqa: F401
from meute.partnerships.choices import CollaborationModel
from meute.partnerships.models import Partnership


def _error(response, status=409):
    assert response.status_code == status, response.json()
    return response.json()["error"]


def test_an_answer_to_a_closed_round_answers_409(advice_world, api):
    w = advice_world
    AssessmentRound.objects.create(partnership=w.grouping, number=1, is_open=False)
    response = api(w.partner_b_user).post(
        f"/api/grouping-advice/{w.grouping.uuid}/assessment/", {"answers": answers()}, format="json"
    )
    assert _error(response)["code"] == "round_closed"
    assert not AssessmentResponse.objects.exists()


def test_adopting_without_a_recommendation_names_the_members_still_to_answer(advice_world, api):
    w = advice_world
    base = f"/api/grouping-advice/{w.grouping.uuid}/"
    assert (
        api(w.partner_b_user).post(base + "assessment/", {"answers": answers()}, format="json").status_code
        == 201
    )
    error = _error(api(w.partner_a_user).post(base + "adopt/", {}, format="json"))
    assert error["code"] == "no_recommendation"
    assert error["details"] == {"missing": [w.org_a.name]}
    assert list(error["fields"]) == ["model"]
    assert not ModelDecision.objects.exists()
    assert Partnership.objects.get(pk=w.grouping.pk).collaboration_model == w.grouping.collaboration_model


def test_an_item_settled_by_a_missing_record_cannot_be_marked_done(advice_world, api):
    w = advice_world
    item = PlaybookItem.objects.create(
        partnership=w.grouping, model=CollaborationModel.JOINT_CAMPAIGN, key="campaign_budget_split"
    )
    response = api(w.manager).patch(
        f"/api/playbook-items/{item.uuid}/", {"status": PlaybookItemStatus.DONE}, format="json"
    )
    error = _error(response)
    assert (error["code"], error["details"]) == ("not_settled", {"item": "campaign_budget_split"})
    assert "create the campaign first" in error["fields"]["status"][0]
    item.refresh_from_db()
    assert item.status != PlaybookItemStatus.DONE


def test_an_invalid_item_stays_a_400_before_any_refusal(advice_world, api):
    w = advice_world
    item = PlaybookItem.objects.create(
        partnership=w.grouping, model=CollaborationModel.JOINT_CAMPAIGN, key="campaign_budget_split"
    )
    response = api(w.manager).patch(
        f"/api/playbook-items/{item.uuid}/",
        {"status": PlaybookItemStatus.NOT_APPLICABLE, "not_applicable_reason": ""},
        format="json",
    )
    assert "not_applicable_reason" in _error(response, 400)["fields"]
