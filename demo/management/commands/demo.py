"""`continuity demo --children N [--seed S] [--la-name NAME] [--today YYYY-MM-DD]`, or
`continuity demo --national [--national-scale F] [--national-las N]` for England's 153 authorities."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.core import clock
from demo.national import NATIONAL_LAS, NATIONAL_WORKERS, NationalAuthority, generate_national
from demo.service import (
    DEFAULT_CHILDREN,
    DEFAULT_LA_NAME,
    DEFAULT_SEED,
    DemoError,
    DemoSummary,
    generate_demo,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2020-04-01, not {text!r}") from error


class Command(BaseCommand):
    help = "Create a demo local authority of fictional children, families and staff (same seed, same data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=DEFAULT_CHILDREN, help="How many children.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (default 2020).")
        parser.add_argument("--la-name", default=DEFAULT_LA_NAME, help="Name of the demo authority.")
        parser.add_argument("--today", type=_date, default=None, help="The day the data runs to.")
        parser.add_argument(
            "--national",
            action="store_true",
            help="England's 153 authorities at national volumes (about 400,000 children) instead of one.",
        )
        parser.add_argument(
            "--national-scale",
            type=float,
            default=1.0,
            help="With --national: this fraction of the national volumes (e.g. 0.01 for a quick try).",
        )
        parser.add_argument(
            "--national-las", type=int, default=NATIONAL_LAS, help="With --national: how many authorities."
        )
        parser.add_argument(
            "--national-workers",
            type=int,
            default=NATIONAL_WORKERS,
            help=f"With --national: authorities made at once, one process each (default {NATIONAL_WORKERS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or clock.today()
        if isinstance(today, str):
            today = _date(today)
        try:
            if options["national"]:
                self._national(today, options)
            else:
                summary = generate_demo(
                    children=options["children"],
                    seed=options["seed"],
                    today=today,
                    la_name=options["la_name"],
                )
                self.stdout.write(summary.describe())
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Sign-ins: continuity demo_logins")

    def _national(self, today: date, options: dict[str, Any]) -> None:
        if not 0 < options["national_scale"] <= 1 or not 1 <= options["national_las"] <= NATIONAL_LAS:
            raise CommandError(
                f"--national-scale runs from 0 to 1 and --national-las from 1 to {NATIONAL_LAS}."
            )
        if options["national_workers"] < 1:
            raise CommandError("--national-workers needs at least 1.")
        started = time.perf_counter()

        def progress(authority: NationalAuthority, summary: DemoSummary | None) -> None:
            done = f"{summary.seconds:.1f} s" if summary else "already there"
            self.stdout.write(
                f"  {authority.index + 1:>3}. {authority.name}: {authority.children:,} children ({done})"
            )

        made = generate_national(
            today=today,
            count=options["national_las"],
            scale=options["national_scale"],
            seed=options["seed"],
            progress=progress,
            workers=options["national_workers"],
        )
        children = sum(summary.counts["children"] for summary in made)
        contacts = sum(summary.counts.get("contacts", 0) for summary in made)
        self.stdout.write(
            f"Created {len(made)} demo authorities, {children:,} children and {contacts:,} contacts "
            f"in {time.perf_counter() - started:.1f} s."
        )
