"""One-time links by e-mail: an invitation to set a first password, and a password reset.

Both are Django's password-reset tokens (an HMAC of the user's id, password hash, last sign-in and the
time, under SECRET_KEY): nothing is stored, so a link stays valid across restarts of the server, and it
is single use because setting the password changes the hash it was made from (OWASP ASVS 4.0 2.3.1,
2.5.1). An invitation expires after INVITE_LINK_HOURS, a reset after PASSWORD_RESET_TIMEOUT seconds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


class InviteTokenGenerator(PasswordResetTokenGenerator):
    """A reset token with its own salt (a reset link is no invitation) and its own lifetime."""

    key_salt = "continuity.accounts.tokens.InviteTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITE_LINK_HOURS * 3600


invite_tokens = InviteTokenGenerator()


def invite_path(user: Any) -> str:
    """The path of a fresh invitation link for `user` (who must have an unusable password)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invite-accept", kwargs={"uidb64": uid, "token": invite_tokens.make_token(user)})


def send_invitation(user: Any, *, site_url: str, invited_by: str) -> None:
    """E-mail `user` a one-time link to set their password (call after the transaction commits)."""
    context = {
        "user": user,
        "link": site_url.rstrip("/") + invite_path(user),
        "hours": settings.INVITE_LINK_HOURS,
        "invited_by": invited_by,
        "la": user.la,
    }
    send_mail(
        subject="Set your password for Continuity",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
