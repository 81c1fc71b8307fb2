"""The deadlines view for each role: due today, this week, overdue, met late."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from casework.children.access import children_visible_to
from casework.core import permissions
from casework.safeguarding.models import AGENCIES, Deadline, InformationShare, Meeting, Referral
from domain.timescales import rule_by_id

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child

GROUPS = ("overdue", "today", "week", "later", "practicable", "met_late")
CHILD_SHOWN = ("id", "la", "first_name", "last_name", "known_as", "is_restricted")
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
    deadline: Deadline
    title: str
    source: str
    confirmed: bool
    days_overdue: int


def deadlines_visible_to(user: User) -> QuerySet[Deadline]:
    """Deadlines of children the user may see; LA-wide ones (no single child) for LA-wide roles."""
    rows = Deadline.objects.filter(la_id=user.la_id)
    if permissions.sees_whole_la(user) and user.is_authenticated and user.la_id is not None:
        # The same rule as `children_visible_to`, put the other way round: an LA-wide reader sees every
        # child of the authority but the few restricted records not allocated or granted to them. Testing
        # each row against that short list is far cheaper than against every child the reader may see.
        from casework.children.models import Child as ChildModel
        from casework.children.models import ChildAccessGrant

        hidden = (
            ChildModel.objects.filter(la_id=user.la_id, is_restricted=True)
            .exclude(allocated_worker_id=user.pk)
            .exclude(Exists(ChildAccessGrant.objects.filter(child_id=OuterRef("pk"), user_id=user.pk)))
            .values("pk")
        )
        return rows.filter(Q(child__isnull=True) | ~Q(child__in=hidden))
    visible = children_visible_to(user).values("pk")
    if permissions.sees_whole_la(user):
        return rows.filter(Q(child__isnull=True) | Q(child__in=visible))
    return rows.filter(child__in=visible)


GROUP_LIMIT = 100


@dataclass(frozen=True)
class DeadlineGroup:
    key: str
    rows: list[DeadlineRow]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def deadlines_for_user(*, user: User, today: date, rule: str = "") -> dict[str, DeadlineGroup]:
    """Each group's true count and its first rows (most urgent first): a fixed number of queries, and a page
    of bounded size however many deadlines an LA has (a filter by timescale narrows a long group)."""
    week_end = today + timedelta(days=6 - today.weekday())
    # Of the child, only what the page shows (a name and a link).
    rows = (
        deadlines_visible_to(user)
        .select_related("child")
        .only(*DEADLINE_SHOWN, *(f"child__{name}" for name in CHILD_SHOWN))
    )
    if rule:
        rows = rows.filter(rule_id=rule)
    open_rows = rows.filter(met_on__isnull=True)
    conditions = {
        "overdue": Q(met_on__isnull=True, due_on__lt=today),
        "today": Q(met_on__isnull=True, due_on=today),
        "week": Q(met_on__isnull=True, due_on__gt=today, due_on__lte=week_end),
        "later": Q(met_on__isnull=True, due_on__gt=week_end),
        "practicable": Q(met_on__isnull=True, due_on__isnull=True),
        "met_late": Q(met_on__isnull=False, due_on__isnull=False, met_on__gt=F("due_on")),
    }
    totals = rows.aggregate(**{key: Count("pk", filter=condition) for key, condition in conditions.items()})
    groups: dict[str, DeadlineGroup] = {}
    for key in GROUPS:
        chosen = (open_rows if key != "met_late" else rows).filter(conditions[key])
        order = ("-met_on", "pk") if key == "met_late" else ("due_on", "normal_due_on", "pk")
        items = []
        for row in chosen.order_by(*order)[:GROUP_LIMIT]:
            spec = rule_by_id(row.rule_id)
            days = (
                (today - row.due_on).days if row.met_on is None and row.due_on and row.due_on < today else 0
            )
            items.append(DeadlineRow(row, spec.title, spec.source, spec.confirmed, days))
        groups[key] = DeadlineGroup(key, items, int(totals[key]))
    return groups


def deadline_rows(deadlines: Iterable[Deadline], *, today: date) -> list[DeadlineRow]:
    """Each deadline with its rule's title and legal source (from the one rules table)."""
    rows = []
    for row in deadlines:
        spec = rule_by_id(row.rule_id)
        days = (today - row.due_on).days if row.met_on is None and row.due_on and row.due_on < today else 0
        rows.append(DeadlineRow(row, spec.title, spec.source, spec.confirmed, days))
    return rows


