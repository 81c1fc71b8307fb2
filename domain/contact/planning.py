"""Contact planning by risk: propose a plan, and assess any plan against the minimums.

`propose_plan` starts from the LA's cadence for the rating and the child's statuses (the most demanding
where several are open) and lifts it to every statutory minimum: the system never proposes less than
the law requires. A local practice standard (child protection, child in need, care leavers: no
national rule) is lifted to as well outside a local emergency; during one, contact follows the risk
rating and falling short of the practice standard is a departure to record, not a change to the plan
(DfE guidance 3 April 2020, "Supporting the workforce": "Where authorities need to deviate from
standard practice and statutory requirements, we expect that they will keep clear records to capture
the rationale and risk assessment for that").

After lifting, red is never proposed less contact than amber would get, nor amber than green, whatever
the settings: a lower rating's statutory lift carries up to the higher ratings.

`assess_plan` judges any plan (proposed or chosen by the practitioner): a plan under a minimum is always
a departure (PRODUCT.md M6), with what was required and what is planned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from domain.contact.enums import RATINGS, STATUS_LABELS, Rating, describe_modes
from domain.contact.facts import ChildContactFacts
from domain.contact.minimums import StatutoryMinimum, statutory_minimums
from domain.contact.plan import ContactPlan, at_least_as_demanding, fit_face_to_face, most_demanding
from domain.contact.rag import RagSettings
from domain.intervals import Interval, never_longer, shortest
from domain.regimes import Effect, RulesInForce

LA_STANDARD = "la.contact_standard"


class DepartureKind(StrEnum):
    STATUTORY = "statutory"  # below a requirement of law
    PRACTICE = "practice"  # below a local practice standard or guidance (no national rule)
    NORMAL_TIMESCALE = "normal_timescale"  # relaxed to "as soon as reasonably practicable", planned later
    LA_STANDARD = "la_standard"  # below the LA's own cadence for the rating


@dataclass(frozen=True)
class DepartureNeeded:
    """A shortfall that needs a recorded departure: what was required, what is planned, and why it binds."""

    requirement: str
    required: str
    planned: str
    source: str
    kind: DepartureKind
    confirmed: bool

    @property
    def statutory(self) -> bool:
        return self.kind is DepartureKind.STATUTORY


@dataclass(frozen=True)
class PlanAssessment:
    """`below_statutory_minimum`: below a minimum shown beside the plan (a law, or a labelled practice
    standard); `below_legal_minimum`: below a requirement of law."""

    below_statutory_minimum: bool
    below_legal_minimum: bool
    departures: tuple[DepartureNeeded, ...]
    minimums: tuple[StatutoryMinimum, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PlanProposal:
    rating: Rating
    plan: ContactPlan
    # The LA's cadence for the rating and statuses, before any statutory minimum lifted it.
    la_standard: ContactPlan
    minimums: tuple[StatutoryMinimum, ...]
    reasons: tuple[str, ...]
    assessment: PlanAssessment
    settings_label: str


def a_rating(rating: Rating) -> str:
    """ "a red rating", "an amber rating": the rating in a sentence."""
    return f"{'an' if rating is Rating.AMBER else 'a'} {rating.value} rating"


def la_standard(rating: Rating, statuses: Iterable[str], settings: RagSettings) -> ContactPlan:
    """The LA's cadence for `rating`: the most demanding over the open statuses ("other" if none)."""
    keys = sorted(set(statuses)) or ["other"]
    plan = settings.cadence(rating, keys[0]).as_plan()
    for status in keys[1:]:
        plan = most_demanding(plan, settings.cadence(rating, status).as_plan())
    return plan


def propose_plan(
    *,
    rating: Rating,
    statuses: Iterable[str],
    facts: ChildContactFacts,
    rules: RulesInForce,
    settings: RagSettings,
) -> PlanProposal:
    """The LA standard for the rating and statuses, never below the statutory minimum, with reasons."""
    open_statuses = frozenset(statuses)
    minimums = statutory_minimums(
        open_statuses, facts=facts, rules=rules, practice=settings.practice_standards
    )
    lifted: dict[Rating, tuple[ContactPlan, list[str]]] = {}
    for each in RATINGS:
        plan = la_standard(each, open_statuses, settings)
        reasons: list[str] = []
        for minimum in minimums:
            if _is_floor(minimum, rules):
                plan, why = _lift(plan, minimum)
                reasons.extend(why)
        lifted[each] = (plan, reasons)

    final: dict[Rating, ContactPlan] = {}
    lower: ContactPlan | None = None
    for each in reversed(RATINGS):
        plan = lifted[each][0] if lower is None else most_demanding(lifted[each][0], lower)
        final[each] = lower = plan

    standard = la_standard(rating, open_statuses, settings)
    names = ", ".join(STATUS_LABELS[s] for s in sorted(open_statuses) if s in STATUS_LABELS)
    child = f"a child with {names}" if names else "a child with no open legal status"
    reasons = [f"The council's standard for {a_rating(rating)}, for {child}: {standard.describe()}."]
    reasons.extend(lifted[rating][1])
    if final[rating] != lifted[rating][0]:
        reasons.append(
            f"Raised so that {a_rating(rating)} gets at least the contact a lower rating would get."
        )
    if not rules.risk_based_planning:
        reasons.append("No local emergency is in force, so the council's practice standards are minimums.")
    plan = final[rating]
    return PlanProposal(
        rating=rating,
        plan=plan,
        la_standard=standard,
        minimums=minimums,
        reasons=tuple(reasons),
        assessment=assess_plan(
            plan, rating=rating, statuses=open_statuses, facts=facts, rules=rules, settings=settings
        ),
        settings_label=settings.label,
    )


