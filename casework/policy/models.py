"""The rules in force: an LA's own emergency declarations and its RAG settings, both effective-dated.

National regimes (normal statute, SI 2020/445, SI 2020/909, the 2021 regulations) are code in
domain/regimes.py; what an LA decides for itself is data here, so it changes without a release and past
decisions stay judged by the settings in force when they were made.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from casework.core.history import tracked
from casework.core.models import TenantModel


@tracked()
class EmergencyDeclaration(TenantModel):
    """The LA declares its own emergency: contact is planned by risk and every open case re-rated."""

    name = models.CharField(max_length=160)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    rating_target_date = models.DateField(
        help_text="Every open case must be rated (and signed off) by this date."
    )
    reason = models.TextField()
    declared_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="emergency_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class RagSettingsVersion(TenantModel):
    """One version of what red, amber and green mean and the contact each needs, from a date."""

    effective_from = models.DateField()
    label = models.CharField(max_length=160)
    settings = models.JSONField(help_text="Serialised domain.contact.RagSettings")
    reason = models.TextField()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["la", "effective_from"], name="one_rag_settings_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.label} from {self.effective_from:%-d %B %Y}"
