from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from casework.core import access
from casework.core.alerts import unread_alerts_for_user


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for the signed-in user's role."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    items = [("Home", reverse("core:home"))]
    if user.is_practitioner:
        items.append(("Worklist", reverse("contacts:worklist")))
    if access.can_search_children(user):
        items.append(("Find a child", reverse("children:search")))
    if user.team_id or user.managed_teams.exists():
        items.append(("Teams", reverse("accounts:team-list")))
    if access.can_search_children(user):
        items.append(("Deadlines", reverse("safeguarding:deadlines")))
        items.append(("Front door", reverse("safeguarding:referrals")))
    if user.role in {"head_of_service", "performance_analyst"}:
        items.append(("The service today", reverse("oversight:cohort")))
    if user.role in {"head_of_service", "performance_analyst"}:
        items.append(("DfE returns", reverse("returns:home")))
    if user.role in {"team_manager", "head_of_service", "performance_analyst"}:
        items.append(("Decision log", reverse("decisions:log")))
    if user.role in {"head_of_service", "system_administrator"}:
        items.append(("Staff", reverse("accounts:staff-list")))
    if access.can_read_audit(user):
        items.append(("Audit log", reverse("audit:log")))
    current = request.path
    return {
        "nav_items": [
            {
                "text": text,
                "href": href,
                "active": current == href or (href != "/" and current.startswith(href)),
            }
            for text, href in items
        ],
        "current_la": user.la,
        "unread_alerts": unread_alerts_for_user(user=user) if user.la_id else None,
    }
