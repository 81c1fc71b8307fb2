"""Intervals as rules state them, and the cautious comparison across units."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intervals import Interval, Unit, never_longer, shortest
from tests.domain.strategies import ENGLAND, intervals

england_days = st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31))


def test_intervals_describe_themselves_in_plain_english():
    assert Interval.weeks(1).describe() == "1 week"
    assert str(Interval.working_days(10)) == "10 working days"
    assert str(Interval.months(3)) == "3 months"
    assert str(Interval.days(1)) == "1 day"


def test_a_unit_may_be_given_as_its_string():
    assert Interval(6, "weeks") == Interval.weeks(6)  # type: ignore[arg-type]


def test_a_negative_interval_is_refused():
    with pytest.raises(ValueError, match="negative"):
        Interval.days(-1)


def test_each_unit_counts_as_the_calendar_conventions_say():
    friday_before_easter = date(2020, 4, 9)  # Thursday 9 April 2020; Good Friday and Easter Monday follow
    assert Interval.working_days(1).after(friday_before_easter, ENGLAND) == date(2020, 4, 14)
    assert Interval.weeks(6).after(date(2020, 4, 24), ENGLAND) == date(2020, 6, 5)
    assert Interval.months(3).after(date(2020, 11, 30), ENGLAND) == date(2021, 2, 28)
    assert Interval.days(7).after(date(2020, 12, 28), ENGLAND) == date(2021, 1, 4)


def test_month_bounds_are_exact():
    assert (Interval.months(1).min_days, Interval.months(1).max_days) == (28, 31)
    assert (Interval.months(3).min_days, Interval.months(3).max_days) == (89, 92)


def test_ten_working_days_is_never_longer_than_three_weeks_but_can_be_longer_than_two():
    assert never_longer(Interval.working_days(10), Interval.weeks(3))
    assert not never_longer(Interval.working_days(10), Interval.weeks(2))
    assert never_longer(Interval.weeks(4), Interval.months(1))
    assert not never_longer(Interval.months(1), Interval.weeks(4))


@settings(max_examples=400)
@given(england_days, st.integers(min_value=0, max_value=130))
def test_working_day_bounds_hold_for_every_england_start_date(start, amount):
    interval = Interval.working_days(amount)
    span = (interval.after(start, ENGLAND) - start).days
    assert interval.min_days <= span <= interval.max_days


@given(england_days, st.integers(min_value=1, max_value=60))
def test_working_day_intervals_land_on_working_days(start, amount):
    assert ENGLAND.is_working_day(Interval.working_days(amount).after(start, ENGLAND))


@settings(max_examples=300)
@given(intervals, intervals, england_days)
def test_never_longer_is_sound_for_any_start_date(a, b, start):
    if never_longer(a, b):
        assert a.after(start, ENGLAND) <= b.after(start, ENGLAND)


@given(intervals, intervals, england_days)
def test_shortest_is_never_longer_than_either(a, b, start):
    both = shortest(a, b)
    assert never_longer(both, a)
    assert never_longer(both, b)
    assert both.after(start, ENGLAND) <= min(a.after(start, ENGLAND), b.after(start, ENGLAND))


@given(st.integers(min_value=0, max_value=50), st.sampled_from(list(Unit)))
def test_an_interval_is_never_longer_than_itself(amount, unit):
    assert never_longer(Interval(amount, unit), Interval(amount, unit))
