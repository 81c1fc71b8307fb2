"""Hypothesis strategies shared by the domain tests."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.contact import (
    FACE_TO_FACE,
    STATUSES,
    Cadence,
    ChildContactFacts,
    ContactEvent,
    ContactPlan,
    Interval,
    Mode,
    Rating,
    Unit,
)
from domain.regimes import LocalEmergency, RulesInForce, rules_in_force

ENGLAND = WorkingCalendar.england(1995, 2040)

days_2010_2035 = st.dates(min_value=date(2010, 1, 1), max_value=date(2035, 12, 31))
covid_era_days = st.dates(min_value=date(2019, 6, 1), max_value=date(2022, 6, 30))
intervals = st.builds(Interval, st.integers(min_value=1, max_value=26), st.sampled_from(list(Unit)))
mode_sets = st.frozensets(st.sampled_from(list(Mode)), min_size=1)
status_sets = st.frozensets(st.sampled_from(STATUSES), max_size=3)
ratings = st.sampled_from(list(Rating))
recent_days = st.dates(min_value=date(2015, 1, 1), max_value=date(2022, 6, 30))
optional_days = st.none() | recent_days
EMERGENCY = LocalEmergency("emergency", "COVID-19 emergency procedures", date(2020, 3, 23), date(2021, 7, 19))


@st.composite
def plans(draw: st.DrawFn) -> ContactPlan:
    interval = draw(intervals)
    every = draw(st.integers(min_value=0, max_value=3))
    modes = draw(mode_sets)
    if every and not modes & FACE_TO_FACE:
        modes = modes | {Mode.HOME}
    return ContactPlan(interval, every, modes)


@st.composite
def cadences(draw: st.DrawFn) -> Cadence:
    plan = draw(plans())
    return Cadence(plan.interval, plan.face_to_face_every, plan.modes)


@st.composite
def facts(draw: st.DrawFn) -> ChildContactFacts:
    placement = draw(optional_days)
    return ChildContactFacts(
        date_of_birth=draw(st.none() | st.dates(min_value=date(2003, 1, 1), max_value=date(2020, 1, 1))),
        status_started_on=draw(st.dictionaries(st.sampled_from(STATUSES), recent_days)),
        looked_after_since=placement,
        placement_started_on=placement,
        placement_intended_until_18=draw(st.booleans()),
        placed_with_parent_before_assessment=draw(st.booleans()),
        connected_person_temporary_approval=draw(st.booleans()),
        interim_care_order_living_with_parent=draw(st.booleans()),
        care_order_living_with_parent_since=draw(optional_days),
        first_review_on=draw(optional_days),
        short_breaks=draw(st.booleans()),
        short_break_visit_interval=draw(st.none() | intervals),
    )


@st.composite
def rules(draw: st.DrawFn, days: st.SearchStrategy[date] = covid_era_days) -> RulesInForce:
    day = draw(days)
    emergencies = [EMERGENCY] if draw(st.booleans()) else []
    return rules_in_force(day, local_emergencies=emergencies)


contacts = st.builds(
    ContactEvent,
    on=st.dates(min_value=date(2019, 1, 1), max_value=date(2021, 12, 31)),
    mode=st.sampled_from(list(Mode)),
    child_seen=st.booleans(),
    child_seen_alone=st.none() | st.booleans(),
    remote_reason=st.none() | st.sampled_from(["contrary_to_public_health_guidance", "other"]),
)
