from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from casework.core.forms import GovukDateField, GovukForm


class FortnightForm(GovukForm):
    ends_on = GovukDateField(
        label="Last day of the fortnight",
        help_text="For example, 17 5 2020. The return covers the 14 days ending on this day.",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_ends_on(self) -> date:
        ends_on: date = self.cleaned_data["ends_on"]
        if ends_on >= self.today:
            raise forms.ValidationError(
                "Last day of the fortnight must be in the past: a return is made once the fortnight has ended"
            )
        return ends_on
