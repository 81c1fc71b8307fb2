"""Front door, meetings and serious incidents: their deadlines come from the one engine."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from casework.decisions.models import Departure
from casework.safeguarding import services
from casework.safeguarding.models import Deadline, Meeting, SeriousIncident

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def dl(rule_id):
    return Deadline.objects.get(rule_id=rule_id)


def test_a_referral_is_decided_within_one_working_day_and_an_assessment_then_runs_45(world):
    now = datetime(2020, 12, 31, 17, tzinfo=LONDON)
    referral = services.referral_record(
        actor=world.users["bs"],
        children=[world.children["jon"]],
        received_at=datetime(2020, 12, 24, 9, tzinfo=LONDON),
        source="2A",
        concerns="Bruising seen at school",
        consent="given",
        now=now,
    )
    assert dl("referral.decision").due_on == date(2020, 12, 29)
    services.referral_decide(
        actor=world.users["tm"],
        referral=referral,
        decision="assessment",
        reason="Needs assessment",
        decided_at=datetime(2020, 12, 29, 11, tzinfo=LONDON),
        now=now,
    )
    assert dl("referral.decision").met_on == date(2020, 12, 29)
    # 45 working days from Thu 24 Dec 2020: 29-31 Dec (3), Jan 2021 from the 4th (20 working days: 23),
    # February (20: 43), 1 and 2 March (45).
    assert dl("assessment.completion").due_on == date(2021, 3, 2)


def test_a_referral_in_the_future_or_about_nobody_is_refused(world):
    now = datetime(2020, 3, 2, 9, tzinfo=LONDON)
    with pytest.raises(ValidationError) as err:
        services.referral_record(
            actor=world.users["bs"],
            children=[],
            received_at=datetime(2020, 3, 3, tzinfo=LONDON),
            source="6",
            concerns="",
            consent="given",
            now=now,
        )
    assert set(err.value.message_dict) == {"children", "received_at", "concerns"}


def test_strategy_then_initial_conference_then_review(world, today):
    child = world.children["jon"]
    services.meeting_record(
        actor=world.users["tm"],
        child=child,
        kind="strategy",
        held_on=date(2020, 4, 20),
        today=today,
        section47_initiated=True,
        remote=True,
        agencies_invited=["police", "health"],
        agencies_present=["police"],
    )
    assert dl("icpc.convene").due_on == date(2020, 5, 12)
    icpc = services.meeting_record(
        actor=world.users["tm"], child=child, kind="icpc", held_on=date(2020, 5, 11), today=today, remote=True
    )
    assert dl("icpc.convene").met_on == date(2020, 5, 11)
    assert dl("cp.first_review").due_on == date(2020, 8, 11)
    assert icpc.remote


def test_a_conference_before_the_strategy_discussion_is_refused(world, today):
    child = world.children["jon"]
    services.meeting_record(
        actor=world.users["tm"],
        child=child,
        kind="strategy",
        held_on=date(2020, 4, 20),
        today=today,
        section47_initiated=True,
    )
    with pytest.raises(ValidationError) as err:
        services.meeting_record(
            actor=world.users["tm"], child=child, kind="icpc", held_on=date(2020, 4, 1), today=today
        )
    assert "cannot be before the strategy discussion" in err.value.message_dict["held_on"][0]
    assert Meeting.objects.filter(kind="icpc").count() == 0


def test_a_late_conference_needs_a_reason_and_is_logged_as_a_departure(world, today):
    child = world.children["jon"]
    services.meeting_record(
        actor=world.users["tm"],
        child=child,
        kind="strategy",
        held_on=date(2020, 4, 20),
        today=today,
        section47_initiated=True,
    )
    with pytest.raises(ValidationError) as err:
        services.meeting_record(
            actor=world.users["tm"], child=child, kind="icpc", held_on=date(2020, 5, 20), today=today
        )
    assert "due by 12 May 2020" in err.value.message_dict["late_reason"][0]
    services.meeting_record(
        actor=world.users["tm"],
        child=child,
        kind="icpc",
        held_on=date(2020, 5, 20),
        today=today,
        late_reason="Police could not attend until the 20th",
    )
    departure = Departure.objects.get(requirement="icpc.convene")
    assert departure.rationale == "Police could not attend until the 20th"


def test_a_serious_incident_has_its_notification_and_rapid_review_deadlines(world, today):
    incident = services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2020, 5, 2),
        aware_on=date(2020, 5, 4),
        summary="Injury",
        seriously_injured=True,
        today=today,
    )
    assert dl("sin.notification").due_on == date(2020, 5, 12)  # never relaxed; VE Day skipped
    services.incident_notify(
        actor=world.users["tm"], incident=incident, notified_on=date(2020, 5, 11), today=today
    )
    assert dl("sin.notification").met_on == date(2020, 5, 11)
    # 15 working days from Mon 11 May 2020: the 25 May bank holiday is skipped.
    assert dl("rapid_review.completion").due_on == date(2020, 6, 2)


def test_awareness_before_the_incident_and_notification_without_a_date_are_refused(world, today):
    with pytest.raises(ValidationError) as err:
        services.incident_record(
            actor=world.users["tm"],
            child=world.children["jon"],
            occurred_on=date(2020, 5, 4),
            aware_on=date(2020, 5, 2),
            summary="x",
            today=today,
        )
    assert "aware_on" in err.value.message_dict
    incident = services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2020, 5, 2),
        aware_on=date(2020, 5, 4),
        summary="x",
        today=today,
    )
    with pytest.raises(ValidationError):
        services.incident_notify(actor=world.users["tm"], incident=incident, notified_on=None, today=today)


def test_local_pace_needs_a_reason_and_is_refused_when_the_review_must_be_expedited(world, today):
    incident = services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2020, 5, 2),
        aware_on=date(2020, 5, 4),
        summary="Death",
        child_died=True,
        covid_strongly_related=True,
        today=today,
    )
    assert incident.rapid_review_pace == SeriousIncident.Pace.EXPEDITED
    with pytest.raises(ValidationError):
        services.incident_set_pace(
            actor=world.users["tm"], incident=incident, pace="local", reason="Staff off"
        )


def test_recompute_changes_only_what_a_new_calendar_changes(world, today):
    services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2020, 5, 2),
        aware_on=date(2020, 5, 4),
        summary="x",
        today=today,
    )
    assert services.recompute_deadlines(la_id=world.la.pk) == 0
    Deadline.objects.update(due_on=date(2020, 5, 11))
    assert services.recompute_deadlines(la_id=world.la.pk) == 1
    assert dl("sin.notification").due_on == date(2020, 5, 12)


def test_the_deadlines_page_groups_and_cites_sources(client, world, today):
    services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2020, 5, 2),
        aware_on=date(2020, 5, 4),
        summary="x",
        today=today,
    )
    client.force_login(world.users["tm"])
    page = client.get("/deadlines/").content.decode()
    assert "Overdue (1)" in page
    assert "Children Act 2004 s16C" in page
    client.force_login(world.users["sw_south"])
    assert "Overdue (0)" in client.get("/deadlines/").content.decode()


def test_recording_an_incident_in_the_browserless_journey_shows_its_two_deadlines(client, world, today):
    client.force_login(world.users["tm"])
    child = world.children["jon"]
    response = client.post(
        f"/children/{child.pk}/incidents/new",
        {
            "occurred_on_0": "2",
            "occurred_on_1": "11",
            "occurred_on_2": "2026",
            "aware_on_0": "16",
            "aware_on_1": "11",
            "aware_on_2": "2026",
            "summary": "Serious injury",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    incident = page.context["incident"]
    client.post(
        f"/incidents/{incident.pk}/",
        {
            "notify": "1",
            "notify-notified_on_0": "19",
            "notify-notified_on_1": "11",
            "notify-notified_on_2": "2026",
        },
    )
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Serious incident notified" in page
    assert "Rapid review completed" in page


def test_an_incident_aware_before_it_happened_keeps_the_entries(client, world):
    client.force_login(world.users["tm"])
    page = client.post(
        f"/children/{world.children['jon'].pk}/incidents/new",
        {
            "occurred_on_0": "16",
            "occurred_on_1": "11",
            "occurred_on_2": "2026",
            "aware_on_0": "2",
            "aware_on_1": "11",
            "aware_on_2": "2026",
            "summary": "kept summary",
        },
    ).content.decode()
    assert "cannot have become aware of the incident before it happened" in page
    assert "kept summary" in page


def test_deadline_alerts_warn_two_working_days_ahead_and_when_missed(world):
    from casework.core.models import Alert
    from casework.safeguarding.alerts import deadline_alerts

    services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2026, 11, 16),
        aware_on=date(2026, 11, 16),
        summary="x",
        today=date(2026, 11, 18),
    )
    # Due Mon 23 Nov 2026. On Thu 19 Nov, 2 working days ahead is Mon 23: warned once.
    assert deadline_alerts(la_id=world.la.pk, today=date(2026, 11, 19)) == 1
    assert deadline_alerts(la_id=world.la.pk, today=date(2026, 11, 20)) == 0
    assert deadline_alerts(la_id=world.la.pk, today=date(2026, 11, 24)) == 1
    assert Alert.objects.filter(recipient=world.users["tm"], kind="deadline_missed").exists()


def test_siblings_referred_together_each_get_their_own_assessment_deadline(world):
    now = datetime(2020, 3, 10, 17, tzinfo=LONDON)
    referral = services.referral_record(
        actor=world.users["bs"],
        children=[world.children["jon"], world.children["amira"]],
        received_at=datetime(2020, 3, 2, 9, tzinfo=LONDON),
        source="6",
        concerns="Police call-out",
        consent="given",
        now=now,
    )
    services.referral_decide(
        actor=world.users["tm"],
        referral=referral,
        decision="assessment",
        reason="Assess",
        decided_at=datetime(2020, 3, 3, 9, tzinfo=LONDON),
        now=now,
    )
    rows = Deadline.objects.filter(rule_id="assessment.completion")
    assert {d.child.first_name for d in rows} == {"Jonathan", "Amira"}
    assert {d.due_on for d in rows} == {date(2020, 5, 6)}


def test_a_local_review_decision_starts_the_six_month_publication_deadline(world, today):
    incident = services.incident_record(
        actor=world.users["tm"],
        child=world.children["jon"],
        occurred_on=date(2020, 8, 1),
        aware_on=date(2020, 8, 3),
        summary="x",
        today=today,
    )
    services.incident_notify(
        actor=world.users["tm"], incident=incident, notified_on=date(2020, 8, 5), today=today
    )
    with pytest.raises(ValidationError) as err:
        services.incident_review_decide(
            actor=world.users["hos"],
            incident=incident,
            decision="yes",
            decided_on=date(2020, 8, 31),
            dfe_told_on=date(2020, 8, 30),
            today=today,
        )
    assert "dfe_told_on" in err.value.message_dict
    services.incident_review_decide(
        actor=world.users["hos"],
        incident=incident,
        decision="yes",
        decided_on=date(2020, 8, 31),
        dfe_told_on=date(2020, 9, 2),
        rapid_review_completed_on=date(2020, 8, 24),
        today=today,
    )
    assert dl("lcspr.publication").due_on == date(2021, 2, 28)
    assert dl("rapid_review.completion").met_on == date(2020, 8, 24)
    services.incident_review_published(
        actor=world.users["hos"], incident=incident, published_on=date(2021, 2, 26), today=today
    )
    assert dl("lcspr.publication").met_on == date(2021, 2, 26)


def test_looked_after_reviews_follow_reg_33(world, today):
    from casework.children import services as child_services

    child = world.children["jon"]
    child_services.legal_status_add(
        actor=world.users["bs"],
        child=child,
        kind="lac",
        lac_legal_status="C1",
        starts_on=date(2020, 3, 2),
        today=today,
    )
    assert dl("lac.first_review").due_on == date(2020, 3, 30)
    services.meeting_record(
        actor=world.users["tm"],
        child=child,
        kind="lac_review",
        held_on=date(2020, 3, 27),
        today=today,
        remote=True,
    )
    assert dl("lac.first_review").met_on == date(2020, 3, 27)
    assert dl("lac.second_review").due_on == date(2020, 6, 27)
    services.meeting_record(
        actor=world.users["tm"], child=child, kind="lac_review", held_on=date(2020, 6, 20), today=today
    )
    # Held under SI 2020/445: the next review "where reasonably practicable", tracked against 20 December.
    later = dl("lac.subsequent_review")
    assert later.due_on is None
    assert later.as_soon_as_reasonably_practicable
    assert later.normal_due_on == date(2020, 12, 20)
