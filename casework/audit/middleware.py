"""The one mechanism that audits every request of a signed-in person: what they saw, downloaded or
submitted, and every refusal (PRODUCT.md M20; OWASP ASVS 4.0 7.1.3, 7.2.2: log access to sensitive
data and every failed access decision). Being middleware, it covers every URL pattern, including pages
added later; tests/casework/audit/test_request_log.py walks the resolver to prove it.

One INSERT per request, after the view has answered, on the primary database (also for pages that read
from the replica). If the row cannot be written, the request fails rather than show a page that left no
trace (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from casework.audit.models import RequestLog

# Requests that show nothing of anyone's: static files, the health check.
UNLOGGED_PREFIXES = ("/static/", "/healthz", "/favicon.ico")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSALS = frozenset({401, 403, 404, 405})
DOWNLOAD_TYPES = ("text/csv", "application/vnd.openxmlformats", "application/xml", "application/zip")


def outcome_of(method: str, status: int, content_type: str, disposition: str) -> str:
    """What a request amounted to, from its method and the response."""
    if status in REFUSALS:
        return RequestLog.Outcome.REFUSED
    if status >= 500:
        return RequestLog.Outcome.FAILED
    if method not in SAFE_METHODS:
        return RequestLog.Outcome.CHANGED
    if disposition.startswith("attachment") or content_type.startswith(DOWNLOAD_TYPES):
        return RequestLog.Outcome.EXPORTED
    return RequestLog.Outcome.VIEWED


def _child_ref(request: HttpRequest) -> int | None:
    """The child a request is about: the `child_id` of its URL, or a `child` query parameter."""
    match = request.resolver_match
    value = (match.kwargs.get("child_id") if match else None) or request.GET.get("child")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _signed_in(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class RequestAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        before = _signed_in(request)  # whoever signs out is logged as they were
        response = self.get_response(request)
        user = _signed_in(request) or before
        if user is not None and not request.path.startswith(UNLOGGED_PREFIXES):
            self._log(request, response, user)
        return response

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponseBase, user: Any) -> None:
        match = request.resolver_match
        RequestLog.objects.using("default").create(
            la_id=getattr(user, "la_id", None),
            user_id=user.pk,  # an id, not the object: assigning one asks the router for a write
            method=request.method or "",
            route=(match.view_name if match else "")[:100],
            path=request.path[:300],
            query=request.META.get("QUERY_STRING", "")[:500],
            status=response.status_code,
            outcome=outcome_of(
                request.method or "",
                response.status_code,
                response.get("Content-Type", ""),
                response.get("Content-Disposition", ""),
            ),
            child_ref=_child_ref(request),
            address=request.META.get("REMOTE_ADDR") or None,
        )
