"""Covering the children of staff who are off: suggestions by capacity and risk, applied only when a
manager confirms (PRODUCT.md M18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casework.accounts.models import Team, User
from casework.accounts.selectors import allocation_refusals, staff_today_for_team
from casework.children import services as child_services
from casework.children.access import children_visible_to
from casework.children.models import Child
from casework.contacts.models import DueState
from casework.core import permissions, signoff


@dataclass(frozen=True)
class Suggestion:
    child: Child
    rating: str
    from_worker: User | None
    to_worker: User | None
    reason: str


def suggest_reallocations(*, team: Team, today: date, viewer: User | None = None) -> list[Suggestion]:
    """Children of unavailable staff, highest risk first, each to the available colleague with the most
    spare capacity (capacity minus caseload, counting suggestions already made) who may be allocated
    children. With `viewer`, only the children that person may see (a restricted record stays hidden
    from a manager not named on it)."""
    staff = staff_today_for_team(team=team, today=today)
    off = [s.user for s in staff if not s.available]
    # A leaver's children stay allocated to them until a manager moves each one (deactivation moves
    # nothing unseen): they are in this queue with the children of staff who are off.
    off += list(User.objects.filter(la_id=team.la_id, team=team, is_active=False))
    # Who may take children: available practitioners, but not a student, a returner with checks
    # outstanding or someone whose contract has ended (domain/people/workforce.py).
    candidates = [s for s in staff if s.available and permissions.is_practitioner(s.user)]
    refused = allocation_refusals([s.user for s in candidates], today=today)
    spare = {s.user.pk: s.user.caseload_capacity - s.caseload for s in candidates if s.user.pk not in refused}
    available = {s.user.pk: s.user for s in candidates if s.user.pk not in refused}
    base = children_visible_to(viewer) if viewer is not None else Child.objects.all()
    children = list(
        base.filter(la_id=team.la_id, allocated_worker__in=off)
        .select_related("allocated_worker")
        .order_by("pk")
    )
    ranks = dict(DueState.objects.filter(child__in=children).values_list("child_id", "rating_rank"))
    ratings = dict(DueState.objects.filter(child__in=children).values_list("child_id", "rating"))
    children.sort(key=lambda c: (ranks.get(c.pk, 9), c.last_name, c.first_name))
    suggestions = []
    for child in children:
        best = max(spare, key=lambda pk: (spare[pk], -pk), default=None)
        if best is None or spare[best] <= 0:
            suggestions.append(
                Suggestion(
                    child,
                    ratings.get(child.pk, ""),
                    child.allocated_worker,
                    None,
                    "No available colleague has spare capacity: escalate",
                )
            )
            continue
        spare[best] -= 1
        suggestions.append(
            Suggestion(
                child,
                ratings.get(child.pk, ""),
                child.allocated_worker,
                available[best],
                f"{available[best]} is available with spare capacity",
            )
        )
    return suggestions


@transaction.atomic
def reallocate(*, actor: User, child: Child, to_worker: User, reason: str, today: date) -> Child:
    """Move a child to another worker, confirmed by a manager. A worker who is off cannot take them, nor
    one who may not be allocated children (child_update applies domain/people/workforce.py)."""
    if not signoff.can_sign_off(actor, child):
        raise PermissionDenied("Only the team's manager or a head of service can reallocate.")
    if to_worker.la_id != actor.la_id:
        raise PermissionDenied("That worker belongs to another local authority.")
    absence = to_worker.absences.filter(starts_on__lte=today).exclude(ends_on__lt=today).first()
    if absence is not None:
        until = f" until {absence.ends_on:%-d %B %Y}" if absence.ends_on else ""
        raise ValidationError(
            {
                "to_worker": f"{to_worker} is {absence.get_status_display().lower()}{until}: "
                "choose someone who is available"
            }
        )
    if not to_worker.is_active:
        raise ValidationError({"to_worker": f"{to_worker}'s account is not active"})
    return child_services.child_update(
        actor=actor,
        child=child,
        today=today,
        seen_version=None,
        reason=reason or "Reallocated while the allocated worker is unavailable",
        allocated_worker=to_worker,
        team=to_worker.team or child.team,
    )
