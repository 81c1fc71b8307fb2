"""History and audit are append-only at the database; a deleted record leaves its last state in history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pghistory
import pghistory.models
import pgtrigger
import pytest
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from casework.audit.models import AuditEvent, RecordAccess
from casework.audit.services import audit_record, record_access_log
from casework.children.models import EducationSetting, LegalStatus
from casework.core.history import DELETE_LABEL
from casework.risk.models import RerateTrigger
from casework.safeguarding.models import InformationShare, Meeting, Referral, ReferralChild
from tests.conftest import World

pytestmark = pytest.mark.django_db

REFUSED = "history and audit are append-only"


def event_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    ]


def refused(sql: str, params: list[Any] | None = None, *, ignoring_every_trigger: bool = False) -> bool:
    """True if the statement raises the append-only refusal (in a savepoint, so the test goes on)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if ignoring_every_trigger:
                # What pgtrigger.ignore() and the bulk loaders do: name triggers the session skips.
                cursor.execute(
                    "SELECT set_config('pgtrigger.ignore', "
                    "(SELECT array_agg(tgname::text) FROM pg_trigger WHERE NOT tgisinternal)::text, true)"
                )
            cursor.execute(sql, params)
    except DatabaseError as error:
        return REFUSED in str(error)
    return False


def test_every_event_table_refuses_update_and_delete_even_when_told_to_ignore_triggers(world: World) -> None:
    tables = [model._meta.db_table for model in event_models()]
    for table in tables:
        update, delete = f'UPDATE "{table}" SET pgh_label = pgh_label', f'DELETE FROM "{table}"'  # noqa: S608
        for sql in (update, delete):
            assert refused(sql, ignoring_every_trigger=True), sql
            assert refused(sql), sql
    assert "children_childevent" in tables
    assert "safeguarding_referralevent" in tables


def test_an_event_row_cannot_be_rewritten_through_the_orm_even_ignoring_its_trigger(world: World) -> None:
    event_model = apps.get_model("children", "ChildEvent")
    event = event_model.objects.filter(pgh_obj_id=world.children["jon"].pk).first()
    assert event is not None
    with pgtrigger.ignore("children.ChildEvent:append_only"):
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            event_model.objects.filter(pk=event.pk).update(first_name="Someone else")
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            event.delete()
    assert event_model.objects.filter(pk=event.pk, first_name="Jonathan").exists()


def test_audit_events_and_the_record_access_log_refuse_update_and_delete(world: World) -> None:
    child = world.children["jon"]
    audit = audit_record(
        actor=world.users["bs"], la_id=world.la.pk, action="test", target=child, summary="Looked", child=child
    )
    record_access_log(actor=world.users["sw"], child_ref=child.pk, outcome="viewed", path="/children/1/")
    access = RecordAccess.objects.get(child_ref=child.pk)
    for table, pk in ((AuditEvent._meta.db_table, audit.pk), (RecordAccess._meta.db_table, access.pk)):
        update = f'UPDATE "{table}" SET at = now() WHERE id = %s'  # noqa: S608
        delete = f'DELETE FROM "{table}" WHERE id = %s'  # noqa: S608
        for sql in (update, delete):
            assert refused(sql, [pk]), sql
            assert refused(sql, [pk], ignoring_every_trigger=True), sql
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=audit.pk).update(summary="Nothing happened")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        access.delete()
    assert AuditEvent.objects.get(pk=audit.pk).summary == "Looked"


def delete_events(model: type[models.Model], pk: int) -> list[Any]:
    return list(
        pghistory.models.Events.objects.tracks(model(pk=pk)).filter(pgh_label=DELETE_LABEL).order_by("pgh_id")
    )


def a_status(world: World, starts_on: date, ends_on: date | None = None) -> LegalStatus:
    return LegalStatus.objects.create(
        la=world.la, child=world.children["amira"], kind="cin", starts_on=starts_on, ends_on=ends_on
    )


