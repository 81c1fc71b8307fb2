"""Lengths of time as rules state them: N days, working days, weeks or months.

`Interval.after(day, calendar)` follows the conventions of `domain.calendar`: working days never count
the starting day and skip weekends and bank holidays; weeks are 7 calendar days; months land on the
same day of the month, clamped to the end of a shorter month.

Intervals in different units are compared without a calendar by their shortest and longest possible
lengths in calendar days (`never_longer`). That comparison is deliberately cautious: it only says
"a is never longer than b" when that holds whatever the start date. Working days are bounded by
assuming that a span of L calendar days holds at most `BANK_HOLIDAY_CLUSTER` + 12 x L / 365 weekday
bank holidays (England and Wales: 4 within 11 days around Easter 2011, 12 in the 361 days from June
2022; tests check the bound against every start date 1995-2035). An LA that adds many local closure
days to its calendar should compare intervals in the same unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from domain.calendar import WorkingCalendar, add_months

BANK_HOLIDAY_CLUSTER = 4
BANK_HOLIDAYS_PER_YEAR = 12

# Start dates used to find the shortest and longest span of N months: four years include every month
# length, leap and common February, so the bounds are exact for any start date.
_MONTH_SAMPLE_START = date(2000, 1, 1)
_MONTH_SAMPLE_DAYS = 4 * 366
# A Monday, for the weekday cycle of working days in a calendar without bank holidays.
_A_MONDAY = date(2024, 1, 1)
_NO_HOLIDAYS = WorkingCalendar()


class Unit(StrEnum):
    DAYS = "days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    MONTHS = "months"


_SINGULAR = {Unit.DAYS: "day", Unit.WORKING_DAYS: "working day", Unit.WEEKS: "week", Unit.MONTHS: "month"}
_PLURAL = {Unit.DAYS: "days", Unit.WORKING_DAYS: "working days", Unit.WEEKS: "weeks", Unit.MONTHS: "months"}


@dataclass(frozen=True)
class Interval:
    """A length of time: `amount` of `unit` ("days", "working_days", "weeks" or "months")."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", Unit(self.unit))
        if self.amount < 0:
            raise ValueError("An interval cannot be negative")

    @classmethod
    def days(cls, amount: int) -> Interval:
        return cls(amount, Unit.DAYS)

    @classmethod
    def working_days(cls, amount: int) -> Interval:
        return cls(amount, Unit.WORKING_DAYS)

    @classmethod
    def weeks(cls, amount: int) -> Interval:
        return cls(amount, Unit.WEEKS)

    @classmethod
    def months(cls, amount: int) -> Interval:
        return cls(amount, Unit.MONTHS)

    def after(self, day: date, calendar: WorkingCalendar) -> date:
        """The last day of the interval that starts on `day` ("within N ... of `day`")."""
        if self.unit is Unit.WORKING_DAYS:
            return calendar.add_working_days(day, self.amount)
        if self.unit is Unit.MONTHS:
            return add_months(day, self.amount)
        if self.unit is Unit.WEEKS:
            return day + timedelta(weeks=self.amount)
        return day + timedelta(days=self.amount)

    def times(self, factor: int) -> Interval:
        """This interval repeated `factor` times (3 weeks x 2 = 6 weeks)."""
        return Interval(self.amount * factor, self.unit)

    def describe(self) -> str:
        words = _SINGULAR if self.amount == 1 else _PLURAL
        return f"{self.amount} {words[self.unit]}"

    def __str__(self) -> str:
        return self.describe()

    @property
    def min_days(self) -> int:
        """The fewest calendar days this interval can span, whatever the start date."""
        return _bounds(self.amount, self.unit)[0]

    @property
    def max_days(self) -> int:
        """The most calendar days this interval can span, whatever the start date."""
        return _bounds(self.amount, self.unit)[1]


def never_longer(a: Interval, b: Interval) -> bool:
    """True if `a` ends on or before `b` for every start date (cautious across units)."""
    if a.unit is b.unit:
        return a.amount <= b.amount
    return a.max_days <= b.min_days


def shortest(a: Interval, b: Interval) -> Interval:
    """An interval never longer than either: one of them where they compare, else a number of days."""
    if never_longer(a, b):
        return a
    if never_longer(b, a):
        return b
    return Interval.days(min(a.min_days, b.min_days))


@cache
def _bounds(amount: int, unit: Unit) -> tuple[int, int]:
    if unit is Unit.DAYS:
        return amount, amount
    if unit is Unit.WEEKS:
        return 7 * amount, 7 * amount
    if unit is Unit.MONTHS:
        spans = [
            (add_months(start, amount) - start).days
            for start in (_MONTH_SAMPLE_START + timedelta(days=i) for i in range(_MONTH_SAMPLE_DAYS))
        ]
        return min(spans), max(spans)
    shortest_span = min(_working_span(amount, weekday) for weekday in range(7))
    # Each weekday bank holiday pushes the end one working day later; more days can hold more holidays.
    holidays = 0
    while True:
        longest_span = max(_working_span(amount + holidays, weekday) for weekday in range(7))
        allowed = BANK_HOLIDAY_CLUSTER + -(-BANK_HOLIDAYS_PER_YEAR * longest_span // 365)
        if allowed <= holidays:
            return shortest_span, longest_span
        holidays = allowed


def _working_span(amount: int, weekday: int) -> int:
    start = _A_MONDAY + timedelta(days=weekday)
    return (_NO_HOLIDAYS.add_working_days(start, amount) - start).days
