"""The oversight pages: sign-off, reallocation, the cohort, the decision log and the LA's settings."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.accounts import services as staff_services
from casework.children.models import Child, LegalStatus
from casework.contacts.due import refresh_due_states
from casework.decisions import services as decision_services
from casework.decisions.models import Departure
from casework.policy import services as policy_services
from casework.policy.models import EmergencyDeclaration, RagSettingsVersion
from casework.risk import services as risk_services
from casework.risk.models import RiskRating
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)


def rate(world, today, child_key="jon", actor="sw", rating="amber"):
    child = world.children[child_key]
    plan = risk_services.rating_advice(child=child, rating=rating, factors=[], today=today).proposal.plan
    return risk_services.rating_submit(
        actor=world.users[actor],
        child=child,
        rating=rating,
        factors=["domestic_abuse"],
        rationale="Domestic abuse disclosed; mother engaging",
        plan=plan,
        today=today,
        departure_rationale="Family shielding",
        departure_risk_assessment="School in daily contact",
    )


def team_url(world, key="north"):
    return f"/oversight/team/{world.teams[key].pk}/"


def test_a_manager_sees_a_rating_awaiting_sign_off_and_approves_it(client, world, today):
    record = rate(world, today)
    client.force_login(world.users["tm"])
    page = client.get(team_url(world)).content.decode()
    assert "Jonathan Smith" in page
    assert "Domestic abuse disclosed; mother engaging" in page
    assert "domestic_abuse" not in page
    response = client.post(f"/oversight/ratings/{record.pk}/decide", {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.decided_by) == ("approved", world.users["tm"])
    assert "Signed off the rating for Jonathan Smith" in client.get(team_url(world)).content.decode()


def test_the_sign_off_queue_is_the_highest_risk_first_then_the_longest_waiting(client, world, today):
    make_child(world, "red_new", "Rosa", "Newred", team=world.teams["north"], worker=world.users["sw"])
    make_child(world, "red_old", "Ruby", "Oldred", team=world.teams["north"], worker=world.users["sw"])
    rate(world, today - timedelta(days=9), child_key="jon", rating="green")
    rate(world, today - timedelta(days=5), child_key="amira", actor="sw2", rating="amber")
    rate(world, today - timedelta(days=1), child_key="red_new", rating="red")
    rate(world, today - timedelta(days=3), child_key="red_old", rating="red")
    client.force_login(world.users["tm"])
    page = client.get(team_url(world)).content.decode()
    assert "Ratings awaiting sign-off (4)" in page
    order = [page.index(name) for name in ("Ruby Oldred", "Rosa Newred", "Amira Khan", "Jonathan Smith")]
    assert order == sorted(order)


def test_a_rating_already_decided_is_reported_and_the_managers_comment_kept(client, world, today):
    record = rate(world, today)
    risk_services.rating_decide(
        actor=world.users["hos"], rating_id=record.pk, approve=True, comment="", today=today
    )
    client.force_login(world.users["tm"])
    response = client.post(
        f"/oversight/ratings/{record.pk}/decide",
        {"decision": "return", "comment": "Check school attendance first"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "This rating was already signed off by" in page
    assert "Check school attendance first</textarea>" in page
    record.refresh_from_db()
    assert record.decided_by == world.users["hos"]


def test_returning_needs_a_comment_and_own_work_is_refused(client, world, today):
    record = rate(world, today, actor="tm")
    client.force_login(world.users["tm"])
    page = client.post(f"/oversight/ratings/{record.pk}/decide", {"decision": "approve"}).content.decode()
    assert "You cannot sign off your own rating" in page
    other = rate(world, today, child_key="amira", actor="sw2")
    page = client.post(f"/oversight/ratings/{other.pk}/decide", {"decision": "return"}).content.decode()
    assert "Enter what needs to change before it can be signed off" in page
    assert RiskRating.objects.get(pk=other.pk).status == "awaiting"


def test_a_contact_departure_is_approved_from_the_team_page(client, world, today):
    departure = decision_services.departure_record(
        actor=world.users["sw"],
        child=world.children["jon"],
        requirement="cp.visit",
        required="Face to face every 10 working days",
        done_instead="Video call: household isolating",
        rationale="Household confirmed COVID-19",
        risk_assessment="Daily calls with the school",
        source="Local practice standard",
        today=today,
    )
    client.force_login(world.users["tm"])
    assert (
        "Video call: household isolating"
        in client.get(team_url(world) + "?section=departures").content.decode()
    )
    client.post(f"/oversight/departures/{departure.pk}/decide", {"decision": "approve", "comment": "Agreed"})
    departure.refresh_from_db()
    assert departure.status == "approved"


def test_practitioners_are_refused_and_another_las_team_is_not_found(client, world, other_world):
    client.force_login(world.users["sw"])
    assert client.get(team_url(world)).status_code == 403
    assert client.get("/oversight/").status_code == 403
    assert client.get("/oversight/sitrep").status_code == 403
    assert client.get("/decisions/").status_code == 403
    assert client.get("/policy/emergency").status_code == 403
    client.force_login(world.users["tm"])
    assert client.get(team_url(other_world)).status_code == 404
    assert client.get(team_url(world, "south")).status_code == 404
    assert client.get("/oversight/").status_code == 403
    client.force_login(world.users["analyst"])
    assert client.get("/oversight/").status_code == 200
    assert client.get(team_url(world)).status_code == 403


def sick(world, key, today):
    staff_services.absence_record(
        actor=world.users["tm"], user=world.users[key], status="sick", starts_on=today, today=today
    )


def test_a_sick_workers_child_is_reallocated_only_when_the_manager_confirms(client, world, today):
    sick(world, "sw", today)
    client.force_login(world.users["tm"])
    page = client.get(team_url(world) + "?section=reallocation").content.decode()
    assert 'Reallocate<span class="govuk-visually-hidden"> Jonathan Smith</span> to 901 Tester' in page
    jon = world.children["jon"]
    assert Child.objects.get(pk=jon.pk).allocated_worker == world.users["sw"]
    url = f"/oversight/team/{world.teams['north'].pk}/reallocate/{jon.pk}"
    response = client.post(url, {"to_worker": world.users["sw2"].pk})
    assert response.status_code == 302
    assert Child.objects.get(pk=jon.pk).allocated_worker == world.users["sw2"]


def test_reallocating_to_a_worker_who_is_off_is_refused_with_the_entries_kept(client, world, today):
    sick(world, "sw", today)
    sick(world, "sw2", today)
    client.force_login(world.users["tm"])
    url = f"/oversight/team/{world.teams['north'].pk}/reallocate/{world.children['jon'].pk}"
    page = client.post(url, {"to_worker": world.users["sw2"].pk, "reason": "Cover"}).content.decode()
    assert "is off sick" in page
    assert 'value="Cover"' in page
    assert Child.objects.get(pk=world.children["jon"].pk).allocated_worker == world.users["sw"]


def test_apply_all_needs_confirmation(client, world, today):
    sick(world, "sw", today)
    client.force_login(world.users["tm"])
    url = f"/oversight/team/{world.teams['north'].pk}/reallocate-all"
    page = client.post(url, {}).content.decode()
    assert "Confirm that every suggested reallocation should be applied" in page
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Child.objects.get(pk=world.children["jon"].pk).allocated_worker == world.users["sw2"]


# --- Fixed query counts --------------------------------------------------------------------------------


def grow(world, today, n, start):
    """n more open cases in the north team, rated, with an overdue due state, a departure and a trigger."""
    for i in range(start, start + n):
        child = make_child(
            world, f"extra{i}", f"Extra{i}", "Child", team=world.teams["north"], worker=world.users["sw"]
        )
        LegalStatus.objects.create(la=world.la, child=child, kind="cin", starts_on=date(2025, 1, 1))
        rate(world, today, child_key=f"extra{i}", rating=["red", "amber", "green"][i % 3])
        decision_services.departure_record(
            actor=world.users["sw"],
            child=child,
            requirement="cin.visit",
            required="Every 4 weeks",
            done_instead="Phone",
            rationale="Isolating",
            risk_assessment="School sees the child",
            source="Local",
            today=today,
        )
        risk_services.trigger_rerating(actor=None, child=child, reason="missed_school", occurred_on=today)
    refresh_due_states(la_id=world.la.pk, today=today + timedelta(days=60))


PAGES = [
    ("tm", lambda w: team_url(w)),
    *[
        ("tm", lambda w, section=section: f"{team_url(w)}?section={section}")
        for section in ("departures", "overdue", "reallocation", "queue")
    ],
    ("hos", lambda w: "/oversight/"),
    ("hos", lambda w: "/oversight/sitrep"),
    ("hos", lambda w: "/oversight/children/?rating=red&status=cin"),
    ("hos", lambda w: "/oversight/children/?measure=overdue"),
    ("hos", lambda w: "/decisions/"),
    ("hos", lambda w: "/decisions/export.csv"),
]


def count_queries(client, world):
    counts = {}
    for key, url in PAGES:
        client.force_login(world.users[key])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(world))
        assert response.status_code == 200, url(world)
        counts[url(world)] = len(ctx.captured_queries)
    return counts


def test_the_oversight_pages_issue_a_fixed_number_of_queries_whatever_the_data(client, world, today):
    policy_services.emergency_declare(
        actor=world.users["hos"],
        name="Local outbreak",
        starts_on=today - timedelta(days=7),
        rating_target_date=today + timedelta(days=14),
        reason="Staff isolating",
        today=today,
    )
    sick(world, "sw2", today)
    grow(world, today, 2, 0)
    small = count_queries(client, world)
    grow(world, today, 6, 2)
    assert count_queries(client, world) == small


# --- Cohort, sitrep, drill-down ---------------------------------------------------------------------------


def test_the_cohort_counts_children_by_rating_and_status_and_each_figure_drills_down(client, world, today):
    rate(world, today, rating="red")
    client.force_login(world.users["hos"])
    page = client.get("/oversight/").content.decode()
    assert 'href="/oversight/children/?rating=red&amp;status=cin">1</a>' in page
    drill = client.get("/oversight/children/?rating=red&status=cin").content.decode()
    assert "Jonathan Smith" in drill
    assert "Amira" not in drill
    assert "Jonathan Smith" not in client.get("/oversight/children/?rating=green&status=cin").content.decode()


def test_the_situation_report_is_marked_and_counts_children_of_staff_who_are_off_by_team(
    client, world, today
):
    sick(world, "sw", today)
    client.force_login(world.users["hos"])
    page = client.get("/oversight/sitrep").content.decode()
    assert "Official – Sensitive" in page
    # Printable: a print link (started by our static script, no inline script) and print styles.
    assert "data-app-print" in page
    assert "@media print" in (settings.BASE_DIR / "casework/core/static/continuity.css").read_text()
    assert "Generated" in page
    # Summarised, not listed: a count per team and rating, and the team's page (which names them) linked.
    assert "1 staff off today; 1 children are allocated to them." in page
    assert (
        f'href="/oversight/team/{world.teams["north"].pk}/?section=reallocation">North CIN team</a>' in page
    )
    assert "Jonathan Smith" not in page


def test_the_rerating_progress_counts_signed_off_awaiting_and_not_started(client, world, today):
    policy_services.emergency_declare(
        actor=world.users["hos"],
        name="Local outbreak",
        starts_on=today,
        rating_target_date=today + timedelta(days=10),
        reason="Staff isolating",
        today=today,
    )
    LegalStatus.objects.create(
        la=world.la, child=world.children["amira"], kind="cp", cp_category="PHY", starts_on=date(2025, 1, 1)
    )
    rate(world, today)
    client.force_login(world.users["tm"])
    assert "Re-rating exercise: Local outbreak" in client.get(team_url(world)).content.decode()
    page = client.get(team_url(world) + "?section=queue").content.decode()
    assert "Re-rating exercise: Local outbreak" in page
    assert "10 days left" in page
    progress = page.split('data-testid="rerate-progress"')[1].split("</section>")[0]
    assert "901 Tester" in progress
    assert EmergencyDeclaration.objects.count() == 1


# --- Decision log -------------------------------------------------------------------------------------


def record_departure(world, today, child="jon", actor="sw", rationale="Household shielding"):
    return decision_services.departure_record(
        actor=world.users[actor],
        child=world.children[child],
        requirement="cin.visit",
        required="Visit every 4 weeks",
        done_instead="Video call",
        rationale=rationale,
        risk_assessment="School in daily contact",
        source="Local practice standard",
        today=today,
    )


def test_the_decision_log_exports_the_filtered_departures_as_csv(client, world, other_world, today):
    approved = record_departure(world, today, rationale="Approved one")
    decision_services.departure_decide(
        actor=world.users["tm"], departure_id=approved.pk, approve=True, comment="OK"
    )
    record_departure(world, today, child="amira", actor="sw2", rationale="Still waiting")
    decision_services.departure_record(
        actor=other_world.users["sw"],
        child=other_world.children["jon"],
        requirement="x",
        required="x",
        done_instead="x",
        rationale="Other LA",
        risk_assessment="x",
        source="x",
        today=today,
    )
    client.force_login(world.users["hos"])
    page = client.get("/decisions/").content.decode()
    assert "Approved one" in page
    assert "Still waiting" in page
    assert "Other LA" not in page
    response = client.get("/decisions/export.csv?status=approved")
    assert response["Content-Disposition"] == 'attachment; filename="decision-log-2026-11-20.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Reference"
    assert [r[9] for r in rows[1:]] == ["Approved one"]
    assert rows[1][12] == "Signed off"
    assert rows[1][15] == "OK"


def test_a_departure_is_recorded_from_a_childs_page_with_entries_kept_on_error(client, world, today):
    client.force_login(world.users["sw"])
    url = f"/decisions/new?child={world.children['jon'].pk}"
    assert client.get(url).status_code == 200
    page = client.post(url, {"required": "Visit", "done_instead": "Phone"}).content.decode()
    assert "There is a problem" in page
    assert "Enter rationale" in page
    assert "Phone</textarea>" in page
    data = {"required": "Visit", "done_instead": "Phone", "rationale": "Shielding", "risk_assessment": "OK"}
    assert client.post(url, data).status_code == 302
    assert Departure.objects.get().child == world.children["jon"]
    assert client.get(f"/decisions/new?child={world.children['south'].pk}").status_code == 404


# --- Emergency and RAG settings ---------------------------------------------------------------------------


def test_a_head_of_service_declares_and_ends_an_emergency(client, world, today):
    client.force_login(world.users["hos"])
    data = {
        "declare-name": "Local outbreak",
        "declare-starts_on_0": "20",
        "declare-starts_on_1": "11",
        "declare-starts_on_2": "2026",
        "declare-rating_target_date_0": "1",
        "declare-rating_target_date_1": "11",
        "declare-rating_target_date_2": "2026",
        "declare-reason": "Staff isolating",
    }
    page = client.post("/policy/emergency", data).content.decode()
    assert "The rating target date must be on or after the start of the emergency" in page
    assert 'value="Local outbreak"' in page
    data["declare-rating_target_date_0"] = "4"
    data["declare-rating_target_date_1"] = "12"
    assert client.post("/policy/emergency", data).status_code == 302
    declaration = EmergencyDeclaration.objects.get()
    end = {"ends_on_0": "21", "ends_on_1": "11", "ends_on_2": "2026", "reason": "Over"}
    assert client.post(f"/policy/emergency/{declaration.pk}/end", end).status_code == 302
    declaration.refresh_from_db()
    assert declaration.ends_on == date(2026, 11, 21)
    client.force_login(world.users["tm"])
    assert client.post("/policy/emergency", data).status_code == 403


def rag_form(client):
    form = client.get("/policy/rag-settings").context["form"]
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        if name in {"effective_from"}:
            continue
        data[name] = "" if value is None else value
    data.update(
        label="Northshire RAG 2026",
        reason="Agreed at SMT",
        effective_from_0="21",
        effective_from_1="11",
        effective_from_2="2026",
    )
    return data


def test_the_rag_settings_show_the_default_and_refuse_red_less_often_than_amber(client, world, today):
    client.force_login(world.users["hos"])
    page = client.get("/policy/rag-settings").content.decode()
    assert "Default settings (no national definition exists)" in page
    assert "Unconfirmed" in page
    data = rag_form(client)
    data["c_red_cin_amount"] = "12"
    data["c_red_cin_unit"] = "weeks"
    page = client.post("/policy/rag-settings", data).content.decode()
    assert "Red must be planned at least as often as amber for child in need" in page
    assert 'value="Northshire RAG 2026"' in page
    assert not RagSettingsVersion.objects.exists()
    data["c_red_cin_amount"] = "2"
    assert client.post("/policy/rag-settings", data).status_code == 302
    version = RagSettingsVersion.objects.get()
    assert version.effective_from == date(2026, 11, 21)
    cin = next(c for c in version.settings["cadences"] if c["rating"] == "red" and c["status"] == "cin")
    assert cin["interval"] == {"amount": 2, "unit": "weeks"}
    client.force_login(world.users["tm"])
    assert client.post("/policy/rag-settings", data).status_code == 403


def test_the_decision_log_csv_writes_a_formula_as_text(client, world, today):
    """A rationale typed as a spreadsheet formula reaches the CSV as text (a leading apostrophe), not as a
    live formula; the words themselves are kept."""
    formula = '=HYPERLINK("http://example.invalid/x","Click")'
    record_departure(world, today, rationale=formula)
    client.force_login(world.users["hos"])
    response = client.get("/decisions/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[9] for r in rows[1:]] == ["'" + formula]
