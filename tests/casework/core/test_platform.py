"""Health check, sign-in protections and the command line."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.utils import OperationalError

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "reachable"}


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize("password", ["password123", "qwertyuiop123", "123456789012", "letmein"])
def test_common_short_and_numeric_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_repeated_failed_sign_ins_lock_the_account(client, world):
    username = world.users["sw"].username
    for _ in range(4):
        response = client.post("/sign-in", {"username": username, "password": "wrong-password-here"})
        assert "Enter a correct username and password" in response.content.decode()
    response = client.post("/sign-in", {"username": username, "password": "wrong-password-here"})
    assert response.status_code == 429
    response = client.post("/sign-in", {"username": username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


def test_a_correct_sign_in_lands_on_the_home_page(client, world):
    response = client.post("/sign-in", {"username": world.users["tm"].username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_sign_in_errors_use_the_error_summary(client, world):
    page = client.post("/sign-in", {"username": "", "password": ""}).content.decode()
    assert "There is a problem" in page
    assert "Enter your username" in page
    assert "Enter your password" in page


def test_the_signed_in_page_needs_a_sign_in(client):
    response = client.get("/signed-in")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


@pytest.mark.parametrize("who", ["sw", "hos", "bs", "admin"])
def test_the_signed_in_page_shows_only_the_page_furniture(client, world, who):
    """The page_floor benchmark's page: the base template for any signed-in user, no child named."""
    client.force_login(world.users[who])
    response = client.get("/signed-in")
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["core/signed_in.html", "base.html"]
    page = response.content.decode()
    assert "You are signed in" in page
    assert not any(child.last_name in page for child in world.children.values())
