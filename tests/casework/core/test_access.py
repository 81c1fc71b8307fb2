"""Need-to-know access, and no crossing between local authorities (PRODUCT.md M20)."""

from __future__ import annotations

import re

import pytest
from django.http import Http404

from casework.audit.models import RecordAccess
from casework.children.access import children_visible_to
from casework.children.models import ChildAccessGrant
from casework.children.selectors import child_get_for_user, child_search_for_user

pytestmark = pytest.mark.django_db


def without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def names(user):
    return {c.first_name for c in children_visible_to(user)}


def test_a_practitioner_sees_their_own_teams_children_only(world):
    assert names(world.users["sw"]) == {"Jonathan", "Amira"}
    assert names(world.users["sw_south"]) == {"Olivia"}


def test_a_team_manager_sees_the_teams_they_manage(world):
    assert names(world.users["tm"]) == {"Jonathan", "Amira"}


def test_heads_of_service_and_analysts_see_the_whole_la(world):
    assert names(world.users["hos"]) == {"Jonathan", "Amira", "Olivia"}
    assert names(world.users["analyst"]) == {"Jonathan", "Amira", "Olivia"}


def test_business_support_sees_their_team_or_the_whole_la_when_not_in_one(world):
    assert names(world.users["bs_north"]) == {"Jonathan", "Amira"}
    assert names(world.users["bs"]) == {"Jonathan", "Amira", "Olivia"}


def test_system_administrators_do_not_see_childrens_records(world):
    assert names(world.users["admin"]) == set()


def test_no_role_in_one_la_sees_a_child_of_another(world, other_world):
    for user in world.users.values():
        visible = children_visible_to(user)
        assert not visible.filter(la=other_world.la).exists()
        assert all(c.la_id == world.la.pk for c in visible)


def test_a_restricted_record_is_seen_only_by_named_people_and_the_allocated_worker(world):
    child = world.children["jon"]
    child.is_restricted = True
    child.save()
    assert "Jonathan" in names(world.users["sw"])  # allocated worker
    assert "Jonathan" not in names(world.users["sw2"])
    assert "Jonathan" not in names(world.users["tm"])
    assert "Jonathan" not in names(world.users["hos"])
    ChildAccessGrant.objects.create(
        la=world.la, child=child, user=world.users["tm"], reason="Manager oversight"
    )
    assert "Jonathan" in names(world.users["tm"])


def test_a_child_the_user_may_not_see_is_404_and_the_refusal_is_logged(world):
    south = world.children["south"]
    with pytest.raises(Http404):
        child_get_for_user(user=world.users["sw"], child_id=south.pk, path="/x")
    entry = RecordAccess.objects.get(child_ref=south.pk)
    assert entry.outcome == "refused"
    assert entry.user == world.users["sw"]


def test_a_child_of_another_la_is_indistinguishable_from_a_missing_one(world, other_world, client):
    client.force_login(world.users["hos"])
    foreign = client.get(f"/children/{other_world.children['jon'].pk}/")
    missing = client.get("/children/999999999/")
    assert foreign.status_code == missing.status_code == 404
    assert without_csrf(foreign.content) == without_csrf(missing.content)
    assert "Jonathan" not in foreign.content.decode()


def test_every_view_of_a_record_is_logged(world, client):
    client.force_login(world.users["sw"])
    child = world.children["jon"]
    client.get(f"/children/{child.pk}/")
    client.get(f"/children/{child.pk}/")
    assert (
        RecordAccess.objects.filter(child_ref=child.pk, outcome="viewed", user=world.users["sw"]).count() == 2
    )


def test_search_never_returns_children_of_another_la_or_team(world, other_world):
    assert child_search_for_user(user=world.users["hos"], query="Jonathan Smith") == [world.children["jon"]]
    assert child_search_for_user(user=world.users["sw"], query="Olivia") == []


def test_only_administrators_and_heads_of_service_read_the_audit_log(world, client):
    for key, status in [("admin", 200), ("hos", 200), ("sw", 403), ("tm", 403), ("bs", 403)]:
        client.force_login(world.users[key])
        assert client.get("/audit/").status_code == status, key


def test_signed_out_users_are_sent_to_sign_in(world, client):
    response = client.get(f"/children/{world.children['jon'].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


def test_due_states_follow_exactly_the_same_access_rules_as_children(world, other_world):
    """LA-wide figures are counted from due states: they must never show a child the user cannot see."""
    from casework.children.models import ChildAccessGrant
    from casework.contacts.access import due_states_visible_to
    from casework.contacts.due import refresh_due_states
    from tests.conftest import TODAY

    child = world.children["amira"]
    child.is_restricted = True
    child.save()
    ChildAccessGrant.objects.create(la=world.la, child=child, user=world.users["hos"], reason="Named")
    for w in (world, other_world):
        refresh_due_states(la_id=w.la.pk, today=TODAY)
    for user in list(world.users.values()) + list(other_world.users.values()):
        children = set(children_visible_to(user).values_list("pk", flat=True))
        states = set(due_states_visible_to(user).values_list("child_id", flat=True))
        assert states == children, user.username
