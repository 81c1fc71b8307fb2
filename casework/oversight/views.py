"""Management oversight pages: the team manager's sign-off queue and the head of service's cohort."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.accounts.models import Team
from casework.accounts.selectors import staff_today_for_team, team_get_for_user, teams_visible_to
from casework.children.access import children_visible_to
from casework.children.models import Child, LegalStatusKind
from casework.contacts.access import due_states_visible_to
from casework.contacts.models import DueState
from casework.core import clock, listing, permissions, signoff
from casework.core.formtools import apply_validation_error
from casework.core.replica import reads_from_replica
from casework.core.types import AuthenticatedRequest
from casework.decisions import services as decision_services
from casework.decisions.models import Departure
from casework.oversight import lists, pictures, reallocation, selectors, trends
from casework.oversight.forms import DecisionForm, ReallocateAllForm, ReallocateForm
from casework.risk import services as risk_services
from casework.risk.models import RiskRating


def can_see_cohort(user: Any) -> bool:
    return permissions.can_read_cohort(user)


def _team_for_oversight(request: AuthenticatedRequest, team_id: int) -> Team:
    """The team if the user signs off its work: 404 for a team they cannot see, 403 if they only see it."""
    team = team_get_for_user(user=request.user, team_id=team_id)
    user = request.user
    if not signoff.can_sign_off(user, None) or (
        permissions.is_team_manager(user) and team.pk not in permissions.team_ids_for(user)
    ):
        raise PermissionDenied
    return team


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    spec: listing.Listing[Any]
    rows: Any  # a queryset, or a list
    prepare: Any = None  # a chunk of rows to what the section shows

    @property
    def count(self) -> int:
        return len(self.rows) if isinstance(self.rows, list) else self.rows.count()


def _sections(request: AuthenticatedRequest, team: Team, today: date) -> list[Section]:
    user = request.user
    suggestions = reallocation.suggest_reallocations(team=team, today=today, viewer=user)
    return [
        Section(
            "ratings",
            "Ratings awaiting sign-off",
            lists.sign_off_queue(today),
            selectors.sign_off_queue(user=user, team=team),
            selectors.awaiting_ratings,
        ),
        Section(
            "departures",
            "Departures awaiting approval",
            lists.DEPARTURES,
            selectors.contact_departures_awaiting(user=user, team=team),
        ),
        Section(
            "overdue",
            "Overdue contacts",
            lists.overdue_contacts(today),
            selectors.overdue_for(children_visible_to(user).filter(team=team), today=today),
        ),
        Section("reallocation", "Children of staff who are off", lists.REALLOCATIONS, suggestions),
        Section(
            "queue",
            "Re-rating queue",
            lists.RERATE_QUEUE,
            selectors.rerate_queue(user=user, team=team),
            selectors.queued_children,
        ),
    ]


@reads_from_replica
def team_oversight(request: AuthenticatedRequest, team_id: int) -> HttpResponseBase:
    """The team manager's page: the sign-off queue (highest risk first, then the longest waiting) and
    the team's other lists, one section at a time (`?section=`), each paged with its count and
    downloadable."""
    team = _team_for_oversight(request, team_id)
    today = clock.today()
    sections = _sections(request, team, today)
    wanted = request.GET.get("section", "")
    section = next((s for s in sections if s.key == wanted), sections[0])
    if listing.wants_export(request, section.spec):
        return listing.export(request, section.rows, section.spec, prepare=section.prepare)
    page = listing.paginate(request, section.rows, section.spec)
    if section.prepare is not None:
        page.rows = section.prepare(page.rows)
    staff = staff_today_for_team(team=team, today=today)
    context = {
        "team": team,
        "today": today,
        "sections": [(s, s.count) for s in sections],
        "section": section,
        "list": page,
        "off": [s for s in staff if not s.available],
        "progress": selectors.rerate_progress(
            due=due_states_visible_to(request.user).filter(team=team),
            la_id=team.la_id,
            today=today,
            by="worker",
        ),
        "decision_form": DecisionForm(),
    }
    return render(request, "oversight/team.html", context)


def _decide(
    request: AuthenticatedRequest, *, item: Any, what: str, team: Team | None, decide: Any
) -> HttpResponse:
    """Approve or return `item`; on any refusal show it again with the manager's comment kept."""
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        approve = request.POST.get("decision") == "approve"
        try:
            decide(approve=approve, comment=form.cleaned_data["comment"])
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            verb = "Signed off" if approve else "Returned"
            child = f" for {item.child.full_name}" if item.child_id else ""
            messages.success(request, f"{verb} the {what}{child}")
            if team is not None:
                section = "" if what == "rating" else "?section=departures"
                return redirect(reverse("oversight:team", args=[team.pk]) + section)
            return redirect("decisions:log")
    return render(request, "oversight/decide.html", {"item": item, "what": what, "team": team, "form": form})


