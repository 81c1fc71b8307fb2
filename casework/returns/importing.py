"""What every import shares: one transaction, a bounded log of what happened, progress, the register.

Both imports (cin_import, lac_import) have the same stages, and differ only in what their return is:
  1. read: stream the file into plain records (domain.census.cin.CinChild; SSDA903 rows), refusing what
     cannot be read as the return at all (FileRefused);
  2. check: reject what cannot be stored faithfully (ImportLog.reject: the child's outcome is "rejected")
     and list the DfE rules the rest breaks (ImportLog.breach, from the domain rule catalogues);
  3. store: in batches of each module's BATCH records, set-wise: children (children.upsert_children), then the
     return's records compared with what is stored (bulk.Writes: removals, updates, inserts by COPY);
  4. sync the register (register.sync_register) for the children the batches touched;
  5. report: the outcome per child (ImportLog.outcome), counts, issues; held back or skip-rejected by
     the run's mode; all in `execute`, below.
The history context (who, why) is set once here for every write of the import.

An import body reads its file and writes inside `execute`, which
- runs it in one transaction: it completes, or the database is as it was;
- holds it back (rolls it back) when some records cannot be stored and the run's mode says "all or
  nothing", so the user can fix the file and re-run or choose to import the rest;
- refuses it whole when the file cannot be read (`FileRefused`), naming the file, place and fix;
- writes the log (issues and per-child outcomes) after the transaction, so a held import still says why;
- brings the register's legal statuses and placements into line with the return records it touched.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pghistory
import psycopg
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from casework.returns.bulk import copy_insert, new
from casework.returns.models import ImportIssue, ImportOutcome, ImportRun

log = logging.getLogger(__name__)

ANALYZE_AFTER = 1000  # children changed: refresh the planner's statistics once the import commits
MAX_STORED_ISSUES = 20_000  # per run; every issue is counted, the first ones are kept to show
DEFAULT_FIX = "Correct it in your case management system, then export and import the return again."


class FileRefused(Exception):  # noqa: N818 - a refusal, not a programming error
    """The file cannot be read as this return at all: nothing is imported."""

    def __init__(self, message: str, *, location: str = "", fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.fix = fix


class _HeldBack(Exception):  # noqa: N818
    """Raised inside the transaction to undo it when records were rejected in all-or-nothing mode."""


@dataclass(frozen=True)
class Issue:
    severity: str
    file_name: str
    location: str
    message: str
    fix: str = ""
    la_child_id: str = ""
    field: str = ""
    value: str = ""


class ImportLog:
    """What an import found and did. Bounded: counts every issue, keeps the first MAX_STORED_ISSUES."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.issues: list[Issue] = []
        self.issue_counts: Counter[str] = Counter()
        self.rule_counts: Counter[str] = Counter()
        self.outcomes: dict[str, tuple[str, int | None, str]] = {}
        self.counts: Counter[str] = Counter()
        self.touched_children: set[int] = set()
        self.collection_year: int | None = None

    def _add(self, issue: Issue) -> None:
        self.issue_counts[issue.severity] += 1
        if len(self.issues) < MAX_STORED_ISSUES:
            self.issues.append(issue)

    def reject(
        self,
        location: str,
        message: str,
        *,
        fix: str,
        la_child_id: str = "",
        field: str = "",
        value: str = "",
        file_name: str = "",
    ) -> None:
        """A record that cannot be stored; `fix` says what to change in the file."""
        self._add(
            Issue(
                "rejected",
                file_name or self.file_name,
                location,
                message,
                fix,
                la_child_id,
                field,
                value[:200],
            )
        )

    def breach(
        self,
        location: str,
        message: str,
        *,
        fix: str = DEFAULT_FIX,
        la_child_id: str = "",
        field: str = "",
        value: str = "",
        rule: str = "",
        file_name: str = "",
    ) -> None:
        """Stored, but breaks a DfE rule the LA must put right in its source system."""
        if rule:
            self.rule_counts[rule] += 1
            message = f"{message} (DfE rule {rule})"
        self._add(
            Issue(
                "breach", file_name or self.file_name, location, message, fix, la_child_id, field, value[:200]
            )
        )

    def note(self, location: str, message: str, *, la_child_id: str = "", file_name: str = "") -> None:
        self._add(Issue("note", file_name or self.file_name, location, message, "", la_child_id))

    def outcome(self, la_child_id: str, outcome: str, child_id: int | None = None, detail: str = "") -> None:
        """What happened to one child; a later, stronger outcome (updated over unchanged) wins."""
        rank = {"unchanged": 0, "updated": 1, "created": 2, "rejected": 3}
        previous = self.outcomes.get(la_child_id)
        if previous is None or rank[outcome] >= rank[previous[0]]:
            self.outcomes[la_child_id] = (outcome, child_id, detail[:500])
        if child_id is not None and outcome in {"created", "updated"}:
            self.touched_children.add(child_id)

    @property
    def rejected(self) -> int:
        return self.issue_counts["rejected"]

    @property
    def breaches(self) -> int:
        return self.issue_counts["breach"]


