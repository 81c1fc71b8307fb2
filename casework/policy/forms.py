from __future__ import annotations

from typing import Any

from django import forms

from casework.core.choices import IntervalUnit
from casework.core.forms import GovukDateField, GovukForm
from domain.contact import RagSettings
from domain.contact.enums import RATING_LABELS, RATINGS, STATUS_LABELS


class EmergencyDeclareForm(GovukForm):
    name = forms.CharField(label="Name", max_length=160, help_text="For example Local outbreak emergency")
    starts_on = GovukDateField(label="Start date")
    rating_target_date = GovukDateField(
        label="Rating target date", help_text="Every open case must be rated and signed off by this date"
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class EmergencyEndForm(GovukForm):
    ends_on = GovukDateField(label="End date")
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


def status_label(status: str) -> str:
    return "Other statuses" if status == "other" else STATUS_LABELS.get(status, status).capitalize()


class RagSettingsForm(GovukForm):
    """The definitions and, for each rating and status, the interval and how often face to face."""

    label = forms.CharField(label="Name of these settings", max_length=160)
    effective_from = GovukDateField(
        label="In force from", help_text="Today or later: the past is not changed"
    )
    reason = forms.CharField(label="Reason for the change", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, current: RagSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.statuses = sorted({status for _, status in current.cadences}, key=lambda s: (s == "other", s))
        for rating in RATINGS:
            self.fields[f"definition_{rating}"] = forms.CharField(
                label=f"What {RATING_LABELS[rating].lower()} means",
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=current.definitions.get(rating, ""),
            )
        for rating, status in self.cadence_keys():
            cadence = current.cadences[(rating, status)]
            name = f"{RATING_LABELS[rating]}, {status_label(status).lower()}"
            prefix = f"c_{rating}_{status}"
            self.fields[f"{prefix}_amount"] = forms.IntegerField(
                label=f"{name}: every", min_value=1, max_value=365, initial=cadence.interval.amount
            )
            self.fields[f"{prefix}_unit"] = forms.ChoiceField(
                label=f"{name}: unit", choices=IntervalUnit.choices, initial=str(cadence.interval.unit)
            )
            self.fields[f"{prefix}_f2f"] = forms.IntegerField(
                label=f"{name}: face to face every Nth contact (0 for none)",
                min_value=0,
                max_value=12,
                initial=cadence.face_to_face_every,
            )

    def cadence_keys(self) -> list[tuple[Any, str]]:
        return [(r, s) for s in self.statuses for r in RATINGS if (r, s) in self.current.cadences]

    def cadence_rows(self) -> list[dict[str, Any]]:
        """Bound fields grouped as a table: one row per status, one group per rating."""
        rows = []
        for status in self.statuses:
            cells = []
            for rating in RATINGS:
                prefix = f"c_{rating}_{status}"
                if f"{prefix}_amount" in self.fields:
                    cells.append(
                        {
                            "rating": RATING_LABELS[rating],
                            "fields": [
                                ("Every", self[f"{prefix}_amount"]),
                                ("Unit", self[f"{prefix}_unit"]),
                                ("Face to face every", self[f"{prefix}_f2f"]),
                            ],
                        }
                    )
            rows.append({"status": status_label(status), "cells": cells})
        return rows

    def definition_fields(self) -> list[Any]:
        return [self[f"definition_{r}"] for r in RATINGS]
