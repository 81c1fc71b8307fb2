"""Run nightly (cron or a scheduler): recompute every child's due state for the new day, so that statuses
which ended and regimes or RAG settings which changed are reflected in worklists and LA-wide figures."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from casework.contacts.due import refresh_due_states
from casework.core import clock
from casework.core.models import LocalAuthority


class Command(BaseCommand):
    help = "Recompute every child's due state (run nightly, and after a regime or RAG settings change)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        for la in LocalAuthority.objects.all():
            started = time.perf_counter()
            written = refresh_due_states(la_id=la.pk, today=today)
            self.stdout.write(f"{la.name}: {written} due states in {time.perf_counter() - started:.1f} s")
