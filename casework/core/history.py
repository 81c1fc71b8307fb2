"""Row-level change history (django-pghistory), the same way for every tracked model, and the
append-only guard on every table that records history or audit (ADR 0004, ADR 0008).

One label, "snapshot", for inserts and updates alike, so that each event's diff is against the
row's previous state, whichever operation made it. A delete writes a "delete" event holding the
row's last state, so a record removed by a person, an import or raw SQL still shows what it said.
Triggers write the rows, so even a bulk update or delete through the ORM or SQL is recorded. All three
triggers are per statement (`StatementEvent`): one INSERT ... SELECT from the statement's transition
table, so a bulk insert, update or delete costs one statement more, not one function call (and one
context upsert) per row. They record exactly the rows pghistory's row-level triggers would: the update
event only for rows where a tracked column changed (pghistory's condition, on `old_values` joined to
`new_values` by primary key; Django never changes a primary key), with the same label, `pgh_obj`,
snapshot columns and `pgh_context` (the session's pghistory context, attached once per statement, and
not at all when the statement wrote no event: tests/casework/core/test_history.py compares the two).

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
import pghistory.trigger
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


class StatementEvent(pghistory.trigger.Event):
    """pghistory's event trigger, per statement, writing nothing (not even the context) when the
    statement wrote no row that qualifies.

    pghistory's statement-level function attaches the history context in a CTE of its INSERT ...
    SELECT; run for a statement that touched no row (an UPDATE matching nothing, or one whose rows
    did not change), it could still create the `pghistory_context` row, which a row-level trigger
    never would. The EXISTS test keeps the two alike: one event row per qualifying row, with the
    same context, and nothing otherwise.
    """

    def get_func(self, model: models.Model) -> Any:
        func = super().get_func(model).func  # type: ignore[no-untyped-call]
        insert = func.removesuffix("RETURN NULL;").strip()
        alias = "new_values" if self.row == "NEW" else "old_values"
        sql = f"IF EXISTS (SELECT FROM {{cond_{alias}}}) THEN {insert} END IF; RETURN NULL;"
        return pgtrigger.Func(sql)  # type: ignore[no-untyped-call]


class _PerStatement(pghistory.RowEvent):
    """A pghistory row event recorded by a `StatementEvent` trigger (same name, label and condition)."""

    def add_event_trigger(self, event_model: Any) -> None:
        pgtrigger.register(
            StatementEvent(  # type: ignore[no-untyped-call]
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=pgtrigger.Statement,
            )
        )(event_model.pgh_tracked_model)


class InsertSnapshot(_PerStatement, pghistory.InsertEvent):
    """Inserted rows' state, one INSERT ... SELECT from the statement's `new_values`."""


class UpdateSnapshot(_PerStatement, pghistory.UpdateEvent):
    """Updated rows' new state, only for rows where a tracked column changed (pghistory's condition,
    applied to `old_values` joined to `new_values` on the primary key)."""


class DeleteSnapshot(_PerStatement, pghistory.DeleteEvent):
    """Deleted rows' last state, from the statement's `old_values`."""


def tracked(**kwargs: Any) -> Any:
    """Track a model: its inserts, updates and deletes, in an append-only event table."""
    return pghistory.track(
        InsertSnapshot("snapshot"),
        UpdateSnapshot("snapshot"),
        DeleteSnapshot(DELETE_LABEL, trigger_name="snapshot_delete"),
        append_only=False,  # pgtrigger's Protect can be ignored from the session; AppendOnly cannot
        meta={"triggers": [AppendOnly()]},
        **kwargs,
    )
