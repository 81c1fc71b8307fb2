"""When a rating must be looked at again, and when it is next reviewed.

A case is re-rated when something changes: a new referral, refused access, COVID in the household,
missed school (PRODUCT.md M2), when its review date arrives, and when the LA declares an emergency (the
re-rating exercise: every open case rated by the target date).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from domain.calendar import WorkingCalendar
from domain.contact.enums import Rating
from domain.contact.rag import DEFAULT_RAG_SETTINGS, RagSettings
from domain.regimes import format_date


class Trigger(StrEnum):
    NEW_REFERRAL = "new_referral"
    REFUSED_ACCESS = "refused_access"
    COVID_IN_HOUSEHOLD = "covid_in_household"
    MISSED_SCHOOL = "missed_school"
    REVIEW_DATE_PASSED = "review_date_passed"
    EMERGENCY_DECLARED = "emergency_declared"


TRIGGER_LABELS = {
    Trigger.NEW_REFERRAL: "New referral",
    Trigger.REFUSED_ACCESS: "Access to the child refused",
    Trigger.COVID_IN_HOUSEHOLD: "COVID-19 in the household",
    Trigger.MISSED_SCHOOL: "Missed school",
    Trigger.REVIEW_DATE_PASSED: "Review date reached",
    Trigger.EMERGENCY_DECLARED: "Emergency declared: every open case to be re-rated",
}

_TRIGGER_CODES = frozenset(t.value for t in Trigger)


def needs_rerating(
    *,
    last_rated_on: date | None,
    review_on: date | None,
    triggers_since: Sequence[tuple[date, str]],
    today: date,
) -> list[str]:
    """Why the case needs (re-)rating today; empty if it does not.

    A trigger counts if it happened after the last rating and not after today: one on the day of the
    rating is taken as considered by it.
    """
    if last_rated_on is None:
        return ["Not yet rated"]
    reasons = []
    if review_on is not None and review_on <= today:
        reasons.append(f"{TRIGGER_LABELS[Trigger.REVIEW_DATE_PASSED]}: {format_date(review_on)}")
    for on, code in sorted(triggers_since):
        if last_rated_on < on <= today:
            label = TRIGGER_LABELS[Trigger(code)] if code in _TRIGGER_CODES else f"Change: {code}"
            reasons.append(f"{label} on {format_date(on)}")
    return reasons


def review_date(
    rating: Rating, rated_on: date, calendar: WorkingCalendar, *, settings: RagSettings = DEFAULT_RAG_SETTINGS
) -> date:
    """The date a rating is next reviewed: red sooner than amber, amber sooner than green (LA settings)."""
    return settings.review_after[rating].after(rated_on, calendar)
