"""Sessions that end: after SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE seconds after
signing in however busy the person is (OWASP ASVS 4.0 3.3.1, 3.3.2; the NCSC's end-user device guidance
on locking an idle session). Either way the person is signed out and told why on the sign-in page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SIGNED_IN_AT = "continuity.signed_in_at"
LAST_SEEN = "continuity.last_seen"
# The last-seen time is saved at most once a minute, so a busy page does not write its session each time.
LAST_SEEN_RESOLUTION = 60
IDLE_MESSAGE = "You were signed out because you had not used Continuity for {minutes} minutes"
EXPIRED_MESSAGE = "You were signed out because you signed in more than {hours} ago: sign in again"


@receiver(user_logged_in)
def _start_session_clock(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def _minutes(value: float) -> str:
    return f"{value:g}"


def _hours(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours:g} hour" if hours == 1 else f"{hours:g} hours"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = self._ended(request)
            if ended is not None:
                logout(request)
                messages.info(request, ended)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)

    def _ended(self, request: HttpRequest) -> str | None:
        """Why the session has ended, or None (and the last-seen time kept up to date)."""
        now = int(time.time())
        session = request.session
        signed_in = int(session.get(SIGNED_IN_AT, now))
        last_seen = int(session.get(LAST_SEEN, now))
        if now - signed_in > settings.SESSION_COOKIE_AGE:
            return EXPIRED_MESSAGE.format(hours=_hours(settings.SESSION_COOKIE_AGE))
        if now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
            return IDLE_MESSAGE.format(minutes=_minutes(settings.SESSION_IDLE_MINUTES))
        if SIGNED_IN_AT not in session:
            session[SIGNED_IN_AT] = now  # a session from before this was deployed: its clock starts now
        if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return None
