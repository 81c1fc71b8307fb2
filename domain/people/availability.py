"""Who is available on a given day: staff absence is a set of dated periods with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

AVAILABLE = "available"


@dataclass(frozen=True)
class Absence:
    status: str
    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def status_on(absences: Iterable[Absence], day: date) -> Absence | None:
    """The absence covering `day`, or None if the person is available.

    Where periods overlap (they should not: the record refuses it), the one that started last wins,
    being the most recent information.
    """
    covering = [a for a in absences if a.covers(day) and a.status != AVAILABLE]
    if not covering:
        return None
    return max(covering, key=lambda a: a.starts_on)
