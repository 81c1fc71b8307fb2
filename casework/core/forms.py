"""GOV.UK Design System markup for Django forms.

govuk-frontend-django renders components but does not bind Django form fields, so the field templates
are ours: a renderer whose bound fields carry the GOV.UK classes and aria-describedby, field templates
in templates/govuk/forms/, and a three-box date input whose messages follow the Design System.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core import validators
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input",
    "search": "govuk-input",
    "tel": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
}
FIELDSET_WIDGETS = {"radioselect", "checkboxselectmultiple", "govukdate"}


class GovukBoundField(BoundField):
    @property
    def uses_fieldset(self) -> bool:
        return self.widget_type in FIELDSET_WIDGETS

    @property
    def first_input_id(self) -> str:
        """The id an error summary link should move focus to."""
        if self.widget_type in {"radioselect", "checkboxselectmultiple", "govukdate"}:
            return f"{self.auto_id}_0"
        return self.auto_id

    @property
    def described_by(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        input_type = getattr(widget, "input_type", None) or self.widget_type
        base = WIDGET_CLASSES.get(str(input_type))
        if base and not self.uses_fieldset:
            # The widget's own classes (e.g. govuk-input--width-3) are kept beside the GOV.UK base class.
            classes = [base, str(widget.attrs.get("class", "")), str(attrs.get("class", ""))]
            if self.errors:
                classes.append(f"{base}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        if self.widget_type == "govukdate" and self.errors:
            attrs["class"] = "govuk-input--error"
        if self.described_by and not self.uses_fieldset:
            attrs["aria-describedby"] = self.described_by
        return attrs


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"
    bound_field_class = GovukBoundField


class GovukDateWidget(forms.MultiWidget):
    template_name = "govuk/forms/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in range(3)]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [parsed.day, parsed.month, parsed.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}_{i}", "")).strip() for i in range(3)]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(f"{name}_{i}" not in data for i in range(3))


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the Design System's error messages."""

    widget = GovukDateWidget

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if not value or not any(value):
            return None
        label = str(self.label or "Date")
        day, month, year = (value + ["", "", ""])[:3]
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        try:
            parsed = date(int(year), int(month), int(day))
        except ValueError as err:
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from err
        if len(str(year)) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid")
        return parsed

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(f"Enter {str(self.label or 'the date').lower()}", code="required")

    def prepare_value(self, value: Any) -> Any:
        return value


# Free text has a ceiling (OWASP ASVS 4.0 5.1.4, and the request limit of casework.core.safety): a field
# that sets none gets these. A long note (a contact's outcome, a decision's rationale) fits in 20,000
# characters, about 3,000 words.
TEXT_MAX_LENGTH = 1_000
TEXTAREA_MAX_LENGTH = 20_000


def limit_text(field: forms.Field) -> None:
    """Give a text field a maximum length (unless it has one) and the Design System's message for it."""
    if not isinstance(field, forms.CharField):
        return
    if field.max_length is None:
        textarea = isinstance(field.widget, forms.Textarea)
        field.max_length = TEXTAREA_MAX_LENGTH if textarea else TEXT_MAX_LENGTH
        field.validators.append(validators.MaxLengthValidator(field.max_length))
    label = str(field.label or "The text")
    field.error_messages["max_length"] = f"{label} must be {field.max_length:,} characters or less"


class GovukForm(forms.Form):
    """Base form: required-field messages in the Design System's words, and a maximum length on text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if "required" not in field.error_messages or field.error_messages["required"].startswith("This"):
                verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
                field.error_messages["required"] = f"{verb} {str(field.label or 'a value').lower()}"
            limit_text(field)
