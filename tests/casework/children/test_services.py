"""Writes to the cohort register: rules enforced, history and audit kept."""

from __future__ import annotations

from datetime import date, timedelta

import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.audit.models import AuditEvent
from casework.children import services
from casework.children.models import Child, LegalStatus
from casework.children.selectors import child_history, history_rows
from domain.people import rules

pytestmark = pytest.mark.django_db


def new_child(world, today, **extra):
    data = dict(
        la_child_id="NEW-1",
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=date(2015, 12, 10),
        gender="2",
        team=world.teams["north"],
        allocated_worker=world.users["sw"],
    )
    data.update(extra)
    return services.child_create(actor=world.users["bs"], today=today, **data)


def test_business_support_adds_a_child_and_the_addition_is_audited(world, today):
    child = new_child(world, today, reason="Referral from school")
    assert child.la == world.la
    event = AuditEvent.objects.get(action="child.created", child=child)
    assert event.actor == world.users["bs"]
    assert event.reason == "Referral from school"


def test_a_practitioner_cannot_change_the_register(world, today):
    with pytest.raises(PermissionDenied):
        services.child_create(
            actor=world.users["sw"],
            today=today,
            la_child_id="X",
            first_name="A",
            last_name="B",
            date_of_birth=date(2015, 1, 1),
            gender="1",
        )


def test_a_date_of_birth_in_the_future_is_refused(world, today):
    with pytest.raises(ValidationError) as err:
        new_child(world, today, date_of_birth=today + timedelta(days=1))
    assert err.value.message_dict == {"date_of_birth": [rules.DOB_IN_FUTURE]}
    assert not Child.objects.filter(la_child_id="NEW-1").exists()


def test_the_same_la_child_id_twice_in_one_la_is_refused_but_allowed_in_another(world, other_world, today):
    new_child(world, today)
    with pytest.raises(ValidationError) as err:
        new_child(world, today)
    assert "la_child_id" in err.value.message_dict
    services.child_create(
        actor=other_world.users["bs"],
        today=today,
        la_child_id="NEW-1",
        first_name="Ada",
        last_name="Byron",
        date_of_birth=date(2015, 1, 1),
        gender="2",
    )


def test_a_worker_from_another_la_cannot_be_allocated(world, other_world, today):
    with pytest.raises(PermissionDenied):
        new_child(world, today, team=None, allocated_worker=other_world.users["sw"])


def test_a_worker_outside_the_childs_team_is_refused(world, today):
    with pytest.raises(ValidationError) as err:
        new_child(world, today, team=world.teams["south"], allocated_worker=world.users["sw"])
    assert "allocated_worker" in err.value.message_dict


def test_a_correction_records_who_when_and_why_in_the_history(world, today):
    child = world.children["jon"]
    services.child_update(
        actor=world.users["bs"],
        child=child,
        today=today,
        seen_version=child.updated_at,
        reason="Corrected from birth certificate",
        last_name="Smyth",
    )
    rows = history_rows(child_history(child=child))
    change = next(r for r in rows if r.what == "Child's details changed")
    assert ("Last name", "Smith", "Smyth") in change.changes
    assert change.who == str(world.users["bs"])
    assert change.why == "Corrected from birth certificate"
    assert AuditEvent.objects.get(action="child.updated").changes == {"last_name": ["Smith", "Smyth"]}


def test_an_edit_based_on_a_stale_copy_is_refused_and_nothing_is_overwritten(world, today):
    child = world.children["jon"]
    opened = child.updated_at
    services.child_update(
        actor=world.users["tm"], child=child, today=today, seen_version=opened, first_name="Jonny"
    )
    with pytest.raises(ValidationError) as err:
        services.child_update(
            actor=world.users["bs"], child=child, today=today, seen_version=opened, first_name="John"
        )
    assert err.value.code == "stale"
    child.refresh_from_db()
    assert child.first_name == "Jonny"


def test_history_is_append_only(world):
    """Rows of the change history cannot be edited or deleted, even in SQL."""
    from django.db import connection, transaction

    event = pghistory.models.Events.objects.references(world.children["jon"]).first()
    assert event is not None
    from django.db import DatabaseError

    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM children_childevent")


def test_a_cp_plan_needs_a_category_and_cannot_end_before_it_starts(world, today):
    child = world.children["jon"]
    with pytest.raises(ValidationError) as err:
        services.legal_status_add(
            actor=world.users["bs"],
            child=child,
            kind="cp",
            starts_on=date(2020, 5, 1),
            ends_on=date(2020, 4, 1),
            today=today,
        )
    assert set(err.value.message_dict) == {"cp_category", "ends_on"}


