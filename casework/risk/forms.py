from __future__ import annotations

from typing import Any

from django import forms

from casework.core.choices import IntervalUnit, Mode
from casework.core.forms import GovukForm
from casework.risk.models import Rating
from casework.risk.services import RATIONALE_REQUIRED
from domain.contact import ContactPlan as PlanRule
from domain.contact import Interval, Unit, plan_problems
from domain.contact import Mode as DomainMode
from domain.risk import FACTORS

FACTOR_CHOICES = [(f.code, f.label) for f in FACTORS]


class RatingForm(GovukForm):
    """A practitioner's rating of a case, and the contact plan they propose with it."""

    rating = forms.ChoiceField(label="Rating", choices=Rating.choices, widget=forms.RadioSelect)
    factors = forms.MultipleChoiceField(
        label="Risk factors present",
        choices=FACTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. A child protection plan and a child under 1 are counted already.",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The evidence, and why it leads to this rating",
        error_messages={"required": RATIONALE_REQUIRED},
    )
    childs_views = forms.CharField(
        label="The child's own views (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    family_strengths = forms.CharField(
        label="Family strengths (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    interval_amount = forms.IntegerField(
        label="Contact at least every",
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={"min_value": "The time between contacts must be at least 1"},
    )
    interval_unit = forms.ChoiceField(label="Unit", choices=IntervalUnit.choices)
    face_to_face_every = forms.IntegerField(
        label="Face to face at least every how many contacts?",
        min_value=0,
        max_value=52,
        help_text="1: every contact; 2: every other contact; 0: face to face not required",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    modes = forms.MultipleChoiceField(
        label="Ways of making contact that count",
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    departure_rationale = forms.CharField(
        label="Why is this plan right for the child?",
        # Kept as typed when htmx swaps in a fresh assessment of the plan.
        widget=forms.Textarea(attrs={"rows": 3, "hx-preserve": "true"}),
        required=False,
    )
    departure_risk_assessment = forms.CharField(
        label="How is the risk to the child managed?",
        # Kept as typed when htmx swaps in a fresh assessment of the plan.
        widget=forms.Textarea(attrs={"rows": 3, "hx-preserve": "true"}),
        required=False,
    )

    PLAN_FIELDS = ("interval_amount", "interval_unit", "face_to_face_every", "modes")
    DEPARTURE_FIELDS = ("departure_rationale", "departure_risk_assessment")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(f) is not None for f in self.PLAN_FIELDS) and data.get("modes"):
            problems = plan_problems(
                interval=Interval(data["interval_amount"], Unit(data["interval_unit"])),
                face_to_face_every=data["face_to_face_every"],
                modes=[DomainMode(m) for m in data["modes"]],
            )
            for problem in problems:
                self.add_error("modes" if "way" in problem else "face_to_face_every", problem)
        return data

    def plan(self) -> PlanRule:
        data = self.cleaned_data
        return PlanRule(
            Interval(data["interval_amount"], Unit(data["interval_unit"])),
            data["face_to_face_every"],
            frozenset(DomainMode(m) for m in data["modes"]),
        )

    def fields_named(self, names: tuple[str, ...]) -> list[Any]:
        return [self[name] for name in names]

    @property
    def judgement_fields(self) -> list[Any]:
        return self.fields_named(("factors", "rationale", "childs_views", "family_strengths"))

    @property
    def departure_fields(self) -> list[Any]:
        return self.fields_named(self.DEPARTURE_FIELDS)


def plan_from_data(data: Any) -> PlanRule | None:
    """The plan as typed so far (for the live assessment), or None while it is incomplete or invalid."""
    try:
        amount = int(data.get("interval_amount", ""))
        unit = Unit(data.get("interval_unit", ""))
        every = int(data.get("face_to_face_every", ""))
        modes = frozenset(DomainMode(m) for m in data.getlist("modes"))
        return PlanRule(Interval(amount, unit), every, modes)
    except ValueError:
        return None


def plan_initial(plan: PlanRule) -> dict[str, Any]:
    return {
        "interval_amount": plan.interval.amount,
        "interval_unit": str(plan.interval.unit),
        "face_to_face_every": plan.face_to_face_every,
        "modes": sorted(str(m) for m in plan.modes),
    }


def plan_code(plan: PlanRule) -> str:
    """The plan as one string, kept in the form to tell whether the practitioner changed the proposal."""
    modes = "+".join(sorted(str(m) for m in plan.modes))
    return f"{plan.interval.amount} {plan.interval.unit} {plan.face_to_face_every} {modes}"


def plan_from_code(code: str) -> PlanRule | None:
    try:
        amount, unit, every, modes = code.split(" ")
        return PlanRule(
            Interval(int(amount), Unit(unit)),
            int(every),
            frozenset(DomainMode(m) for m in modes.split("+") if m),
        )
    except ValueError:
        return None


def entries(form_class: type[GovukForm], data: Any) -> dict[str, Any]:
    """What the practitioner entered, as initial values: the form shown again, without its errors."""
    values: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if name not in data:
            continue
        multiple = isinstance(field, forms.MultipleChoiceField)
        values[name] = data.getlist(name) if multiple else data.get(name)
    return values
