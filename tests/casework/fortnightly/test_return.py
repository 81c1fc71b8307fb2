"""The DfE fortnightly return: real figures on constructed data, the lists behind them, downloads, access."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from casework.accounts.models import StaffAbsence
from casework.audit.models import AuditEvent
from casework.children.models import EducationSetting, HouseholdCovidStatus, LegalStatus, Placement
from casework.contacts.models import Contact
from casework.fortnightly import selectors
from casework.risk.models import RerateTrigger
from casework.safeguarding.models import Referral
from domain.fortnightly import fortnight_ending
from tests.conftest import TODAY, World, make_child

pytestmark = pytest.mark.django_db

PERIOD = fortnight_ending(date(2020, 5, 17))  # Monday 4 May to Sunday 17 May 2020 (an aligned fortnight)
URL = "/fortnightly/"
ENDS = "ends=2020-05-17"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: Any) -> None:
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def contact(world: World, key: str, day: date, mode: str, *, seen: bool = True, **extra: Any) -> Contact:
    return Contact.objects.create(
        la=world.la,
        child=world.children[key],
        occurred_at=at(day),
        mode=mode,
        made_by=world.users["sw"],
        child_seen=seen,
        outcome="Visit recorded",
        regime="normal",
        **extra,
    )


def status(
    world: World, key: str, kind: str, starts_on: date, ends_on: date | None = None, **extra: Any
) -> None:
    LegalStatus.objects.create(
        la=world.la, child=world.children[key], kind=kind, starts_on=starts_on, ends_on=ends_on, **extra
    )


def referral(world: World, when: datetime, source: str, *children: str) -> Referral:
    made = Referral.objects.create(
        la=world.la, received_at=when, source=source, concerns="Concern", consent="given"
    )
    made.children.set([world.children[k] for k in children])
    return made


def build(world: World) -> World:
    """Jonathan (in the fixture): other CIN, seen at home on 10 May. Amira: CIN and a CP plan, last seen
    face to face 12 April, 5 weeks before the end: not seen in the last 4 weeks. Olivia: started to be
    looked after on 5 May, in a children's home with COVID-19, seen by video, her school closed and a
    missed day recorded. Kai: looked after since 2019 with a change of legal status on 10 May (not a new
    start); only a phone call in which he was not seen and a visit where access was refused."""
    la = world.la
    status(world, "amira", "cin", date(2020, 1, 1))
    status(world, "amira", "cp", date(2020, 3, 1), cp_category="NEG")
    contact(world, "jon", date(2020, 5, 10), "home")
    contact(world, "amira", date(2020, 4, 12), "home")
    olivia = world.children["south"]
    status(world, "south", "lac", date(2020, 5, 5), lac_legal_status="V2")
    Placement.objects.create(
        la=la, child=olivia, starts_on=date(2020, 5, 5), placement_type="K2", provider="PR1"
    )
    HouseholdCovidStatus.objects.create(
        la=la,
        household=olivia.household,
        status="isolating",
        starts_on=date(2020, 5, 8),
        ends_on=date(2020, 5, 20),
    )
    contact(world, "south", date(2020, 5, 12), "video")
    school = EducationSetting.objects.create(la=la, name="Testtown Academy", kind="secondary", is_open=False)
    olivia.education_setting = school
    olivia.save()
    RerateTrigger.objects.create(la=la, child=olivia, reason="missed_school", occurred_on=date(2020, 5, 6))
    make_child(world, "kai", "Kai", "Jones", team=world.teams["north"], worker=world.users["sw"])
    status(world, "kai", "lac", date(2019, 1, 1), date(2020, 5, 9), lac_legal_status="C2")
    status(world, "kai", "lac", date(2020, 5, 10), lac_legal_status="E1")
    contact(world, "kai", date(2020, 5, 11), "phone", seen=False)
    contact(world, "kai", date(2020, 5, 13), "home", access_refused=True)
    referral(world, at(date(2020, 5, 4), 9), "2A", "jon")
    referral(world, at(date(2020, 5, 17), 23), "6", "jon", "amira")
    referral(world, timezone.make_aware(datetime(2020, 5, 18, 0, 30)), "6", "amira")  # after the fortnight
    StaffAbsence.objects.create(
        la=la, user=world.users["sw2"], status="sick", starts_on=date(2020, 5, 1), ends_on=date(2020, 5, 6)
    )
    StaffAbsence.objects.create(
        la=la,
        user=world.users["sw"],
        status="self_isolating",
        starts_on=date(2020, 5, 10),
        can_work_from_home=True,
    )
    StaffAbsence.objects.create(
        la=la, user=world.users["sw_south"], status="leave", starts_on=date(2020, 5, 18)
    )
    return world


def build_other(other: World) -> None:
    """Another LA with a seen CIN child, a looked-after child, a referral and a sick social worker."""
    status(other, "amira", "cp", date(2020, 3, 1), cp_category="NEG")
    status(other, "south", "lac", date(2020, 5, 6), lac_legal_status="C2")
    contact(other, "jon", date(2020, 5, 10), "home")
    referral(other, at(date(2020, 5, 5)), "2A", "jon")
    StaffAbsence.objects.create(
        la=other.la, user=other.users["sw"], status="sick", starts_on=date(2020, 5, 1)
    )


def figures(world: World, key: str = "hos") -> dict[str, int | None]:
    result = selectors.fortnightly_return(user=world.users[key], period=PERIOD)
    return {f.measure.key: f.value for f in result.figures}


EXPECTED = {
    "cla": 2,
    "cpp": 1,
    "other_cin": 1,
    "with_social_worker": 4,
    "other_cin_seen": 1,
    "other_cin_seen_face_to_face": 1,
    "other_cin_seen_remotely_only": 0,
    "other_cin_not_seen": 0,
    "cpp_seen": 0,
    "cpp_seen_face_to_face": 0,
    "cpp_not_seen": 1,
    "cla_seen": 1,
    "cla_seen_face_to_face": 0,
    "cla_seen_remotely_only": 1,
    "cla_not_seen": 1,
    "education_setting_recorded": 1,
    "education_setting_closed": 1,
    "education_missed_school": 1,
    "education_attendance": None,
    "referrals": 2,
    "referrals_source_2A": 1,
    "referrals_source_6": 1,
    "referrals_source_3A": 0,
    "started_looked_after": 1,
    "social_workers": 3,
    "social_workers_unavailable": 1,
    "social_workers_unavailable_last_day": 0,
    "social_workers_unavailable_sick": 1,
    "social_workers_unavailable_leave": 0,
    "social_workers_working_from_home": 1,
    "residential_staff_unavailable": None,
    "children_in_childrens_homes": 1,
    "childrens_homes": 1,
    "childrens_homes_covid": 1,
    "childrens_homes_closed": None,
}


def test_the_figures_follow_the_survey_definitions(world: World) -> None:
    build(world)
    got = figures(world)
    assert {key: got[key] for key in EXPECTED} == EXPECTED
    result = selectors.fortnightly_return(user=world.users["hos"], period=PERIOD)
    assert result.by_key["cla_seen"].percent == 50.0
    assert result.by_key["social_workers_unavailable"].percent == 33.3
    assert result.social_workers_over_threshold


def test_seen_five_weeks_ago_does_not_count_but_within_four_weeks_does(world: World) -> None:
    build(world)
    assert figures(world)["cpp_seen"] == 0
    contact(world, "amira", PERIOD.contact_window_starts_on, "doorstep")  # 20 April: the window's first day
    got = figures(world)
    assert (got["cpp_seen"], got["cpp_seen_face_to_face"], got["cpp_not_seen"]) == (1, 1, 0)


def test_a_cp_child_is_not_also_other_cin_and_cin_ended_before_the_last_day_is_not_counted(
    world: World,
) -> None:
    build(world)
    assert figures(world)["other_cin"] == 1  # Jonathan only: Amira is on a plan
    LegalStatus.objects.filter(child=world.children["jon"]).update(ends_on=date(2020, 5, 16))
    assert figures(world)["other_cin"] == 0


def test_another_las_children_staff_and_referrals_are_never_counted(world: World, other_world: World) -> None:
    build(world)
    build_other(other_world)
    got = figures(world)
    assert {key: got[key] for key in EXPECTED} == EXPECTED
    theirs = figures(other_world)
    assert (theirs["cla"], theirs["cpp"], theirs["other_cin"], theirs["other_cin_seen"]) == (1, 1, 1, 1)
    assert (theirs["referrals"], theirs["social_workers_unavailable"], theirs["started_looked_after"]) == (
        1,
        1,
        1,
    )


def test_every_list_matches_its_figure(world: World, other_world: World) -> None:
    build(world)
    build_other(other_world)
    hos = world.users["hos"]
    result = selectors.fortnightly_return(user=hos, period=PERIOD)
    for figure in result.figures:
        if figure.computable:
            listed = selectors.list_behind(figure.measure, user=hos, period=PERIOD)
            assert len(list(listed)) == figure.value, figure.measure.key
    children = selectors.child_rows(user=hos, period=PERIOD)
    for figure in result.figures:
        if figure.measure.record == selectors.CHILDREN:
            assert len(selectors.matching(children, figure.measure)) == figure.value, figure.measure.key


def test_the_page_shows_the_figures_and_links_each_to_its_records(client: Any, world: World) -> None:
    build(world)
    client.force_login(world.users["hos"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{URL}?{ENDS}").content.decode()
    assert len(queries) < 15
    assert "4 May 2020 to 17 May 2020" in page
    assert f'href="/fortnightly/cla_not_seen/?{ENDS}"' in page
    assert "Not recorded" in page
    listed = client.get(f"/fortnightly/cla_not_seen/?{ENDS}").content.decode()
    assert "Kai Jones" in listed
    assert "Olivia Brown" not in listed
    listed = client.get(f"/fortnightly/started_looked_after/?{ENDS}").content.decode()
    assert "Olivia Brown" in listed
    assert "Kai Jones" not in listed
    staff = client.get(f"/fortnightly/social_workers_unavailable/?{ENDS}").content.decode()
    assert str(world.users["sw2"]) in staff
    assert "Off sick" in staff
    referrals = client.get(f"/fortnightly/referrals_source_6/?{ENDS}").content.decode()
    assert world.children["amira"].la_child_id in referrals
    homes = client.get(f"/fortnightly/childrens_homes_covid/?{ENDS}").content.decode()
    assert "Self-isolating" in homes


def test_the_default_fortnight_is_the_latest_ended_and_a_chosen_one_must_have_ended(
    client: Any, world: World
) -> None:
    client.force_login(world.users["analyst"])
    page = client.get(URL).content.decode()
    assert "26 October 2026 to 8 November 2026" in page  # TODAY is Fri 20 Nov; 22 Nov has not ended
    chosen = client.get(URL, {"ends_on_0": "12", "ends_on_1": "5", "ends_on_2": "2020"}).content.decode()
    assert "29 April 2020 to 12 May 2020" in chosen
    future = client.get(URL, {"ends_on_0": "20", "ends_on_1": "11", "ends_on_2": "2026"}).content.decode()
    assert "There is a problem" in future
    assert "must be in the past" in future
    assert client.get(f"{URL}?ends=2026-11-20").status_code == 404
    assert client.get(f"{URL}?ends=not-a-date").status_code == 404
    assert client.get(f"/fortnightly/no_such_measure/?{ENDS}").status_code == 404
    assert client.get(f"/fortnightly/education_attendance/?{ENDS}").status_code == 404


@pytest.mark.parametrize(
    ("key", "allowed"),
    [("hos", True), ("analyst", True), ("tm", False), ("sw", False), ("bs", False), ("admin", False)],
)
def test_only_heads_of_service_and_analysts_make_the_return(
    client: Any, world: World, key: str, allowed: bool
) -> None:
    client.force_login(world.users[key])
    for path in (
        URL,
        f"/fortnightly/cla/?{ENDS}",
        f"/fortnightly/return.csv?{ENDS}",
        f"/fortnightly/return.xlsx?{ENDS}",
    ):
        assert client.get(path).status_code == (200 if allowed else 403), path


def test_a_restricted_record_is_not_counted_for_someone_not_named_on_it(world: World) -> None:
    build(world)
    world.children["jon"].is_restricted = True
    world.children["jon"].save()
    assert figures(world)["other_cin"] == 0


def test_the_csv_has_one_row_per_measure_with_its_definition_and_is_audited(
    client: Any, world: World
) -> None:
    build(world)
    client.force_login(world.users["hos"])
    response = client.get(f"/fortnightly/return.csv?{ENDS}")
    assert response["Content-Type"] == "text/csv"
    assert "dfe-fortnightly-return-2020-05-17.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows.index(["Measure ID", "Section", "Measure", "Value", "Out of", "Percentage", "Definition"])
    by_key = {row[0]: row for row in rows[header + 1 :]}
    assert len(by_key) == len(selectors.MEASURES)
    for key, value in EXPECTED.items():
        assert by_key[key][3] == ("Not computable" if value is None else str(value)), key
    assert by_key["cla_seen"][4:6] == ["2", "50.0"]
    assert "Continuity holds no attendance records" in by_key["education_attendance"][6]
    event = AuditEvent.objects.get(action="fortnightly.download")
    assert (event.actor, event.la) == (world.users["hos"], world.la)
    assert "4 May 2020 to 17 May 2020" in event.summary


def test_the_detail_csv_lists_the_la_child_ids_behind_each_figure(client: Any, world: World) -> None:
    build(world)
    client.force_login(world.users["analyst"])
    rows = list(
        csv.reader(io.StringIO(client.get(f"/fortnightly/return.csv?{ENDS}&detail=1").content.decode()))
    )
    assert rows[0] == ["Measure ID", "Measure", "Record type", "Record ID", "LA child IDs"]
    ids = {(row[0], row[3]) for row in rows[1:]}
    assert ("cla_not_seen", world.children["kai"].la_child_id) in ids
    assert ("started_looked_after", world.children["south"].la_child_id) in ids
    assert ("social_workers_unavailable", world.users["sw2"].username) in ids
    for key, value in EXPECTED.items():
        assert sum(1 for row in rows[1:] if row[0] == key) == (value or 0), key
    body = "\n".join(",".join(row) for row in rows)
    assert "Olivia" not in body
    assert "Brown" not in body
    assert AuditEvent.objects.filter(action="fortnightly.download", actor=world.users["analyst"]).count() == 1


def test_the_workbook_has_the_figures_and_a_sheet_per_measure(client: Any, world: World) -> None:
    build(world)
    client.force_login(world.users["hos"])
    response = client.get(f"/fortnightly/return.xlsx?{ENDS}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    summary = [list(row) for row in book["Return"].iter_rows(values_only=True)]
    header = summary.index(
        ["Measure ID", "Section", "Measure", "Value", "Out of", "Percentage", "Definition"]
    )
    values = {row[0]: row[3] for row in summary[header + 1 :]}
    assert values["cla_seen_remotely_only"] == 1
    assert values["referrals"] == 2
    assert values["residential_staff_unavailable"] == "Not computable"
    sheet = [list(row) for row in book["cla_seen_remotely_only"].iter_rows(values_only=True)]
    assert sheet[3][0] == "LA child ID"
    olivia = sheet[4]
    assert olivia[0] == world.children["south"].la_child_id
    assert olivia[1:5] == ["Yes", "No", "No", "2020-05-12"]
    assert olivia[5] == "video"
    assert not olivia[6]
    assert "Olivia" not in str(sheet)
    assert len([list(r) for r in book["cla"].iter_rows(values_only=True)]) == 4 + 2
    assert AuditEvent.objects.filter(action="fortnightly.download").count() == 1


def test_the_command_writes_the_return_as_the_named_user(world: World, tmp_path: Any, capsys: Any) -> None:
    from django.core.management import CommandError, call_command

    build(world)
    call_command("fortnightly_return", "--user", world.users["analyst"].username, "--ends", "2020-05-17")
    rows = {row[0]: row for row in csv.reader(io.StringIO(capsys.readouterr().out)) if row}
    assert rows["cla_not_seen"][3] == "1"
    target = tmp_path / "return.xlsx"
    call_command(
        "fortnightly_return",
        "--user",
        world.users["hos"].username,
        "--ends",
        "2020-05-17",
        "--xlsx",
        "-o",
        str(target),
    )
    assert load_workbook(target, read_only=True)["Return"] is not None
    assert AuditEvent.objects.filter(action="fortnightly.download").count() == 2
    with pytest.raises(CommandError, match="head of service or performance analyst"):
        call_command("fortnightly_return", "--user", world.users["sw"].username)


WORKBOOK_SNAPSHOT = Path(__file__).with_name("workbook_snapshot.json")


def workbook_contents(content: bytes, world: World) -> dict[str, list[list[Any]]]:
    """Every sheet's cells, in order, with trailing blanks dropped and what differs between test runs
    (the time produced, database keys of referrals and households) replaced by stable labels."""
    referrals = {r.pk: f"referral {i}" for i, r in enumerate(Referral.objects.order_by("received_at"), 1)}
    homes = {h.pk: f"household {c.la_child_id}" for c in world.children.values() for h in [c.household]}
    book = load_workbook(io.BytesIO(content), read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if value is None else value for value in row]
            while cells and cells[-1] == "":
                cells.pop()
            rows.append(cells)
        kind = rows[3][0] if len(rows) > 3 and rows[3] else ""
        for cells in rows[4:]:
            if kind == "Referral number":
                cells[0] = referrals[cells[0]]
            elif kind == "Household number":
                cells[0] = homes[cells[0]]
        sheets[sheet.title] = rows
    produced = next(row for row in sheets["Return"] if row and row[0] == "Produced")
    produced[1] = "(time produced)"
    return sheets


def test_the_workbook_keeps_its_sheets_headers_and_values(client: Any, world: World) -> None:
    """The whole workbook, cell by cell, against a snapshot taken from the openpyxl writer it replaced
    (the same sheets in the same order, the same headers, the same values and types)."""
    build(world)
    client.force_login(world.users["hos"])
    response = client.get(f"/fortnightly/return.xlsx?{ENDS}")
    assert response.status_code == 200
    assert workbook_contents(response.content, world) == json.loads(WORKBOOK_SNAPSHOT.read_text())


def test_the_figures_across_fortnights_are_each_fortnights_own_return(
    client: Any, world: World, other_world: World
) -> None:
    build(world)
    build_other(other_world)
    hos = world.users["hos"]
    across = selectors.across_fortnights(user=hos, ends=PERIOD)
    assert [f.period for f in across][-1] == PERIOD
    assert len(across) == selectors.ACROSS_FORTNIGHTS
    assert [f.period.ends_on for f in across] == sorted(f.period.ends_on for f in across)
    for item in across:
        own = selectors.fortnightly_return(user=hos, period=item.period).by_key
        for key, figure in item.figures.items():
            assert (figure.value, figure.of) == (own[key].value, own[key].of), (item.period, key)
    # Amira was seen face to face on 12 April: in the 4 weeks to 3 May, not in those to 17 May.
    assert across[-2].figures["cpp_seen_face_to_face"].value == 1
    assert across[-1].figures["cpp_seen_face_to_face"].value == 0

    client.force_login(hos)
    page = client.get(f"{URL}across/?{ENDS}").content.decode()
    assert 'data-testid="chart-fortnights-seen"' in page
    assert 'data-testid="chart-fortnights-face-to-face"' in page
    assert "Children seen in the last 4 weeks, as a share of each group, by fortnight" in page
    # The table behind the chart holds each fortnight, named by its last day.
    assert "17 May" in page
    assert "3 May" in page
    assert f'href="{URL}across/?{ENDS}"' in client.get(f"{URL}?{ENDS}").content.decode()
    client.force_login(world.users["sw"])
    assert client.get(f"{URL}across/?{ENDS}").status_code == 403
