"""Due dates move only when a qualifying contact is completed."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.contact import ALL_MODES, FACE_TO_FACE, ContactEvent, ContactPlan, Interval, Mode, Unit, next_due
from tests.domain.strategies import ENGLAND, contacts, plans

SINCE = date(2020, 3, 2)
FORTNIGHTLY_ALTERNATE = ContactPlan(Interval.working_days(10), 2, ALL_MODES)


def seen(on: date, mode: Mode = Mode.HOME) -> ContactEvent:
    return ContactEvent(on, mode, child_seen=True)


def test_with_no_contact_the_first_is_due_one_interval_after_the_clock_starts():
    state = next_due(plan=FORTNIGHTLY_ALTERNATE, since=SINCE, contacts=[], calendar=ENGLAND)
    assert state.due_on == date(2020, 3, 16)
    assert state.face_to_face_due_on == date(2020, 3, 30)
    assert state.last_qualifying is None


def test_a_contact_where_the_child_was_seen_moves_the_due_date():
    state = next_due(
        plan=FORTNIGHTLY_ALTERNATE,
        since=SINCE,
        contacts=[seen(date(2020, 3, 13), Mode.VIDEO)],
        calendar=ENGLAND,
    )
    assert state.due_on == date(2020, 3, 27)
    assert state.face_to_face_due_on == date(2020, 3, 30)  # video is not face to face
    assert state.last_face_to_face is None


def test_working_day_due_dates_skip_christmas_and_new_year():
    state = next_due(
        plan=FORTNIGHTLY_ALTERNATE, since=SINCE, contacts=[seen(date(2020, 12, 18))], calendar=ENGLAND
    )
    assert state.due_on == date(2021, 1, 6)  # 25, 28 Dec and 1 Jan 2021 are bank holidays


def test_a_contact_where_the_child_was_not_seen_does_not_move_the_due_date():
    not_seen = ContactEvent(date(2020, 3, 13), Mode.HOME, child_seen=False)
    state = next_due(plan=FORTNIGHTLY_ALTERNATE, since=SINCE, contacts=[not_seen], calendar=ENGLAND)
    assert state.due_on == date(2020, 3, 16)


def test_a_mode_outside_the_plan_does_not_count():
    face_to_face_only = ContactPlan(Interval.weeks(2), 1, FACE_TO_FACE)
    state = next_due(
        plan=face_to_face_only, since=SINCE, contacts=[seen(date(2020, 3, 10), Mode.PHONE)], calendar=ENGLAND
    )
    assert state.due_on == date(2020, 3, 16)


def test_contacts_before_the_clock_started_do_not_count():
    state = next_due(
        plan=FORTNIGHTLY_ALTERNATE, since=SINCE, contacts=[seen(date(2020, 2, 28))], calendar=ENGLAND
    )
    assert state.due_on == date(2020, 3, 16)


def test_overdue_days_count_from_the_day_after_the_earliest_due_date():
    state = next_due(
        plan=FORTNIGHTLY_ALTERNATE,
        since=SINCE,
        contacts=[seen(date(2020, 3, 13), Mode.VIDEO)],
        calendar=ENGLAND,
    )
    assert state.next_due_on == date(2020, 3, 27)
    assert state.overdue_days(date(2020, 3, 27)) == 0
    assert state.overdue_days(date(2020, 3, 30)) == 3
    assert state.face_to_face_overdue_days(date(2020, 3, 30)) == 0
    assert state.face_to_face_overdue_days(date(2020, 4, 1)) == 2


def test_a_plan_with_no_face_to_face_requirement_has_no_face_to_face_due_date():
    virtual = ContactPlan(Interval.weeks(4), 0, ALL_MODES)
    assert next_due(plan=virtual, since=SINCE, contacts=[], calendar=ENGLAND).face_to_face_due_on is None


def _qualifies(contact: ContactEvent, plan: ContactPlan) -> bool:
    return contact.on >= SINCE and contact.child_seen and contact.mode in plan.modes


@settings(max_examples=300)
@given(plans(), st.lists(contacts, max_size=6), contacts)
def test_adding_a_contact_that_does_not_qualify_never_changes_the_due_dates(plan, history, extra):
    if _qualifies(extra, plan):
        return
    before = next_due(plan=plan, since=SINCE, contacts=history, calendar=ENGLAND)
    after = next_due(plan=plan, since=SINCE, contacts=[*history, extra], calendar=ENGLAND)
    assert after.due_on == before.due_on
    assert after.face_to_face_due_on == before.face_to_face_due_on


@settings(max_examples=300)
@given(plans(), st.lists(contacts, max_size=6), contacts)
def test_adding_a_qualifying_contact_never_moves_a_due_date_earlier(plan, history, extra):
    before = next_due(plan=plan, since=SINCE, contacts=history, calendar=ENGLAND)
    after = next_due(plan=plan, since=SINCE, contacts=[*history, extra], calendar=ENGLAND)
    assert after.due_on >= before.due_on
    if before.face_to_face_due_on is not None:
        assert after.face_to_face_due_on >= before.face_to_face_due_on
    if _qualifies(extra, plan) and extra.on > (before.last_qualifying or SINCE):
        assert after.due_on > before.due_on


@given(
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=3),
    st.lists(contacts, max_size=5),
)
def test_working_day_plans_fall_due_on_working_days(amount, every, history):
    plan = ContactPlan(Interval(amount, Unit.WORKING_DAYS), every, ALL_MODES)
    state = next_due(plan=plan, since=SINCE, contacts=history, calendar=ENGLAND)
    assert ENGLAND.is_working_day(state.due_on)
    if state.face_to_face_due_on is not None:
        assert ENGLAND.is_working_day(state.face_to_face_due_on)
