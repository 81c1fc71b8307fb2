"""`continuity fortnightly-return --user NAME [--ends YYYY-MM-DD] [--xlsx | --detail] [--output FILE]`:
the DfE fortnightly return made from the command line, as the named head of service or performance
analyst (whose access decides what is counted, and who is recorded in the audit as downloading it)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts.models import User
from casework.core import clock
from casework.fortnightly import services
from casework.fortnightly.views import can_make_return
from domain.fortnightly import fortnight_ending, latest_completed_fortnight


class Command(BaseCommand):
    help = "Write the DfE fortnightly return (VCYP survey) for a fortnight as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username of a head of service or analyst")
        parser.add_argument("--ends", help="last day of the fortnight (default: the latest that has ended)")
        parser.add_argument("--xlsx", action="store_true", help="a workbook with a sheet per measure")
        parser.add_argument("--detail", action="store_true", help="CSV of the records behind each figure")
        parser.add_argument("--output", "-o", help="file to write (default: standard output; CSV only)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or not can_make_return(user):
            raise CommandError("The user must be an active head of service or performance analyst")
        today = clock.today()
        period = latest_completed_fortnight(today)
        if options["ends"]:
            try:
                period = fortnight_ending(date.fromisoformat(options["ends"]))
            except ValueError as err:
                raise CommandError("--ends must be a date, YYYY-MM-DD") from err
            if not period.is_complete(today):
                raise CommandError("The fortnight has not ended yet")
        output = options["output"]
        if options["xlsx"]:
            if not output:
                raise CommandError("Give --output for a workbook")
            Path(output).write_bytes(services.return_xlsx(user=user, period=period))
        else:
            body = services.return_csv(user=user, period=period, detail=options["detail"])
            if not output:
                sys.stdout.write(body)
                return
            Path(output).write_text(body, encoding="utf-8")
        self.stderr.write(f"Wrote the return for {period.starts_on} to {period.ends_on} to {output}")
