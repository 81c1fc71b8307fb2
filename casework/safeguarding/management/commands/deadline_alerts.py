"""Run daily (cron or a scheduler): alert managers to deadlines 2 working days away and to missed ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casework.core import clock
from casework.core.models import LocalAuthority
from casework.safeguarding.alerts import deadline_alerts


class Command(BaseCommand):
    help = "Alert managers to statutory deadlines due within 2 working days and to missed deadlines."

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        for la in LocalAuthority.objects.all():
            sent = deadline_alerts(la_id=la.pk, today=today)
            self.stdout.write(f"{la.name}: {sent} alert(s)")
