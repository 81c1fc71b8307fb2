"""Every list is paged with its true count and downloads the same filtered rows as CSV and XLSX, audited
(issue 11; casework/core/listing.py). One test per list, each through `check_list`."""

from __future__ import annotations

import pytest

from tests.casework.lists import check_list

pytestmark = pytest.mark.django_db


def test_the_drill_down_list(client, world, monkeypatch):
    client.force_login(world.users["hos"])
    rows = check_list(
        client,
        f"/oversight/children/?team={world.teams['north'].pk}",
        name="children",
        count=2,
        key="Name",
        monkeypatch=monkeypatch,
    )
    assert {r[1] for r in rows[1:]} == {"Jonathan Smith", "Amira Khan"}
    assert rows[0][:2] == ["LA child ID", "Name"]


def _incidents(world, today):
    from datetime import date

    from casework.safeguarding import services

    for key in ("jon", "amira", "south"):
        services.incident_record(
            actor=world.users["hos"],
            child=world.children[key],
            occurred_on=date(2020, 5, 2),
            aware_on=date(2020, 5, 4),
            summary="x",
            today=today,
        )


def test_the_deadlines_list_is_one_group_at_a_time(client, world, today, monkeypatch):
    _incidents(world, today)
    client.force_login(world.users["tm"])  # the North team's: two of the three children
    rows = check_list(
        client,
        "/deadlines/?group=overdue&rule=sin.notification",
        name="deadlines",
        count=2,
        key="Child",
        monkeypatch=monkeypatch,
    )
    assert {r[2] for r in rows[1:]} == {"Jonathan Smith", "Amira Khan"}
    assert len({r[0] for r in rows[1:]}) == 1  # the one timescale filtered on
    page = client.get("/deadlines/?rule=sin.notification").content.decode()
    assert 'aria-current="page"><strong>Overdue (2)</strong>' in page
    assert "Met late (0)" in page


def _referrals(world, keys, days_ago=(3, 2, 1)):
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from casework.core import clock
    from casework.safeguarding import services

    today = clock.today()
    made = []
    for key, ago in zip(keys, days_ago, strict=False):
        made.append(
            services.referral_record(
                actor=world.users["hos"],
                children=[world.children[key]],
                received_at=datetime.combine(
                    today - timedelta(days=ago), time(9), tzinfo=ZoneInfo("Europe/London")
                ),
                source="2A",
                concerns="Bruising",
                consent="given",
                now=datetime.combine(today, time(10), tzinfo=ZoneInfo("Europe/London")),
            )
        )
    return made


def test_the_front_door_lists(client, world, monkeypatch):
    _referrals(world, ["jon", "amira", "south"])
    client.force_login(world.users["tm"])  # North: the South child's referral is not theirs
    rows = check_list(
        client,
        "/referrals/",
        name="referrals-awaiting",
        count=2,
        key="Children",
        page_param="awaiting_page",
        monkeypatch=monkeypatch,
    )
    assert [r[3] for r in rows[1:]] == ["Jonathan Smith", "Amira Khan"]  # the oldest first
    assert "Olivia" not in str(rows)


def test_the_worklist(client, world, monkeypatch):
    from tests.conftest import make_child

    for name in ("Ada", "Bea"):
        make_child(world, name.lower(), name, "Caseload", team=world.teams["north"], worker=world.users["sw"])
    client.force_login(world.users["sw"])
    rows = check_list(client, "/worklist/", name="worklist", count=3, key="Child", monkeypatch=monkeypatch)
    assert {r[1] for r in rows[1:]} == {"Jonathan Smith", "Ada Caseload", "Bea Caseload"}
    assert "Amira" not in str(rows)  # another worker's


@pytest.mark.parametrize(
    ("section", "name", "key", "count"),
    [
        ("ratings", "sign-off-queue", "Child", 4),
        ("departures", "departures-awaiting", "Child", 4),
        ("overdue", "overdue-contacts", "Child", 5),
        ("queue", "rerate-queue", "Child", 4),
        ("reallocation", "reallocations", "Child", 5),
    ],
)
def test_the_team_oversight_lists(client, world, today, monkeypatch, section, name, key, count):
    from tests.casework.oversight.test_views import grow, sick, team_url

    monkeypatch.setattr("casework.core.clock.today", lambda: today)
    grow(world, today, 4, 0)
    sick(world, "sw", today)
    client.force_login(world.users["tm"])
    rows = check_list(
        client,
        f"{team_url(world)}?section={section}",
        name=name,
        count=count,
        key=key,
        page_param=f"{'ratings' if section == 'ratings' else section}_page",
        monkeypatch=monkeypatch,
    )
    assert "Olivia Brown" not in str(rows)  # the South team's
    page = client.get(f"{team_url(world)}?section={section}").content.decode()
    assert f"({count})</strong>" in page  # the section's count among the others'


def test_the_audit_log(client, world, monkeypatch):
    jon = world.children["jon"]
    client.force_login(world.users["hos"])
    client.get(f"/children/{jon.pk}/")
    client.force_login(world.users["sw"])
    client.get(f"/children/{jon.pk}/")
    client.get(f"/children/{world.children['amira'].pk}/")
    client.force_login(world.users["admin"])
    rows = check_list(
        client,
        f"/audit/?show=access&child={jon.pk}&outcome=viewed",
        name="audit-access",
        count=2,
        key="Who",
        monkeypatch=monkeypatch,
    )
    assert {r[2] for r in rows[1:]} == {world.users["hos"].username, world.users["sw"].username}
    assert {r[3] for r in rows[1:]} == {str(jon.pk)}


def test_the_decision_log(client, world, today, monkeypatch):
    from tests.casework.oversight.test_views import record_departure

    monkeypatch.setattr("casework.core.clock.today", lambda: today)
    record_departure(world, today, child="jon", rationale="First")
    record_departure(world, today, child="amira", actor="sw2", rationale="Second")
    record_departure(world, today, child="south", actor="sw_south", rationale="Third")
    client.force_login(world.users["hos"])
    rows = check_list(
        client,
        f"/decisions/?team={world.teams['north'].pk}",
        name="decision-log",
        count=2,
        key="Child",
        monkeypatch=monkeypatch,
    )
    assert {r[9] for r in rows[1:]} == {"First", "Second"}


def test_the_staff_list(client, world, monkeypatch):
    client.force_login(world.users["admin"])
    rows = check_list(
        client,
        f"/staff/?team={world.teams['north'].pk}&role=social_worker",
        name="staff",
        count=2,
        key="Username",
        monkeypatch=monkeypatch,
    )
    assert {r[1] for r in rows[1:]} == {world.users["sw"].username, world.users["sw2"].username}
    la_wide = client.get("/staff/?team=none").content.decode()
    assert f">{world.users['hos'].username}<" in la_wide
    assert f">{world.users['sw'].username}<" not in la_wide
