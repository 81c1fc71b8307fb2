"""`continuity deadline RULE_ID EVENT_DATE`: a statutory deadline, with its source and the regime applied.

`continuity deadline --list` lists the rule ids. Plain Python over domain/timescales (the same engine the
app uses), so it needs no database.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from domain.calendar import WorkingCalendar
from domain.timescales import RULES, deadline

CONVENTION = (
    "Convention: 'within N working days of X' is the Nth working day after X (X never counts; weekends and "
    "England and Wales bank holidays are not working days); 'within N weeks/months' is the same calendar "
    "day N weeks/months later, clamped to the month's end."
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="continuity deadline", description=__doc__.splitlines()[0])
    parser.add_argument("rule_id", nargs="?")
    parser.add_argument("event_date", nargs="?", help="ISO date, e.g. 2020-04-24")
    parser.add_argument("--list", action="store_true", help="list the rule ids")
    args = parser.parse_args(argv)
    if args.list:
        for rule in RULES:
            flag = "" if rule.confirmed else "  [figure unconfirmed]"
            print(f"{rule.id:32} {rule.describe()}{flag}")
        return 0
    if not args.rule_id or not args.event_date:
        parser.print_usage(sys.stderr)
        return 2
    try:
        event = date.fromisoformat(args.event_date)
    except ValueError:
        print(f"EVENT_DATE must be an ISO date such as 2020-04-24, not {args.event_date!r}", file=sys.stderr)
        return 2
    try:
        result = deadline(
            args.rule_id, event, calendar=WorkingCalendar.england(event.year - 1, event.year + 3)
        )
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
        return 2
    print(result.due_on.isoformat() if result.due_on else "as soon as reasonably practicable")
    print(f"Rule: {result.rule.id}: {result.rule.title}. {result.rule.describe()}.")
    print(f"Source: {result.rule.source}" + ("" if result.rule.confirmed else " (figure unconfirmed)"))
    relaxed = f"; {result.relaxation_source}" if result.relaxation_source else ""
    print(
        f"Regime applied: {result.regime.name} ({result.regime.id}), in force on {event.isoformat()}{relaxed}"
    )
    if result.due_on is None:
        print(f"Normal timescale would have given: {result.normal_due_on.isoformat()}")
    if result.rule.note:
        print(f"Note: {result.rule.note}")
    print(CONVENTION)
    return 0
