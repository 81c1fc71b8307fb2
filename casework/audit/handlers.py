"""What the audit app records of events announced below it (subscribed in `AuditConfig.ready()`)."""

from __future__ import annotations

from casework.audit.models import AuditEvent
from casework.core.events import ListExported


def list_export_record(event: ListExported) -> None:
    """A download of a list: who, which list, the format, the filters and how many rows, as an audit event
    (the request log has the request itself). Staff of no LA see no LA's records, so there is none."""
    if event.la_id is None:
        return
    rows = f"{event.rows:,} row{'' if event.rows == 1 else 's'}"
    filters: dict[str, list[str]] = {}
    for name, value in event.filters:
        filters.setdefault(name, []).append(value)
    AuditEvent.objects.create(
        la_id=event.la_id,
        actor_id=event.actor_id,
        action="list_exported",
        target_type="list",
        target_id=None,
        summary=f"Downloaded {event.title} ({event.format.upper()}, {rows})"[:300],
        changes={"list": event.list_name, "format": event.format, "filters": filters, "rows": event.rows},
    )
