"""The due states a user may see: the children's own access rules, on the due-state table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from casework.children.models import ChildAccessGrant
from casework.contacts.models import DueState
from casework.core import permissions

if TYPE_CHECKING:
    from casework.accounts.models import User


def due_states_visible_to(user: User) -> QuerySet[DueState]:
    """The same rules as `casework.children.access.children_visible_to`, applied to the copies of
    allocation and restriction kept on the due state, so LA-wide figures need no join."""
    if not permissions.can_see_children(user):
        return DueState.objects.none()
    states = DueState.objects.filter(la_id=user.la_id)
    if not permissions.sees_whole_la(user):
        states = states.filter(Q(team_id__in=permissions.team_ids_for(user)) | Q(allocated_worker_id=user.pk))
    named = ChildAccessGrant.objects.filter(user_id=user.pk).values("child_id")
    return states.filter(Q(is_restricted=False) | Q(allocated_worker_id=user.pk) | Q(child_id__in=named))
