"""A team's page: who is off today and whose children are therefore uncovered (PRODUCT.md M18)."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render

from casework.accounts.selectors import staff_today_for_team, team_get_for_user, teams_visible_to
from casework.children.access import children_visible_to
from casework.core import clock, permissions
from casework.core.types import AuthenticatedRequest


def team_list(request: AuthenticatedRequest) -> HttpResponse:
    # Open teams first; a closed team keeps its page and history.
    teams = (
        teams_visible_to(request.user)
        .select_related("manager")
        .order_by(F("closed_on").desc(nulls_first=True), "name")
    )
    return render(request, "accounts/team_list.html", {"teams": teams})


def team_detail(request: AuthenticatedRequest, team_id: int) -> HttpResponse:
    team = team_get_for_user(user=request.user, team_id=team_id)
    today = clock.today()
    # Who is off comes first: it is what the page is opened for.
    staff = sorted(staff_today_for_team(team=team, today=today), key=lambda s: s.available)
    off_ids = [s.user.pk for s in staff if not s.available]
    uncovered = list(
        children_visible_to(request.user)
        .filter(allocated_worker_id__in=off_ids)
        .select_related("allocated_worker")
        .order_by("allocated_worker__last_name", "last_name")
    )
    context = {
        "team": team,
        "today": today,
        "staff": staff,
        "off": [s for s in staff if not s.available],
        "uncovered": uncovered,
        "can_manage": permissions.can_manage_staff(request.user, team),
        # Of the team's children, those the user may see: a restricted record is not counted.
        "team_children": children_visible_to(request.user).filter(team=team).count(),
    }
    return render(request, "accounts/team_detail.html", context)
