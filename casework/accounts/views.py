from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casework.accounts import oidc, selectors, services
from casework.accounts.forms import AbsenceEndForm, AbsenceForm, SignInForm, StaffCreateForm, StaffForm
from casework.accounts.models import Availability, StaffAbsence, User
from casework.accounts.two_factor_views import SecondFactorSignInMixin
from casework.core import clock, permissions
from casework.core.formtools import apply_validation_error
from casework.core.types import AuthenticatedRequest


class SignInView(SecondFactorSignInMixin, auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "sso_enabled": oidc.enabled()}


@require_POST
def sign_out(request: AuthenticatedRequest) -> HttpResponseBase:
    return auth_views.LogoutView.as_view()(request)


def staff_detail(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    staff = selectors.staff_get_for_user(user=request.user, staff_id=staff_id)
    can_manage = permissions.can_manage_staff(request.user, staff.team)
    form = AbsenceForm(request.POST or None, prefix="absence")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.absence_record(
                    actor=request.user, user=staff, today=clock.today(), **form.cleaned_data
                )
            except ValidationError as err:
                apply_validation_error(form, err)
            else:
                label = dict(Availability.choices)[form.cleaned_data["status"]]
                messages.success(request, f"Recorded: {staff} is {str(label).lower()}")
                return redirect("accounts:staff-detail", staff_id=staff.pk)
    absences = StaffAbsence.objects.filter(user=staff).select_related("created_by").order_by("-starts_on")
    today = clock.today()
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "staff": staff,
            "absences": absences,
            "current": selectors.absence_on(list(absences), today),
            "form": form,
            "can_manage": can_manage,
            "caseload": staff.allocated.count(),
            "can_administer": services.can_administer_staff(request.user),
            "today": today,
        },
    )


def absence_end(request: AuthenticatedRequest, absence_id: int) -> HttpResponse:
    absence = get_object_or_404(
        StaffAbsence.objects.select_related("user", "user__team"), pk=absence_id, la_id=request.user.la_id
    )
    if not permissions.can_manage_staff(request.user, absence.user.team):
        raise Http404
    form = AbsenceEndForm(request.POST or None, initial={"ends_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_end(actor=request.user, absence=absence, **form.cleaned_data)
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"Recorded {absence.user}'s return")
            return redirect("accounts:staff-detail", staff_id=absence.user_id)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Record {absence.user}'s return",
            "caption": f"{absence.get_status_display()} from {absence.starts_on:%-d %B %Y}",
            "back_url": reverse("accounts:staff-detail", args=[absence.user_id]),
            "submit_label": "Save",
        },
    )


def _staff_data(form: StaffForm) -> dict[str, Any]:
    return {
        k: v for k, v in form.cleaned_data.items() if k not in {"reason", "version", "username", "password"}
    }


def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_administer_staff(request.user):
        raise PermissionDenied
    staff = (
        User.objects.filter(la_id=request.user.la_id)
        .select_related("team", "line_manager")
        .annotate(caseload=Count("allocated"))
        .order_by("-is_active", "last_name", "first_name")
    )
    return render(request, "accounts/staff_list.html", {"staff": staff})


def staff_create(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_administer_staff(request.user):
        raise PermissionDenied
    form = StaffCreateForm(request.POST or None, actor=request.user, initial={"caseload_capacity": 0})
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                reason=form.cleaned_data["reason"],
                **_staff_data(form),
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{staff} can now sign in as {staff.username}")
            return redirect("accounts:staff-detail", staff_id=staff.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Add a member of staff",
            "back_url": reverse("accounts:staff-list"),
            "submit_label": "Add member of staff",
        },
    )


def staff_edit(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    staff = selectors.staff_get_for_user(user=request.user, staff_id=staff_id)
    if not services.can_administer_staff(request.user):
        raise PermissionDenied
    initial = {name: getattr(staff, name) for name in services.STAFF_FIELDS}
    initial["version"] = services.staff_version(staff)
    form = StaffForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in _staff_data(form).items() if k in form.changed_data}
        try:
            services.staff_update(
                actor=request.user,
                staff=staff,
                seen_version=form.cleaned_data["version"] or None,
                reason=form.cleaned_data["reason"],
                **changed,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(
                request, "The staff record has been updated" if changed else "No changes to save"
            )
            return redirect("accounts:staff-detail", staff_id=staff.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Change {staff}'s staff record",
            "caption": staff.get_role_display(),
            "back_url": reverse("accounts:staff-detail", args=[staff.pk]),
        },
    )
