"""Tenancy: every record belongs to one local authority, and no query crosses from one to another."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.core.history import tracked


@tracked()
class LocalAuthority(models.Model):
    """An English local authority using this deployment."""

    name = models.CharField(max_length=120)
    # The LA's "long" code (ONS, e.g. E09000027) used by SSDA903 and the LEA number used by the CIN census.
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    lea_code = models.CharField("LA number", max_length=3, unique=True)
    is_demo = models.BooleanField(default=False, help_text="All people in a demo authority are fictional.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "local authority"
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """A record owned by one local authority, with who created and last changed it."""

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class Alert(TenantModel):
    """Something a person must see at once (in the app, and by email where configured)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="alert_unread")]

    def __str__(self) -> str:
        return self.message
