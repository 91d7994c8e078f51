"""Pages of the directory: rendering, access, validation, audit, htmx partials, filters and query counts."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from meute.core.choices import PartnerType
from meute.core.factories import OrganizationFactory, PersonFactory, TagFactory, luhn_complete
from meute.core.models import Organization, Person
from meute.core.organizations import set_partner_types

pytestmark = pytest.mark.django_db


def org_url(name, org):
    return reverse(name, kwargs={"uuid": org.uuid})


def form_data(org, **changes):
    """The edit form's data for ``org`` as it stands, with ``changes`` applied."""
    data = {
        "name": org.name,
        "legal_name": org.legal_name,
        "siren": org.siren,
        "siret": org.siret,
        "vat_number": org.vat_number,
        "website": org.website,
        "email_domain": org.email_domain,
        "phone": org.phone,
        "address": org.address,
        "postal_code": org.postal_code,
        "city": org.city,
        "country": str(org.country),
        "headcount": org.headcount or "",
        "sales_headcount": org.sales_headcount or "",
        "engineer_headcount": org.engineer_headcount or "",
        "annual_revenue": org.annual_revenue or "",
        "market_share": org.market_share or "",
        "growth_trend": org.growth_trend,
        "description": org.description,
        "offerings_description": org.offerings_description,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class TestLoginRequired:
    @pytest.mark.parametrize(
        "name", ["dashboard", "organization-list", "person-list", "partnership-list", "organization-create"]
    )
    def test_anonymous_users_are_sent_to_login(self, client, world, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_detail_pages_need_login_too(self, client, world):
        response = client.get(org_url("organization-detail", world.org_a))
        assert response.status_code == 302

    def test_login_page_and_logging_in(self, client, world):
        assert client.get(reverse("login")).status_code == 200
        response = client.post(reverse("login"), {"username": "manager", "password": "correct-horse-battery"})
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")

    def test_wrong_password_is_refused_with_a_message(self, client, world):
        response = client.post(reverse("login"), {"username": "manager", "password": "nope"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert response.context["form"].errors

    def test_logout_is_a_post(self, client_for, world):
        client = client_for(world.manager)
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


class TestPasswordReset:
    def test_full_reset_flow_by_email(self, client, world):
        world.manager.email = "manager@example.com"
        world.manager.save()
        assert client.get(reverse("password_reset")).status_code == 200
        response = client.post(reverse("password_reset"), {"email": "manager@example.com"})
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
        assert len(mail.outbox) == 1
        link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
        response = client.get(link, follow=True)
        assert response.status_code == 200
        assert response.context["validlink"]
        set_url = response.redirect_chain[-1][0]
        response = client.post(
            set_url, {"new_password1": "An0ther-long-pass", "new_password2": "An0ther-long-pass"}
        )
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
        world.manager.refresh_from_db()
        assert world.manager.check_password("An0ther-long-pass")

    def test_bad_link_shows_a_clear_message(self, client, world):
        response = client.get(
            reverse("password_reset_confirm", kwargs={"uidb64": "xx", "token": "bad-token"})
        )
        assert response.status_code == 200
        assert not response.context["validlink"]


class TestEveryPageRendersForStaff:
    def test_pages(self, client_for, world):
        client = client_for(world.admin)
        person = world.person_a
        urls = [
            reverse("dashboard"),
            reverse("organization-list"),
            reverse("organization-create"),
            org_url("organization-detail", world.org_a),
            org_url("organization-update", world.org_a),
            org_url("organization-delete", world.org_a),
            org_url("organization-classification", world.org_a),
            reverse("person-list"),
            reverse("person-create") + f"?organization={world.org_a.uuid}",
            org_url("person-detail", person),
            org_url("person-update", person),
            org_url("person-delete", person),
            reverse("organization-options") + "?q=alpha",
            reverse("person-options") + f"?organization={world.org_a.uuid}",
            reverse("password_change"),
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url


class TestOutsider:
    """partner_a_user must never reach org_b's data: 404 on pages, 403 on forbidden actions."""

    def test_other_organizations_pages_are_404(self, client_for, world):
        client = client_for(world.partner_a_user)
        for url in [
            org_url("organization-detail", world.org_b),
            org_url("organization-update", world.org_b),
            org_url("organization-delete", world.org_b),
            org_url("organization-classification", world.org_b),
            org_url("person-detail", world.person_b),
            org_url("person-update", world.person_b),
            org_url("person-delete", world.person_b),
        ]:
            assert client.get(url).status_code == 404, url
        assert client.post(org_url("organization-update", world.org_b), {"name": "x"}).status_code == 404
        assert client.post(org_url("organization-delete", world.org_b)).status_code == 404
        assert Organization.objects.filter(pk=world.org_b.pk, name="Bêta Conseil").exists()

    def test_directory_shows_only_own_organization(self, client_for, world):
        response = client_for(world.partner_a_user).get(reverse("organization-list"))
        assert list(response.context["object_list"]) == [world.org_a]
        assert "Bêta Conseil" not in response.content.decode()

    def test_people_list_and_options_show_only_own_people(self, client_for, world):
        client = client_for(world.partner_a_user)
        assert list(client.get(reverse("person-list")).context["object_list"]) == [world.person_a]
        options = client.get(reverse("person-options") + f"?organization={world.org_b.uuid}").content.decode()
        assert "Bruno" not in options
        options = client.get(reverse("organization-options") + "?q=beta").content.decode()
        assert "Bêta" not in options

    def test_forbidden_actions_are_403(self, client_for, world):
        client = client_for(world.partner_a_user)
        assert client.get(reverse("organization-create")).status_code == 403
        assert client.post(reverse("organization-create"), {"name": "Sneaky"}).status_code == 403
        assert client.get(org_url("organization-delete", world.org_a)).status_code == 403
        assert client.post(org_url("organization-delete", world.org_a)).status_code == 403
        assert client.post(org_url("person-delete", world.person_a)).status_code == 403
        assert not Organization.objects.filter(name="Sneaky").exists()
        assert Person.objects.filter(pk=world.person_a.pk).exists()

    def test_read_only_staff_cannot_change(self, client_for, world):
        client = client_for(world.reader)
        assert client.get(org_url("organization-detail", world.org_b)).status_code == 200
        assert client.get(org_url("organization-update", world.org_b)).status_code == 403
        assert client.post(org_url("organization-classification", world.org_b)).status_code == 403
        assert client.get(reverse("person-create")).status_code == 403
        page = client.get(org_url("organization-detail", world.org_b)).content.decode()
        assert org_url("organization-update", world.org_b) not in page

    def test_partner_edits_own_organization_but_sees_no_delete_button(self, client_for, world):
        client = client_for(world.partner_a_user)
        page = client.get(org_url("organization-detail", world.org_a)).content.decode()
        assert org_url("organization-update", world.org_a) in page
        assert org_url("organization-delete", world.org_a) not in page
        response = client.post(
            org_url("organization-update", world.org_a), form_data(world.org_a, city="Grenoble")
        )
        assert response.status_code == 302
        world.org_a.refresh_from_db()
        assert world.org_a.city == "Grenoble"


class TestOrganizationForms:
    def test_create_with_partner_types_and_sizes(self, client_for, world):
        tag = TagFactory(name="Cloud")
        siren = luhn_complete("73282932")
        response = client_for(world.manager).post(
            reverse("organization-create"),
            {
                "name": "Gamma Systèmes",
                "siren": f"{siren[:3]} {siren[3:6]} {siren[6:]}",
                "country": "FR",
                "email_domain": "https://www.gamma.example.com/contact",
                "partner_types": [PartnerType.RESELLER, PartnerType.VAR],
                "company_sizes": ["sme", "micro"],
                "tags": [tag.pk],
            },
        )
        assert response.status_code == 302
        org = Organization.objects.get(name="Gamma Systèmes")
        assert response["Location"] == org.get_absolute_url()
        assert org.siren == siren  # normalised by the model
        assert org.email_domain == "gamma.example.com"
        assert sorted(org.partner_types) == ["reseller", "var"]
        assert org.company_sizes == ["micro", "sme"]
        assert list(org.tags.all()) == [tag]

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"siren": "123456789"}, "siren"),
            ({"siren": "12345"}, "siren"),
            ({"vat_number": "FR00000000000"}, "vat_number"),
            ({"vat_number": "ZZ123"}, "vat_number"),
            ({"headcount": "10", "sales_headcount": "50"}, "sales_headcount"),
            ({"email_domain": "not a domain"}, "email_domain"),
            ({"market_share": "150"}, "market_share"),
        ],
    )
    def test_validation_errors_show_by_the_field_and_change_nothing(self, client_for, world, changes, field):
        before = Organization.objects.get(pk=world.org_a.pk)
        response = client_for(world.manager).post(
            org_url("organization-update", world.org_a),
            form_data(world.org_a, city="Changed", partner_types=["reseller"], **changes),
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert 'class="errorlist"' in response.content.decode()
        after = Organization.objects.get(pk=world.org_a.pk)
        assert after.city == before.city == "Lyon"
        assert after.partner_types == []

    def test_duplicate_siren_is_refused(self, client_for, world):
        response = client_for(world.manager).post(
            org_url("organization-update", world.org_a), form_data(world.org_a, siren=world.org_b.siren)
        )
        assert response.status_code == 200
        assert "Another organisation already has this SIREN." in response.content.decode()
        world.org_a.refresh_from_db()
        assert world.org_a.siren != world.org_b.siren

    def test_edit_is_audited_and_shown_in_history(self, client_for, world):
        client = client_for(world.manager)
        response = client.post(
            org_url("organization-update", world.org_a), form_data(world.org_a, city="Grenoble")
        )
        assert response.status_code == 302
        page = client.get(org_url("organization-detail", world.org_a))
        history = page.context["history"]
        assert history[0].actor == world.manager
        assert history[0].changes_dict["city"] == ["Lyon", "Grenoble"]
        html = page.content.decode()
        assert 'Lyon</span> → <span class="changes__after">Grenoble' in html

    def test_delete_refused_when_referenced(self, client_for, world):
        client = client_for(world.admin)
        response = client.post(org_url("organization-delete", world.org_a))
        assert response.status_code == 409
        assert "cannot be deleted" in response.content.decode()
        assert Organization.objects.filter(pk=world.org_a.pk).exists()

    def test_delete_unreferenced(self, client_for, world):
        lonely = OrganizationFactory(name="Lonely")
        response = client_for(world.admin).post(org_url("organization-delete", lonely))
        assert response.status_code == 302
        assert not Organization.objects.filter(pk=lonely.pk).exists()


class TestInlineClassification:
    def test_htmx_get_returns_the_partial_form(self, client_for, world):
        response = client_for(world.manager).get(
            org_url("organization-classification", world.org_a), headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert 'id="classification"' in html and "<form" in html

    def test_htmx_post_saves_and_returns_the_section(self, client_for, world):
        tag = TagFactory(name="Cybersécurité")
        response = client_for(world.manager).post(
            org_url("organization-classification", world.org_a),
            {"partner_types": ["referrer"], "tags": [tag.pk]},
            headers={"HX-Request": "true"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html and "<form" not in html
        assert "Referrer" in html and "Cybersécurité" in html
        assert world.org_a.partner_types == ["referrer"]

    def test_invalid_choice_changes_nothing(self, client_for, world):
        set_partner_types(world.org_a, ["reseller"])
        response = client_for(world.manager).post(
            org_url("organization-classification", world.org_a),
            {"partner_types": ["spaceship"]},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        assert world.org_a.partner_types == ["reseller"]

    def test_without_htmx_it_is_a_page_and_a_redirect(self, client_for, world):
        client = client_for(world.manager)
        assert "<html" in client.get(org_url("organization-classification", world.org_a)).content.decode()
        response = client.post(
            org_url("organization-classification", world.org_a), {"partner_types": ["var"]}
        )
        assert response.status_code == 302


class TestDirectory:
    @pytest.fixture
    def directory(self, world):
        tag = TagFactory(code="cloud", name="Cloud")
        paris = OrganizationFactory(name="Zeta Informatique", city="Paris", country="FR", headcount=5)
        berlin = OrganizationFactory(name="Delta Software", city="Berlin", country="DE", headcount=500)
        set_partner_types(berlin, ["distributor"])
        paris.tags.add(tag)
        return paris, berlin

    def names(self, response):
        return [o.name for o in response.context["object_list"]]

    def test_search_is_accent_insensitive(self, client_for, world, directory):
        response = client_for(world.manager).get(reverse("organization-list"), {"q": "beta"})
        assert self.names(response) == ["Bêta Conseil"]

    def test_filters(self, client_for, world, directory):
        client = client_for(world.manager)
        url = reverse("organization-list")
        assert self.names(client.get(url, {"country": "DE"})) == ["Delta Software"]
        assert self.names(client.get(url, {"partner_type": "distributor"})) == ["Delta Software"]
        assert self.names(client.get(url, {"tag": "cloud"})) == ["Zeta Informatique"]
        assert self.names(client.get(url, {"stage": "recruitment"})) == ["Bêta Conseil", "Vendeur Logiciel"]
        assert self.names(client.get(url, {"status": "active"})) == ["Alpha Intégration", "Vendeur Logiciel"]

    def test_sort(self, client_for, world, directory):
        client = client_for(world.manager)
        names = self.names(client.get(reverse("organization-list"), {"ordering": "-name"}))
        assert names == sorted(names, reverse=True)
        names = self.names(client.get(reverse("organization-list"), {"ordering": "-headcount", "q": "a"}))
        assert names[0] == "Delta Software"

    def test_htmx_search_returns_the_results_partial(self, client_for, world, directory):
        response = client_for(world.manager).get(
            reverse("organization-list"), {"q": "zeta"}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert "<html" not in html and "<aside" not in html
        assert "Zeta Informatique" in html and "Delta Software" not in html

    def test_history_restore_gets_the_full_page(self, client_for, world):
        response = client_for(world.manager).get(
            reverse("organization-list"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert "<html" in response.content.decode()

    def test_pagination_25_per_page(self, client_for, world):
        OrganizationFactory.create_batch(30)
        client = client_for(world.manager)
        first = client.get(reverse("organization-list"))
        assert len(first.context["object_list"]) == 25
        assert first.context["paginator"].count == 33
        second = client.get(reverse("organization-list"), {"page": 2})
        assert len(second.context["object_list"]) == 8
        assert client.get(reverse("organization-list"), {"page": "999"}).status_code == 200

    def test_query_count_is_bounded_for_25_rows(self, client_for, world, django_assert_max_num_queries):
        tags = TagFactory.create_batch(3)
        for org in OrganizationFactory.create_batch(40):
            org.tags.set(tags)
            set_partner_types(org, ["reseller", "var"])
        client = client_for(world.manager)
        # session + user, count, page, partner types, tags, the filter form's tag choices: no per-row query.
        with django_assert_max_num_queries(9):
            response = client.get(reverse("organization-list"), {"q": "partner"})
        assert len(response.context["object_list"]) == 25
        assert "Value-added reseller" in response.content.decode()

    def test_language_switch(self, client_for, world):
        client = client_for(world.manager)
        response = client.post(
            reverse("set_language"), {"language": "fr", "next": reverse("organization-list")}
        )
        assert response.status_code == 302
        assert '<html lang="fr">' in client.get(reverse("organization-list")).content.decode()
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        html = client.get(reverse("dashboard")).content.decode()
        assert '<html lang="en">' in html
        assert 'aria-pressed="true" title="English"' in html


class TestPeople:
    def test_create_from_organization_page_presets_it(self, client_for, world):
        client = client_for(world.manager)
        response = client.get(reverse("person-create"), {"organization": world.org_b.uuid})
        assert response.context["form"].initial["organization"] == world.org_b.uuid
        assert "Bêta Conseil" in response.content.decode()
        response = client.post(
            reverse("person-create"),
            {
                "organization": world.org_b.uuid,
                "first_name": "Chloé",
                "last_name": "Dupont",
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        assert Person.objects.get(last_name="Dupont").organization == world.org_b

    def test_partner_user_creates_people_in_own_organization_only(self, client_for, world):
        client = client_for(world.partner_a_user)
        response = client.post(
            reverse("person-create"),
            {
                "organization": world.org_b.uuid,
                "first_name": "Eve",
                "last_name": "Intruse",
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        assert Person.objects.get(last_name="Intruse").organization == world.org_a

    def test_edit_person_is_audited(self, client_for, world):
        client = client_for(world.partner_a_user)
        response = client.post(
            org_url("person-update", world.person_a),
            {"first_name": "Alice", "last_name": "Arnaud", "job_title": "CEO", "email": "ALICE@Example.com"},
        )
        assert response.status_code == 302
        world.person_a.refresh_from_db()
        assert world.person_a.job_title == "CEO"
        assert world.person_a.email == "alice@example.com"
        page = client.get(org_url("person-detail", world.person_a))
        assert "CEO" in page.content.decode()
        assert page.context["history"][0].actor == world.partner_a_user

    def test_bad_email_changes_nothing(self, client_for, world):
        response = client_for(world.manager).post(
            org_url("person-update", world.person_a),
            {"organization": world.org_a.uuid, "first_name": "Alice", "last_name": "X", "email": "nope"},
        )
        assert response.status_code == 200
        assert "email" in response.context["form"].errors
        world.person_a.refresh_from_db()
        assert world.person_a.last_name == "Arnaud"

    def test_delete_person(self, client_for, world):
        person = PersonFactory(organization=world.org_a)
        response = client_for(world.admin).post(org_url("person-delete", person))
        assert response.status_code == 302
        assert not Person.objects.filter(pk=person.pk).exists()

    def test_people_search_htmx(self, client_for, world):
        response = client_for(world.manager).get(
            reverse("person-list"), {"q": "bruno"}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert "<html" not in html and "Bruno" in html and "Alice" not in html