class Progress:
    """Bytes read so far, written on a connection of its own so it shows while the import runs."""

    INTERVAL = 0.5

    def __init__(self, run: ImportRun) -> None:
        self.run_id = run.pk
        self._last = 0.0
        self._conn: psycopg.Connection[Any] | None = None

    def __call__(self, bytes_read: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.INTERVAL:
            return
        self._last = now
        try:
            if self._conn is None:
                self._conn = psycopg.connect(**connection.get_connection_params(), autocommit=True)
            self._conn.execute(
                f"UPDATE {ImportRun._meta.db_table} SET bytes_read = %s WHERE id = %s",  # noqa: S608
                [bytes_read, self.run_id],
            )
        except psycopg.Error:  # progress is a courtesy: never let it stop an import
            log.warning("Could not record import progress", exc_info=True)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


ImportBody = Callable[[ImportLog, Progress], None]


def quiet_triggers() -> None:
    """Set the session settings pgtrigger/pghistory triggers read (transaction-local).

    Unset, each trigger raises and catches an error on every row (about 0.5 ms a row on bulk writes).
    An empty list ignores no trigger: history is still written.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


class _Stopped(Exception):  # noqa: N818
    """The run was marked failed under the import (its worker was taken for dead): undo the import."""


def execute(run: ImportRun, body: ImportBody, *, actor_id: int | None, today: date) -> ImportLog:
    """Run an import body in one transaction and record the outcome on `run`. The process carrying it
    out names the run in its heartbeat first, so the reaper (supervision.py) can tell it is alive."""
    from casework.returns import supervision

    heartbeat = supervision.active()
    if heartbeat is not None:
        heartbeat.working_on(run.pk)
        run.worker_id = heartbeat.worker_id
    try:
        return _execute(run, body, actor_id=actor_id, today=today)
    finally:
        if heartbeat is not None:
            heartbeat.working_on(None)


def _execute(run: ImportRun, body: ImportBody, *, actor_id: int | None, today: date) -> ImportLog:
    import_log = ImportLog(run.file_name)
    progress = Progress(run)
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at", "worker_id", "updated_at"])
    try:
        with transaction.atomic():
            quiet_triggers()
            # Every event the import writes (a record created, changed or deleted, in the returns'
            # tables and in the register derived from them) names this run, so a record a re-import
            # removed says which import removed it.
            with pghistory.context(
                user=actor_id,
                reason=f"{run.get_kind_display()} import {run.pk}: {run.file_name}",
                import_run=run.pk,
            ):
                body(import_log, progress)
                if import_log.rejected and run.mode == ImportRun.Mode.ALL_OR_NOTHING:
                    raise _HeldBack
                from casework.returns.register import sync_register

                large = len(import_log.touched_children) >= ANALYZE_AFTER
                if large:
                    # The register is derived by reading back what the store stage wrote, in the same
                    # transaction: with the statistics of before the import (an empty table, say) the
                    # planner can join those rows by nested loops over whole tables, minutes instead of
                    # seconds. ANALYZE counts the transaction's own new rows.
                    _analyze(changed_tables(_stored_tables()), quick=True)
                sync_register(
                    la_id=run.la_id, child_ids=import_log.touched_children, log=import_log, today=today
                )
                register_changed = changed_tables(REGISTER_TABLES) if large else []
                # Done, in the import's own transaction: a run is never "done" without its records,
                # nor are records kept under a run the reaper marked failed.
                run.status, run.message = ImportRun.Status.DONE, _done_message(import_log)
                still_ours = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING)
                if not still_ours.update(status=run.status, message=run.message):
                    raise _Stopped
        _analyze(register_changed, quick=False)
    except _HeldBack:
        run.status = ImportRun.Status.HELD
        run.message = (
            f"Nothing was imported: {import_log.rejected:,} record(s) cannot be stored. Fix the file and "
            "import it again, or import the records that can be stored and skip the rest."
        )
        for key, (outcome, _child, _detail) in list(import_log.outcomes.items()):
            if outcome != "rejected":
                import_log.outcomes[key] = ("unchanged", None, "Not imported: the import was held back")
        import_log.counts = Counter({"held back": 1})
    except _Stopped:
        run.refresh_from_db()
        return import_log
    except FileRefused as refusal:
        run.status = ImportRun.Status.FAILED
        where = f" ({refusal.location})" if refusal.location else ""
        run.message = f"{run.file_name}{where}: {refusal.message}" + (
            f" {refusal.fix}" if refusal.fix else ""
        )
        import_log.issues.clear()
        import_log.issue_counts.clear()
        import_log.outcomes.clear()
        import_log.counts.clear()
        import_log.reject(refusal.location or "file", refusal.message, fix=refusal.fix)
    finally:
        progress.close()
    _record(run, import_log)
    return import_log


REGISTER_TABLES = ["children_legalstatus", "children_placement", "contacts_duestate"]


def _stored_tables() -> list[str]:
    """The tables the store stage writes: every table of the returns app, and the children."""
    from django.apps import apps

    return [model._meta.db_table for model in apps.get_app_config("returns").get_models()] + [
        "children_child"
    ]


# Autovacuum's own thresholds for re-analysing a table (autovacuum_analyze_threshold, _scale_factor): a
# table this import changed less than this has statistics good enough to plan by.
ANALYZE_THRESHOLD_ROWS = 50
ANALYZE_SCALE_FACTOR = 0.1
# The sample of an ANALYZE inside the import (300 rows per point of the target: 3,000 rows, not 30,000):
# enough to choose between an index and a nested loop; autovacuum re-analyses the table with the full
# sample after the import commits, as it changed by more than its threshold.
QUICK_STATISTICS_TARGET = 10


def changed_tables(tables: list[str]) -> list[str]:
    """Those of `tables` this transaction changed by more than autovacuum's analyse threshold (rows
    inserted, updated or deleted, from pg_stat_xact_user_tables, against the rows at the last analyse)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.relname FROM pg_stat_xact_user_tables s JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.relname = ANY(%s) AND s.schemaname = current_schema() "
            "AND s.n_tup_ins + s.n_tup_upd + s.n_tup_del > %s + %s * greatest(c.reltuples, 0)",
            [tables, ANALYZE_THRESHOLD_ROWS, ANALYZE_SCALE_FACTOR],
        )
        changed = {name for (name,) in cursor.fetchall()}
    return [table for table in tables if table in changed]


