"""Public partner locator: who is listed, what is shown, filters, enquiries (honeypot, rate limit,
notifications), the partner's enquiries and outsider checks."""

import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from meute.core.factories import SectorFactory, TerritoryFactory
from meute.core.models import OrganizationPartnerType
from meute.locator import listing as locator
from meute.locator.choices import EnquiryStatus, LabelKind
from meute.locator.models import Enquiry, Label, LabelAward, LocatorProfile
from meute.notifications.models import Notification
from meute.partnerships.choices import PartnershipStatus
from meute.programs.models import PartnerTier
from meute.programs.tests.fixtures import tier

pytestmark = pytest.mark.django_db

RANDOM_IDS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|name=\"csrfmiddlewaretoken\" value=\"[^\"]*\""
)

ENQUIRY = {
    "name": "Victor Visiteur",
    "company": "Client SA",
    "email": "victor@example.com",
    "phone": "+33 1 23 45 67 89",
    "message": "We need 40 licences in Lyon.",
}


@pytest.fixture
def listed(world, program):
    """a: Gold (listed tier), opted in, active → listed. b: Gold too, opted in, but prospect → not listed."""
    gold = tier(program, "Gold")
    gold.locator_listing = True
    gold.save()
    PartnerTier.objects.filter(program=program).update(tier=gold)
    for org in (world.org_a, world.org_b):
        LocatorProfile.objects.create(organization=org, opt_in=True, public_description=f"About {org.name}")
    world.org_a.website = "https://alpha.example"
    world.org_a.annual_revenue = Decimal("987654")
    world.org_a.save()
    OrganizationPartnerType.objects.create(organization=world.org_a, partner_type="reseller")
    return gold


def test_only_opted_in_active_partners_with_a_listed_tier(world, program, listed):
    assert list(locator.listed_organizations()) == [world.org_a]
    world.partnership_b.status = PartnershipStatus.ACTIVE
    world.partnership_b.save()
    assert set(locator.listed_organizations()) == {world.org_a, world.org_b}
    LocatorProfile.objects.filter(organization=world.org_b).update(opt_in=False)
    assert list(locator.listed_organizations()) == [world.org_a]
    listed.locator_listing = False
    listed.save()
    assert list(locator.listed_organizations()) == []


def test_public_page_shows_public_information_only(client, world, program, listed):
    hidden = Label.objects.create(name="Internal watch", code="watch", kind=LabelKind.MANUAL, is_public=False)
    shown = Label.objects.create(name="Partner of the year", code="poty", kind=LabelKind.MANUAL)
    for label in (hidden, shown):
        LabelAward.objects.create(
            label=label, organization=world.org_a, source="manual", reason="secret reason"
        )
    page = client.get(reverse("locator"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha Intégration" in html and "Lyon" in html and "https://alpha.example" in html
    assert "Gold (Partner programme)" in html and "Partner of the year" in html and "Reseller" in html
    # Random ids and tokens on the page may hold any digits: the revenue is looked for in the rest.
    shown_text = RANDOM_IDS.sub("", html)
    for secret in ("Bêta Conseil", "987", "Internal watch", "secret reason", "Alice"):
        assert secret not in shown_text
    entry = client.get(reverse("locator-entry", kwargs={"uuid": world.org_a.uuid}))
    assert entry.status_code == 200 and "About Alpha Intégration" in entry.content.decode()
    assert client.get(reverse("locator-entry", kwargs={"uuid": world.org_b.uuid})).status_code == 404


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "alpha"}, True),
        ({"q": "lyon"}, True),
        ({"q": "nantes"}, False),
        ({"partner_type": "reseller"}, True),
        ({"partner_type": "referrer"}, False),
        ({"territory": "aura"}, True),
        ({"territory": "west"}, False),
        ({"sector": "health"}, True),
        ({"sector": "retail"}, False),
        ({"label": "poty"}, True),
        ({"label": "nope"}, False),
    ],
)
def test_filters(client, world, program, listed, params, found):
    aura = TerritoryFactory(code="aura", name="AURA")
    TerritoryFactory(code="west", name="West")
    world.partnership_a.territories.add(TerritoryFactory(code="lyon-t", name="Lyon area", parent=aura))
    world.org_a.markets.add(SectorFactory(code="health", name="Health"))
    SectorFactory(code="retail", name="Retail")
    label = Label.objects.create(name="Partner of the year", code="poty", kind=LabelKind.MANUAL)
    LabelAward.objects.create(label=label, organization=world.org_a, source="manual", reason="x")
    assert (world.org_a in set(locator.search(params))) is found
    html = client.get(reverse("locator"), params).content.decode()
    assert ("Alpha Intégration" in html) is found


def test_tier_filter(world, program, listed):
    assert list(locator.search({"tier": str(listed.uuid)})) == [world.org_a]
    assert list(locator.search({"tier": str(tier(program, "Silver").uuid)})) == []


def test_enquiry_is_stored_forwarded_and_notified(client, world, program, listed):
    response = client.post(reverse("locator-entry", kwargs={"uuid": world.org_a.uuid}), ENQUIRY)
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.organization == world.org_a and enquiry.status == EnquiryStatus.FORWARDED
    assert enquiry.forwarded_at is not None
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"alice", "admin", "manager"}
    sent = client.get(response["Location"])
    assert "has received your message" in sent.content.decode()


