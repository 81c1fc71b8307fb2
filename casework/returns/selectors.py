"""Reads of the returns' import runs, as the reader may see them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from casework.children import access as children_access
from casework.children.models import Child
from casework.core import permissions
from casework.returns.models import ImportIssue, ImportRun

if TYPE_CHECKING:
    from casework.accounts.models import User


def issues_visible_to(*, user: User, run: ImportRun) -> QuerySet[ImportIssue]:
    """The run's report as `user` may read it: not the issues about a child already on the register
    whom the user may not open (a restricted record they are not named on), since the LA child ID
    identifies the child. Issues about records not on the register (rejected, or new) are all shown."""
    hidden = Child.objects.filter(la_id=run.la_id).exclude(
        pk__in=children_access.children_visible_to(user).values("pk")
    )
    if permissions.sees_whole_la(user):
        hidden = children_access.restricted_hidden_from(user)
    return run.issues.exclude(la_child_id__in=hidden.values("la_child_id"))


def can_rerun(run: ImportRun) -> bool:
    """A held import (import what can be stored), or one that stopped (its worker died, or an error),
    while its upload is kept (UPLOAD_RETENTION_DAYS)."""
    rerunnable = run.status == ImportRun.Status.HELD or run.stopped
    return rerunnable and bool(run.stored_path) and Path(run.stored_path).exists()
