"""continuity worker: the task worker (imports of uploaded returns), with a heartbeat and a reaper.

Run it under a service manager that restarts it (systemd Restart=always: README); `make run` starts
and restarts it itself (continuity.supervisor). It exits when the database goes away mid-task, so a
fresh process with fresh connections takes over once the manager restarts it.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from casework.returns import supervision


class Command(db_worker.Command):
    help = "Run the task worker (imports of uploaded returns), supervised: heartbeat, reaper, purge."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(
            reload=False,
            worker_id=f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with supervision.beating(options["worker_id"], reap=True):
            supervision.housekeeping()  # at start: the runs of the worker this one replaces
            super().handle(*args, **options)
