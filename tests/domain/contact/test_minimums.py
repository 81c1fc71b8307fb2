"""Statutory and practice minimums: CPPCR 2010 reg 28 visits, and labelled local practice standards."""

from __future__ import annotations

from datetime import date

import pytest

from domain.contact import (
    AT_HOME,
    REMOTE,
    ChildContactFacts,
    ContactEvent,
    Interval,
    Mode,
    statutory_due,
    statutory_minimum,
)
from domain.regimes import Effect, rules_in_force
from tests.domain.strategies import ENGLAND

NORMAL_DAY = date(2020, 3, 2)
PLACED = date(2019, 9, 2)  # a Monday


def lac(facts: ChildContactFacts, day: date = NORMAL_DAY):
    minimum = statutory_minimum("lac", facts=facts, rules=rules_in_force(day))
    assert minimum is not None
    return minimum


def due(facts: ChildContactFacts, contacts: list[ContactEvent], day: date = NORMAL_DAY):
    return statutory_due(
        minimum=lac(facts, day), contacts=contacts, rules=rules_in_force(day), calendar=ENGLAND
    )


def home_visit(on: date) -> ContactEvent:
    return ContactEvent(on, Mode.HOME, child_seen=True, child_seen_alone=True)


def test_a_looked_after_child_is_visited_within_one_week_of_a_placement_starting():
    """CPPCR 2010 reg 28(2)(a)."""
    facts = ChildContactFacts(placement_started_on=date(2020, 2, 27))
    state = due(facts, [])
    assert state.due_on == date(2020, 3, 5)
    assert lac(facts).first_within == Interval.weeks(1)


def test_visits_are_at_most_six_weeks_apart_in_the_first_year_of_a_placement():
    """CPPCR 2010 reg 28(2)(b)."""
    facts = ChildContactFacts(placement_started_on=PLACED, placement_intended_until_18=True)
    assert lac(facts).interval == Interval.weeks(6)
    assert due(facts, [home_visit(date(2020, 2, 3))]).due_on == date(2020, 3, 16)


def test_after_the_first_year_a_placement_intended_to_last_until_18_is_visited_every_three_months():
    """CPPCR 2010 reg 28(2)(c)(i)."""
    facts = ChildContactFacts(placement_started_on=date(2018, 6, 1), placement_intended_until_18=True)
    assert lac(facts).interval == Interval.months(3)
    assert due(facts, [home_visit(date(2020, 1, 31))]).due_on == date(2020, 4, 30)


def test_after_the_first_year_any_other_placement_is_still_visited_every_six_weeks():
    """CPPCR 2010 reg 28(2)(c)(ii)."""
    facts = ChildContactFacts(placement_started_on=date(2018, 6, 1), placement_intended_until_18=False)
    assert lac(facts).interval == Interval.weeks(6)


def test_a_gap_that_starts_in_the_first_year_is_at_most_six_weeks_even_if_asked_after_it():
    facts = ChildContactFacts(placement_started_on=date(2019, 3, 1), placement_intended_until_18=True)
    # Asked on 2 March 2020 (after the first year): the last visit, 25 February 2020, fell in it.
    assert due(facts, [home_visit(date(2020, 2, 25))]).due_on == date(2020, 4, 7)
    assert due(facts, [home_visit(date(2020, 3, 2))]).due_on == date(2020, 6, 2)


def test_without_a_placement_date_six_weeks_is_assumed():
    minimum = lac(ChildContactFacts(placement_intended_until_18=True))
    assert minimum.interval == Interval.weeks(6)
    assert "6 weeks assumed" in minimum.note


def test_a_meeting_elsewhere_is_not_the_statutory_visit():
    """CPPCR 2010 reg 28(1): the visit is made wherever the child is living."""
    facts = ChildContactFacts(placement_started_on=PLACED)
    assert lac(facts).face_to_face_modes == AT_HOME
    met_at_school = ContactEvent(date(2020, 2, 3), Mode.ELSEWHERE, child_seen=True)
    assert due(facts, [met_at_school]).last_qualifying is None


