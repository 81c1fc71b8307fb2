"""What managers and the head of service oversee: every figure one SQL aggregate, never a query per child.

Every read starts from `children_visible_to` (lists) or `due_states_visible_to`
(LA-wide figures, one pass over the due states), so a restricted record is neither listed nor counted
for someone who may not see it, and nothing crosses between local authorities.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from casework.accounts.models import Team, User
from casework.accounts.selectors import staff_off_on
from casework.children.access import children_visible_to
from casework.children.models import Child, LegalStatus, LegalStatusKind
from casework.contacts.models import ContactPlan, DueState
from casework.decisions.models import Departure
from casework.policy.models import EmergencyDeclaration
from casework.risk.models import Rating, RerateTrigger, RiskRating, SignOff
from domain.risk import FACTORS_BY_CODE

if TYPE_CHECKING:
    from casework.accounts.models import StaffAbsence

# How far back "seen face to face" and "seen alone" look (DfE guidance, spring 2020 practice).
FACE_TO_FACE_DAYS = 14
SEEN_ALONE_DAYS = 28

RATING_COLUMNS = [("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("none", "Not rated")]
MEASURES = {
    "open": "Open cases",
    "within_plan": "Seen within their plan",
    "overdue": "Contact overdue",
    "face_to_face_14": f"Seen face to face in the last {FACE_TO_FACE_DAYS} days",
    "not_face_to_face_14": f"Not seen face to face in the last {FACE_TO_FACE_DAYS} days",
    "seen_alone_28": "Seen alone in the last 4 weeks",
    "not_seen_alone_28": "Not seen alone in the last 4 weeks",
}


def open_status_filter(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def open_cases(children: QuerySet[Child], today: date, kind: str | None = None) -> QuerySet[Child]:
    """Children with an open legal status (of `kind`, if given) on `today`."""
    statuses = LegalStatus.objects.filter(open_status_filter(today), child_id=OuterRef("pk"))
    if kind:
        statuses = statuses.filter(kind=kind)
    return children.filter(Exists(statuses))


def emergency_in_force(*, la_id: int, today: date) -> EmergencyDeclaration | None:
    return (
        EmergencyDeclaration.objects.filter(la_id=la_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("-starts_on")
        .first()
    )


# --- Re-rating progress ---------------------------------------------------------------------------


@dataclass
class Progress:
    label: str
    open: int = 0
    signed_off: int = 0
    awaiting: int = 0
    href_key: int | None = None

    @property
    def not_started(self) -> int:
        return self.open - self.signed_off - self.awaiting

    @property
    def percent_signed_off(self) -> int:
        return round(100 * self.signed_off / self.open) if self.open else 100


@dataclass
class RerateProgress:
    emergency: EmergencyDeclaration
    today: date
    rows: list[Progress]
    total: Progress = field(default_factory=lambda: Progress("Total"))

    @property
    def days_left(self) -> int:
        return (self.emergency.rating_target_date - self.today).days


def rerate_progress(*, due: QuerySet[DueState], la_id: int, today: date, by: str) -> RerateProgress | None:
    """Open cases rated and signed off since the emergency started, awaiting sign-off and not started,
    per team (`by="team"`) or per allocated worker (`by="worker"`): one grouped query over the due states
    (which carry the latest rating's status and the date of the latest sign-off) and one for names.
    """
    emergency = emergency_in_force(la_id=la_id, today=today)
    if emergency is None:
        return None
    signed = Q(approved_on__gte=emergency.starts_on)
    key = "team_id" if by == "team" else "allocated_worker_id"
    rows = (
        open_due(due)
        .values(key)
        .annotate(
            n_open=Count("pk"),
            n_signed=Count("pk", filter=signed),
            n_awaiting=Count("pk", filter=~signed & Q(rating_status=SignOff.AWAITING)),
        )
        .order_by()
    )
    counts = {r[key]: r for r in rows}
    names: dict[int | None, str]
    if by == "team":
        names = dict(
            Team.objects.filter(la_id=la_id, pk__in=[k for k in counts if k]).values_list("pk", "name")
        )
    else:
        names = {
            u.pk: str(u) for u in User.objects.filter(la_id=la_id, pk__in=[k for k in counts if k]).order_by()
        }
    progress = RerateProgress(emergency, today, [])
    for k, r in sorted(counts.items(), key=lambda item: names.get(item[0], "~")):
        row = Progress(
            names.get(k, "No team" if by == "team" else "Not allocated"),
            r["n_open"],
            r["n_signed"],
            r["n_awaiting"],
            k,
        )
        progress.rows.append(row)
        progress.total.open += row.open
        progress.total.signed_off += row.signed_off
        progress.total.awaiting += row.awaiting
    return progress


# --- The team manager's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class AwaitingRating:
    rating: RiskRating
    plan: ContactPlan | None
    departures: list[Departure]

    @property
    def factor_labels(self) -> list[str]:
        return [FACTORS_BY_CODE[f].label if f in FACTORS_BY_CODE else f for f in self.rating.factors]


RISK_ORDER = Case(
    When(rating=Rating.RED, then=Value(0)),
    When(rating=Rating.AMBER, then=Value(1)),
    When(rating=Rating.GREEN, then=Value(2)),
    default=Value(9),
)


def sign_off_queue(*, user: User, team: Team) -> QuerySet[RiskRating]:
    """Ratings of the team's children waiting for sign-off: the highest risk first (the rating proposed:
    red, amber, green), then the longest waiting."""
    return (
        RiskRating.objects.filter(la_id=team.la_id, status=SignOff.AWAITING, child__team=team)
        .filter(child__in=children_visible_to(user))
        .select_related("child", "rated_by", "child__allocated_worker")
        .annotate(risk=RISK_ORDER)
        .order_by("risk", "rated_on", "pk")
    )


def awaiting_ratings(ratings: list[RiskRating]) -> list[AwaitingRating]:
    """Ratings with their proposed plan and its departures: two queries for any number of them."""
    ids = [r.pk for r in ratings]
    plans = {p.rating_id: p for p in ContactPlan.objects.filter(rating_id__in=ids).order_by("pk")}
    departures: dict[int, list[Departure]] = defaultdict(list)
    for d in Departure.objects.filter(plan__rating_id__in=ids).select_related("plan").order_by("pk"):
        departures[d.plan.rating_id if d.plan else 0].append(d)
    return [AwaitingRating(r, plans.get(r.pk), departures.get(r.pk, [])) for r in ratings]


def contact_departures_awaiting(*, user: User, team: Team) -> QuerySet[Departure]:
    """Departures waiting for approval that are not part of a rating's plan (e.g. a remote visit): the
    children at highest risk first (their current rating), then the longest waiting."""
    return (
        Departure.objects.filter(la_id=team.la_id, status=SignOff.AWAITING, plan__isnull=True)
        .filter(child__team=team, child__in=children_visible_to(user))
        .select_related("child", "requested_by")
        .annotate(risk=Coalesce("child__due__rating_rank", Value(9)))
        .order_by("risk", "requested_on", "pk")
    )


def overdue_for(children: QuerySet[Child], *, today: date) -> QuerySet[DueState]:
    """Children whose next contact is overdue, highest risk first, then most overdue."""
    return (
        DueState.objects.filter(child__in=children, next_due__lt=today)
        .select_related("child", "child__allocated_worker", "child__team")
        .order_by("rating_rank", "next_due", "child_id")
    )


@dataclass(frozen=True)
class QueuedChild:
    child: Child
    triggers: list[RerateTrigger]


def rerate_queue(*, user: User, team: Team) -> QuerySet[Child]:
    """The team's children with an unresolved re-rating trigger, the longest waiting first."""
    unresolved = RerateTrigger.objects.filter(child_id=OuterRef("pk"), resolved_by__isnull=True)
    return (
        children_visible_to(user)
        .filter(team=team)
        .filter(Exists(unresolved))
        .annotate(waiting_since=Subquery(unresolved.order_by("occurred_on").values("occurred_on")[:1]))
        .select_related("allocated_worker")
        .order_by("waiting_since", "pk")
    )


