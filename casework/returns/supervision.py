"""The task worker supervised (issue 10, "Served as a council would run it"): heartbeats, the reaper
of imports whose worker died, and the clean-up of uploads.

- Every process that carries out an import (`continuity worker`, or a command-line import) keeps a
  WorkerHeartbeat row: it writes `beat_at` every WORKER_HEARTBEAT_SECONDS from a thread, on a
  connection of its own (the import's own connection is inside its transaction), and names the run it
  is carrying out.
- An import runs in one transaction (importing.execute), so a worker killed mid-import (`kill -9`, the
  machine, a database restart) leaves nothing of it: PostgreSQL rolls the transaction back when the
  session goes. What it leaves is the run saying "Importing". The reaper fails every waiting or running
  run whose worker has not beaten for WORKER_DEAD_AFTER_SECONDS, or beats but is no longer carrying it
  out, and says so. It runs when the worker starts, every WORKER_REAP_SECONDS in the worker, and on the
  returns pages. A run is locked while it is failed (SKIP LOCKED: a run being finished is left alone),
  and an import that finds its run failed under it rolls itself back (importing.execute), so a run
  marked failed has never kept anything.
- Uploads: an imported or refused upload is deleted at once; a held one (kept for "import the records
  that can be stored") or one whose worker died after UPLOAD_RETENTION_DAYS. Each deletion is audited.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, Q
from django.db.models.functions import Now
from django.utils import timezone

from casework.audit.services import audit_record
from casework.returns.models import ImportRun, WorkerHeartbeat

log = logging.getLogger(__name__)

WORKER_STOPPED = (
    "The import stopped because the task worker stopped (it was ended or lost its database). Nothing "
    "from this run was kept: run it again, or upload the file again."
)
UNFINISHED = {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}


class Heartbeat:
    """This process is alive, and carrying out `current_run` (or nothing)."""

    def __init__(self, worker_id: str, *, reap: bool = False) -> None:
        self.worker_id = worker_id[:64]
        self.current_run: int | None = None
        self._reap = reap
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None
        self._params = connection.get_connection_params()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def working_on(self, run_id: int | None) -> None:
        """Name the run this process carries out, at once (before the run says it is running)."""
        self.current_run = run_id
        self.beat()

    def beat(self) -> None:
        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(**self._params, autocommit=True)
                self._conn.execute(
                    f"INSERT INTO {WorkerHeartbeat._meta.db_table} "  # noqa: S608 - our own table name
                    "(worker_id, hostname, pid, started_at, beat_at, current_run_id) "
                    "VALUES (%s, %s, %s, now(), now(), %s) ON CONFLICT (worker_id) DO UPDATE "
                    "SET beat_at = now(), current_run_id = EXCLUDED.current_run_id",
                    [self.worker_id, socket.gethostname()[:200], os.getpid(), self.current_run],
                )
            except psycopg.Error:  # the database is away: beat again when it is back
                log.warning("Could not write the worker heartbeat", exc_info=True)
                self._close()

    def _loop(self) -> None:
        last_reap = time.monotonic()
        while not self._stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            self.beat()
            if self._reap and time.monotonic() - last_reap >= settings.WORKER_REAP_SECONDS:
                last_reap = time.monotonic()
                housekeeping()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        with self._lock:
            try:
                if self._conn is not None and not self._conn.closed:
                    self._conn.execute(
                        f"DELETE FROM {WorkerHeartbeat._meta.db_table} WHERE worker_id = %s",  # noqa: S608
                        [self.worker_id],
                    )
            except psycopg.Error:
                log.warning("Could not remove the worker heartbeat", exc_info=True)
            self._close()

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
            self._conn = None


_active: Heartbeat | None = None


def active() -> Heartbeat | None:
    """The heartbeat of this process, if it is a worker (or a command-line import)."""
    return _active


@contextmanager
def beating(worker_id: str, *, reap: bool = False) -> Iterator[Heartbeat]:
    """Keep a heartbeat for the duration (the worker's whole life, or one command-line import)."""
    global _active
    if _active is not None:  # already beating (an import inside the worker)
        yield _active
        return
    heartbeat = Heartbeat(worker_id, reap=reap)
    heartbeat.start()
    _active = heartbeat
    try:
        yield heartbeat
    finally:
        _active = None
        heartbeat.stop()


def _alive_since() -> Any:
    return ExpressionWrapper(
        Now() - timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS), output_field=DateTimeField()
    )


def worker_running() -> bool:
    """Is a task worker beating? (A command-line import's heartbeat does not take uploads.)"""
    return (
        WorkerHeartbeat.objects.filter(beat_at__gte=_alive_since())
        .exclude(worker_id__startswith="cli-")
        .exists()
    )


