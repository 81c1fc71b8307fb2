from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from casework.accounts.alerts import unread_alerts_for_user
from casework.accounts.two_factor_middleware import second_factor_needed
from casework.children.access import child_visible_q
from casework.core import permissions


def _in_a_team(user: Any) -> bool:
    return bool(user.team_id) or permissions.can_administer_teams(user) or user.managed_teams.exists()


# The service navigation, in order: (text, URL name, who sees it).
NAVIGATION: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("Home", "web:home", lambda user: True),
    ("Worklist", "contacts:worklist", permissions.is_practitioner),
    ("Find a child", "children:search", permissions.can_search_children),
    ("Teams", "teams:list", _in_a_team),
    ("Deadlines", "safeguarding:deadlines", permissions.can_search_children),
    ("Front door", "safeguarding:referrals", permissions.can_search_children),
    ("The service today", "oversight:cohort", permissions.can_read_cohort),
    ("DfE returns", "returns:home", permissions.can_read_returns),
    ("Decision log", "decisions:log", permissions.can_read_decision_log),
    ("Staff", "accounts:staff-list", permissions.can_list_staff),
    ("Workforce", "accounts:workforce", permissions.can_read_workforce),
    ("Restricted records", "children:restricted", permissions.is_administrator),
    ("Audit log", "audit:log", permissions.can_read_audit),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for the signed-in user's role."""
    user = request.user
    if not user.is_authenticated or second_factor_needed(request):
        return {"nav_items": [], "can": {}}
    items = [(text, reverse(name)) for text, name, shown in NAVIGATION if shown(user)]
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
