"""PostgreSQL row-level security: the second wall behind the access module (docs/adr/0002).

Every table with an `la_id` column gets a policy: rows are visible to, and may be written by, the
application role (ROW_SECURITY_ROLE, default `continuity_app`) only where `la_id` is the authority set
for the connection (`continuity.la_id`). Unset, that role sees nothing.

A signed-in person's request runs as that role with their authority set (RowSecurityMiddleware), so a
query that forgets its `la_id` filter returns none of another authority's rows instead of all of them.
Migrations, commands, the task worker and the demo generator work across authorities and run as the
role that owns the tables, which the policies do not bind (the table owner bypasses row security
unless it is forced). Requests before sign-in (the sign-in page, password reset, one-time links) are
not walled: they have no authority yet, and read only the accounts and sign-in tables.

The policies, the role and its grants are (re)made after every `migrate` (`install`, from a
post_migrate signal), so a new app's tables are walled without anyone remembering to. Making a role
needs CREATEROLE: on a managed PostgreSQL, create the role once (README, "Row-level security") or set
CONTINUITY_ROW_SECURITY=off, which the system check then reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.signals import request_finished
from django.db import DatabaseError, connections, transaction
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

SETTING = "continuity.la_id"
POLICY = "la_wall"
TENANT_COLUMN = "la_id"
# `la_id` of the connection's authority; NULL (so no row) while it is unset or empty. In a sub-select,
# so PostgreSQL reads the setting once per query (an init plan) rather than once for every row.
_CURRENT = f"(SELECT NULLIF(current_setting('{SETTING}', true), '')::bigint)"


class RowSecurityError(RuntimeError):
    """The role or the policies could not be made: migrate stops and says what to do."""


def enabled() -> bool:
    return bool(getattr(settings, "ROW_SECURITY", True))


def role() -> str:
    return str(getattr(settings, "ROW_SECURITY_ROLE", "continuity_app"))


def tenant_tables(cursor: Any) -> list[str]:
    """Every table of the schema with an `la_id` column (the tables of one authority's records)."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = %s AND NOT a.attisdropped"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname",
        [TENANT_COLUMN],
    )
    return [name for (name,) in cursor.fetchall()]


