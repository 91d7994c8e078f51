"""The remuneration arithmetic at its edges: half-up rounding at half a cent, percentages at 0 and 100, the
referral range at its bounds, the version in force on its first day and the day before. Values by hand."""

import datetime
from decimal import Decimal as D

import pytest

from meute.remuneration import engine as e

JAN = datetime.date(2027, 1, 1)
JUL = datetime.date(2027, 7, 1)


@pytest.mark.parametrize(
    ("value", "cents"),
    [("0.004", "0.00"), ("0.005", "0.01"), ("0.015", "0.02"), ("-0.005", "-0.01"), ("2.675", "2.68")],
)
def test_round_half_up_to_the_cent(value, cents):
    assert e.round_cents(D(value)) == D(cents)


@pytest.mark.parametrize(
    ("base", "rate", "expected"),
    [
        ("333.33", "7.5", "25.00"),  # 24.99975
        ("100.00", "0.005", "0.01"),  # exactly half a cent
        ("100.00", "0.004", "0.00"),
        ("100.00", "100", "100.00"),
        ("0.01", "50", "0.01"),  # 0.005
        ("0.01", "49.99", "0.00"),
    ],
)
def test_percent_of_rounds_half_up(base, rate, expected):
    assert e.percent_of(D(base), D(rate)) == D(expected)


@pytest.mark.parametrize(
    ("rate", "errors"),
    [("0", 1), ("0.01", 0), ("100", 0), ("100.01", 1), ("-1", 1)],
)
def test_percentage_above_0_and_at_most_100(rate, errors):
    rule = e.Rule(kind="commission_pool", rate=D(rate))
    assert len(e.rule_errors(rule)) == errors


@pytest.mark.parametrize(
    ("rate", "ok"),
    [("4.99", False), ("5", True), ("5.01", True), ("19.99", True), ("20", True), ("20.01", False)],
)
def test_referral_fee_range_5_to_20_inclusive(rate, ok):
    errors = e.rule_errors(e.Rule(kind="referral_fee", rate=D(rate)))
    assert (errors == []) is ok, errors


@pytest.mark.parametrize(
    ("amount", "errors"), [("0", 1), ("0.01", 0), ("-5", 1), ("10.005", 1), ("10.00", 0)]
)
def test_fixed_amount_positive_with_two_decimals(amount, errors):
    rule = e.Rule(kind="fixed_amount", fixed_amount=D(amount), party_role="referrer")
    assert len(e.rule_errors(rule)) == errors


def test_version_in_force_from_its_first_day():
    first, second = e.RuleVersion(valid_from=JAN), e.RuleVersion(valid_from=JUL)
    versions = [second, first]  # any order
    assert e.version_in_force(versions, JAN - datetime.timedelta(days=1)) is None  # not yet valid
    assert e.version_in_force(versions, JAN) is first
    assert e.version_in_force(versions, JUL - datetime.timedelta(days=1)) is first
    assert e.version_in_force(versions, JUL) is second
    assert e.version_in_force(versions, datetime.date(2030, 1, 1)) is second


def test_two_versions_on_one_day_are_refused():
    with pytest.raises(e.RemunerationError, match="2027-01-01"):
        e.check_versions([e.RuleVersion(valid_from=JAN), e.RuleVersion(valid_from=JAN)])
    e.check_versions([e.RuleVersion(valid_from=JAN), e.RuleVersion(valid_from=JUL)])


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (1, [1, 1], [1, 0]),  # the tie goes to the earlier part
        (2, [1, 1, 1], [1, 1, 0]),
        (100, [1, 0], [100, 0]),
        (7, [0, 0, 0], [3, 2, 2]),  # all-zero weights share equally
        (0, [5, 3], [0, 0]),
    ],
)
def test_allocate_cents_at_the_edges(total, weights, expected):
    assert e.allocate_cents(total, weights) == expected


def test_negative_weight_is_refused():
    with pytest.raises(e.RemunerationError):
        e.int_weights([D("1"), D("-0.01")])


def test_pool_needs_three_members():
    pool = e.Rule(kind="commission_pool", rate=D("10"))
    two = tuple(e.Member(i, "grouping_member") for i in range(2))
    three = tuple(e.Member(i, "grouping_member") for i in range(3))
    version = e.RuleVersion(valid_from=JAN, rules=(pool,))
    assert e.compute_deal(e.Deal(amount=D("300"), members=two), version).total == D("0")
    assert e.compute_deal(e.Deal(amount=D("300"), members=three), version).total == D("30.00")
