from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.children import selectors as children
from casework.children.models import Child
from casework.core import clock
from casework.core.formtools import apply_validation_error
from casework.core.types import AuthenticatedRequest
from casework.risk import selectors, services
from casework.risk.forms import RatingForm, plan_from_data, plan_initial
from casework.risk.models import Rating
from domain.contact import PlanAssessment

TEMPLATE = "risk/rating_form.html"


def _rateable_child(request: AuthenticatedRequest, child_id: int) -> Child:
    child = children.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    if not services.can_rate(request.user, child):
        raise PermissionDenied
    return child


def _signing_manager(request: AuthenticatedRequest, child: Child) -> str:
    manager = child.team.manager if child.team and child.team.manager_id else request.user.line_manager
    if manager is None or manager.pk == request.user.pk:
        return "a manager"
    return str(manager)


def _assessment(child: Child, data: Any, today: date) -> tuple[PlanAssessment | None, Any]:
    """The typed plan judged against the minimums for the typed rating (None while incomplete)."""
    rating = data.get("rating") if data.get("rating") in Rating.values else ""
    plan = plan_from_data(data)
    if plan is None:
        return None, None
    advice = selectors.rating_advice(child=child, rating=rating, factors=[], today=today)
    return selectors.assess(child=child, rating=str(advice.proposal.rating), plan=plan, today=today), plan


def rating_create(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child = _rateable_child(request, child_id)
    today = clock.today()
    if request.method == "POST":
        form = RatingForm(request.POST)
        factors = [f for f in request.POST.getlist("factors") if f]
        rating = request.POST.get("rating", "") if request.POST.get("rating") in Rating.values else ""
        advice = selectors.rating_advice(child=child, rating=rating, factors=factors, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rating_submit(
                    actor=request.user,
                    child=child,
                    rating=data["rating"],
                    factors=data["factors"],
                    rationale=data["rationale"],
                    plan=form.plan(),
                    today=today,
                    childs_views=data["childs_views"],
                    family_strengths=data["family_strengths"],
                    departure_rationale=data["departure_rationale"],
                    departure_risk_assessment=data["departure_risk_assessment"],
                )
            except ValidationError as err:
                apply_validation_error(form, err)
            else:
                messages.success(request, f"Rating sent to {_signing_manager(request, child)} for sign-off")
                return redirect("children:detail", child_id=child.pk)
        assessment, plan = _assessment(child, request.POST, today)
    else:
        advice = selectors.rating_advice(child=child, rating="", factors=[], today=today)
        form = RatingForm(initial=plan_initial(advice.proposal.plan))
        assessment, plan = advice.proposal.assessment, advice.proposal.plan
    return render(
        request,
        TEMPLATE,
        {"form": form, "child": child, "advice": advice, "assessment": assessment, "plan": plan},
    )


@require_POST
def rating_assess(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The assessment of the plan as typed so far: the fragment htmx swaps in as the plan changes."""
    child = _rateable_child(request, child_id)
    assessment, plan = _assessment(child, request.POST, clock.today())
    form = RatingForm(request.POST)
    return render(
        request,
        f"{TEMPLATE}#assessment",
        {"form": form, "child": child, "assessment": assessment, "plan": plan},
    )
