"""Deadline rows, stored as the one engine computes them: for services (inside their transaction), for
the reactions to other apps' events, and the whole-LA recompute commands run after a bank-holiday or
regime change. Not services: they check no actor, their callers do."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from casework.children.models import Child
from casework.policy import context
from casework.safeguarding.models import Deadline
from domain.timescales import deadline as compute_deadline


def deadline_set(
    *, la_id: int, child: Child | None, rule_id: str, subject_type: str, subject_id: int, event_on: date
) -> Deadline:
    """Create or recompute the deadline `rule_id` started by `event_on` for one subject."""
    result = compute_deadline(rule_id, event_on, calendar=context.calendar())
    row, _ = Deadline.objects.update_or_create(
        subject_type=subject_type,
        subject_id=subject_id,
        rule_id=rule_id,
        child=child,
        defaults={
            "la_id": la_id,
            "event_on": event_on,
            "due_on": result.due_on,
            "normal_due_on": result.normal_due_on,
            "regime": result.regime.id,
            "as_soon_as_reasonably_practicable": result.as_soon_as_reasonably_practicable,
        },
    )
    return row


def looked_after_started(*, status_id: int, child: Child, starts_on: date) -> None:
    """A child became looked after: the first review is due within 20 working days (CPPCR 2010 reg 33)."""
    deadline_set(
        la_id=child.la_id,
        child=child,
        rule_id="lac.first_review",
        subject_type="legal_status",
        subject_id=status_id,
        event_on=starts_on,
    )


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
