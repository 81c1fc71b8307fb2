from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from casework.children import sections, selectors, services
from casework.children.forms import (
    ChildForm,
    CovidStatusForm,
    HolderAddForm,
    HolderRemoveForm,
    HouseholdForm,
    LegalStatusEndForm,
    LegalStatusForm,
    MissedSchoolForm,
    PlacementForm,
    RestrictionForm,
)
from casework.children.models import ChildAccessGrant, LegalStatus
from casework.core import clock, listing, permissions
from casework.core.formtools import apply_validation_error
from casework.core.types import AuthenticatedRequest
from domain.people.search import parse_query


def _form_page(
    request: AuthenticatedRequest, form: Any, child: Any, title: str, *, submit: str = "Save", intro: str = ""
) -> HttpResponse:
    back = reverse("children:detail", args=[child.pk]) if child else reverse("children:search")
    context = {
        "form": form,
        "child": child,
        "title": title,
        "caption": child.full_name if child else "",
        "back_url": back,
        "submit_label": submit,
        "intro": intro,
    }
    return render(request, "core/form_page.html", context)


def _require_editor(request: AuthenticatedRequest) -> None:
    if not permissions.can_edit_children(request.user):
        raise PermissionDenied


def child_search(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_search_children(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    parsed = parse_query(query)
    results = selectors.child_search_for_user(user=request.user, query=parsed) if query else []
    context = {
        "query": query,
        "parsed": parsed,
        "results": results,
        "searched": bool(query),
        "limit": selectors.SEARCH_LIMIT,
        "today": clock.today(),
        "can_add": permissions.can_edit_children(request.user),
    }
    template = "children/child_search.html#results" if request.htmx else "children/child_search.html"
    return render(request, template, context)


def child_detail(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    today = clock.today()
    record = selectors.child_record_for_user(
        user=request.user, child_id=child_id, today=today, path=request.path
    )
    context = {
        "record": record,
        "child": record.child,
        "today": today,
        "can_edit": permissions.can_edit_children(request.user),
        "can_restrict": permissions.can_restrict_records(request.user),
        # The child was loaded through children_visible_to, which is all can_record_contact
        # checks besides the role: no second query for it.
        "can_record_contact": permissions.can_search_children(request.user),
    }
    # The rating, contacts and deadlines: sections the apps above the register add (children/sections.py).
    context.update(sections.context_for(user=request.user, child=record.child, today=today))
    return render(request, "children/child_detail.html", context)


HISTORY_PAGE_SIZE = 25
# Paged as every list is; the history is read on the page, not downloaded (columns are not used).
HISTORY: listing.Listing[Any] = listing.Listing(
    name="history",
    title="History of this record",
    columns=[],
    noun=("change", "changes"),
    per_page=HISTORY_PAGE_SIZE,
)


def child_history(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Every change to the child's record, newest first, a page at a time (the view is audited as the
    record page is: through child_get_for_user)."""
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    rows = selectors.history_rows(selectors.child_history(child=child))
    page = listing.paginate(request, rows, HISTORY)
    return render(
        request,
        "children/child_history.html",
        {"child": child, "list": page, "limit": selectors.HISTORY_LIMIT, "total": len(rows)},
    )


def _child_data(form: ChildForm) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in {"reason", "version"}}


def child_create(request: AuthenticatedRequest) -> HttpResponse:
    _require_editor(request)
    form = ChildForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(
                actor=request.user,
                today=clock.today(),
                reason=form.cleaned_data["reason"],
                **_child_data(form),
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{child.full_name} has been added to the register")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(request, form, None, "Add a child to the register", submit="Add child")


def child_edit(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    _require_editor(request)
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    initial = model_to_dict(child, fields=services.CHILD_FIELDS)
    initial["version"] = child.updated_at.isoformat()
    form = ChildForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        seen = parse_datetime(form.cleaned_data.get("version") or "")
        changed = {k: v for k, v in _child_data(form).items() if k in form.changed_data}
        try:
            services.child_update(
                actor=request.user,
                child=child,
                today=clock.today(),
                seen_version=seen,
                reason=form.cleaned_data["reason"],
                **changed,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "The record has been updated" if changed else "No changes to save")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(request, form, child, "Change the child's details")


def legal_status_add(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    _require_editor(request)
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    form = LegalStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_status_add(
                actor=request.user, child=child, today=clock.today(), **form.cleaned_data
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Status added")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(request, form, child, "Add a status", submit="Add status")


def legal_status_end(request: AuthenticatedRequest, child_id: int, status_id: int) -> HttpResponse:
    _require_editor(request)
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    status = get_object_or_404(LegalStatus, pk=status_id, child=child)
    form = LegalStatusEndForm(request.POST or None, initial={"ends_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_status_end(
                actor=request.user, status=status, today=clock.today(), **form.cleaned_data
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{status.get_kind_display()} ended")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(
        request, form, child, f"End {status.get_kind_display().lower()} (from {status.starts_on:%-d %B %Y})"
    )


def placement_add(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    _require_editor(request)
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    form = PlacementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_add(actor=request.user, child=child, today=clock.today(), **form.cleaned_data)
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Placement added")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(request, form, child, "Add a placement", submit="Add placement")


def covid_status_add(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    if child.household is None:
        raise Http404("The child has no household recorded")
    form = CovidStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.covid_status_add(
                actor=request.user,
                household=child.household,
                child=child,
                today=clock.today(),
                **form.cleaned_data,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Household COVID-19 status recorded")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(
        request,
        form,
        child,
        "Record household COVID-19 status",
        intro="This applies to everyone in the household and decides PPE for face-to-face visits.",
    )


def household_edit(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    _require_editor(request)
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    household = child.household
    initial = model_to_dict(household) if household else {"video_calls": "unknown"}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        reason = form.cleaned_data["reason"]
        try:
            if household is None:
                household = services.household_create(actor=request.user, reason=reason, **data)
                services.child_update(
                    actor=request.user,
                    child=child,
                    today=clock.today(),
                    seen_version=None,
                    reason=reason or "Household recorded",
                    household=household,
                )
            else:
                services.household_update(actor=request.user, household=household, reason=reason, **data)
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Household details saved")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(request, form, child, "Household details")


def child_restriction(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    if not permissions.can_restrict_records(request.user):
        raise PermissionDenied
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    form = RestrictionForm(
        request.POST or None,
        actor=request.user,
        initial={
            "restricted": "yes" if child.is_restricted else "no",
            "named": [g.user_id for g in child.access_grants.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.child_set_restriction(
                actor=request.user,
                child=child,
                restricted=form.cleaned_data["restricted"] == "yes",
                reason=form.cleaned_data["reason"],
                named_users=list(form.cleaned_data["named"]),
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Access to the record has been updated")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(
        request,
        form,
        child,
        "Who can see this record",
        intro="A restricted record is hidden from everyone except the named people and the allocated worker.",
    )


def missed_school(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    form = MissedSchoolForm(request.POST or None, initial={"day": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.missed_school_record(
                actor=request.user, child=child, today=clock.today(), **form.cleaned_data
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Recorded: the case is back in the queue to be re-rated")
            return redirect("children:detail", child_id=child.pk)
    return _form_page(
        request,
        form,
        child,
        "Record that the child missed school",
        intro="A vulnerable child is expected to attend unless a health condition puts them at severe risk "
        "(DfE guidance, 3 April 2020). Follow it up with the setting and the parent.",
    )


# --- The people named on restricted records ---------------------------------------------------------


def _named(records: Any) -> Any:
    grants = ChildAccessGrant.objects.select_related("user", "created_by").order_by("user__last_name")
    return records.prefetch_related(Prefetch("access_grants", queryset=grants, to_attr="named"))


def _record_name(shows_names: bool) -> Any:
    return lambda c: c.full_name if shows_names else f"LA child ID {c.la_child_id}"


def _restricted(shows_names: bool) -> listing.Listing[Any]:
    return listing.Listing(
        name="restricted-records",
        title="Restricted records",
        noun=("restricted record", "restricted records"),
        columns=[
            listing.Column("Record", _record_name(shows_names)),
            listing.Column("Team", lambda c: str(c.team or "")),
            listing.Column("Allocated worker", lambda c: str(c.allocated_worker or "")),
            listing.Column("Named on the record", lambda c: "; ".join(str(g.user) for g in c.named)),
        ],
    )


def restricted_records(request: AuthenticatedRequest) -> HttpResponseBase:
    """The restricted records whose named people the reader manages: an administrator sees every one of
    the authority's by LA child ID (never the child's details); a manager those they may open."""
    if not permissions.can_manage_record_holders(request.user):
        raise PermissionDenied
    records = _named(selectors.restricted_records_for(request.user))
    shows_names = permissions.can_see_children(request.user)
    spec = _restricted(shows_names)
    if listing.wants_export(request, spec):
        return listing.export(request, records, spec)
    return render(
        request,
        "children/restricted_records.html",
        {"list": listing.paginate(request, records, spec), "shows_names": shows_names},
    )


def record_holders(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Who is named on one restricted record; name someone else, with the reason."""
    if not permissions.can_manage_record_holders(request.user):
        raise PermissionDenied
    child = selectors.restricted_record_get(user=request.user, child_id=child_id, path=request.path)
    form = HolderAddForm(request.POST or None, actor=request.user, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.record_holder_add(actor=request.user, child=child, **form.cleaned_data)
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{grant.user} is now named on the record")
            return redirect("children:holders", child_id=child.pk)
    record = _named(selectors.restricted_records_for(request.user)).get(pk=child.pk)
    return render(
        request,
        "children/record_holders.html",
        {"child": record, "form": form, "shows_names": permissions.can_see_children(request.user)},
    )


def record_holder_remove(request: AuthenticatedRequest, child_id: int, grant_id: int) -> HttpResponse:
    if not permissions.can_manage_record_holders(request.user):
        raise PermissionDenied
    child = selectors.restricted_record_get(user=request.user, child_id=child_id, path=request.path)
    grant = get_object_or_404(ChildAccessGrant.objects.select_related("user"), pk=grant_id, child=child)
    form = HolderRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_holder_remove(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{grant.user} is no longer named on the record")
            return redirect("children:holders", child_id=child.pk)
    label = child.full_name if permissions.can_see_children(request.user) else f"Record {child.la_child_id}"
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Take {grant.user} off the record",
            "caption": label,
            "intro": f"{grant.user} will no longer be able to open this restricted record."
            + (
                " They can still open it while they are its allocated worker."
                if grant.user_id == child.allocated_worker_id
                else ""
            ),
            "back_url": reverse("children:holders", args=[child.pk]),
            "submit_label": "Take off the record",
        },
    )
