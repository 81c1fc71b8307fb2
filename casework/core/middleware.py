from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# Paths anyone may reach without signing in.
PUBLIC_PREFIXES = ("/sign-in", "/password-reset/", "/invite/", "/healthz", "/static/", "/accessibility")


class LoginRequiredMiddleware:
    """Every page needs a signed-in member of staff, except the few public ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
