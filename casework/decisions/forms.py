from __future__ import annotations

from typing import Any

from django import forms

from casework.core.choices import SignOff
from casework.core.forms import GovukDateField, GovukForm


class DepartureFilterForm(GovukForm):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *SignOff.choices])
    requirement = forms.CharField(label="Requirement", required=False, max_length=60)
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    child = forms.IntegerField(label="Child (record number)", required=False, widget=forms.HiddenInput)
    requested_from = GovukDateField(label="Requested from", required=False)
    requested_to = GovukDateField(label="Requested to", required=False)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.TypedChoiceField)
        team.choices = [("", "Any"), *teams]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("requested_from"), data.get("requested_to")
        if start and end and end < start:
            self.add_error("requested_to", "Requested to must be the same as or after requested from")
        return data


class DepartureRecordForm(GovukForm):
    requirement = forms.CharField(
        label="Requirement",
        max_length=60,
        required=False,
        help_text="A short name for the requirement, for example Visits to a looked-after child",
    )
    source = forms.CharField(
        label="Legal source",
        max_length=300,
        required=False,
        help_text="For example Care Planning, Placement and Case Review (England) Regulations 2010 reg 28",
    )
    required = forms.CharField(label="What was required", widget=forms.Textarea(attrs={"rows": 3}))
    done_instead = forms.CharField(label="What was done instead", widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 4}))
    risk_assessment = forms.CharField(
        label="Risk assessment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How the risk to the child is managed meanwhile",
    )
