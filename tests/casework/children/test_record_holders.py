"""Who is named on a restricted record: administrators (by LA child ID, never the record) and the
managers who may open it add and remove names, with a reason, audited; the lists follow the record's
own access rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.audit.models import AuditEvent
from casework.children import services
from casework.children.access import children_visible_to
from casework.children.models import ChildAccessGrant
from domain.people import restricted

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(world):
    """Jonathan's record, restricted by the North team manager (who is named on it)."""
    return services.child_set_restriction(
        actor=world.users["tm"],
        child=world.children["jon"],
        restricted=True,
        reason="Staff member's relative",
        named_users=[],
    )


def test_an_administrator_names_someone_who_can_then_open_the_record(world, record):
    sw2 = world.users["sw2"]
    assert not children_visible_to(sw2).filter(pk=record.pk).exists()
    grant = services.record_holder_add(actor=world.users["admin"], child=record, user=sw2, reason="Covering")
    assert children_visible_to(sw2).filter(pk=record.pk).exists()
    assert (grant.reason, grant.created_by) == ("Covering", world.users["admin"])
    event = AuditEvent.objects.get(action="child.holder_added")
    assert event.summary == f"Named {sw2} on restricted record {record.la_child_id}"
    assert "Jonathan" not in event.summary
    assert event.child_id == record.pk


def test_removing_a_name_needs_a_reason_and_never_the_last_name(world, record):
    tm_grant = ChildAccessGrant.objects.get(child=record, user=world.users["tm"])
    with pytest.raises(ValidationError) as err:
        services.record_holder_remove(actor=world.users["admin"], grant=tm_grant, reason="No longer needed")
    assert err.value.message_dict == {"reason": [restricted.LAST_NAMED.format(name=world.users["tm"])]}
    services.record_holder_add(
        actor=world.users["admin"], child=record, user=world.users["hos"], reason="Oversight"
    )
    with pytest.raises(ValidationError):
        services.record_holder_remove(actor=world.users["admin"], grant=tm_grant, reason=" ")
    services.record_holder_remove(actor=world.users["admin"], grant=tm_grant, reason="Moved team")
    assert not children_visible_to(world.users["tm"]).filter(pk=record.pk).exists()
    assert AuditEvent.objects.get(action="child.holder_removed").reason == "Moved team"


def test_nobody_names_themselves_an_administrator_or_someone_already_named(world, record):
    hos = world.users["hos"]
    cases = [
        (world.users["tm"], world.users["tm"], restricted.NAME_YOURSELF),
        (
            world.users["tm"],
            world.users["admin"],
            restricted.SEES_NO_RECORDS.format(name=world.users["admin"]),
        ),
    ]
    for actor, user, message in cases:
        with pytest.raises(ValidationError) as err:
            services.record_holder_add(actor=actor, child=record, user=user, reason="Why")
        assert err.value.message_dict == {"user": [message]}
    services.record_holder_add(actor=world.users["tm"], child=record, user=hos, reason="Oversight")
    with pytest.raises(ValidationError) as err:
        services.record_holder_add(actor=world.users["admin"], child=record, user=hos, reason="Again")
    assert err.value.message_dict == {"user": [restricted.ALREADY_NAMED.format(name=hos)]}


def test_a_manager_who_may_not_open_the_record_and_other_roles_are_refused(world, other_world, record):
    # The head of service is not named on the restricted record: they may not open it, nor change it.
    for actor in (world.users["hos"], world.users["sw"], world.users["bs"], other_world.users["admin"]):
        with pytest.raises(PermissionDenied):
            services.record_holder_add(actor=actor, child=record, user=world.users["sw2"], reason="Why")
    assert ChildAccessGrant.objects.filter(child=record).count() == 1


def test_an_unrestricted_record_has_no_names_to_change(world):
    with pytest.raises(ValidationError):
        services.record_holder_add(
            actor=world.users["admin"], child=world.children["amira"], user=world.users["sw"], reason="Why"
        )


def test_the_pages_show_an_administrator_the_record_number_never_the_child(client, world, record):
    client.force_login(world.users["admin"])
    listing = client.get("/children/restricted/").content.decode()
    assert f"LA child ID {record.la_child_id}" in listing
    assert "Jonathan" not in listing
    page = client.get(f"/children/{record.pk}/named/").content.decode()
    assert "Jonathan" not in page
    assert str(world.users["tm"]) in page
    response = client.post(
        f"/children/{record.pk}/named/", {"user": world.users["sw2"].pk, "reason": "Covering"}
    )
    assert response.status_code == 302
    grant = ChildAccessGrant.objects.get(child=record, user=world.users["sw2"])
    client.post(f"/children/{record.pk}/named/{grant.pk}/remove", {"reason": "Back from leave"})
    assert not ChildAccessGrant.objects.filter(pk=grant.pk).exists()
    assert client.get(f"/children/{world.children['amira'].pk}/named/").status_code == 404


def test_the_lists_follow_the_records_own_rules_for_managers(client, world, record):
    client.force_login(world.users["tm"])  # named on it
    assert "Jonathan Smith" in client.get("/children/restricted/").content.decode()
    client.force_login(world.users["hos"])  # not named: the record is not theirs to see
    assert "0 restricted records" in client.get("/children/restricted/").content.decode()
    assert client.get(f"/children/{record.pk}/named/").status_code == 404
    client.force_login(world.users["sw"])
    assert client.get("/children/restricted/").status_code == 403
