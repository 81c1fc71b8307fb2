"""The deadlines page's chart: deadlines due each month by whether they were met on time, late or not
met, counted over the deadlines the reader may see."""

from __future__ import annotations

from datetime import date

import pytest

from casework.safeguarding import selectors
from casework.safeguarding.models import Deadline

pytestmark = pytest.mark.django_db
TODAY = date(2020, 6, 15)


def deadline(world, child_key, due_on, met_on=None, rule="sin.notification", n=[0]):  # noqa: B006
    n[0] += 1
    child = world.children[child_key]
    return Deadline.objects.create(
        la=world.la,
        child=child,
        rule_id=rule,
        subject_type="incident",
        subject_id=n[0],
        event_on=due_on,
        due_on=due_on,
        normal_due_on=due_on,
        regime="normal",
        met_on=met_on,
    )


def test_deadlines_are_counted_by_the_month_they_fell_due_and_how_they_were_met(world, monkeypatch):
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)
    deadline(world, "jon", date(2020, 4, 10), met_on=date(2020, 4, 9))  # on time
    deadline(world, "jon", date(2020, 4, 20), met_on=date(2020, 4, 20))  # on the day: on time
    deadline(world, "jon", date(2020, 5, 11), met_on=date(2020, 5, 13))  # late
    deadline(world, "jon", date(2020, 6, 1))  # not met
    deadline(world, "jon", date(2020, 6, 30))  # not due yet: not counted
    deadline(world, "south", date(2020, 5, 4))  # another team's child: not for a North practitioner
    deadline(world, "jon", date(2019, 1, 4))  # before the months shown

    months = selectors.deadlines_by_month(user=world.users["sw"], today=TODAY)
    assert len(months) == 12
    assert months[0].month == date(2019, 7, 1)
    by_month = {m.month: (m.on_time, m.late, m.missed) for m in months}
    assert by_month[date(2020, 4, 1)] == (2, 0, 0)
    assert by_month[date(2020, 5, 1)] == (0, 1, 0)
    assert by_month[date(2020, 6, 1)] == (0, 0, 1)
    assert sum(sum(v) for v in by_month.values()) == 4

    head = selectors.deadlines_by_month(user=world.users["hos"], today=TODAY)
    assert {m.month: m.missed for m in head}[date(2020, 5, 1)] == 1


def test_the_deadlines_page_shows_the_chart_in_words(client, world, monkeypatch):
    monkeypatch.setattr("casework.core.clock.today", lambda: TODAY)
    deadline(world, "jon", date(2020, 4, 10), met_on=date(2020, 4, 9))
    deadline(world, "jon", date(2020, 5, 11))
    client.force_login(world.users["tm"])
    page = client.get("/deadlines/").content.decode()
    assert 'data-testid="chart-deadlines-by-month"' in page
    assert "Of 2 deadlines due since July 2019, 1 (50%) were met on time, 0 late and 1 not met." in page
