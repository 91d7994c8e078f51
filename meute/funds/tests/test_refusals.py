"""Refusals of the funds workflow answer 409 with a stable code and what the caller needs to act."""

from decimal import Decimal

from meute.funds import workflow
from meute.funds.choices import RequestStatus
from meute.funds.models import FundEntry, FundRequest

from .conftest import make_request, pdf

D = Decimal


def error_of(response, status=409):
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_a_second_submission_is_refused_with_the_status_it_is_in(funds_world, api):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    error = error_of(api(w.partner_a_user).post(f"/api/fund-requests/{fund_request.uuid}/submit/"))
    assert error["code"] == "wrong_status"
    assert error["details"] == {"current": "submitted", "allowed": ["draft", "changes_requested"]}


def test_a_budget_above_the_balance_is_refused_with_the_balance_and_nothing_changes(funds_world, api):
    w = funds_world.world
    draft = make_request(funds_world.fund_a, w.partner_a_user, budget="6000", submit=False)
    error = error_of(api(w.partner_a_user).post(f"/api/fund-requests/{draft.uuid}/submit/"))
    assert error["code"] == "insufficient_funds"
    assert error["details"] == {"available": "5000.00", "currency": "EUR"}
    assert list(error["fields"]) == ["budget"]
    assert FundRequest.objects.get(pk=draft.pk).status == RequestStatus.DRAFT


def test_an_approval_above_the_managers_limit_is_refused_and_commits_nothing(funds_world, api, settings):
    w = funds_world.world
    settings.MEUTE_FUNDS_MANAGER_APPROVAL_LIMIT = "500"
    fund_request = make_request(funds_world.fund_a, w.partner_a_user, budget="800")
    response = api(w.manager).post(f"/api/fund-requests/{fund_request.uuid}/approve/", {}, format="json")
    error = error_of(response)
    assert error["code"] == "above_approval_limit" and error["details"]["limit"] == "500"
    assert not FundEntry.objects.filter(kind="commitment").exists()


def test_a_second_claim_is_refused(funds_world, api):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    workflow.approve_request(fund_request, w.manager)
    workflow.submit_claim(
        fund_request, w.partner_a_user, amount=D("100"), currency="EUR", proofs=[(pdf(), "invoice")]
    )
    response = api(w.partner_a_user).post(
        "/api/fund-claims/",
        {"request": str(fund_request.uuid), "amount": "50", "currency": "EUR", "invoice": pdf()},
        format="multipart",
    )
    assert error_of(response)["code"] == "already_claimed"


def test_invalid_input_stays_a_400(funds_world, api):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    response = api(w.manager).post(
        f"/api/fund-requests/{fund_request.uuid}/approve/", {"amount": "0"}, format="json"
    )
    assert error_of(response, 400)["code"] == "invalid"
