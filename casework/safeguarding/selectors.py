"""The deadlines view for each role: due today, this week, overdue, met late."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse

from casework.children.access import child_visible_q, children_visible_to
from casework.core import permissions
from casework.safeguarding.models import AGENCIES, Deadline, InformationShare, Meeting, Referral
from domain.timescales import rule_by_id

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child

GROUPS = ("overdue", "today", "week", "later", "practicable", "met_late")
CHILD_SHOWN = ("id", "la", "la_child_id", "first_name", "last_name", "known_as", "is_restricted")
DEADLINE_SHOWN = (
    "id",
    "la",
    "child",
    "rule_id",
    "subject_type",
    "subject_id",
    "event_on",
    "due_on",
    "normal_due_on",
    "as_soon_as_reasonably_practicable",
    "regime",
    "met_on",
)


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline as a list shows it. The dates and the child's link are made here, once per row: the
    deadlines page shows up to 600 rows, and Django's `date` filter and `url` tag were most of its time."""

    deadline: Deadline
    title: str
    source: str
    confirmed: bool
    days_overdue: int

    @property
    def event_text(self) -> str:
        return short_date(self.deadline.event_on)

    @property
    def due_text(self) -> str:
        due = self.deadline.due_on
        return f"{WEEKDAYS[due.weekday()]} {short_date(due)}" if due else ""

    @property
    def normal_due_text(self) -> str:
        return short_date(self.deadline.normal_due_on)

    @property
    def met_text(self) -> str:
        return short_date(self.deadline.met_on)

    @property
    def child_name(self) -> str:
        child = self.deadline.child
        return child.full_name if child is not None else ""

    @property
    def child_url(self) -> str:
        return child_url(self.deadline.child_id) if self.deadline.child_id else ""


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def short_date(day: date | None) -> str:
    """3 December 2026 (Django's "j F Y", in English whatever the server's locale): the one date format
    of every page (issue 11)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


@functools.cache
def _child_url_pattern() -> str:
    return reverse("children:detail", args=[0]).replace("/0/", "/{}/")


def child_url(child_id: int) -> str:
    """The child's record page (the `children:detail` route, reversed once)."""
    return _child_url_pattern().format(child_id)


def deadlines_visible_to(user: User) -> QuerySet[Deadline]:
    """Deadlines of children the user may see; LA-wide ones (no single child) for LA-wide roles."""
    rows = Deadline.objects.filter(la_id=user.la_id)
    scope = child_visible_q(user)
    if permissions.sees_whole_la(user):
        scope |= Q(child__isnull=True)
    return rows.filter(scope)


@dataclass(frozen=True)
class DeadlineGroup:
    key: str
    title: str
    total: int


GROUP_TITLES = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due this week",
    "later": "Later",
    "practicable": "As soon as reasonably practicable",
    "met_late": "Met late",
}
GROUP_ORDER = {"met_late": ("-met_on", "pk")}
OPEN_ORDER = ("due_on", "normal_due_on", "pk")


def _group_conditions(today: date) -> dict[str, Q]:
    week_end = today + timedelta(days=6 - today.weekday())
    return {
        "overdue": Q(met_on__isnull=True, due_on__lt=today),
        "today": Q(met_on__isnull=True, due_on=today),
        "week": Q(met_on__isnull=True, due_on__gt=today, due_on__lte=week_end),
        "later": Q(met_on__isnull=True, due_on__gt=week_end),
        "practicable": Q(met_on__isnull=True, due_on__isnull=True),
        "met_late": Q(met_on__isnull=False, due_on__isnull=False, met_on__gt=F("due_on")),
    }


def deadline_groups(*, user: User, today: date, rule: str = "") -> list[DeadlineGroup]:
    """Each group's true count (overdue, due today, this week, later, as soon as reasonably practicable,
    met late) of the deadlines the user may see: one query."""
    rows = deadlines_visible_to(user)
    if rule:
        rows = rows.filter(rule_id=rule)
    conditions = _group_conditions(today)
    totals = rows.aggregate(**{key: Count("pk", filter=condition) for key, condition in conditions.items()})
    return [DeadlineGroup(key, GROUP_TITLES[key], int(totals[key])) for key in GROUPS]


