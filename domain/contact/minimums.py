"""The minimum contact the law (or, where there is no national rule, local practice) requires.

Looked-after children: statutory visits, CPPCR 2010 reg 28 (and reg 48 for short breaks), as changed by
the regime in force. Child protection, children in need and care leavers: no national statutory
frequency exists, so each has a clearly labelled local practice standard (`PracticeStandard`,
`confirmed=False`), which an LA sets in its RAG settings. Other statuses have no minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType

from domain.calendar import add_months
from domain.contact.enums import (
    ALL_MODES,
    AT_HOME,
    CARE_LEAVER,
    CIN,
    CP,
    FACE_TO_FACE,
    LAC,
    REMOTE,
    STATUSES,
    Mode,
    describe_modes,
)
from domain.contact.facts import ChildContactFacts
from domain.intervals import Interval
from domain.regimes import CPPCR, REQUIREMENTS, Effect, RulesInForce

LAC_VISIT = "lac.visit"
SHORT_BREAK_VISIT = "lac.short_break_visit"
# Requirements whose remote contacts are judged by the regime in force on the contact's own day.
REGIME_GOVERNED = frozenset({LAC_VISIT, SHORT_BREAK_VISIT})


@dataclass(frozen=True)
class PracticeStandard:
    """An LA's standard for contact where no national statutory frequency exists."""

    requirement: str
    interval: Interval
    face_to_face_required: bool
    modes: frozenset[Mode]
    source: str
    note: str
    confirmed: bool = False


DEFAULT_PRACTICE_STANDARDS: Mapping[str, PracticeStandard] = MappingProxyType(
    {
        CP: PracticeStandard(
            requirement="cp.visit",
            interval=Interval.working_days(10),
            face_to_face_required=True,
            modes=FACE_TO_FACE,
            source="Local practice standard: no national statutory frequency for child protection visits",
            note=(
                "Assumption: face to face every 10 working days (fortnightly). Pre-COVID child protection "
                "visiting was 'in most LAs ... fortnightly' (exchangewales.org, DOMAIN.md section 7). "
                "Set your LA's own standard."
            ),
        ),
        CIN: PracticeStandard(
            requirement="cin.visit",
            interval=Interval.weeks(4),
            face_to_face_required=True,
            modes=FACE_TO_FACE,
            source="Local practice standard: no national statutory frequency for child in need visits",
            note=(
                "Assumption: face to face every 4 weeks (LA practice commonly 4 to 6 weeks; the DfE's "
                "2020-22 survey counted contact 'in the last 4 weeks'). Set your LA's own standard."
            ),
        ),
        CARE_LEAVER: PracticeStandard(
            requirement="care_leaver.pa_contact",
            interval=Interval.weeks(8),
            face_to_face_required=False,
            modes=ALL_MODES,
            source=(
                "Statutory guidance (Children Act 1989 Guidance and Regulations Vol.3): figure UNCONFIRMED"
            ),
            note=(
                "Assumption: personal adviser contact at least every 8 weeks, by the adviser's judgement of "
                "mode. Guidance is commonly quoted as 'within 7 days of moving, then at least every "
                "2 months' "
                "(UNCONFIRMED)."
            ),
        ),
    }
)


@dataclass(frozen=True)
class IntervalStep:
    """From `starts_on` (None: from the start), intervals starting on or after it are at most `interval`."""

    starts_on: date | None
    interval: Interval


@dataclass(frozen=True)
class StatutoryMinimum:
    """The least contact a status requires on the day asked, under the regime in force.

    `interval` is the longest gap allowed for an interval starting on that day; None where no date can
    be computed (as soon as reasonably practicable, or an interval agreed locally but not recorded).
    `normal_interval` is what the rule requires outside any relaxation, shown for reference.
    `first_within`, from `anchor`: the first qualifying contact is due then (e.g. within 1 week of a
    placement starting). `steps` give the interval for any later start date (e.g. 6 weeks in the first
    year of a placement, then 3 months). `statutory` is False for a local practice standard.
    """

    requirement: str
    label: str
    interval: Interval | None
    normal_interval: Interval | None
    face_to_face_required: bool
    modes: frozenset[Mode]
    source: str
    statutory: bool
    confirmed: bool
    note: str
    regime_id: str
    as_soon_as_reasonably_practicable: bool = False
    remote: Effect | None = None
    replacement: Interval | None = None
    anchor: date | None = None
    first_within: Interval | None = None
    steps: tuple[IntervalStep, ...] = ()

    @property
    def face_to_face_modes(self) -> frozenset[Mode]:
        return self.modes & FACE_TO_FACE

    def normal_interval_from(self, day: date) -> Interval | None:
        """The rule's own interval for a gap starting on `day` (ignoring any relaxation)."""
        current: Interval | None = None
        for step in self.steps:
            if step.starts_on is None or step.starts_on <= day:
                current = step.interval
        return current

    def interval_from(self, day: date) -> Interval | None:
        """The interval in force for a gap starting on `day`: None if as soon as reasonably practicable."""
        if self.as_soon_as_reasonably_practicable:
            return None
        if self.replacement is not None:
            return self.replacement
        return self.normal_interval_from(day)

    def describe(self) -> str:
        if self.as_soon_as_reasonably_practicable:
            when = f"as soon as reasonably practicable (normally every {self.normal_interval})"
        elif self.interval is None:
            when = "at intervals agreed locally"
        else:
            when = f"every {self.interval}"
        if self.face_to_face_required and self.remote is Effect.REMOTE_IF_COVID_CONDITION:
            how = f"{describe_modes(self.face_to_face_modes)}; remote only for a recorded coronavirus reason"
        elif self.face_to_face_required:
            how = describe_modes(self.face_to_face_modes)
        else:
            how = describe_modes(self.modes)
        kind = "" if self.statutory else " (local practice standard, not a national rule)"
        return f"{self.label}: {when}, {how}{kind}"


