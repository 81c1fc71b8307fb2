"""The decision log (PRODUCT.md M6): departures recorded, signed off, listed and exported."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casework.audit.services import audit_record
from casework.children.access import children_visible_to
from casework.core import permissions, signoff
from casework.decisions.models import Departure
from casework.policy import context

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child

FIELDS_REQUIRED = {
    "required": "Enter what the statute or standard practice required",
    "done_instead": "Enter what was done instead",
    "rationale": "Enter the rationale for the departure",
    "risk_assessment": "Enter the risk assessment: how the risk to the child is managed",
}


@transaction.atomic
def departure_record(
    *,
    actor: User,
    child: Child | None,
    requirement: str,
    required: str,
    done_instead: str,
    rationale: str,
    risk_assessment: str,
    source: str,
    today: date,
) -> Departure:
    """Record a departure from standard practice or a statutory requirement, for a manager's approval."""
    if child is not None and not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied("You cannot record a departure for this child.")
    values = {
        "required": required,
        "done_instead": done_instead,
        "rationale": rationale,
        "risk_assessment": risk_assessment,
    }
    errors = {k: m for k, m in FIELDS_REQUIRED.items() if not values[k].strip()}
    if errors:
        raise ValidationError(errors)
    la_id = permissions.la_id_of(actor)
    departure = Departure(
        la_id=la_id,
        child=child,
        requirement=requirement or "other",
        source=source or "Not stated",
        regime=context.rules_for(la_id, today).regime.id,
        requested_by=actor,
        requested_on=today,
        created_by=actor,
        updated_by=actor,
        **values,
    )
    with pghistory.context(user=actor.pk, reason=rationale[:200]):
        departure.save()
    audit_record(
        actor=actor,
        la_id=la_id,
        action="departure.recorded",
        target=departure,
        child=child,
        summary=f"Departure from {departure.requirement}: {done_instead[:120]}",
        reason=rationale,
    )
    return departure


@transaction.atomic
def departure_decide(*, actor: User, departure_id: int, approve: bool, comment: str) -> Departure:
    departure = (
        Departure.objects.select_for_update(of=("self",))
        .select_related("child", "requested_by", "decided_by")
        .filter(pk=departure_id, la_id=permissions.la_id_of(actor))
        .first()
    )
    if departure is None:
        raise PermissionDenied("No such departure.")
    if departure.child is None and not permissions.can_record_la_wide_departure(actor):
        # A departure covering no single child is LA-wide: a head of service decides it.
        raise PermissionDenied("Only a head of service can approve a departure that covers the whole LA.")
    signoff.decide(
        item=departure,
        actor=actor,
        approve=approve,
        comment=comment,
        requester=departure.requested_by,
        what="departure",
        child=departure.child,
    )
    with pghistory.context(user=actor.pk, reason=comment or "Decided"):
        departure.save(update_fields=["status", "decided_by", "decided_at", "manager_comment", "updated_at"])
    audit_record(
        actor=actor,
        la_id=departure.la_id,
        action="departure.approved" if approve else "departure.returned",
        target=departure,
        child=departure.child,
        summary=f"{'Approved' if approve else 'Returned'} departure from {departure.requirement}",
        reason=comment,
    )
    return departure
