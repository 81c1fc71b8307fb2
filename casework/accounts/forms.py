from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from casework.accounts.models import Availability
from casework.core.forms import GovukDateField, GovukForm


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
