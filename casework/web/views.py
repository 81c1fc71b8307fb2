from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from casework.core.types import AuthenticatedRequest
from casework.web import home


def home_page(request: AuthenticatedRequest) -> HttpResponse:
    context = home.home_context(user=request.user)
    return render(request, "core/home.html", context)
