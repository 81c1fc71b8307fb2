"""A member of staff's alerts (immediate protection first): the banner on every page and the list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Window
from django.utils import timezone

from casework.audit.services import audit_record
from casework.core.models import Alert

if TYPE_CHECKING:
    from casework.accounts.models import User

IMMEDIATE_PROTECTION = "immediate_protection"
BANNER_LIMIT = 3


@dataclass(frozen=True)
class UnreadAlerts:
    count: int
    latest: Sequence[Alert]

    @property
    def urgent(self) -> list[Alert]:
        return [a for a in self.latest if a.kind == IMMEDIATE_PROTECTION]


def unread_alerts_for_user(*, user: User, limit: int = BANNER_LIMIT) -> UnreadAlerts:
    """How many unread alerts the user has and the most recent few: one query."""
    rows = list(
        Alert.objects.filter(recipient_id=user.pk, read_at__isnull=True)
        .annotate(total=Window(Count("pk")))
        .only("pk", "kind", "message", "link", "created_at", "child_id")
        .order_by("-created_at", "-pk")[:limit]
    )
    return UnreadAlerts(count=rows[0].total if rows else 0, latest=rows)


def alert_list_for_user(*, user: User, limit: int = 200) -> list[Alert]:
    return list(
        Alert.objects.filter(recipient_id=user.pk)
        .select_related("child")
        .order_by("-created_at", "-pk")[:limit]
    )


@transaction.atomic
def alert_mark_read(*, actor: User, alert_id: int) -> Alert | None:
    """Mark one of the actor's own alerts as read (someone else's is treated as not found)."""
    alert = Alert.objects.select_for_update().filter(pk=alert_id, recipient_id=actor.pk).first()
    if alert is None or alert.read_at is not None:
        return alert
    alert.read_at = timezone.now()
    alert.save(update_fields=["read_at", "updated_at"])
    audit_record(
        actor=actor,
        la_id=alert.la_id,
        action="alert.read",
        target=alert,
        child=alert.child,
        summary=f"Alert read: {alert.message[:200]}",
    )
    return alert