def test_two_overlapping_looked_after_episodes_are_refused_with_the_clash_named(world, today):
    child = world.children["jon"]
    services.legal_status_add(
        actor=world.users["bs"],
        child=child,
        kind="lac",
        lac_legal_status="V2",
        starts_on=date(2020, 4, 1),
        ends_on=date(2020, 9, 30),
        today=today,
    )
    with pytest.raises(ValidationError) as err:
        services.legal_status_add(
            actor=world.users["bs"],
            child=child,
            kind="lac",
            lac_legal_status="C2",
            starts_on=date(2020, 9, 30),
            today=today,
        )
    assert "1 April 2020 to 30 September 2020" in err.value.message_dict["starts_on"][0]
    services.legal_status_add(
        actor=world.users["bs"],
        child=child,
        kind="lac",
        lac_legal_status="C2",
        starts_on=date(2020, 10, 1),
        today=today,
    )
    assert LegalStatus.objects.filter(child=child, kind="lac").count() == 2


def test_the_database_refuses_overlaps_even_without_the_service(world):
    from django.db import IntegrityError, transaction

    child = world.children["jon"]
    LegalStatus.objects.create(
        la=world.la, child=child, kind="lac", lac_legal_status="V2", starts_on=date(2020, 4, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalStatus.objects.create(
            la=world.la, child=child, kind="lac", lac_legal_status="C2", starts_on=date(2021, 1, 1)
        )


def test_ending_a_status_before_it_started_is_refused(world, today):
    status = LegalStatus.objects.get(child=world.children["jon"], kind="cin")
    with pytest.raises(ValidationError) as err:
        services.legal_status_end(
            actor=world.users["bs"], status=status, ends_on=date(2019, 1, 1), today=today
        )
    assert err.value.message_dict == {"ends_on": [rules.END_BEFORE_START]}


def test_placements_of_one_child_cannot_overlap(world, today):
    child = world.children["jon"]
    services.placement_add(
        actor=world.users["bs"],
        child=child,
        starts_on=date(2020, 4, 1),
        placement_type="U6",
        provider="PR1",
        today=today,
    )
    with pytest.raises(ValidationError):
        services.placement_add(
            actor=world.users["bs"],
            child=child,
            starts_on=date(2021, 4, 1),
            placement_type="K2",
            provider="PR4",
            today=today,
        )


def test_a_practitioner_may_record_household_covid_status(world, today):
    child = world.children["jon"]
    record = services.covid_status_add(
        actor=world.users["sw"],
        household=child.household,
        child=child,
        status="isolating",
        starts_on=date(2020, 3, 23),
        today=today,
    )
    assert record.created_by == world.users["sw"]
    assert AuditEvent.objects.filter(action="household.covid_status", child=child).exists()


def test_restricting_a_record_needs_a_reason_and_keeps_the_manager_in(world):
    child = world.children["jon"]
    with pytest.raises(ValidationError):
        services.child_set_restriction(
            actor=world.users["tm"], child=child, restricted=True, reason=" ", named_users=[]
        )
    services.child_set_restriction(
        actor=world.users["tm"],
        child=child,
        restricted=True,
        reason="Sibling is a staff member's relative",
        named_users=[world.users["hos"]],
    )
    child.refresh_from_db()
    assert child.is_restricted
    assert set(child.access_grants.values_list("user__username", flat=True)) == {"901.tm", "901.hos"}


def test_covid_in_the_household_and_missed_school_put_the_case_back_in_the_rating_queue(world, today):
    from casework.risk.models import RerateTrigger

    child = world.children["jon"]
    services.covid_status_add(
        actor=world.users["sw"],
        household=child.household,
        child=child,
        status="confirmed",
        starts_on=date(2026, 11, 18),
        today=today,
    )
    services.missed_school_record(
        actor=world.users["sw"], child=child, day=date(2026, 11, 19), today=today, note="School called mother"
    )
    assert set(RerateTrigger.objects.filter(child=child).values_list("reason", flat=True)) == {
        "covid_in_household",
        "missed_school",
    }
    with pytest.raises(ValidationError):
        services.missed_school_record(
            actor=world.users["sw"], child=child, day=today + timedelta(days=1), today=today
        )


def test_a_teams_business_support_cannot_change_another_teams_child_and_nothing_is_written(world, today):
    """Services apply the child page's own rules, not only the LA's: a team's business support sees its
    team's children, so it cannot correct another team's (the page would answer 404)."""
    south = world.children["south"]
    before = LegalStatus.objects.filter(child=south).count()
    with pytest.raises(PermissionDenied):
        services.legal_status_add(
            actor=world.users["bs_north"], child=south, kind="cin", starts_on=date(2020, 5, 1), today=today
        )
    with pytest.raises(PermissionDenied):
        services.child_update(
            actor=world.users["bs_north"],
            child=south,
            seen_version=south.updated_at,
            today=today,
            reason="Correcting",
            known_as="Liv",
        )
    assert LegalStatus.objects.filter(child=south).count() == before
    south.refresh_from_db()
    assert south.known_as != "Liv"
    # Their own team's child they can still correct.
    services.legal_status_add(
        actor=world.users["bs_north"],
        child=world.children["jon"],
        kind="ehc_plan",
        starts_on=date(2020, 5, 1),
        today=today,
    )
