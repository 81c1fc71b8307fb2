from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from casework.accounts import lockout, oidc, selectors, services, tokens
from casework.accounts.forms import (
    WORKFORCE_KINDS,
    AbsenceEndForm,
    AbsenceForm,
    ChangePasswordForm,
    CheckRemoveForm,
    DeactivateForm,
    EmailPasswordResetForm,
    EmploymentCheckForm,
    NewPasswordForm,
    SignInForm,
    StaffCreateForm,
    StaffForm,
    TeamCloseForm,
    TeamForm,
    WorkforceForm,
)
from casework.accounts.models import Availability, EmploymentCheck, Role, StaffAbsence, Team, User
from casework.accounts.two_factor_views import SecondFactorSignInMixin
from casework.core import clock, listing, permissions
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


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. The answer is the same whether or not the address has an
    account (OWASP ASVS 4.0 2.5.2: no account enumeration)."""

    template_name = "accounts/password_reset.html"
    form_class = EmailPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")
    extra_email_context = {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page a one-time link opens: a reset (how="reset") or an invitation (how="invite")."""

    template_name = "accounts/set_password.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:sign-in")
    how = "reset"

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None  # a leaver's link stops working

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["how"] = self.how
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_set_recorded(actor=form.user, how=self.how)
        messages.success(self.request, "Your password has been set: sign in with it now")
        return response


