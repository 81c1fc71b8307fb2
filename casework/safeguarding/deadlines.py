"""Whole-LA deadline jobs, run by commands (after a bank-holiday or regime change), not by requests."""

from __future__ import annotations

from django.db import transaction

from casework.contacts import context
from casework.safeguarding.models import Deadline
from domain.timescales import deadline as compute_deadline


@transaction.atomic
def recompute_deadlines(*, la_id: int, batch: int = 5000) -> int:
    """Recompute every open deadline of the LA (after a bank-holiday or regime change), in batches."""
    calendar = context.calendar()
    changed: list[Deadline] = []
    for row in (
        Deadline.objects.filter(la_id=la_id, met_on__isnull=True)
        .only(
            "pk",
            "rule_id",
            "event_on",
            "due_on",
            "normal_due_on",
            "regime",
            "as_soon_as_reasonably_practicable",
        )
        .iterator(chunk_size=batch)
    ):
        result = compute_deadline(row.rule_id, row.event_on, calendar=calendar)
        values = (
            result.due_on,
            result.normal_due_on,
            result.regime.id,
            result.as_soon_as_reasonably_practicable,
        )
        if values != (row.due_on, row.normal_due_on, row.regime, row.as_soon_as_reasonably_practicable):
            row.due_on, row.normal_due_on, row.regime, row.as_soon_as_reasonably_practicable = values
            changed.append(row)
    Deadline.objects.bulk_update(
        changed, ["due_on", "normal_due_on", "regime", "as_soon_as_reasonably_practicable"], batch_size=batch
    )
    return len(changed)
