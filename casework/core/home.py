"""What each role sees first when they sign in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from casework.accounts.models import Role, Team
from casework.accounts.selectors import staff_off_on
from casework.children.models import LegalStatus, LegalStatusKind
from casework.contacts.selectors import worklist_for_user
from casework.core import access, clock

if TYPE_CHECKING:
    from casework.accounts.models import User


def cohort_by_status(*, user: User, today: Any) -> list[dict[str, Any]]:
    """Open statuses of the children the user can see, by kind."""
    visible = access.children_visible_to(user)
    rows = (
        LegalStatus.objects.filter(child__in=visible, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("kind")
        .annotate(children=Count("child", distinct=True))
    )
    counts = {r["kind"]: r["children"] for r in rows}
    return [{"kind": k, "label": k.label, "children": counts.get(k.value, 0)} for k in LegalStatusKind]


def home_context(*, user: User) -> dict[str, Any]:
    today = clock.today()
    context: dict[str, Any] = {"today": today, "role": user.role}
    if user.la_id is None:
        return context
    if user.role in {Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER, Role.EARLY_HELP_WORKER}:
        context["worklist"] = worklist_for_user(user=user, today=today)
    if user.role == Role.TEAM_MANAGER or user.team_id:
        teams = access.teams_visible_to(user) if user.role != Role.HEAD_OF_SERVICE else Team.objects.none()
        # The children the user may see, not the team's whole list (a restricted record is not counted).
        visible = access.children_visible_to(user).values("pk")
        context["teams"] = list(
            teams.annotate(
                children_count=Count("children", filter=Q(children__in=visible), distinct=True),
                staff_count=Count("members", distinct=True),
            )
        )
    if user.role in {Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE}:
        from casework.risk.models import RiskRating

        context["ratings_awaiting"] = RiskRating.objects.filter(
            la_id=user.la_id, status="awaiting", child__in=access.children_visible_to(user)
        ).count()
    if user.role in {Role.HEAD_OF_SERVICE, Role.PERFORMANCE_ANALYST, Role.TEAM_MANAGER}:
        context["cohort"] = cohort_by_status(user=user, today=today)
        context["children_total"] = access.children_visible_to(user).count()
    if user.role in {
        Role.HEAD_OF_SERVICE,
        Role.TEAM_MANAGER,
        Role.BUSINESS_SUPPORT,
        Role.SYSTEM_ADMINISTRATOR,
    }:
        off = staff_off_on(la_id=user.la_id, today=today)
        if user.role == Role.TEAM_MANAGER:
            team_ids = set(access.team_ids_for(user))
            off = [a for a in off if a.user.team_id in team_ids]
        context["staff_off"] = off
    context["can_edit"] = access.can_edit_children(user)
    context["can_search"] = access.can_search_children(user)
    context["can_read_audit"] = access.can_read_audit(user)
    return context
