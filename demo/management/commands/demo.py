"""`continuity demo --children N [--seed S] [--la-name NAME] [--today YYYY-MM-DD]`"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.core import clock
from demo.service import (
    DEFAULT_CHILDREN,
    DEFAULT_LA_NAME,
    DEFAULT_SEED,
    DemoError,
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

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or clock.today()
        if isinstance(today, str):
            today = _date(today)
        try:
            summary = generate_demo(
                children=options["children"], seed=options["seed"], today=today, la_name=options["la_name"]
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(summary.describe())
        self.stdout.write("Sign-ins: continuity demo_logins")
