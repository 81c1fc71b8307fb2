"""The period rules of the DfE fortnightly return (VCYP survey, DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.fortnightly import (
    ANCHOR,
    Fortnight,
    exceeds_unavailability_threshold,
    fortnight_ending,
    latest_completed_fortnight,
    percent,
)

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2035, 12, 31))


def test_a_fortnight_is_fourteen_days_both_ends_included() -> None:
    period = fortnight_ending(date(2020, 5, 17))
    assert (period.starts_on, period.ends_on) == (date(2020, 5, 4), date(2020, 5, 17))
    assert period.contains(date(2020, 5, 4))
    assert period.contains(date(2020, 5, 17))
    assert not period.contains(date(2020, 5, 3))
    assert not period.contains(date(2020, 5, 18))
    with pytest.raises(ValueError, match="14 days"):
        Fortnight(date(2020, 5, 4), date(2020, 5, 18))


def test_the_last_four_weeks_are_the_28_days_ending_on_the_last_day() -> None:
    period = fortnight_ending(date(2020, 5, 17))
    assert period.contact_window_starts_on == date(2020, 4, 20)
    assert period.in_contact_window(date(2020, 4, 20))  # 4 weeks ago, counting the last day
    assert not period.in_contact_window(date(2020, 4, 12))  # 5 weeks ago
    assert not period.in_contact_window(date(2020, 4, 19))
    assert not period.in_contact_window(date(2020, 5, 18))


def test_the_first_fortnight_is_the_first_survey_reference_period() -> None:
    assert ANCHOR == date(2020, 4, 20)
    assert ANCHOR.weekday() == 0
    assert latest_completed_fortnight(date(2020, 5, 4)) == Fortnight(date(2020, 4, 20), date(2020, 5, 3))


@pytest.mark.parametrize(
    ("today", "ends_on"),
    [
        (date(2020, 5, 17), date(2020, 5, 3)),  # the Sunday itself has not ended
        (date(2020, 5, 18), date(2020, 5, 17)),
        (date(2020, 5, 31), date(2020, 5, 17)),
        (date(2020, 6, 1), date(2020, 5, 31)),
        (date(2026, 11, 20), date(2026, 11, 8)),
    ],
)
def test_the_default_is_the_latest_aligned_fortnight_that_has_ended(today: date, ends_on: date) -> None:
    assert latest_completed_fortnight(today).ends_on == ends_on


@given(days)
def test_the_default_fortnight_has_ended_is_aligned_and_is_the_latest(today: date) -> None:
    period = latest_completed_fortnight(today)
    assert period.is_complete(today)
    assert period.is_aligned
    assert period.ends_on.weekday() == 6
    assert period.starts_on.weekday() == 0
    assert not period.next.is_complete(today)
    assert today - period.ends_on <= timedelta(days=14)


@given(days)
def test_fortnights_follow_one_another_without_gap_or_overlap(ends_on: date) -> None:
    period = fortnight_ending(ends_on)
    assert period.previous.ends_on == period.starts_on - timedelta(days=1)
    assert period.next.previous == period
    assert period.is_complete(ends_on + timedelta(days=1))
    assert not period.is_complete(ends_on)


def test_percentages_round_half_up_to_one_place_and_none_of_nobody() -> None:
    assert percent(1, 3) == 33.3
    assert percent(2, 3) == 66.7
    assert percent(1, 8) == 12.5
    assert percent(1, 16) == 6.3
    assert percent(0, 5) == 0.0
    assert percent(0, 0) is None


def test_more_than_ten_percent_unavailable() -> None:
    assert not exceeds_unavailability_threshold(1, 10)
    assert exceeds_unavailability_threshold(2, 19)
    assert not exceeds_unavailability_threshold(0, 0)
