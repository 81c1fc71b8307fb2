"""A database that takes no changes (read-only, or out of disk space) answers a clear 503 page, not a
stack trace nor the "cannot reach its records" page (issue 10; the whole path under a running server
is tests/continuity/test_db_fault.py)."""

from __future__ import annotations

import psycopg
import pytest
from django import db
from django.test import RequestFactory

from casework.core import errors, safety


def wrapped(cause: Exception, kind: type[Exception]) -> Exception:
    """As Django raises them: its own error class, the psycopg error as the cause."""
    try:
        try:
            raise cause
        except psycopg.Error as error:
            raise kind(str(error)) from error
    except kind as outer:
        return outer


@pytest.mark.parametrize(
    ("cause", "kind", "reason"),
    [
        (psycopg.errors.ReadOnlySqlTransaction("read-only"), db.InternalError, "read-only"),
        (psycopg.errors.DiskFull("could not extend file"), db.OperationalError, "out of disk space"),
    ],
)
def test_a_refused_change_is_a_503_saying_nothing_was_saved(
    cause: Exception, kind: type[Exception], reason: str
) -> None:
    error = wrapped(cause, kind)
    assert safety.cannot_save_reason(error) == reason
    middleware = safety.DatabaseUnavailableMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(RequestFactory().post("/x"), error)
    assert response is not None
    assert response.status_code == 503
    page = response.content.decode()
    assert "Sorry, your change could not be saved" in page
    assert f"its database is {reason}" in page
    assert "Everything saved before this page appeared has been kept" in page


def test_other_database_errors_are_not_called_a_refused_change() -> None:
    away = wrapped(psycopg.OperationalError("connection refused"), db.OperationalError)
    assert safety.cannot_save_reason(away) is None
    integrity = wrapped(psycopg.errors.UniqueViolation("duplicate"), db.IntegrityError)
    assert safety.cannot_save_reason(integrity) is None


def test_the_error_handler_answers_the_same_before_the_view() -> None:
    error = wrapped(psycopg.errors.ReadOnlySqlTransaction("read-only"), db.InternalError)
    try:
        raise error
    except db.InternalError:
        response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 503
    assert b"Sorry, your change could not be saved" in response.content
