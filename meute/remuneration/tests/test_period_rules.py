"""Periods of a payout run at their edges: years, quarters and months, the first and last accepted values,
the refusals in words, the bounds in the current time zone and the current quarter on given days."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from meute.remuneration.periods import Period, current_period, parse_period


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2027", "2027", datetime.date(2027, 1, 1), datetime.date(2028, 1, 1)),
        (" 2027-q1 ", "2027-Q1", datetime.date(2027, 1, 1), datetime.date(2027, 4, 1)),
        ("2027-Q4", "2027-Q4", datetime.date(2027, 10, 1), datetime.date(2028, 1, 1)),
        ("2027-01", "2027-01", datetime.date(2027, 1, 1), datetime.date(2027, 2, 1)),
        ("2027-12", "2027-12", datetime.date(2027, 12, 1), datetime.date(2028, 1, 1)),
        ("1900", "1900", datetime.date(1900, 1, 1), datetime.date(1901, 1, 1)),
    ],
)
def test_periods_read(text, label, start, end):
    period = parse_period(text)
    assert period == Period(label, start, end)
    assert str(period) == label


@pytest.mark.parametrize(
    ("text", "shown"),
    [("2027-00", "2027-00"), ("2027-13", "2027-13"), ("1899", "1899"), ("2027-Q5", "2027-Q5"), ("", "")]
    + [(None, ""), ("27", "27"), ("2027-3", "2027-3"), ("2027-Q1x", "2027-Q1X")],
)
def test_periods_refused_in_words(text, shown):
    with pytest.raises(ValidationError) as refused:
        parse_period(text)
    assert refused.value.code == "bad_period"
    assert refused.value.messages == [
        f"“{shown}” is not a period: write a year (2027), a quarter (2027-Q1) or a month (2027-03)."
    ]


def test_bounds_in_the_current_time_zone():
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    with timezone.override(paris):
        start, end = parse_period("2027-03").bounds()
    assert start == datetime.datetime(2027, 3, 1, tzinfo=paris)
    assert end == datetime.datetime(2027, 4, 1, tzinfo=paris)
    assert start.utcoffset() == datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2027, 1, 1), "2027-Q1"),
        (datetime.date(2027, 3, 31), "2027-Q1"),
        (datetime.date(2027, 4, 1), "2027-Q2"),
        (datetime.date(2027, 9, 30), "2027-Q3"),
        (datetime.date(2027, 12, 31), "2027-Q4"),
    ],
)
def test_the_current_period_is_the_current_quarter(day, label):
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        assert current_period().label == label
