"""Importing and exporting returns from the web: uploads wait on disk, imports run in the task worker."""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from casework.audit.services import audit_record
from casework.core import permissions
from casework.core.replica import atomic_reads
from casework.returns import selectors
from casework.returns.archives import inspect_zip
from casework.returns.models import ImportRun, ReturnKind

if TYPE_CHECKING:
    from casework.accounts.models import User

log = logging.getLogger(__name__)


def can_use_returns(user: User) -> bool:
    """Imports write the whole cohort and exports hold every child's data: leaders and analysts only."""
    return permissions.can_read_returns(user)


def _require(user: User) -> None:
    if not can_use_returns(user):
        raise PermissionDenied


def _upload_dir(la_id: int) -> Path:
    folder = Path(settings.UPLOAD_ROOT) / str(la_id) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def _save(upload: UploadedFile, folder: Path) -> Path:
    name = PurePosixPath(str(upload.name).replace("\\", "/")).name or "upload"
    target = folder / name
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def _zip_upload(saved: list[Path], kind: str) -> Path | None:
    if kind == ReturnKind.SSDA903 and len(saved) == 1 and saved[0].suffix.lower() == ".zip":
        return saved[0]
    return None


@transaction.atomic
def start_import(
    *, actor: User, kind: str, files: list[UploadedFile], mode: str, year: int | None
) -> ImportRun:
    """Keep the uploaded file(s) and queue their import; the run page shows its progress."""
    _require(actor)
    la_id = actor.la_id
    assert la_id is not None
    size = sum(upload.size or 0 for upload in files)
    if size > settings.MAX_RETURN_UPLOAD_BYTES:
        raise ValidationError(
            "The files are larger than 2 GB together: split the return or ask IT to import it."
        )
    folder = _upload_dir(la_id)
    try:
        saved = [_save(upload, folder) for upload in files]
        archive = _zip_upload(saved, kind)
        if archive is not None:  # checked here, expanded by the worker (tasks.perform_import)
            size = inspect_zip(archive)
    except ValidationError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    stored = str(saved[0]) if kind == ReturnKind.CIN else str(folder)
    run = ImportRun.objects.create(
        la_id=la_id,
        kind=kind,
        file_name=", ".join(str(upload.name) for upload in files)[:300],
        stored_path=stored,
        file_size=size,
        collection_year=year,
        mode=mode,
        created_by=actor,
        updated_by=actor,
    )
    audit_record(
        actor=actor,
        la_id=la_id,
        action="return_import_started",
        target=run,
        summary=f"{run.get_kind_display()} upload {run.file_name} queued for import",
    )
    _enqueue(run)
    return run


@transaction.atomic
def rerun_storable(*, actor: User, run: ImportRun) -> ImportRun:
    """After a held import: import the same file again, storing what can be stored and skipping the rest."""
    _require(actor)
    if run.la_id != actor.la_id:
        raise PermissionDenied
    if not selectors.can_rerun(run):
        raise ValidationError(
            "Only an import held back because of records that cannot be stored, or one stopped before "
            "it finished, can be re-run while its file is kept."
        )
    held = run.status == ImportRun.Status.HELD
    again = ImportRun.objects.create(
        la_id=run.la_id,
        kind=run.kind,
        file_name=run.file_name,
        stored_path=run.stored_path,
        file_size=run.file_size,
        collection_year=run.collection_year,
        mode=ImportRun.Mode.STORABLE if held else run.mode,
        created_by=actor,
        updated_by=actor,
    )
    audit_record(
        actor=actor,
        la_id=run.la_id,
        action="return_import_started",
        target=again,
        summary=(
            f"{run.file_name}: importing the records that can be stored (after import {run.pk} was held)"
            if held
            else f"{run.file_name}: imported again (import {run.pk} stopped before it finished)"
        ),
    )
    _enqueue(again)
    return again


def _enqueue(run: ImportRun) -> None:
    from casework.returns.tasks import run_import

    run_id = run.pk
    transaction.on_commit(lambda: run_import.enqueue(run_id))


@dataclass
class ExportFile:
    path: Path
    download_name: str
    content_type: str
    workdir: Path


@atomic_reads  # transaction.atomic where the reads go: the replica when the download view reads from one
def export_return(*, actor: User, kind: str, year: int) -> ExportFile:
    """Write a return for a collection year to a temporary file (CIN: XML; SSDA903: a zip of CSVs)."""
    from casework.returns.cin_export import export_cin
    from casework.returns.lac_export import export_903

    _require(actor)
    la = actor.la
    assert la is not None
    workdir = Path(tempfile.mkdtemp(prefix="continuity-export-"))
    label = f"{year - 1}-{year % 100:02d}"
    try:
        if kind == ReturnKind.CIN:
            path = workdir / f"CIN_census_{la.lea_code}_{label}.xml"
            with path.open("wb") as out:
                run = export_cin(la=la, year=year, out=out, actor=actor)
            download = ExportFile(path, path.name, "application/xml", workdir)
        else:
            folder = workdir / "ssda903"
            folder.mkdir()
            run = export_903(la=la, year=year, folder=folder, actor=actor)
            path = workdir / f"SSDA903_{la.lea_code}_{label}.zip"
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
                for csv_file in sorted(folder.glob("*.csv")):
                    bundle.write(csv_file, csv_file.name)
                if not run.children:  # a table with no rows has no file: say why the zip holds none
                    bundle.writestr(
                        "README.txt",
                        f"No child is in {la.name}'s SSDA903 return for {label}: no episode of care in the "
                        "year and no care leaver (OC3) record, so there is no table to return.\n",
                    )
            download = ExportFile(path, path.name, "application/zip", workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    audit_record(
        actor=actor,
        la_id=la.pk,
        action="return_exported",
        target=run,
        summary=f"{dict(ReturnKind.choices)[kind]} {label} exported ({run.children:,} children)",
    )
    return download
