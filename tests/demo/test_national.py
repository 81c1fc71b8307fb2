"""A national deployment: many authorities in one database, each page's queries kept to its own LA.

The plans are checked on a small national fixture (5 authorities made by the national mode, at small
sizes) padded to national proportions: 60 copies of the largest authority's children, statuses,
contacts, due states and deadlines under other LA ids, so that one LA is under 2% of each table as in
England (the largest of 153 is about 4%). With 5 authorities alone each would be a fifth of every table,
and a sequential scan would rightly be the cheapest plan. Statistics come from ANALYZE; no planner
setting is changed.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import User
from casework.children.models import Child
from casework.contacts.due import refresh_due_states
from casework.core.models import LocalAuthority
from demo.national import NATIONAL_LAS, authorities, sizes
from demo.service import demo_logins

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
COPIES = 60
# The national tables: (table, its child column) — each copy's children get ids above every real one.
NATIONAL_TABLES = (
    ("children_child", "id"),
    ("children_legalstatus", "child_id"),
    ("contacts_contact", "child_id"),
    ("contacts_duestate", "child_id"),
    ("safeguarding_deadline", "child_id"),
)


def test_the_national_sizes_add_up_to_englands_volumes_with_a_realistic_spread():
    each = sizes()

    assert len(each) == NATIONAL_LAS == 153
    assert sum(each) == pytest.approx(400_000, rel=0.01)
    assert 14_000 <= max(each) <= 16_000
    assert min(each) >= 100
    assert each == sorted(each, reverse=True)
    names = [a.name for a in authorities()]
    assert len(set(names)) == NATIONAL_LAS
    assert all(name.endswith("(demo)") for name in names)


def _pad(source_la: int) -> None:
    """Copy the source authority's rows of every national table COPIES times, under new LA ids."""
    stamp = LocalAuthority.objects.order_by("-pk").first()
    assert stamp is not None
    new = [
        LocalAuthority.objects.create(name=f"Padding {n}", ons_code=f"E10{n:06d}", lea_code=f"P{n:02d}")
        for n in range(COPIES)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) + 1 FROM children_child")
        stride = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(tgname::text) FROM pg_trigger WHERE tgname LIKE 'pgtrigger_snapshot_insert%%'"
        )
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(cursor.fetchone()[0]) + "}"]
        )
        cursor.execute("CREATE TEMPORARY TABLE padding (k int, la int)")
        cursor.executemany(
            "INSERT INTO padding VALUES (%s, %s)", [(k + 1, la.pk) for k, la in enumerate(new)]
        )
        for table, child_column in NATIONAL_TABLES:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall() if row[0] != "id" or child_column == "id"]
            values = [
                "p.la" if c == "la_id" else f"t.{c} + p.k * {stride}" if c == child_column else f"t.{c}"
                for c in columns
            ]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608
                f"FROM {table} t CROSS JOIN padding p WHERE t.la_id = %s",
                [source_la],
            )
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        for table, _ in NATIONAL_TABLES:
            cursor.execute(f"ANALYZE {table}")


def _plans(queries: list[dict[str, str]]) -> Iterator[tuple[str, dict[str, Any]]]:
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            yield sql, plan[0]["Plan"] if isinstance(plan, list) else json.loads(plan)[0]["Plan"]


def _seq_scans(node: dict[str, Any]) -> Iterator[str]:
    if node.get("Node Type") == "Seq Scan":
        yield node.get("Relation Name", "")
    for child in node.get("Plans", []):
        yield from _seq_scans(child)


def _national_seq_scans(queries: list[dict[str, str]]) -> list[tuple[str, str]]:
    national = {table for table, _ in NATIONAL_TABLES}
    return [
        (table, sql[:300]) for sql, plan in _plans(queries) for table in _seq_scans(plan) if table in national
    ]


def test_a_national_deployments_pages_read_their_own_authority_by_index():
    call_command(
        "demo", "--national", "--national-las", "5", "--national-scale", "0.03", "--today", TODAY.isoformat(),
        stdout=io.StringIO(),
    )  # fmt: skip
    made = list(LocalAuthority.objects.filter(is_demo=True).order_by("pk"))
    assert len(made) == 5
    # Each authority's sign-ins are its own: the first keeps today's, the others carry their LA number.
    logins = {login.username: login.la for login in demo_logins()}
    assert logins["sw.demo"] == made[0].name
    assert logins[f"{made[1].lea_code}.sw.demo"] == made[1].name
    assert User.objects.filter(la=made[1]).exclude(username__startswith=f"{made[1].lea_code}.").count() == 0
    _pad(made[0].pk)
    la = made[1]
    assert Child.objects.filter(la=la).count() < Child.objects.count() / 50

    worker = User.objects.filter(la=la, role="social_worker", allocated__isnull=False).order_by("pk").first()
    head = User.objects.get(username=f"{la.lea_code}.hos.demo")
    child = Child.objects.filter(la=la).order_by("pk").first()
    assert worker is not None
    assert child is not None
    pages = {
        "worklist": (worker, "/worklist/", {}),
        "cohort page": (head, "/oversight/", {}),
        "child search by name": (head, "/children/", {"q": child.last_name}),
        "child search by date of birth": (head, "/children/", {"q": f"{child.date_of_birth:%d/%m/%Y}"}),
    }
    found: dict[str, list[tuple[str, str]]] = {}
    for name, (user, path, params) in pages.items():
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, params).status_code == 200
        found[name] = _national_seq_scans(captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        refresh_due_states(la_id=la.pk, today=TODAY)
    found["recompute due dates"] = _national_seq_scans(captured.captured_queries)

    assert {name: scans for name, scans in found.items() if scans} == {}


def test_the_codes_handed_out_before_a_parallel_load_are_those_a_one_by_one_load_takes():
    from demo import postcodes
    from demo.service import _free_codes, free_codes

    LocalAuthority.objects.create(name="Taken", ons_code="E09000998", lea_code="997")
    ahead = free_codes(3)
    one_by_one = []
    for n in range(3):
        lea, ons = _free_codes()
        one_by_one.append((lea, ons))
        LocalAuthority.objects.create(name=f"Next {n}", ons_code=ons, lea_code=lea)
    assert ahead == one_by_one
    # The first free number takes the demo postcodes' own area; 998's ONS code is taken, 997's number.
    assert ahead == [("999", postcodes.HOME_AREA), ("996", "E09000996"), ("995", "E09000995")]