def test_a_visit_where_the_child_was_not_seen_does_not_count():
    facts = ChildContactFacts(placement_started_on=PLACED)
    assert due(facts, [ContactEvent(date(2020, 2, 3), Mode.HOME, child_seen=False)]).last_qualifying is None


def test_placed_with_a_parent_before_assessment_means_weekly_visits_until_the_first_review():
    """CPPCR 2010 reg 28(3)."""
    facts = ChildContactFacts(
        placement_started_on=date(2020, 2, 1), placed_with_parent_before_assessment=True
    )
    assert lac(facts).interval == Interval.weeks(1)
    reviewed = ChildContactFacts(
        placement_started_on=date(2020, 1, 1),
        placed_with_parent_before_assessment=True,
        first_review_on=date(2020, 2, 20),
    )
    assert lac(reviewed).interval == Interval.weeks(6)
    assert "reg 28(3)" in lac(reviewed).source


def test_interim_care_order_at_home_means_weekly_visits_then_four_weekly():
    """CPPCR 2010 reg 28(4)."""
    before = ChildContactFacts(
        placement_started_on=date(2020, 2, 1), interim_care_order_living_with_parent=True
    )
    assert lac(before).interval == Interval.weeks(1)
    after = ChildContactFacts(
        placement_started_on=date(2020, 1, 2),
        interim_care_order_living_with_parent=True,
        first_review_on=date(2020, 1, 30),
    )
    assert lac(after).interval == Interval.weeks(4)
    assert "reg 28(4)" in lac(after).source


def test_connected_person_temporary_approval_is_visited_weekly_until_the_first_review():
    """CPPCR 2010 reg 28(4), via reg 24."""
    facts = ChildContactFacts(
        placement_started_on=date(2020, 2, 20), connected_person_temporary_approval=True
    )
    assert lac(facts).interval == Interval.weeks(1)
    assert due(facts, [home_visit(date(2020, 2, 27))]).due_on == date(2020, 3, 5)


def test_a_care_order_at_home_means_a_visit_within_a_week_of_the_order_then_six_weekly():
    """CPPCR 2010 reg 28(5)."""
    facts = ChildContactFacts(care_order_living_with_parent_since=date(2020, 2, 26))
    assert due(facts, []).due_on == date(2020, 3, 4)
    assert lac(facts).interval == Interval.weeks(6)
    assert "reg 28(5)" in lac(facts).source


def test_short_breaks_are_visited_at_the_interval_agreed_with_the_iro_and_parents():
    """CPPCR 2010 reg 48(3)(c)."""
    unagreed = lac(ChildContactFacts(short_breaks=True))
    assert unagreed.requirement == "lac.short_break_visit"
    assert unagreed.interval is None
    assert "none recorded" in unagreed.note
    agreed = lac(ChildContactFacts(short_breaks=True, short_break_visit_interval=Interval.months(2)))
    assert agreed.interval == Interval.months(2)


def test_under_si_2020_445_the_visit_may_be_remote_and_is_as_soon_as_reasonably_practicable():
    facts = ChildContactFacts(placement_started_on=PLACED)
    minimum = lac(facts, date(2020, 5, 1))
    assert minimum.as_soon_as_reasonably_practicable
    assert minimum.interval is None
    assert minimum.normal_interval == Interval.weeks(6)
    assert not minimum.face_to_face_required
    assert minimum.modes >= REMOTE
    assert minimum.remote is Effect.REMOTE_ALLOWED
    assert "as soon as reasonably practicable" in minimum.describe()
    state = due(facts, [ContactEvent(date(2020, 4, 28), Mode.VIDEO, child_seen=True)], date(2020, 5, 1))
    assert state.due_on is None
    assert state.last_qualifying == date(2020, 4, 28)
    assert state.target_on == date(2020, 6, 9)
    assert not state.past_normal_timescale(date(2020, 6, 9))
    assert state.past_normal_timescale(date(2020, 6, 10))
    assert state.overdue_days(date(2020, 7, 1)) == 0


