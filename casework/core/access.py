"""Who may do what: every access decision about people and children is made here.

The rules (PRODUCT.md M20; issue "Foundation"):
- every query is limited to the user's own local authority;
- practitioners and team business support see the children of their own team;
- team managers see the children of the teams they manage and their own;
- heads of service, performance analysts and LA-wide business support see the whole LA;
- system administrators manage accounts and read the audit, but do not see children's records;
- a restricted record is seen only by the people named on it and the allocated worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.accounts.models import Role

if TYPE_CHECKING:
    from casework.accounts.models import Team, User
    from casework.children.models import Child
    from casework.contacts.models import DueState

LA_WIDE_ROLES = frozenset({Role.HEAD_OF_SERVICE, Role.PERFORMANCE_ANALYST})
EDITOR_ROLES = frozenset({Role.BUSINESS_SUPPORT, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})


def sees_whole_la(user: User) -> bool:
    return user.role in LA_WIDE_ROLES or (user.role == Role.BUSINESS_SUPPORT and user.team_id is None)


def team_ids_for(user: User) -> list[int]:
    """Teams whose children the user may see (besides LA-wide roles, which see every team)."""
    ids = {user.team_id} if user.team_id else set()
    if user.role == Role.TEAM_MANAGER:
        ids.update(user.managed_teams.values_list("pk", flat=True))
    return sorted(i for i in ids if i is not None)


def children_visible_to(user: User) -> QuerySet[Child]:
    """The children `user` may see. Every read of a child's record starts here."""
    from casework.children.models import Child, ChildAccessGrant

    if not user.is_authenticated or user.la_id is None or user.role == Role.SYSTEM_ADMINISTRATOR:
        return Child.objects.none()
    children = Child.objects.filter(la_id=user.la_id)
    if not sees_whole_la(user):
        children = children.filter(Q(team_id__in=team_ids_for(user)) | Q(allocated_worker_id=user.pk))
    named = ChildAccessGrant.objects.filter(child_id=OuterRef("pk"), user_id=user.pk)
    return children.filter(Q(is_restricted=False) | Q(allocated_worker_id=user.pk) | Exists(named))


def restricted_hidden_from(user: User) -> QuerySet[Child]:
    """The restricted records of the user's LA that the user is neither allocated to nor named on.

    For an LA-wide reader these are the only children of the LA they may not see: testing rows against
    this short list is far cheaper than against every child the reader may see."""
    from casework.children.models import Child, ChildAccessGrant

    named = ChildAccessGrant.objects.filter(child_id=OuterRef("pk"), user_id=user.pk)
    return (
        Child.objects.filter(la_id=user.la_id, is_restricted=True)
        .exclude(allocated_worker_id=user.pk)
        .exclude(Exists(named))
    )


def child_visible_q(user: User, field: str = "child") -> Q:
    """A condition on a row's `field` (a foreign key to a child) that holds when `user` may see that
    child: the rules of `children_visible_to`, for lists of records linked to children (deadlines,
    alerts, referral links). A row with no child does not match. The rows must already be limited to
    the user's local authority (every list filters on `la_id` first)."""
    if not user.is_authenticated or user.la_id is None or user.role == Role.SYSTEM_ADMINISTRATOR:
        return Q(pk__in=[])
    if sees_whole_la(user):
        return Q(**{f"{field}__isnull": False}) & ~Q(
            **{f"{field}_id__in": restricted_hidden_from(user).values("pk")}
        )
    return Q(**{f"{field}_id__in": children_visible_to(user).values("pk")})


def may_see_child(user: User, child: Child) -> bool:
    """Whether `user` may open `child`'s record (one query): for choosing who an alert may name."""
    return children_visible_to(user).filter(pk=child.pk).exists()


def due_states_visible_to(user: User) -> QuerySet[DueState]:
    """The due states of the children `user` may see: the same rules as `children_visible_to`, applied to
    the copies of allocation and restriction kept on the due state, so LA-wide figures need no join."""
    from casework.children.models import ChildAccessGrant
    from casework.contacts.models import DueState

    if not user.is_authenticated or user.la_id is None or user.role == Role.SYSTEM_ADMINISTRATOR:
        return DueState.objects.none()
    states = DueState.objects.filter(la_id=user.la_id)
    if not sees_whole_la(user):
        states = states.filter(Q(team_id__in=team_ids_for(user)) | Q(allocated_worker_id=user.pk))
    named = ChildAccessGrant.objects.filter(user_id=user.pk).values("child_id")
    return states.filter(Q(is_restricted=False) | Q(allocated_worker_id=user.pk) | Q(child_id__in=named))


def la_id_of(user: User) -> int:
    """The user's local authority; deployment operators without one may not write LA records."""
    if user.la_id is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only staff of a local authority can change its records.")
    return int(user.la_id)


def can_search_children(user: User) -> bool:
    return user.is_authenticated and user.la_id is not None and user.role != Role.SYSTEM_ADMINISTRATOR


def can_edit_children(user: User) -> bool:
    """Business support and managers create and correct records (within what they can see)."""
    return user.la_id is not None and user.role in EDITOR_ROLES


def can_manage_staff(user: User, team: Team | None = None) -> bool:
    """Availability and staff records: managers of the team, heads of service, business support."""
    if user.la_id is None:
        return False
    if user.role in {Role.HEAD_OF_SERVICE, Role.SYSTEM_ADMINISTRATOR}:
        return True
    if user.role == Role.BUSINESS_SUPPORT:
        return team is None or user.team_id is None or team.pk == user.team_id
    if user.role == Role.TEAM_MANAGER:
        return team is None or team.pk in team_ids_for(user)
    return False


def teams_visible_to(user: User) -> QuerySet[Team]:
    from casework.accounts.models import Team

    if user.la_id is None:
        return Team.objects.none()
    teams = Team.objects.filter(la_id=user.la_id)
    if sees_whole_la(user) or user.role == Role.SYSTEM_ADMINISTRATOR:
        return teams
    return teams.filter(pk__in=team_ids_for(user))


def can_read_audit(user: User) -> bool:
    return user.la_id is not None and user.role in {Role.SYSTEM_ADMINISTRATOR, Role.HEAD_OF_SERVICE}
