"""The payout run's rules one by one: its figures and warnings in words, the plans shared between deals that
look alike, what an explanation says and when it is outdated, the run in chunks with its progress, the
counters of each outcome, declared wins and margins left out until verified, and what a run removes. Amounts
written out by hand: a 10 % pool of 1,000.00 € between integrated (4), regular (2) and occasional (1)
members is 57.14 + 28.57 + 14.29."""

import datetime
from collections import Counter
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from meute.deals.choices import DealPartyRole
from meute.remuneration import engine, payouts, periods, rule_versions
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import DealStepAssignment, Payout
from meute.remuneration.tests.fixtures import won_deal

Q1 = datetime.date(2027, 1, 1)
POOL = {"kind": "commission_pool", "rate": "10"}
REFERRAL_ON_MARGIN = "No margin recorded on the deal: the “Referral fee” rule on margin was not applied."


# Figures and warnings of a run


def test_run_figures_and_warnings_in_words():
    result = payouts.ComputeResult(period=periods.parse_period("2027-Q1"))
    assert (result.dry_run, result.has_payouts, result.deals, result.payouts, result.total_cents) == (
        False,
        True,
        0,
        0,
        0,
    )
    assert result.total == D("0.00") and result.warning_lines() == [] and result.warnings == Counter()
    result.total_cents = 1234505
    assert str(result.total) == "12345.05"
    result.margin_warnings.update({"referral_fee": 1, "commission_pool": 3})
    assert result.warnings == Counter(
        {
            REFERRAL_ON_MARGIN: 1,
            "No margin recorded on the deal: the “Commission pool (more than two members)” rule on margin "
            "was not applied.": 3,
        }
    )
    assert result.warning_lines() == [
        "No margin recorded on the deal: the “Commission pool (more than two members)” rule on margin "
        "was not applied. (3 deals)",
        f"{REFERRAL_ON_MARGIN} (1 deals)",
    ]


# Plans shared between deals that look alike


class Team:
    """Stands for ``payouts.Team``: every member's look is given as it is."""

    def look(self, partnership_id, deal_id, seats, by_member):
        return tuple((org if by_member else None, role, "regular", share, ()) for org, role, share in seats)


def test_versions_with_equal_rules_share_their_content():
    cache = payouts.PlanCache()
    pool = engine.Rule(kind="commission_pool", rate=D("10"))
    explicit = engine.Rule(
        kind="commission_pool", rate=D("10"), weight_source="explicit", weights=((1, D(1)),)
    )
    first = engine.RuleVersion(valid_from=Q1, rules=(pool,), key=1)
    same = engine.RuleVersion(valid_from=Q1, rules=(pool,), key=2)
    other = engine.RuleVersion(valid_from=Q1, rules=(explicit,), key=3)
    assert cache.content(first) == (0, False)
    assert cache.content(same) == (0, False)
    assert cache.content(other) == (1, True)
    assert cache.content(first) == (0, False)


def test_deals_that_look_alike_share_a_plan():
    cache = payouts.PlanCache()
    version = engine.RuleVersion(
        valid_from=Q1, rules=(engine.Rule(kind="referral_fee", rate=D("10")),), key=1
    )
    plan = cache.plan(version, 1, 10, [(5, "referrer", None), (6, "reseller", None)], Team())
    assert plan == engine.compile_plan(
        version, [engine.Member(None, "referrer"), engine.Member(None, "reseller")]
    )
    assert engine.plan_amounts(plan, 100000, None, 2) == ([10000, None], [])
    # other members, same look: the same plan object
    assert cache.plan(version, 2, 11, [(7, "referrer", None), (8, "reseller", None)], Team()) is plan
    assert len(cache) == 1
    other = cache.plan(version, 2, 12, [(7, "reseller", None), (8, "referrer", None)], Team())
    assert engine.plan_amounts(other, 100000, None, 2) == ([None, 10000], [])
    assert len(cache) == 2


