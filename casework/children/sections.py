"""What the apps above the register add to a child's record page.

The record page belongs to the register, but much of what a worker needs on it (the rating and plan,
recent contacts, deadlines and meetings) is kept by the apps above it, which the register may not
import. Each of those apps registers a section provider in its `AppConfig.ready()`:

    sections.register(contact_section)

A provider takes the signed-in user, the child (already loaded through `children_visible_to`, so
visible to them) and today's date, and returns the template context it adds. Providers run in the
order the apps are installed. docs/architecture.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child

SectionProvider = Callable[["User", "Child", date], dict[str, Any]]

_providers: list[SectionProvider] = []


def register(provider: SectionProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def context_for(*, user: User, child: Child, today: date) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _providers:
        context.update(provider(user, child, today))
    return context


def providers() -> list[str]:
    return [f"{p.__module__}.{p.__qualname__}" for p in _providers]
