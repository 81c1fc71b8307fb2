"""Writing the audit: called by services inside their own transaction, never by views directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from casework.audit.models import AuditEvent, RecordAccess

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child


# No savepoint: one INSERT inside the caller's transaction (or its own when there is none), so the audit
# adds no queries to the service or page that writes it.
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    actor: User | None,
    la_id: int,
    action: str,
    target: models.Model,
    summary: str,
    child: Child | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        la_id=la_id,
        actor=actor,
        action=action,
        child=child,
        target_type=target._meta.label,
        target_id=target.pk,
        summary=summary[:300],
        reason=reason,
        changes=changes or {},
    )


@transaction.atomic(savepoint=False)
def record_access_log(*, actor: User, child_ref: int, outcome: str, path: str) -> None:
    """Log a view of a child's record by `actor`, or a refused attempt. Users without an LA cannot be
    logged against one; they see no children anyway."""
    if actor.la_id is None:
        return
    RecordAccess.objects.create(
        la_id=actor.la_id, user=actor, child_ref=child_ref, outcome=outcome, path=path[:300]
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose values differ, as {field: [old, new]} with values made JSON-safe."""
    return {
        key: [_json_safe(before.get(key)), _json_safe(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, models.Model):
        return str(value)
    return str(value)
