from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casework.core.safety import (
    DATABASE_AWAY,
    cannot_save,
    cannot_save_reason,
    database_unavailable,
    plain_page,
)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request (no user, no database): it must work when they do not. A database
    that is away (a failure before the view: the session, the user) is a 503 with the kind page."""
    error = sys.exc_info()[1]
    reason = cannot_save_reason(error)
    if reason:
        return cannot_save(reason)
    if isinstance(error, DATABASE_AWAY):
        return database_unavailable()
    return plain_page("core/500.html", 500)
