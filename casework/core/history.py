"""Row-level change history (django-pghistory), the same way for every tracked model, and the
append-only guard on every table that records history or audit (ADR 0004, ADR 0008).

One label, "snapshot", for inserts and updates alike, so that each event's diff is against the
row's previous state, whichever operation made it. A delete writes a "delete" event holding the
row's last state, so a record removed by a person, an import or raw SQL still shows what it said.
Triggers write the rows, so even a bulk update or delete through the ORM or SQL is recorded; the
delete trigger is per statement (one INSERT ... SELECT from the statement's transition table), so a
bulk delete costs one statement more, not one per row.

The event tables, the audit events and the record-access log refuse UPDATE and DELETE through
`AppendOnly`, a statement-level trigger that, unlike pgtrigger's own `Protect`, cannot be switched
off from the session: pgtrigger triggers skip themselves when the session setting `pgtrigger.ignore`
names them, which any connection of the application may set (the demo loader and the importers set
it to silence the insert triggers of bulk loads). TRUNCATE is not refused: it needs the table's
owner (or the TRUNCATE privilege), which the application's role should not have in production, and
the test suite empties tables with it between transactional tests.
"""

from __future__ import annotations

from typing import Any

import pghistory
import pgtrigger
from django.db import models
from pgtrigger import compiler

DELETE_LABEL = "delete"


class AppendOnlyTriggerSql(compiler.UpsertTriggerSql):
    """The installation SQL of an `AppendOnly` trigger (version 1: do not edit, migrations name it).

    pgtrigger's template starts every trigger function with its `pgtrigger.ignore` check; this one
    has no such check, so no session setting turns the refusal off. Only DROP TRIGGER or
    ALTER TABLE ... DISABLE TRIGGER (both need the table's owner) can.
    """

    def get_template(self) -> str:
        return """
            CREATE OR REPLACE FUNCTION {pgid}()
            RETURNS TRIGGER AS $$
                BEGIN
                    {func}
                END;
            $$ LANGUAGE plpgsql;

            DROP TRIGGER IF EXISTS {pgid} ON {table};
            CREATE TRIGGER {pgid}
                {when} {operation} ON {table}
                FOR EACH {level}
                EXECUTE PROCEDURE {execute};

            COMMENT ON TRIGGER {pgid} ON {table} IS '{hash}';
        """


class AppendOnly(pgtrigger.Trigger):
    """Refuse every UPDATE and DELETE statement on the table, whatever rows it would touch.

    Statement-level, so refusing costs nothing per row and even a statement matching no row is
    refused (a probe by a DBA shows the guard without touching data).
    """

    name = "append_only"
    when = pgtrigger.Before
    operation = pgtrigger.Update | pgtrigger.Delete
    level = pgtrigger.Statement
    func = (
        "RAISE EXCEPTION 'Cannot update or delete rows of %: history and audit are append-only', "
        "TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';"
    )

    def compile(self, model: models.Model) -> compiler.Trigger:
        return compiler.Trigger(
            name=self.name,
            sql=AppendOnlyTriggerSql(
                pgid=self.get_pgid(model),
                func=self.render_func(model),
                table=model._meta.db_table,
                when=self.when,
                operation=self.operation,
                level=self.level,
            ),
        )


def tracked(**kwargs: Any) -> Any:
    """Track a model: its inserts, updates and deletes, in an append-only event table."""
    return pghistory.track(
        pghistory.InsertEvent("snapshot"),
        pghistory.UpdateEvent("snapshot"),
        pghistory.DeleteEvent(DELETE_LABEL, trigger_name="snapshot_delete", level=pgtrigger.Statement),
        append_only=False,  # pgtrigger's Protect can be ignored from the session; AppendOnly cannot
        meta={"triggers": [AppendOnly()]},
        **kwargs,
    )
