"""`make run`: database, migrations, demo data and a production-style WSGI server, in one process."""

from __future__ import annotations

import os
import signal
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
    # The worker is supervised: restarted when it dies; it fails the imports of the one it replaces
    # (casework.returns.supervision), which were rolled back with their transaction.
    from casework.returns.models import ImportRun
    from casework.returns.supervision import WORKER_STOPPED
    from continuity.supervisor import Supervisor

    # A run left "importing" by a worker of before heartbeats (no worker named) was rolled back too.
    ImportRun.objects.filter(status=ImportRun.Status.RUNNING, worker_id="").update(
        status=ImportRun.Status.FAILED, message=WORKER_STOPPED
    )

    worker = Supervisor(
        [sys.executable, "-m", "continuity.cli", "worker", "--no-startup-delay", "--interval", "1"]
    )
    worker.start()

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
        worker.stop()


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)
