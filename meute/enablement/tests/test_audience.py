"""Targeting: a Gold reseller in Spain sees exactly the items meant for it, in its languages first."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meute.core.choices import TerritoryKind
from meute.core.models import OrganizationPartnerType, Territory
from meute.enablement import library
from meute.enablement.models import ContentItem, audience_facts
from meute.programs.models import PartnerTier

pytestmark = pytest.mark.django_db


@pytest.fixture
def spain(world, program):
    europe = Territory.objects.create(code="europe", name="Europe", kind=TerritoryKind.ZONE)
    es = Territory.objects.create(
        code="es", name="Spain", kind=TerritoryKind.COUNTRY, country="ES", parent=europe
    )
    fr = Territory.objects.create(
        code="fr", name="France", kind=TerritoryKind.COUNTRY, country="FR", parent=europe
    )
    world.org_a.country = "ES"
    world.org_a.save()
    OrganizationPartnerType.objects.create(organization=world.org_a, partner_type="reseller")
    OrganizationPartnerType.objects.create(organization=world.org_b, partner_type="referrer")
    gold, silver = program.tiers.get(name="Gold"), program.tiers.get(name="Silver")
    PartnerTier.objects.filter(partnership=world.partnership_a).update(tier=gold, partner_type="reseller")
    PartnerTier.objects.filter(partnership=world.partnership_b).update(tier=silver)
    published = timezone.now() - datetime.timedelta(days=1)

    def item(title, *, tiers=(), types=(), territories=(), language="", **extra):
        row = ContentItem.objects.create(
            kind=extra.pop("kind", "announcement"),
            title=title,
            partner_types=list(types),
            language=language,
            publish_at=extra.pop("publish_at", published),
            **extra,
        )
        row.tiers.set(tiers)
        row.territories.set(territories)
        return row

    item("Everyone")
    item("Gold only", tiers=[gold])
    item("Silver only", tiers=[silver])
    item("Resellers in Europe", types=["reseller"], territories=[europe])
    item("Referrers", types=["referrer"])
    item("France only", territories=[fr])
    item("Spain, Gold resellers, Spanish", tiers=[gold], types=["reseller"], territories=[es], language="es")
    item("French text", language="fr")
    item("English text", language="en")
    item("Draft for Gold", tiers=[gold], publish_at=None)
    item("Ended", expires_at=published + datetime.timedelta(hours=1), publish_at=published)
    item("Future", publish_at=timezone.now() + datetime.timedelta(days=3))
    return world


def titles(items):
    return sorted(i.title for i in items)


def test_gold_reseller_in_spain_sees_exactly_its_items(spain):
    facts = audience_facts(spain.org_a.pk)
    assert titles(library.items_for(facts)) == sorted(
        [
            "Everyone",
            "Gold only",
            "Resellers in Europe",
            "Spain, Gold resellers, Spanish",
            "French text",
            "English text",
        ]
    )
    # In its languages (the interface's English and Spain's Spanish): not the French text.
    languages = library.reader_languages(facts, "en")
    assert languages == ["en", "es"]
    assert "French text" not in titles(library.items_for(facts, languages=languages))
    assert "Spain, Gold resellers, Spanish" in titles(library.items_for(facts, languages=languages))


def test_the_silver_referrer_sees_its_own(spain):
    facts = audience_facts(spain.org_b.pk)
    assert titles(library.items_for(facts)) == sorted(
        ["Everyone", "Silver only", "Referrers", "France only", "French text", "English text"]
    )


def test_targeted_content_of_another_partner_is_not_found(spain, client_for, api):
    gold_only = ContentItem.objects.get(title="Gold only")
    client = client_for(spain.partner_b_user)
    assert client.get(reverse("enablement:content-detail", args=[gold_only.uuid])).status_code == 404
    assert api(spain.partner_b_user).get(f"/api/library-items/{gold_only.uuid}/").status_code == 404
    listed = {row["title"] for row in api(spain.partner_b_user).get("/api/library-items/").json()["results"]}
    assert "Gold only" not in listed and "Silver only" in listed
    draft = ContentItem.objects.get(title="Draft for Gold")
    assert (
        client_for(spain.partner_a_user)
        .get(reverse("enablement:content-detail", args=[draft.uuid]))
        .status_code
        == 404
    )


def test_portal_home_shows_the_partners_news_only(spain, client_for):
    page = client_for(spain.partner_a_user).get("/").content.decode()
    assert "Spain, Gold resellers, Spanish" in page and "Gold only" in page
    assert "Silver only" not in page and "Referrers" not in page and "French text" not in page
