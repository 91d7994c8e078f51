"""The funds API: scoped lists, refused writes that write nothing, the workflow through its actions."""

from decimal import Decimal

from meute.funds import workflow
from meute.funds.choices import ClaimStatus, RequestStatus
from meute.funds.ledger import balance_of
from meute.funds.models import Claim, FundAllocation, FundEntry, FundRequest

from .conftest import make_request, pdf

D = Decimal


def test_partner_lists_only_its_allocations_with_balances(funds_world, api):
    w = funds_world.world
    response = api(w.partner_a_user).get("/api/fund-allocations/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["uuid"] for r in rows] == [str(funds_world.fund_a.uuid)]
    assert rows[0]["balance"]["allocated"] == "5000.00" and rows[0]["balance"]["available"] == "5000.00"
    assert api(w.partner_a_user).get(f"/api/fund-allocations/{funds_world.fund_b.uuid}/").status_code == 404
    assert all(
        e["allocation"] == str(funds_world.fund_a.uuid)
        for e in api(w.partner_a_user).get("/api/fund-entries/").json()["results"]
    )


def test_only_finance_and_managers_allocate(funds_world, api):
    w = funds_world.world
    body = {
        "partnership": str(w.partnership_a.uuid),
        "program": str(funds_world.program.uuid),
        "period": 2028,
        "amount": "100",
    }
    for user in (w.partner_a_user, w.reader):
        assert api(user).post("/api/fund-allocations/", body, format="json").status_code == 403
    assert not FundAllocation.objects.filter(period=2028).exists()
    response = api(w.manager).post("/api/fund-allocations/", body, format="json")
    assert response.status_code == 201 and response.json()["balance"]["allocated"] == "100.00"


def test_partner_request_ignores_approval_fields_and_cannot_approve(funds_world, api):
    w = funds_world.world
    client = api(w.partner_a_user)
    response = client.post(
        "/api/fund-requests/",
        {
            "allocation": str(funds_world.fund_a.uuid),
            "activity_type": "emailing",
            "title": "Mailing",
            "budget": "400",
            "currency": "EUR",
            "start_date": "2027-03-01",
            "end_date": "2027-03-02",
            "status": "approved",
            "approved_amount": "400",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    uuid = response.json()["uuid"]
    assert response.json()["status"] == "draft" and response.json()["approved_amount"] is None
    assert client.post(f"/api/fund-requests/{uuid}/submit/").json()["status"] == "submitted"
    assert client.post(f"/api/fund-requests/{uuid}/approve/", {}, format="json").status_code == 403
    assert api(w.reader).post(f"/api/fund-requests/{uuid}/approve/", {}, format="json").status_code == 403
    assert not FundEntry.objects.filter(kind="commitment").exists()
    approved = api(w.manager).post(f"/api/fund-requests/{uuid}/approve/", {"amount": "300"}, format="json")
    assert approved.json()["status"] == "approved" and approved.json()["approved_amount"] == "300.00"


def test_other_partner_is_refused_everywhere(funds_world, api):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    workflow.approve_request(fund_request, w.manager)
    claim = workflow.submit_claim(
        fund_request, w.partner_a_user, amount=D("100"), currency="EUR", proofs=[(pdf(), "invoice")]
    )
    other = api(w.partner_b_user)
    assert other.get(f"/api/fund-requests/{fund_request.uuid}/").status_code == 404
    assert (
        other.patch(f"/api/fund-requests/{fund_request.uuid}/", {"title": "x"}, format="json").status_code
        == 404
    )
    assert other.post(f"/api/fund-requests/{fund_request.uuid}/cancel/").status_code == 404
    assert other.get(f"/api/fund-claims/{claim.uuid}/").status_code == 404
    assert other.get("/api/fund-claims/").json()["results"] == []
    # A claim on another partner's request: the request does not exist for them.
    response = other.post(
        "/api/fund-claims/",
        {"request": str(fund_request.uuid), "amount": "10", "currency": "EUR", "invoice": pdf()},
        format="multipart",
    )
    assert response.status_code == 400 and Claim.objects.count() == 1
    # Another partner's fund cannot take a request.
    response = other.post(
        "/api/fund-requests/",
        {
            "allocation": str(funds_world.fund_a.uuid),
            "activity_type": "event",
            "title": "No",
            "budget": "1",
            "currency": "EUR",
            "start_date": "2027-03-01",
            "end_date": "2027-03-01",
        },
        format="json",
    )
    assert response.status_code == 400 and not FundRequest.objects.filter(title="No").exists()


def test_claim_with_file_then_approved_and_paid_by_staff_only(funds_world, api):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    workflow.approve_request(fund_request, w.manager)
    partner = api(w.partner_a_user)
    no_proof = partner.post(
        "/api/fund-claims/",
        {"request": str(fund_request.uuid), "amount": "800", "currency": "EUR"},
        format="multipart",
    )
    assert (
        no_proof.status_code == 400 and "files" in no_proof.json()["errors"]
        if "errors" in no_proof.json()
        else "files" in str(no_proof.json())
    )
    response = partner.post(
        "/api/fund-claims/",
        {
            "request": str(fund_request.uuid),
            "amount": "800",
            "currency": "EUR",
            "leads": "9",
            "attendees": pdf("list.pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    uuid = response.json()["uuid"]
    assert response.json()["proofs"][0]["kind"] == "attendees"
    assert partner.post(f"/api/fund-claims/{uuid}/approve/", {}, format="json").status_code == 403
    assert (
        partner.post(f"/api/fund-claims/{uuid}/pay/", {"payment_reference": "X"}, format="json").status_code
        == 403
    )
    assert Claim.objects.get().status == ClaimStatus.SUBMITTED
    manager = api(w.manager)
    assert (
        manager.post(f"/api/fund-claims/{uuid}/approve/", {"approved_amount": "700"}, format="json").json()[
            "status"
        ]
        == "partially_approved"
    )
    assert (
        manager.post(f"/api/fund-claims/{uuid}/pay/", {"payment_reference": "VIR-9"}, format="json").json()[
            "status"
        ]
        == "paid"
    )
    assert balance_of(funds_world.fund_a).paid == D("700.00")
    assert FundRequest.objects.get().status == RequestStatus.APPROVED
