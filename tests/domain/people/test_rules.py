"""The record's own rules: impossible data is refused with the reason."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.people import rules
from domain.people.rules import Period

TODAY = date(2026, 11, 20)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
optional_dates = st.none() | dates


def test_a_date_of_birth_in_the_future_is_refused():
    assert rules.check_date_of_birth(TODAY + timedelta(days=1), None, today=TODAY) == rules.DOB_IN_FUTURE


def test_a_date_of_birth_today_is_accepted():
    assert rules.check_date_of_birth(TODAY, None, today=TODAY) is None


def test_an_unborn_child_needs_an_expected_date_of_birth():
    assert rules.check_date_of_birth(None, None, today=TODAY) == rules.NO_BIRTH_DATE
    assert rules.check_date_of_birth(None, date(2027, 1, 5), today=TODAY) is None


def test_a_birth_before_1990_cannot_be_a_child_or_care_leaver():
    assert rules.check_date_of_birth(date(1989, 12, 31), None, today=TODAY) == rules.DOB_BEFORE_LIMIT


def test_death_before_birth_is_refused():
    assert (
        rules.check_date_of_death(date(2014, 1, 1), date(2015, 1, 1), today=TODAY) == rules.DEATH_BEFORE_BIRTH
    )
    assert rules.check_date_of_death(date(2016, 1, 1), date(2015, 1, 1), today=TODAY) is None


def test_a_plan_ending_before_it_starts_is_refused():
    """A CP plan end before its start is impossible (issue: Foundation, bad input)."""
    errors = rules.check_period(date(2020, 5, 1), date(2020, 4, 30), today=TODAY)
    assert errors == {"ends_on": rules.END_BEFORE_START}


def test_a_period_may_end_on_its_start_day():
    assert rules.check_period(date(2020, 5, 1), date(2020, 5, 1), today=TODAY) == {}


def test_a_period_cannot_start_in_the_future_or_before_birth():
    assert rules.check_period(TODAY + timedelta(days=1), None, today=TODAY) == {
        "starts_on": rules.START_IN_FUTURE
    }
    assert rules.check_period(date(2010, 1, 1), None, today=TODAY, date_of_birth=date(2011, 1, 1)) == {
        "starts_on": rules.START_BEFORE_BIRTH
    }


def test_two_looked_after_episodes_that_share_a_day_overlap():
    first = Period(date(2020, 1, 1), date(2020, 3, 31))
    assert first.overlaps(Period(date(2020, 3, 31), None))
    assert not first.overlaps(Period(date(2020, 4, 1), None))


def test_an_open_period_overlaps_everything_after_its_start():
    assert Period(date(2020, 1, 1)).overlaps(Period(date(2030, 1, 1), date(2030, 1, 2)))


@given(a_start=dates, a_end=optional_dates, b_start=dates, b_end=optional_dates)
def test_overlap_is_symmetric_and_agrees_with_shared_days(a_start, a_end, b_start, b_end):
    a = Period(a_start, a_end if a_end is None or a_end >= a_start else a_start)
    b = Period(b_start, b_end if b_end is None or b_end >= b_start else b_start)
    assert a.overlaps(b) == b.overlaps(a)
    latest_start = max(a.starts_on, b.starts_on)
    assert a.overlaps(b) == (a.contains(latest_start) and b.contains(latest_start))


@given(st.lists(st.tuples(dates, st.integers(min_value=0, max_value=400)), max_size=8))
def test_overlapping_pairs_finds_exactly_the_pairs_that_overlap(spans):
    periods = [Period(start, start + timedelta(days=length)) for start, length in spans if start.year < 2030]
    found = {(id(a), id(b)) for a, b in rules.overlapping_pairs(periods)} | {
        (id(b), id(a)) for a, b in rules.overlapping_pairs(periods)
    }
    for i, a in enumerate(periods):
        for b in periods[i + 1 :]:
            assert ((id(a), id(b)) in found) == a.overlaps(b)


@given(dob=st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 1, 1)), days=st.integers(0, 20000))
def test_age_goes_up_by_one_on_each_birthday(dob, days):
    day = dob + timedelta(days=days)
    age = rules.age_on(dob, day)
    assert age >= 0
    try:
        birthday = dob.replace(year=dob.year + age)
    except ValueError:  # 29 February in a non-leap year: the birthday is kept on 1 March
        birthday = date(dob.year + age, 3, 1)
    assert birthday <= day


def test_a_child_born_on_29_february_turns_one_on_1_march():
    assert rules.age_on(date(2020, 2, 29), date(2021, 2, 28)) == 0
    assert rules.age_on(date(2020, 2, 29), date(2021, 3, 1)) == 1
