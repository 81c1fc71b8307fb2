"""An import refreshes the planner's statistics only of the tables it changed by more than autovacuum's
own threshold (50 rows + 10% of the rows at the last analyse), with a small sample inside its
transaction, and leaves the session's statistics target as it was."""

from __future__ import annotations

import pytest
from django.db import connection

from casework.returns import importing

pytestmark = pytest.mark.django_db


def _sql(statement: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


def test_only_tables_changed_past_the_threshold_are_analysed():
    for name in ("probe_big", "probe_small", "probe_grown"):
        _sql(f"CREATE TABLE {name} (id int)")
    _sql("INSERT INTO probe_grown SELECT generate_series(1, 1000)")
    _sql("ANALYZE probe_big; ANALYZE probe_small; ANALYZE probe_grown")
    tables = ["probe_big", "probe_small", "probe_grown"]
    # The 1,000 rows inserted before its analyse still count in this transaction: 1,000 > 50 + 100.
    assert importing.changed_tables(tables) == ["probe_grown"]
    _sql("INSERT INTO probe_big SELECT generate_series(1, 51)")  # 51 > 50 + 10% of 0
    _sql("INSERT INTO probe_small SELECT generate_series(1, 50)")  # 50 is not
    assert importing.changed_tables(tables) == ["probe_big", "probe_grown"]
    importing._analyze(["probe_big"], quick=True)
    assert _sql("SELECT reltuples FROM pg_class WHERE relname = 'probe_big'") == [(51.0,)]


def test_a_quick_analyse_leaves_the_statistics_target_as_it_was():
    _sql("SELECT set_config('default_statistics_target', '250', true)")
    _sql("CREATE TABLE probe_target (id int)")
    importing._analyze(["probe_target"], quick=True)
    assert _sql("SELECT current_setting('default_statistics_target')") == [("250",)]
