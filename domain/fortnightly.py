"""The DfE's fortnightly return during the pandemic: the "Vulnerable children and young people survey".

Source: DOMAIN.md §3, the DfE Vulnerable children and young people survey (VCYP) methodology on
explore-education-statistics.service.gov.uk (EES). The survey ran fortnightly from May 2020 to March 2021;
wave 1's reference period began on Monday 20 April 2020; its contact question asked how many children
looked after, on a child protection plan and "other" children in need had been in contact with a social
worker in the last 4 weeks; its workforce question counted LAs with more than 10% of social workers
unavailable because of COVID-19.

The rules here, as Continuity applies them:
- a fortnight is 14 days, Monday to Sunday inclusive, aligned on the first VCYP reference period
  (20 April 2020), so successive returns never overlap and always end on a Sunday;
- any other end date may be chosen: the return then covers the 14 days ending on that day;
- a return can only be made for a fortnight that has ended (its last day is before today);
- "the last 4 weeks" is the 28 days ending on the fortnight's last day, inclusive;
- counts of children are taken on the fortnight's last day (the survey's snapshot).

No clock is read here: `today` is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

FORTNIGHT_DAYS = 14
CONTACT_WINDOW_DAYS = 28
# Monday 20 April 2020: the start of VCYP wave 1's reference period (DOMAIN.md §3, FosterTalk summary).
ANCHOR = date(2020, 4, 20)
# EES workforce measure: LAs with more than 10% of social workers unavailable because of COVID-19.
UNAVAILABLE_THRESHOLD_PERCENT = 10


@dataclass(frozen=True)
class Fortnight:
    """The 14 days from `starts_on` to `ends_on`, both inclusive."""

    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if (self.ends_on - self.starts_on).days != FORTNIGHT_DAYS - 1:
            raise ValueError("A fortnight is 14 days, first and last day included")

    @property
    def contact_window_starts_on(self) -> date:
        """First day of "the last 4 weeks" (28 days ending on the fortnight's last day)."""
        return self.ends_on - timedelta(days=CONTACT_WINDOW_DAYS - 1)

    @property
    def previous(self) -> Fortnight:
        return fortnight_ending(self.starts_on - timedelta(days=1))

    @property
    def next(self) -> Fortnight:
        return fortnight_ending(self.ends_on + timedelta(days=FORTNIGHT_DAYS))

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def in_contact_window(self, day: date) -> bool:
        return self.contact_window_starts_on <= day <= self.ends_on

    def is_complete(self, today: date) -> bool:
        """The return can be made once the fortnight's last day is over."""
        return self.ends_on < today

    @property
    def is_aligned(self) -> bool:
        """Whether this is one of the survey's Monday-to-Sunday fortnights counted from 20 April 2020."""
        return (self.starts_on - ANCHOR).days % FORTNIGHT_DAYS == 0


def fortnight_ending(ends_on: date) -> Fortnight:
    """The 14 days ending on `ends_on` (inclusive)."""
    return Fortnight(ends_on - timedelta(days=FORTNIGHT_DAYS - 1), ends_on)


def latest_completed_fortnight(today: date) -> Fortnight:
    """The most recent aligned fortnight (Monday to Sunday, counted from 20 April 2020) that has ended
    before `today`: the default period of a return."""
    last_day = today - timedelta(days=1)
    days_since_anchor_end = (last_day - (ANCHOR + timedelta(days=FORTNIGHT_DAYS - 1))).days
    ends_on = last_day - timedelta(days=days_since_anchor_end % FORTNIGHT_DAYS)
    return fortnight_ending(ends_on)


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal place (half away from zero); None when
    `whole` is 0 (a percentage of nobody is not 0%)."""
    if whole <= 0:
        return None
    tenths = (part * 1000 + whole // 2) // whole
    return tenths / 10


def exceeds_unavailability_threshold(unavailable: int, workforce: int) -> bool:
    """More than 10% of the workforce unavailable (the survey's workforce measure)."""
    return workforce > 0 and unavailable * 100 > workforce * UNAVAILABLE_THRESHOLD_PERCENT
