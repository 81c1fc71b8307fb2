"""Each child's due state, recomputed set-wise: a few queries for a whole LA, never one per child.

Due dates depend only on the latest qualifying contact of each kind (domain/contact/due.py), so the
contacts are reduced in SQL to the latest of each (child, mode, reason, seen, seen alone, regime) before
the rules run; the result is written back in batches with one upsert each.
"""

from __future__ import annotations

import multiprocessing
import os
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from casework.children.models import Child, LegalStatus, Placement
from casework.contacts.models import ContactPlan, DueState
from casework.policy import context
from casework.risk.models import RiskRating
from domain.contact import (
    FACE_TO_FACE,
    ContactEvent,
    Mode,
    RagSettings,
    Rating,
    next_due,
    risk_rank,
    statutory_due,
    statutory_minimums,
)
from domain.contact import ContactPlan as PlanRule
from domain.intervals import Interval, Unit
from domain.regimes import RulesInForce

LIVE = ("approved", "awaiting")
BATCH = 5000
NO_EVENTS: list[ContactEvent] = []
# Whole-LA recomputes split the rules across processes (forked: they inherit the loaded data).
PARALLEL_FROM = 20_000
MAX_WORKERS = 4

# The latest contact of each kind: regime is not needed for due dates (only each kind's latest day is),
# so it is not grouped on; the latest instant gives the latest London day, so the time zone is applied
# once a group rather than once a contact.
LATEST_CONTACTS_SQL = """
SELECT child_id, mode, remote_reason, child_seen, child_seen_alone,
       (max(occurred_at) AT TIME ZONE 'Europe/London')::date AS on_day
FROM contacts_contact
WHERE la_id = %s {child_filter}
GROUP BY child_id, mode, remote_reason, child_seen, child_seen_alone
ORDER BY child_id
"""

DUE_COLUMNS = (
    "child_id",
    "la_id",
    "rating",
    "rating_rank",
    "plan_id",
    "next_due",
    "face_to_face_due",
    "statutory_due",
    "last_contact_on",
    "last_seen_on",
    "last_face_to_face_on",
    "last_seen_alone_on",
    "open_statuses",
    "team_id",
    "allocated_worker_id",
    "is_restricted",
    "rating_status",
    "rated_on",
    "approved_on",
    "computed_at",
)


class _Child(NamedTuple):
    """The columns of a child the rules read (duck-typed for `context.situation_from`)."""

    pk: int
    date_of_birth: date | None
    team_id: int | None = None
    allocated_worker_id: int | None = None
    is_restricted: bool = False


class _Status(NamedTuple):
    child_id: int
    kind: str
    starts_on: date
    ends_on: date | None
    lac_legal_status: str


class _Placement(NamedTuple):
    child_id: int
    starts_on: date
    ends_on: date | None
    placement_type: str


class _Plan(NamedTuple):
    pk: int
    child_id: int
    interval_amount: int
    interval_unit: str
    face_to_face_every: int
    modes: list[str]
    starts_on: date


def plan_rule(plan: ContactPlan | _Plan) -> PlanRule:
    return PlanRule(
        Interval(plan.interval_amount, Unit(plan.interval_unit)),
        plan.face_to_face_every,
        frozenset(Mode(m) for m in plan.modes),
    )


def _latest_contacts(la_id: int, child_ids: list[int] | None) -> list[tuple[Any, ...]]:
    """(child_id, mode, remote_reason, seen, seen alone, day) rows, ordered by child_id."""
    params: list[Any] = [la_id]
    child_filter = ""
    if child_ids is not None:
        child_filter = "AND child_id = ANY(%s)"
        params.append(child_ids)
    with connection.cursor() as cursor:
        cursor.execute(LATEST_CONTACTS_SQL.format(child_filter=child_filter), params)
        return list(cursor.fetchall())


def _events(rows: list[tuple[Any, ...]]) -> dict[int, list[ContactEvent]]:
    events: dict[int, list[ContactEvent]] = defaultdict(list)
    modes = {m.value: m for m in Mode}
    for child_id, mode, reason, seen, alone, on_day in rows:
        events[child_id].append(ContactEvent(on_day, modes[mode], seen, alone, reason or None))
    return events


