"""Settings for the test run: a separate embedded server, so tests never touch the demo database."""

import os

from continuity.embedded_db import REPO_ROOT

os.environ.setdefault("CONTINUITY_PGDATA", str(REPO_ROOT / ".data" / "postgres-test"))
# One test database per run (pytest-django prefixes "test_"), so two runs side by side never collide.
os.environ.setdefault("CONTINUITY_DB_NAME", f"continuity_{os.getpid()}")

from continuity.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Background tasks run at once, in the request that enqueues them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TASK_WORKER_EXPECTED = False
UPLOAD_ROOT = REPO_ROOT / ".data" / f"uploads-test-{os.getpid()}"
