"""`make run`: database, migrations, demo data and a production-style WSGI server, in one process."""

from __future__ import annotations

import os
import signal

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

    from waitress import serve

    from continuity.wsgi import application

    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("HOST", "127.0.0.1")
    print(f"\nContinuity is running on http://{host}:{port}/  (Ctrl+C stops it and the database)", flush=True)
    # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl+C: the embedded database is stopped
    # by the exit handler that started it.
    signal.signal(signal.SIGTERM, _stop)
    try:
        serve(application, host=host, port=port, threads=8, ident="continuity")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        print("Stopping Continuity and its database.", flush=True)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)
