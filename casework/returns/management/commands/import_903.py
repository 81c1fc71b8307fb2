"""continuity import-903 FOLDER [--la CODE] [--year YYYY] [--skip-rejected] [--user NAME] [--report CSV]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.core import clock
from casework.returns.lac_import import import_903
from casework.returns.management.commands._returns_common import (
    audit_command,
    cli_heartbeat,
    find_la,
    find_user,
    report_import,
)
from casework.returns.models import ImportRun


class Command(BaseCommand):
    help = "Import an SSDA903 return (a folder of its CSV tables): children, episodes, reviews, outcomes..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="+", help="The folder of the return's CSV files (or the files)")
        parser.add_argument("--la", help="The LA's ONS code or LA number (optional when there is one LA)")
        parser.add_argument("--year", type=int, help="The collection year (the year it ends, e.g. 2026)")
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="Import the records that can be stored and skip the rest (default: all or nothing)",
        )
        parser.add_argument("--user", help="Record the import as done by this user")
        parser.add_argument("--report", help="Write every issue to this CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        la = find_la(options["la"])
        actor = find_user(options["user"], la)
        mode = ImportRun.Mode.STORABLE if options["skip_rejected"] else ImportRun.Mode.ALL_OR_NOTHING
        given = options["folder"]
        paths: Path | list[Path] = Path(given[0]) if len(given) == 1 else [Path(p) for p in given]
        with cli_heartbeat():  # a heartbeat, so the reaper leaves this import alone
            run = import_903(
                la=la, paths=paths, actor=actor, mode=mode, year=options["year"], today=clock.today()
            )
        audit_command(
            la=la,
            actor=actor,
            action="return_imported",
            target=run,
            summary=f"SSDA903 {run.file_name} imported: {run.get_status_display().lower()}",
        )
        report_import(self, run, options["report"])
