"""Keep a child process running: `make run` starts the task worker through this and restarts it when
it dies (a `kill -9`, a database restart it could not survive), as systemd's Restart=always does in
production (README). Waits between restarts double from 1 s up to 30 s while it keeps dying at once."""

from __future__ import annotations

import logging
import subprocess
import threading
import time

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
HEALTHY_AFTER = 60.0  # a process that ran this long before it died is restarted after FIRST_WAIT


class Supervisor:
    def __init__(self, command: list[str], *, name: str = "task worker") -> None:
        self.command = command
        self.name = name
        self.restarts = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=f"supervise {name}", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603 - our own command line, no user input

    def _watch(self) -> None:
        wait = FIRST_WAIT
        while not self._stopping.is_set():
            assert self.process is not None
            started = time.monotonic()
            code = self.process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= HEALTHY_AFTER:
                wait = FIRST_WAIT
            print(f"The {self.name} stopped (exit {code}); starting it again in {wait:.0f} s.", flush=True)
            if self._stopping.wait(wait):
                return
            wait = min(LONGEST_WAIT, wait * 2)
            self.restarts += 1
            self._spawn()

    def stop(self, timeout: float = 30) -> None:
        self._stopping.set()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
