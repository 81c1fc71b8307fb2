"""Policy regimes: which rules applied on a given day, as effective-dated data.

A national regime is the set of statutory relaxations in force in England on a day; exactly one
applies on every date (`NATIONAL_REGIMES` runs from `date.min` with no gap or overlap). An LA's own
declared emergency (`LocalEmergency`) relaxes no statute: it switches the LA's practice to risk-based
contact planning and starts the re-rating exercise. `rules_in_force(day)` answers "which rules applied
here?" for any date, so a due date or a departure is judged under the rules of its own day.

Boundaries (all dates inclusive):

* Normal statutory rules until 23 April 2020.
* SI 2020/445 from 24 April 2020 to 24 September 2020. Its "relevant period" is "the period beginning
  with the 24th April 2020 and ending with the 25th September 2020" (reg 2), but SI 2020/909 came into
  force on 25 September 2020 (reg 1(3)). On 25 September both texts speak; this table gives the day to
  SI 2020/909, the narrower rule (a remote visit needs a COVID reason and a record), so no visit on
  that day is excused by the wider 445 relaxation. Savings in SI 2020/445 regs 15-22 (action begun in
  the relevant period may be completed under it) are the caller's to apply: ask with the date the
  action began.
* SI 2020/909 from 25 September 2020 to 31 March 2021 (its expiry).
* The Adoption and Children (Coronavirus) (Amendment) Regulations 2021 from 1 April 2021 to
  30 September 2021. SI number UNCONFIRMED; start taken as the day after SI 2020/909 expired.
* Normal statutory rules again from 1 October 2021.

The notification of a serious incident to the Child Safeguarding Practice Review Panel (Children Act
2004 s16C; Working Together 2018 ch.4) is never relaxed: `check_regimes` refuses a regime that tries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from domain.intervals import Interval


class Effect(StrEnum):
    """What a relaxation does to a requirement."""

    # Phone or video counts as the visit (SI 2020/445).
    REMOTE_ALLOWED = "remote_allowed"
    # Remote only where in person would be contrary to PHE/DHSC guidance or not reasonably practicable
    # for a coronavirus reason; a record kept; the nominated officer's recommendations followed
    # (SI 2020/909 reg 4, inserting CPPCR 2010 reg 28(1A)-(1E)).
    REMOTE_IF_COVID_CONDITION = "remote_if_covid_condition"
    # No date can be computed; tracked as a departure until done.
    AS_SOON_AS_REASONABLY_PRACTICABLE = "as_soon_as_reasonably_practicable"
    # A longer period replaces the normal one (`Relaxation.replacement`).
    EXTENDED = "extended"


MODE_EFFECTS = frozenset({Effect.REMOTE_ALLOWED, Effect.REMOTE_IF_COVID_CONDITION})
TIMING_EFFECTS = frozenset({Effect.AS_SOON_AS_REASONABLY_PRACTICABLE, Effect.EXTENDED})


@dataclass(frozen=True)
class Requirement:
    """A duty a regime may relax, with its normal legal source.

    `statutory` is False for a local practice standard or guidance (no national rule); `confirmed` is
    False where the figure or reference could not be checked against a primary text.
    """

    id: str
    label: str
    source: str
    statutory: bool = True
    confirmed: bool = True
    note: str = ""


CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959)"

_REQUIREMENTS = (
    Requirement("lac.visit", "Visits to a looked-after child", f"{CPPCR} reg 28"),
    Requirement(
        "lac.short_break_visit",
        "Visits to a child on a series of short breaks",
        f"{CPPCR} reg 48(3)(c)",
        note="Visits on days the child is placed, at intervals agreed with the IRO and the parents.",
    ),
    Requirement(
        "lac.review",
        "Looked-after child reviews",
        f"{CPPCR} reg 33",
        confirmed=False,
        note="20 (working) days, 3 months, then 6 months: 'working' UNCONFIRMED from the primary text.",
    ),
    Requirement("lac.placement_plan", "Placement plan within 5 working days", f"{CPPCR} reg 9(2)"),
    Requirement(
        "fostering.temporary_approval",
        "Temporary approval of a connected person as a foster carer (16 weeks)",
        f"{CPPCR} regs 24-25",
    ),
    Requirement(
        "fostering.emergency_placement",
        "Emergency placement with a foster carer outside their terms of approval (6 working days)",
        f"{CPPCR} reg 23",
        confirmed=False,
        note="Whether the 6 days are working days is UNCONFIRMED.",
    ),
    Requirement(
        "fostering.ofsted_notification",
        "Fostering service notifications to Ofsted",
        "Fostering Services (England) Regulations 2011 Sch 7",
        confirmed=False,
    ),
    Requirement(
        "private_fostering.notification_action",
        "Action after notice of a private fostering arrangement (7 days)",
        "Children (Private Arrangements for Fostering) Regulations 2005",
    ),
    Requirement(
        "complaints.response",
        "Children Act 1989 complaints timescales",
        "Children Act 1989 Representations Procedure (England) Regulations 2006",
    ),
    Requirement(
        "serious_incident.notification",
        "Notify the Child Safeguarding Practice Review Panel within 5 working days",
        "Children Act 2004 s16C; Working Together to Safeguard Children 2018 ch.4",
        note="Never relaxed: DfE guidance 3 April 2020 ('Safeguarding'): the 5 working days remain.",
    ),
    Requirement(
        "cp.visit",
        "Visits to a child with a child protection plan",
        "No national statutory frequency (Working Together 2018 leaves it to the plan): local practice",
        statutory=False,
        confirmed=False,
    ),
    Requirement(
        "cin.visit",
        "Visits to a child in need",
        "No national statutory frequency: local practice",
        statutory=False,
        confirmed=False,
    ),
    Requirement(
        "care_leaver.pa_contact",
        "Personal adviser contact with a care leaver",
        "Statutory guidance, Children Act 1989 Guidance and Regulations Vol.3 (figure UNCONFIRMED)",
        statutory=False,
        confirmed=False,
    ),
)

REQUIREMENTS: Mapping[str, Requirement] = {r.id: r for r in _REQUIREMENTS}
NEVER_RELAXED = frozenset({"serious_incident.notification"})


@dataclass(frozen=True)
class Relaxation:
    """One change a regime makes to one requirement. A requirement may have a timing and a mode change."""

    requirement: str
    effect: Effect
    detail: str
    source: str
    replacement: Interval | None = None
    confirmed: bool = True


@dataclass(frozen=True)
class Regime:
    """A national set of rules, in force from `starts_on` to `ends_on` inclusive (None: still in force)."""

    id: str
    name: str
    starts_on: date
    ends_on: date | None
    source: str
    relaxations: tuple[Relaxation, ...] = ()
    confirmed: bool = True
    note: str = ""

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @property
    def is_normal(self) -> bool:
        return not self.relaxations

    def relaxations_of(self, requirement: str) -> tuple[Relaxation, ...]:
        return _relaxations_of(self, requirement)

    def timing_relaxation(self, requirement: str) -> Relaxation | None:
        """How this regime changes when `requirement` is due (as soon as reasonably practicable, extended)."""
        return next((r for r in self.relaxations_of(requirement) if r.effect in TIMING_EFFECTS), None)

    def mode_relaxation(self, requirement: str) -> Relaxation | None:
        """How this regime lets `requirement` be met remotely (always, or under the COVID condition)."""
        return next((r for r in self.relaxations_of(requirement) if r.effect in MODE_EFFECTS), None)


@lru_cache(maxsize=1024)
def _relaxations_of(regime: Regime, requirement: str) -> tuple[Relaxation, ...]:
    return tuple(r for r in regime.relaxations if r.requirement == requirement)


@dataclass(frozen=True)
class LocalEmergency:
    """An LA's own declared emergency: risk-based contact planning and re-rating by `rating_target_date`.

    It relaxes no statute. Dates inclusive; `ends_on` None while it lasts.
    """

    id: str
    name: str
    starts_on: date
    ends_on: date | None = None
    rating_target_date: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


NORMAL_SOURCE = (
    f"{CPPCR}, in force 1 April 2011; Fostering Services (England) Regulations 2011; Adoption Agencies "
    "Regulations 2005; Working Together to Safeguard Children 2018"
)
SI_445 = "The Adoption and Children (Coronavirus) (Amendment) Regulations 2020 (SI 2020/445)"
SI_909 = "The Adoption and Children (Coronavirus) (Amendment) (No.2) Regulations 2020 (SI 2020/909)"
REGS_2021 = "The Adoption and Children (Coronavirus) (Amendment) Regulations 2021 (SI number UNCONFIRMED)"

_VISIT_REMOTE_445 = "Any visit may be conducted by telephone, video-link or other electronic means."
_VISIT_COVID_CONDITION = (
    "A visit may be by telephone, video-link or other electronic means only where visiting in person "
    "would be contrary to Public Health England or DHSC coronavirus guidance, or is not reasonably "
    "practicable for a reason relating to coronavirus. The nominated officer's recommendations must be "
    "followed and a record kept of each such visit."
)

NORMAL_UNTIL_2020 = Regime(
    id="normal",
    name="Normal statutory rules",
    starts_on=date.min,
    ends_on=date(2020, 4, 23),
    source=NORMAL_SOURCE,
    note=(
        "Dates before 1 April 2011 are judged by the 2010 Regulations too: the predecessor 1991 "
        "regulations are not modelled."
    ),
)

SI_2020_445 = Regime(
    id="si-2020-445",
    name="Coronavirus amendments (SI 2020/445)",
    starts_on=date(2020, 4, 24),
    ends_on=date(2020, 9, 24),
    source=f"{SI_445}, in force 24 April 2020; relevant period to 25 September 2020 (reg 2)",
    note=(
        "The relevant period ran to 25 September 2020, the day SI 2020/909 came into force; that day is "
        "judged under SI 2020/909, the narrower rule. Savings (regs 15-22): action begun in the period "
        "may be completed under these rules."
    ),
    relaxations=(
        Relaxation(
            "lac.visit",
            Effect.REMOTE_ALLOWED,
            _VISIT_REMOTE_445,
            f"{SI_445} reg 8, inserting CPPCR 2010 reg 28(1A)",
        ),
        Relaxation(
            "lac.visit",
            Effect.AS_SOON_AS_REASONABLY_PRACTICABLE,
            "Where a visit cannot be made within the timescale it is made as soon as reasonably practicable.",
            f"{SI_445} reg 8, amending CPPCR 2010 reg 28",
        ),
        Relaxation(
            "lac.short_break_visit",
            Effect.REMOTE_ALLOWED,
            _VISIT_REMOTE_445 + " (Applies to short-break visits as visits under reg 28: UNCONFIRMED.)",
            f"{SI_445} reg 8, amending CPPCR 2010 regs 28 and 48",
            confirmed=False,
        ),
        Relaxation(
            "lac.review",
            Effect.AS_SOON_AS_REASONABLY_PRACTICABLE,
            "Reviews take place where reasonably practicable.",
            f"{SI_445} reg 8, amending CPPCR 2010 reg 33",
        ),
        Relaxation(
            "lac.review",
            Effect.REMOTE_ALLOWED,
            "Reviews may be held by telephone, video-link or other electronic means.",
            f"{SI_445} reg 8, amending CPPCR 2010 Part 6",
        ),
        Relaxation(
            "lac.placement_plan",
            Effect.AS_SOON_AS_REASONABLY_PRACTICABLE,
            "'Within five working days of' the placement became 'as soon as is reasonably practicable "
            "after'.",
            f"{SI_445} reg 8(4), amending CPPCR 2010 reg 9(2)",
        ),
        Relaxation(
            "fostering.temporary_approval",
            Effect.EXTENDED,
            "Any person (not only a connected person) may be approved temporarily, for up to 24 weeks "
            "instead of 16.",
            f"{SI_445} reg 8, amending CPPCR 2010 regs 24-25 (explanatory note)",
            replacement=Interval.weeks(24),
        ),
        Relaxation(
            "fostering.emergency_placement",
            Effect.EXTENDED,
            "An emergency placement outside a foster carer's terms of approval may last up to 24 weeks "
            "instead of 6 days.",
            f"{SI_445} reg 8, amending CPPCR 2010 reg 23 (explanatory note; Spire Barristers briefing)",
            replacement=Interval.weeks(24),
        ),
        Relaxation(
            "fostering.ofsted_notification",
            Effect.AS_SOON_AS_REASONABLY_PRACTICABLE,
            "Notifications to Ofsted as soon as is reasonably practicable.",
            f"{SI_445} reg 9, amending the Fostering Services (England) Regulations 2011",
            confirmed=False,
        ),
        Relaxation(
            "private_fostering.notification_action",
            Effect.AS_SOON_AS_REASONABLY_PRACTICABLE,
            "Action after notice of a private fostering arrangement as soon as reasonably practicable "
            "instead of within 7 days.",
            f"{SI_445} reg 5",
        ),
        Relaxation(
            "complaints.response",
            Effect.AS_SOON_AS_REASONABLY_PRACTICABLE,
            "Complaints timescales become as soon as reasonably practicable.",
            f"{SI_445} reg 6",
            confirmed=False,
        ),
    ),
)

SI_2020_909 = Regime(
    id="si-2020-909",
    name="Coronavirus amendments (SI 2020/909)",
    starts_on=date(2020, 9, 25),
    ends_on=date(2021, 3, 31),
    source=f"{SI_909}, in force 25 September 2020 (reg 1(3)), expired 31 March 2021",
    note=(
        "Also kept: remote interviews in residential family centres, and adopters' and foster carers' "
        "medical information moved from stage 1 to stage 2 (not contact rules, so not listed here)."
    ),
    relaxations=(
        Relaxation(
            "lac.visit",
            Effect.REMOTE_IF_COVID_CONDITION,
            _VISIT_COVID_CONDITION,
            f"{SI_909} reg 4(2), inserting CPPCR 2010 reg 28(1A)-(1E)",
        ),
        Relaxation(
            "lac.short_break_visit",
            Effect.REMOTE_IF_COVID_CONDITION,
            _VISIT_COVID_CONDITION,
            f"{SI_909} reg 4(3), inserting CPPCR 2010 reg 48(4)-(6)",
        ),
    ),
)

COVID_2021 = Regime(
    id="covid-2021",
    name="Coronavirus amendments (2021 regulations)",
    starts_on=date(2021, 4, 1),
    ends_on=date(2021, 9, 30),
    source=f"{REGS_2021}, extending the SI 2020/909 flexibilities to 30 September 2021",
    confirmed=False,
    note="SI number UNCONFIRMED; start taken as 1 April 2021, the day after SI 2020/909 expired.",
    relaxations=(
        Relaxation(
            "lac.visit",
            Effect.REMOTE_IF_COVID_CONDITION,
            _VISIT_COVID_CONDITION,
            f"{REGS_2021}, continuing CPPCR 2010 reg 28(1A)-(1E)",
            confirmed=False,
        ),
        Relaxation(
            "lac.short_break_visit",
            Effect.REMOTE_IF_COVID_CONDITION,
            _VISIT_COVID_CONDITION,
            f"{REGS_2021}, continuing CPPCR 2010 reg 48(4)-(6)",
            confirmed=False,
        ),
    ),
)

NORMAL_FROM_2021 = Regime(
    id="normal-2021",
    name="Normal statutory rules",
    starts_on=date(2021, 10, 1),
    ends_on=None,
    source=NORMAL_SOURCE,
    note=(
        "The coronavirus flexibilities expired on 30 September 2021 (CoramBAAF, 'End of coronavirus "
        "regulations')."
    ),
)

NATIONAL_REGIMES: tuple[Regime, ...] = (
    NORMAL_UNTIL_2020,
    SI_2020_445,
    SI_2020_909,
    COVID_2021,
    NORMAL_FROM_2021,
)


def check_regimes(regimes: Sequence[Regime]) -> list[str]:
    """Problems with a national regime table: gaps, overlaps, unknown or never-relaxed requirements."""
    problems: list[str] = []
    if not regimes:
        return ["There must be at least one regime"]
    if regimes[0].starts_on != date.min:
        problems.append(f"The first regime ({regimes[0].id}) must start at the beginning of time")
    if regimes[-1].ends_on is not None:
        problems.append(f"The last regime ({regimes[-1].id}) must not end")
    for earlier, later in zip(regimes, regimes[1:], strict=False):
        if earlier.ends_on is None or later.starts_on != earlier.ends_on + timedelta(days=1):
            problems.append(f"{later.id} must start the day after {earlier.id} ends")
    for regime in regimes:
        if regime.ends_on is not None and regime.ends_on < regime.starts_on:
            problems.append(f"{regime.id} ends before it starts")
        for relaxation in regime.relaxations:
            if relaxation.requirement in NEVER_RELAXED:
                problems.append(f"{regime.id} must not relax {relaxation.requirement}")
            if relaxation.requirement not in REQUIREMENTS:
                problems.append(f"{regime.id} relaxes an unknown requirement {relaxation.requirement}")
            if (relaxation.effect is Effect.EXTENDED) != (relaxation.replacement is not None):
                problems.append(f"{regime.id}: only an extended {relaxation.requirement} has a replacement")
    return problems


def national_regime_on(day: date, regimes: Sequence[Regime] = NATIONAL_REGIMES) -> Regime:
    for regime in regimes:
        if regime.covers(day):
            return regime
    raise LookupError(f"No national regime covers {day.isoformat()}")


def regime_by_id(regime_id: str, regimes: Sequence[Regime] = NATIONAL_REGIMES) -> Regime:
    for regime in regimes:
        if regime.id == regime_id:
            return regime
    raise LookupError(f"No regime {regime_id}")


@dataclass(frozen=True)
class RulesInForce:
    """The national regime and any local emergency in force on `day`."""

    day: date
    regime: Regime
    local_emergency: LocalEmergency | None = None
    local_emergencies: tuple[LocalEmergency, ...] = field(default=(), repr=False)
    national_regimes: tuple[Regime, ...] = field(default=NATIONAL_REGIMES, repr=False)

    @property
    def risk_based_planning(self) -> bool:
        """True during a local emergency: contact follows the risk rating, departures are recorded."""
        return self.local_emergency is not None

    def at(self, day: date) -> RulesInForce:
        """The rules for another day, from the same regime table and local emergencies."""
        return rules_in_force(day, local_emergencies=self.local_emergencies, national=self.national_regimes)

    def relaxations(self, requirement: str) -> tuple[Relaxation, ...]:
        return self.regime.relaxations_of(requirement)

    def relaxation(self, requirement: str, effect: Effect | None = None) -> Relaxation | None:
        """The relaxation of `requirement` (with `effect`, if given); the first listed otherwise.

        A requirement may have both a timing and a mode relaxation (SI 2020/445 LAC visits): use
        `timing_relaxation` / `mode_relaxation`, or pass `effect`, to pick one.
        """
        for relaxation in self.relaxations(requirement):
            if effect is None or relaxation.effect is effect:
                return relaxation
        return None

    def timing_relaxation(self, requirement: str) -> Relaxation | None:
        """How the regime changes when `requirement` is due (as soon as reasonably practicable, extended)."""
        return self.regime.timing_relaxation(requirement)

    def mode_relaxation(self, requirement: str) -> Relaxation | None:
        """How the regime lets `requirement` be met remotely (always, or under the COVID condition)."""
        return self.regime.mode_relaxation(requirement)

    def regime_on(self, day: date) -> Regime:
        """The national regime of another day (cheaper than `at` when local emergencies do not matter)."""
        return self.regime if self.regime.covers(day) else national_regime_on(day, self.national_regimes)

    def describe(self) -> str:
        lines = [f"Rules in force on {format_date(self.day)}: {self.regime.name}, {_period(self.regime)}."]
        lines.append(f"Source: {self.regime.source}.")
        if not self.regime.confirmed:
            lines.append(f"Unconfirmed: {self.regime.note}")
        for relaxation in self.regime.relaxations:
            label = (
                REQUIREMENTS[relaxation.requirement].label if relaxation.requirement in REQUIREMENTS else ""
            )
            lines.append(f"- {label or relaxation.requirement}: {relaxation.detail} ({relaxation.source})")
        if self.regime.is_normal:
            lines.append("No statutory requirement is relaxed.")
        lines.append("Serious incident notification within 5 working days is never relaxed.")
        if self.local_emergency is not None:
            emergency = self.local_emergency
            lines.append(
                f"Local emergency: {emergency.name}, {_period(emergency)}: contact is planned by risk rating "
                "and any departure from standard practice is recorded."
            )
            if emergency.rating_target_date is not None:
                lines.append(f"Every open case to be rated by {format_date(emergency.rating_target_date)}.")
        return "\n".join(lines)


def rules_in_force(
    day: date,
    *,
    local_emergencies: Sequence[LocalEmergency] = (),
    national: Sequence[Regime] = NATIONAL_REGIMES,
) -> RulesInForce:
    """Which rules applied on `day`: the national regime, and the latest-declared local emergency in force."""
    covering = [e for e in local_emergencies if e.covers(day)]
    emergency = max(covering, key=lambda e: e.starts_on) if covering else None
    return RulesInForce(
        day=day,
        regime=national_regime_on(day, national),
        local_emergency=emergency,
        local_emergencies=tuple(local_emergencies),
        national_regimes=tuple(national),
    )


def format_date(day: date) -> str:
    """GOV.UK style: 24 April 2020."""
    return f"{day.day} {day:%B %Y}"


def _period(item: Regime | LocalEmergency) -> str:
    start = "from the start" if item.starts_on == date.min else f"from {format_date(item.starts_on)}"
    end = "" if item.ends_on is None else f" to {format_date(item.ends_on)}"
    return start + end