def test_members_named_by_the_rules_are_told_apart():
    cache = payouts.PlanCache()
    rule = engine.Rule(kind="commission_pool", rate=D("10"), weight_source="explicit", weights=((5, D(1)),))
    version = engine.RuleVersion(valid_from=Q1, rules=(rule,), key=1)
    seats = [(5, "m", None), (6, "m", None), (7, "m", None)]
    plan = cache.plan(version, 1, 10, seats, Team())
    assert engine.plan_amounts(plan, 100000, None, 3) == ([10000, 0, 0], [])
    moved = cache.plan(version, 1, 11, [(6, "m", None), (5, "m", None), (7, "m", None)], Team())
    assert engine.plan_amounts(moved, 100000, None, 3) == ([0, 10000, 0], [])


def test_a_plan_reads_the_shares_recorded_on_the_deal():
    cache = payouts.PlanCache()
    rule = engine.Rule(kind="commission_pool", rate=D("10"), weight_source="deal_share")
    version = engine.RuleVersion(valid_from=Q1, rules=(rule,), key=1)
    plan = cache.plan(version, 1, 10, [(5, "m", D("70")), (6, "m", D("30")), (7, "m", None)], Team())
    assert engine.plan_amounts(plan, 100000, None, 3) == ([7000, 3000, 0], [])


def test_the_plan_cache_starts_again_past_its_limit():
    cache = payouts.PlanCache()
    cache.LIMIT = 1
    version = engine.RuleVersion(
        valid_from=Q1, rules=(engine.Rule(kind="referral_fee", rate=D("10")),), key=1
    )
    for count, role in ((1, "a"), (2, "b"), (1, "c"), (2, "d")):
        cache.plan(version, 1, 10, [(5, role, None)], Team())
        assert len(cache) == count
    assert payouts.PlanCache.LIMIT == 500_000


# What an explanation says


def test_explanation_lines_and_when_it_is_outdated():
    component = {"kind": "fixed_amount", "total": "10.00", "amount": "10.00"}
    current = payouts.Explanation([component, component], 1000, D("10.00"))
    assert current.lines == ["Fixed amount: 10.00 → 10.00", "Fixed amount: 10.00 → 10.00"]
    assert current.outdated is False
    assert payouts.Explanation([component], 1001, D("10.00")).outdated is True
    assert payouts.Explanation([component], 999, D("10.00")).outdated is True
    assert payouts.Explanation([component], 0, D("0")).outdated is False
    assert payouts.Explanation([component], None, D("10.00")).outdated is False  # settled
    assert payouts.Explanation([], None, D("0")).lines == []


def test_a_settled_payout_is_explained_by_what_was_stored():
    stored = [{"kind": "fixed_amount", "total": "5.00", "amount": "5.00"}]
    settled = SimpleNamespace(components=stored, amount=D("5.00"))
    assert payouts.explanation_of(settled) == payouts.Explanation(stored, None, D("5.00"))


def test_status_moves_and_actions():
    C, A, P, H = (PayoutStatus.COMPUTED, PayoutStatus.APPROVED, PayoutStatus.PAID, PayoutStatus.ON_HOLD)
    assert {A: {C, H}, P: {A}, H: {C, A}, C: {H}} == payouts.TRANSITIONS
    assert payouts.ACTIONS == {"approve": A, "pay": P, "hold": H, "release": C}


# The run against the database


@pytest.fixture
def pack(pay_world):
    pay_world.version = rule_versions.save_version(
        pay_world.pack, valid_from=Q1, rules=[POOL], user=pay_world.admin
    )
    return pay_world


def _members(w, *orgs):
    return [(org, DealPartyRole.GROUPING_MEMBER) for org in orgs or (w.org_a, w.org_c, w.org_d)]


def _amounts():
    return sorted(Payout.objects.values_list("deal__title", "organization__name", "amount"))


