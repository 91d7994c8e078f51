"""Partner types and tags are the operator's classification: a partner user cannot write them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from meute.core.choices import PartnerType
from meute.core.factories import TagFactory
from meute.core.models import Organization
from meute.core.organizations import set_partner_types


def _url(name, obj):
    return reverse(name, kwargs={"uuid": obj.uuid})


def _state(org):
    org = Organization.objects.get(pk=org.pk)
    return org.name, org.city, sorted(org.partner_types), sorted(org.tags.values_list("pk", flat=True))


@pytest.fixture
def classified(world):
    set_partner_types(world.org_a, [PartnerType.RESELLER])
    world.tag = TagFactory(name="Strategic")
    return world


class TestApi:
    def test_partner_cannot_give_itself_every_partner_type(self, classified, api):
        before = _state(classified.org_a)
        response = api(classified.partner_a_user).patch(
            f"/api/organizations/{classified.org_a.uuid}/",
            {"partner_types": list(PartnerType.values)},
            format="json",
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "field_not_writable"
        assert list(response.json()["error"]["fields"]) == ["partner_types"]
        assert _state(classified.org_a) == before

    def test_partner_cannot_tag_itself(self, classified, api):
        before = _state(classified.org_a)
        response = api(classified.partner_a_user).patch(
            f"/api/organizations/{classified.org_a.uuid}/",
            {"tags": [classified.tag.code], "city": "Paris"},
            format="json",
        )
        assert response.status_code == 403
        assert list(response.json()["error"]["fields"]) == ["tags"]
        assert _state(classified.org_a) == before

    def test_partner_resends_its_types_unchanged_and_edits_its_profile(self, classified, api):
        response = api(classified.partner_a_user).patch(
            f"/api/organizations/{classified.org_a.uuid}/",
            {"partner_types": ["reseller"], "city": "Paris"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert _state(classified.org_a)[1:3] == ("Paris", ["reseller"])

    def test_channel_manager_sets_partner_types_and_tags(self, classified, api):
        response = api(classified.manager).patch(
            f"/api/organizations/{classified.org_a.uuid}/",
            {"partner_types": ["reseller", "var"], "tags": [classified.tag.code]},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert _state(classified.org_a)[2:] == (["reseller", "var"], [classified.tag.pk])


class TestPages:
    def _form_data(self, org, **changes):
        data = {"name": org.name, "country": "FR", "city": org.city, "partner_types": org.partner_types}
        data.update(changes)
        return data

    def test_partner_form_refuses_partner_types(self, classified, client_for):
        before = _state(classified.org_a)
        response = client_for(classified.partner_a_user).post(
            _url("organization-update", classified.org_a),
            self._form_data(classified.org_a, city="Paris", partner_types=list(PartnerType.values)),
        )
        assert response.status_code == 200
        assert "partner_types" in response.context["form"].errors
        assert _state(classified.org_a) == before

    def test_partner_form_shows_partner_types_disabled_and_saves_the_rest(self, classified, client_for):
        client = client_for(classified.partner_a_user)
        page = client.get(_url("organization-update", classified.org_a))
        assert page.context["form"].fields["partner_types"].disabled
        assert page.context["form"].fields["tags"].disabled
        response = client.post(
            _url("organization-update", classified.org_a), {"name": "Alpha", "country": "FR", "city": "Paris"}
        )
        assert response.status_code == 302
        assert _state(classified.org_a) == ("Alpha", "Paris", ["reseller"], [])

    def test_partner_sees_no_edit_button_for_the_classification(self, classified, client_for):
        edit = _url("organization-classification", classified.org_a)
        partner_page = client_for(classified.partner_a_user).get(
            _url("organization-detail", classified.org_a)
        )
        assert f'href="{edit}"' not in partner_page.content.decode()
        manager_page = client_for(classified.manager).get(_url("organization-detail", classified.org_a))
        assert f'href="{edit}"' in manager_page.content.decode()

    def test_partner_classification_form_refuses_every_change(self, classified, client_for):
        before = _state(classified.org_a)
        response = client_for(classified.partner_a_user).post(
            _url("organization-classification", classified.org_a),
            {"partner_types": ["var"], "tags": [classified.tag.pk]},
        )
        assert response.status_code == 422
        assert set(response.context["form"].errors) == {"partner_types", "tags"}
        assert _state(classified.org_a) == before

    def test_manager_classifies(self, classified, client_for):
        response = client_for(classified.manager).post(
            _url("organization-update", classified.org_a),
            self._form_data(classified.org_a, partner_types=["var"], tags=[classified.tag.pk]),
        )
        assert response.status_code == 302
        assert _state(classified.org_a)[2:] == (["var"], [classified.tag.pk])


# Every organisation figure recruitment scoring or potential reads, with a value a partner would raise it to.
SCORED = {
    "headcount": 5000,
    "sales_headcount": 900,
    "engineer_headcount": 1200,
    "annual_revenue": "99999999.00",
    "market_share": "80.00",
    "growth_trend": "strong_growth",
    "company_sizes": ["large"],
}


def _scored_state(org):
    org = Organization.objects.get(pk=org.pk)
    return (
        *(getattr(org, name) for name in SCORED),
        sorted(org.markets.values_list("pk", flat=True)),
        sorted(org.geographies.values_list("pk", flat=True)),
        sorted(org.offerings.values_list("pk", flat=True)),
    )


class TestScoredFigures:
    @pytest.mark.parametrize("name", list(SCORED))
    def test_partner_cannot_raise_its_own_figure_through_the_api(self, world, api, name):
        before = _scored_state(world.org_a)
        response = api(world.partner_a_user).patch(
            f"/api/organizations/{world.org_a.uuid}/", {name: SCORED[name], "city": "Paris"}, format="json"
        )
        assert response.status_code == 403, response.json()
        assert response.json()["error"]["code"] == "field_not_writable"
        assert list(response.json()["error"]["fields"]) == [name]
        assert _scored_state(world.org_a) == before
        assert Organization.objects.get(pk=world.org_a.pk).city != "Paris"

    def test_partner_cannot_choose_its_markets_geographies_offerings(self, world, api):
        from meute.core.factories import ProductLineFactory, SectorFactory, TerritoryFactory

        codes = {
            "markets": [SectorFactory().code],
            "geographies": [TerritoryFactory().code],
            "offerings": [ProductLineFactory().code],
        }
        before = _scored_state(world.org_a)
        for name, value in codes.items():
            response = api(world.partner_a_user).patch(
                f"/api/organizations/{world.org_a.uuid}/", {name: value}, format="json"
            )
            assert response.status_code == 403, (name, response.json())
            assert list(response.json()["error"]["fields"]) == [name]
        assert _scored_state(world.org_a) == before

    def test_channel_manager_writes_the_figures(self, world, api):
        response = api(world.manager).patch(f"/api/organizations/{world.org_a.uuid}/", SCORED, format="json")
        assert response.status_code == 200, response.json()
        org = Organization.objects.get(pk=world.org_a.pk)
        assert (org.headcount, org.annual_revenue, org.market_share, org.company_sizes) == (
            5000,
            Decimal("99999999.00"),
            Decimal("80.00"),
            ["large"],
        )

    def test_partner_form_refuses_a_raised_headcount_and_revenue(self, world, client_for):
        before = _scored_state(world.org_a)
        client = client_for(world.partner_a_user)
        page = client.get(_url("organization-update", world.org_a))
        assert page.context["form"].fields["annual_revenue"].disabled
        response = client.post(
            _url("organization-update", world.org_a),
            {"name": world.org_a.name, "country": "FR", "headcount": "5000", "annual_revenue": "99999999"},
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert {"headcount", "annual_revenue"} <= set(errors)
        assert "You may not change" in errors["headcount"][0]
        assert _scored_state(world.org_a) == before

    def test_manager_form_writes_them(self, world, client_for):
        response = client_for(world.manager).post(
            _url("organization-update", world.org_a),
            {"name": world.org_a.name, "country": "FR", "headcount": "42", "annual_revenue": "1500000"},
        )
        assert response.status_code == 302
        org = Organization.objects.get(pk=world.org_a.pk)
        assert (org.headcount, org.annual_revenue) == (42, Decimal("1500000.00"))
