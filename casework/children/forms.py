from __future__ import annotations

from typing import Any, cast

from django import forms

from casework.accounts.models import Team, User
from casework.accounts.selectors import teams_visible_to
from casework.children.models import CovidStatus, EducationSetting, LegalStatusKind, VideoCalls
from casework.core import permissions
from casework.core.forms import GovukDateField, GovukForm
from domain import codes

REASON_HELP = (
    "Recorded in the record's history with your name, for example 'Corrected from birth certificate'"
)


def _blank(choices: tuple[tuple[str, str], ...], label: str = "Select") -> list[tuple[str, str]]:
    return [("", label), *choices]


class ChildForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=80)
    last_name = forms.CharField(label="Last name", max_length=80)
    known_as = forms.CharField(label="Known as (optional)", max_length=80, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 2012. Leave blank for an unborn child",
    )
    expected_date_of_birth = GovukDateField(label="Expected date of birth (unborn child)", required=False)
    gender = forms.ChoiceField(label="Gender", choices=codes.GENDER, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=codes.ETHNICITY, initial="NOBT")
    la_child_id = forms.CharField(
        label="LA child ID", max_length=36, help_text="The ID in the council's case system"
    )
    upn = forms.RegexField(
        label="Unique pupil number (UPN, optional)",
        regex=r"^[A-Za-z]\d{11}[0-9A-Za-z]$",
        required=False,
        max_length=13,
        error_messages={
            "invalid": "UPN must be a letter followed by 11 numbers and a final number or letter"
        },
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities", choices=codes.DISABILITY, required=False, widget=forms.CheckboxSelectMultiple
    )
    first_language = forms.CharField(label="First language (optional)", max_length=60, required=False)
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label="Team", queryset=None, required=False, empty_label="Not allocated to a team"
    )
    allocated_worker: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Allocated worker", queryset=None, required=False, empty_label="Not allocated"
    )
    education_setting: forms.ModelChoiceField[EducationSetting] = forms.ModelChoiceField(
        label="Education setting", queryset=None, required=False, empty_label="None recorded"
    )
    health_vulnerabilities = forms.CharField(
        label="Health vulnerabilities (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    clinically_extremely_vulnerable = forms.BooleanField(
        label="Clinically extremely vulnerable (told to shield)", required=False
    )
    date_of_death = GovukDateField(label="Date of death (if the child has died)", required=False)
    reason = forms.CharField(
        label="Reason for the change", required=False, max_length=1000, help_text=REASON_HELP
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team_field.queryset = teams_visible_to(actor).filter(closed_on__isnull=True)  # open teams
        self.worker_field.queryset = User.objects.filter(
            la_id=actor.la_id,
            is_active=True,
            role__in=["social_worker", "personal_adviser", "early_help_worker", "team_manager"],
        ).select_related("team")
        self.worker_field.label_from_instance = lambda u: f"{u} ({u.team or 'no team'})"  # type: ignore[method-assign,assignment]
        settings_field = cast("forms.ModelChoiceField[EducationSetting]", self.fields["education_setting"])
        settings_field.queryset = EducationSetting.objects.filter(la_id=actor.la_id)

    @property
    def team_field(self) -> forms.ModelChoiceField[Team]:
        return cast("forms.ModelChoiceField[Team]", self.fields["team"])

    @property
    def worker_field(self) -> forms.ModelChoiceField[User]:
        return cast("forms.ModelChoiceField[User]", self.fields["allocated_worker"])

    def clean_upn(self) -> str:
        return str(self.cleaned_data.get("upn") or "").upper()

    def clean_la_child_id(self) -> str:
        return str(self.cleaned_data["la_child_id"]).strip()


class LegalStatusForm(GovukForm):
    kind = forms.ChoiceField(label="Status", choices=LegalStatusKind.choices, widget=forms.RadioSelect)
    starts_on = GovukDateField(label="Start date")
    ends_on = GovukDateField(label="End date", required=False, help_text="Leave blank if it continues")
    cp_category = forms.ChoiceField(
        label="Category of abuse (child protection plan only)",
        choices=_blank(codes.CP_CATEGORY, "Not applicable"),
        required=False,
    )
    lac_legal_status = forms.ChoiceField(
        label="Legal status (looked after only)",
        choices=_blank(codes.LAC_LEGAL_STATUS, "Not applicable"),
        required=False,
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)
    reason = forms.CharField(
        label="Reason for the change", required=False, max_length=1000, help_text=REASON_HELP
    )


class LegalStatusEndForm(GovukForm):
    ends_on = GovukDateField(label="End date")
    end_reason = forms.CharField(label="Why it ended", required=False, max_length=120)
    reason = forms.CharField(
        label="Reason for the change", required=False, max_length=1000, help_text=REASON_HELP
    )


class PlacementForm(GovukForm):
    starts_on = GovukDateField(label="Start date")
    ends_on = GovukDateField(
        label="End date", required=False, help_text="Leave blank if the child is still there"
    )
    placement_type = forms.ChoiceField(label="Placement type", choices=_blank(codes.PLACEMENT_TYPE))
    provider = forms.ChoiceField(label="Provider", choices=_blank(codes.PLACEMENT_PROVIDER))
    carer_or_setting = forms.CharField(label="Carer or setting (optional)", required=False, max_length=160)
    postcode = forms.CharField(label="Placement postcode (optional)", required=False, max_length=10)
    reason = forms.CharField(
        label="Reason for the change", required=False, max_length=1000, help_text=REASON_HELP
    )


class CovidStatusForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=CovidStatus.choices, widget=forms.RadioSelect)
    starts_on = GovukDateField(label="From")
    ends_on = GovukDateField(label="To", required=False, help_text="Leave blank if not known")
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class HouseholdForm(GovukForm):
    address_line_1 = forms.CharField(label="Address line 1", max_length=120)
    address_line_2 = forms.CharField(label="Address line 2 (optional)", max_length=120, required=False)
    town = forms.CharField(label="Town or city", max_length=80)
    postcode = forms.CharField(label="Postcode", max_length=10)
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    video_calls = forms.ChoiceField(
        label="Can the family take video calls?", choices=VideoCalls.choices, widget=forms.RadioSelect
    )
    digital_access_notes = forms.CharField(
        label="Digital access notes (optional)", required=False, max_length=500
    )
    reason = forms.CharField(
        label="Reason for the change", required=False, max_length=1000, help_text=REASON_HELP
    )

    def clean_postcode(self) -> str:
        return " ".join(str(self.cleaned_data["postcode"]).upper().split())


