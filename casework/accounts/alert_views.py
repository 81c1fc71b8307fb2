from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.accounts import alerts
from casework.core.types import AuthenticatedRequest


def alert_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "core/alerts.html", {"alerts": alerts.alert_list_for_user(user=request.user)})


@require_POST
def alert_read(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    if alerts.alert_mark_read(actor=request.user, alert_id=alert_id) is None:
        raise Http404("No such alert")
    return redirect("alerts:list")