def deadline_group(*, user: User, today: date, group: str, rule: str = "") -> QuerySet[Deadline]:
    """The deadlines of one group the user may see, most urgent first (met late: the latest first), with
    of the child only what a list shows (a name, a link and the LA child ID)."""
    rows = deadlines_visible_to(user).filter(_group_conditions(today)[group])
    if rule:
        rows = rows.filter(rule_id=rule)
    return (
        rows.select_related("child")
        .only(*DEADLINE_SHOWN, *(f"child__{name}" for name in CHILD_SHOWN))
        .order_by(*GROUP_ORDER.get(group, OPEN_ORDER))
    )


def deadline_rows(deadlines: Iterable[Deadline], *, today: date) -> list[DeadlineRow]:
    """Each deadline with its rule's title and legal source (from the one rules table)."""
    rows = []
    for row in deadlines:
        spec = rule_by_id(row.rule_id)
        days = (today - row.due_on).days if row.met_on is None and row.due_on and row.due_on < today else 0
        rows.append(DeadlineRow(row, spec.title, spec.source, spec.confirmed, days))
    return rows


# --- The front door -------------------------------------------------------------------------------------


def referral_links_visible_to(user: User) -> QuerySet[Any]:
    """The links between referrals and children that `user` may see: those to children they may open."""
    links = Referral.children.through.objects.filter(referral__la_id=user.la_id)
    return links.filter(child_visible_q(user))


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Referrals about at least one child the user may see. A referral about no one else but a restricted
    child is part of that child's record, so LA-wide roles not named on it do not see it either."""
    referrals = Referral.objects.filter(la_id=user.la_id)
    visible_links = Referral.children.through.objects.filter(referral_id=OuterRef("pk")).filter(
        child_visible_q(user)
    )
    return referrals.filter(Exists(visible_links))


def referral_get_for_user(*, user: User, referral_id: int) -> Referral:
    """A referral the user may see, or a 404 indistinguishable from one that does not exist."""
    try:
        return referrals_visible_to(user).select_related("decided_by").get(pk=referral_id)
    except Referral.DoesNotExist:
        raise Http404("No such referral") from None


@dataclass(frozen=True)
class ReferralChildren:
    shown: list[Child]
    other_teams: int  # children of other teams the user may not open, counted but never named


def referral_children_for_user(*, user: User, referral: Referral) -> ReferralChildren:
    """The referral's children the user may open, and how many others it is about. A restricted record
    hidden from the user is not counted: its own page answers as if it did not exist, and so does this."""
    links = Referral.children.through.objects.filter(referral_id=referral.pk)
    shown = [
        link.child
        for link in referral_links_visible_to(user)
        .filter(referral_id=referral.pk)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "child_id")
    ]
    others = links.filter(child__is_restricted=False).exclude(child_id__in=[c.pk for c in shown]).count()
    return ReferralChildren(shown, others)


@dataclass(frozen=True)
class FrontDoorRow:
    referral: Referral
    children: list[Child]
    decision_deadline: Deadline | None


def front_door_awaiting(*, user: User) -> QuerySet[Referral]:
    """Referrals the user may see awaiting a decision, oldest first (the 1-working-day deadline)."""
    return referrals_visible_to(user).filter(decision="").order_by("received_at", "pk")


def front_door_decided(*, user: User) -> QuerySet[Referral]:
    """Referrals the user may see that are decided, the latest first."""
    return (
        referrals_visible_to(user)
        .exclude(decision="")
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
    )