def _analyze(tables: list[str], *, quick: bool) -> None:
    """After a large import, bring the planner's statistics up to date (autovacuum would, minutes later):
    without them the first export after importing a whole cohort can pick a plan hundreds of times slower.
    The store stage's tables are analysed before the register is derived (in the import's transaction,
    which commits their statistics with it; `quick`: a smaller sample), the register's own after the
    import commits."""
    if not tables:
        return
    set_target = (
        "SELECT current_setting('default_statistics_target'), "
        "set_config('default_statistics_target', %s, true)"
    )
    with connection.cursor() as cursor:
        before = None
        if quick:
            cursor.execute(set_target, [str(QUICK_STATISTICS_TARGET)])
            before = cursor.fetchone()[0]
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        if before is not None:
            cursor.execute(set_target, [before])


def _done_message(import_log: ImportLog) -> str:
    outcome_counts = Counter(outcome for outcome, _, _ in import_log.outcomes.values())
    parts = [f"{outcome_counts[name]:,} {name}" for name in ("created", "updated", "unchanged", "rejected")]
    text = "Children: " + ", ".join(parts) + "."
    if import_log.rejected:
        text += f" {import_log.rejected:,} record(s) could not be stored and were skipped."
    if import_log.breaches:
        text += f" {import_log.breaches:,} DfE rule breach(es) to put right in the source system."
    return text


@transaction.atomic
def _record(run: ImportRun, import_log: ImportLog) -> None:
    outcome_counts = Counter(outcome for outcome, _, _ in import_log.outcomes.values())
    run.finished_at = timezone.now()
    run.collection_year = import_log.collection_year or run.collection_year
    run.rejected_count = import_log.rejected
    run.breach_count = import_log.breaches
    run.bytes_read = run.file_size
    run.counts = {
        "children": dict(outcome_counts),
        "records": dict(import_log.counts),
        "rules": dict(import_log.rule_counts.most_common()),
        "issues_kept": len(import_log.issues),
    }
    run.save()
    copy_insert(
        [
            new(
                ImportIssue,
                run_id=run.pk,
                severity=issue.severity,
                file_name=issue.file_name[:300],
                location=issue.location[:200],
                la_child_id=issue.la_child_id[:40],
                field=issue.field[:60],
                value=issue.value[:200],
                message=issue.message[:500],
                fix=issue.fix[:500],
            )
            for issue in import_log.issues
        ]
    )
    copy_insert(
        [
            new(
                ImportOutcome,
                run_id=run.pk,
                la_child_id=key[:40],
                child_id=child,
                outcome=outcome,
                detail=detail,
            )
            for key, (outcome, child, detail) in import_log.outcomes.items()
        ]
    )


REPORT_HEADER = ["severity", "file", "location", "la_child_id", "field", "value", "message", "fix"]


def issues_as_rows(run: ImportRun, issues: QuerySet[ImportIssue] | None = None) -> Iterator[list[str]]:
    """Every kept issue of a run (or those of `issues`: a reader's share), for a CSV report (header
    row first)."""
    yield REPORT_HEADER
    for issue in (run.issues.all() if issues is None else issues).order_by("id").iterator(chunk_size=2000):
        yield [
            issue.severity,
            issue.file_name,
            issue.location,
            issue.la_child_id,
            issue.field,
            issue.value,
            issue.message,
            issue.fix,
        ]
