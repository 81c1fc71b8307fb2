from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def days_before(value: date | None, today: date) -> int | None:
    """How many days `value` is before `today` (days overdue for a due date)."""
    if value is None:
        return None
    return (today - value).days
