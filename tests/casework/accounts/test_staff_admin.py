"""Administering people: invited by e-mail, roles nobody raises for themselves, an authority never left
without an administrator, and leavers whose children go to their manager to reallocate."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from casework.accounts import services
from casework.accounts.models import Role, User
from casework.audit.models import AuditEvent
from casework.children.models import Child
from casework.oversight.reallocation import suggest_reallocations
from tests.conftest import PASSWORD, TODAY

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "username": "n.new",
    "first_name": "Nia",
    "last_name": "New",
    "email": "nia.new@northshire.gov.uk",
    "role": Role.SOCIAL_WORKER,
    "caseload_capacity": 18,
}


def invite_link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/invite/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


NEW_PASSWORD = "a-new-persons-passphrase"


def accept(link: str, password: str = NEW_PASSWORD):
    client = Client()
    page = client.get(link, follow=True)
    if not page.redirect_chain:
        return page
    return client.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_adding_a_person_emails_them_a_link_to_set_their_own_password(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["admin"])
    form = client.get("/staff/new").content.decode()
    assert "Temporary password" not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/new", NEW_PERSON)
    assert response.status_code == 302
    person = User.objects.get(username="n.new")
    assert not person.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia.new@northshire.gov.uk"]
    assert "Your username is: n.new" in mail.outbox[0].body
    assert accept(invite_link(mail.outbox[0])).status_code == 302
    signed_in = Client().post("/sign-in", {"username": "n.new", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_a_person_cannot_be_added_without_an_email_address(client, world):
    client.force_login(world.users["admin"])
    page = client.post("/staff/new", {**NEW_PERSON, "email": ""}).content.decode()
    assert "Enter an email address, so that the person can set their password" in page
    assert not User.objects.filter(username="n.new").exists()


def test_sending_a_new_link_makes_the_old_one_stop_working(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/staff/new", NEW_PERSON)
    person = User.objects.get(username="n.new")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/staff/{person.pk}/invite").status_code == 302
    first, second = (invite_link(m) for m in mail.outbox)
    assert "This link has expired" in accept(first).content.decode()
    assert accept(second).status_code == 302
    assert AuditEvent.objects.filter(action="staff.invited", target_id=person.pk).exists()


def test_nobody_raises_their_own_role(world):
    for who in ("hos", "admin"):
        with pytest.raises(ValidationError) as err:
            services.staff_update(
                actor=world.users[who],
                staff=world.users[who],
                role=Role.SYSTEM_ADMINISTRATOR if who == "hos" else Role.HEAD_OF_SERVICE,
            )
        assert "role" in err.value.message_dict


def test_the_last_active_administrator_cannot_be_removed(world):
    admin = world.users["admin"]
    for change in ({"role": Role.HEAD_OF_SERVICE}, {"is_active": False}):
        with pytest.raises(ValidationError) as err:
            services.staff_update(actor=world.users["hos"], staff=admin, **change)
        assert services.LAST_ADMINISTRATOR in str(err.value)
    with pytest.raises(ValidationError):
        services.staff_update(actor=admin, staff=admin, is_active=False)
    second = User.objects.create_user(
        username="901.admin2", password=PASSWORD, la=world.la, role=Role.SYSTEM_ADMINISTRATOR
    )
    services.staff_update(actor=world.users["hos"], staff=admin, role=Role.HEAD_OF_SERVICE)
    assert User.objects.get(pk=admin.pk).role == Role.HEAD_OF_SERVICE
    with pytest.raises(ValidationError):
        services.staff_update(actor=world.users["hos"], staff=second, is_active=False)


def test_another_authoritys_administrator_does_not_count(world, other_world):
    """Northshire's only administrator stays, even though Southborough has one."""
    with pytest.raises(ValidationError):
        services.staff_deactivate(actor=world.users["hos"], staff=world.users["admin"], reason="Left")


def test_a_leavers_children_go_to_their_managers_reallocation_queue(client, world, monkeypatch):
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)
    leaver = world.users["sw"]
    client.force_login(world.users["admin"])
    page = client.get(f"/staff/{leaver.pk}/deactivate").content.decode()
    assert "1 allocated child stays allocated to them" in page
    response = client.post(f"/staff/{leaver.pk}/deactivate", {"reason": "Left the council on 31 May 2020"})
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active
    jon = Child.objects.get(pk=world.children["jon"].pk)
    assert jon.allocated_worker == leaver  # nothing moved unseen
    queue = suggest_reallocations(team=world.teams["north"], today=TODAY, viewer=world.users["tm"])
    assert [(s.child.pk, s.from_worker) for s in queue] == [(jon.pk, leaver)]
    event = AuditEvent.objects.get(action="staff.deactivated")
    assert event.reason == "Left the council on 31 May 2020"
    assert event.actor == world.users["admin"]
    assert Client().post("/sign-in", {"username": leaver.username, "password": PASSWORD}).status_code == 200


def test_a_leavers_open_sessions_end(world):
    leaver = Client()
    leaver.post("/sign-in", {"username": world.users["sw"].username, "password": PASSWORD})
    assert leaver.get("/signed-in").status_code == 200
    services.staff_deactivate(actor=world.users["admin"], staff=world.users["sw"], reason="Left")
    assert leaver.get("/signed-in").status_code == 302


def test_deactivation_needs_a_reason_and_is_stale_edit_safe(client, world):
    staff = world.users["sw"]
    with pytest.raises(ValidationError):
        services.staff_deactivate(actor=world.users["admin"], staff=staff, reason=" ")
    seen = services.staff_version(staff)
    services.staff_update(actor=world.users["hos"], staff=staff, caseload_capacity=3)
    with pytest.raises(ValidationError) as err:
        services.staff_deactivate(actor=world.users["admin"], staff=staff, reason="Left", seen_version=seen)
    assert err.value.code == "stale"
    assert User.objects.get(pk=staff.pk).is_active


def test_only_administrators_reach_the_deactivate_page(client, world):
    client.force_login(world.users["tm"])
    assert client.get(f"/staff/{world.users['sw'].pk}/deactivate").status_code == 403
    assert client.post(f"/staff/{world.users['sw'].pk}/invite").status_code == 403
