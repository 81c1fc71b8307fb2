"""The task worker killed with SIGKILL in the middle of an import (issue 10, "Proof under load and
faults"): nothing of the import is kept, the run is marked failed with a message well within a minute
(by the worker that replaces it, as systemd or `make run` would start), and the next upload is imported.

`continuity worker` runs in a subprocess against the fault tests' own embedded PostgreSQL
(.data/postgres-fault, see test_db_fault.py), with short supervision intervals set in its environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from continuity import embedded_db
from tests.casework.returns.test_views import cin_xml
from tests.continuity.test_db_fault import FAULT_PGDATA, FaultDatabase, app_env

pytestmark = pytest.mark.fault

CLI = [sys.executable, "-m", "continuity.cli"]
LEA = "976"
CHILDREN = 8000  # about 5 MB: long enough to kill the worker with several batches written
DEAD_AFTER = 3  # seconds without a heartbeat (production: 60)
SET_UP = f"""
from casework.accounts.models import Role, User
from casework.core.models import LocalAuthority
la, _ = LocalAuthority.objects.get_or_create(
    ons_code="E09000976", defaults={{"name": "Worker Fault Council", "lea_code": "{LEA}"}}
)
if not User.objects.filter(username="workerfault.analyst").exists():
    User.objects.create_user(username="workerfault.analyst", password="x-long-password-x", la=la,
                             role=Role.PERFORMANCE_ANALYST)
"""
UPLOAD = """
import os
from django.core.files.uploadedfile import SimpleUploadedFile
from casework.accounts.models import User
from casework.returns import services
path = os.environ["UPLOAD_FILE"]
with open(path, "rb") as source:
    upload = SimpleUploadedFile(path.rsplit("/", 1)[-1], source.read())
run = services.start_import(actor=User.objects.get(username="workerfault.analyst"), kind="cin",
                            files=[upload], mode="all", year=None)
