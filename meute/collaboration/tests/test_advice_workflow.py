"""Assessment, recommendation and adoption rules, without HTTP."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from meute.collaboration import assessments as workflow
from meute.collaboration.catalogue import entries_for
from meute.collaboration.models import AssessmentResponse, ModelDecision, PlaybookItem
from meute.collaboration.tests.advice_helpers import advice_world_fixture, answers  # noqa: F401
from meute.partnerships.choices import CollaborationModel as M

SALES = {"marketing": 1, "sales": 2, "legal": 1, "share_customers": 1, "horizon": 1}


def test_each_member_answers_only_for_their_own_organisation(advice_world):
    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers(**SALES))
    with pytest.raises(PermissionDenied):
        workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_b, answers())
    with pytest.raises(PermissionDenied):
        workflow.submit_assessment(w.partner_c_user, w.grouping, w.org_c, answers())
    with pytest.raises(PermissionDenied):
        workflow.submit_assessment(w.reader, w.grouping, w.org_b, answers())
    # Staff editors may record a member's answers.
    workflow.submit_assessment(w.manager, w.grouping, w.org_b, answers(**SALES))
    assert AssessmentResponse.objects.count() == 2


def test_missing_answers_are_refused_and_nothing_is_saved(advice_world):
    w = advice_world
    incomplete = answers()
    del incomplete["horizon"]
    with pytest.raises(ValidationError) as caught:
        workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, incomplete)
    assert "horizon" in caught.value.message_dict
    assert not AssessmentResponse.objects.exists()


def test_answering_again_replaces_the_answers(advice_world):
    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers())
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers(marketing=2))
    response = AssessmentResponse.objects.get()
    assert response.answers["mkt_budget"] == "annual"


def test_recommendation_waits_for_every_member(advice_world):
    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers(**SALES))
    status = workflow.advice_status(w.grouping)
    assert status.recommendation is None and status.missing == [w.org_b]
    workflow.submit_assessment(w.partner_b_user, w.grouping, w.org_b, answers(**SALES))
    status = workflow.advice_status(w.grouping)
    assert status.complete and status.recommendation.model == M.PARTIAL_SALES_INTEGRATION


def test_members_see_their_own_answers_coordinator_and_staff_see_all(advice_world):
    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers())
    workflow.submit_assessment(w.partner_b_user, w.grouping, w.org_b, answers())
    workflow.submit_assessment(w.partner_c_user, w.other_grouping, w.org_c, answers())
    visible = AssessmentResponse.objects.visible_to
    assert {r.organization for r in visible(w.partner_a_user)} == {w.org_a, w.org_b}  # coordinator
    assert {r.organization for r in visible(w.partner_b_user)} == {w.org_b}
    assert {r.organization for r in visible(w.partner_c_user)} == {w.org_c}
    assert visible(w.reader).count() == 3


def test_coordinator_adopts_the_recommendation_with_audit_and_playbook(advice_world):
    w = advice_world
    for user, organization in ((w.partner_a_user, w.org_a), (w.partner_b_user, w.org_b)):
        workflow.submit_assessment(user, w.grouping, organization, answers(**SALES))
    with pytest.raises(PermissionDenied):
        workflow.adopt_model(w.partner_b_user, w.grouping)
    decision = workflow.adopt_model(w.partner_a_user, w.grouping)
    w.grouping.refresh_from_db()
    assert w.grouping.collaboration_model == M.PARTIAL_SALES_INTEGRATION
    assert decision.recommended_model == decision.chosen_model == M.PARTIAL_SALES_INTEGRATION
    keys = list(PlaybookItem.objects.filter(partnership=w.grouping).values_list("key", flat=True))
    assert keys == [entry.key for entry in entries_for(M.PARTIAL_SALES_INTEGRATION)]
    entries = [
        e
        for e in LogEntry.objects.get_for_object(w.grouping).filter(action=LogEntry.Action.UPDATE)
        if "collaboration_model" in e.changes_dict
    ]
    assert len(entries) == 1 and entries[0].actor == w.partner_a_user
    assert entries[0].changes_dict["collaboration_model"][1] == M.PARTIAL_SALES_INTEGRATION


def test_another_model_can_be_chosen_and_bad_choices_are_refused(advice_world):
    w = advice_world
    with pytest.raises(ValidationError):
        workflow.adopt_model(w.manager, w.grouping)  # nobody answered: no recommendation
    with pytest.raises(ValidationError):
        workflow.adopt_model(w.manager, w.grouping, "channel_agreement")
    with pytest.raises(PermissionDenied):
        workflow.adopt_model(w.reader, w.grouping, M.OEM)
    workflow.adopt_model(w.manager, w.grouping, M.OEM, reason="Le produit est vendu en marque blanche")
    workflow.adopt_model(w.manager, w.grouping, M.OEM)
    assert PlaybookItem.objects.filter(partnership=w.grouping, model=M.OEM).count() == len(entries_for(M.OEM))
    assert ModelDecision.objects.filter(partnership=w.grouping).count() == 2


def test_a_new_round_keeps_the_old_answers_and_waits_for_new_ones(advice_world):
    w = advice_world
    workflow.submit_assessment(w.partner_a_user, w.grouping, w.org_a, answers(**SALES))
    workflow.submit_assessment(w.partner_b_user, w.grouping, w.org_b, answers(**SALES))
    with pytest.raises(PermissionDenied):
        workflow.open_new_round(w.partner_b_user, w.grouping)
    second = workflow.open_new_round(w.partner_a_user, w.grouping)
    assert second.number == 2
    status = workflow.advice_status(w.grouping)
    assert status.round == second and status.recommendation is None and len(status.missing) == 2
    assert AssessmentResponse.objects.filter(round__number=1).count() == 2
    workflow.submit_assessment(w.partner_b_user, w.grouping, w.org_b, answers())
    assert AssessmentResponse.objects.filter(round=second).count() == 1
