"""Collection years of the DfE returns.

Source: shared/RETURNS.md "Rule sets and years": YEAR is the year the collection ends (31 March YEAR);
the collection period is 1 April YEAR-1 to 31 March YEAR, for the CIN census and the SSDA903 alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FIRST_SUPPORTED_EXPORT_YEAR = 2023  # the validators hold rulesets from 2022-23 on (RETURNS.md)
FIRST_SUPPORTED_IMPORT_YEAR = 2017  # CIN schemas 2017-2024 (DOMAIN.md §4.1)


@dataclass(frozen=True)
class CollectionYear:
    year: int

    @property
    def starts(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def ends(self) -> date:
        """The reference date: 31 March of the collection year (CIN rule 100)."""
        return date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1}-{self.year % 100:02d}"

    def contains(self, day: date) -> bool:
        return self.starts <= day <= self.ends

    def overlaps(self, starts: date | None, ends: date | None) -> bool:
        """Whether a period (open-ended when `ends` is None) touches the collection period."""
        return (starts is None or starts <= self.ends) and (ends is None or ends >= self.starts)


def year_of(day: date) -> CollectionYear:
    """The collection year whose period holds `day`."""
    return CollectionYear(day.year + 1 if day.month >= 4 else day.year)
