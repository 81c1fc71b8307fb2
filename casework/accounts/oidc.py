"""Single sign-on through OpenID Connect (most councils sign their staff in with Microsoft Entra ID).

mozilla-django-oidc runs the authorisation-code flow (state, nonce, PKCE) and checks the ID token's
signature against the provider's keys. It does not check the token's issuer, audience or expiry
(mozilla/mozilla-django-oidc issue 340), which OpenID Connect Core 1.0 section 3.1.3.7 requires of a
client: `check_id_token` does, and a token that fails is refused like an unknown person.

Who may sign in: only a person an administrator created, matched by e-mail address (no self-registration:
the provider vouches for the address, the account says who they are). Their local authority, role and
team come from the account, never from the provider's claims. An address with no active account, or more
than one, is refused, and the refusal counts towards the address's lockout as a failed password would.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import user_logged_in, user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from casework.accounts.models import User
from casework.audit.services import audit_record

logger = logging.getLogger(__name__)

# The session says how the person signed in, and whether the provider did a second factor (its `amr`
# claim, RFC 8176: "mfa"), which the two-factor check may accept in place of its own.
SESSION_METHOD = "continuity_sign_in_method"
SESSION_PROVIDER_MFA = "continuity_provider_mfa"
REFUSED_MESSAGE = (
    "You cannot sign in with your council account: Continuity has no active account for it. "
    "Ask your system administrator to set one up with the e-mail address your council account uses."
)


class TokenRefused(SuspiciousOperation):
    """The ID token is signed by the provider but is not for us, not from it, or no longer valid."""


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def check_id_token(
    claims: Mapping[str, Any], *, issuer: str, client_id: str, now: float, leeway: int
) -> None:
    """Raise TokenRefused unless the ID token's claims are valid for this client at `now` (OpenID Connect
    Core 1.0 3.1.3.7, steps 2-5 and 9-10: issuer, audience, authorised party, expiry, issued-at)."""
    if claims.get("iss") != issuer:
        raise TokenRefused(f"The ID token's issuer {claims.get('iss')!r} is not {issuer!r}")
    audience = claims.get("aud")
    audiences: Sequence[Any] = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise TokenRefused("The ID token is not for this service (audience)")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise TokenRefused("The ID token names other audiences and not this service as its party")
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or expires + leeway < now:
        raise TokenRefused("The ID token has expired")
    if not isinstance(issued, int | float) or issued - leeway > now:
        raise TokenRefused("The ID token was issued in the future")


def email_of(claims: Mapping[str, Any]) -> str:
    """The person's e-mail address: the first of OIDC_EMAIL_CLAIMS present (Entra ID sends `email`
    when configured, else the sign-in name `preferred_username`, which is usually the address)."""
    for name in settings.OIDC_EMAIL_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip()
    return ""


class CouncilOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The provider's people, matched to accounts an administrator made; refused otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if enabled():  # unconfigured, the backend is present but never authenticates anyone
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not enabled() or request is None or "code" not in request.GET:
            return None
        try:
            user: User | None = super().authenticate(request, **kwargs)
        except (TokenRefused, jwt.PyJWTError) as refusal:  # PyJWT refuses an expired token itself
            logger.warning("Single sign-on refused: %s", refusal)
            return None
        except requests.RequestException as err:
            logger.warning("Single sign-on failed talking to the provider: %s", type(err).__name__)
            return None
        return user

    def retrieve_matching_jwk(self, token: str) -> Any:
        """The provider's key that signed `token`: the one with its key id, or, where the token names
        none, the provider's only signing key (OpenID Connect Core 10.1: a key id is needed only when
        there are several)."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        header = jwt.get_unverified_header(token)
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if "kid" in header:
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise TokenRefused("The provider has no single key that signed this token")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (userinfo sent as a JWT is verified without one)
            check_id_token(
                payload,
                issuer=settings.OIDC_OP_ISSUER,
                client_id=self.OIDC_RP_CLIENT_ID,
                now=time.time(),
                leeway=settings.OIDC_LEEWAY_SECONDS,
            )
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the userinfo's subject must be the ID token's.
        if info.get("sub") != payload.get("sub"):
            raise TokenRefused("The provider's user information is for another subject")
        # What the ID token says wins over the userinfo answer (it is signed).
        return {**info, **payload}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(email_of(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = email_of(claims)
        users = User.objects.filter(email__iexact=email, is_active=True, la__isnull=False)
        matched = users.count()
        if matched != 1:
            logger.warning("Single sign-on refused: %d active accounts have this e-mail", matched)
            # Counted as a failed sign-in of this address (django-axes listens), so the provider cannot be
            # used to probe addresses without being slowed.
            user_login_failed.send(
                sender=__name__, credentials={"username": email}, request=getattr(self, "request", None)
            )
            return User.objects.none()
        return users

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        user: User | None = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and self.request is not None:
            amr = payload.get("amr") or []
            self.request.session[SESSION_METHOD] = "sso"
            self.request.session[SESSION_PROVIDER_MFA] = isinstance(amr, list) and "mfa" in amr
        return user

    def create_user(self, claims: dict[str, Any]) -> User:
        raise SuspiciousOperation("Accounts are created by an administrator, never by signing in")


class StartView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """ "Sign in with your council account": off to the provider, with state, nonce and PKCE."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        response: HttpResponse = super().get(request)
        return response


class CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer: signed in, or back to the sign-in page saying why not."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        response: HttpResponse = super().get(request)
        return response

    def login_failure(self) -> HttpResponse:
        messages.error(self.request, REFUSED_MESSAGE)
        return redirect(settings.LOGIN_URL)


@receiver(user_logged_in)
def _audit_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or user.la_id is None or request.session.get(SESSION_METHOD) != "sso":
        return
    audit_record(
        actor=user,
        la_id=user.la_id,
        action="account.signed_in_sso",
        target=user,
        summary=f"{user} signed in through single sign-on"
        + (" (the provider checked a second factor)" if request.session.get(SESSION_PROVIDER_MFA) else ""),
    )
