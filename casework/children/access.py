"""Which children a user may see: every read of a child's record, and every list that names one, starts here.

The role rules are `casework.core.permissions`; this applies them to the register, with restricted records
seen only by the people named on them and the allocated worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.children.models import Child, ChildAccessGrant
from casework.core import permissions

if TYPE_CHECKING:
    from casework.accounts.models import User


def children_visible_to(user: User) -> QuerySet[Child]:
    """The children `user` may see. Every read of a child's record starts here."""
    if not permissions.can_see_children(user):
        return Child.objects.none()
    children = Child.objects.filter(la_id=user.la_id)
    if not permissions.sees_whole_la(user):
        children = children.filter(
            Q(team_id__in=permissions.team_ids_for(user)) | Q(allocated_worker_id=user.pk)
        )
    named = ChildAccessGrant.objects.filter(child_id=OuterRef("pk"), user_id=user.pk)
    return children.filter(Q(is_restricted=False) | Q(allocated_worker_id=user.pk) | Exists(named))
