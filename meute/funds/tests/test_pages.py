"""Fund pages through the client: who sees what, who may write what, and bad input changing nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from meute.deals.models import Customer, DealRegistration
from meute.funds import workflow
from meute.funds.choices import ClaimStatus, RequestStatus
from meute.funds.ledger import Balance, balance_of
from meute.funds.models import ActivityDeal, Claim, FundAllocation, FundEntry, FundRequest

from .conftest import make_request, pdf

D = Decimal


@pytest.fixture
def approved(funds_world):
    w = funds_world.world
    fund_request = make_request(funds_world.fund_a, w.partner_a_user)
    return workflow.approve_request(fund_request, w.manager)


def test_partner_sees_only_its_own_funds_and_requests(funds_world, client_for):
    w = funds_world.world
    b_request = make_request(funds_world.fund_b, w.partner_b_user, title="Bêta webinar")
    page = client_for(w.partner_a_user).get(reverse("funds:fund-overview"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Alpha channel" in body and "Bêta channel" not in body and "Bêta webinar" not in body
    assert 'id="allocation-form"' not in body
    client = client_for(w.partner_a_user)
    for url in (
        reverse("funds:fund-allocation", kwargs={"uuid": funds_world.fund_b.uuid}),
        reverse("funds:fund-request", kwargs={"uuid": b_request.uuid}),
        reverse("funds:fund-request-edit", kwargs={"uuid": b_request.uuid}),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("funds:fund-request", kwargs={"uuid": b_request.uuid}), {"action": "cancel"}
        ).status_code
        == 404
    )
    b_request.refresh_from_db()
    assert b_request.status == RequestStatus.SUBMITTED


def test_staff_overview_shows_every_balance(funds_world, client_for):
    w = funds_world.world
    body = client_for(w.manager).get(reverse("funds:fund-overview")).content.decode()
    assert "Alpha channel" in body and "Bêta channel" in body and 'id="allocation-form"' in body


def test_partner_cannot_post_an_allocation(funds_world, client_for):
    w = funds_world.world
    before = FundEntry.objects.count()
    data = {
        "partnership": w.partnership_a.pk,
        "program": funds_world.program.pk,
        "period": 2027,
        "method": "manual",
        "amount": "999999",
    }
    for user in (w.partner_a_user, w.reader):
        assert client_for(user).post(reverse("funds:fund-overview"), data).status_code == 403
    assert FundEntry.objects.count() == before


def test_manager_allocates_by_hand_and_by_period(funds_world, client_for):
    w = funds_world.world
    client = client_for(w.manager)
    response = client.post(
        reverse("funds:fund-overview"),
        {
            "partnership": w.partnership_b.pk,
            "program": funds_world.program.pk,
            "period": 2028,
            "method": "manual",
            "amount": "1500",
        },
    )
    assert response.status_code == 302
    fund = FundAllocation.objects.get(partnership=w.partnership_b, period=2028)
    assert balance_of(fund).allocated == D("1500.00")
    bad = client.post(
        reverse("funds:fund-overview"),
        {
            "partnership": w.partnership_b.pk,
            "program": funds_world.program.pk,
            "period": 2029,
            "method": "manual",
        },
    )
    assert bad.status_code == 400 and "Enter the amount allocated by hand." in bad.content.decode()
    assert not FundAllocation.objects.filter(period=2029).exists()
    client.post(reverse("funds:fund-overview"), {"action": "period", "period": 2029})
    assert balance_of(FundAllocation.objects.get(partnership=w.partnership_a, period=2029)).allocated == D(
        "0.00"
    )


def test_partner_proposes_an_activity_and_cannot_set_approval_fields(funds_world, client_for):
    w = funds_world.world
    client = client_for(w.partner_a_user)
    response = client.post(
        reverse("funds:fund-request-create"),
        {
            "allocation": funds_world.fund_a.pk,
            "activity_type": "webinar",
            "title": "Webinar",
            "budget": "700",
            "currency": "EUR",
            "expected_leads": "30",
            "expected_opportunities": "3",
            "start_date": "2027-04-01",
            "end_date": "2027-04-01",
            "submit": "1",
            "status": "approved",
            "approved_amount": "700",
        },
    )
    assert response.status_code == 302
    fund_request = FundRequest.objects.get(title="Webinar")
    assert fund_request.status == RequestStatus.SUBMITTED and fund_request.approved_amount is None
    assert balance_of(funds_world.fund_a).committed == 0
    # The partner cannot approve its own request.
    response = client.post(
        reverse("funds:fund-request", kwargs={"uuid": fund_request.uuid}),
        {"action": "approve", "amount": "700"},
    )
    assert response.status_code == 403
    fund_request.refresh_from_db()
    assert fund_request.status == RequestStatus.SUBMITTED


def test_partner_cannot_request_on_another_partners_fund(funds_world, client_for):
    w = funds_world.world
    response = client_for(w.partner_a_user).post(
        reverse("funds:fund-request-create"),
        {
            "allocation": funds_world.fund_b.pk,
            "activity_type": "webinar",
            "title": "Sneaky",
            "budget": "100",
            "currency": "EUR",
            "expected_leads": "1",
            "expected_opportunities": "0",
            "start_date": "2027-04-01",
            "end_date": "2027-04-01",
        },
    )
    assert response.status_code == 400
    assert not FundRequest.objects.filter(title="Sneaky").exists()


def test_request_form_refuses_dates_in_the_wrong_order(funds_world, client_for):
    w = funds_world.world
    response = client_for(w.partner_a_user).post(
        reverse("funds:fund-request-create"),
        {
            "allocation": funds_world.fund_a.pk,
            "activity_type": "event",
            "title": "Backwards",
            "budget": "100",
            "currency": "EUR",
            "expected_leads": "1",
            "expected_opportunities": "0",
            "start_date": "2027-04-02",
            "end_date": "2027-04-01",
        },
    )
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not FundRequest.objects.filter(title="Backwards").exists()


def test_full_journey_through_the_pages(approved, funds_world, client_for):
    w = funds_world.world
    url = reverse("funds:fund-request", kwargs={"uuid": approved.uuid})
    partner = client_for(w.partner_a_user)
    no_proof = partner.post(
        url, {"action": "claim", "amount": "900", "currency": "EUR", "leads": "12", "opportunities": "2"}
    )
    assert no_proof.status_code == 400 and "Attach proof of performance" in no_proof.content.decode()
    assert not Claim.objects.exists()
    response = partner.post(
        url,
        {
            "action": "claim",
            "amount": "900",
            "currency": "EUR",
            "leads": "12",
            "opportunities": "2",
            "invoice": pdf(),
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    proof = claim.proofs.get()
    assert partner.get(reverse("funds:fund-proof", kwargs={"uuid": proof.uuid})).status_code == 200
    # Paid fields are not the partner's to write.
    assert partner.post(url, {"action": "paid", "payment_reference": "X"}).status_code == 403
    manager = client_for(w.manager)
    assert manager.post(url, {"action": "approve_claim", "approved_amount": ""}).status_code == 302
    assert manager.post(url, {"action": "paid", "payment_reference": "VIR-1"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.payment_reference == "VIR-1"
    assert balance_of(funds_world.fund_a) == Balance(allocated=D("5000.00"), paid=D("900.00"))


def test_other_partner_cannot_download_proof_or_claim(approved, funds_world, client_for):
    w = funds_world.world
    claim = workflow.submit_claim(
        approved, w.partner_a_user, amount=D("100"), currency="EUR", proofs=[(pdf(), "invoice")]
    )
    proof = claim.proofs.get()
    other = client_for(w.partner_b_user)
    assert other.get(reverse("funds:fund-proof", kwargs={"uuid": proof.uuid})).status_code == 404
    assert (
        other.post(
            reverse("funds:fund-request", kwargs={"uuid": approved.uuid}), {"action": "claim"}
        ).status_code
        == 404
    )


def test_roi_counts_won_deals_of_the_activity(approved, funds_world, client_for):
    w = funds_world.world
    customer = Customer.objects.create(name="Client SA")
    won = DealRegistration.objects.create(
        partnership=w.partnership_a,
        customer=customer,
        amount=D("12000"),
        currency="EUR",
        expected_close_date=datetime.date(2027, 6, 1),
        stage="won",
        title="Won one",
    )
    lost = DealRegistration.objects.create(
        partnership=w.partnership_a,
        customer=customer,
        amount=D("5000"),
        currency="EUR",
        expected_close_date=datetime.date(2027, 6, 1),
        stage="lost",
        title="Lost one",
    )
    url = reverse("funds:fund-request", kwargs={"uuid": approved.uuid})
    client_for(w.partner_a_user).post(url, {"action": "attribute", "deal": won.pk})
    client_for(w.partner_a_user).post(url, {"action": "attribute", "deal": lost.pk})
    assert ActivityDeal.objects.count() == 2
    from meute.funds.roi import roi_of

    roi = roi_of(FundRequest.objects.filter(pk=approved.pk))[approved.pk]
    # Cost 1,000 (approved, not claimed yet); 2 deals registered, 1 won of 12,000.
    assert (roi.cost, roi.leads, roi.won, roi.revenue) == (D("1000.00"), 2, 1, D("12000"))
    assert roi.cost_per_lead == D("500.00") and roi.revenue_per_euro == D("12.00")
    page = client_for(w.partner_a_user).get(reverse("funds:fund-roi"))
    assert page.status_code == 200 and "Customer seminar" in page.content.decode()
    # Partner B sees none of it.
    assert "Alpha channel" not in client_for(w.partner_b_user).get(reverse("funds:fund-roi")).content.decode()


def test_a_deal_of_another_partnership_cannot_be_attributed(approved, funds_world, client_for):
    w = funds_world.world
    deal = DealRegistration.objects.create(
        partnership=w.partnership_b,
        customer=Customer.objects.create(name="Other"),
        amount=D("10"),
        currency="EUR",
        expected_close_date=datetime.date(2027, 6, 1),
    )
    response = client_for(w.manager).post(
        reverse("funds:fund-request", kwargs={"uuid": approved.uuid}),
        {"action": "attribute", "deal": deal.pk},
    )
    assert response.status_code == 400
    assert not ActivityDeal.objects.exists()


def test_ledger_notes_read_in_the_readers_language_whoever_wrote_them(funds_world, approved, client_for):
    from django.utils import translation

    from meute.funds import allocation

    w = funds_world.world
    # The approval happened in French: the notes the ledger wrote must not stay French for others.
    with translation.override("fr"):
        workflow.approve_request(make_request(funds_world.fund_a, w.partner_a_user, budget="500"), w.manager)
        allocation.expire(datetime.date(2028, 1, 1))
    url = reverse("funds:fund-allocation", kwargs={"uuid": funds_world.fund_a.uuid})
    client = client_for(w.partner_a_user)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Request approved" in english and "Demande approuvée" not in english
    assert "Allocated by tier rule" in english
    expiry = FundEntry.objects.get(allocation=funds_world.fund_a, kind="expiry")
    assert expiry.note == "Unused funds expired on 2027-12-31"
    assert "Unused funds expired on 31 December 2027" in english
    assert "2027-12-31" not in english and "2027-12-31" not in french
    with translation.override("fr"):
        assert translation.gettext("Request approved") in french
        assert expiry.shown_note() in french
        assert expiry.shown_note() != expiry.note
    assert "Request approved" not in french
    # What a person typed is shown as typed.
    typed = FundEntry(note="Virement n° 42")
    assert typed.shown_note() == "Virement n° 42"


def test_roi_counts_a_declared_win_only_once_verified(approved, funds_world):
    from meute.deals import workflow as deal_workflow
    from meute.funds.roi import roi_of

    w = funds_world.world
    deal = DealRegistration.objects.create(
        partnership=w.partnership_a,
        customer=Customer.objects.create(name="Client SA"),
        amount=D("8000"),
        currency="EUR",
        expected_close_date=datetime.date(2027, 6, 1),
        stage="approved",
        protection_start=datetime.date(2027, 1, 1),
        protection_end=datetime.date(2027, 4, 1),
        title="Declared one",
    )
    ActivityDeal.objects.create(request=approved, deal=deal)
    deal = deal_workflow.mark_won(deal, w.partner_a_user)
    assert deal.won_declared

    roi = roi_of(FundRequest.objects.filter(pk=approved.pk))[approved.pk]
    assert (roi.leads, roi.won, roi.revenue) == (1, 0, D("0.00"))

    deal_workflow.verify_won(deal, w.manager)
    roi = roi_of(FundRequest.objects.filter(pk=approved.pk))[approved.pk]
    assert (roi.leads, roi.won, roi.revenue) == (1, 1, D("8000"))
