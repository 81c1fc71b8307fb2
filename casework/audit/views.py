from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from casework.audit import selectors
from casework.audit.models import AuditEvent, RecordAccess, RequestLog
from casework.core import listing, permissions
from casework.core.replica import reads_from_replica
from casework.core.types import AuthenticatedRequest

ACCESSES: listing.Listing[RecordAccess] = listing.Listing(
    name="audit-access",
    title="Views of children's records",
    columns=[
        listing.Column("When", lambda a: a.at),
        listing.Column("Who", lambda a: str(a.user)),
        listing.Column("Username", lambda a: a.user.username),
        listing.Column("Record number", lambda a: a.child_ref),
        listing.Column("Outcome", lambda a: a.get_outcome_display()),
        listing.Column("Page", lambda a: a.path),
    ],
)
REQUESTS: listing.Listing[RequestLog] = listing.Listing(
    name="audit-requests",
    title="Every page, download and refusal",
    columns=[
        listing.Column("When", lambda r: r.at),
        listing.Column("Who", lambda r: str(r.user)),
        listing.Column("Username", lambda r: r.user.username),
        listing.Column("Outcome", lambda r: r.get_outcome_display()),
        listing.Column("Method", lambda r: r.method),
        listing.Column("Page", lambda r: r.path),
        listing.Column("Query", lambda r: r.query),
        listing.Column("Answer", lambda r: r.status),
        listing.Column("Record number", lambda r: r.child_ref),
    ],
)
CHANGES: listing.Listing[AuditEvent] = listing.Listing(
    name="audit-changes",
    title="Changes made",
    columns=[
        listing.Column("When", lambda e: e.at),
        listing.Column("Who", lambda e: str(e.actor or "System")),
        listing.Column("Record number", lambda e: e.child_id),
        listing.Column("What", lambda e: e.summary),
        listing.Column("Why", lambda e: e.reason),
    ],
)


def _rows(request: AuthenticatedRequest, show: str, child_id: int | None) -> tuple[listing.Listing[Any], Any]:
    if show == "requests":
        return REQUESTS, _requests(request, child_id)
    if show == "changes":
        events = selectors.audit_event_list_for_user(user=request.user)
        return CHANGES, events.filter(child_id=child_id) if child_id else events
    accesses = selectors.record_access_list_for_user(user=request.user, child_ref=child_id)
    if request.GET.get("outcome") in {"viewed", "refused"}:
        accesses = accesses.filter(outcome=request.GET["outcome"])
    return ACCESSES, accesses


@reads_from_replica
def audit_log(request: AuthenticatedRequest) -> HttpResponseBase:
    """Views of children's records (and refusals), every request, and the changes made, for
    administrators: each paged and downloadable with its filters (a download is logged too)."""
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    child_ref = request.GET.get("child")
    child_id = int(child_ref) if child_ref and child_ref.isdigit() else None
    show = request.GET.get("show", "access")
    spec, rows = _rows(request, show, child_id)
    if listing.wants_export(request, spec):
        return listing.export(request, rows, spec)
    return render(
        request,
        "audit/log.html",
        {
            "list": listing.paginate(request, rows, spec),
            "show": show,
            "child_id": child_id,
            "outcome": request.GET.get("outcome", ""),
            "username": request.GET.get("user", ""),
            "outcomes": RequestLog.Outcome.choices,
        },
    )


def _requests(request: AuthenticatedRequest, child_id: int | None) -> QuerySet[RequestLog]:
    return selectors.request_log_for_user(
        user=request.user,
        child_ref=child_id,
        username=request.GET.get("user", "").strip(),
        outcome=request.GET.get("outcome", ""),
    )


@reads_from_replica
def request_log_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered request log as CSV (a subject access request's record of who saw what): the
    request list's download, at the address earlier pages linked to. The download is itself a
    request, so it is logged like every other."""
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    child_ref = request.GET.get("child", "")
    return listing.export(
        request, _requests(request, int(child_ref) if child_ref.isdigit() else None), REQUESTS
    )
