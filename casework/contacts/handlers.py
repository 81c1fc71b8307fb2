"""How the contacts app reacts to what the apps below it announce (subscribed in apps.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from casework.accounts.models import User
from casework.children.events import RegisterChanged
from casework.contacts.due import refresh_due_states
from casework.contacts.models import ContactPlan
from casework.contacts.selectors import contact_summary_for_child
from casework.core.choices import SignOff
from casework.decisions.models import Departure
from casework.risk.events import RatingDecided, RatingSubmitted, RatingSuperseded

if TYPE_CHECKING:
    from casework.children.models import Child


def due_states_refresh(event: RegisterChanged) -> None:
    """The due states copy statuses, allocation and restriction: recompute the children's."""
    refresh_due_states(la_id=event.la_id, today=event.today, child_ids=event.child_ids)


def contact_section(user: User, child: Child, today: date) -> dict[str, Any]:
    """On the child's record: the plan, due dates, recent contacts and open departures."""
    return {"contact_summary": contact_summary_for_child(child=child)}


def plan_propose(event: RatingSubmitted) -> None:
    """Record the plan proposed with a rating, and a departure for each minimum it is below (the manager
    decides all of them with the rating); the child's due state follows the new plan."""
    actor = User.objects.get(pk=event.actor_id)
    assessment, plan = event.assessment, event.plan
    contact_plan = ContactPlan.objects.create(
        la_id=event.la_id,
        child_id=event.child_id,
        rating_id=event.rating_id,
        interval_amount=plan.interval.amount,
        interval_unit=str(plan.interval.unit),
        face_to_face_every=plan.face_to_face_every,
        modes=sorted(str(m) for m in plan.modes),
        statutory_minimum="; ".join(m.describe() for m in assessment.minimums)[:300],
        below_statutory_minimum=assessment.below_statutory_minimum,
        starts_on=event.today,
        created_by=actor,
        updated_by=actor,
    )
    Departure.objects.bulk_create(
        Departure(
            la_id=event.la_id,
            child_id=event.child_id,
            requirement=needed.requirement,
            required=needed.required,
            done_instead=needed.planned,
            rationale=event.departure_rationale,
            risk_assessment=event.departure_risk_assessment,
            source=needed.source,
            regime=event.regime,
            requested_by=actor,
            requested_on=event.today,
            plan=contact_plan,
            created_by=actor,
            updated_by=actor,
        )
        for needed in assessment.departures
    )
    refresh_due_states(la_id=event.la_id, today=event.today, child_ids=[event.child_id])


def plan_supersede(event: RatingSuperseded) -> None:
    """A rating replaced before sign-off takes its proposed plan and the plan's departures with it."""
    ContactPlan.objects.filter(rating_id=event.rating_id, status=SignOff.AWAITING).update(
        status=SignOff.SUPERSEDED
    )
    Departure.objects.filter(plan__rating_id=event.rating_id, status=SignOff.AWAITING).update(
        status=SignOff.SUPERSEDED
    )


def plan_decide(event: RatingDecided) -> None:
    """The manager's decision on a rating is the decision on its plan and departures: a signed-off plan
    replaces the child's previous one; the due state follows."""
    if event.approved:
        ContactPlan.objects.filter(child_id=event.child_id, status=SignOff.APPROVED).update(
            status=SignOff.SUPERSEDED
        )
    ContactPlan.objects.filter(rating_id=event.rating_id, status=SignOff.AWAITING).update(status=event.status)
    Departure.objects.filter(plan__rating_id=event.rating_id, status=SignOff.AWAITING).update(
        status=event.status,
        decided_by_id=event.actor_id,
        decided_at=event.decided_at,
        manager_comment=event.comment,
    )
    refresh_due_states(la_id=event.la_id, today=event.today, child_ids=[event.child_id])
