"""Reads from a PostgreSQL streaming replica, for the pages that opt in (docs/adr/0009-read-replica.md).

With DATABASE_REPLICA_URL set, settings add a second connection, "replica". A view opts in with
`@reads_from_replica`; inside it, ORM reads go to the replica unless one of these holds, in which case
they go to the primary ("default"):

- the request has written (read-your-writes): a user must see what they have just done;
- a transaction is open on the primary: it may hold uncommitted writes, and its reads belong with it;
- the model is one the sign-in machinery reads (sessions, sign-in attempts) or the task queue;
- the replica is unreachable, is not in recovery (a promoted ex-replica no longer receives writes), lags
  more than REPLICA_MAX_LAG_SECONDS, or has not yet replayed this user's last write (the WAL position
  of their last writing request, kept in a cookie);
- the replica failed earlier and its back-off (REPLICA_RETRY_SECONDS) has not run out.

Writes always go to the primary. Without a "replica" connection everything reads the primary, as before.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
T = TypeVar("T")
V = TypeVar("V", bound=Callable[..., Any])
# Models read by the sign-in and session machinery, and the task queue: always the primary, so a
# session just saved, a lock-out just recorded or a task just queued is never missed.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_tasks_db", "contenttypes", "auth"})
WAL_COOKIE = "continuity_wal"
# How long a writing request's WAL position pins its user's later reads to what they wrote: longer
# than any lag the replica is allowed (REPLICA_MAX_LAG_SECONDS), after which the lag check applies.
WAL_COOKIE_MAX_AGE = 15 * 60
_LSN = re.compile(r"^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")
_PROBE = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
    " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

logger = logging.getLogger(__name__)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def retry_seconds() -> float:
    return float(getattr(settings, "REPLICA_RETRY_SECONDS", 30.0))


def max_lag_seconds() -> float:
    return float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 300.0))


def parse_lsn(text: str | None) -> int | None:
    """A PostgreSQL WAL position ("16/B374D848") as a number; None if `text` is not one."""
    match = _LSN.match(text or "")
    return (int(match[1], 16) << 32) + int(match[2], 16) if match else None


@dataclass
class RequestState:
    """What one request has done to the databases, and whether its reads may go to the replica."""

    wrote: bool = False
    use_replica: bool = False


_state: ContextVar[RequestState | None] = ContextVar("continuity_replica_request", default=None)


class _Health:
    """The process's view of the replica: after a failure it is left alone for a back-off period, so
    a replica that is down costs one failed connection per period, not one per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_until = 0.0

    def usable(self) -> bool:
        return clock() >= self.down_until

    def mark_down(self, reason: str) -> None:
        with self._lock:
            self.down_until = clock() + retry_seconds()
        logger.warning(
            "Read replica not used (%s): reading from the primary; trying it again in %.0f s",
            reason,
            retry_seconds(),
        )
        close_replica_connection()

    def reset(self) -> None:
        with self._lock:
            self.down_until = 0.0


health = _Health()


def clock() -> float:
    return time.monotonic()


def close_replica_connection() -> None:
    try:
        connections[REPLICA].close()
    except DatabaseError:
        logger.debug("Closing the broken replica connection failed", exc_info=True)


def read_alias() -> str:
    """Where a read made now goes: the replica only inside a scope that found it fit, before this
    request wrote anything and outside any transaction on the primary."""
    state = _state.get()
    if state is None or not state.use_replica or state.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