@pytest.mark.django_db
def test_the_run_in_chunks_gives_the_same_payouts_and_reports_progress(pack):
    w = pack
    for title in ("One", "Two", "Three"):
        won_deal(w.pack, _members(w), amount="1000.00", title=title)
    done = []
    result = payouts.compute_payouts("2027-Q1", chunk_size=2, progress=done.append)
    assert done == [2, 1]
    assert (result.deals, result.created, result.payouts, result.total_cents) == (3, 9, 9, 30000)
    assert result.total == D("300.00")
    assert _amounts() == sorted(
        (title, name, amount)
        for title in ("One", "Two", "Three")
        for name, amount in (
            ("Alpha Intégration", D("57.14")),
            ("Gamma Coaching", D("28.57")),
            ("Delta Expertise", D("14.29")),
        )
    )
    again = payouts.compute_payouts(periods.parse_period("2027-Q1"), chunk_size=1, progress=done.append)
    assert done == [2, 1, 1, 1, 1]
    assert (again.deals, again.created, again.unchanged, again.updated, again.removed) == (3, 0, 9, 0, 0)
    assert (again.payouts, again.total_cents, again.has_payouts) == (9, 30000, True)


@pytest.mark.django_db
def test_a_refused_move_says_which_payouts_and_from_what(pack):
    w = pack
    won_deal(w.pack, _members(w), amount="1000.00")
    payouts.compute_payouts("2027-Q1")
    rows = list(Payout.objects.order_by("pk"))
    Payout.objects.filter(pk__in=[rows[0].pk, rows[2].pk]).update(status=PayoutStatus.PAID)
    with pytest.raises(ValidationError) as refused:
        payouts.change_status(rows, PayoutStatus.APPROVED, user=w.admin)
    assert refused.value.code == "wrong_status"
    assert refused.value.messages == [
        "2 payout(s) cannot become “Approved” from their current status (e.g. Paid)."
    ]
    assert refused.value.details == {
        "requested": "approved",
        "allowed": ["computed", "on_hold"],
        "refused": [
            {"payout": str(rows[0].uuid), "current": "paid"},
            {"payout": str(rows[2].uuid), "current": "paid"},
        ],
    }
    assert list(Payout.objects.order_by("pk").values_list("status", flat=True)) == [
        "paid",
        "computed",
        "paid",
    ]


@pytest.mark.django_db
def test_a_large_first_load_from_its_threshold(pack, monkeypatch):
    w = pack
    for title in ("One", "Two"):
        won_deal(w.pack, _members(w), title=title)
    deals = payouts.won_deals(periods.parse_period("2027-Q1"))
    monkeypatch.setattr(payouts, "LARGE_LOAD_DEALS", 2)
    assert payouts._large_load(deals) is True  # two deals, an empty table
    monkeypatch.setattr(payouts, "LARGE_LOAD_DEALS", 3)
    assert payouts._large_load(deals) is False
    monkeypatch.setattr(payouts, "LARGE_LOAD_DEALS", 2)
    payouts.compute_payouts("2027-Q1")  # 6 payouts: more than the 2 × 2 the load would add
    assert payouts._large_load(deals) is False
    Payout.objects.filter(pk__in=list(Payout.objects.values_list("pk", flat=True)[:3])).delete()
    assert payouts._large_load(deals) is True  # 3 rows < 4
    Payout.objects.filter(pk__in=list(Payout.objects.values_list("pk", flat=True)[:2])).delete()
    assert payouts._large_load(deals) is True  # 1 row < 4