def install(using: str = "default") -> list[str]:
    """Make the role, grant it the schema's tables and sequences, and wall every tenant table. Returns
    the tables walled. Idempotent: run after every migrate."""
    connection = connections[using]
    name = role()
    quoted_role = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=using):
                    cursor.execute(f"CREATE ROLE {quoted_role} NOLOGIN")
            except DatabaseError as error:
                raise RowSecurityError(
                    f"Row-level security needs the database role {name}, and this user cannot create it "
                    f"({error}). Create it once as the server's administrator: CREATE ROLE {name} NOLOGIN; "
                    f"GRANT {name} TO <the application's user>; then migrate again (README, Row-level "
                    "security). Or set CONTINUITY_ROW_SECURITY=off, which leaves only the access rules."
                ) from error
        # The owner must be able to become the role for requests (a superuser always can).
        cursor.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [name])
        if not cursor.fetchone()[0]:
            cursor.execute(f"GRANT {quoted_role} TO current_user")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted_role}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted_role}"
        )
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted_role}")
        condition = f"{TENANT_COLUMN} = {_CURRENT}"
        definition = f"TO {quoted_role} USING ({condition}) WITH CHECK ({condition})"
        tables = tenant_tables(cursor)
        # Each policy carries its definition as its comment: a table already walled as now is left alone
        # (re-making a policy locks its table against every reader, and migrate runs on a live database).
        cursor.execute(
            "SELECT c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
            " WHERE p.polname = %s AND c.relrowsecurity AND obj_description(p.oid, 'pg_policy') = %s",
            [POLICY, definition],
        )
        current = {table for (table,) in cursor.fetchall()}
        for table in tables:
            if table in current:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {quoted}")
            cursor.execute(f"CREATE POLICY {POLICY} ON {quoted} {definition}")
            cursor.execute(f"COMMENT ON POLICY {POLICY} ON {quoted} IS %s", [definition])
    return tables


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate`, which sends post_migrate once for each app when every migration has run: core's
    is enough, as the SQL covers every table."""
    if enabled() and sender.label == "core":
        install(using)


# --- Per request ------------------------------------------------------------------------------------

_MARK = "_continuity_wall"  # on the driver's connection: the authority it is walled to, if any


def _raise(connection: Any, la_id: int) -> None:
    """Become the role with `la_id` set, as session settings (kept until lifted; outside a transaction,
    so no rollback can undo them). A failure is Django's error, as the query's own would be (the
    replica's fallback catches those)."""
    raw = connection.connection
    with connection.wrap_database_errors, raw.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('role', %s, false), set_config(%s, %s, false)", [role(), SETTING, str(la_id)]
        )
    setattr(raw, _MARK, la_id)


def _lower(connection: Any) -> None:
    """Back to the owner, no authority. The mark stays until the request is finished (`_lift`), which
    then resets the connection whatever a rollback in between may have undone."""
    raw = connection.connection
    with connection.wrap_database_errors, raw.cursor() as cursor:
        cursor.execute("SELECT set_config('role', 'none', false), set_config(%s, '', false)", [SETTING])


def _walled_to(connection: Any) -> int | None:
    """The authority the connection is walled to now (asked of the server: a rollback may have undone
    what the driver's mark says), or None when it runs as the owner."""
    if connection.connection is None:
        return None
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user = %s, NULLIF(current_setting(%s, true), '')::bigint", [role(), SETTING]
        )
        as_role, la_id = cursor.fetchone()
    return int(la_id) if as_role and la_id is not None else None


@contextmanager
def outside_wall() -> Iterator[None]:
    """Query as the owner inside a walled request; the wall comes back after (even after a rollback,
    which restores the value the settings had when the transaction began). For two things only:

    - a background task run at once (the immediate task backend of tests and development) runs as the
      owner, as it does in the worker;
    - a query whose conditions PostgreSQL will not use an index for behind a policy: the child search's
      trigram and edit-distance operators are not LEAKPROOF, so the policy's condition would go first
      and every row of the authority be scanned. Its caller keeps the wall by loading what it shows
      behind it afterwards, so a row of another authority found outside is never shown.
    """
    connection = connections["default"]
    walled = _walled_to(connection)
    if walled is None:
        yield
        return
    _lower(connection)
    try:
        yield
    except BaseException:
        try:
            _raise(connection, walled)
        except DatabaseError:
            # A transaction the error has broken takes no more statements, and nothing can be read in
            # it until it is rolled back, which restores the wall (lowered inside it).
            if not connection.in_atomic_block:
                raise
        raise
    _raise(connection, walled)


class _Wall:
    """An execute wrapper for the other connections (a read replica): walled before their first query."""

    def __init__(self, la_id: int) -> None:
        self.la_id = la_id

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        connection = context["connection"]
        if connection.connection is not None and getattr(connection.connection, _MARK, None) != self.la_id:
            _raise(connection, self.la_id)
        return execute(sql, params, many, context)


def _lift(**_kwargs: Any) -> None:
    """When the response is finished (a streamed download included): back to the owner's role and no
    authority, on each connection this thread keeps open. One that cannot be reset is closed, so no
    later request can inherit the setting."""
    for alias in settings.DATABASES:
        connection = connections[alias]
        raw = connection.connection
        if raw is None or getattr(raw, _MARK, None) is None:
            continue
        try:
            _lower(connection)
            setattr(raw, _MARK, None)
        except Exception:  # noqa: BLE001 - the connection is unusable: drop it rather than reuse it
            logger.warning("Could not lift row security from a connection; closing it", exc_info=True)
            try:
                connection.close()
            except DatabaseError:
                pass


request_finished.connect(_lift, dispatch_uid="continuity-row-security-lift")


class RowSecurityMiddleware:
    """Runs a signed-in person's request behind the wall of their authority (see the module's text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        la_id = getattr(user, "la_id", None) if user is not None and user.is_authenticated else None
        if la_id is None or not enabled():
            return self.get_response(request)
        default = connections["default"]
        default.ensure_connection()
        _raise(default, la_id)  # always: the connection may be new, or a rollback undone an earlier one
        wall = _Wall(la_id)
        with ExitStack() as stack:
            for alias in settings.DATABASES:
                if alias != "default":
                    stack.enter_context(connections[alias].execute_wrapper(wall))
            return self.get_response(request)


@checks.register(checks.Tags.security, deploy=True)
def check_row_security(**_kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy` says so when the second wall is off."""
    if enabled():
        return []
    return [
        checks.Warning(
            "Row-level security is off (CONTINUITY_ROW_SECURITY=off): only the access rules keep one "
            "authority's records from another's.",
            hint="Create the role (README, Row-level security) and turn it on.",
            id="continuity.W001",
        )
    ]
