from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet

from casework.children.models import Child
from casework.core.forms import GovukDateField, GovukForm
from casework.safeguarding.models import (
    AGENCIES,
    REFERRAL_SOURCES,
    InformationShare,
    Meeting,
    Referral,
    SeriousIncident,
)


class IncidentForm(GovukForm):
    occurred_on = GovukDateField(label="Date of the incident")
    aware_on = GovukDateField(
        label="Date the local authority became aware",
        help_text="The 5 working days for notifying the Panel start from this date",
    )
    summary = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 5}))
    child_died = forms.BooleanField(label="The child died", required=False)
    seriously_injured = forms.BooleanField(label="The child was seriously injured", required=False)
    covid_strongly_related = forms.BooleanField(label="COVID-19 is a strongly related factor", required=False)


class NotifyForm(GovukForm):
    notified_on = GovukDateField(label="Date the Child Safeguarding Practice Review Panel was notified")


class PaceForm(GovukForm):
    rapid_review_pace = forms.ChoiceField(
        label="Pace of the rapid review", choices=SeriousIncident.Pace.choices, widget=forms.RadioSelect
    )
    pace_reason = forms.CharField(
        label="Reason (required for a locally set pace)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(GovukForm):
    kind = forms.ChoiceField(label="Meeting", choices=Meeting.Kind.choices, widget=forms.RadioSelect)
    held_on = GovukDateField(label="Date held")
    remote = forms.BooleanField(label="Held remotely (phone or video)", required=False)
    section47_initiated = forms.BooleanField(
        label="Section 47 enquiries were initiated (strategy discussion)", required=False
    )
    agencies_invited = forms.MultipleChoiceField(
        label="Agencies invited", choices=AGENCIES, required=False, widget=forms.CheckboxSelectMultiple
    )
    agencies_present = forms.MultipleChoiceField(
        label="Agencies present", choices=AGENCIES, required=False, widget=forms.CheckboxSelectMultiple
    )
    quorum_concerns = forms.CharField(
        label="Quorum concerns (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decisions = forms.CharField(label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label="Plan", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    late_reason = forms.CharField(
        label="If held late, why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the meeting is after its statutory date; recorded in the decision log",
    )


LONDON = ZoneInfo("Europe/London")
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _london(day: date, hhmm: str) -> datetime:
    match = TIME_RE.match(hhmm.strip())
    if match is None:  # the form's own validation runs first
        raise forms.ValidationError("Enter a real time, like 09:30 or 14:05")
    return datetime.combine(day, time(int(match[1]), int(match[2])), tzinfo=LONDON)


class TimeField(forms.CharField):
    """A time of day typed as HH:MM (24-hour clock), in Europe/London."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5"}))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not TIME_RE.match(value.strip()):
            raise forms.ValidationError(
                f"{self.label} must be a real time on the 24-hour clock, like 09:30 or 14:05", code="invalid"
            )


class ReferralForm(GovukForm):
    received_on = GovukDateField(label="Date the referral was received")
    received_time = TimeField(
        label="Time the referral was received", help_text="24-hour clock, UK time, for example 09:30 or 14:05"
    )
    source = forms.ChoiceField(
        label="Source of the referral", choices=[("", "Choose a source"), *REFERRAL_SOURCES]
    )
    source_detail = forms.CharField(
        label="Who referred (optional)",
        required=False,
        max_length=300,
        help_text="For example the name and role of the person, or the school",
    )
    concerns = forms.CharField(label="Concerns", widget=forms.Textarea(attrs={"rows": 5}))
    consent = forms.ChoiceField(
        label="Consent to the referral", choices=Referral.Consent.choices, widget=forms.RadioSelect
    )
    children: forms.ModelMultipleChoiceField[Child] = forms.ModelMultipleChoiceField(
        label="Child or children the referral is about",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Search above to add a child to this list",
    )

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Child]", self.fields["children"])
        field.queryset = children
        field.label_from_instance = lambda c: (  # type: ignore[method-assign,assignment]
            f"{c.full_name}, born {c.date_of_birth:%-d %B %Y} ({c.la_child_id})"
            if c.date_of_birth
            else f"{c.full_name} (unborn, {c.la_child_id})"
        )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("received_on") and data.get("received_time"):
            data["received_at"] = _london(data["received_on"], data["received_time"])
        return data


class ReferralDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision", choices=Referral.Decision.choices, widget=forms.RadioSelect
    )
    decision_reason = forms.CharField(
        label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 4})
    )
    decided_on = GovukDateField(label="Date of the decision")
    decided_time = TimeField(
        label="Time of the decision", help_text="24-hour clock, UK time, for example 16:45"
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("decided_on") and data.get("decided_time"):
            data["decided_at"] = _london(data["decided_on"], data["decided_time"])
        return data


class InformationShareForm(GovukForm):
    shared_on = GovukDateField(label="Date the information was shared")
    what = forms.CharField(label="What was shared", widget=forms.Textarea(attrs={"rows": 4}))
    with_agency = forms.ChoiceField(
        label="Shared with (agency)", choices=[("", "Choose an agency"), *AGENCIES]
    )
    with_person = forms.CharField(
        label="Shared with (person and role, optional)", required=False, max_length=160
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis", choices=InformationShare.LawfulBasis.choices, widget=forms.RadioSelect
    )
    without_consent = forms.BooleanField(
        label="Shared without the family's consent, to keep a child safe from harm", required=False
    )
    reason = forms.CharField(
        label="Reason for sharing",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when shared without consent: why seeking consent, or sharing despite a refusal, "
        "was justified",
    )


class ReviewDecisionForm(GovukForm):
    rapid_review_completed_on = GovukDateField(label="Date the rapid review was completed", required=False)
    decision = forms.ChoiceField(
        label="Local child safeguarding practice review",
        choices=[c for c in SeriousIncident.ReviewDecision.choices if c[0] != "pending"],
        widget=forms.RadioSelect,
    )
    decided_on = GovukDateField(label="Date of the decision")
    dfe_told_on = GovukDateField(label="Date the DfE was told of the decision", required=False)


class PublishedForm(GovukForm):
    published_on = GovukDateField(label="Date the review was published")
