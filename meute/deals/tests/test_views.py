import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.deals.workflow import register


def _form(world, **overrides):
    values = {
        "partnership": str(world.partnership_a.uuid),
        "customer_name": "Dupont Industries SAS",
        "city": "Lyon",
        "country": "FR",
        "website": "dupont-industries.fr",
        "contact_name": "Jeanne Dupont",
        "contact_email": "j.dupont@dupont-industries.fr",
        "product_lines": ["crm"],
        "amount": "50000",
        "currency": "EUR",
        "expected_close_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "idempotency_key": "form-1",
    }
    values.update(overrides)
    return values


def test_partner_registers_through_the_form_once_even_on_double_click(deals_world, client_for):
    client = client_for(deals_world.partner_a_user)
    page = client.get(reverse("deal-create"))
    assert page.status_code == 200 and b'name="idempotency_key"' in page.content
    response = client.post(reverse("deal-create"), _form(deals_world))
    deal = DealRegistration.objects.get()
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    assert deal.stage == DealStage.SUBMITTED and deal.partnership == deals_world.partnership_a
    again = client.post(reverse("deal-create"), _form(deals_world))
    assert again.status_code == 302 and DealRegistration.objects.count() == 1


def test_bad_form_shows_errors_and_writes_nothing(deals_world, client_for):
    client = client_for(deals_world.partner_a_user)
    response = client.post(
        reverse("deal-create"), _form(deals_world, amount="0", expected_close_date="2001-01-01")
    )
    assert response.status_code == 422
    assert b"greater than zero" in response.content and b"in the past" in response.content
    assert not DealRegistration.objects.exists()


def test_partner_cannot_register_for_another_partnership(deals_world, client_for):
    client = client_for(deals_world.partner_a_user)
    response = client.post(
        reverse("deal-create"), _form(deals_world, partnership=str(deals_world.partnership_b.uuid))
    )
    assert response.status_code == 422 and not DealRegistration.objects.exists()


