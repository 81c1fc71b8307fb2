"""The deadlines view for each role: due today, this week, overdue, met late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet

from casework.core import access
from casework.safeguarding.models import Deadline
from domain.timescales import rule_by_id

if TYPE_CHECKING:
    from casework.accounts.models import User

GROUPS = ("overdue", "today", "week", "later", "practicable", "met_late")


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    title: str
    source: str
    confirmed: bool
    days_overdue: int


def deadlines_visible_to(user: User) -> QuerySet[Deadline]:
    """Deadlines of children the user may see; LA-wide ones (no single child) for LA-wide roles."""
    rows = Deadline.objects.filter(la_id=user.la_id)
    visible = access.children_visible_to(user).values("pk")
    if access.sees_whole_la(user):
        return rows.filter(Q(child__isnull=True) | Q(child__in=visible))
    return rows.filter(child__in=visible)


def deadlines_for_user(*, user: User, today: date, rule: str = "") -> dict[str, list[DeadlineRow]]:
    week_end = today + timedelta(days=6 - today.weekday())
    rows = deadlines_visible_to(user).select_related("child").order_by("due_on", "normal_due_on", "pk")
    if rule:
        rows = rows.filter(rule_id=rule)
    groups: dict[str, list[DeadlineRow]] = {g: [] for g in GROUPS}
    open_rows = rows.filter(met_on__isnull=True)
    late = rows.filter(met_on__isnull=False, due_on__isnull=False, met_on__gt=F("due_on")).order_by(
        "-met_on"
    )[:100]
    for row in list(open_rows[:2000]) + list(late):
        spec = rule_by_id(row.rule_id)
        item = DeadlineRow(
            row,
            spec.title,
            spec.source,
            spec.confirmed,
            (today - row.due_on).days if row.due_on and row.due_on < today else 0,
        )
        if row.met_on is not None:
            groups["met_late"].append(item)
        elif row.due_on is None:
            groups["practicable"].append(item)
        elif row.due_on < today:
            groups["overdue"].append(item)
        elif row.due_on == today:
            groups["today"].append(item)
        elif row.due_on <= week_end:
            groups["week"].append(item)
        else:
            groups["later"].append(item)
    return groups
