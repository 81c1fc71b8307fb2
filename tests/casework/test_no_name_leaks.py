"""No page, download, alert or e-mail names a child the reader may not open.

Every URL pattern of the project is fetched (found by walking the resolver, so a new page is covered
without being added here) as five readers who each may not see some of the children, and every
response, CSV and workbook is searched for those children's names, LA child IDs and record links.
The children have names found nowhere else, so any match is a leak.

The readers, and the children hidden from each (PRODUCT.md M20; casework/children/access.py):
- a practitioner of the South team: the North children, the restricted child, the other LA's child;
- the head of service of another local authority: every child of this one;
- a practitioner of the North team not named on the restricted record: it, the South child, the other LA's;
- the North team manager, not named on the restricted record either: the same;
- the head of service, not named on it: the restricted child and the other LA's.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from casework.accounts.models import StaffAbsence
from casework.children.models import Child, ChildAccessGrant, LegalStatus
from casework.contacts import services as contact_services
from casework.contacts.due import refresh_due_states
from casework.contacts.models import Contact
from casework.core import clock
from casework.core.models import Alert
from casework.decisions import services as decision_services
from casework.decisions.models import Departure
from casework.fortnightly.selectors import MEASURES
from casework.returns.models import ImportIssue, ImportRun
from casework.risk import services as risk_services
from casework.risk.models import RiskRating
from casework.safeguarding import services as safeguarding_services
from casework.safeguarding.models import InformationShare, Referral, SeriousIncident
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

# Names found in no fixture, template or rule text.
NAMES = {
    "north": ("Ottoline", "Brackenbury"),
    "restricted": ("Zephyrine", "Quillfeather"),
    "south": ("Barnaby", "Wolstenholme"),
    "elsewhere": ("Perpetua", "Grimsditch"),
}
HIDDEN_FROM = {
    "south_practitioner": {"north", "restricted", "elsewhere"},
    "other_la_head": {"north", "restricted", "south"},
    "north_practitioner": {"restricted", "south", "elsewhere"},
    "north_manager": {"restricted", "south", "elsewhere"},
    "head": {"restricted", "elsewhere"},
}


def _child(world: Any, key: str, team: Any, worker: Any, **extra: Any) -> Child:
    first, last = NAMES[key]
    child = Child.objects.create(
        la=world.la,
        la_child_id=f"LEAKID{key.upper()}",
        first_name=first,
        last_name=last,
        date_of_birth=date(2013, 5, 5),
        gender="2",
        household=world.children["jon"].household,
        team=team,
        allocated_worker=worker,
        **extra,
    )
    LegalStatus.objects.create(
        la=world.la, child=child, kind="cp", cp_category="NEG", starts_on=date(2025, 1, 6)
    )
    return child


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _casework(world: Any, child: Child, worker: Any, today: date) -> None:
    """A meeting, an information share, a serious incident, a rating awaiting sign-off, a departure and
    an immediate-protection contact about `child`, each recorded by its allocated worker."""
    safeguarding_services.meeting_record(
        actor=worker, child=child, kind="strategy", held_on=today - timedelta(days=20), today=today
    )
    safeguarding_services.information_share_record(
        actor=worker,
        child=child,
        shared_on=today - timedelta(days=3),
        what="Concerns at home",
        with_agency="police",
        with_person="",
        lawful_basis="public_task",
        without_consent=False,
        reason="Section 47 enquiry",
        today=today,
    )
    safeguarding_services.incident_record(
        actor=worker,
        child=child,
        occurred_on=today - timedelta(days=12),
        aware_on=today - timedelta(days=10),
        summary="Serious injury",
        seriously_injured=True,
        today=today,
    )
    risk_services.rating_submit(
        actor=worker,
        child=child,
        rating="red",
        factors=[],
        rationale="Serious injury",
        plan=risk_services.rating_advice(child=child, rating="red", factors=[], today=today).proposal.plan,
        today=today,
    )
    decision_services.departure_record(
        actor=worker,
        child=child,
        requirement="plan.face_to_face",
        required="A face-to-face visit",
        done_instead="A video call",
        rationale="Household isolating",
        risk_assessment="Low",
        source="Working Together 2018",
        today=today,
    )
    contact_services.contact_record(
        actor=worker,
        child=child,
        occurred_at=_at(today - timedelta(days=1)),
        mode="home",
        child_seen=False,
        access_refused=True,
        child_seen_alone=None,
        outcome="Shouting heard",
        refusal_reason="Father refused",
        why_access_needed_explained="Explained",
        other_way_to_see_child="Police welfare check",
        immediate_protection=True,
        now=_at(today, 16),
    )


def _referrals(world: Any, children: dict[str, Child], today: date) -> None:
    """Siblings referred together (the front door lists one row naming those the reader may see), a
    referral of the restricted child alone, and one decided (the second list, with assessment deadlines)."""
    sw, sw_south = world.users["sw"], world.users["sw_south"]
    referrals = []
    hos = world.users["hos"]
    groups = [
        (sw, ["north", "restricted"]),
        (hos, ["south", "north"]),
        (sw_south, ["south"]),
        (sw, ["restricted"]),
    ]
    for actor, group in groups:
        referrals.append(
            safeguarding_services.referral_record(
                actor=actor,
                children=[children[k] for k in group],
                received_at=_at(today - timedelta(days=8)),
                source="2A",
                concerns="Bruising seen at school",
                consent="given",
                now=_at(today, 9),
            )
        )
    safeguarding_services.referral_decide(
        actor=world.users["tm"],
        referral=referrals[0],
        decision="assessment",
        reason="Assess",
        decided_at=_at(today - timedelta(days=7)),
        now=_at(today, 9),
    )


@pytest.fixture
def leaky_world(world: Any, other_world: Any, monkeypatch: Any) -> dict[str, Any]:
    """Two LAs, two teams, a restricted record, and casework about each child in every list."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
    today = clock.today()
    north, south = world.teams["north"], world.teams["south"]
    sw, sw_south = world.users["sw"], world.users["sw_south"]
    sw.line_manager = world.users["tm"]
    sw.save()
    readers = {
        "south_practitioner": sw_south,
        "other_la_head": other_world.users["hos"],
        "north_practitioner": world.users["sw2"],
        "north_manager": world.users["tm"],
        "head": world.users["hos"],
    }
    for key, reader in readers.items():
        reader.email = f"{key}@example.invalid"
        reader.save()
    south.manager = make_user(world.la, "901.tmsouth", "team_manager", south, email="tmsouth@example.invalid")
    south.save()
    children = {
        "north": _child(world, "north", north, sw),
        "restricted": _child(world, "restricted", north, sw, is_restricted=True),
        "south": _child(world, "south", south, sw_south),
    }
    named = make_user(world.la, "901.named", "head_of_service")
    ChildAccessGrant.objects.create(la=world.la, child=children["restricted"], user=named, reason="Named")
    elsewhere_worker = other_world.users["sw"]
    children["elsewhere"] = _child(other_world, "elsewhere", other_world.teams["north"], elsewhere_worker)
    for key, child in children.items():
        worker = elsewhere_worker if key == "elsewhere" else sw_south if key == "south" else sw
        _casework(other_world if key == "elsewhere" else world, child, worker, today)
    _referrals(world, children, today)
    # Their worker is off: the North children are uncovered (sitrep, team page, reallocations).
    StaffAbsence.objects.create(la=world.la, user=sw, status="sick", starts_on=today - timedelta(days=2))
    StaffAbsence.objects.create(
        la=world.la, user=sw_south, status="sick", starts_on=today - timedelta(days=2)
    )
    run = ImportRun.objects.create(la=world.la, kind="cin", file_name="census.xml", status="done")
    for key in ("north", "restricted", "south"):
        ImportIssue.objects.create(
            run=run,
            severity="breach",
            file_name="census.xml",
            location="line 1",
            la_child_id=children[key].la_child_id,
            message="A DfE rule",
        )
    refresh_due_states(la_id=world.la.pk, today=today)
    refresh_due_states(la_id=other_world.la.pk, today=today)
    call_command("deadline_alerts", stdout=io.StringIO())
    return {"world": world, "other": other_world, "children": children, "readers": readers, "run": run}


