"""Rules for what a child's record may say: impossible data is refused with the reason.

Each rule is a plain function returning the message to show, or None when the data is acceptable.
Messages follow the GOV.UK Design System's error-message wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    """A dated period; `ends_on` None means it is still open. Both ends are inclusive days."""

    starts_on: date
    ends_on: date | None = None
    ref: object = None

    def overlaps(self, other: Period) -> bool:
        own_end = self.ends_on or date.max
        other_end = other.ends_on or date.max
        return self.starts_on <= other_end and other.starts_on <= own_end

    def contains(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


DOB_IN_FUTURE = "Date of birth must be today or in the past"
DOB_BEFORE_LIMIT = "Date of birth must be after 1 January 1990"
DEATH_BEFORE_BIRTH = "Date of death must be the same as or after the date of birth"
DEATH_IN_FUTURE = "Date of death must be today or in the past"
END_BEFORE_START = "End date must be the same as or after the start date"
START_IN_FUTURE = "Start date must be today or in the past"
START_BEFORE_BIRTH = "Start date must be the same as or after the child's date of birth"
EXPECTED_DOB_IN_PAST = "Expected date of birth must be in the future for an unborn child"
NO_BIRTH_DATE = "Enter a date of birth, or an expected date of birth for an unborn child"

# The record covers children and care leavers up to 25 (Children and Social Work Act 2017 s3):
# a birth date earlier than this cannot be a child the service is working with.
EARLIEST_BIRTH_DATE = date(1990, 1, 1)


def check_date_of_birth(date_of_birth: date | None, expected: date | None, *, today: date) -> str | None:
    """A child has a date of birth in the past, or (unborn) an expected date of birth."""
    if date_of_birth is None:
        return NO_BIRTH_DATE if expected is None else None
    if date_of_birth > today:
        return DOB_IN_FUTURE
    if date_of_birth < EARLIEST_BIRTH_DATE:
        return DOB_BEFORE_LIMIT
    return None


def check_date_of_death(date_of_death: date | None, date_of_birth: date | None, *, today: date) -> str | None:
    if date_of_death is None:
        return None
    if date_of_death > today:
        return DEATH_IN_FUTURE
    if date_of_birth is not None and date_of_death < date_of_birth:
        return DEATH_BEFORE_BIRTH
    return None


def check_period(
    starts_on: date, ends_on: date | None, *, today: date, date_of_birth: date | None = None
) -> dict[str, str]:
    """A period starts no later than today, and ends on or after it starts.

    Returns messages keyed by the field at fault ("starts_on" or "ends_on").
    """
    errors: dict[str, str] = {}
    if starts_on > today:
        errors["starts_on"] = START_IN_FUTURE
    elif date_of_birth is not None and starts_on < date_of_birth:
        errors["starts_on"] = START_BEFORE_BIRTH
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = END_BEFORE_START
    return errors


def first_overlap(candidate: Period, existing: Iterable[Period]) -> Period | None:
    """The first existing period that `candidate` overlaps, if any."""
    for period in existing:
        if candidate.overlaps(period):
            return period
    return None


def overlapping_pairs(periods: Sequence[Period]) -> list[tuple[Period, Period]]:
    """Every pair of periods that overlap (used to check imported histories)."""
    ordered = sorted(periods, key=lambda p: p.starts_on)
    pairs: list[tuple[Period, Period]] = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.starts_on > (first.ends_on or date.max):
                break
            pairs.append((first, second))
    return pairs


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years of age on `day`."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
