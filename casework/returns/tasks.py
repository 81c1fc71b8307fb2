"""Background work: an uploaded return is imported by the task worker, not in the web request.

The task body is not a service: it carries out the import its user started through
`services.start_import` (which checked them), as that user, each import in its own transaction. A
zipped SSDA903 return is expanded here, after its directory was checked in the request. The upload is
deleted once it is imported or refused; a held one waits for the user's choice (or its retention).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from casework.audit.services import audit_record
from casework.core import clock, rowsecurity
from casework.returns import supervision
from casework.returns.archives import expand_zip
from casework.returns.models import ImportRun, ReturnKind

log = logging.getLogger(__name__)


@task()
def run_import(run_id: int) -> str:
    # As the worker runs it (the table owner, across authorities: COPY is refused behind row-level
    # security), also where the task backend runs it at once inside a signed-in request.
    with rowsecurity.outside_wall():
        return perform_import(run_id)


def perform_import(run_id: int) -> str:
    """The task body: import a queued run's stored file(s)."""
    run = ImportRun.objects.select_related("la", "created_by").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return f"Import {run_id} was already {run.get_status_display().lower()}"
    try:
        _import(run)
    except Exception as error:
        _failed(run_id, f"The import stopped because of an error ({type(error).__name__}). Nothing from "
                "this run was kept: run it again, or upload the file again.")  # fmt: skip
        raise
    run.refresh_from_db()
    if run.status in {ImportRun.Status.DONE, ImportRun.Status.FAILED} and run.stored_path:
        with transaction.atomic():
            supervision.discard_upload(run, why=f"the import was {run.get_status_display().lower()}")
    return run.message


def _import(run: ImportRun) -> None:
    from casework.returns.cin_import import import_cin
    from casework.returns.lac_import import import_903

    today = clock.today()
    if run.kind == ReturnKind.CIN:
        import_cin(
            la=run.la,
            path=Path(run.stored_path),
            actor=run.created_by,
            mode=run.mode,
            expected_year=run.collection_year,
            today=today,
            run=run,
        )
        return
    folder = Path(run.stored_path)
    for archive in sorted(folder.glob("*.zip")) if folder.is_dir() else []:
        try:
            expand_zip(archive, folder)
        except ValidationError as refusal:
            _refuse(run, " ".join(refusal.messages))
            return
    import_903(
        la=run.la,
        paths=folder,
        actor=run.created_by,
        mode=run.mode,
        year=run.collection_year,
        today=today,
        run=run,
    )


@transaction.atomic
def _refuse(run: ImportRun, message: str) -> None:
    run.status, run.message, run.finished_at = ImportRun.Status.FAILED, message, timezone.now()
    run.bytes_read = run.file_size
    run.save(update_fields=["status", "message", "finished_at", "bytes_read", "updated_at"])
    audit_record(
        actor=run.created_by,
        la_id=run.la_id,
        action="return_import_refused",
        target=run,
        summary=f"{run.file_name} refused: {message}",
    )


def _failed(run_id: int, message: str) -> None:
    """An import that raised: its transaction was rolled back; say so on the run, if the database can
    be reached (else the reaper will, once the worker is back)."""
    try:
        ImportRun.objects.filter(pk=run_id, status__in=supervision.UNFINISHED).update(
            status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now()
        )
    except Exception:
        log.warning("Could not mark import %s failed", run_id, exc_info=True)
