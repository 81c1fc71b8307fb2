"""The cross-app effects mechanism and the child page's sections: explicit, documented, transactional."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction

from casework.children import sections
from casework.core import effects
from casework.core.models import LocalAuthority

ARCHITECTURE = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


def _documented_rows(heading: str) -> list[tuple[str, str]]:
    text = ARCHITECTURE.read_text()
    part = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([\w.]+)` \| `?([^|`]+?)`? \|$", part, flags=re.M)


def test_every_event_and_subscriber_is_documented_in_the_architecture_notes():
    """docs/architecture.md lists exactly the subscriptions the apps make, in the order they run."""
    documented = _documented_rows("## Side effects across apps")
    registered = [
        (event, handler) for event, handlers in effects.subscribers().items() for handler in handlers
    ]
    assert sorted(documented) == sorted(registered)
    assert registered, "the apps subscribe to at least the register's events"


def test_every_section_of_the_child_page_is_documented_in_order():
    documented = [provider for provider, _ in _documented_rows("## Sections of the child's record page")]
    assert documented == sections.providers()


@dataclass(frozen=True)
class _Happened:
    la_code: str


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_rolls_back_the_write_that_announced_it():
    """Handlers run inside the writer's transaction: when one raises, the write is undone with it."""

    def first(event: _Happened) -> None:
        LocalAuthority.objects.create(name="Written by a handler", ons_code="E09999998", lea_code="998")

    def second(event: _Happened) -> None:
        raise RuntimeError("the second handler fails")

    effects.subscribe(_Happened, first)
    effects.subscribe(_Happened, second)

    @transaction.atomic
    def service() -> None:
        LocalAuthority.objects.create(name="Written by the service", ons_code="E09999999", lea_code="999")
        effects.announce(_Happened(la_code="E09999999"))

    try:
        with pytest.raises(RuntimeError):
            service()
    finally:
        effects._subscribers.pop(_Happened, None)
    assert not LocalAuthority.objects.filter(ons_code__in=["E09999998", "E09999999"]).exists()


@pytest.mark.django_db
def test_subscribing_twice_runs_a_handler_once():
    calls: list[object] = []
    effects.subscribe(_Happened, calls.append)
    effects.subscribe(_Happened, calls.append)
    try:
        effects.announce(_Happened(la_code="x"))
    finally:
        effects._subscribers.pop(_Happened, None)
    assert len(calls) == 1