class RestrictionForm(GovukForm):
    restricted = forms.ChoiceField(
        label="Who can see this record?",
        choices=[
            ("no", "Everyone whose role lets them see it"),
            ("yes", "Only named people and the allocated worker"),
        ],
        widget=forms.RadioSelect,
    )
    named: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label="Named people", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    reason = forms.CharField(label="Reason", max_length=500)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = cast("forms.ModelMultipleChoiceField[User]", self.fields["named"])
        named.queryset = User.objects.filter(la_id=actor.la_id, is_active=True)


class MissedSchoolForm(GovukForm):
    day = GovukDateField(label="Date the child was expected but did not attend")
    note = forms.CharField(label="Follow-up with the setting and the parent", required=False, max_length=300)


class HolderAddForm(GovukForm):
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Who should be named on the record?",
        queryset=None,
        empty_label="Choose a member of staff",
        error_messages={"required": "Choose who to name on the record"},
    )
    reason = forms.CharField(
        label="Why do they need to see the record?",
        max_length=500,
        error_messages={"required": "Enter why the change is being made"},
    )

    def __init__(self, *args: Any, actor: User, child: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = child.access_grants.values("user_id")
        field = cast("forms.ModelChoiceField[User]", self.fields["user"])
        field.queryset = (
            User.objects.filter(la_id=actor.la_id, is_active=True)
            .exclude(role__in=permissions.NO_CHILDREN_ROLES)
            .exclude(pk__in=named)
            .exclude(pk=actor.pk)
            .select_related("team")
            .order_by("last_name", "first_name")
        )
        field.label_from_instance = lambda u: f"{u}, {u.get_role_display().lower()} ({u.team or 'no team'})"  # type: ignore[method-assign,assignment]


class HolderRemoveForm(GovukForm):
    reason = forms.CharField(
        label="Why are they being taken off the record?",
        max_length=500,
        error_messages={"required": "Enter why the change is being made"},
    )
