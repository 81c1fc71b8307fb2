"""Events announced by core (casework/core/effects.py); the apps above subscribe in `ready()`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListExported:
    """Someone downloaded a list (`casework.core.listing.export`): who, which list, in what format,
    with which filters, and how many rows. The audit app records it."""

    la_id: int | None
    actor_id: int
    list_name: str  # the list's key, e.g. "worklist"
    title: str  # what the user calls it, e.g. "Your worklist"
    format: str  # "csv" or "xlsx"
    filters: tuple[tuple[str, str], ...]  # the query string's pairs, in order, without page and format
    rows: int
