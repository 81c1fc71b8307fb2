from __future__ import annotations

from datetime import date

from django import template

from casework.core.charts import Chart
from casework.oversight import pictures
from casework.oversight.selectors import RerateProgress

register = template.Library()


@register.filter
def days_before(value: date | None, today: date) -> int | None:
    """How many days `value` is before `today` (days overdue for a due date)."""
    if value is None:
        return None
    return (today - value).days


@register.filter
def rerate_chart(progress: RerateProgress, by: str) -> Chart:
    """The re-rating progress as a chart (`casework.oversight.pictures`), by "Team" or "Worker"."""
    return pictures.rerate_chart(progress, by=by)
