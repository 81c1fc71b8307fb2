"""Each child's due state, recomputed set-wise: a few queries for a whole LA, never one per child.

Due dates depend only on the latest qualifying contact of each kind (domain/contact/due.py), so the
contacts are reduced in SQL to the latest of each (child, mode, reason, seen, seen alone; and regime, for
a remote contact) before the rules run; the result is written back in batches with one upsert each.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from casework.children.models import Child, LegalStatus, Placement
from casework.contacts.models import ContactPlan, DueState
from casework.policy import context
from casework.risk.models import RiskRating
from domain.contact import (
    FACE_TO_FACE,
    REMOTE,
    ChildContactFacts,
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
from domain.contact.minimums import StatutoryMinimum
from domain.intervals import Interval, Unit
from domain.regimes import RulesInForce

LONDON = ZoneInfo("Europe/London")

LIVE = ("approved", "awaiting")
BATCH = 5000
NO_EVENTS: list[ContactEvent] = []
# Whole-LA recomputes split the rules across processes (forked: they inherit the loaded data).
PARALLEL_FROM = 20_000
MAX_WORKERS = 4

# The latest contact of each kind, and for a remote contact the latest of its kind within each national
# regime: whether a phone or video visit counts depends on the regime of its own day (SI 2020/445: any;
# SI 2020/909 and the 2021 regulations: with a coronavirus reason; normal rules, CPPCR 2010 reg 28: none),
# so a later remote visit under stricter rules must not hide an earlier one that counted. A face-to-face
# contact counts whatever the regime, so only its latest day matters. The latest instant gives the latest
# London day, so the time zone is applied once a group rather than once a contact.
LATEST_CONTACTS_SQL = """
SELECT child_id, mode, remote_reason, child_seen, child_seen_alone,
       (max(occurred_at) AT TIME ZONE 'Europe/London')::date AS on_day
FROM contacts_contact
WHERE la_id = %s {child_filter}
GROUP BY child_id, mode, remote_reason, child_seen, child_seen_alone,
         CASE WHEN mode = ANY(%s) THEN width_bucket(occurred_at, %s::timestamptz[]) ELSE 0 END
ORDER BY child_id
"""

# The rows the rules read, as plain tuples. Statuses and placements that ended before today cannot be open
# today or later; the latest live rating and plan of each child come from DISTINCT ON (newest first),
# with the latest approval of the rating taken in the same pass.
STATUSES_SQL = (
    f"SELECT child_id, kind, starts_on, ends_on, lac_legal_status FROM {LegalStatus._meta.db_table} "  # noqa: S608
    "WHERE la_id = %(la)s AND (ends_on IS NULL OR ends_on >= %(today)s)"
)
PLACEMENTS_SQL = (
    f"SELECT child_id, starts_on, ends_on, placement_type FROM {Placement._meta.db_table} "  # noqa: S608
    "WHERE la_id = %(la)s AND (ends_on IS NULL OR ends_on >= %(today)s)"
)
RATINGS_SQL = f"""
SELECT DISTINCT ON (child_id) child_id, rating, status, rated_on,
       max(rated_on) FILTER (WHERE status = 'approved') OVER (PARTITION BY child_id)
FROM {RiskRating._meta.db_table}
WHERE la_id = %(la)s AND status = ANY(%(live)s) {{only}}
ORDER BY child_id, rated_on DESC, id DESC
"""  # noqa: S608
PLANS_SQL = f"""
SELECT DISTINCT ON (child_id)
       id, child_id, interval_amount, interval_unit, face_to_face_every, modes, starts_on