def _patterns(resolvers: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            found += _patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def _values(fixture: dict[str, Any]) -> dict[str, list[Any]]:
    """For every URL parameter of the project, the fixture's objects to fetch it with."""
    world, children = fixture["world"], fixture["children"]
    las = [world.la.pk, fixture["other"].la.pk]
    return {
        "child_id": [c.pk for c in children.values()],
        "team_id": [t.pk for w in (world, fixture["other"]) for t in w.teams.values()],
        "referral_id": list(Referral.objects.values_list("pk", flat=True)),
        "incident_id": list(SeriousIncident.objects.values_list("pk", flat=True)),
        "rating_id": list(RiskRating.objects.values_list("pk", flat=True)),
        "departure_id": list(Departure.objects.values_list("pk", flat=True)),
        "run_id": [fixture["run"].pk],
        "staff_id": [world.users["sw"].pk, world.users["sw_south"].pk],
        "absence_id": list(StaffAbsence.objects.filter(la_id__in=las).values_list("pk", flat=True)),
        "alert_id": list(Alert.objects.values_list("pk", flat=True)[:5]),
        "contact_id": list(Contact.objects.filter(immediate_protection=True).values_list("pk", flat=True)),
        "status_id": list(
            LegalStatus.objects.filter(child__in=children.values()).values_list("pk", flat=True)
        ),
        "declaration_id": [1],
        "passkey_id": [1],  # nobody's passkey: the page refuses it
        # Who is named on the restricted record (one grant), and a returner's check (none: refused).
        "grant_id": list(ChildAccessGrant.objects.values_list("pk", flat=True)),
        "check_id": [1],
        "key": [m.key for m in MEASURES if m.record != "none"],
        # One-time set-password links (an invalid one: the page then names nobody).
        "uidb64": ["MQ"],
        "token": ["set-password", "not-a-token"],
    }


# Query strings that make a list name more: filters, searches and the detailed downloads.
EXTRA_QUERIES = {
    "children/": [f"q={last}" for _, last in NAMES.values()],
    "referrals/new": [f"q={last}" for _, last in NAMES.values()],
    "fortnightly/return.csv": ["detail=1"],
    "oversight/children/": ["rating=red", "status=cp", "measure=overdue"],
    "decisions/": ["status=awaiting"],
}
# Every list's downloads (casework/core/listing.py), as CSV and as a workbook: the same rows as its page.
SECTIONS = ("ratings", "departures", "overdue", "reallocation", "queue")
GROUPS = ("overdue", "today", "week", "later", "practicable", "met_late")
LIST_DOWNLOADS = {
    "oversight/children/": ["", "rating=red&", "measure=overdue&"],
    "worklist/": [""],
    "deadlines/": [f"group={g}&" for g in GROUPS],
    "referrals/": ["list=referrals-awaiting&", "list=referrals-decided&"],
    "audit/": ["show=access&", "show=requests&", "show=changes&"],
    "decisions/": ["", "status=awaiting&"],
    "staff/": [""],
    "oversight/team/<int:team_id>/": [f"section={s}&" for s in SECTIONS],
}
for _route, _filters in LIST_DOWNLOADS.items():
    EXTRA_QUERIES.setdefault(_route, [])
    EXTRA_QUERIES[_route] += [f"{f}format={kind}" for f in _filters for kind in ("csv", "xlsx")]
    if _route == "oversight/team/<int:team_id>/":
        EXTRA_QUERIES[_route] += [f"section={s}" for s in SECTIONS]
    if _route == "deadlines/":
        EXTRA_QUERIES[_route] += [f"group={g}" for g in GROUPS]


def _urls(fixture: dict[str, Any]) -> list[str]:
    values = _values(fixture)
    urls: list[str] = []
    unknown = set()
    for route, pattern in _patterns(get_resolver().url_patterns):
        names = list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
        missing = [n for n in names if n not in values]
        if missing:
            unknown.update(missing)
            continue
        combos: list[dict[str, Any]] = [{}]
        for name in names:
            combos = [{**c, name: v} for c in combos for v in values[name]]
        for combo in combos:
            path = "/" + route
            for name, value in combo.items():
                path = path.replace(f"<{_converter(route, name)}{name}>", str(value))
            urls.append(path)
            urls += [f"{path}?{q}" for q in EXTRA_QUERIES.get(route, [])]
    assert not unknown, f"URL parameters this test has no fixture objects for: {sorted(unknown)}"
    children = fixture["children"]
    for child in children.values():
        urls += [f"/referrals/new?child={child.pk}", f"/decisions/new?child={child.pk}"]
    return urls


def _converter(route: str, name: str) -> str:
    for prefix in ("int:", "slug:", "str:", ""):
        if f"<{prefix}{name}>" in route:
            return prefix
    raise AssertionError(f"{name} not in {route}")


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if body[:2] == b"PK":  # a workbook: every cell's text
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = [
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
        ]
        return "\n".join(cells)
    return body.decode("utf-8", errors="replace")


def _forbidden(fixture: dict[str, Any], reader: str) -> list[str]:
    """What would identify the children hidden from `reader`: names, LA child IDs, record links."""
    words = []
    for key in HIDDEN_FROM[reader]:
        child = fixture["children"][key]
        words += [*NAMES[key], child.la_child_id, f"/children/{child.pk}/"]
    return words


def _leaks(text: str, words: list[str]) -> list[str]:
    lowered = text.lower()
    return [w for w in words if w.lower() in lowered]


def test_no_page_or_download_names_a_child_the_reader_may_not_see(leaky_world):
    urls = _urls(leaky_world)
    assert len(urls) > 100
    leaks: dict[str, dict[str, list[str]]] = {}
    for reader, user in leaky_world["readers"].items():
        client = Client()
        client.force_login(user)
        forbidden = _forbidden(leaky_world, reader)
        for url in urls:
            # A search page repeats the words searched for: those are the reader's own, not a leak.
            searched = url.split("q=", 1)[1].lower() if "q=" in url else None
            words = [w for w in forbidden if w.lower() != searched]
            if url.startswith("/audit/"):
                # The audit log lists record numbers and the pages asked for (this test's own refused
                # requests among them), never names: it is how access to a restricted record is overseen.
                words = [w for w in words if not w.startswith("/children/")]
            text = _text(client.get(url))
            if url.startswith("/audit/"):
                # The request log shows what people typed into searches (this test's readers typed
                # these names): their words, not the records'. Anything else there is still a leak.
                text = re.sub(r"q=[^&\s,\"<]*", "", text)
            found = _leaks(text, words)
            if found:
                leaks.setdefault(reader, {})[url] = found
    assert not leaks, f"Children shown to readers who may not see them: {leaks}"


def test_no_alert_or_email_names_a_child_the_reader_may_not_see(leaky_world):
    leaks = {}
    for reader, user in leaky_world["readers"].items():
        forbidden = _forbidden(leaky_world, reader)
        alerts = [a.message for a in Alert.objects.filter(recipient=user)]
        emails = [f"{m.subject}\n{m.body}" for m in mail.outbox if user.email in m.to]
        found = [text for text in alerts + emails if _leaks(text, forbidden)]
        if found:
            leaks[reader] = found
    assert not leaks, f"Alerts or e-mails naming children the recipient may not see: {leaks}"


def test_the_readers_still_see_what_they_may(leaky_world):
    """The filtering hides only what it must: each reader's own children are on the front door, in
    their alerts and e-mails."""
    readers = leaky_world["readers"]
    client = Client()
    client.force_login(readers["north_practitioner"])
    assert "Ottoline Brackenbury" in client.get("/referrals/").content.decode()
    client.force_login(readers["head"])
    front_door = client.get("/referrals/").content.decode()
    assert "Ottoline Brackenbury" in front_door
    assert "Barnaby Wolstenholme" in front_door
    for kind in ("csv", "xlsx"):  # the downloads hold what the pages show
        assert "Brackenbury" in _text(client.get(f"/oversight/children/?format={kind}"))
        assert "Brackenbury" in _text(client.get(f"/referrals/?list=referrals-awaiting&format={kind}"))
    named = leaky_world["world"].users["sw"]
    assert Alert.objects.filter(child=leaky_world["children"]["restricted"]).exists()
    restricted_alerts = Alert.objects.filter(child=leaky_world["children"]["restricted"])
    assert {a.recipient_id for a in restricted_alerts} <= {
        named.pk,
        *ChildAccessGrant.objects.filter(child=leaky_world["children"]["restricted"]).values_list(
            "user_id", flat=True
        ),
    }
    assert Alert.objects.filter(recipient=readers["north_manager"], child=leaky_world["children"]["north"])
    assert any("Brackenbury" in m.body for m in mail.outbox if readers["north_manager"].email in m.to)
    assert InformationShare.objects.count() == 4


def _siblings(world: Any, n: int) -> list[Referral]:
    """`n` referrals, each of a North child and a restricted North sibling the North practitioner and
    manager are not named on."""
    today = clock.today()
    north = world.teams["north"]
    referrals = []
    for i in range(n):
        child = _child(world, "north", north, world.users["sw"])
        child.la_child_id = f"N{i}"
        child.save()
        hidden = _child(world, "restricted", north, world.users["sw"], is_restricted=True)
        hidden.la_child_id = f"R{i}"
        hidden.save()
        referrals.append(
            safeguarding_services.referral_record(
                actor=world.users["sw"],
                children=[child, hidden],
                received_at=_at(today - timedelta(days=2)),
                source="2A",
                concerns="Bruising",
                consent="given",
                now=_at(today, 9),
            )
        )
    return referrals


@pytest.mark.parametrize("reader", ["sw2", "hos"])
def test_the_front_door_names_only_the_siblings_the_reader_may_see_in_four_queries(
    world, reader, django_assert_num_queries
):
    from casework.safeguarding.selectors import front_door_awaiting, front_door_decided, front_door_rows

    _siblings(world, 3)
    user = world.users[reader]
    with django_assert_num_queries(4):  # awaiting, decided, their children, their decision deadlines
        referrals = list(front_door_awaiting(user=user))
        decided = list(front_door_decided(user=user))
        awaiting = front_door_rows(user=user, referrals=referrals)
    assert [len(row.children) for row in awaiting] == [1, 1, 1]
    assert {c.first_name for row in awaiting for c in row.children} == {"Ottoline"}
    assert all(row.decision_deadline is not None for row in awaiting)
    assert decided == []


def test_a_referral_about_only_a_hidden_restricted_child_is_not_listed_or_opened(client, world):
    only = safeguarding_services.referral_record(
        actor=world.users["sw"],
        children=[_child(world, "restricted", world.teams["north"], world.users["sw"], is_restricted=True)],
        received_at=_at(clock.today() - timedelta(days=2)),
        source="2A",
        concerns="Bruising",
        consent="given",
        now=_at(clock.today(), 9),
    )
    client.force_login(world.users["hos"])
    assert "Awaiting a decision (0)" in client.get("/referrals/").content.decode()
    assert client.get(f"/referrals/{only.pk}/").status_code == 404
    client.force_login(world.users["sw"])  # the allocated worker
    assert "Zephyrine Quillfeather" in client.get(f"/referrals/{only.pk}/").content.decode()


def test_a_sibling_in_another_team_is_counted_on_the_referral_but_a_restricted_one_is_not(client, world):
    [referral] = _siblings(world, 1)
    south = _child(world, "south", world.teams["south"], world.users["sw_south"])
    referral.children.add(south)
    client.force_login(world.users["sw2"])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Ottoline Brackenbury" in page
    assert "and 1 child in other teams" in page
    assert "Quillfeather" not in page
    assert "Wolstenholme" not in page


def test_an_alert_about_a_child_no_longer_visible_leaves_the_list_and_banner(client, world):
    from casework.accounts.alerts import alert_list_for_user, unread_alerts_for_user
    from casework.children.access import child_visible_q

    child = world.children["jon"]
    tm = world.users["tm"]
    Alert.objects.create(la=world.la, recipient=tm, child=child, kind="deadline_missed", message="Jonathan")
    assert unread_alerts_for_user(user=tm, visible=child_visible_q(tm)).count == 1
    child.is_restricted = True
    child.save()
    assert unread_alerts_for_user(user=tm, visible=child_visible_q(tm)).count == 0
    assert alert_list_for_user(user=tm, visible=child_visible_q(tm)) == []
    client.force_login(tm)
    assert "Jonathan" not in client.get("/alerts/").content.decode()


def test_the_deadlines_page_lists_each_group_most_urgent_first_in_a_fixed_number_of_queries(
    world, django_assert_num_queries
):
    """Every group's count and rows in order, of visible children only, whatever their number."""
    from casework.safeguarding import selectors
    from casework.safeguarding.models import Deadline

    today = date(2026, 11, 18)
    north = world.teams["north"]
    visible = _child(world, "north", north, world.users["sw"])
    hidden = _child(world, "restricted", north, world.users["sw"], is_restricted=True)
    for i, due in enumerate([-9, -2, -5, -1, 0, 1, 10, 12, 11]):
        for child in (visible, hidden):
            Deadline.objects.create(
                la=world.la,
                child=child,
                rule_id="sin.notification",
                subject_type="incident",
                subject_id=i,
                event_on=today - timedelta(days=20),
                due_on=today + timedelta(days=due),
                normal_due_on=today + timedelta(days=due),
                regime="normal",
                met_on=today if due == -5 else None,
            )
    tm = world.users["tm"]
    with django_assert_num_queries(2):  # the user's managed teams, the counts
        groups = selectors.deadline_groups(user=tm, today=today)
    assert {g.key: g.total for g in groups} == {
        "overdue": 3,
        "today": 1,
        "week": 1,
        "later": 3,
        "practicable": 0,
        "met_late": 1,
    }

    def group(key: str) -> list[selectors.DeadlineRow]:
        return selectors.deadline_rows(selectors.deadline_group(user=tm, today=today, group=key), today=today)

    overdue = group("overdue")
    assert [r.deadline.due_on - today for r in overdue] == [timedelta(days=d) for d in (-9, -2, -1)]
    assert [r.deadline.due_on - today for r in group("later")] == [timedelta(days=d) for d in (10, 11, 12)]
    assert all(r.deadline.child_id == visible.pk for key in selectors.GROUPS for r in group(key))
    assert overdue[0].days_overdue == 9
