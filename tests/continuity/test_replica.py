"""Reads from a streaming replica (casework/core/replica.py), against a real hot standby of the test server.

Each test's data is committed and reaches the standby by streaming replication, as in production.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext

from casework.audit.models import AuditEvent
from casework.children.models import Child
from casework.core import replica
from casework.core.models import LocalAuthority
from casework.returns.models import ExportRun
from tests.conftest import PASSWORD, TODAY, make_world
from tests.standby import Standby

pytestmark = pytest.mark.replica

REPLICA = replica.REPLICA
WARNING = "Read replica not used"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)


@contextmanager
def replay_paused(standby: Standby) -> Iterator[None]:
    """The standby keeps receiving the primary's WAL but applies none of it until the block ends."""
    with standby.connect() as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone() != ("paused",):
            assert time.monotonic() < deadline, "the standby did not pause its replay"
            time.sleep(0.05)
        try:
            yield
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")


@contextmanager
def queries() -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        yield primary, on_replica


def page_queries(captured: CaptureQueriesContext) -> list[str]:
    """The queries of a page, without the replica probe, the sign-in (session and user) and the request
    log's row (an audit write: always on the primary, casework.audit.middleware)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if "pg_is_in_recovery" not in q["sql"]
        and '"django_session"' not in q["sql"]
        and 'FROM "accounts_user" WHERE "accounts_user"."id" =' not in q["sql"]
        and 'INSERT INTO "audit_requestlog"' not in q["sql"]
    ]


def test_a_write_on_the_primary_reaches_the_replica(replica_db: Standby) -> None:
    la = LocalAuthority.objects.create(name="Replicashire", ons_code="E09000999", lea_code="999")
    deadline = time.monotonic() + 20
    while not LocalAuthority.objects.using(REPLICA).filter(pk=la.pk).exists():
        assert time.monotonic() < deadline, "the write did not reach the replica in 20 s"
        time.sleep(0.05)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)


def test_the_cohort_page_reads_the_replica(replica_db: Standby, caught_up: Any, client: Any) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    client.force_login(world.users["hos"])
    with queries() as (primary, on_replica):
        response = client.get("/oversight/")
    assert response.status_code == 200
    assert page_queries(on_replica), "the page read nothing from the replica"
    assert page_queries(primary) == []
    # The proof that the figures come from the replica: while it is behind, the page shows what it has.
    with replay_paused(replica_db):
        LocalAuthority.objects.filter(pk=world.la.pk).update(name="Renamed County Council")
        assert "Northshire County Council" in client.get("/oversight/").content.decode()
    caught_up()
    assert "Renamed County Council" in client.get("/oversight/").content.decode()


def test_writes_reads_after_a_write_transactions_and_sign_in_use_the_primary(
    replica_db: Standby, caught_up: Any
) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    assert router.db_for_read(Child) == DEFAULT_DB_ALIAS  # outside a replica scope
    with replica.replica_reads() as state:
        assert state.use_replica
        alias = router.db_for_read(Child)
        assert alias == REPLICA
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,)
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS
        with transaction.atomic():
            assert router.db_for_read(Child) == DEFAULT_DB_ALIAS
        jon = Child.objects.get(pk=world.children["jon"].pk)
        assert jon._state.db == REPLICA
        assert router.db_for_write(Child, instance=jon) == DEFAULT_DB_ALIAS
        # Having written, the request reads back what it wrote from the primary, related objects too.
        Child.objects.filter(pk=jon.pk).update(first_name="Jon")
        assert router.db_for_read(Child) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Child, instance=jon) == DEFAULT_DB_ALIAS
        assert Child.objects.get(pk=jon.pk).first_name == "Jon"


def test_a_download_that_audits_reads_the_replica_and_writes_the_primary(
    replica_db: Standby, caught_up: Any, client: Any
) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    client.force_login(world.users["hos"])
    with queries() as (primary, on_replica):
        response = client.get("/fortnightly/return.csv")
    assert response.status_code == 200
    assert "DfE fortnightly return" in response.content.decode()
    assert any('FROM "children_child"' in sql for sql in page_queries(on_replica))
    writes = [sql for sql in page_queries(primary) if "INSERT INTO" in sql]
    assert len(writes) == 1
    assert 'INSERT INTO "audit_auditevent"' in writes[0]
    assert not any('"children_child"' in sql for sql in page_queries(primary))
    assert AuditEvent.objects.using(DEFAULT_DB_ALIAS).filter(action="fortnightly.download").count() == 1


def test_a_users_own_write_is_read_from_the_primary_until_the_replica_has_it(
    replica_db: Standby, caught_up: Any, client: Any
) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    with replay_paused(replica_db):
        response = client.post("/sign-in", {"username": "901.hos", "password": PASSWORD})
        assert response.status_code == 302
        assert replica.parse_lsn(response.cookies[replica.WAL_COOKIE].value) is not None
        LocalAuthority.objects.filter(pk=world.la.pk).update(name="Renamed County Council")
        with queries() as (primary, on_replica):
            page = client.get("/oversight/")
        assert "Renamed County Council" in page.content.decode()
        assert page_queries(on_replica) == []
        assert page_queries(primary)
    caught_up()
    with queries() as (primary, on_replica):
        assert client.get("/oversight/").status_code == 200
    assert page_queries(on_replica)
    assert page_queries(primary) == []


def test_a_replica_too_far_behind_is_not_read(
    replica_db: Standby, caught_up: Any, client: Any, settings: Any, caplog: Any
) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    client.force_login(world.users["hos"])
    settings.REPLICA_MAX_LAG_SECONDS = 0.0
    with replay_paused(replica_db):
        LocalAuthority.objects.filter(pk=world.la.pk).update(name="Renamed County Council")
        time.sleep(0.5)  # the change is streamed to the standby, which holds it unapplied
        with caplog.at_level(logging.WARNING, logger="casework.core.replica"):
            page = client.get("/oversight/")
    assert "Renamed County Council" in page.content.decode()
    assert "behind the primary" in caplog.text


def test_a_stopped_replica_falls_back_to_the_primary_and_is_retried_after_a_back_off(
    replica_db: Standby, caught_up: Any, client: Any, caplog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    client.force_login(world.users["hos"])
    assert client.get("/oversight/").status_code == 200  # a persistent connection to the replica
    replica_db.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="casework.core.replica"):
            with queries() as (primary, _):
                response = client.get("/oversight/")
            assert response.status_code == 200
            assert "Northshire County Council" in response.content.decode()
            assert page_queries(primary)
            assert caplog.text.count(WARNING) == 1
            # Within the back-off the replica is not tried at all.
            assert client.get("/oversight/sitrep").status_code == 200
            assert caplog.text.count(WARNING) == 1
            assert connections[REPLICA].connection is None
    finally:
        replica_db.start()
    caught_up()
    later = time.monotonic() + replica.retry_seconds() + 1
    monkeypatch.setattr(replica, "clock", lambda: later)
    with queries() as (primary, on_replica):
        assert client.get("/oversight/").status_code == 200
    assert page_queries(on_replica)
    assert page_queries(primary) == []


def test_a_replica_lost_part_way_through_a_page_reruns_it_on_the_primary(
    replica_db: Standby, caught_up: Any, client: Any, caplog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    client.force_login(world.users["hos"])
    from casework.oversight import selectors

    compliance = selectors.compliance
    calls: list[str] = []

    def replica_dies_first_time(**kwargs: Any) -> Any:
        if not calls:
            pid = connections[REPLICA].connection.info.backend_pid
            with replica_db.connect() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        calls.append(replica.read_alias())
        return compliance(**kwargs)

    monkeypatch.setattr(selectors, "compliance", replica_dies_first_time)
    with caplog.at_level(logging.WARNING, logger="casework.core.replica"):
        response = client.get("/oversight/")
    assert response.status_code == 200
    assert calls == [REPLICA, DEFAULT_DB_ALIAS]
    assert "failed part-way" in caplog.text


@pytest.mark.parametrize("kind", ["cin", "903"])
def test_a_return_download_reads_the_replica_and_records_its_export_on_the_primary(
    replica_db: Standby, caught_up: Any, client: Any, kind: str
) -> None:
    world = make_world("901", "Northshire County Council")
    caught_up()
    client.force_login(world.users["hos"])
    with queries() as (primary, on_replica):
        response = client.post("/returns/export", {"export-kind": kind, "export-year": "2026"})
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert any('FROM "children_child"' in sql for sql in page_queries(on_replica))
    assert not any('"children_child"' in sql for sql in page_queries(primary))
    writes = [sql for sql in page_queries(primary) if "INSERT INTO" in sql]
    assert [w.split('INSERT INTO "')[1].split('"')[0] for w in writes] == [
        "returns_exportrun",
        "audit_auditevent",
    ]
    assert ExportRun.objects.using(DEFAULT_DB_ALIAS).filter(la=world.la, kind=kind).count() == 1
