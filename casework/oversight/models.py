from __future__ import annotations

from django.db import models

from casework.core.models import TenantModel

__all__ = ["WeeklyFigures"]


class WeeklyFigures(TenantModel):
    """An LA's contact figures for one week (Monday to Sunday), worked out from the contacts recorded,
    for the charts of contact over time (`casework.oversight.trends`). Derived data, not a record: it is
    recomputed from the contacts whenever `refresh_weekly_figures` runs (nightly, and after the demo
    loads), so it carries no history of its own; `computed_at` says how fresh it is."""

    week_starting = models.DateField()
    open_cases = models.PositiveIntegerField()
    seen = models.PositiveIntegerField(help_text="Children seen (by any means) at least once in the week")
    seen_face_to_face = models.PositiveIntegerField()
    seen_alone = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["la", "week_starting"]
        constraints = [
            models.UniqueConstraint(fields=["la", "week_starting"], name="weekly_figures_one_per_week")
        ]
