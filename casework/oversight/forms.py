from __future__ import annotations

from typing import Any

from django import forms

from casework.accounts.models import PRACTITIONER_ROLES, User
from casework.core.forms import GovukForm


class DecisionForm(GovukForm):
    """Approve or return: the buttons carry the decision, the comment is kept whatever happens."""

    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when returning: what needs to change before it can be signed off",
    )


class ReallocateForm(GovukForm):
    to_worker = forms.ModelChoiceField(
        label="Reallocate to", queryset=User.objects.none(), empty_label="Choose a worker"
    )
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=200,
        help_text="Recorded in the child's history",
    )

    def __init__(self, *args: Any, la_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_worker"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            la_id=la_id, is_active=True, role__in=PRACTITIONER_ROLES
        ).order_by("last_name", "first_name")
        field.error_messages["required"] = "Choose who the child is reallocated to"


class ReallocateAllForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have checked the suggestions and want every suggested reallocation applied",
        error_messages={"required": "Confirm that every suggested reallocation should be applied"},
    )