def assess_plan(
    plan: ContactPlan,
    *,
    rating: Rating,
    statuses: Iterable[str],
    facts: ChildContactFacts,
    rules: RulesInForce,
    settings: RagSettings,
) -> PlanAssessment:
    """Every way `plan` falls short: of each minimum for the open statuses, and of the LA's cadence."""
    open_statuses = frozenset(statuses)
    minimums = statutory_minimums(
        open_statuses, facts=facts, rules=rules, practice=settings.practice_standards
    )
    departures: list[DepartureNeeded] = []
    notes: list[str] = []
    for minimum in minimums:
        departures.extend(shortfalls(plan, minimum))
        if minimum.remote is Effect.REMOTE_IF_COVID_CONDITION:
            notes.append(
                f"{minimum.label}: a remote visit counts only for a recorded coronavirus reason, following "
                "the nominated officer's recommendations (CPPCR 2010 reg 28(1A)-(1E))."
            )
        if not minimum.confirmed:
            notes.append(f"{minimum.label}: {minimum.note or 'figure unconfirmed'}")
    standard = la_standard(rating, open_statuses, settings)
    if not at_least_as_demanding(plan, standard):
        departures.append(
            DepartureNeeded(
                requirement=LA_STANDARD,
                required=standard.describe(),
                planned=plan.describe(),
                source=f"{settings.label}, {rating.value}",
                kind=DepartureKind.LA_STANDARD,
                confirmed=True,
            )
        )
    return PlanAssessment(
        below_statutory_minimum=any(
            d.kind in (DepartureKind.STATUTORY, DepartureKind.PRACTICE) for d in departures
        ),
        below_legal_minimum=any(d.kind is DepartureKind.STATUTORY for d in departures),
        departures=tuple(departures),
        minimums=minimums,
        notes=tuple(notes),
    )


def shortfalls(plan: ContactPlan, minimum: StatutoryMinimum) -> list[DepartureNeeded]:
    """How `plan` falls short of one minimum (empty if it meets it)."""
    kind = DepartureKind.STATUTORY if minimum.statutory else DepartureKind.PRACTICE
    found: list[DepartureNeeded] = []

    def departure(required: str, planned: str, departure_kind: DepartureKind = kind) -> None:
        found.append(
            DepartureNeeded(
                minimum.requirement, required, planned, minimum.source, departure_kind, minimum.confirmed
            )
        )

    if minimum.as_soon_as_reasonably_practicable:
        normal = minimum.normal_interval
        if normal is not None and not never_longer(plan.interval, normal):
            departure(
                "as soon as reasonably practicable where the normal timescale "
                f"(every {normal}) cannot be met",
                f"every {plan.interval}",
                DepartureKind.NORMAL_TIMESCALE,
            )
        return found
    if minimum.interval is None:
        return found
    if not never_longer(plan.interval, minimum.interval):
        departure(f"contact at least every {minimum.interval}", f"every {plan.interval}")
    if minimum.face_to_face_required:
        gap = plan.face_to_face_interval
        covid = "; remote only for a recorded coronavirus reason" if minimum.remote else ""
        required = (
            f"face to face ({describe_modes(minimum.face_to_face_modes)}) at least every {minimum.interval}"
        )
        if gap is None or not never_longer(gap, minimum.interval):
            departure(required + covid, f"face to face every {gap}" if gap else "no face-to-face contact")
        elif not plan.modes & minimum.face_to_face_modes:
            departure(required + covid, f"face to face only {describe_modes(plan.face_to_face_modes)}")
    elif not plan.modes & minimum.modes:
        departure(f"contact by {describe_modes(minimum.modes)}", f"by {describe_modes(plan.modes)}")
    return found


def _is_floor(minimum: StatutoryMinimum, rules: RulesInForce) -> bool:
    """The law is always a floor; a practice standard is one except during a local emergency."""
    return minimum.statutory or not rules.risk_based_planning


def _lift(plan: ContactPlan, minimum: StatutoryMinimum) -> tuple[ContactPlan, list[str]]:
    """Raise `plan` to meet `minimum` (to the normal timescale where it became as soon as practicable)."""
    reasons: list[str] = []
    target: Interval | None = minimum.interval
    if target is None and minimum.as_soon_as_reasonably_practicable:
        target = minimum.normal_interval
    if target is None:
        return plan, reasons
    if not never_longer(plan.interval, target):
        interval = shortest(plan.interval, target)
        reasons.append(
            f"{minimum.label} every {target} ({minimum.source}): contact every {interval} "
            f"instead of {plan.interval}."
        )
        plan = replace(plan, interval=interval)
    if minimum.face_to_face_required and minimum.interval is not None:
        modes = plan.modes
        if not modes & minimum.face_to_face_modes:
            reasons.append(
                f"{minimum.label}: {describe_modes(minimum.face_to_face_modes)} added to the modes."
            )
            modes = modes | minimum.face_to_face_modes
        every = plan.face_to_face_every
        gap = plan.face_to_face_interval
        if gap is None or not never_longer(gap, minimum.interval):
            every = fit_face_to_face(plan.interval, minimum.interval)
            contacts = "every contact" if every == 1 else f"at least every {every} contacts"
            reasons.append(
                f"{minimum.label} face to face at least every {minimum.interval} ({minimum.source}): "
                f"face to face {contacts}."
            )
        plan = ContactPlan(plan.interval, every, modes)
    return plan, reasons
