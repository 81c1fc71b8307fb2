"""A member of staff's alerts (immediate protection first): the banner on every page and the list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Window
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


def alerts_visible_to(user: User, visible: Q) -> QuerySet[Alert]:
    """The user's own alerts, but not those about a child they may no longer open (moved to another team,
    or restricted since): an alert names its child, and must not outlive the right to see them.
    `visible` is the condition on the alert's `child` that the user may see it
    (`children.access.child_visible_q(user)`: the children app sits above this one)."""
    return Alert.objects.filter(recipient_id=user.pk, la_id=user.la_id).filter(
        Q(child__isnull=True) | visible
    )


def unread_alerts_for_user(*, user: User, visible: Q, limit: int = BANNER_LIMIT) -> UnreadAlerts:
    """How many unread alerts the user has and the most recent few: one query."""
    rows = list(
        alerts_visible_to(user, visible)
        .filter(read_at__isnull=True)
        .annotate(total=Window(Count("pk")))
        .only("pk", "kind", "message", "link", "created_at", "child_id")
        .order_by("-created_at", "-pk")[:limit]
    )
    return UnreadAlerts(count=rows[0].total if rows else 0, latest=rows)


def alert_list_for_user(*, user: User, visible: Q, limit: int = 200) -> list[Alert]:
    return list(
        alerts_visible_to(user, visible).select_related("child").order_by("-created_at", "-pk")[:limit]
    )


@transaction.atomic
def alert_mark_read(*, actor: User, alert_id: int, visible: Q) -> Alert | None:
    """Mark one of the actor's own alerts as read (someone else's is treated as not found)."""
    alert = alerts_visible_to(actor, visible).select_for_update().filter(pk=alert_id).first()
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
        # The kind, not the message: the audit log is read by people who may not see the child.
        summary=f"Alert read: {alert.kind.replace('_', ' ')}",
    )
    return alert
