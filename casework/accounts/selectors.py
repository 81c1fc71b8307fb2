"""Who is available: the team's day, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from casework.accounts.models import StaffAbsence, Team, User
from casework.core import permissions
from domain.people.availability import status_on


@dataclass(frozen=True)
class StaffToday:
    user: User
    absence: StaffAbsence | None
    caseload: int

    @property
    def available(self) -> bool:
        return self.absence is None


def teams_visible_to(user: User) -> QuerySet[Team]:
    """The teams whose pages the user may open: all of the LA's for LA-wide roles and administrators."""
    if user.la_id is None:
        return Team.objects.none()
    teams = Team.objects.filter(la_id=user.la_id)
    if permissions.sees_whole_la(user) or permissions.is_administrator(user):
        return teams
    return teams.filter(pk__in=permissions.team_ids_for(user))


def absence_on(absences: list[StaffAbsence], day: date) -> StaffAbsence | None:
    return status_on(absences, day)


def team_get_for_user(*, user: User, team_id: int) -> Team:
    team = teams_visible_to(user).select_related("manager").filter(pk=team_id).first()
    if team is None:
        raise Http404("No team found")
    return team


def staff_today_for_team(*, team: Team, today: date) -> list[StaffToday]:
    current = StaffAbsence.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    members = (
        User.objects.filter(la_id=team.la_id, is_active=True)
        .filter(Q(team=team) | Q(managed_teams=team))
        .distinct()
        .annotate(caseload=Count("allocated", distinct=True))
        .prefetch_related(Prefetch("absences", queryset=current, to_attr="current_absences"))
        .order_by("last_name", "first_name")
    )
    return [StaffToday(m, absence_on(m.current_absences, today), m.caseload) for m in members]


def staff_get_for_user(*, user: User, staff_id: int) -> User:
    staff = User.objects.filter(la_id=user.la_id, pk=staff_id).select_related("team", "line_manager").first()
    if staff is None or user.la_id is None:
        raise Http404("No member of staff found")
    if not (
        permissions.sees_whole_la(user)
        or permissions.can_manage_staff(user, staff.team)
        or staff.pk == user.pk
    ):
        if staff.team_id not in permissions.team_ids_for(user):
            raise Http404("No member of staff found")
    return staff


def staff_off_on(*, la_id: int, today: date) -> list[StaffAbsence]:
    return list(
        StaffAbsence.objects.filter(la_id=la_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("user", "user__team")
        .order_by("user__team__name", "user__last_name")
    )
