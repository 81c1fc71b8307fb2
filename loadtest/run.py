"""`make loadtest`: staff of two authorities at work on the production server, then a check that nothing
they were told was saved is missing (issue 10, "Proof under load and faults").

1. An embedded PostgreSQL of its own (.data/postgres-load, database continuity_load): two authorities of
   England's average size from the national demo (`continuity demo --national --national-las 2`), made
   once and kept.
2. `continuity serve` (gunicorn, several processes) on 127.0.0.1:LOAD_PORT, as a council would run it.
3. locust, headless, bounded in time (loadtest/locustfile.py): LOAD_USERS simulated staff (default 200:
   social workers, team managers and heads of service of both authorities, each with their own account),
   pausing 2-8 s between actions, for LOAD_MINUTES (default 10).
4. Afterwards: every write the server acknowledged is in the database, and every child's due state
   equals a fresh full recompute. Figures go to bench/results.json as load_* (per page: requests,
   errors, median, p95). Exit status 1 on any error, lost write or due state that differs.
"""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LOAD_PGDATA = REPO / ".data" / "postgres-load"
LOAD_DB = "continuity_load"
P95_TARGET_MS = 300
MARKER = re.compile(r"\(load ([0-9a-f-]{36})\)")


def _environment() -> None:
    """Before Django reads its settings: the load test's own server and database, in local mode."""
    os.environ["CONTINUITY_PGDATA"] = str(LOAD_PGDATA)
    os.environ["CONTINUITY_DB_NAME"] = LOAD_DB
    os.environ["CONTINUITY_LOCAL"] = "1"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuity.settings")


def _prepare() -> None:
    from django.core.management import call_command

    from casework.core.models import LocalAuthority

    call_command("migrate", verbosity=0)
    if LocalAuthority.objects.count() < 2:  # noqa: PLR2004 - two authorities
        print("Making two demo authorities (once; kept in .data/postgres-load)...", flush=True)
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "continuity.cli", "demo", "--national", "--national-las", "2"],
            check=True,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )
    # As the nightly job does: every due state for today, so the check afterwards compares like with like.
    from casework.contacts.due import refresh_due_states
    from casework.core import clock

    for la_id in LocalAuthority.objects.values_list("pk", flat=True):
        refresh_due_states(la_id=la_id, today=clock.today())


def _accounts() -> dict[str, list[dict[str, Any]]]:
    """Real accounts of both authorities for each simulated role: workers with children to work on."""
    from django.db.models import Count

    from casework.accounts.models import User

    workers = (
        User.objects.filter(role="social_worker", is_active=True, la__isnull=False)
        .annotate(cases=Count("allocated"))
        .filter(cases__gte=5)
        .order_by("la_id", "pk")
    )
    managers = User.objects.filter(role="team_manager", is_active=True, managed_teams__isnull=False)
    heads = User.objects.filter(role="head_of_service", is_active=True, la__isnull=False)
    return {
        "social_worker": [{"username": u.username} for u in workers],
        "team_manager": [
            {"username": u.username, "team_id": u.managed_teams.values_list("pk", flat=True).first()}
            for u in managers.distinct().order_by("la_id", "pk")
        ],
        "head_of_service": [{"username": u.username} for u in heads.order_by("la_id", "pk")],
    }


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _serve(port: int) -> subprocess.Popen[bytes]:
    if not _free(port):
        raise SystemExit(f"Port {port} is in use: set LOAD_PORT to a free one")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "continuity.cli", "serve"],
        cwd=REPO,
        env={**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "WEB_ACCESS_LOG": "/dev/null"},
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:  # noqa: PLR2004
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("The production server did not start within 90 s")


