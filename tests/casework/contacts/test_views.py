"""The practitioner's worklist, recording a contact, the child page summary and alerts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.children.models import Child, LegalStatus
from casework.contacts import services
from casework.contacts.due import refresh_due_states
from casework.contacts.models import Contact, DueState
from casework.contacts.selectors import worklist_for_user
from casework.core import clock
from casework.core.models import Alert
from casework.risk import services as risk
from tests.conftest import make_child

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def rate(world, key="jon", rating="amber", actor="sw"):
    child = world.children[key]
    today = clock.today()
    plan = risk.rating_advice(child=child, rating=rating, factors=[], today=today).proposal.plan
    return risk.rating_submit(
        actor=world.users[actor],
        child=child,
        rating=rating,
        factors=[],
        rationale="x",
        plan=plan,
        today=today,
    )


def contact_form(**overrides):
    day = clock.today() - timedelta(days=1)
    data = {
        "occurred_on_0": str(day.day),
        "occurred_on_1": str(day.month),
        "occurred_on_2": str(day.year),
        "occurred_time": "10:30",
        "mode": "home",
        "child_seen": "yes",
        "child_seen_alone": "yes",
        "bedroom_seen": "yes",
        "who_was_seen": "Jonathan and his mother",
        "outcome": "Seen at home; all well",
    }
    data.update(overrides)
    return data


def add_children(world, n):
    for _ in range(n):
        i = sum(1 for key in world.children if key.startswith("extra"))
        child = make_child(
            world, f"extra{i}", f"Extra{i}", "Child", team=world.teams["north"], worker=world.users["sw"]
        )
        LegalStatus.objects.create(
            la=world.la, child=child, kind="cp", cp_category="NEG", starts_on=date(2020, 1, 6)
        )


def test_the_worklist_puts_red_and_overdue_first_and_shows_unrated_children(world):
    sw = world.users["sw"]
    add_children(world, 2)
    rate(world, "extra0", "red")
    refresh_due_states(la_id=world.la.pk, today=clock.today(), child_ids=[world.children["extra0"].pk])
    worklist = worklist_for_user(user=sw, today=clock.today())
    names = [row.child.first_name for group in worklist.groups for row in group.rows]
    assert worklist.total == 3
    assert names[0] == "Extra0"  # red comes first
    assert {"Jonathan", "Extra1"} <= set(names)  # no due state row yet: still listed, as not yet rated
    assert worklist.groups[-1].key == "not_rated"


def worklist_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/worklist/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_worklist_page_issues_a_fixed_number_of_queries_whatever_the_caseload(client, world):
    client.force_login(world.users["sw"])
    add_children(world, 2)
    rate(world, "extra0", "red")
    before = worklist_queries(client)
    add_children(world, 15)
    for i in range(1, 8):
        rate(world, f"extra{i}", "amber")
    refresh_due_states(la_id=world.la.pk, today=clock.today())
    after = worklist_queries(client)
    assert after == before
    assert before <= 8


def test_the_worklist_selector_takes_two_queries(world, django_assert_num_queries):
    sw = world.users["sw"]
    with django_assert_num_queries(2):
        worklist_for_user(user=sw, today=clock.today())
    add_children(world, 10)
    refresh_due_states(la_id=world.la.pk, today=clock.today())
    with django_assert_num_queries(2):
        assert worklist_for_user(user=sw, today=clock.today()).total == 11


def test_the_worklist_page_lists_the_childs_actions(client, world):
    client.force_login(world.users["sw"])
    rate(world)
    page = client.get("/worklist/").content.decode()
    jon = world.children["jon"]
    assert "Jonathan Smith" in page
    assert f'href="/children/{jon.pk}/contacts/new"' in page
    assert f'href="/children/{jon.pk}/rating"' in page
    assert "govuk-tag--orange" in page  # amber
    assert "Amira" not in page  # allocated to someone else


def test_a_home_visit_is_recorded_in_london_time_and_shown_on_the_child_page(client, world):
    client.force_login(world.users["sw"])
    rate(world)
    jon = world.children["jon"]
    response = client.post(f"/children/{jon.pk}/contacts/new", contact_form())
    assert response.status_code == 302
    assert response["Location"] == f"/children/{jon.pk}/"
    contact = Contact.objects.get(child=jon)
    assert contact.occurred_at.astimezone(LONDON).timetz().replace(tzinfo=None).isoformat() == "10:30:00"
    assert contact.child_seen_alone is True
    assert DueState.objects.get(child=jon).last_face_to_face_on == clock.today() - timedelta(days=1)
    page = client.get(response["Location"]).content.decode()
    assert "Contact with Jonathan Smith recorded" in page
    assert "Face to face in the home" in page


def test_the_contact_form_shows_one_warning_and_says_when_the_covid_status_is_not_known(client, world):
    client.force_login(world.users["sw"])
    page = client.get(f"/children/{world.children['jon'].pk}/contacts/new").content.decode()
    assert page.count("your manager is alerted") == 1
    assert "Household COVID-19 status:\n        not recorded" in page
    assert "PPE is not required" not in page
    assert "it is not known whether PPE is needed" in page
    # Each section says when it applies, for the browser to show only what applies (all without JavaScript).
    assert 'data-app-shown-when="mode:home,doorstep,elsewhere"' in page
    assert 'data-app-shown-when="mode:video,phone"' in page
    assert 'data-aria-controls="conditional-access-refused"' in page


def test_answers_in_a_section_that_does_not_apply_are_not_saved(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    response = client.post(
        f"/children/{jon.pk}/contacts/new",
        contact_form(
            remote_reason="not_reasonably_practicable_covid",
            technology="WhatsApp",
            refusal_reason="Typed before unticking",
        ),
    )
    assert response.status_code == 302
    contact = Contact.objects.get(child=jon)
    assert contact.remote_reason == ""
    assert contact.technology == ""
    assert contact.refusal_reason == ""


def test_a_contact_in_the_future_is_refused_and_the_entries_kept(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    tomorrow = clock.today() + timedelta(days=1)
    page = client.post(
        f"/children/{jon.pk}/contacts/new",
        contact_form(
            occurred_on_0=str(tomorrow.day),
            occurred_on_1=str(tomorrow.month),
            occurred_on_2=str(tomorrow.year),
        ),
    ).content.decode()
    assert "There is a problem" in page
    assert f'href="#id_occurred_on_0">{services.CONTACT_IN_FUTURE}' in page
    assert 'value="Jonathan and his mother"' in page
    assert "Seen at home; all well" in page
    assert not Contact.objects.exists()


def test_a_time_that_is_not_a_time_is_explained(client, world):
    client.force_login(world.users["sw"])
    page = client.post(
        f"/children/{world.children['jon'].pk}/contacts/new", contact_form(occurred_time="25:99")
    ).content.decode()
    assert "Enter the time of the contact in 24-hour format" in page
    assert 'value="25:99"' in page


def test_video_is_offered_only_to_a_household_that_can_take_video_calls(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    page = client.get(f"/children/{jon.pk}/contacts/new").content.decode()
    assert 'value="video"' not in page
    assert "Video call is not offered" in page
    jon.household.video_calls = "yes"
    jon.household.save()
    page = client.get(f"/children/{jon.pk}/contacts/new").content.decode()
    assert 'value="video"' in page


def test_a_remote_statutory_visit_without_a_reason_is_refused_with_the_rules_message(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    LegalStatus.objects.create(
        la=world.la, child=jon, kind="lac", lac_legal_status="C2", starts_on=date(2021, 1, 6)
    )
    page = client.post(f"/children/{jon.pk}/contacts/new", contact_form(mode="phone")).content.decode()
    assert services.REASON_REQUIRED in page
    assert "statutory visit must be in person" in page
    assert not Contact.objects.exists()


def test_immediate_protection_alerts_the_manager_who_sees_a_banner_and_can_mark_it_read(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    client.post(f"/children/{jon.pk}/contacts/new", contact_form(immediate_protection="on"))
    alert = Alert.objects.get(recipient=world.users["tm"])
    client.force_login(world.users["tm"])
    home = client.get("/").content.decode()
    assert 'data-testid="alert-banner"' in home
    assert "Immediate protection" in home
    assert "You have 1 unread alert." in home
    assert "Mark as read" in client.get("/alerts/").content.decode()
    assert client.post(f"/alerts/{alert.pk}/read").status_code == 302
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert 'data-testid="alert-banner"' not in client.get("/").content.decode()


def test_after_flagging_immediate_protection_the_worker_sees_who_was_alerted_and_what_to_do(client, world):
    manager = world.users["tm"]
    manager.email = "tm@northshire.example"
    manager.save()
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    response = client.post(f"/children/{jon.pk}/contacts/new", contact_form(immediate_protection="on"))
    contact = Contact.objects.get(child=jon)
    assert response.status_code == 302
    assert response["Location"] == f"/children/{jon.pk}/contacts/{contact.pk}/protection"
    page = client.get(response["Location"]).content.decode()
    alert = Alert.objects.get(recipient=manager)
    when = timezone.localtime(alert.created_at)
    assert f"{manager.get_full_name()} (Team manager) at {when:%H:%M} on {when.day} {when:%B %Y}" in page
    assert "and an email to tm@northshire.example" in page
    assert "call the police on 999" in page
    assert "strategy discussion" in page
    assert 'data-testid="protection-not-acknowledged"' in page


def test_the_child_heads_the_managers_home_page_until_one_acknowledges(client, world):
    from casework.audit.models import AuditEvent

    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    client.post(f"/children/{jon.pk}/contacts/new", contact_form(immediate_protection="on"))
    contact = Contact.objects.get(child=jon)
    client.force_login(world.users["tm"])
    home = client.get("/").content.decode()
    assert 'data-testid="protection-open"' in home
    first_section = home.index('class="govuk-heading-m"')  # every other section of the page
    assert home.index('data-testid="protection-open"') < first_section
    assert "Jonathan Smith</a>" in home
    # The practitioner cannot acknowledge.
    client.force_login(world.users["sw"])
    assert client.post(f"/contacts/{contact.pk}/protection/acknowledge").status_code == 403
    client.force_login(world.users["hos"])
    assert 'data-testid="protection-open"' in client.get("/").content.decode()  # the LA-wide manager too
    response = client.post(f"/contacts/{contact.pk}/protection/acknowledge")
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.protection_acknowledged_by == world.users["hos"]
    assert AuditEvent.objects.filter(action="contact.protection_acknowledged", child=jon).count() == 1
    client.force_login(world.users["tm"])
    assert 'data-testid="protection-open"' not in client.get("/").content.decode()
    again = client.post(f"/contacts/{contact.pk}/protection/acknowledge", follow=True).content.decode()
    assert services.PROTECTION_ALREADY_ACKNOWLEDGED in again
    client.force_login(world.users["sw"])
    page = client.get(f"/children/{jon.pk}/contacts/{contact.pk}/protection").content.decode()
    assert f"{world.users['hos'].get_full_name()} acknowledged it" in page


def test_nobody_can_mark_someone_elses_alert_read(client, world):
    alert = Alert.objects.create(
        la=world.la, recipient=world.users["tm"], kind="x", message="For the manager"
    )
    client.force_login(world.users["sw"])
    assert client.post(f"/alerts/{alert.pk}/read").status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None


def test_a_child_outside_the_users_teams_is_not_found(client, world, other_world):
    client.force_login(world.users["sw_south"])
    assert client.get(f"/children/{world.children['jon'].pk}/contacts/new").status_code == 404
    client.force_login(other_world.users["sw"])
    assert (
        client.post(f"/children/{world.children['jon'].pk}/contacts/new", contact_form()).status_code == 404
    )
    assert not Contact.objects.exists()


def child_page_queries(client, child: Child) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/children/{child.pk}/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_child_page_shows_rating_plan_and_contacts_in_fixed_queries(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    rate(world)
    before = child_page_queries(client, jon)
    now = datetime.now(tz=LONDON)
    for i in range(25):
        services.contact_record(
            actor=world.users["sw"],
            child=jon,
            occurred_at=now - timedelta(days=i + 1),
            mode="home" if i % 2 else "doorstep",
            child_seen=True,
            child_seen_alone=bool(i % 3),
            outcome=f"Visit {i}",
        )
    rate(world, rating="red")
    assert child_page_queries(client, jon) == before
    page = client.get(f"/children/{jon.pk}/").content.decode()
    assert "Awaiting sign-off" in page
    # The latest few on the record page; the child's contacts page has the rest.
    from casework.contacts.selectors import RECENT_CONTACTS

    assert (
        page.count("Face to face on the doorstep") + page.count("Face to face in the home") == RECENT_CONTACTS
    )


def test_the_record_page_shows_the_latest_contacts_and_the_childs_contacts_page_has_every_one(client, world):
    from casework.audit.models import RecordAccess

    child = world.children["jon"]
    Contact.objects.bulk_create(
        Contact(
            la=world.la,
            child=child,
            occurred_at=datetime(2026, 1, 1, 10, tzinfo=LONDON) + timedelta(days=n),
            mode="phone",
            made_by=world.users["sw"],
            child_seen=True,
            outcome=f"Outcome number {n}",
            regime="normal",
        )
        for n in range(30)
    )
    client.force_login(world.users["sw"])
    record = client.get(f"/children/{child.pk}/").content.decode()
    assert record.count('data-testid="contacts"') == 1
    assert "30 January 2026" in record  # the newest
    assert "1 January 2026" not in record  # only the latest few on the record page
    assert f'href="/children/{child.pk}/contacts/"' in record

    first = client.get(f"/children/{child.pk}/contacts/").content.decode()
    assert "Showing 1 to 25 of 30 contacts" in first
    assert "Outcome number 29" in first
    assert "Outcome number 4<" not in first
    second = client.get(f"/children/{child.pk}/contacts/?page=2").content.decode()
    assert "Outcome number 4<" in second
    assert "Outcome number 0<" in second
    download = b"".join(client.get(f"/children/{child.pk}/contacts/?format=csv").streaming_content).decode()
    assert all(f"Outcome number {n}\r\n" in download or f"Outcome number {n}," in download for n in range(30))

    views = RecordAccess.objects.filter(child_ref=child.pk, path=f"/children/{child.pk}/contacts/")
    assert views.filter(outcome="viewed").count() == 3
    client.force_login(world.users["sw_south"])  # another team's practitioner
    assert client.get(f"/children/{child.pk}/contacts/").status_code == 404
    assert client.get(f"/children/{child.pk}/contacts/?format=csv").status_code == 404
    assert views.filter(outcome="refused").count() == 2
