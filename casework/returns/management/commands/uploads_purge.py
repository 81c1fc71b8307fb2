"""continuity uploads-purge [--days N]: delete uploaded returns kept past their retention period.

The worker does this every few minutes by itself; the command is for a deployment that runs imports
only from the command line, or to purge at once. Each deletion is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from casework.returns import supervision


class Command(BaseCommand):
    help = "Delete uploaded returns kept longer than UPLOAD_RETENTION_DAYS (each deletion audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=settings.UPLOAD_RETENTION_DAYS, help="Retention period in days"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = supervision.purge_uploads(days=options["days"])
        deleted += supervision.purge_orphans(days=options["days"])
        self.stdout.write(f"Deleted {deleted} upload(s) kept longer than {options['days']} day(s).")
