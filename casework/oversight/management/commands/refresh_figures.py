"""Run nightly (cron or a scheduler), after `refresh_due_states`: work out each LA's weekly contact
figures for the oversight charts (`casework.oversight.trends`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from casework.core import clock
from casework.core.models import LocalAuthority
from casework.oversight.trends import refresh_weekly_figures


class Command(BaseCommand):
    help = "Work out every LA's weekly contact figures for the charts (run nightly)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        for la in LocalAuthority.objects.all():
            started = time.perf_counter()
            weeks = refresh_weekly_figures(la_id=la.pk, today=today)
            self.stdout.write(f"{la.name}: {weeks} weeks of figures in {time.perf_counter() - started:.1f} s")
