"""Safe by default: headers on every response, request bodies limited per URL, and a kind page while
the database is away (issue 10, "Safe by default"; OWASP ASVS 4.0 8.2.1, 12.1.1, 14.4).

None of the pages here touch the database or the signed-in user: they must render while PostgreSQL
is down, and before the session has been read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Errors that mean "the database cannot be reached" (a restart, a failover, a network cut), as opposed
# to a fault in the query: psycopg's connection failures arrive as these two.
DATABASE_AWAY = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def local_mode(request: HttpRequest) -> dict[str, object]:
    """Every page of the local demonstration says so (the banner in base.html)."""
    return {"local_mode": settings.CONTINUITY_LOCAL}


def plain_page(template: str, status: int, context: dict[str, object] | None = None) -> HttpResponse:
    """A GOV.UK page rendered without the request: no session, user, navigation or database."""
    html = render_to_string(template, {"local_mode": settings.CONTINUITY_LOCAL, **(context or {})})
    return HttpResponse(html, status=status)


# The database is there but takes no changes: read-only (a standby promoted late, an administrator's
# `default_transaction_read_only`; SQLSTATE 25006) or out of disk space (53100). The change is refused
# whole, in its transaction: nothing of it is written, and what was saved before is untouched.
CANNOT_SAVE_SQLSTATES = {"25006": "read-only", "53100": "out of disk space"}


def cannot_save_reason(exception: BaseException | None) -> str | None:
    """Why the database refused a change (see CANNOT_SAVE_SQLSTATES), or None for any other error."""
    seen = 0
    while exception is not None and seen < 5:
        reason = CANNOT_SAVE_SQLSTATES.get(str(getattr(exception, "sqlstate", "") or ""))
        if reason:
            return reason
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return None


def cannot_save(reason: str) -> HttpResponse:
    response = plain_page("core/503_cannot_save.html", 503, {"reason": reason})
    response["Retry-After"] = str(RETRY_AFTER_SECONDS * 6)
    return response


def database_unavailable() -> HttpResponse:
    response = plain_page("core/503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class SafetyHeadersMiddleware:
    """Every page of the app may show a child: none is stored by a browser or proxy (Cache-Control:
    no-store, ASVS 8.2.1), and none may use a browser feature it does not need (Permissions-Policy).
    Static files are served before this (whitenoise), so they stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


def request_limit(path: str) -> int:
    """The most bytes a request to `path` may send: small, except the return upload (ASVS 12.1.1)."""
    if path in settings.LARGE_REQUEST_PATHS:
        return int(settings.MAX_RETURN_UPLOAD_BYTES) + 10 * 1024**2  # the file and its form fields
    return int(settings.MAX_REQUEST_BYTES)


class RequestSizeLimitMiddleware:
    """A request body over its URL's limit is refused before anything reads it, with a GOV.UK page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_limit(request.path)
        if length > limit:
            logger.warning("Refused a %d-byte request to %s (limit %d)", length, request.path, limit)
            response = plain_page("core/413.html", 413, {"limit_mb": max(1, limit // 1024**2)})
            response["Connection"] = "close"  # the unread body is not kept waiting on the connection
            return response
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database is away a view's query fails: answer 503 with a kind page, never a stack
    trace. The failed connection is dropped at the end of the request (Django closes an unusable one),
    and CONN_HEALTH_CHECKS opens a fresh one once the database is back: recovery needs no restart.
    Failures before the view (the session, the user) reach casework.core.errors.server_error instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        reason = cannot_save_reason(exception)
        if reason:
            logger.error("The database cannot take changes (%s): answered 503", reason)
            return cannot_save(reason)
        if isinstance(exception, DATABASE_AWAY):
            logger.error("The database is unavailable (%s): answered 503", type(exception).__name__)
            return database_unavailable()
        return None
