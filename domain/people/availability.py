"""Who is available on a given day: staff absence is a set of dated periods with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

AVAILABLE = "available"


class AbsenceLike(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def starts_on(self) -> date: ...
    @property
    def ends_on(self) -> date | None: ...


A = TypeVar("A", bound=AbsenceLike)


@dataclass(frozen=True)
class Absence:
    status: str
    starts_on: date
    ends_on: date | None = None


def covers(absence: AbsenceLike, day: date) -> bool:
    return absence.starts_on <= day and (absence.ends_on is None or day <= absence.ends_on)


def status_on(absences: Iterable[A], day: date) -> A | None:
    """The absence covering `day`, or None if the person is available.

    Where periods overlap (they should not: the record refuses it), the one that started last wins,
    being the most recent information.
    """
    covering = [a for a in absences if covers(a, day) and a.status != AVAILABLE]
    if not covering:
        return None
    return max(covering, key=lambda a: a.starts_on)
