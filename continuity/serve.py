"""`make run`: database, migrations, demo data and a production-style WSGI server, in one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

DEMO_CHILDREN = int(os.environ.get("DEMO_CHILDREN", "3000"))


def run() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from casework.core.models import LocalAuthority

    call_command("migrate", interactive=False, verbosity=0)
    if not LocalAuthority.objects.exists():
        print(f"Empty database: loading the demo local authority ({DEMO_CHILDREN} children)...", flush=True)
        call_command("demo", children=DEMO_CHILDREN)
    # Due states age with the calendar: bring them to today before serving (also run nightly in production).
    call_command("refresh_due_states")
    call_command("demo_logins")
    from casework.returns.models import ImportRun

    # An import that was running when the service last stopped was rolled back with its transaction.
    ImportRun.objects.filter(status__in=[ImportRun.Status.RUNNING]).update(
        status=ImportRun.Status.FAILED,
        message="The service stopped during this import, so nothing was imported. Upload the file again.",
    )
    worker = subprocess.Popen(  # noqa: S603 - our own command line, no user input
        [sys.executable, "-m", "continuity.cli", "db_worker", "--no-startup-delay", "--interval", "1"]
    )

    from django.conf import settings
    from waitress import serve

    from continuity.wsgi import application

    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("HOST", "127.0.0.1")
    print(f"\nContinuity is running on http://{host}:{port}/  (Ctrl+C stops it and the database)", flush=True)
    # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl+C: the embedded database is stopped
    # by the exit handler that started it.
    signal.signal(signal.SIGTERM, _stop)
    try:
        # Uploads of DfE returns may be large (settings.MAX_RETURN_UPLOAD_BYTES); waitress's default is 1 GB.
        serve(
            application,
            host=host,
            port=port,
            threads=8,
            ident="continuity",
            max_request_body_size=settings.MAX_RETURN_UPLOAD_BYTES + 10 * 1024 * 1024,
        )
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        print("Stopping Continuity and its database.", flush=True)
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)
