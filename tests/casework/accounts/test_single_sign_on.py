"""Single sign-on through OpenID Connect, the whole flow against a local provider the tests start
(oidc-provider-mock): the person's account is the one an administrator made (matched by e-mail), their
local authority comes from it, and a token for another service, an expired token or an unknown address
signs nobody in."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import oidc_provider_mock
import pytest
import requests
from axes.models import AccessAttempt
from django.test import Client, override_settings

from casework.accounts import oidc
from casework.accounts.models import Role, User
from casework.audit.models import AuditEvent
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
CLIENT_ID = "continuity-test"


def _provider_settings(url: str) -> dict[str, Any]:
    return {
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": "a-secret",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{url}/oauth2/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{url}/oauth2/token",
        "OIDC_OP_USER_ENDPOINT": f"{url}/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{url}/jwks",
        "OIDC_OP_ISSUER": url,
    }


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def expiring_provider() -> Iterator[str]:
    """A provider whose tokens expired two minutes before they were issued (beyond the leeway)."""
    with oidc_provider_mock.run_server_in_thread(access_token_max_age=timedelta(seconds=-120)) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(provider: str) -> Iterator[str]:
    with override_settings(**_provider_settings(provider)):
        yield provider


def _set_claims(provider: str, sub: str, claims: dict[str, Any]) -> None:
    response = requests.put(f"{provider}/users/{urllib.parse.quote(sub)}", json=claims, timeout=10)
    assert response.status_code == 204


def sign_in_through_provider(client: Client, provider: str, sub: str) -> Any:
    """Start at our sign-in button, choose `sub` on the provider's form, follow its answer back to us."""
    start = client.get("/sign-in/council")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(f"{provider}/oauth2/authorize?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]  # PKCE
    assert "nonce" in query
    assert "state" in query
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    callback = urllib.parse.urlsplit(answer.headers["Location"])
    assert callback.path == "/sign-in/council/callback"
    return client.get(f"{callback.path}?{callback.query}")


def test_a_person_with_an_account_signs_in_and_keeps_their_own_authority(world, other_world, sso):
    worker = world.users["sw"]
    worker.email = "Jo.Worker@northshire.gov.uk"
    worker.save()
    # The provider says nothing of the authority; a claim that tried would change nothing.
    _set_claims(
        sso, "jo-sub", {"email": "jo.worker@northshire.gov.uk", "la": other_world.la.ons_code, "amr": ["mfa"]}
    )
    client = Client()
    response = sign_in_through_provider(client, sso, "jo-sub")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user == worker
    assert home.wsgi_request.user.la == world.la
    assert client.session[oidc.SESSION_METHOD] == "sso"
    assert client.session[oidc.SESSION_PROVIDER_MFA] is True
    event = AuditEvent.objects.get(action="account.signed_in_sso")
    assert event.actor == worker
    assert event.la_id == world.la.pk
    assert "second factor" in event.summary


def test_an_unknown_address_signs_nobody_in_and_creates_no_account(world, sso):
    _set_claims(sso, "stranger", {"email": "stranger@example.com"})
    client = Client()
    response = sign_in_through_provider(client, sso, "stranger")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in"
    page = client.get("/sign-in")
    assert "Continuity has no active account for it" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email__iexact="stranger@example.com").exists()
    # Counted as a failed sign-in (django-axes), like a wrong password.
    assert AccessAttempt.objects.filter(username="stranger@example.com", failures_since_start=1).exists()


def test_a_deactivated_account_cannot_sign_in(world, sso):
    leaver = world.users["sw2"]
    leaver.email = "leaver@northshire.gov.uk"
    leaver.is_active = False
    leaver.save()
    _set_claims(sso, "leaver", {"email": "leaver@northshire.gov.uk"})
    client = Client()
    response = sign_in_through_provider(client, sso, "leaver")
    assert response["Location"] == "/sign-in"
    assert "_auth_user_id" not in client.session


def test_two_accounts_with_one_address_are_refused(world, other_world, sso):
    for user in (world.users["tm"], other_world.users["tm"]):
        user.email = "shared@example.gov.uk"
        user.save()
    _set_claims(sso, "shared", {"email": "shared@example.gov.uk"})
    client = Client()
    response = sign_in_through_provider(client, sso, "shared")
    assert response["Location"] == "/sign-in"
    assert "_auth_user_id" not in client.session


