from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from casework.accounts.alerts import unread_alerts_for_user
from casework.accounts.two_factor_middleware import second_factor_needed
from casework.children.access import child_visible_q
from casework.core import permissions


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for the signed-in user's role."""
    user = request.user
    if not user.is_authenticated or second_factor_needed(request):
        return {"nav_items": [], "can": {}}
    items = [("Home", reverse("web:home"))]
    if permissions.is_practitioner(user):
        items.append(("Worklist", reverse("contacts:worklist")))
    if permissions.can_search_children(user):
        items.append(("Find a child", reverse("children:search")))
    if user.team_id or user.managed_teams.exists():
        items.append(("Teams", reverse("teams:list")))
    if permissions.can_search_children(user):
        items.append(("Deadlines", reverse("safeguarding:deadlines")))
        items.append(("Front door", reverse("safeguarding:referrals")))
    if permissions.can_read_cohort(user):
        items.append(("The service today", reverse("oversight:cohort")))
    if permissions.can_read_returns(user):
        items.append(("DfE returns", reverse("returns:home")))
    if permissions.can_read_decision_log(user):
        items.append(("Decision log", reverse("decisions:log")))
    if permissions.can_list_staff(user):
        items.append(("Staff", reverse("accounts:staff-list")))
    if permissions.can_read_audit(user):
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
        "can": permissions.flags_for(user),
        "unread_alerts": (
            unread_alerts_for_user(user=user, visible=child_visible_q(user)) if user.la_id else None
        ),
    }
