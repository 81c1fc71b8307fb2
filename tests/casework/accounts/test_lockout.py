"""Failed sign-ins lock an account at one address, and an address that sprays many accounts."""

from __future__ import annotations

import pytest
from django.test import Client

from casework.accounts import services
from casework.audit.models import AuditEvent
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WORKER_DESK = "10.1.1.10"
STRANGER = "203.0.113.66"


def sign_in(client: Client, username: str, password: str, address: str):
    return client.post("/sign-in", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_stranger_failing_ten_times_does_not_lock_the_worker_out_at_their_own_desk(world):
    worker = world.users["sw"].username
    stranger = Client()
    for _ in range(10):
        sign_in(stranger, worker, "guessing-wrongly-1", STRANGER)
    assert sign_in(stranger, worker, PASSWORD, STRANGER).status_code == 429  # the stranger is locked out

    response = sign_in(Client(), worker, PASSWORD, WORKER_DESK)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_five_failures_from_one_address_lock_that_account_there(world):
    worker = world.users["sw"].username
    client = Client()
    for _ in range(5):
        sign_in(client, worker, "not-my-password", WORKER_DESK)
    response = sign_in(client, worker, PASSWORD, WORKER_DESK)
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    # A colleague at the same desk is not locked out by it.
    assert sign_in(Client(), world.users["sw2"].username, PASSWORD, WORKER_DESK).status_code == 302


def test_one_address_trying_one_password_across_forty_accounts_is_locked_out(world):
    accounts = [make_user(world.la, f"s.worker{n}", "social_worker").username for n in range(40)]
    sprayer = Client()
    codes = [sign_in(sprayer, username, "Winter2020!", STRANGER).status_code for username in accounts]
    assert 429 in codes
    assert codes.index(429) < 40  # stopped before the end of the list
    assert codes[-1] == 429
    # Even the right password of a real account is refused from that address now ...
    assert sign_in(sprayer, world.users["sw"].username, PASSWORD, STRANGER).status_code == 429
    # ... while the same account signs in from its own desk.
    assert sign_in(Client(), world.users["sw"].username, PASSWORD, WORKER_DESK).status_code == 302


def test_a_success_from_a_spraying_address_does_not_clear_its_count(world, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    sprayer = Client()
    for n in range(5):
        sign_in(sprayer, f"nobody{n}", "Winter2020!", STRANGER)
    assert sign_in(sprayer, world.users["sw"].username, PASSWORD, STRANGER).status_code == 302
    sign_in(Client(), "nobody9", "Winter2020!", STRANGER)
    assert sign_in(Client(), world.users["sw2"].username, PASSWORD, STRANGER).status_code == 429


def test_an_administrator_unlocks_an_account_and_it_is_audited(client, world):
    worker = world.users["sw"]
    for _ in range(5):
        sign_in(Client(), worker.username, "not-my-password", WORKER_DESK)
    client.force_login(world.users["admin"])
    page = client.get(f"/staff/{worker.pk}/").content.decode()
    assert "This account is locked" in page
    response = client.post(f"/staff/{worker.pk}/unlock")
    assert response.status_code == 302
    assert sign_in(Client(), worker.username, PASSWORD, WORKER_DESK).status_code == 302
    event = AuditEvent.objects.get(action="staff.unlocked")
    assert event.actor == world.users["admin"]
    assert event.target_id == worker.pk


def test_only_an_administrator_of_the_same_authority_unlocks(client, world, other_world):
    client.force_login(world.users["tm"])
    assert client.post(f"/staff/{world.users['sw'].pk}/unlock").status_code == 403
    client.force_login(other_world.users["admin"])
    assert client.post(f"/staff/{world.users['sw'].pk}/unlock").status_code == 404
    with pytest.raises(Exception, match="cannot unlock"):
        services.staff_unlock(actor=other_world.users["admin"], staff=world.users["sw"])