def queued_children(children: list[Child]) -> list[QueuedChild]:
    """Children of the re-rating queue with their unresolved triggers, oldest first (one query)."""
    triggers: dict[int, list[RerateTrigger]] = defaultdict(list)
    for t in RerateTrigger.objects.filter(
        child_id__in=[c.pk for c in children], resolved_by__isnull=True
    ).order_by("occurred_on", "pk"):
        triggers[t.child_id].append(t)
    return [QueuedChild(c, triggers[c.pk]) for c in children]


# --- The head of service's cohort ---------------------------------------------------------------------


@dataclass
class CohortCell:
    count: int
    rating: str
    status: str


@dataclass
class CohortRow:
    status: str
    label: str
    cells: list[CohortCell]
    total: int


def _rating_key(rating: str | None) -> str:
    return rating if rating in {"red", "amber", "green"} else "none"


def cohort_matrix(*, figures: dict[str, int]) -> dict[str, Any]:
    """Open cases by rating x legal status (a child counts under each open status), from the figures
    `compliance` computed in the same single pass."""
    totals = {key: int(figures.get(f"rating_{key}", 0)) for key, _ in RATING_COLUMNS}
    matrix = []
    for kind in LegalStatusKind:
        cells = [
            CohortCell(int(figures.get(f"cell_{kind.value}_{key}", 0)), key, kind.value)
            for key, _ in RATING_COLUMNS
        ]
        matrix.append(CohortRow(kind.value, str(kind.label), cells, sum(c.count for c in cells)))
    total_cells = [CohortCell(totals[key], key, "") for key, _ in RATING_COLUMNS]
    return {
        "columns": RATING_COLUMNS,
        "rows": matrix,
        "totals": total_cells,
        "total": sum(c.count for c in total_cells),
    }


