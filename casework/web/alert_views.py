"""A member of staff's alerts. Here, above the children app, so that an alert about a child the reader
may no longer open is left out by the children's own rules (`children.access.child_visible_q`)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.accounts import alerts
from casework.children.access import child_visible_q
from casework.core.types import AuthenticatedRequest


def alert_list(request: AuthenticatedRequest) -> HttpResponse:
    listed = alerts.alert_list_for_user(user=request.user, visible=child_visible_q(request.user))
    return render(request, "core/alerts.html", {"alerts": listed})


@require_POST
def alert_read(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    visible = child_visible_q(request.user)
    if alerts.alert_mark_read(actor=request.user, alert_id=alert_id, visible=visible) is None:
        raise Http404("No such alert")
    return redirect("alerts:list")
