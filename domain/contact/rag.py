"""An LA's RAG settings: what red, amber and green mean, and the contact each needs per legal status.

No national definition of red, amber and green exists (DOMAIN.md section 7: none found, including
Wandsworth's operational guidance). The LA sets its own, with an effective date, and past decisions stay
judged by the settings in force when they were made (`rag_settings_in_force`). `DEFAULT_RAG_SETTINGS` is
Continuity's assumption, derived from the DfE guidance of 3 April 2020 ("those facing the highest risks
are visited the most frequently") and reported LA practice in spring 2020:

* red: face to face every contact at the standard interval, with PPE where needed and a screening call;
* amber: face-to-face and virtual contact alternate at the standard interval;
* green: virtual contact allowed at the standard interval, with the reason recorded.

The standard interval is the statutory one (looked after: 6 weeks) or, where there is no national rule,
the LA's practice standard (child protection: 10 working days). Statutory minimums still apply on top:
see `domain.contact.planning`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from domain.contact.enums import (
    ALL_MODES,
    CARE_LEAVER,
    CIN,
    CP,
    EARLY_HELP,
    FACE_TO_FACE,
    LAC,
    OTHER,
    RATING_LABELS,
    RATINGS,
    STATUS_LABELS,
    STATUSES,
    Mode,
    Rating,
)
from domain.contact.minimums import DEFAULT_PRACTICE_STANDARDS, PracticeStandard
from domain.contact.plan import ContactPlan, gap_never_longer, plan_problems
from domain.intervals import Interval, never_longer


@dataclass(frozen=True)
class Cadence:
    """The LA's contact for one rating and status: every `interval`, face to face every Nth contact."""

    interval: Interval
    face_to_face_every: int
    allowed_modes: frozenset[Mode]
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed_modes", frozenset(Mode(m) for m in self.allowed_modes))

    @property
    def face_to_face_interval(self) -> Interval | None:
        return self.interval.times(self.face_to_face_every) if self.face_to_face_every else None

    def as_plan(self) -> ContactPlan:
        return ContactPlan(self.interval, self.face_to_face_every, self.allowed_modes)


DEFAULT_DEFINITIONS: Mapping[Rating, str] = MappingProxyType(
    {
        Rating.RED: (
            "Highest risk: for example a child protection plan with active concerns, a recent section 47 "
            "enquiry, an unborn child or infant, a child at home under an interim care order or care order, "
            "or a placement at risk. Seen face to face at every contact, at least at the statutory or "
            "standard interval, with a screening call before each visit and PPE where someone in the "
            "household is symptomatic or confirmed."
        ),
        Rating.AMBER: (
            "Medium risk: concerns that need regular sight of the child. Face-to-face and virtual contact "
            "alternate at the statutory or standard interval."
        ),
        Rating.GREEN: (
            "Lower risk: for example a stable long-term foster placement, or a child in need with low needs. "
            "Virtual contact is allowed at the statutory or standard interval, with the reason recorded; "
            "face to face wherever the law still requires it."
        ),
    }
)

DEFAULT_REVIEW_AFTER: Mapping[Rating, Interval] = MappingProxyType(
    {Rating.RED: Interval.weeks(2), Rating.AMBER: Interval.weeks(4), Rating.GREEN: Interval.weeks(6)}
)

# The standard interval per status: statutory where there is one, else the practice standard.
_STANDARD_INTERVALS = {
    CP: Interval.working_days(10),
    CIN: Interval.weeks(4),
    LAC: Interval.weeks(6),
    CARE_LEAVER: Interval.weeks(8),
    EARLY_HELP: Interval.weeks(4),
    OTHER: Interval.weeks(6),
}


def _default_cadences() -> Mapping[tuple[Rating, str], Cadence]:
    cadences: dict[tuple[Rating, str], Cadence] = {}
    for status, interval in _STANDARD_INTERVALS.items():
        cadences[(Rating.RED, status)] = Cadence(
            interval, 1, FACE_TO_FACE, "Face to face every contact; screening call first; PPE if needed."
        )
        cadences[(Rating.AMBER, status)] = Cadence(
            interval, 2, ALL_MODES, "Face to face and virtual alternate."
        )
        cadences[(Rating.GREEN, status)] = Cadence(
            interval, 0, ALL_MODES, "Virtual contact allowed; record the reason."
        )
    return MappingProxyType(cadences)


@dataclass(frozen=True)
class RagSettings:
    """One version of an LA's RAG settings, in force from `effective_from` until the next version.

    `cadences` is keyed by (rating, status); the status "other" is the fallback for statuses with no
    cadence of their own. `review_after`: how soon a rating of each colour is reviewed.
    `practice_standards`: the LA's standards where no national rule exists (child protection, child in
    need, care leavers).
    """

    effective_from: date
    label: str
    is_default: bool
    definitions: Mapping[Rating, str]
    cadences: Mapping[tuple[Rating, str], Cadence]
    source_note: str
    review_after: Mapping[Rating, Interval] = field(default_factory=lambda: DEFAULT_REVIEW_AFTER)
    practice_standards: Mapping[str, PracticeStandard] = field(
        default_factory=lambda: DEFAULT_PRACTICE_STANDARDS
    )

    def cadence(self, rating: Rating, status: str) -> Cadence:
        """The cadence for `rating` and `status`, falling back to the "other" cadence."""
        found = self.cadences.get((rating, status)) or self.cadences.get((rating, OTHER))
        if found is None:
            raise LookupError(f"No {rating} cadence for {status} and no fallback")
        return found


