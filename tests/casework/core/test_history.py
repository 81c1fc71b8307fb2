"""The statement-level history triggers record exactly the events pghistory's row-level ones did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pghistory
import pghistory.trigger
import pgtrigger
import pytest
from django.db import connection, models, transaction

from casework.children.models import Child, EducationSetting
from casework.core.history import StatementEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db

BASE = 9_000_000  # explicit ids, so both runs of a scenario write the same rows


class _UndoError(Exception):
    pass


def _install_row_level(model: type[models.Model]) -> None:
    """Replace the model's statement-level history triggers, in this transaction only, by the row-level
    ones pghistory installs by default (same names, labels, rows and conditions)."""
    installed = 0
    for trigger in model._meta.triggers:  # type: ignore[attr-defined]
        if isinstance(trigger, StatementEvent):
            row_level = pghistory.trigger.Event(
                event_model=trigger.event_model,
                label=trigger.label,
                name=trigger.name,
                row=trigger.row,
                operation=trigger.operation,
                condition=trigger.condition,
                level=pgtrigger.Row,
            )
            with connection.cursor() as cursor:
                cursor.execute(row_level.compile(model).install_sql)
            installed += 1
    assert installed == 3  # insert, update, delete  # noqa: S101


def _events(model: type[models.Model]) -> tuple[list[tuple[Any, ...]], int]:
    """Every event of ids >= BASE (all columns but the event's own id and the times Django stamps on
    each run; the context as its metadata), and how many history contexts exist."""
    trigger = next(t for t in model._meta.triggers if isinstance(t, StatementEvent))  # type: ignore[attr-defined]
    event_table = trigger.event_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_jsonb(e) - 'pgh_id' - 'pgh_context_id' - 'pgh_created_at' - 'created_at' "  # noqa: S608
            f"- 'updated_at', c.metadata "
            f'FROM "{event_table}" e LEFT JOIN pghistory_context c ON c.id = e.pgh_context_id '
            "WHERE e.pgh_obj_id >= %s ORDER BY e.pgh_id",
            [BASE],
        )
        rows = [(str(row[0]), str(row[1])) for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM pghistory_context")
        return rows, cursor.fetchone()[0]


def _recorded(model: type[models.Model], scenario: Callable[[], None], *, row_level: bool) -> Any:
    """The events a scenario writes (sorted within each step), undone afterwards."""
    found: Any = None
    try:
        with transaction.atomic():
            if row_level:
                _install_row_level(model)
            scenario()
            found = _events(model)
            raise _UndoError
    except _UndoError:
        pass
    rows, contexts = found
    return sorted(rows), contexts


def _education_scenario(world: World) -> Callable[[], None]:
    la = world.la

    def run() -> None:
        with pghistory.context(reason="one"):
            EducationSetting.objects.create(pk=BASE, la=la, name="Alpha", kind="primary")
        with pghistory.context(reason="many"):
            EducationSetting.objects.bulk_create(
                [EducationSetting(pk=BASE + n, la=la, name=f"S{n}", kind="primary") for n in range(1, 6)]
            )
        with pghistory.context(reason="update one"):
            setting = EducationSetting.objects.get(pk=BASE)
            setting.name = "Alpha renamed"
            setting.save()
        with pghistory.context(reason="update many, some unchanged"):
            EducationSetting.objects.filter(pk__gte=BASE + 1).update(
                kind=models.Case(
                    models.When(pk__lte=BASE + 3, then=models.Value("secondary")),
                    default=models.F("kind"),
                )
            )
        with pghistory.context(reason="update nothing changed"):
            EducationSetting.objects.filter(pk__gte=BASE).update(kind=models.F("kind"))
        with pghistory.context(reason="update no row"):
            EducationSetting.objects.filter(pk=BASE + 99).update(name="x")
        with pghistory.context(reason="delete one"):
            EducationSetting.objects.filter(pk=BASE).delete()
        with pghistory.context(reason="delete many"):
            EducationSetting.objects.filter(pk__gte=BASE).delete()
        with pghistory.context(reason="delete none"):
            EducationSetting.objects.filter(pk__gte=BASE).delete()

    return run


def test_education_setting_events_are_those_of_row_level_triggers(world: World) -> None:
    scenario = _education_scenario(world)
    statement = _recorded(EducationSetting, scenario, row_level=False)
    row = _recorded(EducationSetting, scenario, row_level=True)
    assert statement == row
    rows, _contexts = statement
    # 1 + 5 inserts, 1 + 3 changed updates (none for the unchanged rows), 1 + 5 deletes
    assert len(rows) == 16
    assert sum('"pgh_label": "delete"' in event for event, _ in rows) == 6


def test_child_events_with_a_field_list_condition_match_row_level_triggers(world: World) -> None:
    """Child's update trigger fires on a change of a listed field only: the same rows either way."""
    child = next(iter(world.children.values()))

    def run() -> None:
        with pghistory.context(reason="copies"):
            Child.objects.bulk_create(
                [
                    Child(
                        pk=BASE + n,
                        la=child.la,
                        la_child_id=f"H{n}",
                        first_name=f"F{n}",
                        last_name="L",
                        date_of_birth=child.date_of_birth,
                    )
                    for n in range(3)
                ]
            )
        with pghistory.context(reason="rename two"):
            Child.objects.filter(pk__in=[BASE, BASE + 1]).update(last_name="M")
        with pghistory.context(reason="rename all, two already so"):
            Child.objects.filter(pk__gte=BASE).update(last_name="M")
        with pghistory.context(reason="remove"):
            Child.objects.filter(pk__gte=BASE).delete()

    statement = _recorded(Child, run, row_level=False)
    assert statement == _recorded(Child, run, row_level=True)
    assert len(statement[0]) == 3 + 2 + 1 + 3
