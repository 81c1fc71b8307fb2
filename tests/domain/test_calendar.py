"""Working days with England and Wales bank holidays, and calendar months clamped to the month's end."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar, add_months, england_and_wales_bank_holidays

ENGLAND = WorkingCalendar.england()


def test_2020_bank_holidays_include_the_moved_ve_day():
    holidays_2020 = england_and_wales_bank_holidays(2020, 2020)
    for day in [
        date(2020, 1, 1),
        date(2020, 4, 10),
        date(2020, 4, 13),
        date(2020, 5, 8),
        date(2020, 5, 25),
        date(2020, 8, 31),
        date(2020, 12, 25),
        date(2020, 12, 28),
    ]:
        assert day in holidays_2020
    assert date(2020, 5, 4) not in holidays_2020  # the first-Monday May holiday moved to Friday 8 May


def test_five_working_days_from_a_monday_is_the_next_monday():
    assert ENGLAND.add_working_days(date(2020, 3, 2), 5) == date(2020, 3, 9)


def test_the_event_day_itself_never_counts_even_on_a_weekend():
    assert ENGLAND.add_working_days(date(2020, 3, 7), 1) == date(2020, 3, 9)  # Saturday -> Monday


def test_working_days_skip_easter_2020():
    # Thursday 9 April 2020 + 1 working day: Good Friday and Easter Monday are skipped.
    assert ENGLAND.add_working_days(date(2020, 4, 9), 1) == date(2020, 4, 14)


def test_working_days_skip_ve_day_2020():
    assert ENGLAND.add_working_days(date(2020, 5, 7), 1) == date(2020, 5, 11)


def test_working_days_straddle_christmas_2020():
    # Wed 23 Dec 2020 + 5 working days: 24 Dec, 29, 30, 31 Dec, 4 Jan (25, 28 Dec and 1 Jan are holidays).
    assert ENGLAND.add_working_days(date(2020, 12, 23), 5) == date(2021, 1, 4)


def test_months_clamp_to_the_end_of_a_short_month():
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert add_months(date(2020, 8, 31), 6) == date(2021, 2, 28)
    assert add_months(date(2020, 11, 30), 3) == date(2021, 2, 28)


@given(st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 1, 1)), st.integers(0, 60))
def test_adding_working_days_lands_on_a_working_day_with_exactly_n_between(start, n):
    due = ENGLAND.add_working_days(start, n)
    assert ENGLAND.working_days_between(start, due) == n
    if n:
        assert ENGLAND.is_working_day(due)
        assert due > start


@given(st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 1, 1)), st.integers(1, 40))
def test_more_working_days_never_gives_an_earlier_date(start, n):
    assert ENGLAND.add_working_days(start, n) > ENGLAND.add_working_days(start, n - 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)), st.integers(0, 48))
def test_adding_months_keeps_the_day_unless_the_month_is_shorter(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == start.day or (result.day < start.day and (result + timedelta(days=1)).day == 1)