def test_enquiry_bad_input_and_honeypot(client, world, program, listed):
    url = reverse("locator-entry", kwargs={"uuid": world.org_a.uuid})
    bad = client.post(url, {**ENQUIRY, "email": "not-an-email", "message": ""})
    assert bad.status_code == 400
    robot = client.post(url, {**ENQUIRY, "website": "http://spam.example"})
    assert robot.status_code == 302
    assert not Enquiry.objects.exists()
    assert (
        client.post(reverse("locator-entry", kwargs={"uuid": world.org_b.uuid}), ENQUIRY).status_code == 404
    )
    assert not Enquiry.objects.exists()


@override_settings(MEUTE_ENQUIRY_RATE="2/hour")
def test_enquiries_are_rate_limited(client, world, program, listed):
    url = reverse("locator-entry", kwargs={"uuid": world.org_a.uuid})
    assert client.post(url, ENQUIRY).status_code == 302
    assert client.post(url, ENQUIRY).status_code == 302
    third = client.post(url, ENQUIRY)
    assert third.status_code == 429 and "Too many enquiries" in third.content.decode()
    assert Enquiry.objects.count() == 2


def test_partner_sees_own_enquiries_only(client, client_for, world, program, listed):
    client.post(reverse("locator-entry", kwargs={"uuid": world.org_a.uuid}), ENQUIRY)
    enquiry = Enquiry.objects.get()
    page = client_for(world.partner_a_user).get(reverse("enquiry-list")).content.decode()
    assert "Victor Visiteur" in page
    assert client_for(world.partner_a_user).get(enquiry.get_absolute_url()).status_code == 200
    outsider = client_for(world.partner_b_user)
    assert "Victor Visiteur" not in outsider.get(reverse("enquiry-list")).content.decode()
    assert outsider.get(enquiry.get_absolute_url()).status_code == 404
    assert outsider.post(enquiry.get_absolute_url(), {"status": "closed"}).status_code == 404
    assert (
        client_for(world.partner_a_user).post(enquiry.get_absolute_url(), {"status": "closed"}).status_code
        == 302
    )
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CLOSED
    assert client_for(world.reader).post(enquiry.get_absolute_url(), {"status": "new"}).status_code == 403
    outsider = client_for(world.partner_b_user)
    assert outsider.get("/api/enquiries/").json()["count"] == 0
    assert outsider.get(f"/api/enquiries/{enquiry.uuid}/").status_code == 404
    own = client_for(world.partner_a_user).get("/api/enquiries/").json()
    assert own["count"] == 1 and own["results"][0]["email"] == "victor@example.com"
    assert (
        client_for(world.partner_a_user)
        .patch(f"/api/enquiries/{enquiry.uuid}/", {"status": "bogus"}, content_type="application/json")
        .status_code
        == 400
    )


def test_anonymous_reaches_only_the_locator(client, world, program, listed):
    assert client.get(reverse("locator")).status_code == 200
    for url in (
        reverse("enquiry-list"),
        reverse("locator-profile"),
        reverse("label-list"),
        reverse("ambassador-list"),
    ):
        assert client.get(url).status_code == 302
    assert client.get("/api/enquiries/").status_code in (401, 403)


def test_partner_opts_in_and_out(client_for, world, program, listed):
    client = client_for(world.partner_a_user)
    page = client.get(reverse("locator-profile")).content.decode()
    assert "Listed in the public partner locator." in page
    assert client.post(reverse("locator-profile"), {"public_description": "x"}).status_code == 302
    assert list(locator.listed_organizations()) == []
    response = client_for(world.partner_b_user).patch(
        "/api/locator-profiles/mine/", {"opt_in": False}, content_type="application/json"
    )
    assert (
        response.status_code == 200 and LocatorProfile.objects.get(organization=world.org_b).opt_in is False
    )
    assert client_for(world.partner_b_user).get("/api/locator-profiles/").json()["count"] == 1


def test_enquiry_to_lead_is_idempotent(world, program, listed):
    enquiry = locator.create_enquiry(world.org_a, **ENQUIRY)
    first = enquiry.forwarded_at
    locator.enquiry_to_lead(enquiry)
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.FORWARDED and enquiry.forwarded_at == first


def test_enquiry_becomes_a_lead_offered_to_the_chosen_partner(world, program, listed):
    from meute.leads.models import Lead, LeadOffer

    locator.create_enquiry(world.org_a, **ENQUIRY)
    lead = Lead.objects.get()
    assert lead.source == "website" and lead.contact_email == ENQUIRY["email"]
    offer = LeadOffer.objects.get(lead=lead)
    assert offer.partnership == world.partnership_a and offer.status == "pending"
    assert list(Lead.objects.visible_to(world.partner_a_user)) == [lead]
    assert not Lead.objects.visible_to(world.partner_b_user).exists()
    # Routing evidence is staff-side; the enquiry stays readable by the partner.
    assert lead.routing_decisions.get().explanation["locator_enquiry"] is True
