"""Benchmarks of a national deployment: England's 153 authorities in one database (`continuity demo
--national`: about 400,000 children and 8 million contacts).

They use their own database on the benchmark server, `continuity_bench_national`, kept between runs
(made once, in about 20 minutes, and timed as `national_generate`), so bench/run.py calls `prepare()`
instead of making a fresh database when only national benchmarks are asked for:

  national_generate             `continuity demo --national`, once, as a separate process (only when
                                the database has no national deployment yet; otherwise not re-measured)
  national_worklist             GET /worklist/ as social workers of 20 authorities in turn (p95 < 50 ms)
  national_cohort_page          GET /oversight/ as the largest authority's head of service (median < 200 ms)
  national_child_search         200 queries through GET /children/?q=..., heads of service of 20
                                authorities in turn, each searching their own register (p95 < 100 ms)
  national_recompute_due_dates  refresh_due_states for every authority, one after another (< 90 s)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

NATIONAL_DB = "continuity_bench_national"
AUTHORITIES_SAMPLED = 20


def prepare() -> None:
    """Point Django at the national database (before it reads its settings); it is made if missing."""
    os.environ["CONTINUITY_DB_NAME"] = NATIONAL_DB


def _run() -> Any:
    """bench/run.py's helpers: its running module (`python -m bench.run` runs it as __main__, and importing
    bench.run again would run its top level again, resetting the database name)."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) and main.__spec__.name == "bench.run":
        return main
    import bench.run as run

    return run


def _deployment(scale: int) -> list[Any]:
    """The national deployment's authorities, largest first (made first if missing: run national_generate
    for its time)."""
    from casework.core.models import LocalAuthority
    from demo.national import NATIONAL_LAS, authorities

    names = [a.name for a in authorities()]
    if LocalAuthority.objects.filter(name__in=names).count() < NATIONAL_LAS:
        bench_national_generate(scale)
    by_name = {la.name: la for la in LocalAuthority.objects.filter(name__in=names)}
    return [by_name[name] for name in names]