def test_a_token_for_another_service_is_refused(world, sso, monkeypatch):
    """The provider signs a token whose audience is our client id; we expect another: refused."""
    worker = world.users["sw"]
    worker.email = "jo@northshire.gov.uk"
    worker.save()
    _set_claims(sso, "jo", {"email": "jo@northshire.gov.uk"})
    real_check = oidc.check_id_token

    def expecting_another_audience(claims: Any, **kwargs: Any) -> None:
        real_check(claims, **{**kwargs, "client_id": "another-service"})

    monkeypatch.setattr(oidc, "check_id_token", expecting_another_audience)
    client = Client()
    response = sign_in_through_provider(client, sso, "jo")
    assert response["Location"] == "/sign-in"
    assert "_auth_user_id" not in client.session


def test_an_expired_token_is_refused(world, expiring_provider):
    worker = world.users["sw"]
    worker.email = "jo@northshire.gov.uk"
    worker.save()
    _set_claims(expiring_provider, "jo", {"email": "jo@northshire.gov.uk"})
    with override_settings(**_provider_settings(expiring_provider)):
        client = Client()
        response = sign_in_through_provider(client, expiring_provider, "jo")
    assert response["Location"] == "/sign-in"
    assert "_auth_user_id" not in client.session


def test_a_token_from_another_issuer_is_refused(world, provider):
    worker = world.users["sw"]
    worker.email = "jo@northshire.gov.uk"
    worker.save()
    _set_claims(provider, "jo", {"email": "jo@northshire.gov.uk"})
    with override_settings(**{**_provider_settings(provider), "OIDC_OP_ISSUER": "https://login.example"}):
        client = Client()
        response = sign_in_through_provider(client, provider, "jo")
    assert response["Location"] == "/sign-in"
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_the_council_account_only_when_configured(db, sso):
    assert "Sign in with your council account" in Client().get("/sign-in").content.decode()
    with override_settings(OIDC_RP_CLIENT_ID=""):
        assert "Sign in with your council account" not in Client().get("/sign-in").content.decode()
        assert Client().get("/sign-in/council").status_code == 404
        assert Client().get("/sign-in/council/callback?code=x&state=y").status_code == 404


def test_password_sign_in_still_works_with_single_sign_on_on(world, sso):
    make_user(world.la, "pw.person", Role.SOCIAL_WORKER, world.teams["north"])
    client = Client()
    response = client.post("/sign-in", {"username": "pw.person", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


NOW = 1_700_000_000


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        ({"iss": "https://idp", "aud": "us", "exp": NOW + 60, "iat": NOW}, None),
        ({"iss": "https://idp", "aud": ["us"], "exp": NOW + 60, "iat": NOW}, None),
        ({"iss": "https://idp", "aud": ["us", "them"], "azp": "us", "exp": NOW + 60, "iat": NOW}, None),
        ({"iss": "https://idp", "aud": "us", "exp": NOW - 30, "iat": NOW - 90}, None),  # in the leeway
        ({"iss": "https://other", "aud": "us", "exp": NOW + 60, "iat": NOW}, "issuer"),
        ({"iss": "https://idp", "aud": "them", "exp": NOW + 60, "iat": NOW}, "audience"),
        ({"iss": "https://idp", "aud": ["us", "them"], "exp": NOW + 60, "iat": NOW}, "other audiences"),
        ({"iss": "https://idp", "aud": "us", "exp": NOW - 61, "iat": NOW - 120}, "expired"),
        ({"iss": "https://idp", "aud": "us", "iat": NOW}, "expired"),
        ({"iss": "https://idp", "aud": "us", "exp": NOW + 600, "iat": NOW + 120}, "future"),
        ({"iss": "https://idp", "aud": "us", "exp": NOW + 600}, "future"),
    ],
)
def test_check_id_token(claims: dict[str, Any], problem: str | None):
    def check() -> None:
        oidc.check_id_token(claims, issuer="https://idp", client_id="us", now=NOW, leeway=60)

    if problem is None:
        check()
    else:
        with pytest.raises(oidc.TokenRefused, match=problem):
            check()


def test_the_address_comes_from_the_first_claim_that_is_one(settings):
    settings.OIDC_EMAIL_CLAIMS = ["email", "preferred_username"]
    assert oidc.email_of({"email": " a@b.gov.uk ", "preferred_username": "x@y"}) == "a@b.gov.uk"
    assert oidc.email_of({"preferred_username": "upn@council.gov.uk"}) == "upn@council.gov.uk"
    assert oidc.email_of({"preferred_username": "not-an-address"}) == ""
    assert oidc.email_of({}) == ""
