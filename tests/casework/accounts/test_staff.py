"""Staff records: team, role, manager and capacity, kept by heads of service and administrators."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.accounts import services
from casework.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_member_of_staff_who_can_sign_in(client, world):
    staff = services.staff_create(
        actor=world.users["admin"],
        username="n.new",
        password="a-long-enough-passphrase",
        first_name="Nia",
        last_name="New",
        role="social_worker",
        team=world.teams["south"],
        caseload_capacity=18,
    )
    assert staff.la == world.la
    response = client.post("/sign-in", {"username": "n.new", "password": "a-long-enough-passphrase"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="staff.created", target_id=staff.pk).exists()


def test_a_common_password_is_refused_for_a_new_account(world):
    with pytest.raises(ValidationError) as err:
        services.staff_create(
            actor=world.users["admin"],
            username="n.new",
            password="password1234",
            first_name="Nia",
            last_name="New",
            role="social_worker",
            caseload_capacity=0,
        )
    assert "password" in err.value.message_dict


def test_a_practitioner_cannot_change_staff_records(world):
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=world.users["tm"], staff=world.users["sw"], caseload_capacity=30)


def test_a_team_change_is_audited_with_the_reason(world):
    services.staff_update(
        actor=world.users["hos"],
        staff=world.users["sw"],
        team=world.teams["south"],
        reason="Moved to cover the south team during the emergency",
    )
    event = AuditEvent.objects.get(action="staff.updated")
    assert event.reason == "Moved to cover the south team during the emergency"
    assert event.changes == {"team": ["North CIN team", "South CIN team"]}


def test_nobody_is_their_own_manager_or_deactivates_themselves(world):
    with pytest.raises(ValidationError):
        services.staff_update(
            actor=world.users["hos"], staff=world.users["tm"], line_manager=world.users["tm"]
        )
    with pytest.raises(ValidationError):
        services.staff_update(actor=world.users["hos"], staff=world.users["hos"], is_active=False)


def test_a_team_of_another_la_cannot_be_given(world, other_world):
    with pytest.raises(PermissionDenied):
        services.staff_update(
            actor=world.users["hos"], staff=world.users["sw"], team=other_world.teams["north"]
        )


def test_a_stale_staff_edit_is_refused(world):
    seen = services.staff_version(world.users["sw"])
    services.staff_update(actor=world.users["hos"], staff=world.users["sw"], caseload_capacity=12)
    with pytest.raises(ValidationError):
        services.staff_update(
            actor=world.users["admin"], staff=world.users["sw"], seen_version=seen, caseload_capacity=20
        )


def test_the_staff_pages_render_for_administrators(client, world):
    client.force_login(world.users["admin"])
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/new").status_code == 200
    assert client.get(f"/staff/{world.users['sw'].pk}/edit").status_code == 200
    client.force_login(world.users["sw"])
    assert client.get("/staff/").status_code == 403
