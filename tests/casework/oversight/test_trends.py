"""Figures over time for the oversight charts (casework.oversight.trends) and the charts on the cohort
page: counted from the records, each child once a week, only the LA's own."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from casework.accounts.models import StaffAbsence
from casework.children.models import LegalStatus
from casework.contacts.due import refresh_due_states
from casework.contacts.models import Contact
from casework.oversight import trends
from casework.oversight.models import WeeklyFigures
from casework.policy.models import EmergencyDeclaration
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 16)  # the week of TODAY (Friday 20 November 2026)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)


def contact(world, child_key, day, *, mode="home", seen=True, alone=None, hour=10):
    return Contact.objects.create(
        la=world.la,
        child=world.children[child_key],
        occurred_at=datetime(day.year, day.month, day.day, hour, tzinfo=LONDON),
        mode=mode,
        made_by=world.users["sw"],
        child_seen=seen,
        child_seen_alone=alone,
        outcome="Visited",
        regime="normal",
    )


def declare(world, starts_on):
    return EmergencyDeclaration.objects.create(
        la=world.la,
        name="Lockdown",
        starts_on=starts_on,
        rating_target_date=starts_on + timedelta(days=14),
        reason="COVID-19",
        declared_by=world.users["hos"],
    )


def test_each_child_counts_once_a_week_by_how_they_were_seen(world, other_world):
    declare(world, MONDAY - timedelta(weeks=2))
    LegalStatus.objects.create(
        la=world.la, child=world.children["amira"], kind="cin", starts_on=date(2026, 1, 5)
    )
    contact(world, "jon", MONDAY, mode="home", alone=True)
    contact(world, "jon", MONDAY + timedelta(days=2), mode="phone")  # the same week: still one child
    contact(world, "amira", MONDAY + timedelta(days=1), mode="video")
    contact(world, "amira", MONDAY - timedelta(days=1), mode="home", seen=False)  # not seen: not counted
    contact(world, "jon", MONDAY - timedelta(days=7), mode="doorstep")  # last Monday
    contact(world, "amira", MONDAY - timedelta(days=1), mode="video", hour=23)  # last Sunday, late
    contact(other_world, "jon", MONDAY, mode="home")  # another LA's contact

    assert trends.refresh_weekly_figures(la_id=world.la.pk, today=TODAY) == 3
    weeks = {w.week_starting: w for w in WeeklyFigures.objects.filter(la=world.la)}
    this, last, before = weeks[MONDAY], weeks[MONDAY - timedelta(weeks=1)], weeks[MONDAY - timedelta(weeks=2)]
    assert (this.open_cases, this.seen, this.seen_face_to_face, this.seen_alone) == (2, 2, 1, 1)
    assert (last.seen, last.seen_face_to_face) == (2, 1)
    assert (before.seen, before.seen_face_to_face) == (0, 0)
    assert not WeeklyFigures.objects.filter(la=other_world.la).exists()


def test_a_later_run_recomputes_the_recent_weeks_and_keeps_the_older_ones(world):
    declare(world, MONDAY - timedelta(weeks=6))
    trends.refresh_weekly_figures(la_id=world.la.pk, today=TODAY)
    assert WeeklyFigures.objects.filter(la=world.la).count() == 7
    contact(world, "jon", MONDAY - timedelta(weeks=1))  # recorded late, last week
    contact(world, "jon", MONDAY - timedelta(weeks=5))  # recorded very late: outside the recomputed weeks

    written = trends.refresh_weekly_figures(la_id=world.la.pk, today=TODAY)

    assert written == trends.RECOMPUTE_WEEKS + 1
    weeks = {w.week_starting: w.seen for w in WeeklyFigures.objects.filter(la=world.la)}
    assert weeks[MONDAY - timedelta(weeks=1)] == 1
    assert weeks[MONDAY - timedelta(weeks=5)] == 0
    trends.refresh_weekly_figures(la_id=world.la.pk, today=TODAY, since=MONDAY - timedelta(weeks=6))
    assert WeeklyFigures.objects.get(la=world.la, week_starting=MONDAY - timedelta(weeks=5)).seen == 1


def test_without_an_emergency_the_charts_look_back_twelve_weeks(world):
    assert trends.trend_start(la_id=world.la.pk, today=TODAY) == TODAY - timedelta(weeks=12)
    declare(world, date(2026, 9, 1))
    assert trends.trend_start(la_id=world.la.pk, today=TODAY) == date(2026, 9, 1)


def test_staff_off_each_day_counts_absences_that_cover_the_day(world):
    declare(world, TODAY - timedelta(days=4))
    sw = world.users["sw"]
    StaffAbsence.objects.create(
        la=world.la,
        user=sw,
        status="sick",
        starts_on=TODAY - timedelta(days=3),
        ends_on=TODAY - timedelta(days=2),
    )
    StaffAbsence.objects.create(
        la=world.la, user=world.users["sw2"], status="shielding", starts_on=TODAY - timedelta(days=2)
    )
    leaver = world.users["bs"]
    StaffAbsence.objects.create(la=world.la, user=leaver, status="leave", starts_on=TODAY - timedelta(days=4))
    leaver.is_active = False
    leaver.save()

    days = trends.staff_by_day(la_id=world.la.pk, today=TODAY, active=10)

    assert [(d.day, d.off, d.available) for d in days] == [
        (TODAY - timedelta(days=4), 0, 10),
        (TODAY - timedelta(days=3), 1, 9),
        (TODAY - timedelta(days=2), 2, 8),
        (TODAY - timedelta(days=1), 1, 9),
        (TODAY, 1, 9),
    ]


def test_the_cohort_page_draws_its_charts_from_the_figures_it_counts(client, world):
    declare(world, MONDAY - timedelta(weeks=1))
    contact(world, "jon", MONDAY)
    trends.refresh_weekly_figures(la_id=world.la.pk, today=TODAY)
    refresh_due_states(la_id=world.la.pk, today=TODAY)
    client.force_login(world.users["hos"])

    page = client.get("/oversight/").content.decode()

    for chart in ("cohort", "contact-over-time", "staff-over-time", "rerate-progress"):
        assert f'data-testid="chart-{chart}"' in page
    assert "1 children have an open case: 0 red (0%), 0 amber (0%), 0 green (0%), 1 not rated (100%)." in page
    # One open case (Jonathan), seen face to face this week: 100%.
    assert "Open cases seen in the week: 0% (9 Nov) to 100% (16 Nov), up 100." in page
    assert "style=" not in page


def test_weeks_are_london_weeks_in_summer_time(world):
    # Midnight on Monday 6 April 2020 in London is 23:00 on Sunday in UTC: it belongs to the week of 6 April.
    declare(world, date(2020, 3, 23))
    contact(world, "jon", date(2020, 4, 6), hour=0)
    trends.refresh_weekly_figures(la_id=world.la.pk, today=date(2020, 4, 12))
    weeks = {w.week_starting: w.seen for w in WeeklyFigures.objects.filter(la=world.la)}
    assert weeks == {date(2020, 3, 23): 0, date(2020, 3, 30): 0, date(2020, 4, 6): 1}
