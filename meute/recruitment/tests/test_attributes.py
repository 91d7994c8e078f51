"""Operator-defined attributes: checked values, stored all or nothing, edited from the organisation page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meute.recruitment import attributes
from meute.recruitment.models import AttributeDefinition, AttributeValue

pytestmark = pytest.mark.django_db


def test_parse_each_kind(attrs):
    assert attributes.parse(attrs.vendors, "12") == 12
    assert attributes.parse(attrs.vendors, "12,5") == 12.5
    assert attributes.parse(attrs.typology, "VAR") == "VAR"
    assert attributes.parse(attrs.offers, ["SAP", "Sage", "SAP"]) == ["Sage", "SAP"]
    assert attributes.parse(attrs.certified, "oui") is True
    assert attributes.parse(attrs.certified, False) is False
    assert attributes.parse(attrs.expectations, "  leads  ") == "leads"
    assert attributes.parse(attrs.vendors, "") is None


@pytest.mark.parametrize(
    "name, raw, message",
    [
        ("vendors", "many", "not a number"),
        ("vendors", "-1", "at least 0"),
        ("vendors", "501", "at most 500"),
        ("vendors", "NaN", "not a number"),
        ("typology", "Retailer", "not one of the choices"),
        ("offers", ["Sage", "Oracle"], "not one of the choices"),
        ("certified", "maybe", "yes or no"),
        ("expectations", "x" * 2001, "2000"),
    ],
)
def test_bad_values_are_refused(attrs, name, raw, message):
    with pytest.raises(ValidationError, match=message):
        attributes.parse(getattr(attrs, name), raw)


def test_save_is_all_or_nothing(attrs, world):
    errors = attributes.save_values(world.org_a, {attrs.vendors: "12", attrs.typology: "Retailer"})
    assert "typology" in errors
    assert not AttributeValue.objects.exists()
    assert attributes.save_values(world.org_a, {attrs.vendors: "12", attrs.typology: "VAR"}) == {}
    assert attributes.values_of(world.org_a) == {attrs.vendors.pk: 12, attrs.typology.pk: "VAR"}
    attributes.save_values(world.org_a, {attrs.vendors: ""})
    assert attributes.values_of(world.org_a) == {attrs.typology.pk: "VAR"}


def test_definition_rules(db):
    definition = AttributeDefinition(code="x", label="X", kind="choice", choices=[])
    with pytest.raises(ValidationError, match="at least one"):
        definition.full_clean()
    definition.choices = ["a", "a"]
    with pytest.raises(ValidationError, match="different"):
        definition.full_clean()


def test_operator_defines_an_attribute_and_fills_it_on_the_organisation_page(world, client_for):
    client = client_for(world.manager)
    response = client.post(
        reverse("recruitment:attribute-list"),
        {
            "label": "Typology",
            "code": "typology",
            "kind": "choice",
            "choices_text": "VAR\nWholesaler",
            "position": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    definition = AttributeDefinition.objects.get(code="typology")
    assert definition.choices == ["VAR", "Wholesaler"]
    page = client.get(world.org_a.get_absolute_url()).content.decode()
    assert "Recruitment profile" in page and "Typology" in page
    url = reverse("recruitment:attribute-organization", args=[world.org_a.uuid])
    refused = client.post(url, {"typology": "Retailer"})
    assert refused.status_code == 422
    assert not AttributeValue.objects.exists()
    assert client.post(url, {"typology": "Wholesaler"}).status_code == 302
    assert AttributeValue.objects.get().value == "Wholesaler"
    assert "Wholesaler" in client.get(world.org_a.get_absolute_url()).content.decode()


def test_partner_sees_no_recruitment_profile_on_its_own_page(world, attrs, client_for):
    attributes.save_values(world.org_a, {attrs.typology: "VAR"})
    page = client_for(world.partner_a_user).get(world.org_a.get_absolute_url())
    assert page.status_code == 200
    assert "Recruitment profile" not in page.content.decode()


def test_api_values_are_checked(world, attrs, api):
    client = api(world.manager)
    url = "/api/profile-attribute-values/"
    bad = client.post(
        url, {"organization": str(world.org_a.uuid), "definition": "vendors", "value": "lots"}, format="json"
    )
    assert bad.status_code == 400 and "not a number" in str(bad.json())
    assert not AttributeValue.objects.exists()
    good = client.post(
        url, {"organization": str(world.org_a.uuid), "definition": "vendors", "value": 7}, format="json"
    )
    assert good.status_code == 201, good.json()
    again = client.post(
        url, {"organization": str(world.org_a.uuid), "definition": "vendors", "value": 8}, format="json"
    )
    assert again.status_code == 400
    assert AttributeValue.objects.get().value == 7
