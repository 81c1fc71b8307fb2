"""A contact plan: how often a child is seen, how often face to face, and by which modes.

A plan means: a contact in one of `modes`, with the child seen, at least every `interval`; and a
face-to-face contact at least every `interval` x `face_to_face_every` (1: every contact, 2: every
other contact, 0: none required).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.contact.enums import FACE_TO_FACE, Mode, describe_modes
from domain.intervals import Interval, never_longer, shortest

INTERVAL_TOO_SHORT = "The time between contacts must be at least 1 day"
FACE_TO_FACE_NEGATIVE = "How often contact is face to face must be 0 (never required) or more"
NO_MODES = "Choose at least one way of making contact"
NO_FACE_TO_FACE_MODE = (
    "A plan that needs face-to-face contact must allow a face-to-face way of making contact"
)


def plan_problems(*, interval: Interval, face_to_face_every: int, modes: Iterable[Mode]) -> list[str]:
    """What is wrong with a plan or cadence, as messages to show (empty if nothing)."""
    allowed = frozenset(modes)
    problems = []
    if interval.amount < 1:
        problems.append(INTERVAL_TOO_SHORT)
    if face_to_face_every < 0:
        problems.append(FACE_TO_FACE_NEGATIVE)
    if not allowed:
        problems.append(NO_MODES)
    elif face_to_face_every > 0 and not allowed & FACE_TO_FACE:
        problems.append(NO_FACE_TO_FACE_MODE)
    return problems


@dataclass(frozen=True)
class ContactPlan:
    interval: Interval
    face_to_face_every: int
    modes: frozenset[Mode]

    def __post_init__(self) -> None:
        object.__setattr__(self, "modes", frozenset(Mode(m) for m in self.modes))
        problems = plan_problems(
            interval=self.interval, face_to_face_every=self.face_to_face_every, modes=self.modes
        )
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def face_to_face_interval(self) -> Interval | None:
        """The longest time allowed between face-to-face contacts; None if none is required."""
        return self.interval.times(self.face_to_face_every) if self.face_to_face_every else None

    @property
    def face_to_face_modes(self) -> frozenset[Mode]:
        return self.modes & FACE_TO_FACE

    def describe(self) -> str:
        if self.face_to_face_every == 0:
            f2f = "face to face not required"
        elif self.face_to_face_every == 1:
            f2f = "every contact face to face"
        else:
            every = self.face_to_face_every
            f2f = f"face to face at least every {every} contacts ({self.face_to_face_interval})"
        return f"Every {self.interval}; {f2f}; by {describe_modes(self.modes)}"


def gap_never_longer(a: Interval | None, b: Interval | None) -> bool:
    """Compare face-to-face gaps, where None means no face-to-face contact is required (no limit)."""
    if b is None:
        return True
    if a is None:
        return False
    return never_longer(a, b)


def at_least_as_demanding(a: ContactPlan, b: ContactPlan) -> bool:
    """True if plan `a` has contact at least as often as `b`, and face to face at least as often."""
    return never_longer(a.interval, b.interval) and gap_never_longer(
        a.face_to_face_interval, b.face_to_face_interval
    )


def fit_face_to_face(interval: Interval, gap: Interval) -> int:
    """The largest k >= 1 with `interval` x k never longer than `gap` (1 if even one is not)."""
    k = 1
    while never_longer(interval.times(k + 1), gap):
        k += 1
    return k


def most_demanding(a: ContactPlan, b: ContactPlan) -> ContactPlan:
    """A plan at least as demanding as both: the shorter interval and the shorter face-to-face gap.

    Modes stay `a`'s, with `b`'s face-to-face modes added if `a` had none and face to face is needed.
    """
    interval = shortest(a.interval, b.interval)
    gaps = [g for g in (a.face_to_face_interval, b.face_to_face_interval) if g is not None]
    modes = a.modes
    if not gaps:
        return ContactPlan(interval, 0, modes)
    gap = gaps[0] if len(gaps) == 1 else shortest(gaps[0], gaps[1])
    if not never_longer(interval, gap):
        interval = shortest(interval, gap)
    if not modes & FACE_TO_FACE:
        modes = modes | b.face_to_face_modes
    return ContactPlan(interval, fit_face_to_face(interval, gap), modes)
