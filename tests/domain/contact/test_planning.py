"""Contact planning by risk: proposals never below the law, every shortfall flagged as a departure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.contact import (
    ALL_MODES,
    AT_HOME,
    DEFAULT_RAG_SETTINGS,
    FACE_TO_FACE,
    STATUSES,
    ChildContactFacts,
    ContactPlan,
    DepartureKind,
    Interval,
    Mode,
    Rating,
    assess_plan,
    propose_plan,
    statutory_minimums,
)
from domain.contact.plan import at_least_as_demanding
from domain.contact.planning import LA_STANDARD
from domain.regimes import rules_in_force
from tests.domain.strategies import EMERGENCY, ENGLAND, cadences, facts, plans, ratings, rules, status_sets

PLACED = date(2019, 9, 2)
LAC_FACTS = ChildContactFacts(placement_started_on=PLACED, status_started_on={"cp": date(2020, 1, 6)})
# Start dates that exercise month ends, leap day, Easter, Christmas and New Year.
SAMPLE_STARTS = [
    date(2020, 1, 31),
    date(2020, 2, 28),
    date(2020, 4, 9),
    date(2020, 12, 18),
    date(2020, 12, 23),
]


def proposals(statuses, facts_, rules_, settings_=DEFAULT_RAG_SETTINGS):
    return {
        rating: propose_plan(rating=rating, statuses=statuses, facts=facts_, rules=rules_, settings=settings_)
        for rating in Rating
    }


def during_emergency(day: date):
    return rules_in_force(day, local_emergencies=[EMERGENCY])


# Properties


@settings(max_examples=150, deadline=None)
@given(status_sets, facts(), rules())
def test_red_is_never_planned_less_often_than_amber_nor_amber_than_green_under_the_default(
    statuses, facts_, rules_
):
    found = proposals(statuses, facts_, rules_)
    assert at_least_as_demanding(found[Rating.RED].plan, found[Rating.AMBER].plan)
    assert at_least_as_demanding(found[Rating.AMBER].plan, found[Rating.GREEN].plan)


@settings(max_examples=30, deadline=None)
@given(facts(), rules())
def test_the_ordering_holds_for_every_single_status(facts_, rules_):
    for status in STATUSES:
        found = proposals({status}, facts_, rules_)
        assert at_least_as_demanding(found[Rating.RED].plan, found[Rating.AMBER].plan), status
        assert at_least_as_demanding(found[Rating.AMBER].plan, found[Rating.GREEN].plan), status


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(STATUSES), cadences(), cadences(), cadences(), facts(), rules())
def test_the_ordering_holds_even_for_settings_that_would_fail_validation(
    status, red, amber, green, facts_, rules_
):
    custom = dict(DEFAULT_RAG_SETTINGS.cadences)
    custom.update({(Rating.RED, status): red, (Rating.AMBER, status): amber, (Rating.GREEN, status): green})
    found = proposals({status}, facts_, rules_, replace(DEFAULT_RAG_SETTINGS, cadences=custom))
    assert at_least_as_demanding(found[Rating.RED].plan, found[Rating.AMBER].plan)
    assert at_least_as_demanding(found[Rating.AMBER].plan, found[Rating.GREEN].plan)


@settings(max_examples=150, deadline=None)
@given(ratings, status_sets, facts(), rules())
def test_a_proposal_is_never_below_the_law(rating, statuses, facts_, rules_):
    proposal = propose_plan(
        rating=rating, statuses=statuses, facts=facts_, rules=rules_, settings=DEFAULT_RAG_SETTINGS
    )
    assert not proposal.assessment.below_legal_minimum
    if not rules_.risk_based_planning:
        assert not proposal.assessment.below_statutory_minimum


@settings(max_examples=300, deadline=None)
@given(
    plans(),
    ratings,
    status_sets,
    facts(),
    rules(),
    st.dates(min_value=date(2019, 1, 1), max_value=date(2022, 1, 1)),
)
def test_a_plan_under_a_minimum_is_always_flagged_as_a_departure(
    plan, rating, statuses, facts_, rules_, start
):
    assessment = assess_plan(
        plan, rating=rating, statuses=statuses, facts=facts_, rules=rules_, settings=DEFAULT_RAG_SETTINGS
    )
    flagged = {d.requirement for d in assessment.departures}
    minimums = statutory_minimums(
        statuses, facts=facts_, rules=rules_, practice=DEFAULT_RAG_SETTINGS.practice_standards
    )
    for minimum in minimums:
        required = minimum.interval
        if required is None:
            continue
        for day in [start, *SAMPLE_STARTS]:
            limit = required.after(day, ENGLAND)
            too_rare = plan.interval.after(day, ENGLAND) > limit
            gap = plan.face_to_face_interval
            too_little_f2f = minimum.face_to_face_required and (
                gap is None or gap.after(day, ENGLAND) > limit
            )
            wrong_place = minimum.face_to_face_required and not plan.modes & minimum.face_to_face_modes
            if too_rare or too_little_f2f or wrong_place:
                assert minimum.requirement in flagged
                assert assessment.below_statutory_minimum
                assert assessment.below_legal_minimum or not minimum.statutory


# Examples


def test_outside_an_emergency_a_green_looked_after_child_is_still_visited_at_home_every_six_weeks():
    proposal = propose_plan(
        rating=Rating.GREEN,
        statuses={"lac"},
        facts=LAC_FACTS,
        rules=rules_in_force(date(2020, 3, 2)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    assert proposal.plan == ContactPlan(Interval.weeks(6), 1, ALL_MODES)
    assert proposal.la_standard.face_to_face_every == 0
    assert any("reg 28(2)" in reason for reason in proposal.reasons)
    assert proposal.assessment.departures == ()


def test_under_si_2020_445_a_green_looked_after_child_may_have_virtual_visits():
    proposal = propose_plan(
        rating=Rating.GREEN,
        statuses={"lac"},
        facts=LAC_FACTS,
        rules=during_emergency(date(2020, 5, 1)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    assert proposal.plan == ContactPlan(Interval.weeks(6), 0, ALL_MODES)
    assert proposal.assessment.departures == ()
    assert proposal.minimums[0].as_soon_as_reasonably_practicable


def test_under_si_2020_909_amber_looked_after_visits_are_lifted_to_face_to_face():
    rules_ = during_emergency(date(2020, 11, 2))
    proposal = propose_plan(
        rating=Rating.AMBER, statuses={"lac"}, facts=LAC_FACTS, rules=rules_, settings=DEFAULT_RAG_SETTINGS
    )
    assert proposal.plan.face_to_face_every == 1
    alternate = ContactPlan(Interval.weeks(6), 2, ALL_MODES)
    assessment = assess_plan(
        alternate,
        rating=Rating.AMBER,
        statuses={"lac"},
        facts=LAC_FACTS,
        rules=rules_,
        settings=DEFAULT_RAG_SETTINGS,
    )
    assert assessment.below_legal_minimum
    [departure] = [d for d in assessment.departures if d.requirement == "lac.visit"]
    assert departure.kind is DepartureKind.STATUTORY
    assert "coronavirus reason" in departure.required
    assert departure.planned == "face to face every 12 weeks"
    assert any("nominated officer" in note for note in assessment.notes)


def test_during_an_emergency_green_child_protection_is_a_practice_departure_not_a_breach_of_law():
    proposal = propose_plan(
        rating=Rating.GREEN,
        statuses={"cp"},
        facts=LAC_FACTS,
        rules=during_emergency(date(2020, 5, 1)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    assert proposal.plan.face_to_face_every == 0
    assert proposal.assessment.below_statutory_minimum
    assert not proposal.assessment.below_legal_minimum
    [departure] = proposal.assessment.departures
    assert (departure.requirement, departure.kind, departure.confirmed) == (
        "cp.visit",
        DepartureKind.PRACTICE,
        False,
    )


def test_outside_an_emergency_green_child_protection_keeps_fortnightly_face_to_face_visits():
    proposal = propose_plan(
        rating=Rating.GREEN,
        statuses={"cp"},
        facts=LAC_FACTS,
        rules=rules_in_force(date(2022, 1, 10)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    assert proposal.plan == ContactPlan(Interval.working_days(10), 1, ALL_MODES)
    assert any("No local emergency" in reason for reason in proposal.reasons)


def test_red_child_protection_and_looked_after_takes_the_most_demanding_of_both():
    proposal = propose_plan(
        rating=Rating.RED,
        statuses={"cp", "lac"},
        facts=LAC_FACTS,
        rules=during_emergency(date(2020, 5, 1)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    assert proposal.plan == ContactPlan(Interval.working_days(10), 1, FACE_TO_FACE)
    assert proposal.assessment.departures == ()


def test_weekly_visits_before_the_first_review_lift_every_rating():
    facts_ = ChildContactFacts(
        placement_started_on=date(2020, 4, 20), interim_care_order_living_with_parent=True
    )
    for rating in Rating:
        proposal = propose_plan(
            rating=rating,
            statuses={"lac"},
            facts=facts_,
            rules=rules_in_force(date(2020, 4, 22)),
            settings=DEFAULT_RAG_SETTINGS,
        )
        assert proposal.plan.interval == Interval.weeks(1)
        assert proposal.plan.face_to_face_every == 1
        assert proposal.plan.modes & AT_HOME


def test_a_plan_slower_than_the_las_own_standard_is_a_departure_from_it():
    rules_ = during_emergency(date(2020, 5, 1))
    slow = ContactPlan(Interval.weeks(3), 1, FACE_TO_FACE)
    assessment = assess_plan(
        slow, rating=Rating.RED, statuses={"cp"}, facts=LAC_FACTS, rules=rules_, settings=DEFAULT_RAG_SETTINGS
    )
    kinds = {(d.requirement, d.kind) for d in assessment.departures}
    assert (LA_STANDARD, DepartureKind.LA_STANDARD) in kinds
    assert ("cp.visit", DepartureKind.PRACTICE) in kinds


def test_under_si_2020_445_planning_beyond_the_normal_timescale_is_recorded_but_lawful():
    plan = ContactPlan(Interval.months(3), 0, ALL_MODES)
    assessment = assess_plan(
        plan,
        rating=Rating.GREEN,
        statuses={"lac"},
        facts=LAC_FACTS,
        rules=during_emergency(date(2020, 5, 1)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    kinds = [d.kind for d in assessment.departures if d.requirement == "lac.visit"]
    assert kinds == [DepartureKind.NORMAL_TIMESCALE]
    assert not assessment.below_legal_minimum


def test_a_looked_after_plan_with_face_to_face_only_elsewhere_misses_the_statutory_visit():
    plan = ContactPlan(Interval.weeks(4), 1, frozenset({Mode.ELSEWHERE, Mode.VIDEO}))
    assessment = assess_plan(
        plan,
        rating=Rating.RED,
        statuses={"lac"},
        facts=LAC_FACTS,
        rules=rules_in_force(date(2022, 1, 10)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    [departure] = [d for d in assessment.departures if d.requirement == "lac.visit"]
    assert "home visit" in departure.required


def test_a_child_with_no_open_status_uses_the_other_cadence():
    proposal = propose_plan(
        rating=Rating.AMBER,
        statuses=set(),
        facts=ChildContactFacts(),
        rules=rules_in_force(date(2020, 5, 1)),
        settings=DEFAULT_RAG_SETTINGS,
    )
    assert proposal.plan == DEFAULT_RAG_SETTINGS.cadence(Rating.AMBER, "other").as_plan()
    assert proposal.minimums == ()


def test_plans_describe_themselves():
    assert ContactPlan(Interval.weeks(6), 2, ALL_MODES).describe() == (
        "Every 6 weeks; face to face at least every 2 contacts (12 weeks); "
        "by home visit, doorstep/garden, face to face elsewhere, video, phone"
    )


def test_an_impossible_plan_is_refused():
    with pytest.raises(ValueError, match="face-to-face way"):
        ContactPlan(Interval.weeks(6), 1, frozenset({Mode.VIDEO}))
    with pytest.raises(ValueError, match="at least 1 day"):
        ContactPlan(Interval.days(0), 0, ALL_MODES)
