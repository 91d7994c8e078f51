"""Payout runs at their edges: who may run and move them, a quarter's first and last day, nothing written on
refusal. Amounts written out by hand: a 10 % pool of 1,000.00 € between integrated (4), regular (2) and
occasional (1) members is 57.14 + 28.57 + 14.29."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meute.deals.choices import DealPartyRole, DealStage
from meute.remuneration import payouts, periods, rule_versions
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import Payout
from meute.remuneration.tests.fixtures import won_deal

pytestmark = pytest.mark.django_db

Q1 = datetime.date(2027, 1, 1)
POOL = {"kind": "commission_pool", "rate": "10"}
C, A, H, P = PayoutStatus.COMPUTED, PayoutStatus.APPROVED, PayoutStatus.ON_HOLD, PayoutStatus.PAID


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


def _at(deal, *parts):
    moment = datetime.datetime(*parts, tzinfo=timezone.get_current_timezone())
    type(deal).objects.filter(pk=deal.pk).update(closed_at=moment)


def test_a_period_runs_from_its_first_instant_to_just_before_the_next(pay_world):
    w = pay_world
    members = [(w.org_a, w.member), (w.org_c, w.member), (w.org_d, w.member)]
    first = won_deal(w.pack, members, title="first")
    last = won_deal(w.pack, members, title="last")
    before = won_deal(w.pack, members, title="before")
    after = won_deal(w.pack, members, title="after")
    _at(first, 2027, 1, 1, 0, 0, 0)
    _at(last, 2027, 3, 31, 23, 59, 59)
    _at(before, 2026, 12, 31, 23, 59, 59)
    _at(after, 2027, 4, 1, 0, 0, 0)
    q1 = periods.parse_period("2027-Q1")
    assert set(payouts.won_deals(q1).values_list("title", flat=True)) == {"first", "last"}
    assert set(payouts.won_deals(periods.parse_period("2027-Q2")).values_list("title", flat=True)) == {
        "after"
    }
    assert set(payouts.won_deals(periods.parse_period("2026-12")).values_list("title", flat=True)) == {
        "before"
    }


def test_won_deals_of_one_partnership_and_won_only(pay_world):
    w = pay_world
    members = [(w.org_a, w.member), (w.org_c, w.member), (w.org_d, w.member)]
    won_deal(w.pack, members, title="pack")
    won_deal(w.partnership_a, [], title="channel")
    lost = won_deal(w.pack, members, title="lost")
    type(lost).objects.filter(pk=lost.pk).update(stage=DealStage.LOST)
    q1 = periods.parse_period("2027-Q1")
    assert set(payouts.won_deals(q1).values_list("title", flat=True)) == {"pack", "channel"}
    assert list(payouts.won_deals(q1, w.pack).values_list("title", flat=True)) == ["pack"]


@pytest.fixture
def three(pack):
    won_deal(pack.pack, _members(pack))
    payouts.compute_payouts("2027-Q1")
    return list(Payout.objects.order_by("pk"))


def _put(payout, status):
    Payout.objects.filter(pk=payout.pk).update(status=status)


# (from, to): allowed?  Every pair of the four statuses, by hand.
MOVES = {
    (C, A): True,
    (C, H): True,
    (C, P): False,
    (C, C): False,
    (A, P): True,
    (A, H): True,
    (A, C): False,
    (A, A): False,
    (H, A): True,
    (H, C): True,
    (H, P): False,
    (H, H): False,
    (P, A): False,
    (P, C): False,
    (P, H): False,
    (P, P): False,
}


@pytest.mark.parametrize(("start", "target"), list(MOVES))
def test_every_status_move(pay_world, three, start, target):
    payout = three[0]
    _put(payout, start)
    if MOVES[(start, target)]:
        assert payouts.change_status([payout], target, user=pay_world.manager, note="n") == 1
        stored = Payout.objects.get(pk=payout.pk)
        assert (stored.status, stored.status_changed_by, stored.status_note) == (
            target,
            pay_world.manager,
            "n",
        )
    else:
        with pytest.raises(ValidationError) as refused:
            payouts.change_status([payout], target, user=pay_world.manager)
        assert refused.value.code == "wrong_status"
        stored = Payout.objects.get(pk=payout.pk)
        assert (stored.status, stored.status_changed_by) == (start, None)


def test_one_payout_that_cannot_move_stops_them_all(pay_world, three):
    _put(three[2], P)
    with pytest.raises(ValidationError) as refused:
        payouts.change_status(three, A, user=pay_world.admin)
    assert refused.value.messages == [
        "1 payout(s) cannot become “Approved” from their current status (e.g. Paid)."
    ]
    assert list(Payout.objects.order_by("pk").values_list("status", flat=True)) == [C, C, P]


def test_an_unknown_status_is_refused_by_name(pay_world, three):
    with pytest.raises(ValidationError) as refused:
        payouts.change_status(three, "cancelled", user=pay_world.admin)
    assert refused.value.code == "bad_status"
    assert refused.value.messages == ["Unknown payout status “cancelled”."]
    assert set(Payout.objects.values_list("status", flat=True)) == {C}


def test_settling_freezes_the_explanation_and_releasing_clears_it(pay_world, three):
    payout = three[0]
    payouts.change_status([payout], H, user=pay_world.admin)
    held = Payout.objects.get(pk=payout.pk)
    assert held.components  # frozen at the hold
    assert held.status_note == ""
    payouts.change_status([payout], C, user=pay_world.admin)
    assert Payout.objects.get(pk=payout.pk).components == []
