"""The decision log as the user may see it: departures of children they can see (and, for LA-wide
roles, departures not about one child)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from casework.children.access import children_visible_to
from casework.core import permissions
from casework.decisions.models import Departure

if TYPE_CHECKING:
    from casework.accounts.models import User


def departures_visible_to(user: User) -> QuerySet[Departure]:
    if user.la_id is None:
        return Departure.objects.none()
    scope = Q(child__in=children_visible_to(user))
    if permissions.sees_whole_la(user):
        scope |= Q(child__isnull=True)
    return Departure.objects.filter(la_id=user.la_id).filter(scope)


def departure_list_for_user(
    *,
    user: User,
    status: str = "",
    requirement: str = "",
    team: int | None = None,
    child: int | None = None,
    requested_from: date | None = None,
    requested_to: date | None = None,
) -> QuerySet[Departure]:
    departures = departures_visible_to(user)
    if status:
        departures = departures.filter(status=status)
    if requirement:
        departures = departures.filter(requirement__icontains=requirement)
    if team:
        departures = departures.filter(child__team_id=team)
    if child:
        departures = departures.filter(child_id=child)
    if requested_from:
        departures = departures.filter(requested_on__gte=requested_from)
    if requested_to:
        departures = departures.filter(requested_on__lte=requested_to)
    return departures.select_related("child", "child__team", "requested_by", "decided_by").order_by(
        "-requested_on", "-pk"
    )
