"""Issue point: ``PATCH /api/deals/<won deal>/ {"margin": "999999.00"}`` by a grouping member answered 200 and
margin-based payouts followed it. A member who does not coordinate the grouping is refused; its coordinator
sets the margin (it sets the grouping's remuneration)."""

from decimal import Decimal

from meute.core.choices import UserRole
from meute.core.factories import UserFactory
from meute.deals.models import DealRegistration
from meute.remuneration.tests.fixtures import won_deal


def _grouping_deal(w):
    return won_deal(
        w.pack, [(w.org_a, w.member), (w.org_c, w.member), (w.org_d, w.member)], margin="200.00", title="Pack"
    )


def test_a_grouping_member_cannot_raise_the_margin_of_a_won_deal(pay_world, api):
    w = pay_world
    deal = _grouping_deal(w)
    member = UserFactory(username="gina", role=UserRole.PARTNER, organization=w.org_c)
    response = api(member).patch(f"/api/deals/{deal.uuid}/", {"margin": "999999.00"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "field_not_writable"
    assert list(response.json()["error"]["fields"]) == ["margin"]
    assert DealRegistration.objects.get(pk=deal.pk).margin == Decimal("200.00")


def test_the_coordinator_sets_it_and_it_counts_at_once(pay_world, api):
    w = pay_world
    deal = _grouping_deal(w)
    response = api(w.partner_a_user).patch(f"/api/deals/{deal.uuid}/", {"margin": "300.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["margin"] == "300.00" and response.json()["margin_declared"] is False
