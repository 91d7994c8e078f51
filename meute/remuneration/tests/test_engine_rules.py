"""The remuneration engine's rules one by one, through its public functions: the exact refusal of each
invalid rule and version, the exact payout components of each rule kind, the words of each explanation,
numbers as typed, written and divided at their edges. Values worked out by hand; no database."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from meute.remuneration import engine as e

JAN = datetime.date(2027, 1, 1)
POOL = "Commission pool (more than two members)"
SHARE = "Percentage of revenue or margin"
SPLIT = "Split by sales-cycle step"


@pytest.fixture(autouse=True)
def cold_texts():
    """The constant parts of the stored explanations are cached across deals: each test writes them anew,
    so that what it reads was written by the code under test, not left by an earlier test."""
    e._cached_prefix.cache_clear()
    yield
    e._cached_prefix.cache_clear()


def version(*rules, **kwargs):
    return e.RuleVersion(valid_from=JAN, rules=tuple(rules), **kwargs)


def deal(amount, *members, margin=None):
    return e.Deal(amount=D(amount), members=tuple(members), margin=None if margin is None else D(margin))


def components(result):
    return {p.member: p.components for p in result.payouts}


def amounts(result):
    return {p.member: p.amount for p in result.payouts}


# Numbers as typed and written


@pytest.mark.parametrize(
    ("value", "expected"),
    [(" 2 ", D("2")), ("1,5", D("1.5")), (3, D("3")), ("-0.25", D("-0.25")), (D("7.10"), D("7.10"))],
)
def test_to_decimal_reads_text_with_comma_or_spaces(value, expected):
    result = e.to_decimal(value)
    assert result == expected
    assert isinstance(result, D)
    assert str(result) == str(expected)


def test_to_decimal_gives_a_decimal_back_as_it_is():
    value = D("1.50")
    assert e.to_decimal(value) is value


@pytest.mark.parametrize("value", ["abc", "", None, "1.2.3", "NaN", "Infinity", "-inf"])
def test_to_decimal_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(e.RemunerationError) as refused:
        e.to_decimal(value)
    assert refused.value.messages == [f"“{value}” is not a number."]
    assert str(refused.value) == f"“{value}” is not a number."


def test_refusal_joins_its_messages():
    error = e.RemunerationError(("First.", "Second."))
    assert error.messages == ["First.", "Second."]
    assert str(error) == "First. Second."
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "0.00"), (7, "0.07"), (100, "1.00"), (12345, "123.45"), (-5, "-0.05"), (-12345, "-123.45")],
)
def test_cents_text(cents, text):
    assert e.cents_text(cents) == text


@pytest.mark.parametrize(
    ("value", "cents"), [("0", 0), ("0.004", 0), ("0.005", 1), ("12.345", 1235), ("-1.005", -101)]
)
def test_to_cents_and_back(value, cents):
    assert e.to_cents(D(value)) == cents
    assert e.from_cents(cents) == e.round_cents(D(value))
    assert str(e.from_cents(cents)) == str(e.round_cents(D(value)))


@pytest.mark.parametrize(
    ("base", "rate", "cents"),
    [(1, D("50"), 1), (1, D("49.99"), 0), (3, D("50"), 2), (10000, D("12.5"), 1250), (0, D("10"), 0)],
)
def test_percent_cents_rounds_half_up(base, rate, cents):
    assert e.percent_cents(base, rate) == cents


# Weights and division


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([1, 2], [1, 2]),
        ([D("0.25"), D("1")], [25, 100]),
        (["0.5", 1], [5, 10]),
        ([0.5, 2], [5, 20]),
        ([D("0"), D("3")], [0, 3]),
        ([D("1E+2"), D("1")], [100, 1]),
        ([D("1"), D("0.0000000000019")], [10**12, 1]),  # 13 decimals: scaled by 10**12, rest cut
        ([D("1"), D("0.0000000000001")], [10**12, 0]),
        ([], []),
    ],
)
def test_int_weights_keep_the_proportions(weights, expected):
    assert e.int_weights(weights) == expected


def test_int_weights_refuse_a_negative_weight_with_its_reason():
    with pytest.raises(e.RemunerationError) as refused:
        e.int_weights([D("1"), D("-0.01")])
    assert refused.value.messages == ["A weight cannot be negative."]


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (5, [], []),
        (5, [3], [5]),
        (5, [0], [5]),
        (10, [2, 3, 4], [2, 3, 5]),  # the largest remainder (4/9) gets the cent left
        (10, [4, 3, 2], [5, 3, 2]),
        (2, [1, 1, 1], [1, 1, 0]),
        (5, [1, 1, 1], [2, 2, 1]),
        (4, [1, 1, 1, 1, 1], [1, 1, 1, 1, 0]),
        (3, [0, 0], [2, 1]),
        (9, [1, 2], [3, 6]),
        (1, [1, 1000], [0, 1]),
    ],
)
def test_allocate_cents_largest_remainder(total, weights, expected):
    assert e.allocate_cents(total, weights) == expected


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        ("-10.00", [1, 1, 1], ["-3.34", "-3.33", "-3.33"]),  # a negative total is divided like its opposite
        ("0.005", [1, 1], ["0.01", "0.00"]),  # rounded half up before dividing
        ("10", [D("0.5"), D("1.5")], ["2.50", "7.50"]),
        ("0", [1, 2], ["0.00", "0.00"]),
    ],
)
def test_allocate_decimal_totals(total, weights, expected):
    parts = e.allocate(D(total), weights)
    assert [str(p) for p in parts] == expected


def test_version_in_force_takes_the_latest_start_whatever_the_order():
    first = e.RuleVersion(valid_from=datetime.date(2026, 1, 1))
    second = e.RuleVersion(valid_from=datetime.date(2026, 6, 1))
    third = e.RuleVersion(valid_from=datetime.date(2027, 1, 1))
    on = datetime.date(2027, 2, 1)
    assert e.version_in_force([first, second, third], on) is third
    assert e.version_in_force([third, first, second], on) is third
    assert e.version_in_force([second, third, first], on) is third
    assert e.version_in_force([second, first], on) is second
    assert e.version_in_force([], on) is None


def test_two_versions_on_one_day_refused_in_words():
    with pytest.raises(e.RemunerationError) as refused:
        e.check_versions([version(), e.RuleVersion(valid_from=datetime.date(2028, 1, 1)), version()])
    assert refused.value.messages == [
        "Two rule versions start on 2027-01-01: the rules in force would be ambiguous."
    ]
    assert e.check_versions([]) is None


# Each rule's refusals, in words


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        (e.Rule(kind="bonus", basis="net", rate=None), ["Unknown rule kind “bonus”."]),
        (e.Rule(kind="revenue_share", basis="net", rate=D(5), party_role="r"), ["Unknown basis “net”."]),
        (e.Rule(kind="revenue_share", basis="margin", rate=D(5), party_role="r"), []),
        (
            e.Rule(kind="fixed_amount", party_role="reseller"),
            ["Fixed amount: the amount is required."],
        ),
        (
            e.Rule(kind="fixed_amount", fixed_amount=D("0"), party_role="reseller"),
            ["Fixed amount: the amount must be greater than zero."],
        ),
        (
            e.Rule(kind="fixed_amount", fixed_amount=D("-0.01"), party_role="reseller"),
            ["Fixed amount: the amount must be greater than zero."],
        ),
        (
            e.Rule(kind="fixed_amount", fixed_amount=D("10.005"), party_role="reseller"),
            ["Fixed amount: the amount has at most two decimals."],
        ),
        (e.Rule(kind="fixed_amount", fixed_amount=D("0.01"), party_role="reseller"), []),
        (e.Rule(kind="fixed_amount", fixed_amount=D("10.50"), party_role="reseller", rate=D(500)), []),
        (
            e.Rule(kind="fixed_amount", fixed_amount=D("10")),
            ["Fixed amount: say which deal role it pays."],
        ),
        (e.Rule(kind="referral_fee"), ["Referral fee: the percentage is required."]),
        (
            e.Rule(kind="revenue_share", rate=D("0"), party_role="r"),
            [f"{SHARE}: the percentage must be above 0 and at most 100."],
        ),
        (
            e.Rule(kind="revenue_share", rate=D("100.01"), party_role="r"),
            [f"{SHARE}: the percentage must be above 0 and at most 100."],
        ),
        (e.Rule(kind="revenue_share", rate=D("100"), party_role="r"), []),
        (e.Rule(kind="revenue_share", rate=D("0.01"), party_role="r"), []),
        (
            e.Rule(kind="referral_fee", rate=D("4.99")),
            ["Referral fee of 4.99 % is outside the allowed range 5–20 %."],
        ),
        (
            e.Rule(kind="referral_fee", rate=D("20.50")),
            ["Referral fee of 20.5 % is outside the allowed range 5–20 %."],
        ),
        (
            e.Rule(kind="referral_fee", rate=D("120")),
            ["Referral fee: the percentage must be above 0 and at most 100."],
        ),
        (e.Rule(kind="revenue_share", rate=D("50")), [f"{SHARE}: say which deal role it pays."]),
        (
            e.Rule(kind="revenue_share", basis="net", party_role=""),
            [
                "Unknown basis “net”.",
                f"{SHARE}: the percentage is required.",
                f"{SHARE}: say which deal role it pays.",
            ],
        ),
        (e.Rule(kind="role_split", rate=D(10)), [f"{SPLIT}: give the share of each sales-cycle step."]),
        (
            e.Rule(kind="role_split", rate=D(10), steps=(("dinner", D(50)), ("lunch", D(50)))),
            ["Unknown sales-cycle step “dinner”."],
        ),
        (
            e.Rule(kind="role_split", rate=D(10), steps=(("closing", D(50)), ("closing", D(50)))),
            [f"{SPLIT}: a step is listed twice."],
        ),
        (
            e.Rule(kind="role_split", rate=D(10), steps=(("closing", D(110)), ("proposal", D(-10)))),
            [f"{SPLIT}: a step's share cannot be negative."],
        ),
        (
            e.Rule(kind="role_split", rate=D(10), steps=(("closing", D(100)), ("proposal", D(0)))),
            [],
        ),
        (
            e.Rule(kind="role_split", rate=D(10), steps=(("closing", D("60.5")), ("proposal", D("39.49")))),
            [f"{SPLIT}: the steps' shares add up to 99.99 %, not 100 %."],
        ),
        (
            e.Rule(kind="role_split", rate=D(10), steps=(("closing", D(60)), ("proposal", D(41)))),
            [f"{SPLIT}: the steps' shares add up to 101 %, not 100 %."],
        ),
        (
            e.Rule(kind="role_split", steps=(("closing", D(60)), ("closing", D(-1)), ("lunch", D(1)))),
            [
                f"{SPLIT}: the percentage is required.",
                "Unknown sales-cycle step “lunch”.",
                f"{SPLIT}: a step is listed twice.",
                f"{SPLIT}: a step's share cannot be negative.",
                f"{SPLIT}: the steps' shares add up to 60 %, not 100 %.",
            ],
        ),
        (
            e.Rule(kind="commission_pool", rate=D(10), weight_source="random"),
            ["Unknown weight source “random”."],
        ),
        (
            e.Rule(kind="commission_pool", rate=D(10), weight_source="explicit"),
            [f"{POOL}: give the members' weights."],
        ),
        (
            e.Rule(
                kind="commission_pool", rate=D(10), weight_source="explicit", weights=((1, D(2)), (2, D(-1)))
            ),
            ["A weight cannot be negative."],
        ),
        (
            e.Rule(
                kind="commission_pool", rate=D(10), weight_source="explicit", weights=((1, D(0)), (2, D(0)))
            ),
            [f"{POOL}: the weights add up to zero."],
        ),
        (
            e.Rule(
                kind="commission_pool", rate=D(10), weight_source="explicit", weights=((1, D(0)), (2, D(1)))
            ),
            [],
        ),
        (
            e.Rule(kind="commission_pool", rate=D(10), weight_source="explicit", weights=((1, D("0.01")),)),
            [],
        ),
        (e.Rule(kind="commission_pool", rate=D(10), weight_source="deal_share"), []),
        (e.Rule(kind="commission_pool", rate=D(10), party_role="reseller"), []),
        (e.Rule(kind="role_split", rate=D(10), steps=(("closing", D(100)),), party_role=""), []),
    ],
)
def test_rule_errors_in_words(rule, errors):
    assert e.rule_errors(rule) == errors


@pytest.mark.parametrize(
    ("rate", "low", "high", "errors"),
    [
        ("25", "10", "30", []),
        ("10", "10", "30", []),
        ("30", "10", "30", []),
        ("9.99", "10", "30", ["Referral fee of 9.99 % is outside the allowed range 10–30 %."]),
        ("30.01", "10", "30", ["Referral fee of 30.01 % is outside the allowed range 10–30 %."]),
        ("7.5", "7.50", "7.50", []),
        ("8", "2.5", "7.25", ["Referral fee of 8 % is outside the allowed range 2.5–7.25 %."]),
    ],
)
def test_referral_fee_within_the_range_given(rate, low, high, errors):
    rule = e.Rule(kind="referral_fee", rate=D(rate))
    assert e.rule_errors(rule, D(low), D(high)) == errors


def test_each_rule_has_its_slot():
    assert e.rule_slot(e.Rule(kind="referral_fee", party_role="reseller")) == ("referral_fee", "")
    assert e.rule_slot(e.Rule(kind="commission_pool", party_role="x")) == ("commission_pool", "")
    assert e.rule_slot(e.Rule(kind="role_split", party_role="x")) == ("role_split", "")
    assert e.rule_slot(e.Rule(kind="revenue_share", party_role="reseller")) == ("revenue_share", "reseller")
    assert e.rule_slot(e.Rule(kind="fixed_amount", party_role="integrator")) == ("fixed_amount", "integrator")


RANGE = "The allowed referral range must go from a lower to a higher percentage within 0–100."


@pytest.mark.parametrize(
    ("low", "high", "ok"),
    [
        (None, "20", False),
        ("5", None, False),
        ("-0.01", "20", False),
        ("0", "20", True),
        ("5", "100", True),
        ("5", "100.01", False),
        ("12", "12", True),
        ("12.01", "12", False),
    ],
)
def test_version_referral_range(low, high, ok):
    low, high = (None if x is None else D(x) for x in (low, high))
    errors = e.version_errors(version(referral_min=low, referral_max=high))
    assert errors == ([] if ok else [RANGE])


def test_an_invalid_range_checks_the_referral_fee_against_the_default_range():
    errors = e.version_errors(
        version(e.Rule(kind="referral_fee", rate=D("25")), referral_min=D("30"), referral_max=D("10"))
    )
    assert errors == [RANGE, "Referral fee of 25 % is outside the allowed range 5–20 %."]
    assert e.version_errors(
        version(e.Rule(kind="referral_fee", rate=D("15")), referral_min=None, referral_max=D("10"))
    ) == [RANGE]


def test_version_range_is_used_for_its_referral_fee():
    rule = e.Rule(kind="referral_fee", rate=D("25"))
    assert e.version_errors(version(rule, referral_min=D("21"), referral_max=D("30"))) == []
    assert e.version_errors(version(rule, referral_min=D("26"), referral_max=D("30"))) == [
        "Referral fee of 25 % is outside the allowed range 26–30 %."
    ]


def test_version_refuses_two_rules_in_one_slot_in_words():
    errors = e.version_errors(
        version(
            e.Rule(kind="revenue_share", rate=D(5), party_role="reseller"),
            e.Rule(kind="commission_pool", rate=D(5)),
            e.Rule(kind="revenue_share", rate=D(3), party_role="reseller"),
            e.Rule(kind="commission_pool", rate=D(6)),
            e.Rule(kind="commission_pool", rate=D(0)),
            e.Rule(kind="revenue_share", rate=D(3), party_role="integrator"),
        )
    )
    assert errors == [
        f"Two “{SHARE}” rules pay the same role “reseller”: keep one.",
        f"Two “{POOL}” rules in the same version: keep one.",
        f"{POOL}: the percentage must be above 0 and at most 100.",
        f"Two “{POOL}” rules in the same version: keep one.",
    ]


def test_version_with_two_unknown_rules_of_one_kind():
    errors = e.version_errors(version(e.Rule(kind="bonus"), e.Rule(kind="bonus")))
    assert errors == [
        "Unknown rule kind “bonus”.",
        "Unknown rule kind “bonus”.",
        "Two “bonus” rules in the same version: keep one.",
    ]


def test_validate_version_raises_every_problem():
    bad = version(
        e.Rule(kind="fixed_amount", fixed_amount=D("1")),
        e.Rule(kind="referral_fee", rate=D("21")),
    )
    with pytest.raises(e.RemunerationError) as refused:
        e.validate_version(bad)
    assert refused.value.messages == [
        "Fixed amount: say which deal role it pays.",
        "Referral fee of 21 % is outside the allowed range 5–20 %.",
    ]
    assert e.validate_version(version(e.Rule(kind="referral_fee", rate=D("20")))) is None


# What each rule kind pays, with its stored explanation


def test_referral_fee_components():
    result = e.compute_deal(
        deal("1000.10", e.Member("a", "referrer"), e.Member("b", "reseller"), e.Member("c", "referrer")),
        version(e.Rule(kind="referral_fee", rate=D("10"))),
    )
    part = {
        "kind": "referral_fee",
        "weight": "1/2",
        "basis": "amount",
        "rate": "10",
        "base": "1000.10",
        "total": "100.01",
    }
    assert components(result) == {"a": [{**part, "amount": "50.01"}], "c": [{**part, "amount": "50.00"}]}
    assert amounts(result) == {"a": D("50.01"), "c": D("50.00")}
    assert [p.member for p in result.payouts] == ["a", "c"]
    assert result.warnings == []


def test_one_recipient_has_no_share_written():
    result = e.compute_deal(
        deal("2000", e.Member(1, "integrator"), e.Member(2, "reseller"), margin="300.07"),
        version(
            e.Rule(kind="revenue_share", basis="margin", rate=D("2.5"), party_role="reseller"),
            e.Rule(kind="fixed_amount", fixed_amount=D("75.5"), party_role="integrator"),
        ),
    )
    assert components(result) == {
        1: [{"kind": "fixed_amount", "total": "75.50", "amount": "75.50"}],
        2: [
            {
                "kind": "revenue_share",
                "basis": "margin",
                "rate": "2.5",
                "base": "300.07",
                "total": "7.50",  # 7.50175
                "amount": "7.50",
            }
        ],
    }
    assert amounts(result) == {1: D("75.50"), 2: D("7.50")}


def test_fixed_amount_shared_equally_by_its_role():
    result = e.compute_deal(
        deal(
            "0",
            e.Member(1, "reseller"),
            e.Member(2, "referrer"),
            e.Member(3, "reseller"),
            e.Member(4, "reseller"),
        ),
        version(e.Rule(kind="fixed_amount", fixed_amount=D("100.00"), party_role="reseller")),
    )
    assert amounts(result) == {1: D("33.34"), 3: D("33.33"), 4: D("33.33")}
    assert components(result)[4] == [
        {"kind": "fixed_amount", "weight": "1/3", "total": "100.00", "amount": "33.33"}
    ]


def test_a_role_nobody_has_pays_nothing():
    result = e.compute_deal(
        deal("1000", e.Member(1, "reseller"), e.Member(2, "integrator")),
        version(
            e.Rule(kind="fixed_amount", fixed_amount=D("100"), party_role="distributor"),
            e.Rule(kind="revenue_share", rate=D("5"), party_role="distributor"),
            e.Rule(kind="referral_fee", rate=D("10")),
        ),
    )
    assert result.payouts == []
    assert result.total == D("0")
    assert e.compile_plan(version(e.Rule(kind="referral_fee", rate=D("10"))), [e.Member(1, "reseller")]) == ()


@pytest.mark.parametrize(
    ("amount", "rate", "paid"),
    [
        ("0.05", "10", "0.01"),
        ("0.04", "10", "0.00"),
        ("0.01", "50", "0.01"),
        ("0.03", "50", "0.02"),
        ("0.01", "49.99", "0.00"),
    ],
)
def test_half_cent_rounded_up_on_a_deal(amount, rate, paid):
    result = e.compute_deal(
        deal(amount, e.Member(1, "referrer")), version(e.Rule(kind="referral_fee", rate=D(rate)))
    )
    assert amounts(result) == {1: D(paid)}


def test_amounts_are_rounded_to_the_cent_before_the_rate():
    result = e.compute_deal(
        deal("100.005", e.Member(1, "reseller"), margin="50.004"),
        version(
            e.Rule(kind="revenue_share", rate=D("100"), party_role="reseller"),
            e.Rule(kind="fixed_amount", fixed_amount=D("0.01"), party_role="reseller"),
        ),
    )
    assert amounts(result) == {1: D("100.02")}
    assert [c["base"] for c in components(result)[1] if "base" in c] == ["100.01"]


def test_pool_weights_by_involvement():
    members = (
        e.Member(1, "m", "integrated"),
        e.Member(2, "m", "committed"),
        e.Member(3, "m", "regular"),
        e.Member(4, "m", "occasional"),
        e.Member(5, "m", "unknown level"),
        e.Member(6, "m"),
    )
    result = e.compute_deal(deal("1300", *members), version(e.Rule(kind="commission_pool", rate=D("10"))))
    # 130.00 in 4 + 3 + 2 + 1 + 1 (unknown) + 2 (regular by default) = 13 parts
    assert amounts(result) == {
        1: D("40.00"),
        2: D("30.00"),
        3: D("20.00"),
        4: D("10.00"),
        5: D("10.00"),
        6: D("20.00"),
    }
    assert components(result)[2] == [
        {
            "kind": "commission_pool",
            "weight": "3/13",
            "basis": "amount",
            "rate": "10",
            "base": "1300.00",
            "total": "130.00",
            "amount": "30.00",
        }
    ]


def test_pool_weights_by_deal_share_and_missing_share():
    members = (
        e.Member(1, "m", share=D("60")),
        e.Member(2, "m", share=D("40")),
        e.Member(3, "m"),
    )
    result = e.compute_deal(
        deal("1000", *members, margin="500"),
        version(e.Rule(kind="commission_pool", rate=D("10"), basis="margin", weight_source="deal_share")),
    )
    assert amounts(result) == {1: D("30.00"), 2: D("20.00"), 3: D("0.00")}
    assert [c["weight"] for p in result.payouts for c in p.components] == ["60/100", "40/100", "0/100"]
    assert components(result)[3][0]["base"] == "500.00"


def test_pool_with_explicit_weights_none_of_which_are_members_shares_equally():
    members = (e.Member(1, "m"), e.Member(2, "m"), e.Member(3, "m"))
    rule = e.Rule(kind="commission_pool", rate=D("10"), weight_source="explicit", weights=((99, D(5)),))
    result = e.compute_deal(deal("100", *members), version(rule))
    assert amounts(result) == {1: D("3.34"), 2: D("3.33"), 3: D("3.33")}
    assert components(result)[1] == [
        {
            "kind": "commission_pool",
            "note": "equal",
            "basis": "amount",
            "rate": "10",
            "base": "100.00",
            "total": "10.00",
            "amount": "3.34",
        }
    ]
    assert e.describe(components(result)[1][0]) == (
        f"{POOL}: 10 % of the deal amount 100.00 = 10.00 (no weights: shared equally) → 3.34"
    )


def test_pool_with_explicit_decimal_weights():
    members = (e.Member("x", "m"), e.Member("y", "m"), e.Member("z", "m"))
    rule = e.Rule(
        kind="commission_pool",
        rate=D("10"),
        weight_source="explicit",
        weights=(("x", D("0.5")), ("z", D("1.5"))),
    )
    result = e.compute_deal(deal("100", *members), version(rule))
    assert amounts(result) == {"x": D("2.50"), "y": D("0.00"), "z": D("7.50")}
    assert [c["weight"] for p in result.payouts for c in p.components] == ["5/20", "0/20", "15/20"]


def test_pool_with_three_members_replaces_the_split_and_two_keep_it():
    split = e.Rule(kind="role_split", rate=D("10"), steps=(("closing", D(100)),))
    pool = e.Rule(kind="commission_pool", rate=D("6"))
    two = (e.Member(1, "m", steps=("closing",)), e.Member(2, "m"))
    assert amounts(e.compute_deal(deal("1000", *two), version(pool, split))) == {1: D("100.00")}
    three = (*two, e.Member(3, "m"))
    result = e.compute_deal(deal("1000", *three), version(pool, split))
    assert amounts(result) == {1: D("20.00"), 2: D("20.00"), 3: D("20.00")}
    # without a pool rule, three members keep the split
    assert amounts(e.compute_deal(deal("1000", *three), version(split))) == {1: D("100.00")}


def test_role_split_components_by_step():
    split = e.Rule(
        kind="role_split",
        rate=D("10"),
        steps=(("prospection", D("20")), ("proposal", D("30.5")), ("closing", D("49.5"))),
    )
    members = (
        e.Member(1, "m", steps=("prospection", "closing")),
        e.Member(2, "m", steps=("closing",)),
        e.Member(3, "m"),
    )
    result = e.compute_deal(deal("1000.03", *members), version(split))
    # 100.00 (100.003): prospection 20.00 to 1; proposal 30.50 shared by all (nobody assigned); closing
    # 49.50 shared by 1 and 2
    common = {"kind": "role_split", "basis": "amount", "rate": "10", "base": "1000.03"}
    assert components(result) == {
        1: [
            {**common, "step": "prospection", "part": "20", "total": "20.00", "amount": "20.00"},
            {
                **common,
                "step": "proposal",
                "part": "30.5",
                "weight": "1/3",
                "note": "unassigned",
                "total": "30.50",
                "amount": "10.17",
            },
            {
                **common,
                "step": "closing",
                "part": "49.5",
                "weight": "1/2",
                "total": "49.50",
                "amount": "24.75",
            },
        ],
        2: [
            {
                **common,
                "step": "proposal",
                "part": "30.5",
                "weight": "1/3",
                "note": "unassigned",
                "total": "30.50",
                "amount": "10.17",
            },
            {
                **common,
                "step": "closing",
                "part": "49.5",
                "weight": "1/2",
                "total": "49.50",
                "amount": "24.75",
            },
        ],
        3: [
            {
                **common,
                "step": "proposal",
                "part": "30.5",
                "weight": "1/3",
                "note": "unassigned",
                "total": "30.50",
                "amount": "10.16",
            },
        ],
    }
    assert amounts(result) == {1: D("54.92"), 2: D("34.92"), 3: D("10.16")}
    assert result.total == D("100.00")
    assert [list(c) for c in components(result)[1]][1] == [
        "kind",
        "step",
        "part",
        "weight",
        "note",
        "basis",
        "rate",
        "base",
        "total",
        "amount",
    ]


def test_role_split_steps_divide_the_total_by_largest_remainder():
    split = e.Rule(
        kind="role_split",
        rate=D("100"),
        steps=(("prospection", D("33.33")), ("proposal", D("33.33")), ("closing", D("33.34"))),
    )
    members = (
        e.Member(1, "m", steps=("prospection",)),
        e.Member(2, "m", steps=("proposal",)),
        e.Member(3, "m", steps=("closing",)),
    )
    result = e.compute_deal(deal("0.02", *members), version(split))
    # 2 cents in 3333 : 3333 : 3334: one each to the largest remainders (closing, then prospection)
    assert amounts(result) == {1: D("0.01"), 2: D("0.00"), 3: D("0.01")}


def test_a_margin_rule_without_margin_is_skipped_with_a_warning():
    members = (e.Member(1, "referrer"), e.Member(2, "reseller"))
    result = e.compute_deal(
        deal("1000", *members),
        version(
            e.Rule(kind="referral_fee", basis="margin", rate=D("10")),
            e.Rule(kind="revenue_share", basis="amount", rate=D("1"), party_role="reseller"),
            e.Rule(kind="fixed_amount", fixed_amount=D("5"), party_role="referrer"),
        ),
    )
    assert amounts(result) == {1: D("5.00"), 2: D("10.00")}
    assert result.warnings == [
        "No margin recorded on the deal: the “Referral fee” rule on margin was not applied."
    ]
    assert e.margin_warning("commission_pool") == (
        f"No margin recorded on the deal: the “{POOL}” rule on margin was not applied."
    )


def test_a_zero_amount_and_zero_margin_pay_zero():
    result = e.compute_deal(
        deal("0", e.Member(1, "referrer"), margin="0"),
        version(e.Rule(kind="referral_fee", basis="margin", rate=D("10"))),
    )
    assert amounts(result) == {1: D("0.00")}
    assert result.warnings == []
    assert components(result)[1][0]["base"] == "0.00"


@pytest.mark.parametrize(
    ("amount", "margin", "message"),
    [
        (None, None, "The deal amount cannot be negative."),
        (D("-0.01"), None, "The deal amount cannot be negative."),
        (D("10"), D("-0.01"), "The deal margin cannot be negative."),
    ],
)
def test_negative_amount_or_margin_refused_in_words(amount, margin, message):
    with pytest.raises(e.RemunerationError) as refused:
        e.compute_deal(e.Deal(amount=amount, margin=margin, members=(e.Member(1, "referrer"),)), version())
    assert refused.value.messages == [message]


def test_member_payout_and_result_defaults():
    payout = e.MemberPayout(member=1)
    assert payout.amount == D("0") and payout.components == []
    assert e.DealResult(payouts=[]).total == D("0")
    assert e.DealResult(payouts=[e.MemberPayout(1, D("1.10")), e.MemberPayout(2, D("2.05"))]).total == D(
        "3.15"
    )


def test_plan_amounts_per_member():
    members = [
        e.Member(1, "reseller", steps=("closing",)),
        e.Member(2, "referrer", steps=("closing",)),
        e.Member(3, "integrator"),
    ]
    plan = e.compile_plan(
        version(
            e.Rule(kind="role_split", rate=D("10"), steps=(("prospection", D(40)), ("closing", D(60)))),
            e.Rule(kind="referral_fee", rate=D("5"), basis="margin"),
            e.Rule(kind="fixed_amount", fixed_amount=D("7"), party_role="integrator"),
            e.Rule(kind="commission_pool", rate=D("50")),
        ),
        members,
    )
    # the pool applies (three members) and replaces the split: 50 % of 1001.00 by 2 : 2 : 2
    assert e.plan_amounts(plan, 100100, 20000, 3) == ([16684, 16683 + 1000, 16683 + 700], [])
    assert e.plan_amounts(plan, 100100, None, 3) == ([16684, 16683, 16683 + 700], ["referral_fee"])
    two = members[:2]
    plan = e.compile_plan(
        version(
            e.Rule(kind="role_split", rate=D("10"), steps=(("prospection", D(40)), ("closing", D(60)))),
            e.Rule(kind="revenue_share", rate=D("1"), party_role="reseller"),
        ),
        two,
    )
    # 10 % of 100.00: prospection 4.00 shared by both (nobody assigned), closing 6.00 by both;
    # 1 % to the reseller
    assert e.plan_amounts(plan, 10000, None, 2) == ([200 + 300 + 100, 200 + 300], [])
    assert e.plan_amounts(plan, 10001, None, 2) == ([200 + 300 + 100, 200 + 300], [])
    assert e.plan_amounts((), 10000, None, 3) == ([None, None, None], [])


def test_plan_amounts_half_up_and_margin_basis():
    plan = e.compile_plan(
        version(e.Rule(kind="revenue_share", basis="margin", rate=D("50"), party_role="r")),
        [e.Member(1, "r")],
    )
    assert e.plan_amounts(plan, 999, 1, 1) == ([1], [])
    assert e.plan_amounts(plan, 999, 3, 1) == ([2], [])
    assert e.plan_amounts(plan, 999, 0, 1) == ([0], [])
    explained, warnings = e.apply_plan(plan, 999, 3, 1)
    assert explained == [
        [
            2,
            [
                '{"kind": "revenue_share", "basis": "margin", "rate": "50", "base": "0.03", '
                '"total": "0.02", "amount": "0.02"}'
            ],
        ]
    ]
    assert warnings == []


# Explanations in words


def test_describe_each_rule_kind():
    assert (
        e.describe({"kind": "fixed_amount", "total": "75.50", "amount": "75.50"})
        == "Fixed amount: 75.50 → 75.50"
    )
    assert (
        e.describe({"kind": "fixed_amount", "weight": "1/3", "total": "100.00", "amount": "33.34"})
        == "Fixed amount: 100.00 × share 1/3 → 33.34"
    )
    assert (
        e.describe(
            {
                "kind": "referral_fee",
                "basis": "amount",
                "rate": "12.50",
                "base": "12441",
                "total": "1555.13",
                "amount": "1555.13",
            }
        )
        == "Referral fee: 12.5 % of the deal amount 12,441.00 = 1,555.13 → 1,555.13"
    )
    assert (
        e.describe(
            {
                "kind": "revenue_share",
                "basis": "margin",
                "rate": "8.00",
                "base": "100",
                "total": "8",
                "amount": "8",
            }
        )
        == f"{SHARE}: 8 % of the margin 100.00 = 8.00 → 8.00"
    )
    assert e.describe(
        {
            "kind": "role_split",
            "step": "proposal",
            "part": "30.50",
            "weight": "1/3",
            "note": "unassigned",
            "basis": "amount",
            "rate": "10",
            "base": "1000.03",
            "total": "30.50",
            "amount": "10.17",
        }
    ) == (
        f"{SPLIT}, step Proposal: 30.5 % of 10 % of the deal amount 1,000.03 = 30.50 × share 1/3"
        " (nobody assigned to this step: shared by all members) → 10.17"
    )


def test_describe_what_it_does_not_know():
    assert e.describe({"kind": "bonus", "rate": "x", "base": "", "total": "1", "amount": "1"}) == (
        "bonus: x % of the   = 1.00 → 1.00"
    )
    assert e.describe({"kind": "role_split", "step": "dinner", "basis": "net", "amount": "1"}) == (
        f"{SPLIT}, step :  % of  % of the   =  → 1.00"
    )
    assert e.describe({}) == ":  % of the   =  → "


def test_describe_in_french():
    component = {
        "kind": "commission_pool",
        "weight": "2/6",
        "basis": "amount",
        "rate": "10",
        "base": "12441",
        "total": "1244.10",
        "amount": "414.70",
    }
    with translation.override("fr"):
        text = e.describe(component)
        assert e.number(D("12441"), 2) == "12\u202f441,00"
    assert text == (
        "Pool de commissions (plus de deux membres) : 10 % de l'assiette « montant de l'affaire »"
        " 12\u202f441,00 = 1\u202f244,10 × part 2/6 → 414,70"
    )


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("8.00"), None, "8"),
        (D("8.50"), None, "8.5"),
        ("12.250", None, "12.25"),
        (D("1234567"), None, "1,234,567"),
        (D("12441"), 2, "12,441.00"),
        ("1234.5", 2, "1,234.50"),
        ("abc", None, "abc"),
        ("", 2, ""),
        (7, 2, "7.00"),
    ],
)
def test_number_as_the_reader_writes_it(value, places, text):
    assert e.number(value, places) == text