print(run.pk)
"""


@pytest.fixture(scope="module")
def fault_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    assert FAULT_PGDATA != embedded_db.pgdata_dir(), "the fault test must never stop the shared database"
    env = {
        **app_env(0),
        "CONTINUITY_UPLOADS": str(tmp_path_factory.mktemp("uploads")),
        "WORKER_HEARTBEAT_SECONDS": "0.5",
        "WORKER_REAP_SECONDS": "0.5",
        "WORKER_DEAD_AFTER_SECONDS": str(DEAD_AFTER),
    }
    embedded_db.stop_server(FAULT_PGDATA)  # a server left by an interrupted run
    subprocess.run([*CLI, "migrate", "--verbosity", "0"], env=env, check=True, timeout=600)  # noqa: S603
    embedded_db.start_server(FAULT_PGDATA)  # kept running by this process: a killed worker cannot stop it
    try:
        subprocess.run([*CLI, "shell", "-c", SET_UP], env=env, check=True, timeout=120)  # noqa: S603
        yield env
    finally:
        embedded_db.stop_server(FAULT_PGDATA)


def upload(env: dict[str, str], path: Path) -> int:
    done = subprocess.run(  # noqa: S603
        [*CLI, "shell", "-c", UPLOAD],
        env={**env, "UPLOAD_FILE": str(path)},
        check=True,
        timeout=120,
        capture_output=True,
    )
    return int(done.stdout.decode().split()[-1])


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*CLI, "worker", "--no-startup-delay", "--interval", "0.2"], env=env)  # noqa: S603


def wait_for(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(what)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_worker_killed_mid_import_keeps_nothing_and_its_run_fails_within_a_minute(
    fault_env: dict[str, str], tmp_path: Path
) -> None:
    db = FaultDatabase()
    la_id = db.one("SELECT id FROM core_localauthority WHERE lea_code = %s", [LEA])[0]
    children_sql = "SELECT count(*) FROM children_child WHERE la_id = %s AND la_child_id LIKE 'KILL%%'"
    assert db.one(children_sql, [la_id])[0] == 0, "an earlier run left this LA's children behind"
    census = tmp_path / "census.xml"
    census.write_bytes(cin_xml(LEA, *((f"KILL{i}", "2025-06-01") for i in range(CHILDREN))))
    inserted_before = db.one("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'children_child'")[0]
    run_id = upload(fault_env, census)
    run_sql = "SELECT status, bytes_read, file_size, worker_id, message FROM returns_importrun WHERE id = %s"

    worker = start_worker(fault_env)
    try:

        def half_read() -> bool:
            status, read, size, _worker, _message = db.one(run_sql, [run_id])
            assert status in {"queued", "running"}, "the import finished before it could be killed"
            return status == "running" and read >= size // 2

        wait_for(half_read, 60, "the import did not get half way")
        worker_id = db.one(run_sql, [run_id])[3]
        heartbeat = db.one(
            "SELECT current_run_id FROM returns_workerheartbeat WHERE worker_id = %s", [worker_id]
        )
        assert heartbeat == (run_id,)
        os.kill(worker.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        worker.wait(timeout=10)
    finally:
        stop(worker)

    assert db.one(run_sql, [run_id])[0] == "running"  # what it said for ever before the reaper
    replacement = start_worker(fault_env)  # as systemd (Restart=always) or `make run` would
    try:
        wait_for(lambda: db.one(run_sql, [run_id])[0] == "failed", 60, "the dead worker's run was not failed")
        assert time.monotonic() - killed_at < 60
        message = db.one(run_sql, [run_id])[4]
        assert "stopped because the task worker stopped" in message
        assert "Nothing from this run was kept" in message
        # Nothing half-imported: the batches written before the kill were rolled back with the import.
        assert db.one(children_sql, [la_id])[0] == 0
        episodes = "SELECT count(*) FROM returns_cinepisode e JOIN children_child c ON c.id = e.child_id"
        assert db.one(episodes + " WHERE c.la_child_id LIKE 'KILL%%'")[0] == 0
        inserted = db.one("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'children_child'")[0]
        assert inserted - inserted_before >= 1000, (
            "no batch was written before the kill: the test proves nothing"
        )
        # The killed worker's task is not left "running" in the queue for ever.
        stuck = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' AND "
        stuck += "worker_ids ? %s"
        assert db.one(stuck, [worker_id])[0] == 0
        audit = (
            "SELECT count(*) FROM audit_auditevent WHERE action = 'return_import_failed' AND target_id = %s"
        )
        assert db.one(audit, [str(run_id)])[0] == 1

        # The next upload is not left waiting: the replacement imports it.
        small = tmp_path / "next.xml"
        small.write_bytes(cin_xml(LEA, ("NEXT1", "2025-06-01")))
        next_id = upload(fault_env, small)
        wait_for(lambda: db.one(run_sql, [next_id])[0] == "done", 60, "the next upload was not imported")
        assert db.one("SELECT count(*) FROM children_child WHERE la_child_id = 'NEXT1'")[0] == 1
    finally:
        stop(replacement)


def test_the_worker_is_restarted_after_a_database_restart(fault_env: dict[str, str]) -> None:
    """`make run` supervises the worker (continuity.supervisor): when a database restart takes it
    down, a new one is beating again soon after the database is back."""
    from continuity.supervisor import Supervisor

    db = FaultDatabase()
    beating = "SELECT count(*) FROM returns_workerheartbeat WHERE beat_at > now() - interval '2 seconds'"
    watched = Supervisor([*CLI, "worker", "--no-startup-delay", "--interval", "0.2"])
    # A worker started while the database is down must not start an embedded server of its own (it
    # would stop it again when it exits): it is given the running server's address, as in production.
    socket_dir = urllib.parse.quote(db.params["host"], safe="")
    url = f"postgres://postgres@{socket_dir}:{db.params['port']}/continuity_fault"
    previous = dict(os.environ)
    os.environ.update({**fault_env, "DATABASE_URL": url})  # the supervisor's children inherit it
    try:
        watched.start()
        wait_for(lambda: db.one(beating)[0] >= 1, 30, "the worker did not start beating")
        embedded_db.stop_server(FAULT_PGDATA)
        wait_for(lambda: watched.restarts >= 1, 30, "the worker did not notice the database had gone")
        embedded_db.start_server(FAULT_PGDATA)
        wait_for(lambda: db.one(beating)[0] >= 1, 40, "no worker was beating after the database came back")
        assert watched.process is not None
        assert watched.process.poll() is None
    finally:
        watched.stop()
        os.environ.clear()
        os.environ.update(previous)
        embedded_db.start_server(FAULT_PGDATA)  # for the fixture's own stop