def reap_dead_runs() -> list[int]:
    """Fail every waiting or running import whose worker is dead or no longer carries it out."""
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=_alive_since())
    with transaction.atomic():
        # A run is alive while a live worker names it as the run it carries out. (Runs without a
        # worker have not started.) A worker names the run in its heartbeat before the run names the
        # worker, so the runs are read first, then the heartbeats: a run just started is never missed.
        candidates = ImportRun.objects.select_for_update(skip_locked=True).filter(status__in=UNFINISHED)
        started = list(candidates.exclude(worker_id=""))
        carried = set(alive.filter(current_run_id__isnull=False).values_list("worker_id", "current_run_id"))
        runs = [run for run in started if (run.worker_id, run.pk) not in carried]
        for run in runs:
            run.status, run.message, run.finished_at = ImportRun.Status.FAILED, WORKER_STOPPED, timezone.now()
            run.save(update_fields=["status", "message", "finished_at", "updated_at"])
            audit_record(
                actor=None,
                la_id=run.la_id,
                action="return_import_failed",
                target=run,
                summary=f"{run.file_name}: the task worker {run.worker_id} stopped; nothing was kept",
            )
    if runs:
        log.warning("Marked %d import(s) failed: their worker stopped", len(runs))
    _release_dead_tasks(alive)
    return [run.pk for run in runs]


def _release_dead_tasks(alive: Any) -> None:
    """A task a dead worker claimed stays "running" in the queue for ever: mark it failed."""
    from django_tasks_db.models import DBTaskResult

    living = set(alive.values_list("worker_id", flat=True))
    stuck = [
        task.pk
        for task in DBTaskResult.objects.running().only("pk", "worker_ids")
        if task.worker_ids and task.worker_ids[-1] not in living
    ]
    if stuck:
        DBTaskResult.objects.filter(pk__in=stuck).running().update(status="FAILED", finished_at=Now())


def _forget_dead_workers() -> None:
    """Heartbeats silent for a day are of workers long gone (a clean stop deletes its own)."""
    WorkerHeartbeat.objects.filter(beat_at__lt=Now() - timedelta(days=1)).delete()


# --- Uploads ------------------------------------------------------------------------------------------


def _folder(stored_path: str) -> Path | None:
    """The upload's own folder (UPLOAD_ROOT/<la>/<uuid>), or None if the path is not under UPLOAD_ROOT."""
    path = Path(stored_path)
    folder = path if path.is_dir() or not path.suffix else path.parent
    root = Path(settings.UPLOAD_ROOT).resolve()
    resolved = folder.resolve()
    return resolved if root in resolved.parents and resolved.parent.parent == root else None


def discard_upload(run: ImportRun, *, why: str) -> None:
    """Delete a run's uploaded file(s) and forget the path on every run that shares it; audited."""
    if not run.stored_path:
        return
    folder = _folder(run.stored_path)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    ImportRun.objects.filter(stored_path=run.stored_path).update(stored_path="")
    stored, run.stored_path = run.stored_path, ""
    audit_record(
        actor=None,
        la_id=run.la_id,
        action="return_upload_deleted",
        target=run,
        summary=f"Upload {run.file_name} deleted: {why}"[:300],
        changes={"stored_path": [stored, ""]},
    )


def purge_uploads(*, days: int | None = None) -> int:
    """Delete every upload kept longer than the retention period (a held or stopped import's file),
    and any left by a finished import. Returns the number of uploads deleted."""
    days = settings.UPLOAD_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    in_use = ImportRun.objects.filter(status__in=UNFINISHED).exclude(stored_path="").values("stored_path")
    finished = Q(status=ImportRun.Status.DONE)  # left by an import that stopped before deleting it
    expired = Q(created_at__lt=cutoff)
    deleted = 0
    for run in (
        ImportRun.objects.exclude(stored_path="")
        .exclude(stored_path__in=in_use)
        .filter(finished | expired)
        .exclude(status__in=UNFINISHED)
        .order_by("pk")
    ):
        if not run.stored_path:  # its path was shared with a run already purged
            continue
        why = (
            f"kept {days} day(s), the retention period (UPLOAD_RETENTION_DAYS)"
            if run.created_at < cutoff
            else f"the import was {run.get_status_display().lower()}"
        )
        with transaction.atomic():
            discard_upload(run, why=why)
        deleted += 1
    return deleted


def purge_orphans(*, days: int | None = None) -> int:
    """Delete upload folders no import names (a request cut off while it saved the file), once they are
    older than the retention period; each deletion is audited against the LA the folder belongs to."""
    from casework.core.models import LocalAuthority

    days = settings.UPLOAD_RETENTION_DAYS if days is None else days
    root = Path(settings.UPLOAD_ROOT)
    if not root.is_dir():
        return 0
    cutoff = time.time() - days * 86400
    named = {
        folder for path in ImportRun.objects.exclude(stored_path="").values_list("stored_path", flat=True)
        if (folder := _folder(path)) is not None
    }  # fmt: skip
    deleted = 0
    for la_folder in root.iterdir():
        la = (
            LocalAuthority.objects.filter(pk=int(la_folder.name)).first()
            if la_folder.name.isdigit()
            else None
        )
        if la is None or not la_folder.is_dir():
            continue
        for folder in la_folder.iterdir():
            if folder.resolve() in named or not folder.is_dir() or folder.stat().st_mtime > cutoff:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            audit_record(
                actor=None,
                la_id=la.pk,
                action="return_upload_deleted",
                target=la,
                summary=f"Upload folder {folder.name} deleted: no import names it, kept {days} day(s)",
            )
            deleted += 1
    return deleted


def housekeeping() -> None:
    """What the worker does every WORKER_REAP_SECONDS (in its heartbeat thread, on its own connection)."""
    try:
        reap_dead_runs()
        purge_uploads()
        purge_orphans()
        _forget_dead_workers()
    except Exception:  # the database is away: try again next time
        log.warning("Worker housekeeping failed", exc_info=True)
    finally:
        connection.close()
