"""Due states stay right when several people record contacts at the same moment.

`make run` serves on 8 threads (waitress), so contact_record, and the due-state refresh inside it, runs
concurrently in one process. Each thread here has its own database connection, as a request does.
"""

from __future__ import annotations

import sys
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from casework.children.models import LegalStatus
from casework.contacts import services
from casework.contacts.due import DUE_COLUMNS, refresh_due_states
from casework.contacts.models import DueState
from tests.conftest import make_child

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)
THREADS = 8
ROUNDS = 12
SWITCH_INTERVAL = 1e-4  # seconds (the default is 5 ms)
COMPARED = [c for c in DUE_COLUMNS if c != "computed_at"]


def due_rows(la_id: int) -> dict[int, tuple[object, ...]]:
    return {
        row[0]: row
        for row in DueState.objects.filter(la_id=la_id).order_by("child_id").values_list(*COMPARED)
    }


@pytest.mark.django_db(transaction=True)
def test_contacts_recorded_on_many_threads_at_once_refresh_each_childs_own_due_state(world):
    children = [
        make_child(
            world, f"c{i}", f"Child{i}", "Parallel", team=world.teams["north"], worker=world.users["sw"]
        )
        for i in range(THREADS)
    ]
    for child in children:
        LegalStatus.objects.create(la=world.la, child=child, kind="cin", starts_on=date(2020, 1, 6))
    actor = world.users["hos"]
    first_day = NOW.date() - timedelta(days=ROUNDS + 1)
    barrier = threading.Barrier(THREADS)
    failures: list[str] = []

    def worker(index: int) -> None:
        child = children[index]
        try:
            for round_ in range(ROUNDS):
                day = first_day + timedelta(days=round_)
                barrier.wait(timeout=60)  # every thread saves in the same instant
                services.contact_record(
                    actor=actor,
                    child=child,
                    occurred_at=datetime(day.year, day.month, day.day, 10, tzinfo=LONDON),
                    mode="home",
                    child_seen=True,
                    child_seen_alone=index % 2 == 0,
                    outcome=f"Visit {round_}",
                    now=NOW,
                )
                # The save's own refresh must have brought this child's due state up to this contact.
                seen = DueState.objects.filter(child=child).values_list("last_contact_on", flat=True).first()
                if seen != day:
                    failures.append(f"{child.first_name} round {round_}: last contact {seen}, expected {day}")
        except Exception as error:  # noqa: BLE001 - any failure in a thread is reported by the test
            failures.append(f"{child.first_name}: {type(error).__name__}: {error}")
            barrier.abort()
        finally:
            connection.close()  # each thread's own connection

    # Switch threads far more often than the default 5 ms, so interleavings a busy server meets by chance
    # happen within a short test.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        sys.setswitchinterval(interval)

    assert not failures, "\n".join(failures[:20])
    after_requests = due_rows(world.la.pk)
    refresh_due_states(la_id=world.la.pk, today=NOW.date())
    recomputed = due_rows(world.la.pk)
    for child in children:
        assert after_requests[child.pk] == recomputed[child.pk]
