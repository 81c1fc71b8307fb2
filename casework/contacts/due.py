"""Each child's due state, recomputed set-wise: a few queries for a whole LA, never one per child.

Due dates depend only on the latest qualifying contact of each kind (domain/contact/due.py), so the
contacts are reduced in SQL to the latest of each (child, mode, reason, seen, seen alone, regime) before
the rules run; the result is written back in batches with one upsert each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from casework.children.models import Child, LegalStatus, Placement
from casework.contacts import context
from casework.contacts.models import ContactPlan, DueState
from casework.risk.models import RiskRating
from domain.contact import (
    FACE_TO_FACE,
    ContactEvent,
    Mode,
    Rating,
    next_due,
    risk_rank,
    statutory_due,
    statutory_minimums,
)
from domain.contact import ContactPlan as PlanRule
from domain.intervals import Interval, Unit

LIVE = ("approved", "awaiting")
BATCH = 5000

LATEST_CONTACTS_SQL = """
SELECT child_id, mode, remote_reason, child_seen, child_seen_alone,
       max((occurred_at AT TIME ZONE 'Europe/London')::date) AS on_day
FROM contacts_contact
WHERE la_id = %s {child_filter}
GROUP BY child_id, mode, remote_reason, child_seen, child_seen_alone, regime
"""


def plan_rule(plan: ContactPlan) -> PlanRule:
    return PlanRule(
        Interval(plan.interval_amount, Unit(plan.interval_unit)),
        plan.face_to_face_every,
        frozenset(Mode(m) for m in plan.modes),
    )


def _latest_contacts(la_id: int, child_ids: list[int] | None) -> dict[int, list[ContactEvent]]:
    params: list[Any] = [la_id]
    child_filter = ""
    if child_ids is not None:
        child_filter = "AND child_id = ANY(%s)"
        params.append(child_ids)
    events: dict[int, list[ContactEvent]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(LATEST_CONTACTS_SQL.format(child_filter=child_filter), params)
        for child_id, mode, reason, seen, alone, on_day in cursor.fetchall():
            events[child_id].append(ContactEvent(on_day, Mode(mode), seen, alone, reason or None))
    return events


def _latest(rows: Iterable[object], key: str) -> dict[int, object]:
    """The first row per child_id (rows come ordered newest first)."""
    found: dict[int, object] = {}
    for row in rows:
        found.setdefault(getattr(row, key), row)
    return found


def refresh_due_states(*, la_id: int, today: date, child_ids: Iterable[int] | None = None) -> int:
    """Recompute the due state of the LA's children (or of `child_ids`); returns how many were written."""
    ids = None if child_ids is None else sorted(set(child_ids))
    children = Child.objects.filter(la_id=la_id).only("pk", "date_of_birth", "la_id")
    statuses = LegalStatus.objects.filter(la_id=la_id).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    placements = Placement.objects.filter(la_id=la_id).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    ratings = RiskRating.objects.filter(la_id=la_id, status__in=LIVE).only("child_id", "rating")
    plans = ContactPlan.objects.filter(la_id=la_id, status__in=LIVE)
    if ids is not None:
        children = children.filter(pk__in=ids)
        statuses, placements = statuses.filter(child_id__in=ids), placements.filter(child_id__in=ids)
        ratings, plans = ratings.filter(child_id__in=ids), plans.filter(child_id__in=ids)
    by_child_status: dict[int, list[LegalStatus]] = defaultdict(list)
    for status in statuses:
        by_child_status[status.child_id].append(status)
    by_child_placement: dict[int, list[Placement]] = defaultdict(list)
    for placement in placements:
        by_child_placement[placement.child_id].append(placement)
    latest_rating = _latest(ratings.order_by("child_id", "-rated_on", "-pk"), "child_id")
    latest_plan = _latest(plans.order_by("child_id", "-starts_on", "-pk"), "child_id")
    contacts = _latest_contacts(la_id, ids)
    rules = context.rules_for(la_id, today)
    settings = context.settings_for(la_id, today)
    calendar = context.calendar()
    now = timezone.now()

    rows: list[DueState] = []
    for child in children.iterator(chunk_size=BATCH):
        situation = context.situation_from(
            child, by_child_status.get(child.pk, []), by_child_placement.get(child.pk, []), today
        )
        events = contacts.get(child.pk, [])
        seen = [e for e in events if e.child_seen]
        rating = latest_rating.get(child.pk)
        plan = latest_plan.get(child.pk)
        due = None
        if plan is not None:
            since = min(situation.facts.status_started_on.values(), default=plan.starts_on)  # type: ignore[attr-defined]
            due = next_due(plan=plan_rule(plan), since=since, contacts=events, calendar=calendar)  # type: ignore[arg-type]
        statutory = [
            statutory_due(minimum=m, contacts=events, rules=rules, calendar=calendar)
            for m in statutory_minimums(
                situation.statuses, facts=situation.facts, rules=rules, practice=settings.practice_standards
            )
        ]
        statutory_dates = [d for s in statutory if (d := s.due_on or s.target_on) is not None]
        rating_value = getattr(rating, "rating", "")
        rows.append(
            DueState(
                child_id=child.pk,
                la_id=la_id,
                rating=rating_value,
                rating_rank=risk_rank(Rating(rating_value)) if rating_value else 9,
                plan_id=getattr(plan, "pk", None),
                next_due=due.next_due_on if due else (min(statutory_dates) if statutory_dates else None),
                face_to_face_due=due.face_to_face_due_on if due else None,
                statutory_due=min(statutory_dates) if statutory_dates else None,
                last_contact_on=max((e.on for e in events), default=None),
                last_seen_on=max((e.on for e in seen), default=None),
                last_face_to_face_on=max((e.on for e in seen if e.mode in FACE_TO_FACE), default=None),
                last_seen_alone_on=max((e.on for e in seen if e.child_seen_alone), default=None),
                computed_at=now,
            )
        )
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            DueState.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["child"],
                update_fields=[
                    "rating",
                    "rating_rank",
                    "plan",
                    "next_due",
                    "face_to_face_due",
                    "statutory_due",
                    "last_contact_on",
                    "last_seen_on",
                    "last_face_to_face_on",
                    "last_seen_alone_on",
                    "computed_at",
                ],
            )
    return len(rows)


def fortnight_ago(today: date) -> date:
    return today - timedelta(days=14)