def _locust(port: int, users: int, minutes: float, folder: Path, accounts: dict[str, Any]) -> Path:
    acks = folder / "acknowledged.json"
    command = [
        sys.executable, "-m", "locust", "-f", str(REPO / "loadtest" / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", os.environ.get("LOAD_SPAWN_RATE", "2"),
        "--run-time", f"{int(minutes * 60)}s", "--host", f"http://127.0.0.1:{port}",
        "--csv", str(folder / "load"), "--only-summary", "--stop-timeout", "15",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_ACCOUNTS": json.dumps(accounts), "LOAD_ACK_FILE": str(acks)}
    subprocess.run(command, cwd=REPO, env=env, check=False)  # noqa: S603 - its failures are read below
    return acks


def _stats(folder: Path) -> list[dict[str, str]]:
    with (folder / "load_stats.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _lost_writes(acks: Path) -> tuple[int, int]:
    """(acknowledged, missing): each acknowledged contact and rating looked for by its marker."""
    from casework.contacts.models import Contact
    from casework.risk.models import RiskRating

    acknowledged = json.loads(acks.read_text()) if acks.exists() else []
    contact_texts = Contact.objects.filter(outcome__contains="(load ").values_list("outcome", flat=True)
    rating_texts = RiskRating.objects.filter(rationale__contains="(load ").values_list("rationale", flat=True)
    contacts = {marker for text in contact_texts for marker in MARKER.findall(text)}
    ratings = {marker for text in rating_texts for marker in MARKER.findall(text)}
    held = {"contact": contacts, "rating": ratings}
    missing = sum(1 for ack in acknowledged if ack["marker"] not in held[ack["kind"]])
    return len(acknowledged), missing


def _due_states_differing() -> int:
    """Children whose stored due state differs from a fresh full recompute (made and rolled back)."""
    from django.db import transaction

    from casework.contacts.due import refresh_due_states
    from casework.contacts.models import DueState
    from casework.core import clock
    from casework.core.models import LocalAuthority

    columns = [f.attname for f in DueState._meta.concrete_fields if f.name != "computed_at"]
    stored = {row[0]: row for row in DueState.objects.values_list(*columns)}
    fresh: dict[int, tuple[Any, ...]] = {}
    with transaction.atomic():
        for la in LocalAuthority.objects.all():
            refresh_due_states(la_id=la.pk, today=clock.today())
        fresh = {row[0]: row for row in DueState.objects.values_list(*columns)}
        transaction.set_rollback(True)
    return sum(1 for child, row in fresh.items() if stored.get(child) != row) + len(stored.keys() - fresh)


def _results(rows: list[dict[str, str]], users: int, minutes: float) -> list[Any]:
    from bench.run import Result

    results = []
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else re.sub(r"\W+", "_", row["Name"]).strip("_")
        note = (
            f"{row['Request Count']} requests, {row['Failure Count']} errors, "
            f"{float(row['Requests/s']):.1f}/s; "
            f"{users} simulated staff of 2 authorities for {minutes:g} min on the production server "
            "(gunicorn), load generator on the same machine"
        )
        results.append(
            Result(
                f"load_{name}",
                users,
                "ms",
                float(row["50%"]),
                float(row["95%"]),
                int(row["Request Count"]),
                note,
            )  # fmt: skip
        )
    return results


def main() -> int:
    _environment()
    import django

    django.setup()
    from bench.run import write_results

    users = int(os.environ.get("LOAD_USERS", "200"))
    minutes = float(os.environ.get("LOAD_MINUTES", "10"))
    port = int(os.environ.get("LOAD_PORT", "8765"))
    _prepare()
    accounts = _accounts()
    print(
        f"Load test: {users} staff for {minutes:g} min against http://127.0.0.1:{port} "
        f"({', '.join(f'{len(v)} {k} accounts' for k, v in accounts.items())})",
        flush=True,
    )
    server = _serve(port)
    try:
        with tempfile.TemporaryDirectory(prefix="continuity-load-") as name:
            folder = Path(name)
            acks = _locust(port, users, minutes, folder, accounts)
            rows = _stats(folder)
            acknowledged, missing = _lost_writes(acks)
    finally:
        server.terminate()
        server.wait(timeout=60)
    differing = _due_states_differing()
    results = _results(rows, users, minutes)
    if os.environ.get("LOAD_WRITE_RESULTS", "1") == "1":
        write_results(results)
    errors = sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")
    print(f"\n{'page':<22}{'requests':>10}{'errors':>8}{'median ms':>11}{'p95 ms':>9}")
    for row in rows:
        flag = "" if float(row["95%"]) < P95_TARGET_MS or row["Name"] == "sign in" else "  (over 300 ms)"
        counts = f"{row['Request Count']:>10}{row['Failure Count']:>8}"
        print(f"{row['Name']:<22}{counts}{row['50%']:>11}{row['95%']:>9}{flag}")
    print(f"\nAcknowledged writes: {acknowledged:,}; missing from the database: {missing}")
    print(f"Due states differing from a fresh recompute: {differing}")
    return 1 if errors or missing or differing else 0


if __name__ == "__main__":
    sys.exit(main())
