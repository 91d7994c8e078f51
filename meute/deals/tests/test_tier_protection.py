"""Deal protection follows the partner's tier, at approval and at extension (it was always 90 days)."""

import datetime

import pytest
from django.utils import timezone

from meute.deals.workflow import approve, extend, register
from meute.programs.models import PartnerTier


@pytest.fixture
def tiered(deals_world, program):
    silver, gold = program.tiers.get(name="Silver"), program.tiers.get(name="Gold")
    silver.protection_days, gold.protection_days = 60, 120
    silver.save()
    gold.save()
    PartnerTier.objects.filter(partnership=deals_world.partnership_a).update(tier=gold)
    PartnerTier.objects.filter(partnership=deals_world.partnership_b).update(tier=silver)
    deals_world.silver, deals_world.gold = silver, gold
    return deals_world


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_two_tiers_two_protections(tiered, make_data):
    w = tiered
    gold_deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    silver_deal, _ = register(
        w.partner_b_user,
        w.partnership_b,
        make_data(
            customer_name="Martin Outillage",
            website="https://martin-outillage.fr",
            city="Brest",
            postal_code="29200",
            contact_email="p@martin-outillage.fr",
            contact_name="Paul Martin",
        ),
    )
    assert approve(gold_deal, w.manager).protection_end == _days(120)
    assert approve(silver_deal, w.manager).protection_end == _days(60)


def test_changing_the_tier_changes_the_next_protection_and_the_extension(tiered, make_data, api):
    w = tiered
    response = api(w.manager).patch(f"/api/tiers/{w.gold.uuid}/", {"protection_days": 150}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["protection_days"] == 150
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    deal = approve(deal, w.manager)
    assert deal.protection_end == _days(150)
    deal = extend(deal, w.manager)
    assert deal.protection_end == _days(300)


def test_a_partner_without_tier_keeps_the_default(deals_world, make_data):
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data())
    assert approve(deal, deals_world.manager).protection_end == _days(90)
