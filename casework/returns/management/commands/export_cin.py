"""continuity export-cin FILE.xml --year YYYY [--la CODE] [--user USERNAME]"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.returns.cin_export import export_cin
from casework.returns.management.commands._returns_common import audit_command, find_la, find_user


class Command(BaseCommand):
    help = "Export the LA's Children in Need census for a collection year (the current DfE format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the census XML")
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends, e.g. 2026")
        parser.add_argument("--la", help="The LA's ONS code or LA number (optional when there is one LA)")
        parser.add_argument("--user", help="Record the export as done by this user")

    def handle(self, *args: Any, **options: Any) -> None:
        la = find_la(options["la"])
        actor = find_user(options["user"], la)
        started = time.monotonic()
        try:
            run = export_cin(la=la, year=options["year"], out=Path(options["file"]), actor=actor)
        except ValueError as error:
            raise CommandError(str(error)) from None
        audit_command(
            la=la,
            actor=actor,
            action="return_exported",
            target=run,
            summary=f"CIN census {options['year']} exported to {options['file']}",
        )
        counts = ", ".join(f"{name} {count:,}" for name, count in sorted(run.counts.items()))
        self.stdout.write(
            f"Wrote the {la.name} CIN census {options['year']} to {options['file']} "
            f"({counts or 'no children'}) in {time.monotonic() - started:.1f} s."
        )
