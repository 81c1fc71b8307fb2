"""Reads for the practitioner's pages: the worklist and the contact summary on a child's record.

Both take a fixed number of queries whatever the caseload or history (tests assert it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from casework.accounts.alerts import IMMEDIATE_PROTECTION
from casework.children.access import children_visible_to
from casework.children.models import Child, HouseholdCovidStatus, LegalStatus
from casework.contacts.models import Contact, DueState
from casework.core.models import Alert
from casework.decisions.models import Departure
from casework.policy import context
from casework.risk.models import RiskRating
from domain.contact import Mode, remote_contact_requirements

if TYPE_CHECKING:
    from casework.accounts.models import User

RECENT_CONTACTS = 6  # on the record page; the rest on the child's contacts page
WORKLIST_LIMIT = 500
UNRATED_RANK = 9
OVERDUE, TODAY, THIS_WEEK, LATER, NOT_RATED = "overdue", "today", "week", "later", "not_rated"
GROUP_TITLES = {
    OVERDUE: "Overdue",
    TODAY: "Due today",
    THIS_WEEK: "Due this week",
    LATER: "Later",
    NOT_RATED: "Not yet rated",
}


@dataclass(frozen=True)
class WorklistRow:
    child: Child
    due: DueState | None
    statuses: list[LegalStatus]
    today: date

    @property
    def rating(self) -> str:
        return self.due.rating if self.due else ""

    @property
    def next_due(self) -> date | None:
        return self.due.next_due if self.due else None

    @property
    def days_overdue(self) -> int:
        if self.next_due is None or self.next_due >= self.today:
            return 0
        return (self.today - self.next_due).days

    @property
    def face_to_face_needed(self) -> bool:
        """The next contact must be face to face: the face-to-face due date comes by the next due date."""
        due = self.due
        return bool(due and due.face_to_face_due and due.next_due and due.face_to_face_due <= due.next_due)

    @property
    def group(self) -> str:
        if not self.rating:
            return NOT_RATED
        if self.next_due is None:
            return LATER
        if self.next_due < self.today:
            return OVERDUE
        if self.next_due == self.today:
            return TODAY
        if self.next_due <= self.today + timedelta(days=6):
            return THIS_WEEK
        return LATER


@dataclass
class WorklistGroup:
    key: str
    title: str
    rows: list[WorklistRow] = field(default_factory=list)


@dataclass(frozen=True)
class Worklist:
    groups: list[WorklistGroup]
    total: int

    @property
    def overdue(self) -> int:
        return sum(len(g.rows) for g in self.groups if g.key == OVERDUE)


def worklist_children(*, user: User, today: date) -> QuerySet[Child]:
    """The children allocated to `user`, highest risk first and then most overdue (a child never yet
    computed still appears, as not yet rated), each with its due state and open legal statuses: two
    queries for any slice of it."""
    open_statuses = LegalStatus.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    return (
        children_visible_to(user)
        .filter(allocated_worker_id=user.pk)
        .select_related("due")
        .prefetch_related(Prefetch("legal_statuses", queryset=open_statuses.order_by("kind")))
        .annotate(rank=Coalesce("due__rating_rank", UNRATED_RANK))
        .order_by("rank", F("due__next_due").asc(nulls_last=True), "last_name", "first_name", "pk")
    )


def worklist_rows(children: Iterable[Child], *, today: date) -> list[WorklistRow]:
    """Children of `worklist_children` as the worklist shows them."""
    rows = []
    for child in children:
        due = getattr(child, "due", None) if _has_due(child) else None
        rows.append(WorklistRow(child, due, list(child.legal_statuses.all()), today))
    return rows


def worklist_grouped(rows: Iterable[WorklistRow], *, total: int) -> Worklist:
    """Rows in the worklist's groups (overdue, due today, this week, later, not yet rated)."""
    groups = {key: WorklistGroup(key, title) for key, title in GROUP_TITLES.items()}
    for row in rows:
        groups[row.group].rows.append(row)
    return Worklist(groups=[g for g in groups.values() if g.rows], total=total)


