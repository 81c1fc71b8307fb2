"""The services that checked nobody (or only the LA) now refuse an actor without permission, and write
nothing when they do: a practitioner of another team, or staff of another local authority."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from casework.audit.models import AuditEvent
from casework.fortnightly import services as fortnightly
from casework.risk import services as risk
from casework.risk.models import RerateTrigger
from casework.safeguarding import services
from casework.safeguarding.models import Deadline, Referral, SeriousIncident
from domain.fortnightly import fortnight_ending

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = date(2020, 7, 1)


def outsiders(world, other_world):
    """Another team's social worker (cannot open Jonathan's record) and another LA's head of service."""
    return [world.users["sw_south"], other_world.users["hos"]]


@pytest.fixture
def incident(world):
    return services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2020, 5, 2),
        aware_on=date(2020, 5, 4),
        summary="Injury",
        seriously_injured=True,
        today=TODAY,
    )


def snapshot(incident):
    """Everything these services write: the incident, its deadlines and the audit."""
    row = SeriousIncident.objects.filter(pk=incident.pk).values().get()
    deadlines = sorted(Deadline.objects.filter(subject_type="incident").values_list("rule_id", "met_on"))
    return row, deadlines, AuditEvent.objects.count()


def refused(call, incident, actor):
    before = snapshot(incident)
    with pytest.raises(PermissionDenied):
        call(actor)
    assert snapshot(incident) == before


def test_notifying_the_panel_is_refused_to_someone_who_cannot_open_the_childs_record(
    world, other_world, incident
):
    for actor in outsiders(world, other_world):
        refused(
            lambda a: services.incident_notify(
                actor=a, incident=incident, notified_on=date(2020, 5, 11), today=TODAY
            ),
            incident,
            actor,
        )
    services.incident_notify(
        actor=world.users["tm"], incident=incident, notified_on=date(2020, 5, 11), today=TODAY
    )
    assert SeriousIncident.objects.get(pk=incident.pk).notified_on == date(2020, 5, 11)


def test_setting_the_rapid_review_pace_is_refused_to_an_outsider(world, other_world, incident):
    for actor in outsiders(world, other_world):
        refused(
            lambda a: services.incident_set_pace(
                actor=a, incident=incident, pace="local", reason="Staff off"
            ),
            incident,
            actor,
        )


def test_the_review_decision_and_its_publication_are_refused_to_an_outsider(world, other_world, incident):
    services.incident_notify(
        actor=world.users["tm"], incident=incident, notified_on=date(2020, 5, 11), today=TODAY
    )
    for actor in outsiders(world, other_world):
        refused(
            lambda a: services.incident_review_decide(
                actor=a, incident=incident, decision="yes", decided_on=date(2020, 6, 1), today=TODAY
            ),
            incident,
            actor,
        )
    services.incident_review_decide(
        actor=world.users["tm"], incident=incident, decision="yes", decided_on=date(2020, 6, 1), today=TODAY
    )
    for actor in outsiders(world, other_world):
        refused(
            lambda a: services.incident_review_published(
                actor=a, incident=incident, published_on=date(2020, 6, 20), today=TODAY
            ),
            incident,
            actor,
        )


def test_a_referral_is_decided_only_by_someone_who_may_open_it(world, other_world):
    now = datetime(2020, 7, 1, 17, tzinfo=LONDON)
    referral = services.referral_record(
        actor=world.users["bs"],
        children=[world.children["jon"]],
        received_at=datetime(2020, 6, 30, 9, tzinfo=LONDON),
        source="2A",
        concerns="Bruising seen at school",
        consent="given",
        now=now,
    )
    audit = AuditEvent.objects.count()
    for actor in outsiders(world, other_world):
        with pytest.raises(PermissionDenied):
            services.referral_decide(
                actor=actor,
                referral=referral,
                decision="assessment",
                reason="Needs assessment",
                decided_at=datetime(2020, 7, 1, 11, tzinfo=LONDON),
                now=now,
            )
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.decision, fresh.decided_by) == ("", None)
    assert not Deadline.objects.filter(rule_id="assessment.completion").exists()
    assert AuditEvent.objects.count() == audit


def test_the_fortnightly_return_is_downloaded_only_by_leaders_and_analysts(world, other_world):
    period = fortnight_ending(date(2020, 5, 3))
    audit = AuditEvent.objects.count()
    for actor in (world.users["sw"], world.users["tm"], other_world.users["admin"]):
        with pytest.raises(PermissionDenied):
            fortnightly.return_csv(actor=actor, period=period)
        with pytest.raises(PermissionDenied):
            fortnightly.return_xlsx(actor=actor, period=period)
    assert AuditEvent.objects.count() == audit
    assert fortnightly.return_csv(actor=world.users["analyst"], period=period)
    assert AuditEvent.objects.count() == audit + 1


def test_another_las_staff_cannot_queue_a_rerating(world, other_world):
    child = world.children["jon"]
    with pytest.raises(PermissionDenied):
        risk.trigger_rerating(
            actor=other_world.users["hos"], child=child, reason="new_referral", occurred_on=TODAY
        )
    assert not RerateTrigger.objects.filter(child=child).exists()
