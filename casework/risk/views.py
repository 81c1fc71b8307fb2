from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from casework.children import selectors as children
from casework.children.models import Child
from casework.core import clock
from casework.core.formtools import apply_validation_error
from casework.core.types import AuthenticatedRequest
from casework.risk import selectors, services
from casework.risk.forms import RatingForm, entries, plan_code, plan_from_code, plan_from_data, plan_initial
from casework.risk.models import Rating
from domain.contact import PlanAssessment
from domain.contact.planning import a_rating

TEMPLATE = "risk/rating_form.html"
# The name of the "Update proposal" button: the form shown again with the proposal, nothing saved.
UPDATE = "update_proposal"


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


def _advice(child: Child, data: Any, today: date) -> selectors.RatingAdvice:
    factors = [f for f in data.getlist("factors") if f]
    rating = data.get("rating", "") if data.get("rating") in Rating.values else ""
    return selectors.rating_advice(child=child, rating=rating, factors=factors, today=today)


def _proposal_context(child: Child, data: Any, today: date) -> dict[str, Any]:
    """The form shown again with the proposal for the rating and factors as they now stand.

    The plan follows the proposal while the practitioner has left it as proposed (or incomplete); a plan
    they changed themselves is kept, and the page says what is proposed instead.
    """
    advice = _advice(child, data, today)
    values = entries(RatingForm, data)
    typed = plan_from_data(data)
    kept_own_plan = typed is not None and typed != plan_from_code(data.get("proposed_plan", ""))
    if not kept_own_plan:
        values.update(plan_initial(advice.proposal.plan))
    assessment, plan = _assessment(child, _with(data, values), today)
    return {
        "form": RatingForm(initial=values),
        "child": child,
        "advice": advice,
        "assessment": assessment,
        "plan": plan,
        "kept_own_plan": kept_own_plan,
        "proposed_plan": plan_code(advice.proposal.plan),
        "a_rating": a_rating(advice.proposal.rating),
    }


def _with(data: Any, values: dict[str, Any]) -> Any:
    merged = data.copy()
    for name, value in values.items():
        if isinstance(value, list):
            merged.setlist(name, [str(v) for v in value])
        else:
            merged[name] = "" if value is None else str(value)
    return merged


def rating_create(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child = _rateable_child(request, child_id)
    today = clock.today()
    if request.method == "POST" and UPDATE in request.POST:
        # Without JavaScript: "Update proposal" shows the form again, every entry kept, nothing saved.
        return render(request, TEMPLATE, _proposal_context(child, request.POST, today))
    if request.method == "POST":
        form = RatingForm(request.POST)
        advice = _advice(child, request.POST, today)
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
        typed = plan_from_data(request.POST)
        kept_own_plan = typed is not None and typed != advice.proposal.plan
    else:
        advice = selectors.rating_advice(child=child, rating="", factors=[], today=today)
        form = RatingForm(initial=plan_initial(advice.proposal.plan))
        assessment, plan = advice.proposal.assessment, advice.proposal.plan
        kept_own_plan = False
    context = {
        "form": form,
        "child": child,
        "advice": advice,
        "assessment": assessment,
        "plan": plan,
        "kept_own_plan": kept_own_plan,
        "proposed_plan": plan_code(advice.proposal.plan),
        "a_rating": a_rating(advice.proposal.rating),
    }
    return render(request, TEMPLATE, context)


@require_POST
def rating_propose(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The proposal for the rating and factors as chosen so far: the fragments htmx swaps in on a change
    (the plan section, and the suggestion beside the form out of band)."""
    child = _rateable_child(request, child_id)
    context = _proposal_context(child, request.POST, clock.today())
    proposal = render_to_string(f"{TEMPLATE}#proposal", context, request=request)
    suggestion = render_to_string(f"{TEMPLATE}#suggestion", context, request=request)
    return HttpResponse(proposal + suggestion)


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