@dataclass
class _Job:
    """Everything the rules need, loaded once; `_compute` runs over a slice of `children`."""

    la_id: int
    today: date
    children: Sequence[tuple[int, date | None, int | None, int | None, bool]]
    statuses: dict[int, list[_Status]]
    placements: dict[int, list[_Placement]]
    ratings: dict[int, tuple[str, str, date]]
    approved: dict[int, date]
    plans: dict[int, _Plan]
    contact_rows: list[tuple[Any, ...]]
    rules: RulesInForce
    settings: RagSettings
    now: datetime


_JOB: _Job | None = None  # set before the workers fork, so they inherit it rather than receive it


def _write(rows: list[tuple[Any, ...]]) -> None:
    """Upsert the rows: COPY into a temporary table, then one INSERT ... ON CONFLICT for them all."""
    table = DueState._meta.db_table
    columns = ", ".join(DUE_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in DUE_COLUMNS if c != "child_id")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.due_state_rows")
        cursor.execute(
            f"CREATE TEMPORARY TABLE due_state_rows AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with cursor.cursor.copy(f"COPY due_state_rows ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM due_state_rows "  # noqa: S608
            f"ON CONFLICT (child_id) DO UPDATE SET {updates}"
        )
        cursor.execute("DROP TABLE due_state_rows")


