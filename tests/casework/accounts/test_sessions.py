"""Sessions: renewed at sign-in, ended after idling and after an absolute time, and everywhere at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from casework.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    response = client.post("/sign-in", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/signed-in").status_code == 200


def test_signing_in_gives_a_new_session_key(world):
    """A session key planted before sign-in (session fixation) is not the one signed in."""
    client = Client()
    planted = client.session
    planted["visited"] = True
    planted.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = planted.session_key
    client.post("/sign-in", {"username": world.users["sw"].username, "password": PASSWORD})
    renewed = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert renewed != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert is_signed_in(client)


def test_signing_out_everywhere_ends_every_session_of_that_person_only(world):
    laptop, phone = signed_in(world.users["sw"]), signed_in(world.users["sw"])
    colleague = signed_in(world.users["sw2"])
    response = laptop.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in"
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert is_signed_in(colleague)
    assert AuditEvent.objects.filter(action="account.signed_out_everywhere", actor=world.users["sw"]).exists()
    assert is_signed_in(signed_in(world.users["sw"]))  # and can sign in again


def test_signing_out_everywhere_needs_a_post(world):
    client = signed_in(world.users["sw"])
    assert client.get("/account/sign-out-everywhere").status_code == 405
    assert is_signed_in(client)


def test_an_idle_session_ends_with_a_message_on_the_sign_in_page(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.users["sw"])
        clock.move_to(start + timedelta(minutes=29))
        assert is_signed_in(client)
        clock.move_to(start + timedelta(minutes=58))  # 29 minutes after the last request
        assert is_signed_in(client)
        clock.move_to(start + timedelta(minutes=89))
        response = client.get("/signed-in", follow=True)
    assert response.redirect_chain[-1][0].startswith("/sign-in")
    assert "had not used Continuity for 30 minutes" in response.content.decode()
    assert not is_signed_in(client)


def test_a_session_ends_a_fixed_time_after_sign_in_however_busy(world, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.users["sw"])
        for minutes in (20, 40, 59):
            clock.move_to(start + timedelta(minutes=minutes))
            assert is_signed_in(client)
        clock.move_to(start + timedelta(minutes=61))
        response = client.get("/signed-in", follow=True)
    assert "signed in more than 1 hour ago" in response.content.decode()
    assert not is_signed_in(client)


def test_the_account_page_offers_a_password_change_and_sign_out_everywhere(world):
    page = signed_in(world.users["sw"]).get("/account/").content.decode()
    assert "Change your password" in page
    assert "Sign out everywhere" in page
