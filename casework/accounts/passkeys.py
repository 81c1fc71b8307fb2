"""Passkeys (WebAuthn, through django-otp-webauthn) as a second factor: which relying party and origins.

The relying party is the host the browser asked for, which Django has already checked against
ALLOWED_HOSTS. The origins a passkey may be used from are OTP_WEBAUTHN_ALLOWED_ORIGINS (https only, from
WEBAUTHN_ORIGINS or ALLOWED_HOSTS); in local mode only, the page's own http origin as well, since the
demonstration and the test server run on http://127.0.0.1 or localhost at a port chosen at run time
(browsers treat those as secure contexts; WebAuthn Level 3, 13.4.9).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django_otp_webauthn.helpers import WebAuthnHelper


def relying_party_id(request: HttpRequest) -> str:
    domain, _port = split_domain_port(request.get_host())
    return domain


class PasskeyHelper(WebAuthnHelper):  # type: ignore[misc]
    def get_allowed_origins(self) -> list[str]:
        origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        if settings.CONTINUITY_LOCAL:
            origins.append(f"{self.request.scheme}://{self.request.get_host()}")
        return origins