def worklist_for_user(*, user: User, today: date, limit: int = WORKLIST_LIMIT) -> Worklist:
    """The first `limit` children of the user's worklist, in groups (the home page's summary): two
    queries."""
    children = list(worklist_children(user=user, today=today)[:limit])
    return worklist_grouped(worklist_rows(children, today=today), total=len(children))


def _has_due(child: Child) -> bool:
    try:
        child.due  # noqa: B018 - the reverse one-to-one raises when the child has no row yet
    except DueState.DoesNotExist:
        return False
    return True


@dataclass(frozen=True)
class ContactSummary:
    due: DueState | None
    rating: RiskRating | None
    contacts: list[Contact]
    departures: list[Departure]


def contact_summary_for_child(*, child: Child) -> ContactSummary:
    """The rating, plan, due dates, recent contacts and open departures shown on the child's record.

    Four queries whatever the history: the child has already been checked as visible to the user.
    """
    due = DueState.objects.select_related("plan").filter(child=child).first()
    rating = (
        RiskRating.objects.select_related("rated_by", "decided_by")
        .filter(child=child)
        .exclude(status="superseded")
        .order_by("-rated_on", "-pk")
        .first()
    )
    contacts = list(
        Contact.objects.select_related("made_by")
        .filter(child=child)
        .order_by("-occurred_at")[:RECENT_CONTACTS]
    )
    departures = list(
        Departure.objects.select_related("requested_by")
        .filter(child=child, status="awaiting")
        .order_by("-requested_on", "-pk")
    )
    return ContactSummary(due=due, rating=rating, contacts=contacts, departures=departures)


def remote_requirement_for(child: Child, mode: str, day: date) -> Any:
    """What the record of a contact by `mode` on `day` needs under the rules of that day."""
    situation = context.situation_for(child, day)
    rules = context.rules_for(child.la_id, day)
    due = DueState.objects.filter(child=child).first()
    plan_wants_f2f = bool(due and due.face_to_face_due and due.face_to_face_due <= day)
    statutory_visit = "lac" in situation.statuses
    return remote_contact_requirements(
        planned_face_to_face=plan_wants_f2f or statutory_visit,
        mode=Mode(mode),
        rules=rules,
        requirement="lac.visit" if statutory_visit else None,
    )


def covid_statuses_today(child: Child, day: date) -> set[str]:
    if child.household_id is None:
        return set()
    return {
        s.status
        for s in HouseholdCovidStatus.objects.filter(household_id=child.household_id, starts_on__lte=day)
        if s.ends_on is None or s.ends_on >= day
    }


@dataclass(frozen=True)
class ProtectionAlerted:
    """Who was alerted when a worker flagged immediate protection, when, and how."""

    name: str
    role: str
    at: Any
    email: str


def immediate_protection_open(*, user: User, limit: int = 50) -> list[Contact]:
    """Immediate-protection flags no manager has acknowledged, on children the user may see: oldest first."""
    return list(
        Contact.objects.filter(
            la_id=user.la_id,
            immediate_protection=True,
            protection_acknowledged_at__isnull=True,
            child__in=children_visible_to(user),
        )
        .select_related("child", "made_by")
        .order_by("occurred_at", "pk")[:limit]
    )


def protection_contact_for(*, user: User, child: Child, contact_id: int) -> Contact | None:
    """One immediate-protection contact of a child the caller already opened (child_get_for_user)."""
    return (
        Contact.objects.filter(child=child, pk=contact_id, immediate_protection=True)
        .select_related("made_by", "protection_acknowledged_by")
        .first()
    )


def protection_link(contact: Contact) -> str:
    """Where an immediate-protection alert takes the manager (and how the alerts of one contact are found)."""
    return f"/children/{contact.child_id}/#contact-{contact.pk}"


def protection_alerted(*, contact: Contact, link: str) -> list[ProtectionAlerted]:
    """The managers alerted about `contact` (each alert carries the contact's link)."""
    alerts = (
        Alert.objects.filter(
            la_id=contact.la_id, child_id=contact.child_id, kind=IMMEDIATE_PROTECTION, link=link
        )
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    return [
        ProtectionAlerted(
            name=a.recipient.get_full_name() or a.recipient.username,
            role=a.recipient.get_role_display(),
            at=a.created_at,
            email=a.recipient.email,
        )
        for a in alerts
    ]