def refresh_due_states(*, la_id: int, today: date, child_ids: Iterable[int] | None = None) -> int:
    """Recompute the due state of the LA's children (or of `child_ids`); returns how many were written."""
    ids = None if child_ids is None else sorted(set(child_ids))
    children = Child.objects.filter(la_id=la_id)
    statuses = LegalStatus.objects.filter(la_id=la_id).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    placements = Placement.objects.filter(la_id=la_id).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    ratings = RiskRating.objects.filter(la_id=la_id, status__in=LIVE)
    plans = ContactPlan.objects.filter(la_id=la_id, status__in=LIVE)
    if ids is not None:
        children = children.filter(pk__in=ids)
        statuses, placements = statuses.filter(child_id__in=ids), placements.filter(child_id__in=ids)
        ratings, plans = ratings.filter(child_id__in=ids), plans.filter(child_id__in=ids)
    by_child_status: dict[int, list[_Status]] = defaultdict(list)
    for status in statuses.values_list("child_id", "kind", "starts_on", "ends_on", "lac_legal_status"):
        by_child_status[status[0]].append(_Status(*status))
    by_child_placement: dict[int, list[_Placement]] = defaultdict(list)
    for placement in placements.values_list("child_id", "starts_on", "ends_on", "placement_type"):
        by_child_placement[placement[0]].append(_Placement(*placement))
    # The latest live rating and plan of each child (DISTINCT ON: one row each, newest first).
    latest_rating: dict[int, tuple[str, str, date]] = {
        row[0]: (row[1], row[2], row[3])
        for row in ratings.order_by("child_id", "-rated_on", "-pk")
        .distinct("child_id")
        .values_list("child_id", "rating", "status", "rated_on")
    }
    approved = RiskRating.objects.filter(la_id=la_id, status="approved")
    if ids is not None:
        approved = approved.filter(child_id__in=ids)
    latest_approved: dict[int, date] = dict(
        approved.values("child_id").annotate(on=Max("rated_on")).values_list("child_id", "on")
    )
    latest_plan: dict[int, _Plan] = {
        row[1]: _Plan(*row)
        for row in plans.order_by("child_id", "-starts_on", "-pk")
        .distinct("child_id")
        .values_list(
            "pk", "child_id", "interval_amount", "interval_unit", "face_to_face_every", "modes", "starts_on"
        )
    }
    global _JOB
    children_rows = list(
        children.order_by("pk").values_list(
            "pk", "date_of_birth", "team_id", "allocated_worker_id", "is_restricted"
        )
    )
    _JOB = _Job(
        la_id=la_id,
        today=today,
        children=children_rows,
        statuses=by_child_status,
        placements=by_child_placement,
        ratings=latest_rating,
        approved=latest_approved,
        plans=latest_plan,
        contact_rows=_latest_contacts(la_id, ids),
        rules=context.rules_for(la_id, today),
        settings=context.rag_settings_for(la_id, today),
        now=timezone.now(),
    )
    context.calendar()  # built before any fork
    try:
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        if len(children_rows) >= PARALLEL_FROM and workers > 1:
            size = -(-len(children_rows) // workers)
            slices = [
                (start, min(start + size, len(children_rows))) for start in range(0, len(children_rows), size)
            ]
            # The rules are plain Python over data already loaded: forked workers share the CPU-bound
            # part (they never touch the database connection) and send back plain tuples.
            with multiprocessing.get_context("fork").Pool(len(slices)) as pool:
                rows = [row for part in pool.starmap(_compute, slices) for row in part]
        else:
            rows = _compute(0, len(children_rows))
    finally:
        _JOB = None
    _write(rows)
    return len(rows)


def _compute(first: int, last: int) -> list[tuple[Any, ...]]:
    """The due state rows of `_JOB.children[first:last]`."""
    job = _JOB
    assert job is not None
    children = job.children[first:last]
    if not children:
        return []
    keys = [row[0] for row in job.contact_rows]
    lo, hi = bisect_left(keys, children[0][0]), bisect_right(keys, children[-1][0])
    contacts = _events(job.contact_rows[lo:hi])
    rules, settings, today, la_id, now = job.rules, job.settings, job.today, job.la_id, job.now
    calendar = context.calendar()
    rules_of_plan: dict[tuple[Any, ...], PlanRule] = {}
    rows: list[tuple[Any, ...]] = []
    for pk, born, team_id, worker_id, restricted in children:
        child = _Child(pk, born)
        situation = context.situation_from(
            child,  # type: ignore[arg-type]
            job.statuses.get(pk, []),  # type: ignore[arg-type]
            job.placements.get(pk, []),  # type: ignore[arg-type]
            today,
        )
        events = contacts.get(pk, NO_EVENTS)
        last_contact = last_seen = last_face = last_alone = None
        for e in events:
            on = e.on
            if last_contact is None or on > last_contact:
                last_contact = on
            if e.child_seen:
                if last_seen is None or on > last_seen:
                    last_seen = on
                if e.mode in FACE_TO_FACE and (last_face is None or on > last_face):
                    last_face = on
                if e.child_seen_alone and (last_alone is None or on > last_alone):
                    last_alone = on
        rating_value, rating_status, rated_on = job.ratings.get(pk, ("", "", None))
        plan = job.plans.get(pk)
        due = None
        if plan is not None:
            since = min(situation.facts.status_started_on.values(), default=plan.starts_on)
            key = (plan.interval_amount, plan.interval_unit, plan.face_to_face_every, tuple(plan.modes))
            rule = rules_of_plan.get(key)
            if rule is None:
                rule = rules_of_plan[key] = plan_rule(plan)
            due = next_due(plan=rule, since=since, contacts=events, calendar=calendar)
        statutory = [
            statutory_due(minimum=m, contacts=events, rules=rules, calendar=calendar)
            for m in statutory_minimums(
                situation.statuses, facts=situation.facts, rules=rules, practice=settings.practice_standards
            )
        ]
        statutory_dates = [d for s in statutory if (d := s.due_on or s.target_on) is not None]
        rows.append(
            (
                pk,
                la_id,
                rating_value,
                risk_rank(Rating(rating_value)) if rating_value else 9,
                plan.pk if plan is not None else None,
                due.next_due_on if due else (min(statutory_dates) if statutory_dates else None),
                due.face_to_face_due_on if due else None,
                min(statutory_dates) if statutory_dates else None,
                last_contact,
                last_seen,
                last_face,
                last_alone,
                sorted(situation.statuses),
                team_id,
                worker_id,
                restricted,
                rating_status,
                rated_on,
                job.approved.get(pk),
                now,
            )
        )
    return rows
