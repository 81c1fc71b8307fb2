"""continuity import-cin FILE.xml [--la CODE] [--year YYYY] [--skip-rejected] [--user NAME] [--report CSV]"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.core import clock
from casework.returns.cin_import import import_cin, issues_as_rows
from casework.returns.management.commands._cin_common import find_la, find_user
from casework.returns.models import ImportRun

SHOWN_ISSUES = 20


class Command(BaseCommand):
    help = "Import a Children in Need census (XML): children, CIN episodes, assessments, S47s, CP plans."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CIN census XML file")
        parser.add_argument("--la", help="The LA's ONS code or LA number (optional when there is one LA)")
        parser.add_argument("--year", type=int, help="The census year expected (the year it ends, e.g. 2026)")
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="Import the children that can be stored and skip the rest (default: all or nothing)",
        )
        parser.add_argument("--user", help="Record the import as done by this user")
        parser.add_argument("--report", help="Write every issue to this CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        la = find_la(options["la"])
        actor = find_user(options["user"], la)
        mode = ImportRun.Mode.STORABLE if options["skip_rejected"] else ImportRun.Mode.ALL_OR_NOTHING
        run = import_cin(
            la=la, path=Path(options["file"]), actor=actor, mode=mode, expected_year=options["year"],
            today=clock.today(),
        )  # fmt: skip
        self.stdout.write(f"{run.get_status_display()}: {run.message}")
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
            self.stdout.write(
                f"  [{issue.severity}] {issue.file_name} {issue.location}{who}: {issue.message}.{fix}"
            )
        if options["report"]:
            with Path(options["report"]).open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(issues_as_rows(run))
            self.stdout.write(f"Every issue is in {options['report']}.")
        if run.status != ImportRun.Status.DONE:
            raise SystemExit(1)
