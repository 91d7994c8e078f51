"""Payout runs at their edges: who may run and move them, a quarter's first and last day, nothing written on
refusal. Amounts written out by hand: a 10 % pool of 1,000.00 € between integrated (4), regular (2) and
occasional (1) members is 57.14 + 28.57 + 14.29."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from meute.deals.choices import DealPartyRole
from meute.remuneration import payouts, rule_versions
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import Payout
from meute.remuneration.tests.fixtures import won_deal

pytestmark = pytest.mark.django_db

Q1 = datetime.date(2027, 1, 1)
POOL = {"kind": "commission_pool", "rate": "10"}


@pytest.fixture
def pack(pay_world):
    rule_versions.save_version(pay_world.pack, valid_from=Q1, rules=[POOL], user=pay_world.admin)
    return pay_world


def _members(w):
    return [(org, DealPartyRole.GROUPING_MEMBER) for org in (w.org_a, w.org_c, w.org_d)]


def test_a_reader_or_a_partner_runs_no_payouts(pack):
    w = pack
    won_deal(w.pack, _members(w), amount="1000.00")
    for user in (w.reader, w.partner_a_user):
        with pytest.raises(PermissionDenied):
            payouts.compute_payouts("2027-Q1", user=user)
    assert not Payout.objects.exists()
    result = payouts.compute_payouts("2027-Q1", user=w.manager)
    assert (result.deals, result.created) == (1, 3)
    amounts = dict(Payout.objects.values_list("organization__name", "amount"))
    assert amounts == {
        "Alpha Intégration": D("57.14"),
        "Gamma Coaching": D("28.57"),
        "Delta Expertise": D("14.29"),
    }


def test_a_reader_moves_no_payout(pack):
    w = pack
    won_deal(w.pack, _members(w), amount="1000.00")
    payouts.compute_payouts("2027-Q1")
    rows = list(Payout.objects.all())
    before = sorted(Payout.objects.values_list("pk", "status"))
    for user in (w.reader, w.partner_a_user):
        with pytest.raises(PermissionDenied):
            payouts.change_status(rows, PayoutStatus.APPROVED, user=user)
    assert sorted(Payout.objects.values_list("pk", "status")) == before


@pytest.mark.parametrize(
    ("closed_on", "counted"),
    [
        (datetime.date(2026, 12, 31), 0),  # the day before the quarter (and before the rules)
        (datetime.date(2027, 1, 1), 1),  # its first day
        (datetime.date(2027, 3, 31), 1),  # its last day
        (datetime.date(2027, 4, 1), 0),  # the next quarter
    ],
)
def test_a_quarter_from_its_first_to_its_last_day(pack, closed_on, counted):
    won_deal(pack.pack, _members(pack), amount="1000.00", on=closed_on)
    assert payouts.compute_payouts("2027-Q1").deals == counted
