"""Who is off, and whose children are therefore unallocated in practice."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.accounts import services
from casework.accounts.selectors import staff_today_for_team

pytestmark = pytest.mark.django_db


def test_a_manager_records_a_worker_off_sick_and_the_team_page_shows_it(client, world, today):
    services.absence_record(
        actor=world.users["tm"],
        user=world.users["sw"],
        status="sick",
        starts_on=date(2026, 11, 18),
        ends_on=date(2026, 11, 27),
        today=today,
    )
    staff = {s.user.username: s for s in staff_today_for_team(team=world.teams["north"], today=today)}
    assert not staff["901.sw"].available
    assert staff["901.sw2"].available
    assert staff["901.sw"].caseload == 1


def test_the_team_page_lists_children_of_staff_who_are_off(client, world):
    from casework.core import clock

    today = clock.today()
    services.absence_record(
        actor=world.users["tm"], user=world.users["sw"], status="self_isolating", starts_on=today, today=today
    )
    client.force_login(world.users["tm"])
    page = client.get(f"/teams/{world.teams['north'].pk}/").content.decode()
    assert "Children whose worker is off today (1)" in page
    assert "Jonathan Smith" in page


def test_overlapping_absences_are_refused(world, today):
    services.absence_record(
        actor=world.users["tm"],
        user=world.users["sw"],
        status="leave",
        starts_on=date(2026, 12, 21),
        ends_on=date(2026, 12, 31),
        today=today,
    )
    with pytest.raises(ValidationError) as err:
        services.absence_record(
            actor=world.users["tm"],
            user=world.users["sw"],
            status="sick",
            starts_on=date(2026, 12, 30),
            today=today,
        )
    assert "already recorded as on leave" in err.value.message_dict["starts_on"][0]


def test_an_absence_ending_before_it_starts_is_refused(world, today):
    with pytest.raises(ValidationError):
        services.absence_record(
            actor=world.users["tm"],
            user=world.users["sw"],
            status="sick",
            starts_on=date(2026, 12, 30),
            ends_on=date(2026, 12, 1),
            today=today,
        )


def test_a_practitioner_cannot_record_a_colleagues_absence(world, today):
    with pytest.raises(PermissionDenied):
        services.absence_record(
            actor=world.users["sw2"],
            user=world.users["sw"],
            status="sick",
            starts_on=date(2026, 11, 18),
            today=today,
        )


def test_a_manager_of_another_la_cannot_touch_this_las_staff(world, other_world, today):
    with pytest.raises(PermissionDenied):
        services.absence_record(
            actor=other_world.users["hos"],
            user=world.users["sw"],
            status="sick",
            starts_on=date(2026, 11, 18),
            today=today,
        )


def test_the_absence_form_explains_bad_dates_and_keeps_entries(client, world):
    client.force_login(world.users["tm"])
    page = client.post(
        f"/staff/{world.users['sw'].pk}/",
        {
            "absence-status": "sick",
            "absence-starts_on_0": "20",
            "absence-starts_on_1": "11",
            "absence-starts_on_2": "2026",
            "absence-ends_on_0": "1",
            "absence-ends_on_1": "11",
            "absence-ends_on_2": "2026",
            "absence-note": "flu",
        },
    ).content.decode()
    assert "End date must be the same as or after the start date" in page
    assert "flu</textarea>" in page
