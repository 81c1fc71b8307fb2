from __future__ import annotations

from django import forms

from casework.core.forms import GovukDateField, GovukForm
from casework.safeguarding.models import AGENCIES, Meeting, SeriousIncident


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
