from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from casework.accounts.models import Availability, Role, Team, User
from casework.core.forms import GovukDateField, GovukForm

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
    is_active = forms.BooleanField(label="Account is active (can sign in)", required=False, initial=True)
    reason = forms.CharField(label="Reason for the change", required=False, max_length=1000)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Team]", self.fields["team"]).queryset = Team.objects.filter(
            la_id=actor.la_id
        )
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