def rating_decide(request: AuthenticatedRequest, rating_id: int) -> HttpResponse:
    rating = get_object_or_404(
        RiskRating.objects.select_related("child", "rated_by", "decided_by").filter(
            child__in=children_visible_to(request.user)
        ),
        pk=rating_id,
    )
    if not signoff.can_sign_off(request.user, rating.child):
        raise PermissionDenied
    plan = rating.plans.order_by("-pk").first()
    rating.plan = plan  # type: ignore[attr-defined]
    rating.plan_departures = (  # type: ignore[attr-defined]
        list(Departure.objects.filter(plan=plan).order_by("pk")) if plan else []
    )
    today = clock.today()

    def decide(*, approve: bool, comment: str) -> None:
        risk_services.rating_decide(
            actor=request.user, rating_id=rating.pk, approve=approve, comment=comment, today=today
        )

    return _decide(request, item=rating, what="rating", team=rating.child.team, decide=decide)


def departure_decide(request: AuthenticatedRequest, departure_id: int) -> HttpResponse:
    departure = get_object_or_404(
        Departure.objects.select_related("child", "child__team", "requested_by", "decided_by").filter(
            la_id=request.user.la_id
        ),
        pk=departure_id,
    )
    if departure.child_id and not children_visible_to(request.user).filter(pk=departure.child_id).exists():
        raise Http404
    if not signoff.can_sign_off(request.user, departure.child):
        raise PermissionDenied

    def decide(*, approve: bool, comment: str) -> None:
        decision_services.departure_decide(
            actor=request.user, departure_id=departure.pk, approve=approve, comment=comment
        )

    team = departure.child.team if departure.child else None
    return _decide(request, item=departure, what="departure", team=team, decide=decide)