@pytest.mark.django_db
def test_each_outcome_of_a_run_is_counted(pack):
    w = pack
    later = rule_versions.save_version(
        w.pack, valid_from=datetime.date(2027, 3, 1), rules=[dict(POOL, rate="20")], user=w.admin
    )
    early = won_deal(w.pack, _members(w), amount="1000.00", on=datetime.date(2027, 2, 1), title="Early")
    late = won_deal(w.pack, _members(w), amount="1000.00", on=datetime.date(2027, 3, 1), title="Late")
    first = payouts.compute_payouts("2027-Q1")
    assert (first.deals, first.created, first.payouts, first.total_cents) == (2, 6, 6, 30000)
    assert set(Payout.objects.filter(deal=late).values_list("version_id", flat=True)) == {later.pk}
    assert set(Payout.objects.filter(deal=early).values_list("version_id", flat=True)) == {w.version.pk}
    # a payout approved, a deal's amount changed, a deal moved to a day before the later version
    approved = Payout.objects.get(deal=early, organization=w.org_a)
    payouts.change_status([approved], PayoutStatus.APPROVED, user=w.admin)
    type(early).objects.filter(pk=early.pk).update(amount=D("2000.00"))
    closed = datetime.datetime(2027, 2, 28, 12, tzinfo=datetime.UTC)
    type(late).objects.filter(pk=late.pk).update(closed_at=closed)
    again = payouts.compute_payouts("2027-Q1")
    assert (again.deals, again.kept, again.kept_differing) == (2, 1, 1)
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 5, 0, 0)
    assert (again.payouts, again.total_cents) == (5, 5714 + 2857 + 5714 + 2857 + 1429)
    moved = {p.organization_id: p for p in Payout.objects.filter(deal=late)}
    assert {p.version_id for p in moved.values()} == {w.version.pk}
    assert {p.deal_date for p in moved.values()} == {datetime.date(2027, 2, 28)}
    assert moved[w.org_a.pk].amount == D("57.14")
    assert Payout.objects.get(pk=approved.pk).amount == D("57.14")  # approved: never changed
    assert Payout.objects.get(deal=early, organization=w.org_c).amount == D("57.14")


@pytest.mark.django_db
def test_a_currency_change_updates_the_payouts(pack):
    w = pack
    deal = won_deal(w.pack, _members(w), amount="1000.00")
    payouts.compute_payouts("2027-Q1")
    type(deal).objects.filter(pk=deal.pk).update(currency="USD")
    again = payouts.compute_payouts("2027-Q1")
    assert (again.updated, again.unchanged) == (3, 0)
    assert set(Payout.objects.values_list("currency", flat=True)) == {"USD"}


@pytest.mark.django_db
def test_deals_before_any_rules_and_members_out_of_the_team(pack):
    w = pack
    won_deal(w.pack, _members(w), on=datetime.date(2026, 12, 31), title="Before")
    won_deal(w.pack, [], on=datetime.date(2027, 1, 1), title="Nobody")
    result = payouts.compute_payouts("2026-12")
    assert (result.deals, result.deals_without_rules, result.created) == (1, 1, 0)
    result = payouts.compute_payouts("2027-01")
    assert (result.deals, result.deals_without_rules, result.created) == (1, 0, 0)
    assert not Payout.objects.exists()


@pytest.mark.django_db
def test_a_member_who_leaves_the_deal_loses_the_computed_payout_only(pack):
    w = pack
    deal = won_deal(w.pack, _members(w, w.org_a, w.org_c, w.org_d, w.org_b), amount="1000.00")
    won_deal(w.pack, _members(w), amount="1000.00", on=datetime.date(2027, 4, 1), title="Q2")
    payouts.compute_payouts("2027-Q1")
    payouts.compute_payouts("2027-Q2")
    deal.parties.filter(organization=w.org_b).delete()
    result = payouts.compute_payouts("2027-Q1")
    # three members left: the pool is shared again by 4 : 2 : 1
    assert (result.removed, result.updated, result.created, result.payouts) == (1, 3, 0, 3)
    assert sorted(Payout.objects.filter(deal=deal).values_list("amount", flat=True)) == [
        D("14.29"),
        D("28.57"),
        D("57.14"),
    ]
    assert Payout.objects.filter(deal_date__gte="2027-04-01").count() == 3  # another period: untouched
    # two members left: the pool no longer applies, their computed payouts go
    deal.parties.filter(organization=w.org_d).delete()
    result = payouts.compute_payouts("2027-Q1")
    assert (result.removed, result.payouts) == (3, 0)
    assert not Payout.objects.filter(deal=deal).exists()