def open_due(due: QuerySet[DueState]) -> QuerySet[DueState]:
    """Due states of children with an open legal status (as of their last computation, refreshed
    whenever a status changes and every night)."""
    return due.filter(open_statuses__len__gt=0)


def _rating_q(key: str) -> Q:
    return Q(rating=key) if key != "none" else ~Q(rating__in=["red", "amber", "green"])


def compliance(*, due: QuerySet[DueState], today: date) -> dict[str, int]:
    """Contact compliance, each rating's count and the rating x status matrix over open cases: one pass,
    grouped by rating and open statuses (a few dozen groups whatever the size of the LA), the matrix
    added up from the groups. Counting each of the 32 cells in SQL instead made PostgreSQL test every
    due state against every cell: most of the head of service's page time at 100,000 children."""
    f2f_since = today - timedelta(days=FACE_TO_FACE_DAYS)
    alone_since = today - timedelta(days=SEEN_ALONE_DAYS)
    groups = (
        open_due(due)
        .values("rating", "open_statuses")
        .annotate(
            open=Count("pk"),
            with_plan=Count("pk", filter=Q(next_due__isnull=False)),
            within_plan=Count("pk", filter=Q(next_due__gte=today)),
            overdue=Count("pk", filter=Q(next_due__lt=today)),
            face_to_face_14=Count("pk", filter=Q(last_face_to_face_on__gte=f2f_since)),
            seen_alone_28=Count("pk", filter=Q(last_seen_alone_on__gte=alone_since)),
        )
        .order_by()
    )
    sums = ["open", "with_plan", "within_plan", "overdue", "face_to_face_14", "seen_alone_28"]
    kinds = set(LegalStatusKind.values)
    figures = dict.fromkeys(sums, 0)
    figures.update({f"rating_{key}": 0 for key, _ in RATING_COLUMNS})
    figures.update({f"cell_{kind}_{key}": 0 for kind in kinds for key, _ in RATING_COLUMNS})
    for group in groups:
        for name in sums:
            figures[name] += group[name]
        key = _rating_key(group["rating"])
        figures[f"rating_{key}"] += group["open"]
        for kind in kinds.intersection(group["open_statuses"]):  # a child counts under each open status
            figures[f"cell_{kind}_{key}"] += group["open"]
    figures["not_face_to_face_14"] = figures["open"] - figures["face_to_face_14"]
    figures["not_seen_alone_28"] = figures["open"] - figures["seen_alone_28"]
    return figures


