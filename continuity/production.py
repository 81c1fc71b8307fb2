"""`continuity serve`: the production web server, gunicorn with several worker processes.

One Python process serves one request at a time per CPU (the interpreter's lock), so a council's server
runs several: WEB_CONCURRENCY processes (default 2 x cores + 1, gunicorn's own advice), each with
WEB_THREADS threads (default 2) for requests that wait on the database. `make run` keeps waitress: it
is the local demonstration, with the demo data and a task worker beside it.

The app is loaded once before the processes are forked (preload), so a start-up error stops the server
at once rather than in every worker; nothing opens a database connection before the fork.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


def cores() -> int:
    """The CPUs this process may run on (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers(cpu_count: int) -> int:
    """gunicorn's rule of thumb (docs.gunicorn.org, "How many workers?"): 2 x cores + 1."""
    return 2 * cpu_count + 1


def options() -> dict[str, Any]:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    return {
        "bind": f"{host}:{port}",
        "workers": int(os.environ.get("WEB_CONCURRENCY", str(default_workers(cores())))),
        # Threads: a long upload or a slow client does not stop the worker's heartbeat (sync workers
        # are killed after `timeout` seconds of one request).
        "worker_class": "gthread",
        "threads": int(os.environ.get("WEB_THREADS", "2")),
        "timeout": int(os.environ.get("WEB_TIMEOUT", "120")),
        "graceful_timeout": 30,
        # Longer than a person pauses between clicks: a connection closed by the server as the browser reuses
        # it is reset (make loadtest saw 15 resets in 24,300 requests with 5 s; not re-measured since).
        "keepalive": int(os.environ.get("WEB_KEEPALIVE", "75")),
        # WEB_MAX_REQUESTS > 0 replaces a worker after that many requests (with jitter), against a slow leak.
        # Off by default: a replaced worker drops its kept-alive connections, and under `make loadtest` the
        # 7 replacements in 10 minutes reset 37 requests of people mid-use.
        "max_requests": int(os.environ.get("WEB_MAX_REQUESTS", "0")),
        "max_requests_jitter": 200,
        "preload_app": True,
        "accesslog": os.environ.get("WEB_ACCESS_LOG", "-"),
        "errorlog": "-",
        "proc_name": "continuity",
        # X-Forwarded-* are believed only from these proxies (the TLS terminator in front).
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    }


class ContinuityServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from continuity.wsgi import application

        return application


def serve() -> None:
    settings = options()
    print(
        f"Continuity (production server): http://{settings['bind']}/ with {settings['workers']} processes "
        f"x {settings['threads']} threads",
        flush=True,
    )
    ContinuityServer(settings).run()
