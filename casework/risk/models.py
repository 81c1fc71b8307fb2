"""Risk ratings of open cases, with rationale, manager sign-off and review date (PRODUCT.md M2)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from casework.core.choices import Rating, SignOff
from casework.core.history import tracked
from casework.core.models import TenantModel

__all__ = ["Rating", "RerateReason", "RerateTrigger", "RiskRating", "SignOff"]


@tracked()
class RiskRating(TenantModel):
    """A rating of one child's case. Never edited once decided: a new rating supersedes it."""

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="risk_ratings")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    suggested_rating = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    factors = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    rationale = models.TextField()
    childs_views = models.TextField("the child's own views", blank=True)
    family_strengths = models.TextField(blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_on = models.DateField()
    review_on = models.DateField()
    status = models.CharField(max_length=10, choices=SignOff.choices, default=SignOff.AWAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True)
    regime = models.CharField(max_length=40, help_text="The national regime in force when rated")
    emergency = models.ForeignKey(
        "policy.EmergencyDeclaration", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-rated_on", "-pk"]
        indexes = [
            models.Index(fields=["la", "status"], name="rating_status"),
            models.Index(fields=["child", "-rated_on"], name="rating_child_latest"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="rating_has_rationale"),
            # Nobody signs off their own rating (management oversight, DfE guidance 3 April 2020).
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("rated_by")),
                name="rating_not_self_approved",
            ),
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="awaiting"), name="one_rating_awaiting_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ({self.rated_on:%-d %B %Y})"


class RerateReason(models.TextChoices):
    NEW_REFERRAL = "new_referral", "New referral"
    REFUSED_ACCESS = "refused_access", "Access refused"
    COVID_IN_HOUSEHOLD = "covid_in_household", "COVID-19 in the household"
    MISSED_SCHOOL = "missed_school", "Missed school"
    REVIEW_DUE = "review_due", "Review date reached"
    EMERGENCY_DECLARED = "emergency_declared", "Emergency declared"


@tracked()
class RerateTrigger(TenantModel):
    """Something happened that puts the case back in the re-rating queue until it is rated again."""

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="rerate_triggers")
    reason = models.CharField(max_length=24, choices=RerateReason.choices)
    occurred_on = models.DateField()
    detail = models.CharField(max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        RiskRating, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on"]
        indexes = [models.Index(fields=["la", "resolved_by"], name="trigger_open")]
