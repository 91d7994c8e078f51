"""Support contacts: a partnership's own contacts replace the programme-wide defaults of their role, each
partner sees only its own partnerships' contacts, and staff editors manage them from the app's pages."""

import pytest

from meute.enablement import contacts
from meute.enablement.models import SupportContact, audience_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world):
    return SimpleDesk(
        default_support=SupportContact.objects.create(kind="technical", name="Hotline", hours="9-18"),
        default_sales=SupportContact.objects.create(kind="sales", name="Sales desk"),
        own_a=SupportContact.objects.create(
            partnership=world.partnership_a, kind="technical", name="Ada Tech", email="ada@vendor.example"
        ),
        own_b=SupportContact.objects.create(
            partnership=world.partnership_b, kind="ambassador", name="Basile Secret", phone="+33 1 23"
        ),
    )


class SimpleDesk:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def test_own_contacts_replace_the_defaults_of_their_role(world, desk):
    groups = contacts.by_partnership([world.partnership_a], audience_facts(world.org_a.pk))
    assert [c.name for c in groups[0]["contacts"]] == ["Sales desk", "Ada Tech"]


def test_inactive_and_other_partnerships_contacts_are_left_out(world, desk):
    SupportContact.objects.create(partnership=world.partnership_a, kind="sales", name="Gone", is_active=False)
    names = {c.name for c in contacts.for_card([world.partnership_a.pk], audience_facts(world.org_a.pk))}
    assert names == {"Ada Tech", "Sales desk"}


def test_partner_contacts_page_shows_its_own_partnerships_only(world, desk, client_for):
    page = client_for(world.partner_a_user).get("/enablement/contacts/").content.decode()
    assert "Ada Tech" in page and "Sales desk" in page and "ada@vendor.example" in page
    assert "Basile Secret" not in page
    assert "Hotline" not in page  # replaced by the partnership's own technical contact
    assert world.partnership_b.name not in page
    other = client_for(world.partner_b_user).get("/enablement/contacts/").content.decode()
    assert "Basile Secret" in other and "Ada Tech" not in other and "Hotline" in other


def test_portal_card_shows_the_partnerships_contacts(world, desk, client_for):
    page = client_for(world.partner_a_user).get("/").content.decode()
    assert "Ada Tech" in page and "Basile Secret" not in page


def test_another_partner_cannot_manage_or_see_contacts(world, desk, client_for):
    client = client_for(world.partner_b_user)
    assert client.get(f"/enablement/contacts/{desk.own_a.uuid}/edit/").status_code == 403
    assert client.post(f"/enablement/contacts/{desk.own_a.uuid}/delete/").status_code == 403
    assert client.post("/enablement/contacts/new/", {"kind": "sales", "name": "Mine"}).status_code == 403
    assert client.get(f"/enablement/contacts/?partnership={world.partnership_a.uuid}").status_code == 200
    assert (
        "Ada Tech"
        not in client.get(f"/enablement/contacts/?partnership={world.partnership_a.uuid}").content.decode()
    )
    assert SupportContact.objects.filter(name="Ada Tech").exists()
    assert not SupportContact.objects.filter(name="Mine").exists()
    assert set(SupportContact.objects.visible_to(world.partner_b_user)) == {
        desk.default_support,
        desk.default_sales,
        desk.own_b,
    }


def test_staff_editor_adds_edits_and_removes_a_partnerships_contact(world, client_for):
    client = client_for(world.manager)
    response = client.post(
        "/enablement/contacts/new/",
        {
            "partnership": world.partnership_a.pk,
            "kind": "alliance_manager",
            "name": "Marie Manager",
            "email": "marie@vendor.example",
            "phone": "+33 6 00",
            "hours": "Mon-Fri",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    contact = SupportContact.objects.get(name="Marie Manager")
    assert contact.partnership == world.partnership_a and contact.kind == "alliance_manager"
    page = client.get(f"/enablement/contacts/?partnership={world.partnership_a.uuid}").content.decode()
    assert "Marie Manager" in page
    client.post(
        f"/enablement/contacts/{contact.uuid}/edit/",
        {"partnership": world.partnership_a.pk, "kind": "sales", "name": "Marie M."},
    )
    contact.refresh_from_db()
    assert (contact.name, contact.kind) == ("Marie M.", "sales")
    client.post(f"/enablement/contacts/{contact.uuid}/delete/")
    assert not SupportContact.objects.filter(pk=contact.pk).exists()


def test_bad_input_is_refused_and_changes_nothing(world, client_for):
    client = client_for(world.manager)
    response = client.post(
        "/enablement/contacts/new/",
        {"partnership": world.partnership_a.pk, "kind": "sales", "name": "X", "partner_types": ["reseller"]},
    )
    assert response.status_code == 422
    assert "leave the audience empty" in response.content.decode()
    response = client.post("/enablement/contacts/new/", {"kind": "nobody", "name": "", "email": "nope"})
    assert response.status_code == 422
    assert not SupportContact.objects.exists()


def test_reader_may_see_but_not_edit(world, client_for):
    client = client_for(world.reader)
    assert client.get("/enablement/contacts/").status_code == 200
    assert client.get("/enablement/contacts/new/").status_code == 403


def test_contacts_page_in_french(world, desk, client_for):
    client = client_for(world.partner_a_user)
    page = client.get("/enablement/contacts/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Contacts" in page and "Support technique" in page
    assert "Whom to call" not in page


def test_staff_pages_in_french(world, desk, client_for):
    client = client_for(world.manager)
    page = client.get("/enablement/contacts/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Contacts par défaut du programme" in page and "Ada Tech" in page
    assert "Programme-wide defaults" not in page and "Whom to call" not in page
    form = client.get("/enablement/contacts/new/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Nouveau contact" in form and "Responsable d’alliance" in form
    assert "New contact" not in form and "Leave empty for a programme-wide default" not in form