def front_door_rows(*, user: User, referrals: list[Referral]) -> list[FrontDoorRow]:
    """Each referral with the children the user may open and its decision deadline: two queries
    whatever the number of rows."""
    ids = [r.pk for r in referrals]
    children: dict[int, list[Child]] = {}
    # Only the children the user may open: a sibling on a restricted record or in another team is not
    # named, counted or linked here (their own page would refuse the user).
    links = referral_links_visible_to(user).filter(referral_id__in=ids).select_related("child")
    for link in links.order_by("child__last_name", "child__first_name"):
        children.setdefault(link.referral_id, []).append(link.child)
    deadlines = {
        d.subject_id: d
        for d in Deadline.objects.filter(
            subject_type="referral", subject_id__in=ids, rule_id="referral.decision"
        )
    }
    return [FrontDoorRow(r, children.get(r.pk, []), deadlines.get(r.pk)) for r in referrals]


def referral_deadlines(*, user: User, referral: Referral, today: date) -> list[DeadlineRow]:
    """The referral's deadlines: its decision, and each child's own (an assessment) for the children
    the user may see, so the rows do not reveal a sibling hidden from them."""
    rows = (
        Deadline.objects.filter(la_id=referral.la_id, subject_type="referral", subject_id=referral.pk)
        .filter(Q(child__isnull=True) | child_visible_q(user))
        .order_by("event_on", "pk")
    )
    return deadline_rows(rows, today=today)


# --- Information sharing --------------------------------------------------------------------------------

SHARES_LIMIT = 500


def information_shares_visible_to(user: User) -> QuerySet[InformationShare]:
    return InformationShare.objects.filter(
        la_id=user.la_id, child__in=children_visible_to(user).values("pk")
    ).select_related("child", "decided_by")


# --- The child's record page ----------------------------------------------------------------------------

# The record page shows the latest meetings and the deadlines that matter most (open first, then the
# soonest due), within the page-length budget (issue 11); the deadlines page lists every one.
CHILD_PAGE_MEETINGS = 3
CHILD_PAGE_DEADLINES = 5


AGENCY_LABELS = dict(AGENCIES)


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    invited: str
    present: str


def _agencies(codes: Iterable[str]) -> str:
    return ", ".join(AGENCY_LABELS.get(code, code) for code in codes)


@dataclass(frozen=True)
class ChildSafeguarding:
    meetings: list[MeetingRow]
    deadlines: list[DeadlineRow]
    meetings_limit: int = CHILD_PAGE_MEETINGS
    deadlines_limit: int = CHILD_PAGE_DEADLINES


def child_safeguarding(*, child: Child, today: date) -> ChildSafeguarding:
    """Meetings and deadlines for the child's page: two queries whatever the history's length.

    The child was loaded through children_visible_to; open deadlines first, then the latest met."""
    meetings = [
        MeetingRow(m, _agencies(m.agencies_invited), _agencies(m.agencies_present))
        for m in Meeting.objects.filter(child=child).order_by("-held_on", "-pk")[:CHILD_PAGE_MEETINGS]
    ]
    deadlines = Deadline.objects.filter(child=child).order_by(
        F("met_on").desc(nulls_first=True), F("due_on").asc(nulls_first=True), "pk"
    )[:CHILD_PAGE_DEADLINES]
    return ChildSafeguarding(meetings, deadline_rows(deadlines, today=today))


@dataclass(frozen=True)
class DeadlineMonth:
    month: date
    on_time: int
    late: int
    missed: int  # past due and not met


def deadlines_by_month(*, user: User, today: date, rule: str = "", months: int = 12) -> list[DeadlineMonth]:
    """Deadlines due in each of the last `months` months (to today), by whether they were met on time,
    late, or not met: one grouped query over the deadlines the user may see (index deadline_open)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = date(index // 12, index % 12 + 1, 1)
    rows = deadlines_visible_to(user).filter(due_on__gte=first, due_on__lte=today)
    if rule:
        rows = rows.filter(rule_id=rule)
    grouped = {
        r["month"]: r
        for r in rows.annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(
            on_time=Count("pk", filter=Q(met_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(met_on__gt=F("due_on"))),
            missed=Count("pk", filter=Q(met_on__isnull=True)),
        )
        .order_by()
    }
    result = []
    month = first
    while month <= today:
        r = grouped.get(month, {})
        result.append(DeadlineMonth(month, r.get("on_time", 0), r.get("late", 0), r.get("missed", 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return result
