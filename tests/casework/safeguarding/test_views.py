"""The front door, the information-sharing log and the child page's meetings and deadlines, as pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import AuditEvent
from casework.safeguarding import services
from casework.safeguarding.models import InformationShare, Referral

pytestmark = pytest.mark.django_db

# Mon 16 Nov 2026, 09:30 (GMT). Decision within 1 working day: Tue 17 Nov. Assessment within 45 working
# days, worked by hand: 17-20 Nov (4), 23-27 (9), 30 Nov-4 Dec (14), 7-11 (19), 14-18 (24), 21-24 Dec
# (28; Fri 25 Christmas), 29-31 Dec (31; Mon 28 the Boxing Day substitute), 4-8 Jan 2027 (36; Fri 1 Jan a
# bank holiday), 11-15 (41), 18-21 Jan (45): Thu 21 Jan 2027.
REFERRAL = {
    "received_on_0": "16",
    "received_on_1": "11",
    "received_on_2": "2026",
    "received_time": "09:30",
    "source": "2A",
    "source_detail": "Head teacher, Testtown Primary",
    "concerns": "Bruising seen at school",
    "consent": "given",
}
DECISION = {
    "decision": "assessment",
    "decision_reason": "Needs a child and family assessment",
    "decided_on_0": "17",
    "decided_on_1": "11",
    "decided_on_2": "2026",
    "decided_time": "10:15",
}


def record_referral(client, child):
    response = client.post(f"/referrals/new?child={child.pk}", {**REFERRAL, "children": [child.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Referral.objects.get()


def test_a_referral_is_recorded_from_the_child_page_and_decided_with_its_deadlines(client, world):
    jon = world.children["jon"]
    client.force_login(world.users["sw"])
    page = client.get(f"/children/{jon.pk}/").content.decode()
    assert f"/referrals/new?child={jon.pk}" in page
    form = client.get(f"/referrals/new?child={jon.pk}").content.decode()
    assert "Jonathan Smith" in form
    assert f'value="{jon.pk}"' in form
    assert "checked" in form

    referral = record_referral(client, jon)
    assert referral.received_at.hour == 9
    assert referral.received_at.minute == 30
    assert list(referral.children.all()) == [jon]
    detail = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Decision on a referral" in detail
    assert "Tuesday 17 November 2026" in detail
    assert "Working Together to Safeguard Children 2018, chapter 1" in detail
    assert "Rules in force: Normal statutory rules" in detail

    front_door = client.get("/referrals/").content.decode()
    assert "Awaiting a decision (1)" in front_door
    assert "Overdue" in front_door  # today is after Tue 17 Nov 2026

    response = client.post(f"/referrals/{referral.pk}/", DECISION)
    assert response.status_code == 302
    detail = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Child and family assessment" in detail
    assert "Child and family assessment completed" in detail
    assert "Thursday 21 January 2027" in detail
    assert "DfE CIN census validation rule 8670Q" in detail
    assert "Met 17 November 2026" in detail
    front_door = client.get("/referrals/").content.decode()
    assert "Awaiting a decision (0)" in front_door
    assert "Needs a child and family assessment" not in front_door
    assert "Child and family assessment" in front_door


def test_the_front_door_lists_the_oldest_awaiting_referral_first(client, world):
    client.force_login(world.users["tm"])
    jon, amira = world.children["jon"], world.children["amira"]
    client.post(
        f"/referrals/new?child={amira.pk}", {**REFERRAL, "received_time": "15:00", "children": [amira.pk]}
    )
    client.post(f"/referrals/new?child={jon.pk}", {**REFERRAL, "children": [jon.pk]})
    page = client.get("/referrals/").content.decode()
    assert page.index("Jonathan Smith") < page.index("Amira Khan")


def test_a_referral_can_be_about_several_children_found_with_the_search(client, world):
    client.force_login(world.users["tm"])
    jon, amira = world.children["jon"], world.children["amira"]
    page = client.get(f"/referrals/new?child={jon.pk}&q=Amira").content.decode()
    assert "Amira Khan" in page
    assert "Jonathan Smith" in page
    response = client.post(
        f"/referrals/new?child={jon.pk}&q=Amira", {**REFERRAL, "children": [jon.pk, amira.pk]}
    )
    assert response.status_code == 302
    assert set(Referral.objects.get().children.all()) == {jon, amira}


def test_bad_referral_input_is_refused_and_the_entries_kept(client, world):
    jon = world.children["jon"]
    client.force_login(world.users["sw"])
    page = client.post(
        f"/referrals/new?child={jon.pk}",
        {**REFERRAL, "received_time": "25:99", "concerns": "kept concerns", "children": [jon.pk]},
    ).content.decode()
    assert "There is a problem" in page
    assert "must be a real time" in page
    assert "kept concerns" in page
    assert "Head teacher, Testtown Primary" in page
    page = client.post(
        f"/referrals/new?child={jon.pk}",
        {**REFERRAL, "received_on_2": "2099", "concerns": "kept concerns"},
    ).content.decode()
    assert "must be today or in the past" in page
    assert "Select the child or children" in page
    assert 'href="#id_received_on_0"' in page
    assert "kept concerns" in page
    assert Referral.objects.count() == 0


def test_a_decision_before_the_referral_is_refused_and_the_entries_kept(client, world):
    client.force_login(world.users["sw"])
    referral = record_referral(client, world.children["jon"])
    page = client.post(
        f"/referrals/{referral.pk}/", {**DECISION, "decided_on_0": "15", "decision_reason": "kept reason"}
    ).content.decode()
    assert "There is a problem" in page
    assert "cannot be before the referral was received" in page
    assert "kept reason" in page
    referral.refresh_from_db()
    assert referral.decision == ""


def test_another_teams_or_las_referral_and_child_are_not_found(client, world, other_world):
    jon = world.children["jon"]
    client.force_login(world.users["sw"])
    # A child the user cannot see, ticked by hand, is refused.
    page = client.post("/referrals/new", {**REFERRAL, "children": [world.children["south"].pk]})
    assert "Select a valid choice" in page.content.decode()
    referral = record_referral(client, jon)
    client.force_login(world.users["sw_south"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/referrals/{referral.pk}/", DECISION).status_code == 404
    assert client.get(f"/referrals/new?child={jon.pk}").status_code == 404
    assert "Jonathan Smith" not in client.get("/referrals/").content.decode()
    for path in (f"/children/{jon.pk}/information-sharing/", f"/children/{jon.pk}/information-sharing/new"):
        assert client.get(path).status_code == 404
    client.force_login(other_world.users["hos"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/referrals/new?child={jon.pk}").status_code == 404
    assert client.get(f"/children/{jon.pk}/information-sharing/").status_code == 404
    assert "Jonathan Smith" not in client.get("/referrals/").content.decode()
    client.force_login(world.users["admin"])
    assert client.get("/referrals/").status_code == 403


def test_front_door_is_in_the_navigation_of_those_who_can_search(client, world):
    client.force_login(world.users["sw"])
    assert 'href="/referrals/"' in client.get("/").content.decode()
    client.force_login(world.users["admin"])
    assert 'href="/referrals/"' not in client.get("/").content.decode()


# --- Information sharing --------------------------------------------------------------------------------


def share(world, **overrides):
    values = {
        "actor": world.users["sw"],
        "child": world.children["jon"],
        "shared_on": date(2026, 11, 18),
        "what": "Concerns about bruising",
        "with_agency": "police",
        "with_person": "DC Jones, MASH",
        "lawful_basis": "public_task",
        "without_consent": False,
        "reason": "",
        "today": date(2026, 11, 20),
    }
    return services.information_share_record(**{**values, **overrides})


def test_information_shared_is_logged_with_who_decided_and_audited(world):
    item = share(world)
    assert item.decided_by == world.users["sw"]
    assert AuditEvent.objects.filter(action="information.shared", child=world.children["jon"]).exists()


def test_sharing_without_consent_needs_a_reason_and_a_basis_other_than_consent(world):
    with pytest.raises(ValidationError) as err:
        share(world, without_consent=True, lawful_basis="consent")
    assert set(err.value.message_dict) == {"lawful_basis", "reason"}
    with pytest.raises(ValidationError) as err:
        share(world, shared_on=date(2026, 11, 21), what=" ")
    assert set(err.value.message_dict) == {"shared_on", "what"}
    item = share(
        world, without_consent=True, lawful_basis="safeguarding", reason="Asking would put her at risk"
    )
    assert item.without_consent


def test_sharing_about_a_child_the_user_cannot_see_is_refused(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        share(world, child=world.children["south"])
    assert InformationShare.objects.count() == 0


def test_information_sharing_pages_per_child_and_per_agency(client, world):
    jon = world.children["jon"]
    client.force_login(world.users["sw"])
    page = client.post(
        f"/children/{jon.pk}/information-sharing/new",
        {
            "shared_on_0": "18",
            "shared_on_1": "11",
            "shared_on_2": "2026",
            "what": "kept what",
            "with_agency": "police",
            "with_person": "DC Jones",
            "lawful_basis": "consent",
            "without_consent": "on",
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "lawful basis other than consent" in page
    assert "why the information was shared without consent" in page
    assert "kept what" in page
    assert "DC Jones" in page
    response = client.post(
        f"/children/{jon.pk}/information-sharing/new",
        {
            "shared_on_0": "18",
            "shared_on_1": "11",
            "shared_on_2": "2026",
            "what": "Bruising seen at school",
            "with_agency": "police",
            "with_person": "DC Jones",
            "lawful_basis": "safeguarding",
            "without_consent": "on",
            "reason": "Seeking consent would put the child at risk",
        },
    )
    assert response.status_code == 302
    share(world, with_agency="health", what="Health visitor told of the referral")
    page = client.get(f"/children/{jon.pk}/information-sharing/").content.decode()
    assert "Bruising seen at school" in page
    assert "without consent" in page
    assert "Health visitor told of the referral" in page
    page = client.get("/information-sharing/?agency=police").content.decode()
    assert "Bruising seen at school" in page
    assert "Health visitor told of the referral" not in page
    client.force_login(world.users["sw_south"])
    assert "Bruising seen at school" not in client.get("/information-sharing/?agency=police").content.decode()


# --- The child's record page ----------------------------------------------------------------------------


def test_the_child_page_shows_meetings_and_deadlines_with_their_sources(client, world, today):
    jon = world.children["jon"]
    services.meeting_record(
        actor=world.users["tm"],
        child=jon,
        kind="strategy",
        held_on=date(2020, 4, 20),
        today=today,
        section47_initiated=True,
        remote=True,
        agencies_invited=["police", "health"],
        agencies_present=["police"],
        decisions="Section 47 enquiries to start",
    )
    client.force_login(world.users["sw"])
    page = client.get(f"/children/{jon.pk}/").content.decode()
    assert "Strategy discussion" in page
    assert "Remote" in page
    assert "Invited: Police, Health" in page
    assert "Present: Police" in page
    assert "Section 47 enquiries to start" in page
    assert "Initial child protection conference held" in page
    assert "Tuesday 12 May 2020" in page
    assert "DfE CIN census validation rule 8675Q" in page
