"""Forms for importing and exporting the DfE returns."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.core.forms import GovukForm
from casework.returns.models import ImportRun, ReturnKind
from domain.census.years import FIRST_SUPPORTED_EXPORT_YEAR, FIRST_SUPPORTED_IMPORT_YEAR


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files (Django's documented pattern for `multiple`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which return",
        choices=ReturnKind.choices,
        widget=forms.RadioSelect,
        help_text="The CIN census is one XML file. The SSDA903 return is its CSV files (choose them all), "
        "or a zip of them.",
    )
    upload = MultipleFileField(label="File or files")
    year = forms.IntegerField(
        label="Collection year (optional)",
        required=False,
        min_value=FIRST_SUPPORTED_IMPORT_YEAR,
        max_value=2100,
        help_text="The year the collection ends: 2026 for 2025-26. If given, a file of another year is "
        "refused.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    mode = forms.ChoiceField(
        label="If some records cannot be stored",
        choices=ImportRun.Mode.choices,
        initial=ImportRun.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        files = data.get("upload") or []
        kind = data.get("kind")
        names = [f.name.lower() for f in files]
        if kind == ReturnKind.CIN and (len(files) != 1 or not names[0].endswith(".xml")):
            self.add_error("upload", "Choose one CIN census file ending .xml")
        if kind == ReturnKind.SSDA903:
            zips = [n for n in names if n.endswith(".zip")]
            if zips and len(files) > 1:
                self.add_error("upload", "Choose either one zip file or the CSV files, not both")
            elif not zips and not all(n.endswith(".csv") for n in names):
                self.add_error("upload", "Choose the SSDA903 CSV files (ending .csv), or one zip of them")
        return data


class ExportForm(GovukForm):
    kind = forms.ChoiceField(label="Which return", choices=ReturnKind.choices, widget=forms.RadioSelect)
    year = forms.IntegerField(
        label="Collection year",
        min_value=FIRST_SUPPORTED_EXPORT_YEAR,
        max_value=2100,
        help_text="The year the collection ends: 2026 for 1 April 2025 to 31 March 2026.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