@pytest.mark.parametrize("how", ["instance", "queryset", "sql"])
def test_a_deleted_record_leaves_its_last_state_and_the_reason(world: World, how: str) -> None:
    status = a_status(world, date(2020, 2, 3))
    status.ends_on = date(2020, 3, 4)
    status.save()
    pk = status.pk  # an instance's delete() clears its pk
    with pghistory.context(user=world.users["bs"].pk, reason="Entered on the wrong child"):
        if how == "instance":
            status.delete()
        elif how == "queryset":
            LegalStatus.objects.filter(child=world.children["amira"]).delete()
        else:
            with connection.cursor() as cursor:
                cursor.execute('DELETE FROM "children_legalstatus" WHERE id = %s', [pk])
    assert not LegalStatus.objects.filter(pk=pk).exists()
    [event] = delete_events(LegalStatus, pk)
    assert event.pgh_data["kind"] == "cin"
    assert event.pgh_data["starts_on"] == "2020-02-03"
    assert event.pgh_data["ends_on"] == "2020-03-04"  # the last state, not the first
    assert event.pgh_context["reason"] == "Entered on the wrong child"
    assert event.pgh_context["user"] == world.users["bs"].pk


def test_a_bulk_delete_writes_one_event_per_row_in_one_statement(world: World) -> None:
    statuses = [a_status(world, date(2019, month, 1), date(2019, month, 20)) for month in range(1, 7)]
    with pghistory.context(reason="Bulk correction"), connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "children_legalstatus" WHERE id = ANY(%s)', [[status.pk for status in statuses]]
        )
    for status in statuses:
        [event] = delete_events(LegalStatus, status.pk)
        assert event.pgh_data["starts_on"] == status.starts_on.isoformat()
        assert event.pgh_context["reason"] == "Bulk correction"


def formerly_untracked(world: World) -> list[tuple[models.Model, str, Any]]:
    """One new row of each model that had no history, with a field to change and its new value."""
    child, worker = world.children["jon"], world.users["sw"]
    referral = Referral.objects.create(
        la=world.la,
        received_at=timezone.make_aware(datetime(2020, 4, 1, 9)),
        source="2A",
        concerns="C",
        consent="given",
    )
    referral.children.add(child)
    link = ReferralChild.objects.get(referral=referral, child=child)
    return [
        (referral, "concerns", "Neglect reported by the school"),
        (
            Meeting.objects.create(la=world.la, child=child, kind="strategy", held_on=date(2020, 4, 2)),
            "remote",
            True,
        ),
        (
            InformationShare.objects.create(
                la=world.la,
                child=child,
                shared_on=date(2020, 4, 3),
                what="Address",
                with_agency="police",
                lawful_basis="public_task",
                reason="Welfare check",
                decided_by=worker,
            ),
            "with_person",
            "PC Jones",
        ),
        (
            RerateTrigger.objects.create(
                la=world.la, child=child, reason="missed_school", occurred_on=date(2020, 4, 6)
            ),
            "detail",
            "Absent three days",
        ),
        (EducationSetting.objects.create(la=world.la, name="Hill Primary", kind="primary"), "is_open", False),
        (link, "child_id", world.children["amira"].pk),
    ]


def test_each_formerly_untracked_model_has_history_of_insert_update_and_delete(world: World) -> None:
    with pghistory.context(reason="Testing history"):
        rows = formerly_untracked(world)
        for row, field, value in rows:
            setattr(row, field, value)
            row.save()
        for row, _field, _value in reversed(rows):
            type(row)._default_manager.filter(pk=row.pk).delete()
    for row, field, value in rows:
        model = type(row)
        [event_model] = [m for m in event_models() if m.pgh_tracked_model is model]
        events = list(event_model.objects.filter(pgh_obj_id=row.pk).order_by("pgh_id"))
        assert not model._default_manager.filter(pk=row.pk).exists()
        label = model._meta.label
        assert [e.pgh_label for e in events] == ["snapshot", "snapshot", DELETE_LABEL], label
        column = model._meta.get_field(field.removesuffix("_id")).attname
        assert getattr(events[0], column) != value, label
        assert getattr(events[1], column) == value, label
        assert getattr(events[2], column) == value, label  # the last state
        assert events[2].pgh_context.metadata["reason"] == "Testing history", label


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_still_empty_the_append_only_tables(world: World) -> None:
    """pytest-django empties the tables with TRUNCATE after a transactional test: it must not be refused."""
    child = world.children["jon"]
    audit_record(actor=None, la_id=world.la.pk, action="test", target=child, summary="Kept until flush")
    assert AuditEvent.objects.exists()
