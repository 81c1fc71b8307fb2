"""Which children a user may see: every read of a child's record, and every list that names one, starts here.

The role rules are `casework.core.permissions`; this applies them to the register, with restricted records
seen only by the people named on them and the allocated worker.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def restricted_hidden_from(user: User) -> QuerySet[Child]:
    """The restricted records of the user's LA that the user is neither allocated to nor named on.

    For an LA-wide reader these are the only children of the LA they may not see: testing rows against
    this short list (the partial index `child_restricted`) is far cheaper than against every child the
    reader may see."""
    named = ChildAccessGrant.objects.filter(child_id=OuterRef("pk"), user_id=user.pk)
    return (
        Child.objects.filter(la_id=user.la_id, is_restricted=True)
        .exclude(allocated_worker_id=user.pk)
        .exclude(Exists(named))
    )


def child_visible_q(user: User, field: str = "child") -> Q:
    """A condition on a row's `field` (a foreign key to a child) that holds when `user` may see that
    child: the rules of `children_visible_to`, for lists of records linked to children (deadlines,
    alerts, referral links), filtered in SQL. A row with no child does not match. The rows must already
    be limited to the user's local authority (every list filters on `la_id` first)."""
    if not permissions.can_see_children(user):
        return Q(pk__in=[])
    if permissions.sees_whole_la(user):
        return Q(**{f"{field}__isnull": False}) & ~Q(
            **{f"{field}_id__in": restricted_hidden_from(user).values("pk")}
        )
    return Q(**{f"{field}_id__in": children_visible_to(user).values("pk")})


def may_see_child(user: User, child: Child) -> bool:
    """Whether `user` may open `child`'s record (one query): for choosing whom an alert may name."""
    return children_visible_to(user).filter(pk=child.pk).exists()


def who_may_see(child: Child | None, candidates: Iterable[User]) -> list[User]:
    """Of the people an alert about `child` would go to, those who may open the child's record.

    An alert and its e-mail name the child, so they go only to people who may see them. When none of
    the usual recipients may (a restricted record whose managers are not named on it), the alert goes
    to the people who can act on it instead: those named on the record and the allocated worker."""
    from casework.accounts.models import User

    people = list(candidates)
    if child is None:
        return people
    allowed = [p for p in people if may_see_child(p, child)]
    if allowed:
        return allowed
    named = ChildAccessGrant.objects.filter(child_id=child.pk).values("user_id")
    fallback = User.objects.filter(la_id=child.la_id, is_active=True).filter(
        Q(pk__in=named) | Q(pk=child.allocated_worker_id or 0)
    )
    return [p for p in fallback.order_by("pk") if may_see_child(p, child)]
