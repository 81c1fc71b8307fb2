"""Production mode fails closed, and `manage.py check --deploy` finds nothing (issue 10, "Safe by
default"). Each case imports the settings in a fresh process with a production environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from continuity import production
from continuity.embedded_db import REPO_ROOT

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "CONTINUITY_LOCAL": "0",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "continuity.example.gov.uk",
    # Never connected to: the deploy checks read the settings only.
    "DATABASE_URL": "postgres://continuity:unused@127.0.0.1:9/continuity",
    "DJANGO_SETTINGS_MODULE": "continuity.settings",
}
INHERITED = {"PATH", "HOME", "LANG", "XDG_RUNTIME_DIR"}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k in INHERITED}
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, *args],
        env={**base, **env},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(["-m", "continuity.cli", "check", "--deploy", "--fail-level", "WARNING"], env)


def test_check_deploy_is_clean_in_production_mode():
    result = check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_would_fail_on_the_local_settings():
    """The check above can fail: local mode (plain-HTTP cookies, no HSTS) is flagged."""
    result = check_deploy({**PRODUCTION, "CONTINUITY_LOCAL": "1"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W012" in result.stderr + result.stdout  # session cookie not secure


def settings_refused(env: dict[str, str]) -> str:
    result = run(["-c", "import continuity.settings"], env)
    assert result.returncode != 0, "the settings were accepted"
    return result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    assert "SECRET_KEY must be set" in settings_refused(env)


def test_production_with_the_development_key_refuses_to_start():
    env = {**PRODUCTION, "SECRET_KEY": "continuity-development-key-not-for-production"}
    assert "development SECRET_KEY is refused" in settings_refused(env)


def test_production_with_debug_on_refuses_to_start():
    assert "DEBUG=1 is refused" in settings_refused({**PRODUCTION, "DEBUG": "1"})


def test_a_database_url_means_production_unless_told_otherwise():
    env = {k: v for k, v in PRODUCTION.items() if k not in {"SECRET_KEY", "CONTINUITY_LOCAL"}}
    assert "SECRET_KEY must be set" in settings_refused(env)


def test_the_production_server_runs_two_processes_per_core_and_one():
    assert production.default_workers(1) == 3
    assert production.default_workers(2) == 5
    assert production.default_workers(8) == 17
    options = production.options()
    assert options["workers"] >= 2
    assert options["worker_class"] == "gthread"
    assert options["preload_app"] is True
