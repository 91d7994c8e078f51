"""The remuneration engine on plain data: exact sums, rounding, pools, referral bounds, versions in force."""

import datetime
from decimal import Decimal as D

import pytest

from meute.remuneration import engine as e

V2027 = datetime.date(2027, 1, 1)


def version(*rules, valid_from=V2027, **kwargs):
    return e.RuleVersion(valid_from=valid_from, rules=tuple(rules), **kwargs)


def amounts(result):
    return {p.member: p.amount for p in result.payouts}


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        ("100.00", [1, 1, 1], ["33.34", "33.33", "33.33"]),
        ("0.05", [1, 1, 1, 1, 1, 1], ["0.01", "0.01", "0.01", "0.01", "0.01", "0.00"]),
        ("10.00", [2, 3, 4], ["2.22", "3.33", "4.45"]),
        ("1.00", [0, 0], ["0.50", "0.50"]),
        ("99.99", [1], ["99.99"]),
    ],
)
def test_allocate_sums_exactly(total, weights, expected):
    parts = e.allocate(D(total), weights)
    assert parts == [D(x) for x in expected]
    assert sum(parts) == D(total)


def test_allocate_many_awkward_splits_always_sum_to_total():
    for cents in range(1, 400, 7):
        total = D(cents) / 100
        for n in range(1, 9):
            parts = e.allocate(total, list(range(1, n + 1)))
            assert sum(parts) == total
            assert all(p >= 0 for p in parts)


def test_allocate_refuses_negative_weight():
    with pytest.raises(e.RemunerationError):
        e.allocate(D("10"), [1, -1])


def test_round_half_up_to_the_cent():
    assert e.round_cents(D("0.005")) == D("0.01")
    assert e.round_cents(D("2.345")) == D("2.35")
    assert e.percent_of(D("333.33"), D("7.5")) == D("25.00")  # 24.99975


def test_referral_fee_paid_to_referrer_only():
    deal = e.Deal(amount=D("12345.67"), members=(e.Member(1, "referrer"), e.Member(2, "reseller")))
    result = e.compute_deal(deal, version(e.Rule(kind="referral_fee", rate=D("12.5"))))
    assert amounts(result) == {1: D("1543.21")}  # 1543.20875 half up


def test_referral_fee_on_margin_and_missing_margin_is_a_warning():
    members = (e.Member(1, "referrer"), e.Member(2, "reseller"))
    rule = e.Rule(kind="referral_fee", rate=D("10"), basis="margin")
    with_margin = e.compute_deal(e.Deal(amount=D("1000"), margin=D("250.55"), members=members), version(rule))
    assert amounts(with_margin) == {1: D("25.06")}
    without = e.compute_deal(e.Deal(amount=D("1000"), members=members), version(rule))
    assert without.payouts == []
    assert len(without.warnings) == 1


@pytest.mark.parametrize(("rate", "ok"), [("4.99", False), ("5", True), ("20", True), ("20.01", False)])
def test_referral_bounds_default_range(rate, ok):
    errors = e.version_errors(version(e.Rule(kind="referral_fee", rate=D(rate))))
    assert (errors == []) is ok


def test_referral_bounds_follow_the_partnership_range():
    rule = e.Rule(kind="referral_fee", rate=D("25"))
    assert e.version_errors(version(rule, referral_min=D("10"), referral_max=D("30"))) == []
    assert e.version_errors(version(rule))
    assert e.version_errors(version(referral_min=D("30"), referral_max=D("10")))


def test_role_split_shares_must_sum_to_100():
    rule = e.Rule(kind="role_split", rate=D("10"), steps=(("prospection", D(20)), ("closing", D(70))))
    errors = e.version_errors(version(rule))
    assert any("90" in message for message in errors)


def test_ambiguous_rules_refused():
    twice = version(e.Rule(kind="commission_pool", rate=D(5)), e.Rule(kind="commission_pool", rate=D(6)))
    assert e.version_errors(twice)
    same_role = version(
        e.Rule(kind="revenue_share", rate=D(5), party_role="reseller"),
        e.Rule(kind="fixed_amount", fixed_amount=D(100), party_role="reseller"),
        e.Rule(kind="revenue_share", rate=D(3), party_role="reseller"),
    )
    assert len(e.version_errors(same_role)) == 1
    different_roles = version(
        e.Rule(kind="revenue_share", rate=D(5), party_role="reseller"),
        e.Rule(kind="revenue_share", rate=D(3), party_role="integrator"),
    )
    assert e.version_errors(different_roles) == []
    with pytest.raises(e.RemunerationError):
        e.check_versions([version(), version()])


def test_negative_values_refused():
    assert e.version_errors(version(e.Rule(kind="fixed_amount", fixed_amount=D("-1"), party_role="reseller")))
    assert e.version_errors(version(e.Rule(kind="revenue_share", rate=D("-1"), party_role="reseller")))
    with pytest.raises(e.RemunerationError):
        e.compute_deal(e.Deal(amount=D("-5"), members=()), version())


def test_commission_pool_with_three_members_by_involvement():
    members = (
        e.Member(1, "grouping_member", "occasional"),
        e.Member(2, "grouping_member", "regular"),
        e.Member(3, "grouping_member", "integrated"),
    )
    result = e.compute_deal(
        e.Deal(amount=D("1000.00"), members=members), version(e.Rule(kind="commission_pool", rate=D("10")))
    )
    # weights 1, 2, 4 of a 100.00 pool: 14.285.., 28.571.., 57.142..
    assert amounts(result) == {1: D("14.29"), 2: D("28.57"), 3: D("57.14")}
    assert result.total == D("100.00")


