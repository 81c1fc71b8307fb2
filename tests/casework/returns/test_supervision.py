"""The task worker supervised, and uploads cleaned up (issue 10): heartbeats, the reaper of a dead
worker's imports, the returns page when no worker runs, zip archives checked before they are expanded
(and expanded by the worker), uploads deleted once imported or refused and after their retention."""

from __future__ import annotations

import io
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.audit.models import AuditEvent
from casework.children.models import Child
from casework.returns import importing, supervision
from casework.returns.models import ImportRun, WorkerHeartbeat
from continuity import supervisor
from tests.casework.returns.test_views import Committed, cin_xml, client_for
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("_uploads")


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Committed) -> Committed:
    """Run on-commit callbacks (the import task is enqueued on commit) inside the test's transaction."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def _uploads() -> object:
    yield
    import shutil

    shutil.rmtree(settings.UPLOAD_ROOT, ignore_errors=True)


def beat(worker_id: str, *, ago: float = 0, run: ImportRun | None = None) -> WorkerHeartbeat:
    when = timezone.now() - timedelta(seconds=ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="test",
        pid=1,
        started_at=when,
        beat_at=when,
        current_run_id=run.pk if run else None,
    )


def running_run(world: World, worker_id: str, **extra: object) -> ImportRun:
    fields: dict[str, object] = {"status": ImportRun.Status.RUNNING, "worker_id": worker_id, **extra}
    return ImportRun.objects.create(la=world.la, kind="cin", file_name="census.xml", **fields)


def test_the_reaper_fails_the_imports_of_a_dead_worker_and_leaves_a_live_ones(world: World) -> None:
    dead = running_run(world, "dead-worker")
    beat("dead-worker", ago=settings.WORKER_DEAD_AFTER_SECONDS + 5, run=dead)
    alive = running_run(world, "live-worker")
    beat("live-worker", run=alive)
    dropped = running_run(world, "live-worker")  # its worker lives, but carries another run now
    vanished = running_run(world, "no-heartbeat-at-all", status=ImportRun.Status.QUEUED)
    not_started = ImportRun.objects.create(la=world.la, kind="cin", file_name="waiting.xml")

    reaped = supervision.reap_dead_runs()

    assert sorted(reaped) == sorted([dead.pk, dropped.pk, vanished.pk])
    for run in (dead, dropped, vanished):
        run.refresh_from_db()
        assert run.status == ImportRun.Status.FAILED
        assert run.message == supervision.WORKER_STOPPED
        assert "Nothing from this run was kept" in run.message
        assert run.stopped
        assert AuditEvent.objects.filter(action="return_import_failed", target_id=run.pk).exists()
    alive.refresh_from_db()
    not_started.refresh_from_db()
    assert alive.status == ImportRun.Status.RUNNING
    assert not_started.status == ImportRun.Status.QUEUED
    assert supervision.reap_dead_runs() == []  # nothing twice


def test_a_heartbeat_is_written_on_its_own_connection_and_removed_on_a_clean_stop(db: None) -> None:
    with supervision.beating("beat-test-worker") as heartbeat:
        assert supervision.active() is heartbeat
        row = WorkerHeartbeat.objects.get(worker_id="beat-test-worker")
        assert row.current_run_id is None
        heartbeat.working_on(42)
        assert WorkerHeartbeat.objects.get(worker_id="beat-test-worker").current_run_id == 42
        assert supervision.worker_running()
    assert supervision.active() is None
    assert not WorkerHeartbeat.objects.filter(worker_id="beat-test-worker").exists()
    assert not supervision.worker_running()


def test_a_command_line_import_does_not_count_as_a_worker(db: None) -> None:
    WorkerHeartbeat.objects.create(
        worker_id="cli-host-1", hostname="h", pid=1, started_at=timezone.now(), beat_at=timezone.now()
    )
    assert not supervision.worker_running()


def test_the_returns_page_says_when_no_worker_is_running(world: World, settings: object) -> None:
    settings.TASK_WORKER_EXPECTED = True  # type: ignore[attr-defined]
    client = client_for(world, "analyst")
    page = client.get("/returns/")
    assert b'data-testid="no-worker"' in page.content
    assert b"No task worker is running, so uploaded returns wait" in page.content
    beat("stale", ago=settings.WORKER_DEAD_AFTER_SECONDS + 5)  # type: ignore[attr-defined]
    assert b'data-testid="no-worker"' in client.get("/returns/").content
    beat("fresh")
    assert b'data-testid="no-worker"' not in client.get("/returns/").content


def test_the_run_page_fails_a_dead_workers_run_and_offers_to_run_it_again(
    world: World, committed: Committed
) -> None:
    folder = Path(settings.UPLOAD_ROOT) / str(world.la.pk) / "abc"
    folder.mkdir(parents=True)
    stored = folder / "census.xml"
    stored.write_bytes(cin_xml(world.la.lea_code, ("AGAIN1", "2025-06-01")))
    run = running_run(world, "gone", stored_path=str(stored), created_by=world.users["analyst"])
    client = client_for(world, "analyst")
    page = client.get(f"/returns/imports/{run.pk}/")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert supervision.WORKER_STOPPED.encode() in page.content
    assert b"Stopped" in page.content
    assert b'data-testid="run-again"' in page.content
    with committed(execute=True):
        response = client.post(f"/returns/imports/{run.pk}/rerun")
    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert response.status_code == 302
    assert again.mode == run.mode
    assert again.status == ImportRun.Status.DONE, again.message
    assert Child.objects.filter(la=world.la, la_child_id="AGAIN1").exists()
    assert not stored.exists()  # imported: the upload is deleted


def test_an_import_whose_run_was_failed_under_it_keeps_nothing(world: World) -> None:
    """The reaper took the worker for dead while it still ran: the import must roll itself back."""
    run = ImportRun.objects.create(la=world.la, kind="cin", file_name="census.xml")

    def body(log: importing.ImportLog, progress: importing.Progress) -> None:
        Child.objects.create(
            la=world.la,
            la_child_id="HALF1",
            first_name="A",
            last_name="B",
            gender="F",
            date_of_birth=timezone.localdate(),
        )
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, message="reaped")

    importing.execute(run, body, actor_id=None, today=timezone.localdate())
    assert not Child.objects.filter(la_child_id="HALF1").exists()
    run.refresh_from_db()
    # (The reaper writes on its own connection; here its update went with the rolled-back transaction.)
    assert run.status != ImportRun.Status.DONE


# --- Uploads --------------------------------------------------------------------------------------------


def zipped(files: dict[str, bytes]) -> bytes:
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return bundle.getvalue()


def upload_903(world: World, content: bytes) -> object:
    client = client_for(world, "analyst")
    upload = SimpleUploadedFile("return.zip", content)
    return client.post("/returns/import", {"kind": "903", "upload": upload, "mode": "all", "year": "2026"})


def test_a_zip_bomb_is_refused_before_it_is_expanded(world: World) -> None:
    bomb = zipped({"header.csv": b"0" * (30 * 1024**2)})  # 30 MB of zeros: about 30 KB zipped
    assert len(bomb) < 100 * 1024
    response = upload_903(world, bomb)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert b"a real return expands at most 100 times, so it was not opened" in response.content  # type: ignore[attr-defined]
    assert not ImportRun.objects.exists()
    assert not any(Path(settings.UPLOAD_ROOT).rglob("*.*"))  # nothing kept, nothing expanded


def test_a_zip_larger_than_the_limit_expanded_is_refused(world: World, settings: object) -> None:
    settings.MAX_RETURN_EXPANDED_BYTES = 1000  # type: ignore[attr-defined]
    content = zipped({"header.csv": bytes(range(256)) * 8})
    response = upload_903(world, content)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert b"expands to 0 MB of CSV files; at most 0 MB can be imported" in response.content  # type: ignore[attr-defined]
    assert not any(Path(settings.UPLOAD_ROOT).rglob("*.*"))  # type: ignore[attr-defined]


def test_a_zip_is_expanded_by_the_worker_not_the_request(world: World) -> None:
    header = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nZ1,M,01/02/2012,WBRI,UN1,,\r\n"
    upload_903(world, zipped({"header.csv": header}))  # the task is enqueued on commit: not run here
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED
    assert run.file_size == len(header)  # what it will expand to (the progress bar's whole)
    assert [p.name for p in Path(run.stored_path).iterdir()] == ["return.zip"]
    from casework.returns.tasks import perform_import

    perform_import(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.message
    assert not Path(run.stored_path or settings.UPLOAD_ROOT).joinpath("return.zip").exists()
    assert not any(Path(settings.UPLOAD_ROOT).rglob("*.*"))


def test_the_worker_stops_expanding_beyond_the_declared_size(world: World, settings: object) -> None:
    from django.core.exceptions import ValidationError

    from casework.returns.archives import expand_zip

    folder = Path(settings.UPLOAD_ROOT) / "x" / "y"  # type: ignore[attr-defined]
    folder.mkdir(parents=True)
    archive = folder / "return.zip"
    archive.write_bytes(zipped({"a.csv": b"x" * 5000, "b.csv": b"y" * 5000}))
    settings.MAX_RETURN_EXPANDED_BYTES = 20_000  # type: ignore[attr-defined]
    assert expand_zip(archive, folder) == 10_000
    archive.write_bytes(zipped({"a.csv": b"x" * 5000, "b.csv": b"y" * 5000}))
    settings.MAX_RETURN_EXPANDED_BYTES = 6000  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        expand_zip(archive, folder)


def test_a_refused_upload_is_deleted_and_the_deletion_audited(world: World, committed: Committed) -> None:
    client = client_for(world, "analyst")
    upload = SimpleUploadedFile("census.xml", b"<not-a-census/>")
    with committed(execute=True):
        client.post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.stored_path == ""
    assert not any(Path(settings.UPLOAD_ROOT).rglob("*.xml"))
    event = AuditEvent.objects.get(action="return_upload_deleted", target_id=run.pk)
    assert "the import was not imported: the file cannot be read" in event.summary


def test_a_held_upload_is_kept_then_purged_after_the_retention_period(
    world: World, committed: Committed
) -> None:
    client = client_for(world, "analyst")
    upload = SimpleUploadedFile("census.xml", cin_xml(world.la.lea_code, ("BAD1", "2025-02-30")))
    with committed(execute=True):
        client.post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"})
    held = ImportRun.objects.get()
    assert held.status == ImportRun.Status.HELD
    assert Path(held.stored_path).exists()  # kept for "import the records that can be stored"
    assert supervision.purge_uploads() == 0  # younger than UPLOAD_RETENTION_DAYS
    ImportRun.objects.filter(pk=held.pk).update(
        created_at=timezone.now() - timedelta(days=settings.UPLOAD_RETENTION_DAYS, hours=1)
    )
    assert supervision.purge_uploads() == 1
    held.refresh_from_db()
    assert held.stored_path == ""
    assert not any(Path(settings.UPLOAD_ROOT).rglob("*.xml"))
    event = AuditEvent.objects.get(action="return_upload_deleted", target_id=held.pk)
    assert f"kept {settings.UPLOAD_RETENTION_DAYS} day(s)" in event.summary
    assert b"Import the records that can be stored" not in client.get(f"/returns/imports/{held.pk}/").content


def test_the_purge_command(world: World, committed: Committed) -> None:
    from django.core.management import call_command

    client = client_for(world, "analyst")
    upload = SimpleUploadedFile("census.xml", cin_xml(world.la.lea_code, ("BAD1", "2025-02-30")))
    with committed(execute=True):
        client.post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"})
    out = io.StringIO()
    call_command("uploads_purge", days=0, stdout=out)
    assert "Deleted 1 upload(s)" in out.getvalue()
    assert ImportRun.objects.get().stored_path == ""


def test_an_upload_folder_no_import_names_is_purged_after_the_retention_period(world: World) -> None:
    import os

    folder = Path(settings.UPLOAD_ROOT) / str(world.la.pk) / "orphan"
    folder.mkdir(parents=True)
    (folder / "census.xml").write_bytes(b"<Message/>")
    assert supervision.purge_orphans() == 0  # young: perhaps a request still saving it
    old = time.time() - (settings.UPLOAD_RETENTION_DAYS * 86400 + 3600)
    os.utime(folder, (old, old))
    named = Path(settings.UPLOAD_ROOT) / str(world.la.pk) / "named"
    named.mkdir()
    (named / "census.xml").write_bytes(b"<Message/>")
    os.utime(named, (old, old))
    ImportRun.objects.create(
        la=world.la, kind="cin", file_name="census.xml", stored_path=str(named / "census.xml"),
        status=ImportRun.Status.HELD,
    )  # fmt: skip
    assert supervision.purge_orphans() == 1
    assert not folder.exists()
    assert named.exists()  # an import names it: purge_uploads decides, by the import's age
    event = AuditEvent.objects.get(action="return_upload_deleted", la=world.la)
    assert "no import names it" in event.summary


# --- The supervisor of `make run` -------------------------------------------------------------------------


def test_the_supervisor_restarts_a_worker_that_dies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(supervisor, "FIRST_WAIT", 0.05)
    starts = tmp_path / "starts"
    script = f"open({str(starts)!r}, 'a').write('x'); import os; os.kill(os.getpid(), 9)"
    watched = supervisor.Supervisor([sys.executable, "-c", script])
    watched.start()
    deadline = time.monotonic() + 20
    while watched.restarts < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    watched.stop()
    assert watched.restarts >= 2
    assert len(starts.read_text()) >= 3


def test_the_supervisor_stops_its_worker(tmp_path: Path) -> None:
    watched = supervisor.Supervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    watched.start()
    watched.stop(timeout=10)
    assert watched.process is not None
    assert watched.process.poll() is not None
    assert watched.restarts == 0
