"""Who is available: the team's day, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from casework.accounts.models import EmploymentCheck, StaffAbsence, StaffKind, Team, User
from casework.core import permissions
from domain.people import workforce
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


def open_teams(la_id: int | None) -> QuerySet[Team]:
    """The teams a picker offers: the authority's teams that are not closed."""
    return Team.objects.filter(la_id=la_id, closed_on__isnull=True)


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


# --- Who may be allocated children (domain/people/workforce.py) -------------------------------------


def worker_facts_for(
    workers: Iterable[User], *, overrides: Mapping[int, Mapping[str, Any]] | None = None
) -> dict[int, workforce.Worker]:
    """What the allocation rules need of each worker, in two queries whatever their number (their
    checks; their supervisors' names). `overrides` gives fields not yet saved (an edit being checked)."""
    people = list(workers)
    checks: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in EmploymentCheck.objects.filter(user__in=people).values_list("user_id", "kind"):
        checks[user_id].add(kind)
    facts: dict[int, workforce.Worker] = {}
    supervisor_ids = {p.practice_supervisor_id for p in people if p.practice_supervisor_id}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=supervisor_ids)} if supervisor_ids else {}
    for person in people:
        values = {
            "staff_kind": person.staff_kind,
            "engaged_until": person.engaged_until,
            "practice_supervisor": person.practice_supervisor_id,
            **(overrides or {}).get(person.pk, {}),
        }
        supervisor = values["practice_supervisor"]
        supervisor_name = str(supervisor) if isinstance(supervisor, User) else names.get(supervisor or 0, "")
        facts[person.pk] = workforce.Worker(
            name=str(person),
            kind=values["staff_kind"],
            checks=frozenset(checks[person.pk]),
            ends_on=values["engaged_until"],
            supervisor=supervisor_name,
        )
    return facts


def allocation_refusals(workers: Iterable[User], *, today: date) -> dict[int, str]:
    """Of `workers`, those who may not be allocated children today, with the reason (a student; an
    ended contract; a returner with checks outstanding)."""
    refusals = {}
    for pk, facts in worker_facts_for(workers).items():
        refusal = workforce.allocation_refusal(facts, today=today)
        if refusal:
            refusals[pk] = refusal
    return refusals


def allocation_refusal(worker: User, *, today: date) -> str | None:
    return allocation_refusals([worker], today=today).get(worker.pk)


# --- The workforce board -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KindFigures:
    kind: str
    label: str
    people: int
    available: int
    capacity: int
    caseload: int


def workforce_staff(user: User) -> QuerySet[User]:
    """The active staff whose workforce details `user` may read: the whole authority for heads of service
    and administrators, the teams they manage (and their own) for team managers."""
    if not permissions.can_read_workforce(user):
        return User.objects.none()
    staff = User.objects.filter(la_id=user.la_id, is_active=True)
    if permissions.is_team_manager(user):
        staff = staff.filter(team_id__in=permissions.team_ids_for(user))
    return staff


def _off_today(today: date) -> Exists:
    return Exists(
        StaffAbsence.objects.filter(user_id=OuterRef("pk"), starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
    )


def workforce_figures(*, user: User, today: date) -> list[KindFigures]:
    """For each kind of staff: how many, how many available today, the caseload capacity the available
    ones add, and the children allocated to them. One query."""
    rows = (
        workforce_staff(user)
        .annotate(off=_off_today(today))
        .values("staff_kind")
        .annotate(
            people=Count("pk", distinct=True),
            available=Count("pk", filter=Q(off=False), distinct=True),
        )
    )
    counts = {r["staff_kind"]: r for r in rows}
    capacity = dict(
        workforce_staff(user)
        .annotate(off=_off_today(today))
        .filter(off=False)
        .values("staff_kind")
        .annotate(total=Sum("caseload_capacity"))
        .values_list("staff_kind", "total")
    )
    caseload = dict(
        workforce_staff(user)
        .values("staff_kind")
        .annotate(total=Count("allocated"))
        .values_list("staff_kind", "total")
    )
    return [
        KindFigures(
            kind,
            str(label),
            counts.get(kind, {}).get("people", 0),
            counts.get(kind, {}).get("available", 0),
            capacity.get(kind) or 0,
            caseload.get(kind) or 0,
        )
        for kind, label in StaffKind.choices
    ]


@dataclass(frozen=True)
class BoardRow:
    user: User
    available: bool
    caseload: int
    outstanding: tuple[workforce.Check, ...]
    refusal: str | None


def workforce_rows(*, user: User, today: date, kind: str = "") -> QuerySet[User]:
    """The staff of the board's list (all but permanent staff, or one kind), in name order."""
    staff = workforce_staff(user).exclude(staff_kind=StaffKind.PERMANENT)
    if kind:
        staff = staff.filter(staff_kind=kind)
    return (
        staff.select_related("team", "practice_supervisor")
        .annotate(off=_off_today(today), caseload=Count("allocated", distinct=True))
        .order_by("last_name", "first_name", "pk")
    )


def board_rows(people: Iterable[User], *, today: date) -> list[BoardRow]:
    """One page of the board: each person with their outstanding checks (one query for the page)."""
    page = list(people)
    facts = worker_facts_for(page)
    rows = []
    for person in page:
        fact = facts[person.pk]
        outstanding = workforce.outstanding_checks(fact.checks) if fact.kind == workforce.RETURNER else ()
        rows.append(
            BoardRow(
                person,
                not getattr(person, "off", False),
                getattr(person, "caseload", 0),
                outstanding,
                workforce.allocation_refusal(fact, today=today),
            )
        )
    return rows


def staff_checks(staff: User) -> list[tuple[workforce.Check, EmploymentCheck | None]]:
    """Each check a returner needs, with the record of it if there is one."""
    recorded = {c.kind: c for c in EmploymentCheck.objects.filter(user=staff).select_related("confirmed_by")}
    return [(check, recorded.get(check.id)) for check in workforce.RETURNER_CHECKS]
