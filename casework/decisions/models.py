"""The decision log: every departure from standard practice, with rationale and manager approval (M6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.choices import SignOff
from casework.core.history import tracked
from casework.core.models import TenantModel


@tracked()
class Departure(TenantModel):
    """What was required, what was done instead, why, the risk, and who approved it."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="departures"
    )
    requirement = models.CharField(max_length=60, help_text="Stable id of the requirement, e.g. lac.visit")
    required = models.TextField(help_text="What the statute or standard practice required")
    done_instead = models.TextField()
    rationale = models.TextField()
    risk_assessment = models.TextField()
    source = models.CharField(max_length=300, help_text="Legal source of the requirement")
    regime = models.CharField(max_length=40)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    status = models.CharField(max_length=10, choices=SignOff.choices, default=SignOff.AWAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        "contacts.ContactPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_on", "-pk"]
        indexes = [models.Index(fields=["la", "status"], name="departure_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="departure_not_self_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement}: {self.done_instead[:60]}"