# --- The front door -------------------------------------------------------------------------------------

FRONT_DOOR_LIMIT = 200


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Referrals about at least one child the user may see (LA-wide roles see every referral of the LA)."""
    referrals = Referral.objects.filter(la_id=user.la_id)
    if permissions.sees_whole_la(user):
        return referrals
    visible = children_visible_to(user).values("pk")
    return referrals.filter(
        Exists(Referral.children.through.objects.filter(referral_id=OuterRef("pk"), child_id__in=visible))
    )


def referral_get_for_user(*, user: User, referral_id: int) -> Referral:
    """A referral the user may see, or a 404 indistinguishable from one that does not exist."""
    try:
        return referrals_visible_to(user).select_related("decided_by").get(pk=referral_id)
    except Referral.DoesNotExist:
        raise Http404("No such referral") from None


@dataclass(frozen=True)
class FrontDoorRow:
    referral: Referral
    children: list[Child]
    decision_deadline: Deadline | None


def front_door(*, user: User) -> tuple[list[FrontDoorRow], list[FrontDoorRow]]:
    """Awaiting decision (oldest first, with the 1-working-day deadline), then the latest decided.

    Three queries whatever the number of rows: referrals, their children, their decision deadlines."""
    base = referrals_visible_to(user)
    awaiting = list(base.filter(decision="").order_by("received_at", "pk")[:FRONT_DOOR_LIMIT])
    decided = list(
        base.exclude(decision="")
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")[:FRONT_DOOR_LIMIT]
    )
    ids = [r.pk for r in awaiting + decided]
    children: dict[int, list[Child]] = {}
    links = Referral.children.through.objects.filter(referral_id__in=ids).select_related("child")
    for link in links.order_by("child__last_name", "child__first_name"):
        children.setdefault(link.referral_id, []).append(link.child)
    deadlines = {
        d.subject_id: d
        for d in Deadline.objects.filter(
            subject_type="referral", subject_id__in=ids, rule_id="referral.decision"
        )
    }

    def rows(referrals: list[Referral]) -> list[FrontDoorRow]:
        return [FrontDoorRow(r, children.get(r.pk, []), deadlines.get(r.pk)) for r in referrals]

    return rows(awaiting), rows(decided)


def referral_deadlines(*, referral: Referral, today: date) -> list[DeadlineRow]:
    rows = Deadline.objects.filter(subject_type="referral", subject_id=referral.pk).order_by("event_on", "pk")
    return deadline_rows(rows, today=today)


# --- Information sharing --------------------------------------------------------------------------------

SHARES_LIMIT = 500


def information_shares_visible_to(user: User) -> QuerySet[InformationShare]:
    return InformationShare.objects.filter(
        la_id=user.la_id, child__in=children_visible_to(user).values("pk")
    ).select_related("child", "decided_by")


# --- The child's record page ----------------------------------------------------------------------------

CHILD_PAGE_LIMIT = 50


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


def child_safeguarding(*, child: Child, today: date) -> ChildSafeguarding:
    """Meetings and deadlines for the child's page: two queries whatever the history's length.

    The child was loaded through children_visible_to; open deadlines first, then the latest met."""
    meetings = [
        MeetingRow(m, _agencies(m.agencies_invited), _agencies(m.agencies_present))
        for m in Meeting.objects.filter(child=child).order_by("-held_on", "-pk")[:CHILD_PAGE_LIMIT]
    ]
    deadlines = Deadline.objects.filter(child=child).order_by(
        F("met_on").desc(nulls_first=True), F("due_on").asc(nulls_first=True), "pk"
    )[:CHILD_PAGE_LIMIT]
    return ChildSafeguarding(meetings, deadline_rows(deadlines, today=today))
