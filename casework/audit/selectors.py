from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from casework.audit.models import AuditEvent, RecordAccess, RequestLog
from casework.core import permissions

if TYPE_CHECKING:
    from casework.accounts.models import User


def record_access_list_for_user(*, user: User, child_ref: int | None = None) -> QuerySet[RecordAccess]:
    if not permissions.can_read_audit(user):
        return RecordAccess.objects.none()
    rows = RecordAccess.objects.filter(la_id=user.la_id).select_related("user")
    if child_ref is not None:
        rows = rows.filter(child_ref=child_ref)
    return rows


def audit_event_list_for_user(*, user: User) -> QuerySet[AuditEvent]:
    if not permissions.can_read_audit(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(la_id=user.la_id).select_related("actor", "child")


def request_log_for_user(
    *, user: User, child_ref: int | None = None, username: str = "", outcome: str = ""
) -> QuerySet[RequestLog]:
    """Every request made of the LA's records, newest first: for a subject access request (one child's
    record: who saw, downloaded or changed it, and who was refused) or for one person's activity."""
    if not permissions.can_read_audit(user):
        return RequestLog.objects.none()
    rows = RequestLog.objects.filter(la_id=user.la_id).select_related("user")
    if child_ref is not None:
        rows = rows.filter(child_ref=child_ref)
    if username:
        rows = rows.filter(user__username=username)
    if outcome in RequestLog.Outcome.values:
        rows = rows.filter(outcome=outcome)
    return rows
