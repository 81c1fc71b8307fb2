from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from casework.audit import selectors
from casework.core import permissions
from casework.core.types import AuthenticatedRequest


def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """Views of children's records (and refusals), and the changes made, for administrators."""
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    child_ref = request.GET.get("child")
    child_id = int(child_ref) if child_ref and child_ref.isdigit() else None
    show = request.GET.get("show", "access")
    rows: QuerySet[Any]
    if show == "changes":
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
        {"page": page, "show": show, "child_id": child_id, "outcome": request.GET.get("outcome", "")},
    )
