"""The workforce (PRODUCT.md M18) against PostgreSQL: kinds of staff and what each needs recorded; a
returner's checks, each with its date and who confirmed it; and every path that allocates a child
(adding a child, changing the allocated worker, reallocating, the reallocation suggestions) refusing a
student, a returner with checks outstanding and someone whose contract has ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.accounts import selectors, services
from casework.accounts.models import EmploymentCheck, Role, StaffAbsence, StaffKind, User
from casework.audit.models import AuditEvent
from casework.children import services as child_services
from casework.children.models import Child
from casework.oversight.reallocation import reallocate, suggest_reallocations
from domain.people import workforce
from tests.conftest import TODAY, make_user

pytestmark = pytest.mark.django_db

CHECKS = [c.id for c in workforce.RETURNER_CHECKS]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)


def returner(world, username="901.rae", **extra):
    extra = {"first_name": "Rae", "last_name": f"Turner{username[-3:]}", **extra}
    person = make_user(
        world.la, username, Role.SOCIAL_WORKER, world.teams["north"], caseload_capacity=10, **extra
    )
    services.workforce_update(actor=world.users["admin"], staff=person, today=TODAY, staff_kind="returner")
    person.refresh_from_db()
    return person


def record(world, person, *kinds, actor="admin"):
    for kind in kinds:
        services.employment_check_record(
            actor=world.users[actor],
            staff=person,
            kind=kind,
            confirmed_on=TODAY - timedelta(days=3),
            reference="SW123456" if kind == "registration" else "",
            today=TODAY,
        )


def student(world, username="901.sam"):
    person = make_user(
        world.la,
        username,
        Role.SOCIAL_WORKER,
        world.teams["north"],
        caseload_capacity=6,
        first_name="Sam",
        last_name=f"Student{username[-3:]}",
    )
    services.workforce_update(
        actor=world.users["admin"],
        staff=person,
        today=TODAY,
        staff_kind="student",
        university="University of Leeds",
        practice_supervisor=world.users["sw"],
    )
    person.refresh_from_db()
    return person


def allocate(world, child_key, worker, actor="tm"):
    return child_services.child_update(
        actor=world.users[actor],
        child=world.children[child_key],
        today=TODAY,
        seen_version=None,
        allocated_worker=worker,
    )


# --- Kinds of staff ----------------------------------------------------------------------------------


def test_a_student_needs_a_university_and_a_qualified_supervisor(world):
    sam = make_user(world.la, "901.sam", Role.SOCIAL_WORKER, world.teams["north"])
    with pytest.raises(ValidationError) as err:
        services.workforce_update(actor=world.users["admin"], staff=sam, today=TODAY, staff_kind="student")
    assert err.value.message_dict == {
        "university": [workforce.NO_UNIVERSITY],
        "practice_supervisor": [workforce.NO_SUPERVISOR],
    }
    with pytest.raises(ValidationError) as err:
        services.workforce_update(
            actor=world.users["admin"],
            staff=sam,
            today=TODAY,
            staff_kind="student",
            university="Leeds",
            practice_supervisor=world.users["analyst"],
        )
    assert (
        "a practice supervisor is a social worker or a manager"
        in err.value.message_dict["practice_supervisor"][0]
    )
    other = student(world, "901.other")
    with pytest.raises(ValidationError) as err:
        services.workforce_update(
            actor=world.users["admin"],
            staff=sam,
            today=TODAY,
            staff_kind="student",
            university="Leeds",
            practice_supervisor=other,
        )
    assert err.value.message_dict == {"practice_supervisor": [workforce.SUPERVISOR_IS_STUDENT]}
    assert User.objects.get(pk=sam.pk).staff_kind == StaffKind.PERMANENT


def test_seconded_staff_have_their_organisation_and_end_date_and_a_change_of_kind_clears_the_rest(world):
    sw2 = world.users["sw2"]
    with pytest.raises(ValidationError) as err:
        services.workforce_update(actor=world.users["hos"], staff=sw2, today=TODAY, staff_kind="seconded")
    assert err.value.message_dict == {"organisation": [workforce.NO_ORGANISATION]}
    services.workforce_update(
        actor=world.users["hos"],
        staff=sw2,
        today=TODAY,
        staff_kind="seconded",
        organisation="Cafcass",
        engaged_until=date(2026, 12, 31),
        university="Should not be kept",
        reason="Seconded for the emergency",
    )
    sw2.refresh_from_db()
    assert (sw2.staff_kind, sw2.organisation, sw2.engaged_until, sw2.university) == (
        "seconded",
        "Cafcass",
        date(2026, 12, 31),
        "",
    )
    event = AuditEvent.objects.get(action="staff.workforce_updated")
    assert event.reason == "Seconded for the emergency"
    assert event.changes["organisation"] == ["", "Cafcass"]
    services.workforce_update(actor=world.users["hos"], staff=sw2, today=TODAY, staff_kind="permanent")
    sw2.refresh_from_db()
    assert (sw2.organisation, sw2.engaged_until) == ("", None)


def test_workforce_details_are_kept_by_administrators_and_heads_of_service_only_and_stale_safe(
    world, other_world
):
    for actor in (world.users["tm"], world.users["sw"], other_world.users["admin"]):
        with pytest.raises(PermissionDenied):
            services.workforce_update(
                actor=actor, staff=world.users["sw2"], today=TODAY, staff_kind="agency", organisation="A"
            )
    seen = services.staff_version(world.users["sw2"])
    services.workforce_update(
        actor=world.users["admin"],
        staff=world.users["sw2"],
        today=TODAY,
        staff_kind="agency",
        organisation="Hays",
    )
    with pytest.raises(ValidationError) as err:
        services.workforce_update(
            actor=world.users["hos"],
            staff=world.users["sw2"],
            today=TODAY,
            seen_version=seen,
            staff_kind="permanent",
        )
    assert err.value.code == "stale"
    assert User.objects.get(pk=world.users["sw2"].pk).staff_kind == "agency"


def test_someone_holding_children_cannot_become_a_student_or_an_unchecked_returner(world):
    sw = world.users["sw"]
    for kind, extra in (
        ("student", {"university": "Leeds", "practice_supervisor": world.users["sw2"]}),
        ("returner", {}),
    ):
        with pytest.raises(ValidationError) as err:
            services.workforce_update(
                actor=world.users["admin"], staff=sw, today=TODAY, staff_kind=kind, **extra
            )
        assert err.value.message_dict["staff_kind"][0].startswith(
            f"{sw} is the allocated worker of 1 child: reallocate it first."
        )
    with pytest.raises(ValidationError) as err:
        services.workforce_update(
            actor=world.users["admin"],
            staff=sw,
            today=TODAY,
            staff_kind="agency",
            organisation="Hays",
            engaged_until=TODAY - timedelta(days=1),
        )
    assert "contract ended on 19 November 2026" in err.value.message_dict["engaged_until"][0]
    assert User.objects.get(pk=sw.pk).staff_kind == "permanent"


# --- A returner's checks -------------------------------------------------------------------------------


def test_each_check_is_recorded_with_its_date_and_who_confirmed_it(world):
    rae = returner(world)
    record(world, rae, "registration")
    check = EmploymentCheck.objects.get(user=rae)
    assert (check.kind, check.confirmed_on, check.confirmed_by, check.reference) == (
        "registration",
        TODAY - timedelta(days=3),
        world.users["admin"],
        "SW123456",
    )
    event = AuditEvent.objects.get(action="staff.check_recorded")
    assert event.summary == f"{rae}: Social Work England registration recorded, dated 17 November 2026"
    services.employment_check_record(
        actor=world.users["hos"],
        staff=rae,
        kind="registration",
        confirmed_on=TODAY,
        reference="sw 654321",
        today=TODAY,
    )
    check.refresh_from_db()
    assert (check.confirmed_by, check.confirmed_on, check.reference) == (
        world.users["hos"],
        TODAY,
        "SW654321",
    )
    assert EmploymentCheck.objects.filter(user=rae).count() == 1
    assert check.pgh_event_model.objects.filter(pgh_obj_id=check.pk).count() == 2


def test_a_check_is_refused_in_the_future_without_a_registration_number_or_by_the_person_themselves(world):
    rae = returner(world)
    with pytest.raises(ValidationError) as err:
        services.employment_check_record(
            actor=world.users["admin"],
            staff=rae,
            kind="dbs",
            confirmed_on=TODAY + timedelta(days=1),
            today=TODAY,
        )
    assert err.value.message_dict == {"confirmed_on": [workforce.CHECK_IN_FUTURE]}
    with pytest.raises(ValidationError) as err:
        services.employment_check_record(
            actor=world.users["admin"],
            staff=rae,
            kind="registration",
            confirmed_on=TODAY,
            reference="12",
            today=TODAY,
        )
    assert err.value.message_dict == {"reference": [workforce.BAD_REGISTRATION_NUMBER]}
    admin = world.users["admin"]
    with pytest.raises(ValidationError) as err:
        services.employment_check_record(
            actor=admin, staff=admin, kind="dbs", confirmed_on=TODAY, today=TODAY
        )
    assert err.value.message_dict == {"kind": ["Ask someone else to confirm your own checks"]}
    for actor in (world.users["tm"], world.users["sw"]):
        with pytest.raises(PermissionDenied):
            services.employment_check_record(
                actor=actor, staff=rae, kind="dbs", confirmed_on=TODAY, today=TODAY
            )
    assert not EmploymentCheck.objects.exists()


def test_a_check_recorded_by_mistake_is_removed_with_a_reason(world):
    rae = returner(world)
    record(world, rae, "dbs")
    check = EmploymentCheck.objects.get(user=rae)
    with pytest.raises(ValidationError):
        services.employment_check_remove(actor=world.users["admin"], check=check, reason="")
    services.employment_check_remove(actor=world.users["admin"], check=check, reason="Wrong person")
    assert not EmploymentCheck.objects.exists()
    assert AuditEvent.objects.get(action="staff.check_removed").reason == "Wrong person"


# --- Every path that allocates a child ---------------------------------------------------------------


def test_a_returner_is_allocated_a_child_only_once_every_check_is_recorded(world):
    rae = returner(world)
    jon = world.children["jon"]
    record(world, rae, *CHECKS[:-1])
    with pytest.raises(ValidationError) as err:
        allocate(world, "jon", rae)
    assert err.value.message_dict == {
        "allocated_worker": [
            f"{rae} is a returning social worker and cannot be allocated children until every check is "
            "recorded. Still to record: DBS check (fast-tracked)"
        ]
    }
    assert Child.objects.get(pk=jon.pk).allocated_worker == world.users["sw"]
    record(world, rae, "dbs")
    allocate(world, "jon", rae)
    assert Child.objects.get(pk=jon.pk).allocated_worker == rae


def test_a_child_is_not_added_to_the_register_allocated_to_a_student(world):
    sam = student(world)
    with pytest.raises(ValidationError) as err:
        child_services.child_create(
            actor=world.users["tm"],
            today=TODAY,
            la_child_id="NEW1",
            first_name="New",
            last_name="Child",
            date_of_birth=date(2015, 1, 1),
            gender="1",
            team=world.teams["north"],
            allocated_worker=sam,
        )
    assert err.value.message_dict["allocated_worker"] == [
        f"{sam} is a student on placement: a student cannot be a child's allocated worker. Allocate the "
        f"child to their practice supervisor, {world.users['sw']}, who can ask the student to work with "
        "the child"
    ]
    assert not Child.objects.filter(la_child_id="NEW1").exists()


def test_an_agency_worker_whose_contract_ended_is_not_allocated_children(world):
    al = make_user(world.la, "901.al", Role.SOCIAL_WORKER, world.teams["north"], caseload_capacity=10)
    services.workforce_update(
        actor=world.users["admin"],
        staff=al,
        today=TODAY,
        staff_kind="agency",
        organisation="Hays",
        engaged_until=TODAY - timedelta(days=1),
    )
    al.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        allocate(world, "jon", al)
    assert err.value.message_dict == {
        "allocated_worker": [f"{al}'s contract ended on 19 November 2026: they cannot be allocated children"]
    }


def test_a_worker_already_allocated_keeps_their_children_through_other_edits(world):
    """The rule is about allocating: correcting another detail of a child allocated before the worker
    became a returner is not refused."""
    jon = world.children["jon"]
    User.objects.filter(pk=world.users["sw"].pk).update(staff_kind="returner")
    child_services.child_update(
        actor=world.users["tm"], child=jon, today=TODAY, seen_version=None, first_language="Welsh"
    )
    assert Child.objects.get(pk=jon.pk).first_language == "Welsh"


def sick(world, key):
    StaffAbsence.objects.create(
        la=world.la, user=world.users[key], status="sick", starts_on=TODAY - timedelta(days=1)
    )


def test_reallocation_refuses_a_returner_with_checks_outstanding_and_a_student(world):
    sick(world, "sw")
    rae, sam = returner(world), student(world)
    for worker in (rae, sam):
        with pytest.raises(ValidationError) as err:
            reallocate(
                actor=world.users["tm"], child=world.children["jon"], to_worker=worker, reason="", today=TODAY
            )
        assert "cannot" in err.value.message_dict["allocated_worker"][0]
    assert Child.objects.get(pk=world.children["jon"].pk).allocated_worker == world.users["sw"]


def test_reallocation_suggestions_leave_out_staff_who_may_not_be_allocated(world):
    sick(world, "sw")
    User.objects.filter(pk=world.users["sw2"].pk).update(caseload_capacity=0)
    rae, sam = returner(world), student(world)
    User.objects.filter(pk__in=[rae.pk, sam.pk]).update(caseload_capacity=30)
    suggestions = suggest_reallocations(team=world.teams["north"], today=TODAY)
    assert [(s.child.pk, s.to_worker) for s in suggestions] == [(world.children["jon"].pk, None)]
    record(world, rae, *CHECKS)
    suggestions = suggest_reallocations(team=world.teams["north"], today=TODAY)
    assert [(s.child.pk, s.to_worker) for s in suggestions] == [(world.children["jon"].pk, rae)]


def test_the_reallocation_page_shows_the_plain_refusal(client, world):
    sick(world, "sw")
    sam = student(world)
    client.force_login(world.users["tm"])
    url = f"/oversight/team/{world.teams['north'].pk}/reallocate/{world.children['jon'].pk}"
    page = client.post(url, {"to_worker": sam.pk, "reason": "Cover"}).content.decode()
    assert "a student cannot be a child&#x27;s allocated worker" in page
    assert Child.objects.get(pk=world.children["jon"].pk).allocated_worker == world.users["sw"]


# --- The workforce board -------------------------------------------------------------------------------


def test_the_board_shows_the_capacity_each_kind_adds_checks_outstanding_and_supervisors(client, world):
    rae, sam = returner(world), student(world)
    record(world, rae, "registration", "dbs")
    agency = make_user(
        world.la, "901.al", Role.SOCIAL_WORKER, world.teams["south"], caseload_capacity=15, last_name="Agent"
    )
    services.workforce_update(
        actor=world.users["admin"], staff=agency, today=TODAY, staff_kind="agency", organisation="Hays"
    )
    off = make_user(world.la, "901.off", Role.SOCIAL_WORKER, world.teams["south"], caseload_capacity=12)
    services.workforce_update(
        actor=world.users["admin"], staff=off, today=TODAY, staff_kind="agency", organisation="Hays"
    )
    StaffAbsence.objects.create(la=world.la, user=off, status="self_isolating", starts_on=TODAY)
    figures = {f.kind: f for f in selectors.workforce_figures(user=world.users["hos"], today=TODAY)}
    assert (figures["agency"].people, figures["agency"].available, figures["agency"].capacity) == (2, 1, 15)
    assert (figures["returner"].people, figures["returner"].capacity) == (1, 10)
    assert (figures["student"].people, figures["student"].capacity) == (1, 6)
    assert figures["permanent"].capacity == 18 + 18 + 0  # sw, sw2, sw_south (capacity 0), managers 0
    assert figures["permanent"].caseload == 3
    client.force_login(world.users["hos"])
    page = client.get("/workforce/").content.decode()
    assert (
        "Checks outstanding: Fitness to practise confirmed, References, Right to work in the UK, Identity"
        in page
    )
    assert f"Practice supervisor: {world.users['sw']}" in page
    assert "University of Leeds" in page
    returners = client.get("/workforce/?kind=returner").content.decode()
    assert str(rae) in returners
    assert str(sam) not in returners
    assert "1 person" in returners
    client.force_login(world.users["tm"])  # manages North: sees North's people only
    north = client.get("/workforce/").content.decode()
    assert str(rae) in north
    assert str(agency) not in north
    client.force_login(world.users["sw"])
    assert client.get("/workforce/").status_code == 403


def test_the_board_is_paged_and_its_queries_do_not_grow_with_the_page(
    client, world, django_assert_max_num_queries
):
    people = [
        User(
            username=f"901.agency{i}",
            la=world.la,
            role=Role.SOCIAL_WORKER,
            staff_kind="agency",
            organisation="Hays",
            last_name=f"Agency{i:03d}",
            caseload_capacity=5,
        )
        for i in range(55)
    ]
    User.objects.bulk_create(people)
    client.force_login(world.users["admin"])
    with django_assert_max_num_queries(20):
        first = client.get("/workforce/").content.decode()
    assert "55 people" in first
    assert "Showing 1 to 50 of 55 people" in first
    assert "Agency054" not in first
    assert "Agency054" in client.get("/workforce/?page=2").content.decode()
    with django_assert_max_num_queries(25):
        download = b"".join(client.get("/workforce/?format=csv").streaming_content).decode()
    assert download.count("Hays") == 55
    assert "Agency054" in download


def test_the_staff_page_lists_a_returners_checks_and_records_one(client, world):
    rae = returner(world)
    client.force_login(world.users["admin"])
    page = client.get(f"/staff/{rae.pk}/").content.decode()
    assert page.count("Not recorded") == 6
    assert "cannot be allocated children until every check is recorded" in page
    response = client.post(
        f"/staff/{rae.pk}/checks/new",
        {
            "kind": "dbs",
            "confirmed_on_0": "17",
            "confirmed_on_1": "11",
            "confirmed_on_2": "2026",
            "reference": "",
        },
    )
    assert response.status_code == 302
    assert EmploymentCheck.objects.get(user=rae).confirmed_by == world.users["admin"]
    assert client.get(f"/staff/{rae.pk}/").content.decode().count("Not recorded") == 5