@pytest.mark.django_db
def test_a_deal_no_longer_won_loses_its_payouts_in_its_partnership_run_only(pack):
    w = pack
    rule_versions.save_version(
        w.partnership_a, valid_from=Q1, rules=[{"kind": "referral_fee", "rate": "10"}], user=w.admin
    )
    pack_deal = won_deal(w.pack, _members(w), amount="1000.00")
    channel_deal = won_deal(
        w.partnership_a, [(w.org_a, DealPartyRole.REFERRER)], amount="1000.00", title="Ch"
    )
    payouts.compute_payouts("2027-Q1")
    assert Payout.objects.count() == 4
    for deal in (pack_deal, channel_deal):
        type(deal).objects.filter(pk=deal.pk).update(won_declared=True)  # a declared win, not yet verified
    result = payouts.compute_payouts("2027-Q1", partnership=w.partnership_a)
    assert (result.deals, result.removed) == (0, 1)
    assert Payout.objects.filter(partnership=w.pack).count() == 3
    assert payouts.compute_payouts("2027-Q1").removed == 3
    assert not Payout.objects.exists()
    assert payouts.compute_payouts("2027-Q1").has_payouts is False


@pytest.mark.django_db
def test_a_declared_margin_counts_once_verified(pay_world):
    w = pay_world
    rule_versions.save_version(
        w.partnership_a,
        valid_from=Q1,
        rules=[{"kind": "referral_fee", "rate": "15", "basis": "margin"}],
        user=w.admin,
    )
    deal = won_deal(w.partnership_a, [(w.org_a, DealPartyRole.REFERRER)], amount="10000.00", margin="3000.00")
    type(deal).objects.filter(pk=deal.pk).update(margin_declared=True)
    result = payouts.compute_payouts("2027-Q1")
    assert (result.created, dict(result.warnings)) == (0, {REFERRAL_ON_MARGIN: 1})
    assert result.warning_lines() == [f"{REFERRAL_ON_MARGIN} (1 deals)"]
    type(deal).objects.filter(pk=deal.pk).update(margin_declared=False)
    result = payouts.compute_payouts("2027-Q1")
    assert (result.created, result.warnings) == (1, Counter())
    assert Payout.objects.get().amount == D("450.00")


@pytest.mark.django_db
def test_involvement_steps_and_shares_as_the_engine_sees_them(pack):
    w = pack
    deal = won_deal(w.pack, _members(w) + [(w.org_b, DealPartyRole.GROUPING_MEMBER)], amount="1000.00")
    DealStepAssignment.objects.create(deal=deal, step="closing", organization=w.org_c)
    DealStepAssignment.objects.create(deal=deal, step="proposal", organization=w.org_c)
    team = payouts.Team([w.pack.pk])
    parties = team.read(deal.pk, deal.pk)
    seats = parties[deal.pk]
    assert [seat[0] for seat in seats] == [w.org_a.pk, w.org_c.pk, w.org_d.pk, w.org_b.pk]
    look = team.look(w.pack.pk, deal.pk, seats, False)
    member = DealPartyRole.GROUPING_MEMBER
    assert look == (
        (None, member, "integrated", None, ()),
        (None, member, "regular", None, ("closing", "proposal")),
        (None, member, "occasional", None, ()),
        (None, member, "regular", None, ()),  # not seated in the partnership: regular
    )
    assert [m[0] for m in team.look(w.pack.pk, deal.pk, seats, True)] == [
        w.org_a.pk,
        w.org_c.pk,
        w.org_d.pk,
        w.org_b.pk,
    ]
    # the 10 % pool by involvement 4 : 2 : 1 : 2
    payouts.compute_payouts("2027-Q1")
    assert dict(Payout.objects.values_list("organization_id", "amount")) == {
        w.org_a.pk: D("44.45"),
        w.org_c.pk: D("22.22"),
        w.org_d.pk: D("11.11"),
        w.org_b.pk: D("22.22"),
    }
    assert payouts.Team([w.partnership_a.pk]).involvement.get((w.pack.pk, w.org_a.pk)) is None
    assert payouts.Team().involvement[(w.pack.pk, w.org_a.pk)] == "integrated"