def _sample(las: list[Any]) -> list[Any]:
    """Authorities across the size range: the largest, the smallest and evenly between."""
    step = max(1, len(las) // AUTHORITIES_SAMPLED)
    picked = las[::step][: AUTHORITIES_SAMPLED - 1] + [las[-1]]
    return list(dict.fromkeys(picked))


def _fraction(scale: int) -> float:
    """`--scale N`: N children in the whole deployment (the default scale means England's 400,000)."""
    from demo.national import NATIONAL_CHILDREN

    run = _run()
    return 1.0 if scale == run.DEFAULT_SCALE else scale / NATIONAL_CHILDREN


def bench_national_generate(scale: int) -> Any:
    run = _run()
    command = [
        sys.executable,
        "-m",
        "continuity.cli",
        "demo",
        "--national",
        f"--national-scale={_fraction(scale)}",
        f"--seed={run.SEED}",
        f"--today={run.BENCH_TODAY.isoformat()}",
    ]
    started = time.perf_counter()
    env = {**os.environ, "CONTINUITY_DB_NAME": NATIONAL_DB}
    subprocess.run(command, check=True, cwd=run.REPO, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    elapsed = (time.perf_counter() - started) * 1000
    run.settle()
    note = (
        f"one run of `continuity demo --national --national-scale={_fraction(scale)}` (153 authorities, "
        f"{_children():,} children; process start to exit)"
    )
    return run.Result("national_generate", _children(), "ms", round(elapsed, 1), round(elapsed, 1), 1, note)


def _children() -> int:
    from casework.children.models import Child

    return Child.objects.count()


def bench_national_worklist(scale: int) -> Any:
    from django.db.models import Count
    from django.test import Client

    from casework.accounts.models import User

    run = _run()
    las = _sample(_deployment(scale))
    workers = []
    for la in las:
        workers += list(
            User.objects.filter(la=la, role="social_worker", is_active=True)
            .annotate(cases=Count("allocated"))
            .filter(cases__gte=12, cases__lte=20)
            .order_by("pk")[:2]
        )
    clients = []
    for worker in workers:
        client = Client()
        client.force_login(worker)
        clients.append(client)
    turn = iter(range(10**9))

    def page() -> None:
        response = clients[next(turn) % len(clients)].get("/worklist/")
        assert response.status_code == 200, f"GET /worklist/ returned {response.status_code}"

    times = run._timed(page, run.PAGE_RUNS, run.PAGE_WARM_UP)
    note = (
        f"GET /worklist/ (page rendered), {len(workers)} social workers of {len(las)} authorities in turn, "
        f"{_children():,} children in the database"
    )
    return run._result("national_worklist", _children(), times, note)


def bench_national_cohort_page(scale: int) -> Any:
    from django.test import Client

    from casework.accounts.models import User
    from casework.children.models import Child

    run = _run()
    largest = _deployment(scale)[0]
    head = User.objects.get(la=largest, username="hos.demo")
    client = Client()
    client.force_login(head)

    def page() -> None:
        response = client.get("/oversight/")
        assert response.status_code == 200, f"GET /oversight/ returned {response.status_code}"

    times = run._timed(page, run.PAGE_RUNS, run.PAGE_WARM_UP)
    note = (
        f"GET /oversight/ as the head of service of the largest authority ({largest.name}, "
        f"{Child.objects.filter(la=largest).count():,} children; {_children():,} in the database)"
    )
    return run._result("national_cohort_page", _children(), times, note)


def bench_national_child_search(scale: int) -> Any:
    from django.test import Client

    from bench.queries import Person, build_queries
    from casework.accounts.models import User
    from casework.children.models import Child

    run = _run()
    las = _sample(_deployment(scale))
    per_la = -(-(run.SEARCH_QUERIES + run.SEARCH_WARM_UP) // len(las))
    searches: list[tuple[Any, str]] = []
    for index, la in enumerate(las):
        head = User.objects.get(la=la, username__regex=r"^(\d{3}\.)?hos\.demo$")
        client = Client()
        client.force_login(head)
        people = [
            Person(*row)
            for row in Child.objects.filter(la=la)
            .order_by("pk")
            .values_list("first_name", "last_name", "date_of_birth", "la_child_id", "upn")
        ]
        searches += [(client, query) for _, query in build_queries(people, per_la, seed=run.SEED + index)]
    # Interleave the authorities, as many people searching at once would.
    searches = [searches[i] for offset in range(per_la) for i in range(offset, len(searches), per_la)]
    warm_up, measured = searches[: run.SEARCH_WARM_UP], searches[run.SEARCH_WARM_UP :][: run.SEARCH_QUERIES]

    def search(client: Any, query: str) -> None:
        response = client.get("/children/", {"q": query})
        assert response.status_code == 200, f"GET /children/?q={query} returned {response.status_code}"

    for client, query in warm_up:
        search(client, query)
    times = []
    for client, query in measured:
        started = time.perf_counter()
        search(client, query)
        times.append((time.perf_counter() - started) * 1000)
    note = (
        f"GET /children/?q=... (page rendered) as the heads of service of {len(las)} authorities, "
        f"{len(measured)} varied queries, each in its own register; {_children():,} children in the database"
    )
    return run._result("national_child_search", _children(), times, note)


def bench_national_recompute_due_dates(scale: int) -> Any:
    from django.db import transaction

    from casework.contacts.due import refresh_due_states

    run = _run()
    las = _deployment(scale)
    started = time.perf_counter()
    written = 0
    with transaction.atomic():
        for la in las:
            written += refresh_due_states(la_id=la.pk, today=run.BENCH_TODAY)
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    note = (
        f"refresh_due_states for each of the {len(las)} authorities in turn: {written:,} children; "
        "one run, rolled back afterwards"
    )
    return run._result("national_recompute_due_dates", _children(), [elapsed], note)


BENCHMARKS: dict[str, Callable[[int], Any]] = {
    "national_generate": bench_national_generate,
    "national_worklist": bench_national_worklist,
    "national_cohort_page": bench_national_cohort_page,
    "national_child_search": bench_national_child_search,
    "national_recompute_due_dates": bench_national_recompute_due_dates,
}
