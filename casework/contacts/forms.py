from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms

from casework.contacts.models import REMOTE_REASON_CHOICES, Mode
from casework.core.choices import FACE_TO_FACE_MODES
from casework.core.forms import GovukDateField, GovukForm

TIME_INVALID = "Enter the time of the contact in 24-hour format, for example 14:30"
NO_VIDEO_REASON = (
    "Video call is not offered: the household's record says they cannot take video calls. Update the "
    "household's digital access if this has changed."
)
YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_NA = [("yes", "Yes"), ("no", "No"), ("na", "Not applicable or not known")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ContactForm(GovukForm):
    """A contact (or an attempt) with a child. Video is offered only where the household can take it."""

    occurred_on = GovukDateField(label="Date of the contact", help_text="For example, 14 4 2020")
    occurred_time = forms.CharField(
        label="Time of the contact", help_text="24-hour clock, for example 14:30", max_length=5
    )
    mode = forms.ChoiceField(label="How was the contact made?", widget=forms.RadioSelect)
    child_seen = forms.TypedChoiceField(
        label="Was the child seen?", choices=YES_NO, coerce=_yes_no, widget=forms.RadioSelect
    )
    child_seen_alone = forms.TypedChoiceField(
        label="Was the child seen alone?",
        choices=YES_NO_NA,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    bedroom_seen = forms.TypedChoiceField(
        label="Was the child's bedroom seen?",
        choices=YES_NO_NA,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    who_was_seen = forms.CharField(label="Who was seen (optional)", max_length=300, required=False)
    others_present = forms.CharField(
        label="Who else was present or could overhear (optional)", max_length=300, required=False
    )
    child_could_speak_privately = forms.TypedChoiceField(
        label="Could the child speak privately?",
        choices=YES_NO_NA,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    technology = forms.CharField(
        label="Technology used (optional)",
        max_length=80,
        required=False,
        help_text="For a phone or video call, for example WhatsApp video",
    )
    ppe_used = forms.BooleanField(label="PPE was used", required=False)
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 4}))
    concerns = forms.CharField(
        label="Concerns (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    remote_reason = forms.ChoiceField(
        label="Why was the child not seen face to face?",
        choices=REMOTE_REASON_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    remote_reason_detail = forms.CharField(
        label="Detail of the reason (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    nominated_officer_recommendation = forms.CharField(
        label="Nominated officer's recommendation followed (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    access_refused = forms.BooleanField(label="Access to the child was refused", required=False)
    refusal_reason = forms.CharField(
        label="Reason given for refusing access", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    why_access_needed_explained = forms.CharField(
        label="How you explained why access is needed",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    other_way_to_see_child = forms.CharField(
        label="How else you will try to see the child",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    immediate_protection = forms.BooleanField(
        label="There is a risk to life or a likelihood of immediate serious harm",
        required=False,
    )

    REMOTE_FIELDS = ("remote_reason", "remote_reason_detail", "nominated_officer_recommendation")
    REFUSAL_FIELDS = ("refusal_reason", "why_access_needed_explained", "other_way_to_see_child")

    def __init__(self, *args: Any, video_allowed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modes = [(m.value, m.label) for m in Mode if video_allowed or m != Mode.VIDEO]
        mode_field = self.fields["mode"]
        assert isinstance(mode_field, forms.ChoiceField)
        mode_field.choices = modes
        self.video_allowed = video_allowed
        if not video_allowed:
            self.fields["mode"].help_text = NO_VIDEO_REASON

    def clean_occurred_time(self) -> time:
        value = self.cleaned_data["occurred_time"].strip().replace(".", ":")
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:  # noqa: PLR2004 - hours and minutes
            raise forms.ValidationError(TIME_INVALID)
        return time(int(match[1]), int(match[2]))

    def clean(self) -> dict[str, Any]:
        """Answers in a section that does not apply (hidden once the worker chose otherwise) are dropped."""
        data = super().clean() or {}
        if data.get("mode") in FACE_TO_FACE_MODES:
            for name in self.REMOTE_FIELDS:
                data[name] = ""
            data["technology"] = ""
        elif "mode" in data:
            data["ppe_used"] = False
        if not data.get("access_refused"):
            for name in self.REFUSAL_FIELDS:
                data[name] = ""
        return data

    def section(self, names: tuple[str, ...]) -> list[Any]:
        return [self[name] for name in names]

    @property
    def main_fields(self) -> list[Any]:
        skip = {"occurred_on", "occurred_time", "mode", *self.REMOTE_FIELDS, *self.REFUSAL_FIELDS}
        skip |= {"access_refused", "immediate_protection", "technology", "ppe_used"}
        return [f for f in self.visible_fields() if f.name not in skip]

    @property
    def remote_fields(self) -> list[Any]:
        return self.section(self.REMOTE_FIELDS)

    @property
    def refusal_fields(self) -> list[Any]:
        return self.section(self.REFUSAL_FIELDS)
