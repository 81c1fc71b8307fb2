from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database reachable, 503 when it is not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as err:  # any failure to reach the database is a failed health check
        return JsonResponse(
            {"status": "error", "database": "unreachable", "detail": type(err).__name__}, status=503
        )
    return JsonResponse({"status": "ok", "database": "reachable"})


def signed_in(request: HttpRequest) -> HttpResponse:
    """A page with nothing of its own: the base template (navigation, alerts banner) for any signed-in
    user, and no child's data. What every page costs before its own work: the benchmarks' page_floor."""
    return render(request, "core/signed_in.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")
