"""Registration in one pass: the form says what it needs and offers only what the partnership allows."""

from django.urls import reverse

from meute.core.factories import SectorFactory
from meute.deals.models import DealRegistration

from .test_views import _form


def test_the_form_says_an_identifier_is_needed_before_the_first_submit(deals_world, client_for):
    html = client_for(deals_world.partner_a_user).get(reverse("deal-create")).content.decode()
    assert 'id="identifier-needed"' in html
    assert "SIREN, VAT number or website" in html


def test_only_the_partnerships_product_lines_sectors_and_countries_are_offered(deals_world, client_for):
    w = deals_world
    health, retail = SectorFactory(code="health", name="Health"), SectorFactory(code="retail", name="Retail")
    w.partnership_a.sectors.set([health])
    html = client_for(w.partner_a_user).get(reverse("deal-create")).content.decode()
    assert 'value="crm"' in html and 'value="erp"' in html
    assert 'value="iot"' not in html  # an active line the partnership does not sell
    assert 'value="health"' in html and 'value="retail"' not in html
    assert '<option value="FR" selected>' in html and 'value="DE"' not in html
    assert 'id="deal-scope"' in html
    assert retail.pk  # exists, only not offered


def test_staff_choose_the_partnership_and_the_form_follows_it(deals_world, client_for):
    w = deals_world
    w.partnership_b.product_lines.set([w.other_line])
    client = client_for(w.manager)
    unscoped = client.get(reverse("deal-create")).content.decode()
    assert 'value="iot"' in unscoped and 'value="crm"' in unscoped
    scoped = client.get(
        reverse("deal-create"), {"partnership": str(w.partnership_b.uuid), "customer_name": "Kept Name"}
    ).content.decode()
    assert 'value="iot"' in scoped and 'value="crm"' not in scoped
    assert 'value="Kept Name"' in scoped  # what was typed survives the reload


def test_a_partner_cannot_scope_the_form_to_another_partnership(deals_world, client_for):
    w = deals_world
    w.partnership_b.product_lines.set([w.other_line])
    html = (
        client_for(w.partner_a_user)
        .get(reverse("deal-create"), {"partnership": str(w.partnership_b.uuid)})
        .content.decode()
    )
    # The form stays on the partner's own partnership: nothing of B's is offered or named.
    assert f'value="{w.partnership_b.uuid}"' not in html and "Bêta channel" not in html
    assert 'value="iot"' not in html and 'value="crm"' in html
    assert (
        client_for(w.partner_a_user).get(reverse("deal-create"), {"partnership": "not-a-uuid"}).status_code
        == 200
    )


def test_a_line_outside_the_partnership_is_refused_and_nothing_written(deals_world, client_for):
    response = client_for(deals_world.partner_a_user).post(
        reverse("deal-create"), _form(deals_world, product_lines=["iot"])
    )
    assert response.status_code == 422 and 'id="id_product_lines' in response.content.decode()
    assert not DealRegistration.objects.exists()


def test_a_first_registration_succeeds_on_the_first_submit_then_the_same_customer_is_refused(
    deals_world, client_for
):
    client = client_for(deals_world.partner_a_user)
    assert client.post(reverse("deal-create"), _form(deals_world)).status_code == 302
    again = client.post(reverse("deal-create"), _form(deals_world, idempotency_key="form-2"))
    assert again.status_code == 422 and "You already registered this customer" in again.content.decode()
    assert DealRegistration.objects.count() == 1