def reallocate(request: AuthenticatedRequest, team_id: int, child_id: int) -> HttpResponse:
    """Move one child of an unavailable worker, only when the manager confirms (POST)."""
    team = _team_for_oversight(request, team_id)
    child = get_object_or_404(
        children_visible_to(request.user).select_related("allocated_worker"), pk=child_id, team=team
    )
    today = clock.today()
    initial = {}
    if request.method == "GET":
        suggestion = next(
            (
                s
                for s in reallocation.suggest_reallocations(team=team, today=today, viewer=request.user)
                if s.child.pk == child.pk
            ),
            None,
        )
        if suggestion is not None and suggestion.to_worker is not None:
            initial["to_worker"] = suggestion.to_worker.pk
    form = ReallocateForm(
        request.POST if request.method == "POST" else None, la_id=team.la_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        to_worker = form.cleaned_data["to_worker"]
        try:
            reallocation.reallocate(
                actor=request.user,
                child=child,
                to_worker=to_worker,
                reason=form.cleaned_data["reason"],
                today=today,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{child.full_name} is now allocated to {to_worker}")
            return redirect(reverse("oversight:team", args=[team.pk]) + "?section=reallocation")
    return render(request, "oversight/reallocate.html", {"team": team, "child": child, "form": form})


def reallocate_all(request: AuthenticatedRequest, team_id: int) -> HttpResponse:
    """Apply every suggested reallocation, after the manager has ticked to confirm."""
    team = _team_for_oversight(request, team_id)
    today = clock.today()
    suggestions = [
        s
        for s in reallocation.suggest_reallocations(team=team, today=today, viewer=request.user)
        if s.to_worker is not None
    ]
    form = ReallocateAllForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        moved, refused = 0, []
        visible = set(
            children_visible_to(request.user)
            .filter(pk__in=[s.child.pk for s in suggestions])
            .values_list("pk", flat=True)
        )
        for s in suggestions:
            if s.child.pk not in visible or s.to_worker is None:
                continue
            try:
                reallocation.reallocate(
                    actor=request.user,
                    child=s.child,
                    to_worker=s.to_worker,
                    reason="Suggested reallocation confirmed by the manager",
                    today=today,
                )
            except ValidationError as err:
                refused.append(f"{s.child.full_name}: {' '.join(err.messages)}")
            else:
                moved += 1
        if moved:
            messages.success(request, f"Reallocated {moved} {'child' if moved == 1 else 'children'}")
        if not refused:
            return redirect(reverse("oversight:team", args=[team.pk]) + "?section=reallocation")
        for problem in refused:
            form.add_error(None, problem)
    return render(
        request, "oversight/reallocate_all.html", {"team": team, "suggestions": suggestions, "form": form}
    )


# --- Head of service -------------------------------------------------------------------------------


def _cohort_context(request: AuthenticatedRequest) -> dict[str, Any]:
    user = request.user
    la_id = permissions.la_id_of(user)
    today = clock.today()
    staff = selectors.staff_picture(la_id=la_id, today=today)
    due = due_states_visible_to(user)
    figures = selectors.compliance(due=due, today=today)
    matrix = selectors.cohort_matrix(figures=figures)
    overdue = selectors.overdue_by_team(due=due, today=today)
    progress = selectors.rerate_progress(due=due, la_id=la_id, today=today, by="team")
    charts = {
        "cohort": pictures.cohort_chart(matrix),
        "overdue": pictures.overdue_chart(overdue),
        "contact": pictures.contact_over_time_chart(
            trends.weekly_figures(la_id=la_id, today=today), today=today
        ),
        "staff": pictures.staff_chart(trends.staff_by_day(la_id=la_id, today=today, active=staff.active)),
    }
    return {
        "today": today,
        "matrix": matrix,
        "compliance": figures,
        "measures": selectors.MEASURES,
        "overdue_by_team": overdue,
        "staff": staff,
        "progress": progress,
        "charts": charts,
        "face_to_face_days": selectors.FACE_TO_FACE_DAYS,
    }


@reads_from_replica
def cohort(request: AuthenticatedRequest) -> HttpResponse:
    if not can_see_cohort(request.user):
        raise PermissionDenied
    return render(request, "oversight/cohort.html", _cohort_context(request))


@reads_from_replica
def sitrep(request: AuthenticatedRequest) -> HttpResponse:
    """The printable morning situation report."""
    if not can_see_cohort(request.user):
        raise PermissionDenied
    context = _cohort_context(request)
    cover = selectors.cover_by_team(children=children_visible_to(request.user), off=context["staff"].off)
    context.update(
        generated_at=timezone.localtime(),
        cover=cover,
        uncovered_count=sum(row.children_total for row in cover),
    )
    return render(request, "oversight/sitrep.html", context)


@reads_from_replica
def children_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """The children behind a figure on the cohort page."""
    if not can_see_cohort(request.user):
        raise PermissionDenied
    today = clock.today()
    rating = request.GET.get("rating", "")
    status = request.GET.get("status", "")
    measure = request.GET.get("measure", "")
    team_id = request.GET.get("team", "")
    if rating not in {"", "red", "amber", "green", "none"} or (
        status and status not in LegalStatusKind.values
    ):
        raise Http404
    if measure and measure not in selectors.MEASURES:
        raise Http404
    team = None
    if team_id:
        if not team_id.isdigit():
            raise Http404
        team = get_object_or_404(teams_visible_to(request.user), pk=int(team_id))
    children = selectors.drill_down(
        children=children_visible_to(request.user),
        today=today,
        rating=rating,
        status=status,
        measure=measure,
        team=team.pk if team else None,
    )
    if listing.wants_export(request, drill_down_list(today)):
        # Only what the columns read: a download of every child otherwise builds each child's, team's,
        # worker's and due state's every field (their timestamps parsed) only to write seven of them.
        return listing.export(request, children.only(*DRILL_DOWN_EXPORT_FIELDS), drill_down_list(today))
    page = listing.paginate(request, children, drill_down_list(today))
    parts = []
    if rating:
        parts.append("not rated" if rating == "none" else rating)
    if status:
        parts.append(str(LegalStatusKind(status).label).lower())
    if measure:
        parts.append(selectors.MEASURES[measure].lower())
    if team:
        parts.append(team.name)
    return render(
        request,
        "oversight/children.html",
        {"list": page, "today": today, "description": ", ".join(parts) or "all children"},
    )


def _days_overdue(due: Any, today: date) -> int | str:
    return (today - due.next_due).days if due and due.next_due and due.next_due < today else ""


# The fields the drill-down's columns read (`drill_down_list`), for its download.
DRILL_DOWN_EXPORT_FIELDS = (
    "la_child_id",
    "first_name",
    "last_name",
    "team__name",
    "allocated_worker__first_name",
    "allocated_worker__last_name",
    "allocated_worker__username",
    "due__rating",
    "due__next_due",
)


def drill_down_list(today: date) -> listing.Listing[Child]:
    """The children behind a figure, as listed and downloaded."""
    return listing.Listing(
        name="children",
        title="Children",
        noun=("child", "children"),
        columns=[
            listing.Column("LA child ID", lambda c: c.la_child_id),
            listing.Column("Name", lambda c: c.full_name),
            listing.Column("Rating", lambda c: c.due.get_rating_display() if _due(c) else "Not rated"),
            listing.Column("Team", lambda c: c.team.name if c.team else ""),
            listing.Column("Worker", lambda c: str(c.allocated_worker or "Not allocated")),
            listing.Column("Next contact due", lambda c: c.due.next_due if _due(c) else None),
            listing.Column("Days overdue", lambda c: _days_overdue(_due(c), today)),
        ],
    )


def _due(child: Child) -> DueState | None:
    try:
        return child.due
    except DueState.DoesNotExist:
        return None