class InviteAcceptView(SetPasswordView):
    token_generator = tokens.invite_tokens
    reset_url_token = "set-password"  # noqa: S105 (a URL segment, not a secret)
    how = "invite"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; this session stays signed in, every other one ends."""

    template_name = "core/form_page.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:account")
    extra_context = {
        "title": "Change your password",
        "back_url": reverse_lazy("accounts:account"),
        "submit_label": "Change password",
    }

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_set_recorded(actor=form.user, how="change")
        messages.success(self.request, "Your password has been changed. Any other sessions have ended.")
        return response


def account(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {"idle_minutes": settings.SESSION_IDLE_MINUTES})


@require_POST
def sign_out_everywhere(request: AuthenticatedRequest) -> HttpResponseBase:
    """End every session of this person, this one included (a lost laptop, a shared computer)."""
    services.sessions_end_everywhere(actor=request.user)
    logout(request)
    messages.success(request, "You have been signed out on every device")
    return redirect("accounts:sign-in")


def staff_detail(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    staff = selectors.staff_get_for_user(user=request.user, staff_id=staff_id)
    today = clock.today()
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
            "can_record_checks": permissions.can_record_employment_checks(request.user),
            "checks": selectors.staff_checks(staff),
            "refusal": selectors.allocation_refusal(staff, today=today),
            "managed": list(Team.objects.filter(manager=staff)),
            "locked_out": lockout.is_locked(staff.username),
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


def staff_list(request: AuthenticatedRequest) -> HttpResponseBase:
    if not services.can_administer_staff(request.user):
        raise PermissionDenied
    staff = (
        User.objects.filter(la_id=request.user.la_id)
        .select_related("team", "line_manager")
        .annotate(caseload=Count("allocated"))
        .order_by("-is_active", "last_name", "first_name", "pk")
    )
    teams = list(Team.objects.filter(la_id=request.user.la_id).order_by("name").values_list("pk", "name"))
    team, role = request.GET.get("team", ""), request.GET.get("role", "")
    if team == "none":
        staff = staff.filter(team__isnull=True)
    elif team.isdigit() and int(team) in {pk for pk, _ in teams}:
        staff = staff.filter(team_id=int(team))
    if role in Role.values:
        staff = staff.filter(role=role)
    if listing.wants_export(request, STAFF):
        return listing.export(request, staff, STAFF)
    return render(
        request,
        "accounts/staff_list.html",
        {
            "list": listing.paginate(request, staff, STAFF),
            "teams": teams,
            "roles": Role.choices,
            "team": team,
            "role": role,
        },
    )


STAFF: listing.Listing[User] = listing.Listing(
    name="staff",
    title="Staff",
    noun=("member of staff", "members of staff"),
    columns=[
        listing.Column("Name", str),
        listing.Column("Username", lambda s: s.username),
        listing.Column("Email", lambda s: s.email),
        listing.Column("Role", lambda s: s.get_role_display()),
        listing.Column("Job title", lambda s: s.job_title),
        listing.Column("Team", lambda s: s.team.name if s.team else "LA-wide"),
        listing.Column("Line manager", lambda s: str(s.line_manager or "")),
        listing.Column("Caseload", lambda s: getattr(s, "caseload", "")),
        listing.Column("Capacity", lambda s: s.caseload_capacity),
        listing.Column("Active", lambda s: s.is_active),
    ],
)


def staff_create(request: AuthenticatedRequest) -> HttpResponse:
    if not services.can_administer_staff(request.user):
        raise PermissionDenied
    form = StaffCreateForm(request.POST or None, actor=request.user, initial={"caseload_capacity": 0})
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                site_url=_site_url(request),
                reason=form.cleaned_data["reason"],
                **_staff_data(form),
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(
                request,
                f"{staff} has been sent a link to {staff.email} to set their password. "
                f"They sign in as {staff.username}.",
            )
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
    initial["managed_teams"] = list(Team.objects.filter(manager=staff).values_list("pk", flat=True))
    form = StaffForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in _staff_data(form).items() if k in form.changed_data}
        if "managed_teams" in changed:
            changed["managed_teams"] = list(changed["managed_teams"])
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


def _administered(request: AuthenticatedRequest, staff_id: int) -> User:
    staff = selectors.staff_get_for_user(user=request.user, staff_id=staff_id)
    if not services.can_administer_staff(request.user):
        raise PermissionDenied
    return staff


@require_POST
def staff_invite(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """Send a new one-time link to set a password (the invitation expired, or the person forgot)."""
    staff = _administered(request, staff_id)
    try:
        services.staff_invite(actor=request.user, staff=staff, site_url=_site_url(request))
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(request, f"A new link to set a password has been sent to {staff.email}")
    return redirect("accounts:staff-detail", staff_id=staff.pk)


@require_POST
def staff_unlock(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    staff = _administered(request, staff_id)
    services.staff_unlock(actor=request.user, staff=staff)
    messages.success(request, f"{staff}'s account is unlocked: they can sign in now")
    return redirect("accounts:staff-detail", staff_id=staff.pk)


def staff_deactivate(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """A leaver: they can no longer sign in, and their children go to the manager to reallocate."""
    staff = _administered(request, staff_id)
    form = DeactivateForm(request.POST or None, initial={"version": services.staff_version(staff)})
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_deactivate(
                actor=request.user,
                staff=staff,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data["version"] or None,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{staff}'s account is deactivated")
            return redirect("accounts:staff-detail", staff_id=staff.pk)
    caseload = staff.allocated.count()
    intro = (
        f"{staff} will not be able to sign in. Their {caseload} allocated "
        f"{'child stays' if caseload == 1 else 'children stay'} allocated to them and "
        "appear in their team manager's reallocation queue until a manager moves them."
    )
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Deactivate {staff}'s account",
            "caption": staff.get_role_display(),
            "intro": intro,
            "back_url": reverse("accounts:staff-detail", args=[staff.pk]),
            "submit_label": "Deactivate account",
        },
    )


# --- Teams -----------------------------------------------------------------------------------------


def _team_admin(request: AuthenticatedRequest, team_id: int | None = None) -> Team | None:
    if not permissions.can_administer_teams(request.user):
        raise PermissionDenied
    if team_id is None:
        return None
    return get_object_or_404(Team.objects.select_related("manager"), pk=team_id, la_id=request.user.la_id)


def team_create(request: AuthenticatedRequest) -> HttpResponse:
    _team_admin(request)
    form = TeamForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            team = services.team_create(actor=request.user, **data)
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{team} has been set up")
            return redirect("teams:detail", team_id=team.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Set up a team",
            "back_url": reverse("teams:list"),
            "submit_label": "Set up team",
        },
    )


def team_edit(request: AuthenticatedRequest, team_id: int) -> HttpResponse:
    team = _team_admin(request, team_id)
    assert team is not None
    if team.closed_on is not None:
        raise Http404("A closed team cannot be changed")
    initial = {
        "name": team.name,
        "service_area": team.service_area,
        "manager": team.manager_id,
        "version": services.team_version(team),
    }
    form = TeamForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {
            k: form.cleaned_data[k] for k in ("name", "service_area", "manager") if k in form.changed_data
        }
        try:
            services.team_update(
                actor=request.user,
                team=team,
                seen_version=form.cleaned_data["version"] or None,
                reason=form.cleaned_data["reason"],
                **changed,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "The team has been updated" if changed else "No changes to save")
            return redirect("teams:detail", team_id=team.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Change {team}",
            "caption": "Teams",
            "back_url": reverse("teams:detail", args=[team.pk]),
        },
    )


def team_close(request: AuthenticatedRequest, team_id: int) -> HttpResponse:
    team = _team_admin(request, team_id)
    assert team is not None
    if team.closed_on is not None:
        raise Http404("The team is already closed")
    form = TeamCloseForm(request.POST or None, initial={"version": services.team_version(team)})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_close(
                actor=request.user,
                team=team,
                reason=form.cleaned_data["reason"],
                today=clock.today(),
                seen_version=form.cleaned_data["version"] or None,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{team} is closed")
            return redirect("teams:detail", team_id=team.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Close {team}",
            "caption": "Teams",
            "intro": "A closed team is no longer offered when choosing a team or a manager's teams. Its page "
            "and its history stay. Move its staff and its children's records to other teams first.",
            "back_url": reverse("teams:detail", args=[team.pk]),
            "submit_label": "Close team",
        },
    )


# --- The workforce ---------------------------------------------------------------------------------


WORKFORCE: listing.Listing[selectors.BoardRow] = listing.Listing(
    name="workforce",
    title="Returners, students, agency and seconded staff",
    noun=("person", "people"),
    columns=[
        listing.Column("Name", lambda r: str(r.user)),
        listing.Column("Team", lambda r: r.user.team.name if r.user.team else ""),
        listing.Column("Kind", lambda r: r.user.get_staff_kind_display()),
        listing.Column("Organisation", lambda r: r.user.organisation),
        listing.Column("University", lambda r: r.user.university),
        listing.Column("Practice supervisor", lambda r: str(r.user.practice_supervisor or "")),
        listing.Column("Engaged until", lambda r: r.user.engaged_until),
        listing.Column("Checks outstanding", lambda r: "; ".join(c.title for c in r.outstanding)),
        listing.Column("Can be allocated children", lambda r: r.refusal is None),
        listing.Column("Why not", lambda r: r.refusal or ""),
        listing.Column("Off today", lambda r: not r.available),
        listing.Column("Caseload", lambda r: r.caseload),
        listing.Column("Capacity", lambda r: r.user.caseload_capacity),
    ],
)


def workforce_board(request: AuthenticatedRequest) -> HttpResponseBase:
    """Each kind of staff with the capacity they add, returners' checks outstanding, and students with
    their supervisors (PRODUCT.md M18)."""
    if not permissions.can_read_workforce(request.user):
        raise PermissionDenied
    today = clock.today()
    kinds = dict(WORKFORCE_KINDS)
    kind = request.GET.get("kind", "")
    if kind not in kinds:
        kind = ""
    people = selectors.workforce_rows(user=request.user, today=today, kind=kind)

    def prepare(chunk: list[User]) -> list[selectors.BoardRow]:
        return selectors.board_rows(chunk, today=today)

    if listing.wants_export(request, WORKFORCE):
        return listing.export(request, people, WORKFORCE, prepare=prepare)
    page = listing.paginate(request, people, WORKFORCE)
    page.rows = prepare(list(page.rows))
    return render(
        request,
        "accounts/workforce.html",
        {
            "today": today,
            "figures": selectors.workforce_figures(user=request.user, today=today),
            "list": page,
            "kind": kind,
            "kinds": WORKFORCE_KINDS,
            "can_record_checks": permissions.can_record_employment_checks(request.user),
        },
    )


def _checks_admin(request: AuthenticatedRequest, staff_id: int) -> User:
    staff = selectors.staff_get_for_user(user=request.user, staff_id=staff_id)
    if not permissions.can_record_employment_checks(request.user):
        raise PermissionDenied
    return staff


def staff_workforce(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    staff = _checks_admin(request, staff_id)
    initial: dict[str, Any] = {name: getattr(staff, name) for name in services.WORKFORCE_FIELDS}
    initial["version"] = services.staff_version(staff)
    form = WorkforceForm(request.POST or None, actor=request.user, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.WORKFORCE_FIELDS}
        try:
            services.workforce_update(
                actor=request.user,
                staff=staff,
                today=clock.today(),
                seen_version=form.cleaned_data["version"] or None,
                reason=form.cleaned_data["reason"],
                **data,
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"{staff}'s workforce details have been saved")
            return redirect("accounts:staff-detail", staff_id=staff.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"{staff}: kind of staff",
            "caption": staff.get_role_display(),
            "intro": "A returning social worker is allocated children only once every check is recorded. A "
            "student is never a child's allocated worker: their practice supervisor is.",
            "back_url": reverse("accounts:staff-detail", args=[staff.pk]),
        },
    )


def employment_check_new(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    staff = _checks_admin(request, staff_id)
    today = clock.today()
    form = EmploymentCheckForm(
        request.POST or None, initial={"kind": request.GET.get("check", ""), "confirmed_on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            check = services.employment_check_record(
                actor=request.user, staff=staff, today=today, **form.cleaned_data
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"Recorded: {check.get_kind_display().lower()} for {staff}")
            return redirect("accounts:staff-detail", staff_id=staff.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Record a check for {staff}",
            "caption": staff.get_staff_kind_display(),
            "intro": "You are recorded as the person who confirmed it.",
            "back_url": reverse("accounts:staff-detail", args=[staff.pk]),
            "submit_label": "Record check",
        },
    )


def employment_check_remove(request: AuthenticatedRequest, check_id: int) -> HttpResponse:
    check = get_object_or_404(
        EmploymentCheck.objects.select_related("user"), pk=check_id, la_id=request.user.la_id
    )
    staff = _checks_admin(request, check.user_id)
    form = CheckRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_check_remove(
                actor=request.user, check=check, reason=form.cleaned_data["reason"]
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"Removed: {check.get_kind_display().lower()} for {staff}")
            return redirect("accounts:staff-detail", staff_id=staff.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Remove {staff}'s {check.get_kind_display().lower()}",
            "caption": f"Dated {check.confirmed_on:%-d %B %Y}",
            "back_url": reverse("accounts:staff-detail", args=[staff.pk]),
            "submit_label": "Remove check",
        },
    )