def atomic_reads(func: Callable[..., T]) -> Callable[..., T]:
    """`transaction.atomic` for a service that reads (and at most records its audit event): the
    transaction is opened where its reads go, so inside a replica scope it is on the replica and its
    reads see one replica snapshot; elsewhere it is the usual transaction on the primary. Writes
    inside it still go to the primary, in a transaction of their own."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with transaction.atomic(using=read_alias()):
            return func(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Django database router: reads go to the replica only inside a `reads_from_replica` scope that
    found it fit to read; everything else, and every write, goes to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        # Named explicitly, never left to Django: it would read a related object of a row read from
        # the replica from the replica too, even after this request wrote.
        return read_alias()

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Tracks one request's writes from its first middleware to its last, and after a writing
    request remembers the primary's WAL position, so the user's next replica-read pages wait for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = RequestState()
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and replica_configured():
            _remember_wal_position(response)
        return response


def _remember_wal_position(response: HttpResponse) -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        row = cursor.fetchone()
    if row:
        response.set_cookie(
            WAL_COOKIE,
            row[0],
            max_age=WAL_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _probe() -> tuple[bool, str | None, float]:
    """One round trip to the replica: in recovery? how far replayed? how far behind? A persistent
    connection that fails is retried once on a new one (the replica may have restarted since)."""
    connection = connections[REPLICA]
    retry = connection.connection is not None
    while True:
        try:
            with connection.cursor() as cursor:
                cursor.execute(_PROBE)
                in_recovery, replayed, lag = cursor.fetchone()
            return bool(in_recovery), replayed, float(lag)
        except (OperationalError, InterfaceError):
            close_replica_connection()
            if not retry:
                raise
            retry = False


def _replica_fit(needed_lsn: int | None) -> bool:
    """Whether the replica can serve this request: reachable, a replica, not too far behind, and past
    this user's last write. Unreachable, promoted or lagging: back off; only behind the user's own
    write: just this request reads the primary."""
    if not health.usable():
        return False
    try:
        in_recovery, replayed, lag = _probe()
    except (OperationalError, InterfaceError) as error:
        health.mark_down(f"unreachable: {str(error).strip()[:200]}")
        return False
    if not in_recovery:
        health.mark_down("it is not in recovery, so it is no longer a replica of the primary")
        return False
    if lag > max_lag_seconds():
        health.mark_down(f"it is {lag:.0f} s behind the primary")
        return False
    replayed_at = parse_lsn(replayed)
    return needed_lsn is None or (replayed_at is not None and replayed_at >= needed_lsn)


@contextmanager
def replica_reads(request: HttpRequest | None = None) -> Iterator[RequestState]:
    """The scope inside which ORM reads may go to the replica (see the module's docstring)."""
    outer = _state.get()
    state = outer if outer is not None else RequestState()
    token = _state.set(state)
    before = state.use_replica
    try:
        if replica_configured() and not state.wrote and not before:
            cookie = request.COOKIES.get(WAL_COOKIE) if request is not None else None
            # A cookie that is not a WAL position cannot be checked: read the primary.
            needed = parse_lsn(cookie) if cookie is not None else None
            state.use_replica = (cookie is None or needed is not None) and _replica_fit(needed)
        yield state
    finally:
        state.use_replica = before
        _state.reset(token)


def _replica_failed(error: DatabaseError) -> bool:
    return isinstance(error, OperationalError | InterfaceError) and connections[REPLICA].errors_occurred


def _load_sign_in(request: HttpRequest) -> None:
    """Resolve the lazy request.user (and with it the session) now, on the primary."""
    user = getattr(request, "user", None)
    if user is not None:
        _ = user.pk


def reads_from_replica(view: V) -> V:
    """Let `view` read from the replica. Its sign-in (session and user) is read from the primary
    first. If the replica fails part-way and the request has written nothing, the view runs again on
    the primary: its reads are repeated, and no write has happened that could be repeated."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not replica_configured():
            return view(request, *args, **kwargs)
        _load_sign_in(request)
        with replica_reads(request) as state:
            if not state.use_replica:
                return view(request, *args, **kwargs)
            try:
                return view(request, *args, **kwargs)
            except DatabaseError as error:
                if state.wrote or not _replica_failed(error):
                    raise
                health.mark_down(f"failed part-way: {str(error).strip()[:200]}")
        return view(request, *args, **kwargs)

    return cast(V, wrapper)
