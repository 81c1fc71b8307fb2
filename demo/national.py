"""A national demo deployment: England's 153 local authorities in one database, at England's volumes.

Sizes follow DOMAIN.md §6: about 400,000 children in the registers (389,260 children in need at 31 March
2020, 399,460 in 2024) across 153 authorities (2024), about 2,600 on average. No LA-level table was
retrieved, so the spread is a log-normal one fitted to the working target there (the largest county
about 5-6 times the average, near 15,000 children) and not any real authority's figure. The authorities
and everyone in them are fictional; each is an ordinary demo authority (demo.service.generate_demo) in
its own transaction, so a load that stops part-way keeps the authorities finished and a second run
goes on from there. Authorities are independent, so a load can make them in several worker processes at
once (each its own connection and transaction, COPYing its own rows): on 2 cores one process's Python
generation runs while the other's rows are being written by PostgreSQL.
"""

from __future__ import annotations

import math
import multiprocessing
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection, connections

from casework.core.models import LocalAuthority
from demo.load import analyze
from demo.service import DEFAULT_LA_NAME, MIN_CHILDREN, DemoSummary, free_codes, generate_demo

NATIONAL_LAS = 153  # England, 2024 (DOMAIN.md §6)
# Worker processes of a national load: two keep both of a 2-core server busy (one generating while the
# other's rows are written); more would only queue for the same cores.
NATIONAL_WORKERS = 2
NATIONAL_CHILDREN = 400_000  # children in need at 31 March: 389,260 (2020) to 404,310 (2022)
LARGEST_SHARE = 15_000 / NATIONAL_CHILDREN  # the working target for the largest authority
# The log-normal spread whose largest of 153 is about 5.7 times the mean (15,000 / 2,614).
SPREAD = 0.74

_PLACES = (
    "Ash", "Bram", "Calder", "Dun", "Elm", "Fern", "Glen", "Hart", "Ivy", "Kings", "Lark", "Mill", "Nor",
    "Oak", "Pen", "Queens", "Rook", "Stan", "Thorn", "Wyn", "Yew", "Alder", "Beck", "Cole", "Dray", "Ember",
)  # fmt: skip
_ENDINGS = ("brook", "field", "ford", "ham", "ley", "mouth", "stead", "wick", "worth", "bury", "dale")
_KINDS = ("County Council", "Borough Council", "City Council", "Metropolitan Borough Council", "Council")


@dataclass(frozen=True)
class NationalAuthority:
    index: int  # 0 is the largest, and keeps the plain demo sign-ins (sw.demo, ...)
    name: str
    children: int
    seed: int


def sizes(count: int = NATIONAL_LAS, scale: float = 1.0) -> list[int]:
    """Children per authority, largest first: log-normal quantiles scaled to `scale` x 400,000 in all,
    none below the demo's minimum."""
    normal = statistics.NormalDist()
    z = [normal.inv_cdf((count - i - 0.5) / count) for i in range(count)]
    raw = [math.exp(SPREAD * value) for value in z]
    total = NATIONAL_CHILDREN * scale * count / NATIONAL_LAS
    return [max(MIN_CHILDREN, round(value * total / sum(raw))) for value in raw]


def authorities(count: int = NATIONAL_LAS, scale: float = 1.0, seed: int = 2020) -> list[NationalAuthority]:
    """The national deployment's authorities: the first is today's demo authority (its name and sign-ins)."""
    names = [DEFAULT_LA_NAME]
    for index in range(1, count):
        place = _PLACES[index % len(_PLACES)] + _ENDINGS[(index // len(_PLACES)) % len(_ENDINGS)]
        names.append(f"{place} {_KINDS[index % len(_KINDS)]} (demo)")
    return [
        NationalAuthority(index, name, children, seed + index)
        for index, (name, children) in enumerate(zip(names, sizes(count, scale), strict=True))
    ]


def generate_national(
    *,
    today: date,
    count: int = NATIONAL_LAS,
    scale: float = 1.0,
    seed: int = 2020,
    progress: Callable[[NationalAuthority, DemoSummary | None], None] | None = None,
    workers: int = 1,
) -> list[DemoSummary]:
    """Create every authority of the national deployment not already there (by name); then one ANALYZE.

    With `workers` > 1 the authorities are made in that many processes at once, largest first, each
    taking the next as it finishes; inside a caller's transaction (a test) they are made in it, one after
    another, as other processes could not see or undo its rows. Each authority's LA number and codes are
    handed out first, in the order a one-by-one load would take them, so either way the same authority
    gets the same codes and, from its own seed, the same people.
    """
    existing = set(LocalAuthority.objects.values_list("name", flat=True))
    todo: list[NationalAuthority] = []
    for authority in authorities(count, scale, seed):
        if authority.name in existing:
            if progress:
                progress(authority, None)
        else:
            todo.append(authority)
    jobs = [_Job(a, codes, today) for a, codes in zip(todo, free_codes(len(todo)), strict=True)]
    made: list[DemoSummary] = []
    for authority, summary in _run(jobs, workers):
        made.append(summary)
        if progress:
            progress(authority, summary)
    analyze()
    return made


@dataclass(frozen=True)
class _Job:
    authority: NationalAuthority
    codes: tuple[str, str]
    today: date


def _make(job: _Job) -> tuple[NationalAuthority, DemoSummary]:
    authority = job.authority
    summary = generate_demo(
        children=authority.children,
        seed=authority.seed,
        today=job.today,
        la_name=authority.name,
        prefix_usernames=authority.index > 0,
        analyse=False,
        codes=job.codes,
    )
    return authority, summary


def _run(jobs: list[_Job], workers: int) -> Iterator[tuple[NationalAuthority, DemoSummary]]:
    if workers <= 1 or len(jobs) <= 1 or connection.in_atomic_block:
        yield from map(_make, jobs)
        return
    # Forked workers open connections of their own: none may inherit this process's socket.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap_unordered(_make, jobs, chunksize=1)
