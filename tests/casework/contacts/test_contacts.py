"""Recording contacts: what the emergency rules require of the record, and what follows from it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from casework.children.models import LegalStatus
from casework.contacts import services
from casework.contacts.due import refresh_due_states
from casework.contacts.models import DueState
from casework.core.models import Alert
from casework.decisions.models import Departure
from casework.risk import services as risk
from casework.risk.models import RerateTrigger

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def record(world, **overrides):
    data = dict(
        actor=world.users["sw"],
        child=world.children["jon"],
        occurred_at=at(date(2026, 11, 19)),
        mode="home",
        child_seen=True,
        child_seen_alone=True,
        outcome="Seen at home, all well",
        now=NOW,
    )
    data.update(overrides)
    return services.contact_record(**data)


def test_a_home_visit_is_recorded_and_moves_the_due_date(world):
    child = world.children["jon"]
    risk.rating_submit(
        actor=world.users["sw"],
        child=child,
        rating="amber",
        factors=[],
        rationale="x",
        plan=risk.rating_advice(child=child, rating="amber", factors=[], today=NOW.date()).proposal.plan,
        today=NOW.date(),
    )
    before = DueState.objects.get(child=child).next_due
    contact = record(world)
    due = DueState.objects.get(child=child)
    assert contact.regime.startswith("normal")
    assert due.last_face_to_face_on == date(2026, 11, 19)
    assert due.last_seen_alone_on == date(2026, 11, 19)
    assert due.next_due >= before


def test_a_contact_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as err:
        record(world, occurred_at=NOW + timedelta(hours=1))
    assert err.value.message_dict == {"occurred_at": [services.CONTACT_IN_FUTURE]}


def test_video_is_refused_for_a_family_without_video_access(world):
    with pytest.raises(ValidationError) as err:
        record(world, mode="video")
    assert "mode" in err.value.message_dict
    household = world.children["jon"].household
    household.video_calls = "yes"
    household.save()
    record(world, mode="video")


def test_refused_access_needs_the_reason_the_explanation_and_another_way(world):
    with pytest.raises(ValidationError) as err:
        record(world, child_seen=False, access_refused=True, outcome="Door not opened")
    assert set(err.value.message_dict) == set(services.REFUSAL_FIELDS)
    record(
        world,
        child_seen=False,
        access_refused=True,
        outcome="Door not opened",
        child_seen_alone=None,
        refusal_reason="Mother said the family is isolating",
        why_access_needed_explained="Explained CP plan",
        other_way_to_see_child="Video call arranged for tomorrow; school to check",
    )
    assert RerateTrigger.objects.filter(child=world.children["jon"], reason="refused_access").exists()


def test_immediate_protection_alerts_the_manager_at_once(world):
    manager = world.users["tm"]
    manager.email = "tm@example.invalid"
    manager.save()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        record(
            world,
            child_seen=False,
            access_refused=True,
            outcome="Shouting heard",
            child_seen_alone=None,
            refusal_reason="Father refused",
            why_access_needed_explained="Explained",
            other_way_to_see_child="Police welfare check",
            immediate_protection=True,
        )
    alert = Alert.objects.get(recipient=manager)
    assert "Immediate protection" in alert.message
    assert mail.outbox[0].to == ["tm@example.invalid"]


def test_a_remote_visit_to_a_looked_after_child_under_si_2020_909_needs_a_lawful_reason(world):
    child = world.children["jon"]
    LegalStatus.objects.create(
        la=world.la, child=child, kind="lac", lac_legal_status="C2", starts_on=date(2020, 1, 6)
    )
    child.household.video_calls = "yes"
    child.household.save()
    day = date(2020, 11, 2)  # SI 2020/909 in force
    with pytest.raises(ValidationError) as err:
        record(world, occurred_at=at(day), mode="video")
    assert "remote_reason" in err.value.message_dict
    contact = record(
        world,
        occurred_at=at(day),
        mode="video",
        remote_reason="contrary_to_public_health_guidance",
        remote_reason_detail="Household isolating after a positive test",
    )
    assert contact.regime == "si-2020-909"
    assert not Departure.objects.filter(contact=contact).exists()


def test_a_remote_visit_to_a_looked_after_child_under_normal_rules_is_a_departure(world):
    child = world.children["jon"]
    LegalStatus.objects.create(
        la=world.la, child=child, kind="lac", lac_legal_status="C2", starts_on=date(2020, 1, 6)
    )
    contact = record(
        world,
        mode="phone",
        remote_reason="not_reasonably_practicable_covid",
        remote_reason_detail="Worker isolating",
    )
    departure = Departure.objects.get(contact=contact)
    assert departure.status == "awaiting"
    assert "reg 28" in departure.required


def test_the_whole_la_recomputes_in_one_pass(world):
    written = refresh_due_states(la_id=world.la.pk, today=NOW.date())
    assert written == 3
    assert DueState.objects.filter(la=world.la).count() == 3


def test_a_whole_la_recompute_gives_each_child_what_refreshing_it_alone_gives(world):
    """The whole-LA pass shares work between children (equal contact events, the minimums of equal
    statuses and facts): no child may get another's answer."""
    from casework.children.models import Placement
    from tests.conftest import make_child

    north = world.teams["north"]
    twins = [
        make_child(world, f"twin{i}", f"Twin{i}", "Same", team=north, worker=world.users["sw"], dob=dob)
        for i, dob in enumerate([date(2012, 1, 1), date(2016, 6, 30)])
    ]
    lac = make_child(world, "lac", "Looked", "After", team=north, worker=world.users["sw"])
    for child in [*twins, world.children["amira"]]:
        LegalStatus.objects.create(la=world.la, child=child, kind="cin", starts_on=date(2020, 1, 6))
    LegalStatus.objects.create(
        la=world.la, child=twins[1], kind="cp", starts_on=date(2026, 9, 1), cp_category="NEG"
    )
    LegalStatus.objects.create(
        la=world.la, child=lac, kind="lac", lac_legal_status="C2", starts_on=date(2025, 2, 3)
    )
    Placement.objects.create(
        la=world.la, child=lac, starts_on=date(2025, 2, 3), placement_type="U1", provider="PR1"
    )
    record(world, child=twins[0], occurred_at=at(date(2026, 11, 2)))
    record(world, child=twins[1], occurred_at=at(date(2026, 11, 2)))
    record(
        world,
        child=lac,
        occurred_at=at(date(2026, 10, 1)),
        mode="phone",
        child_seen_alone=False,
        remote_reason="not_reasonably_practicable_covid",
    )
    record(world, child=world.children["jon"], occurred_at=at(date(2026, 10, 1)), child_seen=False)
    columns = ["child_id", "next_due", "face_to_face_due", "statutory_due", "last_contact_on", "last_seen_on"]
    columns += ["last_face_to_face_on", "last_seen_alone_on", "open_statuses", "rating"]
    refresh_due_states(la_id=world.la.pk, today=NOW.date())
    together = list(DueState.objects.filter(la=world.la).order_by("child_id").values_list(*columns))
    assert len(together) == 6
    for child_id, *_ in together:
        refresh_due_states(la_id=world.la.pk, today=NOW.date(), child_ids=[child_id])
    alone = list(DueState.objects.filter(la=world.la).order_by("child_id").values_list(*columns))
    assert alone == together
    by_child = {row[0]: row for row in together}
    assert by_child[twins[0].pk][1:] != by_child[twins[1].pk][1:]  # the child protection plan differs