FROM {ContactPlan._meta.db_table}
WHERE la_id = %(la)s AND status = ANY(%(live)s) {{only}}
ORDER BY child_id, starts_on DESC, id DESC
"""  # noqa: S608
CHILDREN_SQL = f"""
SELECT id, date_of_birth, team_id, allocated_worker_id, is_restricted
FROM {Child._meta.db_table}
WHERE la_id = %(la)s {{only}}
ORDER BY id
"""  # noqa: S608

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


def _latest_contacts(la_id: int, child_ids: list[int] | None, rules: RulesInForce) -> list[tuple[Any, ...]]:
    """(child_id, mode, remote_reason, seen, seen alone, day) rows, ordered by child_id."""
    params: list[Any] = [la_id]
    child_filter = ""
    if child_ids is not None:
        child_filter = "AND child_id = ANY(%s)"
        params.append(child_ids)
    params += [sorted(m.value for m in REMOTE), regime_boundaries(rules)]
    with connection.cursor() as cursor:
        cursor.execute(LATEST_CONTACTS_SQL.format(child_filter=child_filter), params)
        return list(cursor.fetchall())


def regime_boundaries(rules: RulesInForce) -> list[datetime]:
    """The instants (London midnight) each national regime began, in order: contacts between two fall in
    one regime. Regimes run end to end (domain.regimes.check_regimes), so their starts are the boundaries."""
    return [
        datetime.combine(regime.starts_on, time(0), tzinfo=LONDON)
        for regime in sorted(rules.national_regimes, key=lambda r: r.starts_on)
        if regime.starts_on != date.min
    ]


def _events(rows: list[tuple[Any, ...]]) -> dict[int, list[ContactEvent]]:
    """Each child's events. Events are immutable values, so equal ones are built once and shared: the
    same (mode, seen, alone, reason, day) recurs across thousands of children."""
    events: dict[int, list[ContactEvent]] = defaultdict(list)
    modes = {m.value: m for m in Mode}
    made: dict[tuple[Any, ...], ContactEvent] = {}
    for child_id, mode, reason, seen, alone, on_day in rows:
        key = (mode, reason, seen, alone, on_day)
        event = made.get(key)
        if event is None:
            event = made[key] = ContactEvent(on_day, modes[mode], seen, alone, reason or None)
        events[child_id].append(event)
    return events


# `statutory_minimums` reads the open statuses and these facts, never the date of birth
# (domain/contact/minimums.py), so children with the same statuses and facts share one answer.
_MINIMUM_FACTS = tuple(f.name for f in fields(ChildContactFacts) if f.name != "date_of_birth")


def _minimums_key(situation: context.ChildSituation) -> tuple[Any, ...]:
    facts = situation.facts
    return (
        situation.statuses,
        tuple(sorted(facts.status_started_on.items())),
        *(getattr(facts, name) for name in _MINIMUM_FACTS if name != "status_started_on"),
    )


@dataclass(frozen=True)
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


# Set only inside a forked worker process of `_compute_in_processes` (by the pool's initializer, which
# runs in the worker): the parent process never holds a job here, so concurrent requests cannot see
# each other's job.
_WORKER_JOB: _Job | None = None


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


def refresh_due_states(
    *, la_id: int, today: date, child_ids: Iterable[int] | None = None, parallel: bool = False
) -> int:
    """Recompute the due state of the LA's children (or of `child_ids`); returns how many were written.

    Re-entrant: everything is local to the call, so requests on several threads may refresh at once.
    `parallel=True` (for commands only: the nightly recompute, the benchmarks) lets a large recompute
    fork worker processes; it is ignored unless the caller is the main thread of a process with no other
    threads, since forking a threaded process (the web server) copies locks held by other threads.
    """
    ids = None if child_ids is None else sorted(set(child_ids))
    job = _load(la_id=la_id, today=today, ids=ids)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if parallel and workers > 1 and len(job.children) >= PARALLEL_FROM and _may_fork():
        rows = _compute_in_processes(job, workers)
    else:
        rows = _compute(job, 0, len(job.children))
    _write(rows)
    return len(rows)


def _may_fork() -> bool:
    return threading.current_thread() is threading.main_thread() and threading.active_count() == 1


def _load(*, la_id: int, today: date, ids: list[int] | None) -> _Job:
    """Read everything the rules need for the LA's children (or `ids`): five queries whatever the size,
    read as plain tuples (the ORM's per-row conversion costs more than the queries at 100,000 children)."""
    only = "" if ids is None else " AND {column} = ANY(%(ids)s)"
    params = {"la": la_id, "today": today, "ids": ids, "live": list(LIVE)}
    by_child_status: dict[int, list[_Status]] = defaultdict(list)
    for status in _fetch(STATUSES_SQL + only.format(column="child_id"), params):
        by_child_status[status[0]].append(_Status(*status))
    by_child_placement: dict[int, list[_Placement]] = defaultdict(list)
    for placement in _fetch(PLACEMENTS_SQL + only.format(column="child_id"), params):
        by_child_placement[placement[0]].append(_Placement(*placement))
    latest_rating: dict[int, tuple[str, str, date]] = {}
    latest_approved: dict[int, date] = {}
    for child_id, rating, status, rated_on, approved_on in _fetch(
        RATINGS_SQL.format(only=only.format(column="child_id")), params
    ):
        latest_rating[child_id] = (rating, status, rated_on)
        if approved_on is not None:
            latest_approved[child_id] = approved_on
    latest_plan = {
        row[1]: _Plan(*row) for row in _fetch(PLANS_SQL.format(only=only.format(column="child_id")), params)
    }
    children_rows = _fetch(CHILDREN_SQL.format(only=only.format(column="id")), params)
    rules = context.rules_for(la_id, today)
    return _Job(
        la_id=la_id,
        today=today,
        children=children_rows,
        statuses=by_child_status,
        placements=by_child_placement,
        ratings=latest_rating,
        approved=latest_approved,
        plans=latest_plan,
        contact_rows=_latest_contacts(la_id, ids, rules),
        rules=rules,
        settings=context.rag_settings_for(la_id, today),
        now=timezone.now(),
    )


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _compute_in_processes(job: _Job, workers: int) -> list[tuple[Any, ...]]:
    """`_compute` over slices of the children in forked processes (commands only, see `_may_fork`).

    The rules are plain Python over data already loaded: forked workers share the CPU-bound part (they
    never touch the database connection) and send back plain tuples. Each worker receives the job by
    inheritance (the pool's initializer arguments are not pickled under fork), not by message.
    """
    context.calendar()  # built before the fork, so each worker inherits it
    size = -(-len(job.children) // workers)
    slices = [(start, min(start + size, len(job.children))) for start in range(0, len(job.children), size)]
    with multiprocessing.get_context("fork").Pool(len(slices), initializer=_adopt, initargs=(job,)) as pool:
        return [row for part in pool.starmap(_compute_adopted, slices) for row in part]


def _adopt(job: _Job) -> None:
    """Pool initializer: runs in each (single-threaded) worker process, never in the parent."""
    global _WORKER_JOB
    _WORKER_JOB = job


def _compute_adopted(first: int, last: int) -> list[tuple[Any, ...]]:
    if _WORKER_JOB is None:
        raise RuntimeError("_compute_adopted runs only in a worker started by _compute_in_processes")
    return _compute(_WORKER_JOB, first, last)


def _compute(job: _Job, first: int, last: int) -> list[tuple[Any, ...]]:
    """The due state rows of `job.children[first:last]`."""
    children = job.children[first:last]
    if not children:
        return []
    keys = [row[0] for row in job.contact_rows]
    lo, hi = bisect_left(keys, children[0][0]), bisect_right(keys, children[-1][0])
    contacts = _events(job.contact_rows[lo:hi])
    rules, settings, today, la_id, now = job.rules, job.settings, job.today, job.la_id, job.now
    calendar = context.calendar()
    rules_of_plan: dict[tuple[Any, ...], PlanRule] = {}
    minimums_of: dict[tuple[Any, ...], tuple[StatutoryMinimum, ...]] = {}
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
        minimums_key = _minimums_key(situation)
        minimums = minimums_of.get(minimums_key)
        if minimums is None:
            minimums = minimums_of[minimums_key] = statutory_minimums(
                situation.statuses, facts=situation.facts, rules=rules, practice=settings.practice_standards
            )
        statutory = [
            statutory_due(minimum=m, contacts=events, rules=rules, calendar=calendar) for m in minimums
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
