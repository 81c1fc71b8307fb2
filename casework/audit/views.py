from __future__ import annotations

import itertools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from casework.audit import selectors
from casework.audit.models import RequestLog
from casework.core import permissions, spreadsheet
from casework.core.replica import reads_from_replica
from casework.core.types import AuthenticatedRequest


@reads_from_replica
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """Views of children's records (and refusals), and the changes made, for administrators."""
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    child_ref = request.GET.get("child")
    child_id = int(child_ref) if child_ref and child_ref.isdigit() else None
    show = request.GET.get("show", "access")
    rows: QuerySet[Any]
    if show == "requests":
        rows = _requests(request, child_id)
    elif show == "changes":
        rows = selectors.audit_event_list_for_user(user=request.user)
        if child_id:
            rows = rows.filter(child_id=child_id)
    else:
        accesses = selectors.record_access_list_for_user(user=request.user, child_ref=child_id)
        if request.GET.get("outcome") in {"viewed", "refused"}:
            accesses = accesses.filter(outcome=request.GET["outcome"])
        rows = accesses
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
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


REQUEST_COLUMNS = ["When", "Who", "Username", "Outcome", "Method", "Page", "Query", "Answer", "Record number"]


@reads_from_replica
def request_log_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered request log as CSV (a subject access request's record of who saw what). The download
    is itself a request, so it is logged like every other."""
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    child_ref = request.GET.get("child", "")
    rows = _requests(request, int(child_ref) if child_ref.isdigit() else None)
    writer = spreadsheet.writer(_Echo())
    lines = (
        writer.writerow(
            [
                timezone.localtime(r.at).isoformat(timespec="seconds"),
                str(r.user),
                r.user.username,
                r.get_outcome_display(),
                r.method,
                r.path,
                r.query,
                r.status,
                r.child_ref or "",
            ]
        )
        for r in rows.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(
        itertools.chain([writer.writerow(REQUEST_COLUMNS)], lines), content_type="text/csv"
    )
    name = f"requests-child-{child_ref}" if child_ref.isdigit() else "requests"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value
