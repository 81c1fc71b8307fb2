"""Working days and calendar periods, as statutory timescales count them (England).

Conventions, stated once and used everywhere:
- "within N working days of X" is the Nth working day after X's date. X's own date never counts;
  Saturdays, Sundays and England and Wales bank holidays are not working days.
- "within N weeks / months of X" is the same calendar day N weeks / months later, clamped to the last
  day of a shorter month (31 January + 1 month = 28 or 29 February).

Bank holidays are data passed in (a frozenset of dates), so the rules can be tested with any calendar
and a changed holiday (a coronation, a moved VE Day) needs no code change.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays as _holidays

SATURDAY = 5


@lru_cache(maxsize=8)
def england_and_wales_bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """England and Wales bank holidays from the `holidays` package (GB, subdivision ENG).

    Includes the moved VE Day bank holiday of Friday 8 May 2020 and substitute days.
    """
    years = range(first_year, last_year + 1)
    return frozenset(_holidays.country_holidays("GB", subdiv="ENG", years=years).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    bank_holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def england(cls, first_year: int = 2015, last_year: int = 2035) -> WorkingCalendar:
        return cls(england_and_wales_bank_holidays(first_year, last_year))

    def with_holidays(self, extra: Iterable[date]) -> WorkingCalendar:
        return WorkingCalendar(self.bank_holidays | frozenset(extra))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < SATURDAY and day not in self.bank_holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself never counts). 0 gives `start`."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end is not after start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def add_weeks(start: date, weeks: int) -> date:
    return start + timedelta(weeks=weeks)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))
