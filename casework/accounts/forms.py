from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from casework.accounts.models import (
    PRACTITIONER_ROLES,
    Availability,
    EmploymentCheck,
    Role,
    StaffKind,
    Team,
    User,
)
from casework.core.forms import GovukDateField, GovukForm
from domain.people import workforce

MANAGER_ROLES = [Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE]


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your system administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})


class AbsenceForm(GovukForm):
    status = forms.ChoiceField(
        label="Reason",
        choices=[c for c in Availability.choices if c[0] != Availability.AVAILABLE],
        widget=forms.RadioSelect,
    )
    starts_on = GovukDateField(label="First day off", help_text="For example, 27 3 2020")
    ends_on = GovukDateField(label="Last day off", required=False, help_text="Leave blank if not known yet")
    can_work_from_home = forms.BooleanField(
        label="Well enough to make phone and video contact from home", required=False
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AbsenceEndForm(GovukForm):
    ends_on = GovukDateField(label="Last day off")
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class StaffForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    role = forms.ChoiceField(
        label="Role", choices=Role.choices, help_text="Decides what the person can see and do"
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team (LA-wide)"
    )
    line_manager: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Line manager", queryset=User.objects.none(), required=False, empty_label="None"
    )
    caseload_capacity = forms.IntegerField(
        label="Caseload capacity",
        min_value=0,
        max_value=60,
        help_text="Children this worker can hold at full time",
    )
    managed_teams: forms.ModelMultipleChoiceField[Team] = forms.ModelMultipleChoiceField(
        label="Teams they manage",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only a team manager or a head of service manages a team",
    )
    is_active = forms.BooleanField(label="Account is active (can sign in)", required=False, initial=True)
    reason = forms.CharField(label="Reason for the change", required=False, max_length=1000)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A closed team is in no picker (it keeps its page and history).
        teams = Team.objects.filter(la_id=actor.la_id, closed_on__isnull=True)
        cast("forms.ModelChoiceField[Team]", self.fields["team"]).queryset = teams
        cast("forms.ModelMultipleChoiceField[Team]", self.fields["managed_teams"]).queryset = teams
        managers = User.objects.filter(la_id=actor.la_id, is_active=True, role__in=MANAGER_ROLES)
        cast("forms.ModelChoiceField[User]", self.fields["line_manager"]).queryset = managers


class StaffCreateForm(StaffForm):
    username = forms.RegexField(
        label="Username",
        regex=r"^[\w.@+-]+$",
        max_length=150,
        help_text="Letters, numbers and . @ + - _ only, for example j.smith",
        error_messages={"invalid": "Username must only include letters, numbers and . @ + - _"},
    )
    field_order = ["username"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The person sets their own password from a one-time link sent here (no password is typed).
        email = self.fields["email"]
        email.required = True
        email.help_text = "We will send a link here for the person to set their own password"
        email.error_messages["required"] = "Enter an email address, so that the person can set their password"
        del self.fields["is_active"]
        del self.fields["managed_teams"]


class DeactivateForm(GovukForm):
    reason = forms.CharField(
        label="Why is the account being deactivated?",
        max_length=1000,
        help_text="For example, left the council on 31 May 2020",
        error_messages={"required": "Enter why the account is being deactivated"},
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class EmailPasswordResetForm(PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["new_password1"].help_text = "At least 12 characters, not a common password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].help_text = "At least 12 characters, not a common password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class TeamForm(GovukForm):
    name = forms.CharField(
        label="Team name", max_length=120, error_messages={"required": "Enter the team's name"}
    )
    service_area = forms.ChoiceField(
        label="Service area",
        choices=Team.ServiceArea.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the team's service area"},
    )
    manager: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Manager",
        queryset=User.objects.none(),
        required=False,
        empty_label="No manager yet",
        help_text="A team manager or a head of service",
    )
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=1000)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managers = User.objects.filter(la_id=actor.la_id, is_active=True, role__in=MANAGER_ROLES)
        cast("forms.ModelChoiceField[User]", self.fields["manager"]).queryset = managers


class TeamCloseForm(GovukForm):
    reason = forms.CharField(
        label="Why is the team being closed?",
        max_length=1000,
        help_text="For example, merged into the South team on 1 June 2020",
        error_messages={"required": "Enter why the team is being closed"},
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class WorkforceForm(GovukForm):
    staff_kind = forms.ChoiceField(label="Kind of staff", choices=StaffKind.choices, widget=forms.RadioSelect)
    university = forms.CharField(
        label="University (students)", required=False, max_length=120, help_text="Where the student studies"
    )
    practice_supervisor: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Practice supervisor (students)",
        queryset=User.objects.none(),
        required=False,
        empty_label="None",
        help_text="A qualified member of staff: the allocated worker of the children the student works with",
    )
    organisation = forms.CharField(
        label="Organisation (agency or seconded staff)",
        required=False,
        max_length=120,
        help_text="The agency, or the seconding organisation, for example Ofsted or Cafcass",
    )
    engaged_until = GovukDateField(
        label="Contract, secondment or placement ends on (optional)",
        required=False,
        help_text="For example, 31 7 2020. Not for permanent staff",
    )
    reason = forms.CharField(label="Reason for the change (optional)", required=False, max_length=1000)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: User, staff: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supervisors = (
            User.objects.filter(
                la_id=actor.la_id, is_active=True, role__in=[*PRACTITIONER_ROLES, *MANAGER_ROLES]
            )
            .exclude(staff_kind=StaffKind.STUDENT)
            .exclude(pk=staff.pk)
        )
        cast("forms.ModelChoiceField[User]", self.fields["practice_supervisor"]).queryset = supervisors


class EmploymentCheckForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which check?",
        choices=EmploymentCheck.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which check was done"},
    )
    confirmed_on = GovukDateField(
        label="Date confirmed",
        help_text="For the registration, the date of the (temporary) re-registration; for the DBS check, "
        "the date of the certificate",
    )
    reference = forms.CharField(
        label="Reference (the registration number, or the DBS certificate number)",
        required=False,
        max_length=40,
        help_text="A Social Work England registration number looks like SW123456",
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class CheckRemoveForm(GovukForm):
    reason = forms.CharField(
        label="Why is the check being removed?",
        max_length=500,
        error_messages={"required": "Enter why the check is being removed"},
    )


WORKFORCE_KINDS = [
    ("", "All but permanent staff"),
    *[(k, str(v)) for k, v in StaffKind.choices if k != workforce.PERMANENT],
]
