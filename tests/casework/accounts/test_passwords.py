"""Passwords: changed by their owner, reset by e-mail without revealing who has an account, one-time
links that expire, and a reset that unlocks a locked-out account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from casework.accounts.tokens import InviteTokenGenerator, invite_path
from casework.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-fresh-passphrase-for-2020"


def reset_link() -> str:
    found = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def set_password(client: Client, link: str, password: str = NEW):
    page = client.get(link, follow=True)
    if not page.redirect_chain:
        return page
    return client.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def signs_in(username: str, password: str, address: str = "127.0.0.1") -> bool:
    response = Client().post("/sign-in", {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code == 302


@pytest.fixture
def sw(world):
    worker = world.users["sw"]
    worker.email = "sw@northshire.gov.uk"
    worker.save()
    return worker


def test_a_reset_is_answered_the_same_for_known_and_unknown_addresses(client, sw):
    known = client.post("/password-reset/", {"email": "SW@northshire.gov.uk"})
    unknown = client.post("/password-reset/", {"email": "nobody@northshire.gov.uk"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password-reset/sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sw@northshire.gov.uk"]
    page = client.get("/password-reset/sent").content.decode()
    assert "If that address belongs to an active Continuity account" in page


def test_a_reset_link_sets_a_new_password_once(client, sw):
    client.post("/password-reset/", {"email": sw.email})
    link = reset_link()
    assert set_password(client, link).status_code == 302
    assert signs_in(sw.username, NEW)
    assert not signs_in(sw.username, PASSWORD)
    again = Client().get(link, follow=True).content.decode()
    assert "This link has expired or has been used" in again
    assert AuditEvent.objects.filter(action="account.password_reset", actor=sw).exists()


def test_a_reset_link_expires_after_the_reset_timeout(client, sw, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.post("/password-reset/", {"email": sw.email})
        clock.move_to(start + timedelta(minutes=61))
        page = set_password(Client(), reset_link())
    assert "This link has expired or has been used" in page.content.decode()
    assert signs_in(sw.username, PASSWORD)


def test_a_locked_out_person_signs_in_again_after_a_reset(client, sw):
    for _ in range(5):
        Client().post("/sign-in", {"username": sw.username, "password": "wrong-wrong-wrong"})
    assert not signs_in(sw.username, PASSWORD)
    locked = Client().post("/sign-in", {"username": sw.username, "password": PASSWORD})
    assert "reset your password by email" in locked.content.decode()
    client.post("/password-reset/", {"email": sw.email})
    set_password(client, reset_link())
    assert signs_in(sw.username, NEW)


def test_a_weak_new_password_is_refused(client, sw):
    client.post("/password-reset/", {"email": sw.email})
    page = set_password(client, reset_link(), "password1234")
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert signs_in(sw.username, PASSWORD)


def test_changing_ones_password_keeps_this_session_and_ends_the_others(sw):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post("/sign-in", {"username": sw.username, "password": PASSWORD})
    response = here.post(
        "/account/password", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert here.get("/signed-in").status_code == 200
    assert elsewhere.get("/signed-in").status_code == 302
    assert signs_in(sw.username, NEW)
    assert AuditEvent.objects.filter(action="account.password_changed", actor=sw).exists()


def test_a_password_change_needs_the_current_password(client, sw):
    client.force_login(sw)
    page = client.post(
        "/account/password", {"old_password": "not-it-at-all", "new_password1": NEW, "new_password2": NEW}
    )
    assert page.status_code == 200
    assert "Your old password was entered incorrectly" in page.content.decode()
    assert 'class="govuk-error-summary' in page.content.decode()


def test_an_invitation_link_is_single_use_and_survives_a_restart(client, world, settings):
    staff = world.users["sw2"]
    staff.set_unusable_password()
    staff.save()
    link = invite_path(staff)
    uid, token = link.strip("/").split("/")[1:]
    assert InviteTokenGenerator().check_token(staff, token)  # a new process checks it with the key alone
    assert set_password(client, link).status_code == 302
    assert signs_in(staff.username, NEW)
    assert "This link has expired or has been used" in Client().get(link, follow=True).content.decode()
    assert AuditEvent.objects.filter(action="account.password_set", actor=staff).exists()


def test_an_invitation_link_expires_after_invite_link_hours(world, settings):
    settings.INVITE_LINK_HOURS = 72
    staff = world.users["sw2"]
    staff.set_unusable_password()
    staff.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        link = invite_path(staff)
        clock.move_to(start + timedelta(hours=71))
        assert "Set your password" in Client().get(link, follow=True).content.decode()
        clock.move_to(start + timedelta(hours=73))
        assert "This link has expired" in Client().get(link, follow=True).content.decode()


def test_a_reset_link_is_no_invitation_and_an_invitation_is_no_reset_link(client, sw):
    client.post("/password-reset/", {"email": sw.email})
    reset = reset_link()
    as_invite = reset.replace("/password-reset/", "/invite/")
    assert "This link has expired" in Client().get(as_invite, follow=True).content.decode()


def test_a_leavers_link_stops_working(client, sw):
    client.post("/password-reset/", {"email": sw.email})
    link = reset_link()
    sw.is_active = False
    sw.save()
    assert "This link has expired" in Client().get(link, follow=True).content.decode()