def test_under_si_2020_909_a_remote_visit_counts_only_with_a_coronavirus_reason():
    facts = ChildContactFacts(placement_started_on=PLACED)
    day = date(2020, 11, 20)
    minimum = lac(facts, day)
    assert minimum.face_to_face_required
    assert minimum.remote is Effect.REMOTE_IF_COVID_CONDITION
    assert minimum.interval == Interval.weeks(6)
    no_reason = ContactEvent(date(2020, 11, 2), Mode.VIDEO, child_seen=True)
    assert due(facts, [no_reason], day).last_qualifying is None
    with_reason = ContactEvent(
        date(2020, 11, 2), Mode.VIDEO, child_seen=True, remote_reason="contrary_to_public_health_guidance"
    )
    assert due(facts, [with_reason], day).due_on == date(2020, 12, 14)


def test_a_remote_visit_is_judged_by_the_regime_of_its_own_day():
    facts = ChildContactFacts(placement_started_on=PLACED)
    video_under_445 = ContactEvent(date(2020, 9, 1), Mode.VIDEO, child_seen=True)
    assert due(facts, [video_under_445], date(2020, 10, 1)).last_qualifying == date(2020, 9, 1)
    video_after = ContactEvent(
        date(2021, 11, 1), Mode.VIDEO, child_seen=True, remote_reason="not_reasonably_practicable_covid"
    )
    assert due(facts, [video_after], date(2021, 11, 5)).last_qualifying is None


def test_child_protection_has_a_labelled_local_practice_standard_not_a_national_rule():
    minimum = statutory_minimum(
        "cp",
        facts=ChildContactFacts(status_started_on={"cp": date(2020, 3, 2)}),
        rules=rules_in_force(NORMAL_DAY),
    )
    assert minimum is not None
    assert not minimum.statutory
    assert not minimum.confirmed
    assert minimum.interval == Interval.working_days(10)
    assert minimum.face_to_face_required
    assert "local practice standard" in minimum.describe()
    state = statutory_due(minimum=minimum, contacts=[], rules=rules_in_force(NORMAL_DAY), calendar=ENGLAND)
    assert state.due_on == date(2020, 3, 16)


def test_a_care_leaver_has_personal_adviser_contact_by_any_mode_unconfirmed():
    minimum = statutory_minimum("care_leaver", facts=ChildContactFacts(), rules=rules_in_force(NORMAL_DAY))
    assert minimum is not None
    assert minimum.interval == Interval.weeks(8)
    assert not minimum.face_to_face_required
    assert not minimum.confirmed
    assert "UNCONFIRMED" in minimum.note
    phone = ContactEvent(date(2020, 2, 3), Mode.PHONE, child_seen=True)
    state = statutory_due(
        minimum=minimum, contacts=[phone], rules=rules_in_force(NORMAL_DAY), calendar=ENGLAND
    )
    assert state.due_on == date(2020, 3, 30)


@pytest.mark.parametrize("status", ["early_help", "uasc", "ehc_plan", "ap", "adopted", "sgo"])
def test_statuses_without_a_visiting_rule_have_no_minimum(status):
    assert statutory_minimum(status, facts=ChildContactFacts(), rules=rules_in_force(NORMAL_DAY)) is None


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="Unknown legal status"):
        statutory_minimum("foster", facts=ChildContactFacts(), rules=rules_in_force(NORMAL_DAY))


def test_a_minimum_under_the_2021_regulations_is_marked_unconfirmed():
    assert not lac(ChildContactFacts(placement_started_on=PLACED), date(2021, 6, 1)).confirmed
    assert lac(ChildContactFacts(placement_started_on=PLACED), date(2020, 11, 1)).confirmed
