"""Who did or saw what, and why: explicit events written by services in the same transaction.

Row-level change capture (every column of every tracked row, even through bulk updates) is
django-pghistory's job; these tables answer the questions people ask of an audit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.core.history import AppendOnly
from casework.core.models import LocalAuthority


class AuditEvent(models.Model):
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=64)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, null=True, related_name="+")
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True)
    summary = models.CharField(max_length=300)
    reason = models.CharField(max_length=1000, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["la", "child", "-at"], name="audit_child")]
        triggers = [AppendOnly()]  # refuses UPDATE and DELETE in SQL too (ADR 0008)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"


class RecordAccess(models.Model):
    """A view of (or refused attempt to view) a child's record."""

    class Outcome(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        REFUSED = "refused", "Refused"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Not a foreign key: a refused request may name a child of another LA, or none at all.
    child_ref = models.BigIntegerField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["la", "-at"], name="access_la_at"),
            models.Index(fields=["child_ref", "-at"], name="access_child"),
        ]
        triggers = [AppendOnly()]  # refuses UPDATE and DELETE in SQL too (ADR 0008)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.outcome} child {self.child_ref}"


class RequestLog(models.Model):
    """Every request a signed-in person makes of the application: what they saw, downloaded or changed,
    and what they were refused (ASVS 4.0 7.1–7.2: log access to sensitive data and failed access).

    Written by one mechanism, `casework.audit.middleware.RequestAuditMiddleware`, for every URL, so a new
    page cannot forget to audit itself. A view of a child's record is also in `RecordAccess` (by child,
    for "who has looked at this record"); this table answers "what did this person do, and when".
    """

    class Outcome(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        EXPORTED = "exported", "Downloaded"
        CHANGED = "changed", "Submitted"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8)
    route = models.CharField(max_length=100)  # the URL pattern's name, e.g. "children:detail"
    path = models.CharField(max_length=300)
    query = models.CharField(max_length=500, blank=True)
    status = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    # Not a foreign key: a refused request may name a child of another LA, or one that does not exist.
    child_ref = models.BigIntegerField(null=True)
    address = models.GenericIPAddressField(null=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["la", "-at"], name="request_la_at"),
            models.Index(fields=["user", "-at"], name="request_user_at"),
            models.Index(
                fields=["child_ref", "-at"], name="request_child", condition=models.Q(child_ref__isnull=False)
            ),
        ]
        triggers = [AppendOnly()]  # refuses UPDATE and DELETE in SQL too (ADR 0008)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.outcome} {self.method} {self.path}"