@pytest.mark.django_db
def test_explanations_of_many_payouts_at_once(pack):
    w = pack
    deal = won_deal(w.pack, _members(w), amount="700.00")
    payouts.compute_payouts("2027-Q1")
    rows = list(Payout.objects.order_by("pk"))
    payouts.explain(rows)
    by_member = {p.organization_id: p.explanation for p in rows}
    assert by_member[w.org_c.pk] == payouts.Explanation(
        [
            {
                "kind": "commission_pool",
                "weight": "2/7",
                "basis": "amount",
                "rate": "10.00",
                "base": "700.00",
                "total": "70.00",
                "amount": "20.00",
            }
        ],
        2000,
        D("20.00"),
    )
    assert by_member[w.org_c.pk].lines == [
        "Commission pool (more than two members): 10 % of the deal amount 700.00 = 70.00 × share 2/7 → 20.00"
    ]
    assert [by_member[o.pk].live_cents for o in (w.org_a, w.org_c, w.org_d)] == [4000, 2000, 1000]
    # a member no longer on the deal: nothing to explain now
    deal.parties.filter(organization=w.org_d).delete()
    gone = Payout.objects.get(organization=w.org_d)
    assert payouts.explanation_of(gone) == payouts.Explanation([], None, D("10.00"))


@pytest.mark.django_db
@pytest.mark.parametrize("target", [PayoutStatus.APPROVED, PayoutStatus.ON_HOLD])
def test_settling_many_payouts_reads_their_deals_once(pack, target):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meute.deals.models import DealRegistration

    w = pack
    for index in range(4):
        won_deal(w.pack, _members(w), amount=f"{1000 + index}.00", title=f"D{index}")
    payouts.compute_payouts("2027-Q1")
    rows = list(Payout.objects.order_by("pk"))
    table = f'FROM "{DealRegistration._meta.db_table}"'
    with CaptureQueriesContext(connection) as queries:
        payouts.change_status(rows, target, user=w.admin)
    # the deals' amounts and counted margins, for the explanations of all 12 payouts at once
    assert sum(table in query["sql"] and "CASE WHEN" in query["sql"] for query in queries) == 1
    assert all(p.components and p.status == target for p in Payout.objects.all())


# Several of each outcome in one chunk


