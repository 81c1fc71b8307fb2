"""The decision log (PRODUCT.md M6): list, export and record departures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.accounts.models import User
from casework.accounts.selectors import teams_visible_to
from casework.children.access import children_visible_to
from casework.children.models import Child
from casework.core import clock, listing, permissions
from casework.core.formtools import apply_validation_error
from casework.core.replica import reads_from_replica
from casework.core.templatetags.words import regime_name, requirement_name
from casework.core.types import AuthenticatedRequest
from casework.decisions import selectors, services
from casework.decisions.forms import DepartureFilterForm, DepartureRecordForm
from casework.decisions.models import Departure


def can_read_log(user: User) -> bool:
    return permissions.can_read_decision_log(user)


def _filtered(request: AuthenticatedRequest) -> tuple[DepartureFilterForm, Any]:
    if not can_read_log(request.user):
        raise PermissionDenied
    teams = list(teams_visible_to(request.user).order_by("name").values_list("pk", "name"))
    form = DepartureFilterForm(request.GET or None, teams=teams)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return form, selectors.departure_list_for_user(user=request.user, **filters)


DECISION_LOG: listing.Listing[Departure] = listing.Listing(
    name="decision-log",
    title="Decision log",
    noun=("decision", "decisions"),
    per_page=15,  # each entry carries its rationale and risk assessment: 15 fit the page budget
    columns=[
        listing.Column("Reference", lambda d: d.pk),
        listing.Column("Requested on", lambda d: d.requested_on),
        listing.Column("Child LA ID", lambda d: d.child.la_child_id if d.child else ""),
        listing.Column("Child", lambda d: d.child.full_name if d.child else ""),
        listing.Column("Requirement", lambda d: requirement_name(d.requirement)),
        listing.Column("Legal source", lambda d: d.source),
        listing.Column("Rules in force", lambda d: regime_name(d.regime)),
        listing.Column("What was required", lambda d: d.required),
        listing.Column("What was done instead", lambda d: d.done_instead),
        listing.Column("Rationale", lambda d: d.rationale),
        listing.Column("Risk assessment", lambda d: d.risk_assessment),
        listing.Column("Requested by", lambda d: str(d.requested_by)),
        listing.Column("Status", lambda d: d.get_status_display()),
        listing.Column("Decided by", lambda d: str(d.decided_by or "")),
        listing.Column("Decided at", lambda d: d.decided_at),
        listing.Column("Manager's comment", lambda d: d.manager_comment),
    ],
)


@reads_from_replica
def departure_log(request: AuthenticatedRequest) -> HttpResponseBase:
    """The log of departures, filtered, paged and downloadable (for the LA's records and inspection)."""
    form, departures = _filtered(request)
    if listing.wants_export(request, DECISION_LOG):
        return listing.export(request, departures, DECISION_LOG)
    return render(
        request,
        "decisions/log.html",
        {"form": form, "list": listing.paginate(request, departures, DECISION_LOG)},
    )


@reads_from_replica
def departure_export(request: AuthenticatedRequest) -> HttpResponseBase:
    """The log's CSV at the address earlier pages linked to: the same download as `?format=csv`."""
    _, departures = _filtered(request)
    return listing.export(request, departures, DECISION_LOG)


def departure_record(request: AuthenticatedRequest) -> HttpResponse:
    """Record a departure by hand (for example from a child's page: /decisions/new?child=<id>)."""
    if not permissions.can_search_children(request.user):
        raise PermissionDenied
    child: Child | None = None
    child_ref = request.GET.get("child", "")
    if child_ref:
        if not child_ref.isdigit():
            raise Http404
        child = children_visible_to(request.user).filter(pk=int(child_ref)).first()
        if child is None:
            raise Http404
    form = DepartureRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.departure_record(
                actor=request.user, child=child, today=clock.today(), **form.cleaned_data
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Departure recorded: it waits for a manager's approval")
            if child is not None:
                return redirect("children:detail", child_id=child.pk)
            return redirect("web:home")
    back = reverse("children:detail", args=[child.pk]) if child else reverse("web:home")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Record a departure from standard practice",
            "caption": child.full_name if child else "",
            "intro": "Record what was required, what was done instead and why. A manager approves it.",
            "back_url": back,
            "submit_label": "Record the departure",
        },
    )
