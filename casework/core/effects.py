"""Side effects that cross apps: one explicit mechanism, run inside the writer's transaction.

A service in a lower app says what it did by announcing an event, a frozen dataclass defined beside
the service (`casework/<app>/events.py`):

    effects.announce(StatusesChanged(la_id=child.la_id, child_ids=(child.pk,), today=today))

and the apps above it that must react subscribe, in their `AppConfig.ready()`:

    effects.subscribe(StatusesChanged, due_states_refresh_for_event)

Handlers run at once, in the order the apps are installed, inside the caller's transaction: a handler
that raises rolls the whole write back and the caller sees its error (a `ValidationError` reaches the
form like any other). Nothing is queued, deferred or run on commit, so a reader of a write knows its
consequences by the event's name: `grep -rn "subscribe(StatusesChanged"` lists them, and
docs/architecture.md lists every event with its subscribers (tests/casework/core/test_effects.py keeps
that list true). Django signals are not used for this: their receivers are found only by reading every app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

Event = TypeVar("Event")
Handler = Callable[[Any], None]

_subscribers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[Event], handler: Callable[[Event], None]) -> None:
    """Run `handler` whenever an `event_type` is announced (idempotent: subscribing twice runs it once)."""
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def announce(event: object) -> None:
    """Run every handler subscribed to the event's type, now, in the caller's transaction.

    Called inside a service that is itself atomic; the savepoint here only makes sure that a handler
    writing outside one (a command, a shell) is still all-or-nothing with the others.
    """
    handlers = list(_subscribers.get(type(event), ()))
    if not handlers:
        return
    with transaction.atomic():
        for handler in handlers:
            handler(event)


def subscribers() -> dict[str, list[str]]:
    """Every event type with the dotted names of its handlers, in the order they run."""
    return {
        f"{t.__module__}.{t.__qualname__}": [f"{h.__module__}.{h.__qualname__}" for h in handlers]
        for t, handlers in sorted(_subscribers.items(), key=lambda item: item[0].__qualname__)
    }
