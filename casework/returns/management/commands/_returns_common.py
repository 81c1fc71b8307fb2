"""What the import and export commands share: finding the LA (by ONS or LEA code) and the user, and
saying what an import did."""

from __future__ import annotations

import getpass
import os
import socket
from contextlib import AbstractContextManager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.db.models import Q

from casework.accounts.models import User
from casework.audit.services import audit_record
from casework.core import spreadsheet
from casework.core.models import LocalAuthority
from casework.returns import supervision
from casework.returns.importing import issues_as_rows
from casework.returns.models import ImportRun

SHOWN_ISSUES = 20


def cli_heartbeat() -> AbstractContextManager[object]:
    """A command-line import beats like a worker while it runs (casework.returns.supervision)."""
    return supervision.beating(f"cli-{socket.gethostname()[:30]}-{os.getpid()}")


def find_la(code: str | None) -> LocalAuthority:
    """The LA with this ONS or LEA (3-digit) code; optional when there is only one LA."""
    if code:
        la = LocalAuthority.objects.filter(Q(ons_code__iexact=code) | Q(lea_code=code)).first()
        if la is None:
            raise CommandError(f"No local authority has the ONS or LA number '{code}'.")
        return la
    authorities = list(LocalAuthority.objects.filter(is_demo=False)[:2]) or list(
        LocalAuthority.objects.all()[:2]
    )
    if len(authorities) != 1:
        raise CommandError(
            "There is more than one local authority: say which with --la (ONS code or LA number)."
            if authorities
            else "There is no local authority set up yet."
        )
    return authorities[0]


def find_user(username: str | None, la: LocalAuthority) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user is called '{username}'.")
    if user.la_id is not None and user.la_id != la.pk:
        raise CommandError(f"{username} does not work for {la.name}.")
    return user


def audit_command(
    *, la: LocalAuthority, actor: User | None, action: str, target: models.Model, summary: str
) -> None:
    """The audit row of an import or export run from the command line: which LA, which file, the
    application user it was recorded as (if any) and the operating-system account that ran it."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        account = "unknown"
    audit_record(
        actor=actor,
        la_id=la.pk,
        action=action,
        target=target,
        summary=f"{summary} (command line, system account {account})"[:300],
    )


def report_import(command: BaseCommand, run: ImportRun, report: str | None) -> None:
    """Print the outcome, counts and first issues; write every issue to `report` (CSV); exit 1 unless done."""
    out = command.stdout
    out.write(f"{run.get_status_display()}: {run.message}")
    if run.collection_year:
        out.write(f"Collection year: {run.collection_year - 1}-{run.collection_year % 100:02d}")
    children = run.counts.get("children", {})
    if children:
        out.write("Children: " + ", ".join(f"{name} {count:,}" for name, count in children.items()))
    for name, count in sorted(run.counts.get("records", {}).items()):
        out.write(f"  {name}: {count:,}")
    out.write(f"Rejected records: {run.rejected_count:,}; DfE rule breaches: {run.breach_count:,}")
    for issue in run.issues.order_by("id")[:SHOWN_ISSUES]:
        who = f" child {issue.la_child_id}" if issue.la_child_id else ""
        fix = f" Fix: {issue.fix}" if issue.fix else ""
        # SSDA903 locations already name their file ("reviews.csv, row 2"); CIN ones are lines of one file.
        where = (
            issue.location
            if issue.location.startswith(issue.file_name)
            else f"{issue.file_name} {issue.location}"
        )
        out.write(f"  [{issue.severity}] {where}{who}: {issue.message}.{fix}")
    if report:
        with Path(report).open("w", newline="", encoding="utf-8") as handle:
            spreadsheet.writer(handle).writerows(issues_as_rows(run))
        out.write(f"Every issue is in {report}.")
    if run.status != ImportRun.Status.DONE:
        raise SystemExit(1)
