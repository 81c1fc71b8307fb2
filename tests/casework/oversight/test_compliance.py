"""The head of service's figures (oversight.selectors.compliance), added up from grouped rows, against a
count of the due states one by one on varied data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.contacts.access import due_states_visible_to
from casework.contacts.due import refresh_due_states
from casework.contacts.models import DueState
from casework.oversight import selectors
from tests.conftest import make_child

pytestmark = pytest.mark.django_db

STATUSES = [[], ["cin"], ["cp", "cin"], ["lac"], ["lac", "cp"], ["care_leaver"], ["cin", "cin"]]
RATINGS = ["red", "amber", "green", ""]


def one_by_one(states: list[DueState], today) -> dict[str, int]:
    f2f, alone = today - timedelta(days=14), today - timedelta(days=28)
    open_ = [s for s in states if s.open_statuses]
    figures = {
        "open": len(open_),
        "with_plan": sum(s.next_due is not None for s in open_),
        "within_plan": sum(s.next_due is not None and s.next_due >= today for s in open_),
        "overdue": sum(s.next_due is not None and s.next_due < today for s in open_),
        "face_to_face_14": sum(
            s.last_face_to_face_on is not None and s.last_face_to_face_on >= f2f for s in open_
        ),
        "seen_alone_28": sum(
            s.last_seen_alone_on is not None and s.last_seen_alone_on >= alone for s in open_
        ),
    }
    figures["not_face_to_face_14"] = figures["open"] - figures["face_to_face_14"]
    figures["not_seen_alone_28"] = figures["open"] - figures["seen_alone_28"]
    for key, _ in selectors.RATING_COLUMNS:
        rated = [s for s in open_ if (s.rating if s.rating in {"red", "amber", "green"} else "none") == key]
        figures[f"rating_{key}"] = len(rated)
        for kind in selectors.LegalStatusKind.values:
            figures[f"cell_{kind}_{key}"] = sum(kind in s.open_statuses for s in rated)
    return figures


def test_the_figures_and_the_matrix_match_a_count_of_each_due_state(world, today):
    team, worker = world.teams["north"], world.users["sw"]
    for n in range(25):
        make_child(world, f"c{n}", "Child", f"Number{n}", team=team, worker=worker)
    refresh_due_states(la_id=world.la.pk, today=today)
    days = [None, today - timedelta(days=40), today - timedelta(days=20), today - timedelta(days=3), today]
    for n, state in enumerate(DueState.objects.filter(la=world.la).order_by("pk")):
        statuses, rating, day = STATUSES[n % 7], RATINGS[n % 4], days[n % 5]  # every pairing by n = 140
        DueState.objects.filter(pk=state.pk).update(
            open_statuses=statuses,
            rating=rating,
            next_due=day and day + timedelta(days=5),
            last_face_to_face_on=day,
            last_seen_alone_on=day and day - timedelta(days=10),
        )
    due = due_states_visible_to(world.users["hos"])
    figures = selectors.compliance(due=due, today=today)
    assert figures == one_by_one(list(due), today)
    assert figures["open"] > 10
    assert figures["cell_cin_red"] > 0
    assert figures["cell_lac_none"] > 0