@dataclass(frozen=True)
class VisitSchedule:
    """A looked-after visiting rule before any regime relaxation."""

    label: str
    source: str
    anchor: date | None
    first_within: Interval | None
    steps: tuple[IntervalStep, ...]
    note: str = ""


def lac_visits_general(facts: ChildContactFacts) -> VisitSchedule:
    """Visit within one week of the start of any placement, at intervals of not more than six weeks for
    the first year of the placement, and thereafter not more than three months where the placement is
    intended to last until the child is 18, otherwise six weeks.

    Source: CPPCR 2010 reg 28(2).
    """
    anchor = facts.placement_started_on or facts.looked_after_since
    steps = [IntervalStep(None, Interval.weeks(6))]
    if anchor is not None:
        later = Interval.months(3) if facts.placement_intended_until_18 else Interval.weeks(6)
        steps.append(IntervalStep(add_months(anchor, 12), later))
    note = "" if anchor is not None else "No placement start recorded: 6 weeks assumed."
    return VisitSchedule(
        "Looked-after child visits", f"{CPPCR} reg 28(2)", anchor, Interval.weeks(1), tuple(steps), note
    )


def lac_visits_placed_with_parent_before_assessment(facts: ChildContactFacts) -> VisitSchedule:
    """Where the child is placed with a parent before the assessment is complete (reg 19), visit at least
    once a week until the first review, then at intervals of not more than six weeks.

    Source: CPPCR 2010 reg 28(3).
    """
    return _weekly_until_first_review(facts, Interval.weeks(6), f"{CPPCR} reg 28(3)", "placed with a parent")


def lac_visits_connected_person_or_ico_at_home(facts: ChildContactFacts) -> VisitSchedule:
    """Where the child is placed with a temporarily approved connected person (reg 24), or lives with a
    parent under an interim care order, visit at least once a week until the first review, then at
    intervals of not more than four weeks.

    Source: CPPCR 2010 reg 28(4).
    """
    return _weekly_until_first_review(
        facts, Interval.weeks(4), f"{CPPCR} reg 28(4)", "connected person or interim care order at home"
    )


def lac_visits_care_order_at_home(facts: ChildContactFacts) -> VisitSchedule:
    """Where a care order has been made and the child lives with a parent, visit within one week of the
    making of the care order, then at intervals of not more than six weeks.

    Source: CPPCR 2010 reg 28(5).
    """
    return VisitSchedule(
        "Looked-after child visits (care order, living with a parent)",
        f"{CPPCR} reg 28(5)",
        facts.care_order_living_with_parent_since,
        Interval.weeks(1),
        (IntervalStep(None, Interval.weeks(6)),),
    )


def lac_visits_short_breaks(facts: ChildContactFacts) -> VisitSchedule:
    """For a series of short breaks, visit on days the child is in fact placed, at regular intervals
    agreed with the IRO and the child's parents.

    Source: CPPCR 2010 reg 48(3)(c).
    """
    agreed = facts.short_break_visit_interval
    return VisitSchedule(
        "Short-break visits",
        f"{CPPCR} reg 48(3)(c)",
        None,
        None,
        () if agreed is None else (IntervalStep(None, agreed),),
        "Interval agreed with the IRO and parents" + ("" if agreed else ": none recorded"),
    )


def _weekly_until_first_review(
    facts: ChildContactFacts, then: Interval, source: str, variant: str
) -> VisitSchedule:
    anchor = facts.placement_started_on or facts.looked_after_since
    steps = [IntervalStep(None, Interval.weeks(1))]
    if facts.first_review_on is not None:
        steps.append(IntervalStep(facts.first_review_on, then))
    return VisitSchedule(
        f"Looked-after child visits ({variant})", source, anchor, Interval.weeks(1), tuple(steps)
    )