def test_pool_by_explicit_weights_and_deal_shares_sum_exactly():
    members = tuple(
        e.Member(i, "grouping_member", share=D(s)) for i, s in enumerate(["33.33", "33.33", "33.34", "0"])
    )
    shares = e.compute_deal(
        e.Deal(amount=D("777.77"), members=members),
        version(e.Rule(kind="commission_pool", rate=D("13"), weight_source="deal_share")),
    )
    assert shares.total == D("101.11")  # 13 % of 777.77 = 101.1101
    explicit = e.compute_deal(
        e.Deal(amount=D("100"), members=members),
        version(
            e.Rule(
                kind="commission_pool", rate=D("10"), weight_source="explicit", weights=((0, D(1)), (3, D(1)))
            )
        ),
    )
    assert amounts(explicit) == {0: D("5.00"), 1: D("0.00"), 2: D("0.00"), 3: D("5.00")}


def test_pool_only_above_two_members_and_replaces_role_split():
    split = e.Rule(
        kind="role_split",
        rate=D("10"),
        steps=(("prospection", D(20)), ("proposal", D(30)), ("closing", D(50))),
    )
    pool = e.Rule(kind="commission_pool", rate=D("6"))
    two = (
        e.Member(1, "grouping_member", steps=("prospection",)),
        e.Member(2, "grouping_member", steps=("proposal", "closing")),
    )
    result = e.compute_deal(e.Deal(amount=D("1000"), members=two), version(split, pool))
    assert amounts(result) == {1: D("20.00"), 2: D("80.00")}
    three = two + (e.Member(3, "grouping_member"),)
    result = e.compute_deal(e.Deal(amount=D("1000"), members=three), version(split, pool))
    assert {c["kind"] for p in result.payouts for c in p.components} == {"commission_pool"}
    assert result.total == D("60.00")


def test_role_split_unassigned_step_shared_by_all():
    split = e.Rule(kind="role_split", rate=D("10"), steps=(("prospection", D(20)), ("closing", D(80))))
    members = (e.Member(1, "m", steps=("closing",)), e.Member(2, "m"))
    result = e.compute_deal(e.Deal(amount=D("100.01"), members=members), version(split))
    # 10.00 total: prospection 2.00 split 1.00/1.00, closing 8.00 to member 1
    assert amounts(result) == {1: D("9.00"), 2: D("1.00")}
    assert "nobody assigned" in e.describe(result.payouts[1].components[0])


def test_fixed_amount_and_revenue_share_by_role():
    members = (e.Member(1, "reseller"), e.Member(2, "reseller"), e.Member(3, "integrator"))
    result = e.compute_deal(
        e.Deal(amount=D("1000"), members=members),
        version(
            e.Rule(kind="fixed_amount", fixed_amount=D("100.00"), party_role="reseller"),
            e.Rule(kind="revenue_share", rate=D("3.33"), party_role="integrator"),
        ),
    )
    assert amounts(result) == {1: D("50.00"), 2: D("50.00"), 3: D("33.30")}


def test_version_in_force_on_the_deal_date():
    old = version(valid_from=datetime.date(2026, 1, 1))
    new = version(valid_from=datetime.date(2027, 4, 1))
    assert e.version_in_force([new, old], datetime.date(2027, 3, 31)) is old
    assert e.version_in_force([new, old], datetime.date(2027, 4, 1)) is new
    assert e.version_in_force([new, old], datetime.date(2025, 12, 31)) is None


def test_explanations_name_rule_rate_and_share():
    members = (e.Member(1, "m"), e.Member(2, "m"), e.Member(3, "m"))
    result = e.compute_deal(
        e.Deal(amount=D("100.00"), members=members), version(e.Rule(kind="commission_pool", rate=D("10")))
    )
    text = e.describe(result.payouts[0].components[0])
    assert "10" in text and "2/6" in text and text.endswith("→ 3.34")


def test_plan_amounts_give_exactly_what_apply_plan_explains():
    """The payout run uses ``plan_amounts``; explanations use ``apply_plan``: they never disagree."""
    import random

    rng = random.Random(7)
    rules = (
        e.Rule(kind="commission_pool", rate=D("8.5")),
        e.Rule(
            kind="role_split",
            rate=D("12"),
            steps=(("prospection", D("20")), ("proposal", D("30")), ("closing", D("50"))),
        ),
        e.Rule(kind="referral_fee", rate=D("10"), basis="margin"),
        e.Rule(kind="fixed_amount", fixed_amount=D("150.00"), party_role="integrator"),
        e.Rule(kind="revenue_share", rate=D("3.33"), party_role="reseller"),
    )
    roles = ["referrer", "integrator", "reseller", "grouping_member"]
    levels = list(e.INVOLVEMENT_WEIGHTS)
    steps = ["prospection", "proposal", "closing"]
    for _ in range(500):
        members = [
            e.Member(
                key=i,
                role=rng.choice(roles),
                involvement=rng.choice(levels),
                steps=tuple(s for s in steps if rng.random() < 0.3),
            )
            for i in range(rng.randint(1, 5))
        ]
        plan = e.compile_plan(version(*rules), members)
        amount = rng.randint(0, 10**9)
        margin = rng.choice([None, rng.randint(0, amount)])
        explained, warnings = e.apply_plan(plan, amount, margin, len(members))
        amounts, same_warnings = e.plan_amounts(plan, amount, margin, len(members))
        assert [None if x is None else x[0] for x in explained] == amounts
        assert warnings == same_warnings