DEFAULT_RAG_SETTINGS = RagSettings(
    effective_from=date.min,
    label="Default settings (no national definition exists)",
    is_default=True,
    definitions=DEFAULT_DEFINITIONS,
    cadences=_default_cadences(),
    source_note=(
        "No national definition of red, amber and green exists (none found, including Wandsworth's COVID-19 "
        "operational guidance): DOMAIN.md section 7, UNCONFIRMED. Derived from the DfE guidance for local "
        "authorities on children's social care, 3 April 2020 ('those facing the highest risks are visited "
        "the most frequently'), and LA practice reported in 2020 (Wokingham, Achieving for Children, "
        "Worcestershire; Research in Practice, July 2020). Review after 2 weeks (red), 4 (amber) and 6 "
        "(green) is also an assumption. Change it to your LA's own definitions."
    ),
)


def rag_settings_in_force(day: date, history: Sequence[RagSettings]) -> RagSettings:
    """The settings version with the latest `effective_from` on or before `day` (the default if none).

    Where two versions share a date, the later one in `history` wins.
    """
    best: RagSettings | None = None
    for settings in history:
        if settings.effective_from <= day and (
            best is None or settings.effective_from >= best.effective_from
        ):
            best = settings
    return best or DEFAULT_RAG_SETTINGS


def validate_rag_settings(settings: RagSettings) -> list[str]:
    """Problems that make a settings version unusable, as messages to show (empty if none).

    Invariant: for the same status, red is never planned less often than amber, nor with less face to
    face, and amber never less than green. Review dates: red sooner than amber sooner than green.
    """
    problems: list[str] = []
    if not settings.label.strip():
        problems.append("Enter a name for these settings")
    for rating in RATINGS:
        if not settings.definitions.get(rating, "").strip():
            problems.append(f"Enter what {RATING_LABELS[rating].lower()} means")
    statuses = {status for _, status in settings.cadences}
    for status in sorted(statuses - {OTHER, *STATUSES}):
        problems.append(f"Unknown legal status {status!r} in the cadences")
    for status in sorted((statuses | {OTHER}) & {OTHER, *STATUSES}):
        problems.extend(_status_problems(settings, status))
    problems.extend(_review_problems(settings))
    for status, standard in settings.practice_standards.items():
        name = STATUS_LABELS.get(status, status)
        for problem in plan_problems(
            interval=standard.interval,
            face_to_face_every=1 if standard.face_to_face_required else 0,
            modes=standard.modes,
        ):
            problems.append(f"Practice standard for {name}: {problem}")
    return problems


def _status_problems(settings: RagSettings, status: str) -> list[str]:
    name = "other statuses" if status == OTHER else STATUS_LABELS[status]
    found = {rating: settings.cadences.get((rating, status)) for rating in RATINGS}
    missing = [RATING_LABELS[r].lower() for r, c in found.items() if c is None]
    if missing:
        return [f"Set the {' and '.join(missing)} contact for {name}"]
    cadences = {rating: cadence for rating, cadence in found.items() if cadence is not None}
    problems = []
    for rating, cadence in cadences.items():
        for problem in plan_problems(
            interval=cadence.interval,
            face_to_face_every=cadence.face_to_face_every,
            modes=cadence.allowed_modes,
        ):
            problems.append(f"{RATING_LABELS[rating]} contact for {name}: {problem}")
    for higher, lower in zip(RATINGS, RATINGS[1:], strict=False):
        high, low = cadences[higher], cadences[lower]
        high_label, low_label = RATING_LABELS[higher], RATING_LABELS[lower].lower()
        if not never_longer(high.interval, low.interval):
            problems.append(
                f"{high_label} must be planned at least as often as {low_label} for {name} "
                f"({high_label.lower()} every {high.interval}, {low_label} every {low.interval})"
            )
        if not gap_never_longer(high.face_to_face_interval, low.face_to_face_interval):
            problems.append(
                f"{high_label} must have face-to-face contact at least as often as {low_label} for {name}"
            )
    return problems


def _review_problems(settings: RagSettings) -> list[str]:
    problems = []
    intervals = {rating: settings.review_after.get(rating) for rating in RATINGS}
    for rating, interval in intervals.items():
        if interval is None or interval.amount < 1:
            problems.append(f"Set when a {RATING_LABELS[rating].lower()} rating is reviewed")
    for higher, lower in zip(RATINGS, RATINGS[1:], strict=False):
        high, low = intervals[higher], intervals[lower]
        if high is not None and low is not None and not never_longer(high, low):
            problems.append(
                f"{RATING_LABELS[higher]} ratings must be reviewed no later than "
                f"{RATING_LABELS[lower].lower()} ratings"
            )
    return problems
