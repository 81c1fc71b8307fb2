"""When the next contact is due, under the plan and under the statutory (or practice) minimum.

A due date moves forward only when a qualifying contact is completed: one where the child was seen,
by a mode that counts. Nothing else (a visit where the child was not seen, a mode the plan or the law
does not count, a contact before the clock started) moves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingCalendar
from domain.contact.enums import COVID_REASONS, FACE_TO_FACE, REMOTE
from domain.contact.facts import ContactEvent
from domain.contact.minimums import REGIME_GOVERNED, StatutoryMinimum
from domain.contact.plan import ContactPlan
from domain.regimes import Effect, RulesInForce


@dataclass(frozen=True)
class DueState:
    """When contact is next due. `due_on` is the last day allowed ("within"): overdue from the day after.

    `as_soon_as_reasonably_practicable`: the regime set no date (`due_on` is None); `target_on` is the
    date the normal timescale would have given, after which the case is tracked as a departure until a
    qualifying contact is made.
    """

    due_on: date | None
    last_qualifying: date | None
    face_to_face_due_on: date | None = None
    last_face_to_face: date | None = None
    as_soon_as_reasonably_practicable: bool = False
    target_on: date | None = None

    @property
    def next_due_on(self) -> date | None:
        """The earlier of the contact and face-to-face due dates."""
        dates = [d for d in (self.due_on, self.face_to_face_due_on) if d is not None]
        return min(dates) if dates else None

    def overdue_days(self, today: date) -> int:
        """Days past the earliest due date (0 if nothing is overdue)."""
        return _days_past(self.next_due_on, today)

    def face_to_face_overdue_days(self, today: date) -> int:
        return _days_past(self.face_to_face_due_on, today)

    def past_normal_timescale(self, today: date) -> bool:
        """Under "as soon as reasonably practicable": the normal timescale has passed (a departure)."""
        return (
            self.as_soon_as_reasonably_practicable and self.target_on is not None and today > self.target_on
        )


def next_due(
    *, plan: ContactPlan, since: date, contacts: Sequence[ContactEvent], calendar: WorkingCalendar
) -> DueState:
    """The plan's next due dates.

    `since` is when the clock started: pass the start of the episode of work (e.g. the legal status),
    not the date the plan last changed, so contact already made under an earlier plan counts. Contacts
    before `since` do not count. Qualifying: the child was seen, by one of the plan's modes; for the
    face-to-face requirement, by one of its face-to-face modes.
    """
    counted = [c for c in contacts if c.on >= since and c.child_seen and c.mode in plan.modes]
    last = max((c.on for c in counted), default=None)
    f2f_interval = plan.face_to_face_interval
    last_f2f = max((c.on for c in counted if c.mode in FACE_TO_FACE), default=None)
    return DueState(
        due_on=plan.interval.after(last or since, calendar),
        last_qualifying=last,
        face_to_face_due_on=None if f2f_interval is None else f2f_interval.after(last_f2f or since, calendar),
        last_face_to_face=last_f2f,
    )


def statutory_due(
    *,
    minimum: StatutoryMinimum,
    contacts: Sequence[ContactEvent],
    rules: RulesInForce,
    calendar: WorkingCalendar,
) -> DueState:
    """The minimum's next due date: from its anchor (e.g. the placement start) until the first qualifying
    contact, then from the last one, with the interval for the phase that contact fell in.

    A remote contact counts for a looked-after visit only as the regime of its own day allows: always
    under SI 2020/445; under SI 2020/909 and the 2021 regulations only with a recorded coronavirus reason;
    never under the normal rules. `rules` are those of the day asked (normally today): they decide
    whether the timescale is "as soon as reasonably practicable".
    """
    anchor = minimum.anchor
    counted = [
        c for c in contacts if (anchor is None or c.on >= anchor) and counts_for_minimum(c, minimum, rules)
    ]
    last = max((c.on for c in counted), default=None)
    start = last if last is not None else anchor
    if start is None:
        return DueState(due_on=None, last_qualifying=None)
    # Until the first qualifying contact, the "within N of the start" period applies (e.g. 1 week).
    first = last is None and minimum.first_within is not None
    if minimum.as_soon_as_reasonably_practicable:
        normal = minimum.first_within if first else minimum.normal_interval_from(start)
        return DueState(
            due_on=None,
            last_qualifying=last,
            as_soon_as_reasonably_practicable=True,
            target_on=None if normal is None else normal.after(start, calendar),
        )
    interval = minimum.first_within if first else minimum.interval_from(start)
    return DueState(
        due_on=None if interval is None else interval.after(start, calendar), last_qualifying=last
    )


def counts_for_minimum(contact: ContactEvent, minimum: StatutoryMinimum, rules: RulesInForce) -> bool:
    """Whether `contact` meets `minimum`, judged by the rules of the contact's own day.

    `rules` may be for any day: the regime of `contact.on` is looked up only for a remote contact.
    """
    if not contact.child_seen:
        return False
    if contact.mode in minimum.face_to_face_modes:
        return True
    if contact.mode not in REMOTE:
        return False
    if minimum.requirement in REGIME_GOVERNED:
        relaxation = rules.regime_on(contact.on).mode_relaxation(minimum.requirement)
        if relaxation is None:
            return False
        if relaxation.effect is Effect.REMOTE_IF_COVID_CONDITION:
            return contact.remote_reason in COVID_REASONS
        return True
    return not minimum.face_to_face_required and contact.mode in minimum.modes


def _days_past(due_on: date | None, today: date) -> int:
    if due_on is None or today <= due_on:
        return 0
    return (today - due_on).days