@pytest.mark.django_db
def test_every_counter_adds_up_over_several_deals_of_one_chunk(pack):
    from meute.partnerships.choices import InvolvementLevel, PartnershipKind, PartyRole
    from meute.partnerships.parties import PartySpec, create_partnership

    w = pack
    # Two deals of a grouping without rules come first (lower keys): the deals after them are still paid.
    bare = create_partnership(
        [
            PartySpec(w.org_b, role=PartyRole.COORDINATOR, involvement=InvolvementLevel.INTEGRATED),
            PartySpec(w.org_c, role=PartyRole.MEMBER, involvement=InvolvementLevel.REGULAR),
        ],
        name="Sans règles",
        kind=PartnershipKind.GROUPING,
        grouping_level="pack",
    )
    for title in ("Bare one", "Bare two"):
        won_deal(bare, [(w.org_b, w.member), (w.org_c, w.member)], title=title)
    changed = won_deal(w.pack, _members(w), amount="1000.00", title="Changed")
    steady = won_deal(w.pack, _members(w), amount="1000.00", title="Steady")
    # Two deals of a partner on margin rules without a margin: one warning per deal.
    rule_versions.save_version(
        w.partnership_a,
        valid_from=Q1,
        rules=[{"kind": "referral_fee", "rate": "15", "basis": "margin"}],
        user=w.admin,
    )
    for title in ("No margin one", "No margin two"):
        won_deal(w.partnership_a, [(w.org_a, DealPartyRole.REFERRER)], amount="10000.00", title=title)
    first = payouts.compute_payouts("2027-Q1")
    assert (first.deals, first.deals_without_rules, first.created, first.payouts) == (6, 2, 6, 6)
    assert dict(first.warnings) == {REFERRAL_ON_MARGIN: 2}
    # Two approved payouts of a deal whose amount then changes, one of a deal that stays the same.
    approved = list(Payout.objects.filter(deal=changed, organization__in=[w.org_a, w.org_c]))
    approved.append(Payout.objects.get(deal=steady, organization=w.org_d))
    payouts.change_status(approved, PayoutStatus.APPROVED, user=w.admin)
    type(changed).objects.filter(pk=changed.pk).update(amount=D("2000.00"))
    again = payouts.compute_payouts("2027-Q1")
    assert (again.deals, again.deals_without_rules) == (6, 2)
    assert (again.kept, again.kept_differing) == (3, 2)
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 1, 2, 0)
    assert (again.payouts, again.total_cents) == (3, 2857 + 5714 + 2857)
    assert dict(again.warnings) == {REFERRAL_ON_MARGIN: 2}


@pytest.mark.django_db
def test_payouts_read_all_at_once_or_by_chunk_are_the_same(pack):
    w = pack
    first = won_deal(w.pack, _members(w), amount="1000.00", title="First")
    won_deal(w.pack, _members(w, w.org_a), amount="500.00", title="Alone")  # a pool needs three: no payout
    last = won_deal(w.pack, _members(w), amount="300.00", title="Last")
    payouts.compute_payouts("2027-Q1")
    deals = payouts.won_deals(periods.parse_period("2027-Q1"))
    rows = next(payouts._deal_chunks(deals, 10))
    assert [row[0] for row in rows] == sorted(deals.values_list("pk", flat=True))
    by_range = payouts.ExistingPayouts(deals).of_chunk(rows)
    preloaded = payouts.ExistingPayouts(deals, preload=True)
    assert preloaded.preloaded is True
    at_once = preloaded.of_chunk(rows)
    stored = {(p.deal_id, p.organization_id): p.pk for p in Payout.objects.all()}
    assert set(stored) == {
        (first.pk, w.org_a.pk),
        (first.pk, w.org_c.pk),
        (first.pk, w.org_d.pk),
        (last.pk, w.org_a.pk),
        (last.pk, w.org_c.pk),
        (last.pk, w.org_d.pk),
    }
    for existing in (by_range, at_once):
        assert {key: row[0] for key, row in existing.items()} == stored
    assert at_once == by_range
    assert payouts.ExistingPayouts(deals, preload=True).of_chunk(rows[1:2]) == {}


@pytest.mark.django_db
def test_a_partnership_run_computes_its_deals_only_and_a_dry_run_writes_nothing(pack):
    w = pack
    rule_versions.save_version(
        w.partnership_a, valid_from=Q1, rules=[{"kind": "referral_fee", "rate": "10"}], user=w.admin
    )
    won_deal(w.pack, _members(w), amount="1000.00")
    won_deal(w.partnership_a, [(w.org_a, DealPartyRole.REFERRER)], amount="1000.00", title="Ch")
    period = periods.parse_period("2027-Q1")
    dry = payouts.compute_payouts(period, partnership=w.partnership_a, dry_run=True)
    assert (dry.period, dry.dry_run, dry.deals, dry.created, dry.total_cents) == (period, True, 1, 1, 10000)
    assert not Payout.objects.exists()
    run = payouts.compute_payouts(period, partnership=w.partnership_a)
    assert (run.dry_run, run.deals, run.created, run.has_payouts) == (False, 1, 1, False)
    assert list(Payout.objects.values_list("partnership_id", "amount")) == [(w.partnership_a.pk, D("100.00"))]
    pack_run = payouts.compute_payouts(period, partnership=w.pack)
    assert (pack_run.deals, pack_run.created, pack_run.unchanged, pack_run.has_payouts) == (1, 3, 0, True)
    assert Payout.objects.count() == 4