def test_live_hint_hides_the_other_partner(deals_world, make_data, client_for):
    w = deals_world
    deal_b, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    client = client_for(w.partner_a_user)
    response = client.post(
        reverse("deal-check"), _form(w, customer_name="DUPOND INDUSTRIE"), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "already be registered by another partner" in body
    for secret in (w.org_b.name, w.partnership_b.name, str(deal_b.uuid), "Candidates"):
        assert secret not in body
    # Checking against another organisation's partnership is refused outright.
    refused = client.post(reverse("deal-check"), _form(w, partnership=str(w.partnership_b.uuid)))
    assert refused.status_code == 404
    # Staff see the candidates.
    staff = client_for(w.manager).post(reverse("deal-check"), _form(w, customer_name="DUPOND INDUSTRIE"))
    assert w.partnership_b.name in staff.content.decode()


@pytest.mark.parametrize(
    ("language", "level", "stage", "direct"),
    [
        ("en", "Conflict", "Approved (protected)", "direct sales"),
        ("fr", "Conflit", "Approuvé (protégé)", "vente directe"),
    ],
)
def test_staff_read_the_hints_candidates_in_words(
    deals_world, make_data, client_for, language, level, stage, direct
):
    from meute.deals.customers import save_customer
    from meute.deals.models import Customer

    w = deals_world
    deal_b, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    assert deal_b.stage == DealStage.APPROVED
    account = Customer(name="Dupont Industries", city="Lyon", is_direct_account=True)
    save_customer(account)
    staff = client_for(w.manager).post(
        reverse("deal-check"), _form(w), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=language
    )
    body = staff.content.decode()
    assert f'badge--conflict-same">{level}</span>' in body
    assert f'{w.partnership_b.name} <span class="badge badge--deal-approved">{stage}</span>' in body
    assert direct in body
    # The internal names of levels and claims are not shown.
    for internal in ("(same)", "· registration", "direct_account"):
        assert internal not in body


def test_manager_reviews_and_partner_sees_the_outcome(deals_world, make_data, client_for):
    w = deals_world
    first, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data(customer_name="Dupond Industrie"))
    manager = client_for(w.manager)
    queue = manager.get(reverse("deal-list"), {"stage": "submitted"})
    assert queue.status_code == 200 and str(deal.uuid) in queue.content.decode()
    page = manager.get(deal.get_absolute_url()).content.decode()
    assert 'id="conflict-evidence"' in page and w.partnership_b.name in page
    assert "Same web or e-mail domain (10.7)" in page and "Same city" in page
    french = manager.get(deal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Même domaine web ou e-mail" in french
    manager.post(reverse("deal-action", kwargs={"uuid": deal.uuid, "action": "approve"}), {"reason": ""})
    deal.refresh_from_db()
    assert deal.stage == DealStage.SUBMITTED  # refused: the customer is protected for B
    manager.post(
        reverse("deal-action", kwargs={"uuid": deal.uuid, "action": "reject"}),
        {"reason": "Registered earlier"},
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.REJECTED
    partner_page = client_for(w.partner_a_user).get(deal.get_absolute_url()).content.decode()
    assert "Registered earlier" in partner_page
    assert 'id="conflict-evidence"' not in partner_page and w.partnership_b.name not in partner_page


@pytest.mark.parametrize("action", ["approve", "reject", "won", "lost", "extend", "submit"])
def test_outsider_cannot_read_or_act_on_another_organisations_deal(
    deals_world, make_data, client_for, action
):
    w = deals_world
    deal_b, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    client = client_for(w.partner_a_user)
    assert client.get(deal_b.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("deal-action", kwargs={"uuid": deal_b.uuid, "action": action}), {"reason": "x"}
    )
    assert response.status_code == 404
    assert str(deal_b.uuid) not in client.get(reverse("deal-list")).content.decode()
    deal_b.refresh_from_db()
    assert deal_b.stage == DealStage.APPROVED


def test_partner_cannot_review_its_own_deal(deals_world, make_data, client_for):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    response = client_for(w.partner_a_user).post(
        reverse("deal-action", kwargs={"uuid": deal.uuid, "action": "approve"}), {"reason": ""}
    )
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.stage == DealStage.SUBMITTED


def test_reader_cannot_register(deals_world, client_for):
    assert client_for(deals_world.reader).get(reverse("deal-create")).status_code == 403


def test_list_filters_and_htmx_partial(deals_world, make_data, client_for):
    w = deals_world
    register(w.partner_a_user, w.partnership_a, make_data())
    register(
        w.partner_a_user,
        w.partnership_a,
        make_data(customer_name="Martin Transports", website="", contact_email="", amount="100"),
    )
    client = client_for(w.manager)
    response = client.get(reverse("deal-list"), {"q": "martin"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Martin Transports" in body and "Dupont" not in body and "<html" not in body
    approved = client.get(reverse("deal-list"), {"stage": "approved"}).content.decode()
    assert "Martin Transports" in approved and "Dupont Industries" not in approved


def test_partner_is_sent_to_their_own_registration_by_the_hint_and_the_form(deals_world, client_for):
    w = deals_world
    client = client_for(w.partner_a_user)
    client.post(reverse("deal-create"), _form(w))
    deal = DealRegistration.objects.get()
    hint = client.post(
        reverse("deal-check"), _form(w, customer_name="DUPONT INDUSTRIES"), HTTP_HX_REQUEST="true"
    )
    text = hint.content.decode()
    assert "You already registered this customer" in text and deal.get_absolute_url() in text
    again = client.post(
        reverse("deal-create"), _form(w, customer_name="Dupont Industries", idempotency_key="form-2")
    )
    assert again.status_code == 422
    assert "You already registered this customer" in again.content.decode()
    assert DealRegistration.objects.count() == 1
    answer = client.post(
        "/api/deals/",
        {**_form(w, customer_name="Dupont-Industries"), "product_lines": ["crm"], "idempotency_key": "api-2"},
        content_type="application/json",
    )
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "already_registered"
    assert DealRegistration.objects.count() == 1
