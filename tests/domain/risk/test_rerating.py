"""Re-rating triggers and review dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.contact import DEFAULT_RAG_SETTINGS, Interval, Rating
from domain.risk import Trigger, needs_rerating, review_date
from tests.domain.strategies import ENGLAND

RATED = date(2020, 4, 1)
TODAY = date(2020, 4, 20)


def test_a_case_never_rated_needs_rating():
    assert needs_rerating(last_rated_on=None, review_on=None, triggers_since=[], today=TODAY) == [
        "Not yet rated"
    ]


def test_nothing_new_means_no_re_rating():
    assert (
        needs_rerating(last_rated_on=RATED, review_on=date(2020, 4, 29), triggers_since=[], today=TODAY) == []
    )


def test_the_review_date_arriving_needs_re_rating():
    reasons = needs_rerating(last_rated_on=RATED, review_on=TODAY, triggers_since=[], today=TODAY)
    assert reasons == ["Review date reached: 20 April 2020"]


def test_each_trigger_after_the_rating_is_a_reason():
    triggers = [(date(2020, 4, 10), Trigger.REFUSED_ACCESS.value), (date(2020, 4, 3), "covid_in_household")]
    reasons = needs_rerating(last_rated_on=RATED, review_on=None, triggers_since=triggers, today=TODAY)
    assert reasons == [
        "COVID-19 in the household on 3 April 2020",
        "Access to the child refused on 10 April 2020",
    ]


def test_triggers_on_the_rating_day_or_in_the_future_do_not_count():
    triggers = [(RATED, "new_referral"), (date(2020, 4, 21), "missed_school")]
    assert needs_rerating(last_rated_on=RATED, review_on=None, triggers_since=triggers, today=TODAY) == []


def test_an_emergency_declared_puts_every_case_back_in_the_queue():
    reasons = needs_rerating(
        last_rated_on=date(2020, 1, 15),
        review_on=None,
        triggers_since=[(date(2020, 3, 23), "emergency_declared")],
        today=TODAY,
    )
    assert reasons == ["Emergency declared: every open case to be re-rated on 23 March 2020"]


def test_an_unknown_trigger_is_still_shown():
    reasons = needs_rerating(
        last_rated_on=RATED, review_on=None, triggers_since=[(date(2020, 4, 5), "moved_house")], today=TODAY
    )
    assert reasons == ["Change: moved_house on 5 April 2020"]


def test_review_dates_follow_the_settings():
    assert review_date(Rating.RED, RATED, ENGLAND) == date(2020, 4, 15)
    assert review_date(Rating.AMBER, RATED, ENGLAND) == date(2020, 4, 29)
    assert review_date(Rating.GREEN, RATED, ENGLAND) == date(2020, 5, 13)
    review = {**DEFAULT_RAG_SETTINGS.review_after, Rating.RED: Interval.working_days(5)}
    ours = replace(DEFAULT_RAG_SETTINGS, review_after=review)
    # Thursday 9 April 2020: Good Friday and Easter Monday do not count.
    assert review_date(Rating.RED, date(2020, 4, 9), ENGLAND, settings=ours) == date(2020, 4, 20)


@given(st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 1, 1)))
def test_red_is_reviewed_before_amber_and_amber_before_green(rated_on):
    red, amber, green = (review_date(r, rated_on, ENGLAND) for r in (Rating.RED, Rating.AMBER, Rating.GREEN))
    assert rated_on < red < amber < green
