"""A deal's margin and amount decide payouts: the partner states them while the deal is open, staff after."""

from decimal import Decimal

import pytest

from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.deals.workflow import approve, mark_won, register


@pytest.fixture
def won_deal(deals_world, make_data):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    approve(deal, w.manager)
    deal = mark_won(deal, w.partner_a_user)
    DealRegistration.objects.filter(pk=deal.pk).update(margin=Decimal("5000.00"))
    return DealRegistration.objects.get(pk=deal.pk)


def _snapshot(deal):
    return DealRegistration.objects.filter(pk=deal.pk).values().get()


def test_member_cannot_raise_the_margin_of_a_won_deal(deals_world, won_deal, client_for):
    before = _snapshot(won_deal)
    response = client_for(deals_world.partner_a_user).patch(
        f"/api/deals/{won_deal.uuid}/", {"margin": "999999.00"}, content_type="application/json"
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "field_not_writable"
    assert list(error["fields"]) == ["margin"]
    assert "margin" in error["message"]
    assert _snapshot(won_deal) == before


def test_a_refused_field_refuses_the_whole_request(deals_world, won_deal, client_for):
    before = _snapshot(won_deal)
    response = client_for(deals_world.partner_a_user).patch(
        f"/api/deals/{won_deal.uuid}/",
        {"margin": "999999.00", "notes": "raised"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert _snapshot(won_deal) == before


def test_sending_the_margin_unchanged_is_accepted(deals_world, won_deal, client_for):
    response = client_for(deals_world.partner_a_user).patch(
        f"/api/deals/{won_deal.uuid}/",
        {"margin": "5000.00", "notes": "same"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    won_deal.refresh_from_db()
    assert won_deal.notes == "same" and won_deal.margin == Decimal("5000.00")


def test_channel_manager_corrects_the_margin_of_a_won_deal(deals_world, won_deal, client_for):
    response = client_for(deals_world.manager).patch(
        f"/api/deals/{won_deal.uuid}/", {"margin": "6000.00"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    won_deal.refresh_from_db()
    assert won_deal.margin == Decimal("6000.00")


def test_partner_states_the_margin_while_the_deal_is_open(deals_world, make_data, client_for):
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data())
    assert deal.stage == DealStage.SUBMITTED
    response = client_for(deals_world.partner_a_user).patch(
        f"/api/deals/{deal.uuid}/", {"margin": "4000.00"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    deal.refresh_from_db()
    assert deal.margin == Decimal("4000.00")


def test_margin_cannot_exceed_the_amount(deals_world, won_deal, client_for):
    before = _snapshot(won_deal)
    response = client_for(deals_world.manager).patch(
        f"/api/deals/{won_deal.uuid}/", {"margin": "25000.01"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["margin"] == ["The margin cannot exceed the amount."]
    assert _snapshot(won_deal) == before


def test_a_partner_of_a_channel_deal_is_no_coordinator(deals_world, won_deal):
    from meute.lib import rights

    assert rights.roles_of(deals_world.partner_a_user, won_deal) == {"partner"}
    assert not rights.may_write(deals_world.partner_a_user, DealRegistration, "margin", won_deal)


class TestDeclaredMargin:
    """A margin the partner states is declared: payouts use it once a channel manager verifies it."""

    def _open_deal_with_declared_margin(self, deals_world, make_data, client_for):
        deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data())
        response = client_for(deals_world.partner_a_user).patch(
            f"/api/deals/{deal.uuid}/", {"margin": "4000.00"}, content_type="application/json"
        )
        assert response.status_code == 200
        assert response.json()["margin_declared"] is True
        return DealRegistration.objects.get(pk=deal.pk)

    def test_payouts_read_no_margin_until_verified(self, deals_world, make_data, client_for):
        from meute.remuneration.payouts import COUNTED_MARGIN

        deal = self._open_deal_with_declared_margin(deals_world, make_data, client_for)
        counted = DealRegistration.objects.filter(pk=deal.pk).values_list(COUNTED_MARGIN, flat=True)
        assert counted.get() is None
        partner = client_for(deals_world.partner_a_user)
        assert partner.post(f"/api/deals/{deal.uuid}/verify-margin/").status_code == 403
        assert DealRegistration.objects.get(pk=deal.pk).margin_declared
        client = client_for(deals_world.manager)
        verified = client.post(f"/api/deals/{deal.uuid}/verify-margin/")
        assert verified.status_code == 200 and verified.json()["margin_declared"] is False
        assert counted.get() == Decimal("4000.00")
        again = client.post(f"/api/deals/{deal.uuid}/verify-margin/")
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"

    def test_staff_margin_counts_at_once(self, deals_world, won_deal, client_for):
        response = client_for(deals_world.manager).patch(
            f"/api/deals/{won_deal.uuid}/", {"margin": "7000.00"}, content_type="application/json"
        )
        assert response.json()["margin_declared"] is False

    def test_verify_on_the_deal_page(self, deals_world, make_data, client_for):
        from django.urls import reverse

        deal = self._open_deal_with_declared_margin(deals_world, make_data, client_for)
        page = client_for(deals_world.partner_a_user).get(reverse("deal-detail", kwargs={"uuid": deal.uuid}))
        assert (
            "Waiting for verification" in page.content.decode()
            and "verify-margin" not in page.content.decode()
        )
        client = client_for(deals_world.manager)
        url = reverse("deal-action", kwargs={"uuid": deal.uuid, "action": "verify-margin"})
        assert url in client.get(reverse("deal-detail", kwargs={"uuid": deal.uuid})).content.decode()
        assert client.post(url).status_code == 302
        assert not DealRegistration.objects.get(pk=deal.pk).margin_declared


class TestDeclaredWin:
    """A deal the partner marks won is a declared win: payouts count it once a channel manager verifies it
    (the partner could otherwise close any approved deal as won and be paid on it)."""

    def _approved(self, deals_world, make_data):
        deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data())
        return approve(deal, deals_world.manager)

    def _paid_on(self, deal):
        from meute.remuneration.payouts import won_deals
        from meute.remuneration.periods import parse_period

        period = parse_period(str(deal.closed_at.year))
        return won_deals(period).filter(pk=deal.pk).exists()

    def test_payouts_wait_for_the_verification_of_a_partners_win(self, deals_world, make_data, client_for):
        deal = self._approved(deals_world, make_data)
        partner = client_for(deals_world.partner_a_user)
        won = partner.post(f"/api/deals/{deal.uuid}/won/")
        assert won.status_code == 200 and won.json()["won_declared"] is True
        deal.refresh_from_db()
        assert deal.stage == DealStage.WON and not self._paid_on(deal)
        assert partner.post(f"/api/deals/{deal.uuid}/verify-won/").status_code == 403
        assert (
            client_for(deals_world.partner_b_user).post(f"/api/deals/{deal.uuid}/verify-won/").status_code
            == 404
        )
        assert DealRegistration.objects.get(pk=deal.pk).won_declared
        manager = client_for(deals_world.manager)
        verified = manager.post(f"/api/deals/{deal.uuid}/verify-won/")
        assert verified.status_code == 200 and verified.json()["won_declared"] is False
        assert self._paid_on(deal)
        again = manager.post(f"/api/deals/{deal.uuid}/verify-won/")
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"

    def test_a_win_staff_record_counts_at_once(self, deals_world, make_data):
        deal = mark_won(self._approved(deals_world, make_data), deals_world.manager)
        assert deal.won_declared is False and self._paid_on(deal)

    def test_the_partner_sees_the_status_and_the_manager_verifies_on_the_page(
        self, deals_world, make_data, client_for
    ):
        from django.urls import reverse

        deal = mark_won(self._approved(deals_world, make_data), deals_world.partner_a_user)
        url = reverse("deal-detail", kwargs={"uuid": deal.uuid})
        page = client_for(deals_world.partner_a_user).get(url).content.decode()
        assert 'id="won-declared"' in page and "verify-won" not in page
        manager = client_for(deals_world.manager)
        assert "verify-won" in manager.get(url).content.decode()
        manager.post(reverse("deal-action", kwargs={"uuid": deal.uuid, "action": "verify-won"}))
        assert not DealRegistration.objects.get(pk=deal.pk).won_declared
