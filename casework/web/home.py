"""What each role sees first when they sign in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from casework.accounts.models import Team
from casework.accounts.selectors import staff_off_on, teams_visible_to
from casework.children.access import children_visible_to
from casework.children.models import LegalStatus, LegalStatusKind
from casework.contacts.selectors import immediate_protection_open, worklist_for_user
from casework.core import clock, permissions
from casework.risk.models import RiskRating

if TYPE_CHECKING:
    from casework.accounts.models import User


def cohort_by_status(*, user: User, today: Any) -> list[dict[str, Any]]:
    """Open statuses of the children the user can see, by kind."""
    visible = children_visible_to(user)
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
    context: dict[str, Any] = {"today": today}
    if user.la_id is None:
        return context
    if permissions.can_acknowledge_immediate_protection(user):
        # First on the page until a manager acknowledges each flag.
        context["protection_open"] = immediate_protection_open(user=user)
    if permissions.is_practitioner(user):
        context["worklist"] = worklist_for_user(user=user, today=today)
    if permissions.is_team_manager(user) or user.team_id:
        teams = Team.objects.none() if permissions.is_head_of_service(user) else teams_visible_to(user)
        # The children the user may see, not the team's whole list (a restricted record is not counted).
        visible = children_visible_to(user).values("pk")
        context["teams"] = list(
            teams.annotate(
                children_count=Count("children", filter=Q(children__in=visible), distinct=True),
                staff_count=Count("members", distinct=True),
            )
        )
    if permissions.sees_rating_queue(user):
        context["ratings_awaiting"] = RiskRating.objects.filter(
            la_id=user.la_id, status="awaiting", child__in=children_visible_to(user)
        ).count()
    if permissions.sees_team_cohort(user):
        context["cohort"] = cohort_by_status(user=user, today=today)
        context["children_total"] = children_visible_to(user).count()
    if permissions.sees_staff_off(user):
        off = staff_off_on(la_id=user.la_id, today=today)
        if permissions.is_team_manager(user):
            team_ids = set(permissions.team_ids_for(user))
            off = [a for a in off if a.user.team_id in team_ids]
        context["staff_off"] = off
    context["can_edit"] = permissions.can_edit_children(user)
    context["can_search"] = permissions.can_search_children(user)
    context["can_read_audit"] = permissions.can_read_audit(user)
    return context
