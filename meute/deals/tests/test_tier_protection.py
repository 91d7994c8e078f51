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


class TestTierMargin:
    """The tier's margin applies to a won deal nobody stated a margin for: partners who move up earn more, and
    margin-based payouts read it (``remuneration.payouts.COUNTED_MARGIN``)."""

    def _won(self, w, data, partnership=None, user=None):
        from meute.deals.workflow import mark_won

        deal, _ = register(user or w.partner_a_user, partnership or w.partnership_a, data)
        approve(deal, w.manager)
        return mark_won(deal, w.manager)

    def _counted(self, deal):
        from meute.deals.models import DealRegistration
        from meute.remuneration.payouts import COUNTED_MARGIN

        return DealRegistration.objects.filter(pk=deal.pk).values_list(COUNTED_MARGIN, flat=True).get()

    def test_changing_the_tiers_margin_changes_the_margin_payouts_read(self, tiered, make_data):
        from decimal import Decimal

        w = tiered
        w.gold.margin_percent = Decimal("20")
        w.gold.save()
        first = self._won(w, make_data())
        assert first.margin == Decimal("5000.00") and not first.margin_declared
        assert self._counted(first) == Decimal("5000.00")
        w.gold.margin_percent = Decimal("22.5")
        w.gold.save()
        second = self._won(
            w, make_data(customer_name="Leroy Robotique", website="https://leroy-robotique.fr")
        )
        assert second.margin == Decimal("5625.00") and self._counted(second) == Decimal("5625.00")
        assert self._counted(first) == Decimal("5000.00")  # a won deal keeps the margin of its day

    def test_a_stated_margin_is_kept_and_no_tier_grants_none(self, tiered, make_data):
        from decimal import Decimal

        from meute.deals.models import DealRegistration

        w = tiered
        deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
        DealRegistration.objects.filter(pk=deal.pk).update(margin=Decimal("1234.00"))
        approve(deal, w.manager)
        from meute.deals.workflow import mark_won

        assert mark_won(deal, w.manager).margin == Decimal("1234.00")
        PartnerTier.objects.filter(partnership=w.partnership_b).update(tier=None)
        untiered = self._won(
            w,
            make_data(customer_name="Martin Outillage", website="https://martin-outillage.fr"),
            partnership=w.partnership_b,
            user=w.partner_b_user,
        )
        assert untiered.margin is None
