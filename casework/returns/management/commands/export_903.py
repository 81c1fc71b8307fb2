"""continuity export-903 FOLDER --year YYYY [--la CODE] [--user NAME]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.returns.lac_export import export_903
from casework.returns.management.commands._returns_common import audit_command, find_la, find_user
from domain.census.years import FIRST_SUPPORTED_EXPORT_YEAR


class Command(BaseCommand):
    help = "Export the LA's SSDA903 return for a collection year: one CSV per DfE table, into FOLDER."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="The folder to write the CSV files into (created if need be)")
        parser.add_argument("--year", type=int, required=True, help="The collection year (the year it ends)")
        parser.add_argument("--la", help="The LA's ONS code or LA number (optional when there is one LA)")
        parser.add_argument("--user", help="Record the export as done by this user")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["year"] < FIRST_SUPPORTED_EXPORT_YEAR:
            raise CommandError(f"The SSDA903 can be exported for {FIRST_SUPPORTED_EXPORT_YEAR} onwards.")
        la = find_la(options["la"])
        actor = find_user(options["user"], la)
        run = export_903(la=la, year=options["year"], folder=options["folder"], actor=actor)
        audit_command(
            la=la,
            actor=actor,
            action="return_exported",
            target=run,
            summary=f"SSDA903 {options['year']} exported to {options['folder']}",
        )
        self.stdout.write(
            f"SSDA903 {options['year'] - 1}-{options['year'] % 100:02d} for {la.name}: "
            f"{run.children:,} children, written to {options['folder']}"
        )
        for name, count in run.counts.items():
            self.stdout.write(f"  {name}: {count:,}")
