"""Management oversight: who may sign off whose work, and the one way a sign-off is decided.

A rating, a contact plan and a departure all wait for a manager. The decision is made under a row lock
and only once: a second manager acting on the same item at the same moment is told who decided it, and
loses nothing they typed (the view keeps the form). Nobody signs off their own work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework.core import permissions

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child

AWAITING = "awaiting"
APPROVED = "approved"
RETURNED = "returned"
SUPERSEDED = "superseded"
OWN_WORK = "You cannot sign off your own {what}: ask another manager"
RETURN_NEEDS_COMMENT = "Enter what needs to change before it can be signed off"


def can_sign_off(user: User, child: Child | None) -> bool:
    """Team managers for the teams they manage; heads of service for the whole LA."""
    if user.la_id is None or (child is not None and child.la_id != user.la_id):
        return False
    if permissions.signs_off_for_whole_la(user):
        return True
    if not permissions.signs_off_for_teams(user):
        return False
    return child is None or child.team_id in permissions.team_ids_for(user)


def already_decided(item: Any, what: str) -> ValidationError:
    when = timezone.localtime(item.decided_at).strftime("%-d %B %Y at %H:%M") if item.decided_at else ""
    verb = "signed off" if item.status == APPROVED else "returned" if item.status == RETURNED else "replaced"
    who = f" by {item.decided_by}" if item.decided_by_id else ""
    return ValidationError(
        f"This {what} was already {verb}{who}{' on ' + when if when else ''}. Nothing has been changed: "
        "your comment is still below if you need it.",
        code="already_decided",
    )


def decide(
    *, item: Any, actor: User, approve: bool, comment: str, requester: User, what: str, child: Child | None
) -> None:
    """Check and apply a decision to a locked `item` (status, decided_by, decided_at, manager_comment)."""
    if item.status != AWAITING:
        raise already_decided(item, what)
    if not can_sign_off(actor, child):
        raise PermissionDenied(f"You cannot sign off this {what}.")
    if requester.pk == actor.pk:
        raise ValidationError(OWN_WORK.format(what=what), code="own_work")
    if not approve and not comment.strip():
        raise ValidationError({"comment": RETURN_NEEDS_COMMENT})
    item.status = APPROVED if approve else RETURNED
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.manager_comment = comment
