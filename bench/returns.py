"""Benchmarks of the DfE returns (issue 5), run by bench.run.

import_cin             a synthetic CIN census of N children (bench.cin_fixture) imported into an empty LA:
                       parse, check the DfE rules, store, derive the register; each run rolled back.
import_cin_copy_floor  the same rows (children, return records, statuses, due states) loaded with
                       PostgreSQL COPY into the same tables, triggers on: the floor an import could reach.
export_cin             the LA's census for the year written as XML, after the import committed.
validate_cin           the DfE's own validator (csc-validator-be-cin, in .validators) on the same file.
import_903, import_903_copy_floor, export_903, validate_903
                       the same for a synthetic SSDA903 return (bench.lac_fixture).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

RUNS = 3
EXPORT_RUNS = 5
YEAR = 2026


def _timings(call: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _empty_la(name: str, lea: str, ons: str) -> Any:
    """A new, empty authority for this run (an earlier run's is left as it was, under its own name)."""
    from django.db.models import Q

    from casework.core.models import LocalAuthority

    number = int(lea)
    while LocalAuthority.objects.filter(
        Q(lea_code=f"{number:03d}") | Q(ons_code=f"E09000{number:03d}")
    ).exists():
        number -= 1
    runs = LocalAuthority.objects.filter(name__startswith=name).count()
    return LocalAuthority.objects.create(
        name=f"{name} {runs + 1}",
        lea_code=f"{number:03d}",
        ons_code=ons if number == int(lea) else f"E09000{number:03d}",
    )


def _tables_written(la_id: int) -> list[tuple[str, str]]:
    """The tables an import writes (in an order that satisfies their foreign keys), with a row filter."""
    from casework.children.models import Child, LegalStatus, Placement
    from casework.contacts.models import DueState
    from casework.returns import models as r

    # Table names from the models and an integer id: no user input reaches this SQL.
    child = f"child_id IN (SELECT id FROM {Child._meta.db_table} WHERE la_id = {int(la_id)})"  # noqa: S608
    episode = f"episode_id IN (SELECT id FROM {r.CinEpisode._meta.db_table} WHERE la_id = {int(la_id)})"  # noqa: S608
    tables = [(Child._meta.db_table, f"la_id = {la_id}"), (r.ChildReturnDetails._meta.db_table, child)]
    tables += [(r.CinEpisode._meta.db_table, child)]
    tables += [(m._meta.db_table, episode) for m in (r.CinAssessment, r.CinPlan, r.Section47, r.CpPlan)]
    for model in (
        r.LacEpisode,
        r.LacReview,
        r.LacMissing,
        r.LacSocialWorkerEpisode,
        r.LacPlacedForAdoption,
        r.LacAdoption,
        r.LacPreviousPermanence,
        r.LacOutcomes,
        r.LacCareLeaver,
        r.LacDeprivationOfLiberty,
    ):
        tables.append((model._meta.db_table, child))
    tables += [(LegalStatus._meta.db_table, child), (Placement._meta.db_table, child)]
    tables += [(DueState._meta.db_table, child)]
    return tables


def _copy_floor(la_id: int, do_import: Callable[[], None], runs: int) -> tuple[list[float], int]:
    """Import once (rolled back) capturing the rows it wrote, then time COPYing them into the tables."""
    from django.db import connection, transaction

    captured: list[tuple[str, bytes]] = []
    with transaction.atomic():
        do_import()
        with connection.cursor() as cursor:
            for table, where in _tables_written(la_id):
                buffer = io.BytesIO()
                with cursor.copy(f"COPY (SELECT * FROM {table} WHERE {where}) TO STDOUT") as copy:  # noqa: S608
                    for data in copy:
                        buffer.write(data)
                captured.append((table, buffer.getvalue()))
        transaction.set_rollback(True)
    rows = sum(data.count(b"\n") for _, data in captured)

    def load() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            # The session settings the history triggers read, as an import has them (unset, every
            # trigger raises and catches an error on each row).
            cursor.execute(
                "SELECT set_config('pgtrigger.ignore', '{}', true), "
                "set_config('pghistory.context_id', gen_random_uuid()::text, true), "
                "set_config('pghistory.context_metadata', '{\"reason\": \"COPY floor\"}', true)"
            )
            for table, data in captured:
                if not data:
                    continue
                columns = _insertable_columns(cursor, table)
                rows_text = _project(data, table, columns, cursor)  # before the COPY: it queries
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(rows_text)
            transaction.set_rollback(True)

    return _timings(load, runs), rows


def _all_columns(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _insertable_columns(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "AND attgenerated = '' ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _project(data: bytes, table: str, columns: list[str], cursor: Any) -> bytes:
    """Drop generated columns (COPY cannot write them) from COPY text rows."""
    every = _all_columns(cursor, table)
    if every == columns:
        return data
    keep = [every.index(name) for name in columns]
    lines = data.rstrip(b"\n").split(b"\n")
    return b"".join(b"\t".join(line.split(b"\t")[i] for i in keep) + b"\n" for line in lines)


def _importing(call: Callable[[], Any], outcomes: list[str]) -> Callable[[], None]:
    """An import that must end done; its message is kept for the benchmark's note."""

    def do_import() -> None:
        from casework.returns.models import ImportRun

        run = call()
        if run.status != ImportRun.Status.DONE:
            raise RuntimeError(run.message)
        outcomes.append(run.message)

    return do_import


def _rolled_back(call: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        from django.db import transaction

        with transaction.atomic():
            call()
            transaction.set_rollback(True)

    return run


def bench_import_cin(scale: int) -> Iterator[Any]:
    """import_cin, import_cin_copy_floor, export_cin and validate_cin on one synthetic census, each
    yielded as soon as it is measured (so a failing validator loses none of the others)."""

    from bench.cin_fixture import write_cin_census
    from bench.run import BENCH_TODAY, _result
    from casework.returns.cin_export import export_cin
    from casework.returns.cin_import import import_cin

    la = _empty_la("Bench returns (CIN)", "901", "E09000901")
    with tempfile.TemporaryDirectory(prefix="bench-cin-") as folder:
        source = write_cin_census(Path(folder) / "census.xml", scale, year=YEAR, lea=la.lea_code)
        size_mb = source.stat().st_size / 1024**2
        outcomes: list[str] = []
        do_import = _importing(lambda: import_cin(la=la, path=source, today=BENCH_TODAY), outcomes)
        times = _timings(_rolled_back(do_import), RUNS)
        yield _result(
            "import_cin",
            scale,
            times,
            f"{size_mb:.1f} MB census ({YEAR}) into an empty LA, register derived; each run rolled back. "
            f"{outcomes[-1]}",
        )
        floor, rows = _copy_floor(la.pk, do_import, RUNS)
        ratio = statistics.median(times) / statistics.median(floor)
        yield _result(
            "import_cin_copy_floor",
            scale,
            floor,
            f"the {rows:,} rows import_cin writes, COPYed into the same tables (history triggers on); "
            f"import_cin takes {ratio:.1f}x this",
        )
        do_import()  # committed, for the export
        out = Path(folder) / "export.xml"
        export_times = _timings(lambda: export_cin(la=la, year=YEAR, out=out), EXPORT_RUNS)
        yield _result("export_cin", scale, export_times, f"the census of {scale:,} children written as XML")
        if not os.environ.get("BENCH_SKIP_VALIDATORS"):
            yield _validator("validate_cin", scale, lambda: _run_cin(source))


def _run_cin(source: Path) -> Any:
    from continuity.validators import run_cin

    return run_cin(source, YEAR, timeout=3600)


def _validator(name: str, scale: int, call: Callable[[], Any]) -> Any:
    from bench.run import Result

    started = time.perf_counter()
    result = call()
    elapsed = (time.perf_counter() - started) * 1000
    note = (
        f"{result.validator} {result.version} ({result.ruleset}) on the same file, one run: "
        f"{result.seconds:.1f} s inside the validator, the rest starting its Python; "
        f"{len(result.errors)} errors, {len(result.queries)} queries"
    )
    return Result(name, scale, "ms", round(elapsed, 1), round(elapsed, 1), 1, note)


def bench_import_903(scale: int) -> Iterator[Any]:
    """import_903, import_903_copy_floor, export_903 and validate_903 on one synthetic SSDA903 return,
    each yielded as soon as it is measured."""

    from bench.lac_fixture import write_903_return
    from bench.run import BENCH_TODAY, _result
    from casework.returns.lac_export import export_903
    from casework.returns.lac_import import import_903

    la = _empty_la("Bench returns (903)", "902", "E09000902")
    with tempfile.TemporaryDirectory(prefix="bench-903-") as folder:
        source = write_903_return(Path(folder) / "in", scale, year=YEAR)
        size_mb = sum(p.stat().st_size for p in source.glob("*.csv")) / 1024**2
        outcomes: list[str] = []
        do_import = _importing(
            lambda: import_903(la=la, paths=source, today=BENCH_TODAY, year=YEAR), outcomes
        )
        times = _timings(_rolled_back(do_import), RUNS)
        yield _result(
            "import_903",
            scale,
            times,
            f"{size_mb:.1f} MB of CSV ({YEAR}) into an empty LA, register derived; each run rolled back. "
            f"{outcomes[-1]}",
        )
        floor, rows = _copy_floor(la.pk, do_import, RUNS)
        ratio = statistics.median(times) / statistics.median(floor)
        yield _result(
            "import_903_copy_floor",
            scale,
            floor,
            f"the {rows:,} rows import_903 writes, COPYed into the same tables (history triggers on); "
            f"import_903 takes {ratio:.1f}x this",
        )
        do_import()
        out = Path(folder) / "out"
        export_times = _timings(lambda: export_903(la=la, year=YEAR, folder=out), EXPORT_RUNS)
        yield _result("export_903", scale, export_times, f"the return of {scale:,} children as CSV")
        if not os.environ.get("BENCH_SKIP_VALIDATORS"):
            yield _validator("validate_903", scale, lambda: _run_903(source, la.ons_code))


def _run_903(source: Path, ons_code: str) -> Any:
    from continuity.validators import run_903

    return run_903(source, YEAR, ons_code, timeout=3600)
