"""What the risk app announces, for the apps above it (see `casework.core.effects`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.contact import ContactPlan as PlanRule
from domain.contact import PlanAssessment


@dataclass(frozen=True)
class RatingSubmitted:
    """A case was rated and its contact plan proposed, for a manager to sign off.

    Subscribers: the contacts app records the proposed plan, with a departure for each minimum it is
    below, and refreshes the child's due state.
    """

    la_id: int
    child_id: int
    rating_id: int
    plan: PlanRule
    assessment: PlanAssessment
    departure_rationale: str
    departure_risk_assessment: str
    regime: str
    actor_id: int
    today: date


@dataclass(frozen=True)
class RatingSuperseded:
    """A newer rating replaced one still awaiting sign-off.

    Subscribers: the contacts app supersedes the plan proposed with it and that plan's departures.
    """

    rating_id: int


@dataclass(frozen=True)
class RatingDecided:
    """A manager signed off (`approved`) or returned a rating.

    Subscribers: the contacts app gives the rating's plan and departures the same decision (a signed-off
    plan replaces the child's previous one) and refreshes the child's due state.
    """

    la_id: int
    child_id: int
    rating_id: int
    status: str
    approved: bool
    actor_id: int
    decided_at: datetime | None
    comment: str
    today: date