def lac_visit_schedule(facts: ChildContactFacts) -> tuple[str, VisitSchedule]:
    """The reg 28 variant that applies, most demanding first: (4), (3), (5), short breaks, then (2)."""
    if facts.connected_person_temporary_approval or facts.interim_care_order_living_with_parent:
        return LAC_VISIT, lac_visits_connected_person_or_ico_at_home(facts)
    if facts.placed_with_parent_before_assessment:
        return LAC_VISIT, lac_visits_placed_with_parent_before_assessment(facts)
    if facts.care_order_living_with_parent_since is not None:
        return LAC_VISIT, lac_visits_care_order_at_home(facts)
    if facts.short_breaks:
        return SHORT_BREAK_VISIT, lac_visits_short_breaks(facts)
    return LAC_VISIT, lac_visits_general(facts)


def statutory_minimum(
    status: str,
    *,
    facts: ChildContactFacts,
    rules: RulesInForce,
    practice: Mapping[str, PracticeStandard] | None = None,
    interval_starts_on: date | None = None,
) -> StatutoryMinimum | None:
    """The minimum contact `status` requires, under `rules` (the regime of `rules.day`).

    The phase of a looked-after rule (first year of a placement, before the first review) is taken on
    `interval_starts_on`, default `rules.day`. `practice` gives the LA's practice standards for statuses
    with no national rule (default `DEFAULT_PRACTICE_STANDARDS`). None if the status has no minimum.
    """
    if status not in STATUSES:
        raise ValueError(f"Unknown legal status {status!r}")
    phase_day = interval_starts_on or rules.day
    if status == LAC:
        requirement, schedule = lac_visit_schedule(facts)
        return _looked_after_minimum(requirement, schedule, rules, phase_day)
    standard = (DEFAULT_PRACTICE_STANDARDS if practice is None else practice).get(status)
    if standard is None:
        return None
    return _practice_minimum(status, standard, facts, rules)


def statutory_minimums(
    statuses: Iterable[str],
    *,
    facts: ChildContactFacts,
    rules: RulesInForce,
    practice: Mapping[str, PracticeStandard] | None = None,
) -> tuple[StatutoryMinimum, ...]:
    """The minimum for each open status that has one, in the order of `STATUSES`."""
    wanted = set(statuses)
    found = []
    for status in STATUSES:
        if status in wanted:
            minimum = statutory_minimum(status, facts=facts, rules=rules, practice=practice)
            if minimum is not None:
                found.append(minimum)
    return tuple(found)


def _looked_after_minimum(
    requirement: str, schedule: VisitSchedule, rules: RulesInForce, phase_day: date
) -> StatutoryMinimum:
    timing = rules.timing_relaxation(requirement)
    mode = rules.mode_relaxation(requirement)
    asarp = timing is not None and timing.effect is Effect.AS_SOON_AS_REASONABLY_PRACTICABLE
    replacement = timing.replacement if timing is not None and timing.effect is Effect.EXTENDED else None
    modes = AT_HOME | REMOTE if mode is not None else AT_HOME
    notes = [schedule.note] if schedule.note else []
    notes.append(
        "A visit is made wherever the child is living (reg 28(1)): a meeting elsewhere does not count."
    )
    sources = [schedule.source]
    for relaxation in (timing, mode):
        if relaxation is not None:
            notes.append(relaxation.detail)
            sources.append(relaxation.source)
    minimum = StatutoryMinimum(
        requirement=requirement,
        label=schedule.label,
        interval=None,
        normal_interval=None,
        face_to_face_required=mode is None or mode.effect is Effect.REMOTE_IF_COVID_CONDITION,
        modes=modes,
        source="; ".join(sources),
        statutory=True,
        confirmed=REQUIREMENTS[requirement].confirmed
        and all(r.confirmed for r in (timing, mode) if r is not None)
        and rules.regime.confirmed,
        note=" ".join(notes),
        regime_id=rules.regime.id,
        as_soon_as_reasonably_practicable=asarp,
        remote=mode.effect if mode is not None else None,
        replacement=replacement,
        anchor=schedule.anchor,
        first_within=schedule.first_within,
        steps=schedule.steps,
    )
    return _with_intervals(minimum, phase_day)


def _practice_minimum(
    status: str, standard: PracticeStandard, facts: ChildContactFacts, rules: RulesInForce
) -> StatutoryMinimum:
    label = REQUIREMENTS[standard.requirement].label if standard.requirement in REQUIREMENTS else status
    minimum = StatutoryMinimum(
        requirement=standard.requirement,
        label=label,
        interval=None,
        normal_interval=None,
        face_to_face_required=standard.face_to_face_required,
        modes=standard.modes,
        source=standard.source,
        statutory=False,
        confirmed=standard.confirmed,
        note=standard.note,
        regime_id=rules.regime.id,
        anchor=facts.status_started_on.get(status),
        first_within=standard.interval,
        steps=(IntervalStep(None, standard.interval),),
    )
    return _with_intervals(minimum, rules.day)


def _with_intervals(minimum: StatutoryMinimum, phase_day: date) -> StatutoryMinimum:
    return replace(
        minimum,
        interval=minimum.interval_from(phase_day),
        normal_interval=minimum.normal_interval_from(phase_day),
    )
