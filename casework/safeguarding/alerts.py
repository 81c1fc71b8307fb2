"""Deadline alerts: a manager is told (in the app, and by email through Django's email settings) when a
deadline is 2 working days away and when it is missed. Run daily: `continuity deadline_alerts`."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import Role, User
from casework.children.access import who_may_see
from casework.core.models import Alert
from casework.policy import context
from casework.safeguarding.models import Deadline
from domain.timescales import rule_by_id

WARN_WORKING_DAYS = 2


def _recipients(deadline: Deadline) -> list[User]:
    """The child's team manager (else the heads of service), of those only people who may see the child."""
    child = deadline.child
    if child is not None and child.team_id and child.team and child.team.manager_id:
        managers = [child.team.manager]
    else:
        managers = list(User.objects.filter(la_id=deadline.la_id, role=Role.HEAD_OF_SERVICE, is_active=True))
    return who_may_see(child, managers)  # type: ignore[arg-type]


def _send(deadline: Deadline, kind: str, message: str) -> int:
    sent = 0
    for manager in _recipients(deadline):
        Alert.objects.create(
            la_id=deadline.la_id,
            recipient=manager,
            child=deadline.child,
            kind=kind,
            message=message[:500],
            link=f"/deadlines/?rule={deadline.rule_id}",
        )
        if manager.email:
            send_mail(
                f"Continuity: {message[:120]}",
                message,
                settings.DEFAULT_FROM_EMAIL,
                [manager.email],
                fail_silently=True,
            )
        sent += 1
    return sent


@transaction.atomic
def deadline_alerts(*, la_id: int, today: date) -> int:
    """Alert once when a deadline is 2 working days away (or nearer) and once when it is missed."""
    soon = context.calendar().add_working_days(today, WARN_WORKING_DAYS)
    open_rows = Deadline.objects.filter(
        la_id=la_id, met_on__isnull=True, due_on__isnull=False
    ).select_related("child", "child__team", "child__team__manager")
    sent = 0
    now = timezone.now()
    for row in open_rows.filter(due_on__lt=today, alerted_missed_at__isnull=True):
        title = rule_by_id(row.rule_id).title
        who = f" for {row.child.full_name}" if row.child else ""
        sent += _send(row, "deadline_missed", f"Missed: {title}{who} was due by {row.due_on:%-d %B %Y}.")
        row.alerted_missed_at = now
        row.save(update_fields=["alerted_missed_at"])
    for row in open_rows.filter(Q(due_on__gte=today) & Q(due_on__lte=soon), alerted_due_soon_at__isnull=True):
        title = rule_by_id(row.rule_id).title
        who = f" for {row.child.full_name}" if row.child else ""
        sent += _send(
            row, "deadline_due_soon", f"Due soon: {title}{who} is due by {row.due_on:%A %-d %B %Y}."
        )
        row.alerted_due_soon_at = now
        row.save(update_fields=["alerted_due_soon_at"])
    return sent