@pytest.mark.django_db
def test_a_member_added_later_to_an_earlier_deal_is_paid(pack):
    from meute.deals.models import DealParty

    w = pack
    early = won_deal(w.pack, _members(w, w.org_a, w.org_c), amount="1000.00", title="Early")
    won_deal(w.pack, _members(w), amount="1000.00", title="Later")
    DealParty.objects.create(deal=early, organization=w.org_d, role=w.member)  # its seat comes last by key
    result = payouts.compute_payouts("2027-Q1")
    assert (result.deals, result.created) == (2, 6)
    assert sorted(Payout.objects.filter(deal=early).values_list("organization__name", "amount")) == [
        ("Alpha Intégration", D("57.14")),
        ("Delta Expertise", D("14.29")),
        ("Gamma Coaching", D("28.57")),
    ]


@pytest.mark.django_db
def test_a_member_the_rules_do_not_pay_does_not_stop_the_next_one(pay_world):
    w = pay_world
    rule_versions.save_version(
        w.partnership_a, valid_from=Q1, rules=[{"kind": "referral_fee", "rate": "10"}], user=w.admin
    )
    won_deal(
        w.partnership_a,
        [(w.org_b, DealPartyRole.RESELLER), (w.org_a, DealPartyRole.REFERRER)],
        amount="1000.00",
    )
    result = payouts.compute_payouts("2027-Q1")
    assert (result.created, result.payouts) == (1, 1)
    assert list(Payout.objects.values_list("organization_id", "amount")) == [(w.org_a.pk, D("100.00"))]


@pytest.mark.django_db
def test_payouts_removed_in_several_chunks_are_all_counted(pack):
    w = pack
    deals = [won_deal(w.pack, _members(w), amount="1000.00", title=title) for title in ("One", "Two")]
    payouts.compute_payouts("2027-Q1")
    for deal in deals:
        deal.parties.filter(organization=w.org_d).delete()  # two members left: the pool pays nobody
    again = payouts.compute_payouts("2027-Q1", chunk_size=1)
    assert (again.deals, again.removed, again.payouts) == (2, 6, 0)
    assert not Payout.objects.exists()


@pytest.mark.django_db
def test_payouts_without_their_team_or_rules_are_explained_by_nothing_and_the_others_still_are(pack):
    w = pack
    lonely = won_deal(w.pack, _members(w), amount="700.00", title="Lonely")
    won_deal(w.pack, _members(w), amount="700.00", title="Kept")
    payouts.compute_payouts("2027-Q1")
    lonely.parties.all().delete()
    unknown = Payout.objects.filter(deal__title="Kept", organization=w.org_a)
    unknown.update(version_id=999_999)
    rows = list(Payout.objects.select_related("deal").order_by("deal_id", "organization_id"))
    payouts.explain(rows)
    explained = {(p.deal.title, p.organization_id): p.explanation.live_cents for p in rows}
    assert explained == {
        ("Lonely", w.org_a.pk): None,
        ("Lonely", w.org_c.pk): None,
        ("Lonely", w.org_d.pk): None,
        ("Kept", w.org_a.pk): None,
        ("Kept", w.org_c.pk): 2000,
        ("Kept", w.org_d.pk): 1000,
    }
