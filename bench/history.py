"""What the history triggers cost on bulk writes: 100,000 rows inserted and deleted in one statement each.

The table is `children_educationsetting` (tracked like every record model, few columns, no foreign keys
but its authority), filled and emptied with plain SQL inside a transaction that is rolled back, so
nothing stays. Each figure beside its floor, the same statement with the history trigger skipped:

  history_insert        INSERT ... SELECT of 100,000 rows, the statement-level "snapshot" insert trigger on
                        (one INSERT ... SELECT from the statement's transition table)
  history_insert_row    the same insert with a row-level insert trigger instead (pghistory's default, and
                        ours before issue 9), for comparison
  history_insert_floor  the same with the insert trigger skipped (pgtrigger.ignore)
  history_delete        DELETE of the 100,000 rows, the statement-level delete trigger on (one
                        INSERT ... SELECT from the statement's transition table)
  history_delete_row    the same delete with a row-level delete trigger instead (what pghistory installs
                        by default), for comparison
  history_delete_floor  the same delete with no delete trigger
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

ROWS = 100_000
RUNS = 3


class _RolledBackError(Exception):
    pass


def _triggers(cursor: Any, table: str, pattern: str) -> list[str]:
    cursor.execute(
        "SELECT coalesce(array_agg(tgname::text), '{}') FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND tgname LIKE %s",
        [table, pattern],
    )
    return list(cursor.fetchone()[0])


def _ignore(cursor: Any, names: list[str]) -> None:
    cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(names) + "}"])


def _row_level_sql(label: str, operation: Any, row: str) -> str:
    """pghistory's insert or delete trigger for the table as it would be per row (installed only in the
    rolled-back transaction, named so it can be skipped like the others)."""
    import pghistory.trigger
    import pgtrigger
    from django.apps import apps

    from casework.children.models import EducationSetting

    event_model = apps.get_model("children", "EducationSettingEvent")
    trigger = pghistory.trigger.Event(
        event_model=event_model,
        label=label,
        name=f"bench_row_{label}",
        row=row,
        operation=operation,
        level=pgtrigger.Row,
    )
    return trigger.compile(EducationSetting).install_sql


def _one_run(la_id: int, variant: str) -> dict[str, float]:
    """Insert then delete ROWS rows in one transaction, rolled back; the seconds each statement took."""
    import pghistory
    from django.db import connection, transaction

    from casework.children.models import EducationSetting

    table = EducationSetting._meta.db_table
    took: dict[str, float] = {}
    try:
        # Every bulk path (imports, the demo) writes inside a history context: without one, each row's
        # trigger looks for it and catches the error, several times slower.
        with transaction.atomic(), pghistory.context(reason="Benchmark"), connection.cursor() as cursor:
            inserts = _triggers(cursor, table, "pgtrigger_snapshot_insert%")
            deletes = _triggers(cursor, table, "pgtrigger_snapshot_delete%")
            row_delete: list[str] = []
            if variant == "row":
                import pgtrigger

                cursor.execute(_row_level_sql("delete", pgtrigger.Delete, "OLD"))
                cursor.execute(_row_level_sql("snapshot", pgtrigger.Insert, "NEW"))
                row_delete = _triggers(cursor, table, "pgtrigger_bench_row_delete%")
            _ignore(cursor, {"floor": inserts, "row": inserts, "statement": []}[variant])
            started = time.perf_counter()
            cursor.execute(
                f"INSERT INTO {table} (la_id, created_at, updated_at, name, urn, kind, is_open) "  # noqa: S608
                "SELECT %s, now(), now(), 'Setting ' || n, '', 'primary', true FROM generate_series(1, %s) n",
                [la_id, ROWS],
            )
            took["insert"] = time.perf_counter() - started
            skip = {"floor": deletes + row_delete, "row": deletes, "statement": row_delete}[variant]
            _ignore(cursor, skip)
            started = time.perf_counter()
            cursor.execute(f"DELETE FROM {table} WHERE la_id = %s", [la_id])  # noqa: S608
            took["delete"] = time.perf_counter() - started
            raise _RolledBackError
    except _RolledBackError:
        pass
    return took


def bench_history_triggers(scale: int, result: Callable[..., Any]) -> list[Any]:
    """`result(name, scale, unit, median, p95, n, note)` makes one entry of bench/results.json."""
    from casework.core.models import LocalAuthority

    la = LocalAuthority.objects.create(name="History trigger bench", ons_code="E09999998", lea_code="998")
    runs: dict[str, list[dict[str, float]]] = {variant: [] for variant in ("statement", "row", "floor")}
    for _ in range(RUNS):
        for variant, measured in runs.items():
            measured.append(_one_run(la.pk, variant))
    la.delete()

    def entry(name: str, values: list[float], note: str) -> Any:
        ms = sorted(v * 1000 for v in values)
        return result(name, ROWS, "ms", round(statistics.median(ms), 1), round(ms[-1], 1), len(ms), note)

    insert = [r["insert"] for r in runs["statement"]]
    row_insert = [r["insert"] for r in runs["row"]]
    floor_insert = [r["insert"] for r in runs["floor"]]
    delete = [r["delete"] for r in runs["statement"]]
    row_delete = [r["delete"] for r in runs["row"]]
    floor_delete = [r["delete"] for r in runs["floor"]]

    def ratio(values: list[float], floor: list[float]) -> str:
        return f"{statistics.median(values) / statistics.median(floor):.1f}x the floor"

    return [
        entry(
            "history_insert",
            insert,
            f"INSERT ... SELECT, statement-level insert events: {ratio(insert, floor_insert)}",
        ),
        entry(
            "history_insert_row",
            row_insert,
            f"the same INSERT, row-level insert events: {ratio(row_insert, floor_insert)}",
        ),
        entry("history_insert_floor", floor_insert, "the same INSERT with the insert trigger skipped"),
        entry(
            "history_delete",
            delete,
            f"one DELETE, statement-level delete events: {ratio(delete, floor_delete)}",
        ),
        entry(
            "history_delete_row",
            row_delete,
            f"the same DELETE, row-level delete events: {ratio(row_delete, floor_delete)}",
        ),
        entry("history_delete_floor", floor_delete, "the same DELETE with no delete trigger"),
    ]
