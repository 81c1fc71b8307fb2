"""continuity import-903 FOLDER [--la CODE] [--year YYYY] [--skip-rejected] [--user NAME] [--report CSV]"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.core import clock
from casework.returns.lac_import import import_903
from casework.returns.management.commands._cin_common import find_la, find_user
from casework.returns.models import ImportRun

SHOWN_ISSUES = 20
REPORT_COLUMNS = ("severity", "file", "location", "child", "field", "value", "message", "fix")


def write_report(run: ImportRun, path: Path) -> None:
    """Every kept issue of the run, one a row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for issue in run.issues.order_by("id").iterator(chunk_size=2000):
            writer.writerow(
                [issue.severity, issue.file_name, issue.location, issue.la_child_id, issue.field,
                 issue.value, issue.message, issue.fix]
            )  # fmt: skip


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
        run = import_903(
            la=la, paths=paths, actor=actor, mode=mode, year=options["year"], today=clock.today()
        )
        self.stdout.write(f"{run.get_status_display()}: {run.message}")
        if run.collection_year:
            self.stdout.write(f"Collection year: {run.collection_year - 1}-{run.collection_year % 100:02d}")
        children = run.counts.get("children", {})
        if children:
            self.stdout.write(
                "Children: " + ", ".join(f"{name} {count:,}" for name, count in children.items())
            )
        for name, count in sorted(run.counts.get("records", {}).items()):
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(
            f"Rejected records: {run.rejected_count:,}; DfE rule breaches: {run.breach_count:,}"
        )
        for issue in run.issues.order_by("id")[:SHOWN_ISSUES]:
            who = f" child {issue.la_child_id}" if issue.la_child_id else ""
            fix = f" Fix: {issue.fix}" if issue.fix else ""
            self.stdout.write(f"  [{issue.severity}] {issue.location}{who}: {issue.message}.{fix}")
        if options["report"]:
            write_report(run, Path(options["report"]))
            self.stdout.write(f"Every issue is in {options['report']}.")
        if run.status != ImportRun.Status.DONE:
            raise SystemExit(1)
