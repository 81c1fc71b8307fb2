"""What the register announces when it changes, for the apps above it (see `casework.core.effects`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RegisterChanged:
    """Children's statuses, placements, team, allocation or restriction changed.

    Subscribers: the contacts app refreshes their due states (which copy these facts).
    """

    la_id: int
    child_ids: tuple[int, ...]
    today: date


@dataclass(frozen=True)
class LookedAfterStarted:
    """A child became looked after (a new looked-after legal status).

    Subscribers: safeguarding opens the first looked-after review deadline (CPPCR 2010 reg 33).
    """

    la_id: int
    child_id: int
    status_id: int
    starts_on: date


@dataclass(frozen=True)
class RerateNeeded:
    """Something happened that puts children's cases back in the re-rating queue (PRODUCT.md M2):
    COVID-19 in the household, a missed school day.

    Subscribers: the risk app records a re-rating trigger for each child.
    """

    la_id: int
    child_ids: tuple[int, ...]
    reason: str
    occurred_on: date
    detail: str
    actor_id: int | None
