"""Benchmarks: `python -m bench.run [--only NAME ...] [--scale N] [--reuse-db]` (what `make bench` runs).

They run against their own embedded PostgreSQL (.data/postgres-bench) and a database made afresh for
each run, so they never touch the demo or test databases. Results are written to bench/results.json
as a list of {"name", "scale", "unit", "median", "p95", "n"} (times in milliseconds), with an optional
"note"; a run with --only replaces just the entries it measured.

  demo_generate  `continuity demo --children 100000`, timed end to end as a separate process (once).
  page_floor     GET /signed-in (the base template only) as the head of service, timed as the pages are;
                 run just before the first page benchmark, and each page's note gives its multiple of it.
  child_search   200 varied queries against the 100,000-child authority, through the search page
                 (GET /children/?q=...) signed in as the head of service, who sees the whole LA.
  worklist       GET /worklist/ as social workers with a normal caseload (16 or so children), in turn.
  cohort_page    GET /oversight/ as the head of service: the cohort by rating x legal status, with charts.
  team_oversight GET /oversight/team/N/ as the demo's team manager: sign-offs, overdue, cover, re-rating.
  import_cin / import_903
                 the DfE returns: import, COPY floor, export and the DfE validators' own time on a
                 synthetic return of 20,000 children (see bench/returns.py).
  history_triggers
                 what the history triggers cost on a bulk INSERT and DELETE of 100,000 rows, beside the
                 same statements with the trigger skipped (see bench/history.py).
  recompute_due_dates
                 every child's next due date for the whole authority (refresh_due_states), as after
                 a regime change; each run rolled back, the table vacuumed between runs.
  fortnightly_xlsx
                 GET /fortnightly/return.xlsx: the DfE fortnightly return as a workbook, 100,000 children.
  fortnightly_across
                 GET /fortnightly/across/: the return's contact figures over 6 fortnights, as charts.
  export_children_csv
                 GET /oversight/children/?format=csv as the head of service: every child of the authority
                 (the cohort page's drill-down with no filter) streamed as CSV, read to the last byte.

Each result is merged into bench/results.json (by name and scale) as soon as it is measured. A benchmark
that fails is reported and the run goes on; its old entries are left as they were, and the run exits 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
BENCH_PGDATA = REPO / ".data" / "postgres-bench"
BENCH_DB = "continuity_bench"
BENCH_TODAY = date(2026, 11, 22)
SEED = 2020
DEFAULT_SCALE = 100_000
RETURNS_SCALE = 20_000  # the DfE returns' benchmarks (issue 5): a census of 20,000 children
SEARCH_QUERIES = 200
SEARCH_WARM_UP = 10
PAGE_RUNS = 100
PAGE_WARM_UP = 5
RECOMPUTE_RUNS = 5
XLSX_RUNS = 5
EXPORT_RUNS = 5

# Page benchmarks, each also read as a multiple of page_floor measured in the same run.
PAGE_BENCHMARKS = ("child_search", "worklist", "cohort_page", "team_oversight", "deadlines_page")


def use_bench_database() -> None:
    """Before Django reads its settings: the benchmarks' own server and database. Called by `main`, not
    on import, so that importing this module (the harness's tests do) leaves the environment alone."""
    os.environ["CONTINUITY_PGDATA"] = str(BENCH_PGDATA)
    os.environ["CONTINUITY_DB_NAME"] = BENCH_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuity.settings")


@dataclass(frozen=True)
class Result:
    name: str
    scale: int
    unit: str
    median: float
    p95: float
    n: int
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        if not self.note:
            del data["note"]
        return data


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value at or above `fraction` of the sorted values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def fresh_database() -> None:
    """Start the benchmark server if needed and make an empty database for this run."""
    import psycopg

    from continuity import embedded_db

    server = embedded_db.ensure_running()
    with psycopg.connect(
        host=server.socket_dir, port=server.port, user=server.user, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def setup_django() -> None:
    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    setup_test_environment()  # lets django.test.Client reach the app as "testserver"


def demo_authority(children: int) -> Any:
    """The benchmark's demo authority of `children` children, created (untimed) if there is none."""
    from casework.children.models import Child
    from casework.core.models import LocalAuthority
    from demo.service import generate_demo

    # The one the harness made (by its name: a benchmark that records a child changes the count), or
    # another demo authority of that size.
    named = LocalAuthority.objects.filter(is_demo=True, name=f"Bench {children}").order_by("pk").first()
    if named is not None:
        return named
    for la in LocalAuthority.objects.filter(is_demo=True).order_by("pk"):
        if Child.objects.filter(la=la).count() == children:
            return la
    print(f"  creating a demo authority of {children:,} children (not timed)...", flush=True)
    return generate_demo(children=children, seed=SEED, today=BENCH_TODAY, la_name=f"Bench {children}").la


def settle() -> None:
    """Do now what autovacuum does in the minutes after a bulk load (visibility map, hint bits,
    statistics), so it neither competes with the measurements nor changes plans halfway through."""
    from django.db import connection

    from demo.load import LOADED_MODELS

    with connection.cursor() as cursor:
        for model in LOADED_MODELS:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def bench_demo_generate(scale: int) -> Result:
    from casework.core.models import LocalAuthority

    name = f"Bench {scale}"
    if LocalAuthority.objects.filter(name=name).exists():  # --reuse-db: another authority beside it
        name = f"{name} ({LocalAuthority.objects.count() + 1})"
    command = [
        sys.executable,
        "-m",
        "continuity.cli",
        "demo",
        f"--children={scale}",
        f"--seed={SEED}",
        f"--today={BENCH_TODAY.isoformat()}",
        f"--la-name={name}",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)  # noqa: S603 (our own command)
    elapsed = (time.perf_counter() - started) * 1000
    note = "one run of the whole command (process start to exit, data generated, loaded and analysed)"
    return Result("demo_generate", scale, "ms", round(elapsed, 1), round(elapsed, 1), 1, note)


def bench_child_search(scale: int) -> Result:
    from django.test import Client

    from bench.queries import KINDS, Person, build_queries
    from casework.accounts.models import User
    from casework.children import selectors
    from casework.children.models import Child

    la = demo_authority(scale)
    settle()
    head = User.objects.get(la=la, username__startswith="hos.demo")
    people = [
        Person(*row)
        for row in Child.objects.filter(la=la)
        .order_by("pk")
        .values_list("first_name", "last_name", "date_of_birth", "la_child_id", "upn")
    ]
    queries = build_queries(people, SEARCH_QUERIES + SEARCH_WARM_UP, seed=SEED)
    warm_up, measured = queries[:SEARCH_WARM_UP], queries[SEARCH_WARM_UP:]

    client = Client()
    client.force_login(head)
    through_page = client.get("/children/", {"q": warm_up[0][1]}).status_code == 200

    def search(query: str) -> int:
        if through_page:
            response = client.get("/children/", {"q": query})
            assert response.status_code == 200, f"GET /children/?q={query} returned {response.status_code}"
            return len(response.context["results"]) if response.context else 0
        return len(selectors.child_search_for_user(user=head, query=query))

    for _, query in warm_up:
        search(query)
    times: list[float] = []
    found = 0
    for _, query in measured:
        started = time.perf_counter()
        hits = search(query)
        times.append((time.perf_counter() - started) * 1000)
        found += hits > 0
    where = "GET /children/?q=... (page rendered)" if through_page else "selectors.child_search_for_user"
    note = (
        f"{where} as the head of service (whole LA), tables vacuumed and analysed after the load; "
        f"{len(measured)} queries of {len(KINDS)} kinds, {found} found at least one child"
    )
    return Result(
        "child_search",
        scale,
        "ms",
        round(statistics.median(times), 2),
        round(percentile(times, 0.95), 2),
        len(times),
        note,
    )


def _timed(call: Callable[[], object], runs: int, warm_up: int) -> list[float]:
    for _ in range(warm_up):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _result(name: str, scale: int, times: list[float], note: str) -> Result:
    return Result(
        name,
        scale,
        "ms",
        round(statistics.median(times), 2),
        round(percentile(times, 0.95), 2),
        len(times),
        note,
    )


def bench_page_floor(scale: int) -> Result:
    """The cost every signed-in page pays before its own work: GET /signed-in renders only the base
    template, through the same middleware, session and context processors, timed as the pages are."""
    from django.test import Client

    from casework.accounts.models import User

    la = demo_authority(scale)
    settle()
    head = User.objects.get(la=la, username__startswith="hos.demo")
    client = Client()
    client.force_login(head)

    def page() -> None:
        response = client.get("/signed-in")
        assert response.status_code == 200, f"GET /signed-in returned {response.status_code}"

    times = _timed(page, PAGE_RUNS, PAGE_WARM_UP)
    note = "GET /signed-in (base template only: navigation, alerts banner, session) as the head of service"
    return _result("page_floor", scale, times, note)


def bench_worklist(scale: int) -> Result:
    from django.db.models import Count
    from django.test import Client

    from casework.accounts.models import User
    from casework.contacts.models import DueState

    la = demo_authority(scale)
    settle()
    today = BENCH_TODAY
    workers = list(
        User.objects.filter(la=la, role="social_worker", is_active=True)
        .annotate(cases=Count("allocated"))
        .filter(cases__gte=12, cases__lte=20)
        .order_by("pk")[:20]
    )
    assert workers, "no social worker with a normal caseload"
    caseloads = [w.cases for w in workers]  # type: ignore[attr-defined]
    client = Client()
    client.force_login(workers[0])
    through_page = client.get("/worklist/").status_code == 200
    clients = []
    for worker in workers:
        each = Client()
        each.force_login(worker)
        clients.append(each)
    turn = iter(range(10**9))

    def page() -> None:
        index = next(turn) % len(clients)
        if through_page:
            response = clients[index].get("/worklist/")
            assert response.status_code == 200, f"GET /worklist/ returned {response.status_code}"
            return
        try:
            from casework.contacts.selectors import worklist_for_user

            worklist_for_user(user=workers[index], today=today)
        except ImportError:
            list(
                DueState.objects.filter(child__allocated_worker=workers[index])
                .select_related("child")
                .order_by("rating_rank", "next_due")
            )

    times = _timed(page, PAGE_RUNS, PAGE_WARM_UP)
    where = "GET /worklist/ (page rendered)" if through_page else "contacts.selectors.worklist_for_user"
    note = (
        f"{where}, {len(workers)} social workers in turn with {min(caseloads)}-{max(caseloads)} children "
        f"each; {DueState.objects.filter(la=la).count():,} due states in the authority"
    )
    return _result("worklist", scale, times, note)


def bench_cohort_page(scale: int) -> Result:
    from django.db.models import Count
    from django.test import Client

    from casework.accounts.models import User
    from casework.children.models import LegalStatus
    from casework.contacts.models import DueState

    la = demo_authority(scale)
    settle()
    head = User.objects.get(la=la, username__startswith="hos.demo")
    client = Client()
    client.force_login(head)
    through_page = client.get("/oversight/").status_code == 200
    today = BENCH_TODAY

    def page() -> None:
        if through_page:
            response = client.get("/oversight/")
            assert response.status_code == 200, f"GET /oversight/ returned {response.status_code}"
            return
        from django.db.models import OuterRef, Q, Subquery

        open_kind = LegalStatus.objects.filter(child=OuterRef("child"), starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
        list(
            DueState.objects.filter(la=la)
            .annotate(kind=Subquery(open_kind.values("kind")[:1]))
            .values("rating", "kind")
            .annotate(n=Count("pk"))
        )

    times = _timed(page, PAGE_RUNS // 2, PAGE_WARM_UP)
    where = "GET /oversight/ (page rendered)" if through_page else "DueState rating x legal status aggregate"
    return _result("cohort_page", scale, times, f"{where} as the head of service (whole LA)")


def bench_team_oversight(scale: int) -> Result:
    from django.test import Client

    from casework.accounts.models import User
    from casework.children.models import Child

    la = demo_authority(scale)
    settle()
    manager = User.objects.get(la=la, username__startswith="tm.demo")
    team = manager.managed_teams.order_by("pk").first() or manager.team
    assert team is not None, "the demo's team manager manages no team"
    client = Client()
    client.force_login(manager)
    path = f"/oversight/team/{team.pk}/"

    def page() -> None:
        response = client.get(path)
        assert response.status_code == 200, f"GET {path} returned {response.status_code}"

    times = _timed(page, PAGE_RUNS // 2, PAGE_WARM_UP)
    children = Child.objects.filter(la=la, team=team).count()
    note = f"GET {path} (page rendered, with its charts) as its manager: {team.name}, {children:,} children"
    return _result("team_oversight", scale, times, note)


def bench_recompute_due_dates(scale: int) -> Result:
    from django.db import connection, transaction

    from casework.contacts.due import refresh_due_states
    from casework.contacts.models import Contact, DueState

    la = demo_authority(scale)
    settle()
    contacts = Contact.objects.filter(la=la).count()
    times = []
    written = 0
    for _ in range(RECOMPUTE_RUNS):
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {DueState._meta.db_table}")
        with transaction.atomic():
            started = time.perf_counter()
            written = refresh_due_states(la_id=la.pk, today=BENCH_TODAY, parallel=True)
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    note = (
        f"refresh_due_states for the whole authority: {written:,} children, {contacts:,} contacts; "
        "each run in a transaction rolled back afterwards"
    )
    return _result("recompute_due_dates", scale, times, note)


def bench_deadlines_page(scale: int) -> Result:
    from django.test import Client

    from casework.accounts.models import User
    from casework.safeguarding.models import Deadline

    la = demo_authority(scale)
    settle()
    head = User.objects.get(la=la, username__startswith="hos.demo")
    client = Client()
    client.force_login(head)

    def page() -> None:
        response = client.get("/deadlines/")
        assert response.status_code == 200, f"GET /deadlines/ returned {response.status_code}"

    times = _timed(page, PAGE_RUNS, PAGE_WARM_UP)
    rows = Deadline.objects.filter(la=la)
    note = (
        f"GET /deadlines/ (page rendered) as the head of service (LA-wide): {rows.count():,} deadlines "
        f"in the authority, {rows.filter(met_on__isnull=True).count():,} open"
    )
    return _result("deadlines_page", scale, times, note)


def bench_recompute_deadlines(scale: int) -> Result:
    from unittest import mock

    from django.db import transaction

    from casework.policy import context
    from casework.safeguarding.models import Deadline
    from casework.safeguarding.services import recompute_deadlines

    la = demo_authority(scale)
    settle()
    # A bank holiday announced for a working day a week ahead (as for a royal event): every open
    # deadline counted in working days across it moves, so the pass really rewrites rows.
    calendar = context.calendar()
    extra = calendar.add_working_days(BENCH_TODAY, 5)
    changed_calendar = calendar.with_holidays([extra])
    open_rows = Deadline.objects.filter(la=la, met_on__isnull=True).count()
    times = []
    changed = 0
    for _ in range(RECOMPUTE_RUNS):
        with transaction.atomic(), mock.patch.object(context, "calendar", return_value=changed_calendar):
            started = time.perf_counter()
            changed = recompute_deadlines(la_id=la.pk)
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    note = (
        f"recompute_deadlines for the whole authority after a new bank holiday on {extra.isoformat()}: "
        f"{open_rows:,} open deadlines recomputed, {changed:,} rewritten; each run rolled back afterwards"
    )
    return _result("recompute_deadlines", scale, times, note)


def bench_fortnightly_xlsx(scale: int) -> Result:
    """The DfE fortnightly return as a workbook (a sheet per measure, a row per record behind it), as the
    head of service downloads it: GET /fortnightly/return.xlsx for the fortnight before BENCH_TODAY."""
    from django.test import Client

    from casework.accounts.models import User
    from domain.fortnightly import latest_completed_fortnight

    la = demo_authority(scale)
    settle()
    head = User.objects.get(la=la, username__startswith="hos.demo")
    client = Client()
    client.force_login(head)
    period = latest_completed_fortnight(BENCH_TODAY)
    url = f"/fortnightly/return.xlsx?ends={period.ends_on.isoformat()}"
    size = 0

    def download() -> None:
        nonlocal size
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} returned {response.status_code}"
        size = len(response.content)

    times = _timed(download, XLSX_RUNS, 1)
    note = f"GET {url} (page rendered to the whole workbook) as the head of service: {size / 1024**2:.1f} MB"
    return _result("fortnightly_xlsx", scale, times, note)


def bench_fortnightly_across(scale: int) -> Result:
    """The fortnightly return's contact figures across the last 6 fortnights, as charts: one grouped
    query a fortnight, as the head of service opens it (GET /fortnightly/across/)."""
    from django.test import Client

    from casework.accounts.models import User
    from domain.fortnightly import latest_completed_fortnight

    la = demo_authority(scale)
    settle()
    head = User.objects.get(la=la, username__startswith="hos.demo")
    client = Client()
    client.force_login(head)
    url = f"/fortnightly/across/?ends={latest_completed_fortnight(BENCH_TODAY).ends_on.isoformat()}"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} returned {response.status_code}"

    times = _timed(page, RECOMPUTE_RUNS * 2, 1)
    note = f"GET {url} (page rendered, two charts and their tables) as the head of service: 6 fortnights"
    return _result("fortnightly_across", scale, times, note)


def bench_export_children_csv(scale: int) -> Result:
    """A list's download at its largest (casework/core/listing.py): every child, as the head of service
    downloads the cohort's drill-down, the whole streamed body read, with the time to the first bytes."""
    from django.test import Client

    from casework.accounts.models import User

    la = demo_authority(scale)
    settle()
    head = User.objects.get(la=la, username__startswith="hos.demo")
    client = Client()
    client.force_login(head)
    url = "/oversight/children/?format=csv"
    size = rows = 0
    first: list[float] = []

    def download() -> None:
        nonlocal size, rows
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} returned {response.status_code}"
        size = rows = 0
        for piece in response.streaming_content:
            if not size:
                first.append((time.perf_counter() - started) * 1000)
            size += len(piece)
            rows += piece.count(b"\n")

    times = _timed(download, EXPORT_RUNS, 1)
    note = (
        f"GET {url} (streamed to the last byte) as the head of service: {rows - 1:,} children, "
        f"{size / 1024**2:.1f} MB; first bytes after {statistics.median(first[1:] or first):.0f} ms (median)"
    )
    return _result("export_children_csv", scale, times, note)


def bench_returns_cin(scale: int) -> Iterable[Result]:
    from bench.returns import bench_import_cin

    return bench_import_cin(RETURNS_SCALE if scale == DEFAULT_SCALE else scale)


def bench_returns_903(scale: int) -> Iterable[Result]:
    from bench.returns import bench_import_903

    return bench_import_903(RETURNS_SCALE if scale == DEFAULT_SCALE else scale)


def bench_history(scale: int) -> list[Result]:
    from bench.history import bench_history_triggers

    return bench_history_triggers(scale, Result)


BENCHMARKS: dict[str, Callable[[int], Result | Iterable[Result]]] = {
    "demo_generate": bench_demo_generate,
    "page_floor": bench_page_floor,
    "child_search": bench_child_search,
    "worklist": bench_worklist,
    "cohort_page": bench_cohort_page,
    "team_oversight": bench_team_oversight,
    "recompute_due_dates": bench_recompute_due_dates,
    "deadlines_page": bench_deadlines_page,
    "recompute_deadlines": bench_recompute_deadlines,
    "fortnightly_xlsx": bench_fortnightly_xlsx,
    "fortnightly_across": bench_fortnightly_across,
    "export_children_csv": bench_export_children_csv,
    # Each of these writes several results: import_cin, import_cin_copy_floor, export_cin, validate_cin;
    # import_903, import_903_copy_floor, export_903, validate_903 (20,000 children unless --scale is given).
    "import_cin": bench_returns_cin,
    "import_903": bench_returns_903,
    # Writes history_insert, history_insert_row, history_insert_floor, history_delete, history_delete_row,
    # history_delete_floor.
    "history_triggers": bench_history,
}
# A national deployment's benchmarks (bench/national.py): their own database, kept between runs, so not
# part of the default run; `--only national_...` runs them.
from bench import national  # noqa: E402

DEFAULT_BENCHMARKS = list(BENCHMARKS)
BENCHMARKS.update(national.BENCHMARKS)
RESULT_ORDER = [
    *DEFAULT_BENCHMARKS[:-3],
    "import_cin",
    "import_cin_copy_floor",
    "export_cin",
    "validate_cin",
    "import_903",
    "import_903_copy_floor",
    "export_903",
    "validate_903",
    "history_insert",
    "history_insert_row",
    "history_insert_floor",
    "history_delete",
    "history_delete_row",
    "history_delete_floor",
    *national.BENCHMARKS,
]


# --- The harness: which benchmarks run, in what order, and where their results go ------------------


@dataclass(frozen=True)
class Failure:
    name: str
    error: str


def plan(names: Iterable[str] | None) -> list[str]:
    """The benchmarks to run, in order (all of them when `names` is empty). page_floor is added just
    before the first page benchmark, so every page is read against a floor measured in the same run."""
    chosen = list(dict.fromkeys(names or BENCHMARKS))
    pages = [i for i, name in enumerate(chosen) if name in PAGE_BENCHMARKS]
    if not pages:
        return chosen
    first_page = chosen[pages[0]]
    chosen = [name for name in chosen if name != "page_floor"]
    at = chosen.index(first_page)
    return [*chosen[:at], "page_floor", *chosen[at:]]


def with_floor(result: Result, floor: Result | None) -> Result:
    """A page result with its median as a multiple of page_floor's in its note (same run, same scale)."""
    if (
        floor is None
        or result.name not in PAGE_BENCHMARKS
        or floor.scale != result.scale
        or floor.median <= 0
    ):
        return result
    ratio = f"{result.median / floor.median:.1f}x page_floor"
    return replace(result, note=f"{result.note}; {ratio}" if result.note else ratio)


def _order(entry: dict[str, Any]) -> tuple[int, int]:
    name = entry.get("name")
    rank = RESULT_ORDER.index(name) if name in RESULT_ORDER else len(RESULT_ORDER)
    return rank, -int(entry.get("scale", 0))


def merge_results(existing: list[dict[str, Any]], measured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`existing` with each entry of the same name and scale as one in `measured` replaced by it; the
    others kept. Sorted by benchmark (RESULT_ORDER), largest scale first."""
    new = {(entry["name"], entry["scale"]): entry for entry in measured}
    kept = [entry for entry in existing if (entry.get("name"), entry.get("scale")) not in new]
    return sorted([*kept, *new.values()], key=_order)


def write_results(results: list[Result], path: Path | None = None) -> None:
    """Merge `results` into the results file atomically: a temporary file beside it, then a rename, so an
    interrupted run leaves either the old file or the new one, never half of one."""
    path = path or RESULTS
    existing: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    text = json.dumps(merge_results(existing, [r.as_json() for r in results]), indent=2) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fresh_connections() -> None:
    """After a failure, drop the database connections, so a connection left in a failed transaction
    does not fail the benchmarks after it."""
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()


def run(
    names: list[str],
    scale: int,
    *,
    benchmarks: dict[str, Callable[[int], Result | Iterable[Result]]] | None = None,
    results_path: Path | None = None,
) -> list[Failure]:
    """Run `names` in turn, writing each result to the results file as soon as it is measured. A
    benchmark that raises is reported (traceback and a FAILED line) and the run goes on; its entries in
    the results file are left as they were (a failed run measured nothing to replace them with)."""
    benchmarks = benchmarks or BENCHMARKS
    path = results_path or RESULTS
    floor: Result | None = None
    failures: list[Failure] = []
    for name in names:
        print(f"{name} (scale {scale:,})...", flush=True)
        try:
            outcome = benchmarks[name](scale)
            for measured in [outcome] if isinstance(outcome, Result) else outcome:
                floor = measured if measured.name == "page_floor" else floor
                result = with_floor(measured, floor)
                write_results([result], path)
                print(
                    f"  {result.name}: median {result.median:,} ms, p95 {result.p95:,} ms, n={result.n}",
                    flush=True,
                )
        except Exception as err:  # noqa: BLE001 (one benchmark's failure must not lose the others' figures)
            traceback.print_exc()
            failures.append(Failure(name, f"{type(err).__name__}: {err}"))
            print(f"  {name} FAILED: {type(err).__name__}: {err}", flush=True)
            print(f"  (its entries in {path.name} are left as they were)", flush=True)
            _fresh_connections()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Run the benchmarks.")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these benchmarks")
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE, help="children in the demo authority")
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep the benchmark database of the last run (its data too)"
    )
    args = parser.parse_args(argv)
    use_bench_database()
    if args.only and all(name in national.BENCHMARKS for name in args.only):
        national.prepare()  # the national deployment's own database, kept between runs
    elif not args.reuse_db:
        fresh_database()
    setup_django()
    failures = run(plan(args.only or DEFAULT_BENCHMARKS), args.scale)
    print(f"Results in {RESULTS.relative_to(REPO)}")
    if failures:
        print(f"{len(failures)} benchmark(s) FAILED:", flush=True)
        for failure in failures:
            print(f"  {failure.name}: {failure.error}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
