"""Background work: an uploaded return is imported by the task worker, not in the web request.

The task body is not a service: it carries out the import its user started through
`services.start_import` (which checked them), as that user, each import in its own transaction."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django_tasks import task

from casework.core import clock
from casework.returns.models import ImportRun, ReturnKind


@task()
def run_import(run_id: int) -> str:
    return perform_import(run_id)


def perform_import(run_id: int) -> str:
    """The task body: import a queued run's stored file(s)."""
    from casework.returns.cin_import import import_cin
    from casework.returns.lac_import import import_903

    run = ImportRun.objects.select_related("la", "created_by").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return f"Import {run_id} was already {run.get_status_display().lower()}"
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
    else:
        import_903(
            la=run.la,
            paths=Path(run.stored_path),
            actor=run.created_by,
            mode=run.mode,
            year=run.collection_year,
            today=today,
            run=run,
        )
    run.refresh_from_db()
    if run.status == ImportRun.Status.DONE and run.stored_path:
        _discard_upload(run)
    return run.message


def _discard_upload(run: ImportRun) -> None:
    """An imported upload is not kept (the records are); a held one waits for the user's choice."""
    path = Path(run.stored_path)
    root = Path(settings.UPLOAD_ROOT).resolve()
    folder = path if path.is_dir() else path.parent
    if root in folder.resolve().parents:
        shutil.rmtree(folder, ignore_errors=True)
