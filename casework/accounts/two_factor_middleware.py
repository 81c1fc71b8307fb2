"""Until the second factor is given, a signed-in person reaches only the sign-in pages.

After django_otp's OTPMiddleware (which marks `request.user.is_verified()`) and the sign-in check. A
person is held here when the deployment requires two factors (TWO_FACTOR_REQUIRED, on by default outside
local mode), or when they have a factor of their own (the sign-in page marks the session): they are sent
to enter a code, or to set up an authenticator app if they have no factor yet (OWASP ASVS 4.0 2.8;
issue 10, "Signing in").
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from casework.accounts.oidc import SESSION_PROVIDER_MFA
from casework.accounts.two_factor import has_second_factor, is_verified

# The pages of signing in and out, the passkey check at sign-in, and what every page needs.
OPEN_PREFIXES = (
    "/sign-in",
    "/sign-out",
    "/webauthn/authentication/",
    "/static/",
    "/healthz",
    "/accessibility",
    "/favicon.ico",
)
# Set by the sign-in page for a person with a factor of their own, when the deployment does not require one.
PENDING_SESSION_KEY = "continuity_second_factor_pending"


def second_factor_needed(request: HttpRequest) -> bool:
    """Whether this signed-in request still owes a second factor."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    if request.session.get(SESSION_PROVIDER_MFA):
        # Single sign-on whose provider reported a second factor (`amr` "mfa", RFC 8176): not asked twice.
        return False
    return bool(settings.TWO_FACTOR_REQUIRED or request.session.get(PENDING_SESSION_KEY))


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PREFIXES) and second_factor_needed(request):
            enrolled = has_second_factor(request.user)  # type: ignore[arg-type]
            target = "accounts:two-factor" if enrolled else "accounts:two-factor-setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