def measure_filter(measure: str, today: date) -> Q:
    f2f_since = today - timedelta(days=FACE_TO_FACE_DAYS)
    alone_since = today - timedelta(days=SEEN_ALONE_DAYS)
    return {
        "within_plan": Q(due__next_due__gte=today),
        "overdue": Q(due__next_due__lt=today),
        "face_to_face_14": Q(due__last_face_to_face_on__gte=f2f_since),
        "not_face_to_face_14": Q(due__last_face_to_face_on__lt=f2f_since)
        | Q(due__last_face_to_face_on__isnull=True),
        "seen_alone_28": Q(due__last_seen_alone_on__gte=alone_since),
        "not_seen_alone_28": Q(due__last_seen_alone_on__lt=alone_since)
        | Q(due__last_seen_alone_on__isnull=True),
    }.get(measure, Q())


def overdue_by_team(*, due: QuerySet[DueState], today: date) -> list[dict[str, Any]]:
    return list(
        open_due(due)
        .filter(next_due__lt=today)
        .values("team_id", "team__name")
        .annotate(
            overdue=Count("pk"),
            red=Count("pk", filter=Q(rating=Rating.RED)),
            amber=Count("pk", filter=Q(rating=Rating.AMBER)),
        )
        .order_by("-overdue", "team__name")
    )


@dataclass
class StaffPicture:
    active: int
    off: list[StaffAbsence]
    by_reason: list[tuple[str, int]]

    @property
    def available(self) -> int:
        return self.active - len({a.user_id for a in self.off})


def staff_picture(*, la_id: int, today: date) -> StaffPicture:
    off = staff_off_on(la_id=la_id, today=today)
    reasons: dict[str, int] = defaultdict(int)
    for absence in off:
        reasons[str(absence.get_status_display())] += 1
    active = User.objects.filter(la_id=la_id, is_active=True).count()
    return StaffPicture(active, off, sorted(reasons.items(), key=lambda r: -r[1]))


def children_of_staff_off(*, children: QuerySet[Child], off: list[StaffAbsence]) -> QuerySet[Child]:
    return (
        children.filter(allocated_worker_id__in=[a.user_id for a in off])
        .select_related("allocated_worker", "team", "due")
        .order_by("allocated_worker__last_name", "due__rating_rank", "last_name")
    )


RATING_KEYS = tuple(key for key, _ in RATING_COLUMNS)


@dataclass
class TeamCover:
    """One team's row of the situation report: its staff off (by reason) and their children by rating."""

    team_id: int | None
    team: str
    staff_off: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    children: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("red", "amber", "green", "none"), 0)
    )

    @property
    def children_total(self) -> int:
        return sum(self.children.values())

    @property
    def reasons_text(self) -> str:
        return ", ".join(
            f"{n} {reason.lower()}" for reason, n in sorted(self.reasons.items(), key=lambda r: -r[1])
        )


def cover_by_team(*, children: QuerySet[Child], off: list[StaffAbsence]) -> list[TeamCover]:
    """Staff off and the children allocated to them, counted by team (of the member of staff) and by rating:
    the sitrep's summary, which fits a printed page whatever the number (the names are on the team pages)."""
    rows: dict[int | None, TeamCover] = {}
    for absence in off:
        team = absence.user.team
        row = rows.setdefault(
            team.pk if team else None, TeamCover(team.pk if team else None, team.name if team else "No team")
        )
        row.staff_off += 1
        label = str(absence.get_status_display())
        row.reasons[label] = row.reasons.get(label, 0) + 1
    workers = {a.user_id: (a.user.team_id if a.user.team_id else None) for a in off}
    counts = (
        children.filter(allocated_worker_id__in=list(workers))
        .values("allocated_worker_id", "due__rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for c in counts:
        row = rows[workers[c["allocated_worker_id"]]]
        row.children[_rating_key(c["due__rating"])] += c["n"]
    return sorted(rows.values(), key=lambda r: (-r.children_total, -r.staff_off, r.team))


def drill_down(
    *, children: QuerySet[Child], today: date, rating: str, status: str, measure: str, team: int | None
) -> QuerySet[Child]:
    """The children behind one figure: same filters as the figure itself."""
    if status or measure:
        children = open_cases(children, today, status or None)
    if rating == "none":
        children = children.filter(Q(due__isnull=True) | Q(due__rating=""))
    elif rating:
        children = children.filter(due__rating=rating)
    if team:
        children = children.filter(team_id=team)
    return (
        children.filter(measure_filter(measure, today))
        .select_related("team", "allocated_worker", "due")
        .order_by("due__rating_rank", "due__next_due", "last_name", "first_name", "pk")
    )
