"""What every import's store stage shares: rows in batches, written set-wise with PostgreSQL COPY.

`copy_insert` writes new model instances with one COPY per table and batch (the history triggers fire on
COPY as on INSERT, so every row still gets its insert event). The ids are drawn from the table's own
sequence beforehand, so each instance has its pk afterwards, as after `bulk_create`, without a RETURNING
round trip or the ORM building an INSERT statement of thousands of parameters. The history context
(who, why) is set in the transaction before the COPY, as pghistory does for every statement it runs.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


@models.Field.register_lookup
class AnyOf(models.Lookup):  # type: ignore[type-arg]
    """`field__any_of=values`: `field = ANY(%s)`, the values sent as one array parameter.

    An import asks for thousands of rows by key at a time. `field__in=values` writes one placeholder
    per value, and the driver scans the whole statement for them on every query (psycopg's client-side
    binding: a tenth of a CIN import's Python time); one array is one placeholder, and PostgreSQL uses
    the same index for `= ANY(array)` as for `IN (...)`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(v, connection, prepared=False) for v in value]]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


models.ForeignObject.register_lookup(AnyOf)  # related fields keep lookups of their own (not Field's)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """The items in lists of at most `size` (the batches of the store stage)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# Fields whose Python value PostgreSQL's COPY takes as it is (psycopg adapts it by the column's type).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.DateField,
    models.BooleanField,
    models.IntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.ForeignKey,
)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The model's stored columns, generated ones excepted (COPY cannot write them)."""
    return [field for field in model._meta.concrete_fields if not isinstance(field, models.GeneratedField)]


def _value_getter(field: models.Field[Any, Any], now: datetime) -> Callable[[models.Model], Any]:
    """How to read one column's value off an instance for COPY: the attribute itself where it needs no
    preparing (most fields), the time of this write for auto_now fields, else Django's own preparation."""
    attname = field.attname
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):

        def stamped(obj: models.Model) -> Any:
            setattr(obj, attname, now)  # as Model.save() does on an insert
            return now

        return stamped
    if isinstance(field, _PLAIN) and not isinstance(field, models.DateTimeField):
        return operator.attrgetter(attname)
    real = connections[DEFAULT_DB_ALIAS]
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), real)


@functools.cache
def _blank(
    model: type[models.Model],
) -> tuple[dict[str, Any], tuple[models.Field[Any, Any], ...], frozenset[str]]:
    """What `Model.__init__` gives an instance made with no arguments: each stored column's default (the
    same object each time where the default is not callable), the fields whose default is a callable
    (called for each instance), and the attribute names an instance may be given."""
    static: dict[str, Any] = {}
    dynamic = []
    for field in model._meta.concrete_fields:
        if field.generated:
            continue
        if field.has_default() and callable(field.default):
            dynamic.append(field)
        else:
            static[field.attname] = field.get_default()
    attnames = frozenset(field.attname for field in model._meta.concrete_fields if not field.generated)
    return static, tuple(dynamic), attnames


def new(model: type[M], **values: Any) -> M:
    """An unsaved instance to be COPYed, made as `model(**values)` would make it but without walking
    every field through `Model.__init__` (a fifth of an import's Python time, for 120,000 rows).

    `values` are given by attribute name (`child_id`, not `child`); anything else, or a model with
    init signals, goes through the ordinary constructor, so the result is always the same."""
    static, dynamic, attnames = _blank(model)
    if (
        not attnames.issuperset(values)
        or (pre_init.receivers and pre_init.has_listeners(model))
        or (post_init.receivers and post_init.has_listeners(model))
    ):
        return model(**values)
    obj = model.__new__(model)
    obj._state = ModelState()
    data = obj.__dict__
    data.update(static)
    for field in dynamic:
        data[field.attname] = field.get_default()
    data.update(values)
    return obj


def _types(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped",
            [table],
        )
        return dict(cursor.fetchall())


_TYPE_CACHE: dict[str, dict[str, int]] = {}


def assign_ids(objects: Sequence[models.Model]) -> None:
    """Give unsaved instances of one model their ids from the table's sequence (one query), so rows that
    refer to them can be built before they are written."""
    if not objects:
        return
    meta = objects[0]._meta
    assert meta.pk is not None  # noqa: S101 - every model has one
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (new_id,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = new_id


def copy_insert(objects: Sequence[M]) -> Sequence[M]:
    """Insert unsaved instances of one model with COPY; each gets its pk. Returns `objects`."""
    if not objects:
        return objects
    model = type(objects[0])
    table = model._meta.db_table
    fields = _columns(model)
    types = _TYPE_CACHE.get(table)
    if types is None:
        types = _TYPE_CACHE[table] = _types(table)
    now = timezone.now()
    getters = [_value_getter(field, now) for field in fields]
    assign_ids([obj for obj in objects if obj.pk is None])
    with connection.cursor() as cursor:
        # Through Django's cursor and not a SELECT (which pghistory skips), so its wrapper sets the
        # history context (transaction-local) that the triggers read during the COPY.
        cursor.execute("WITH history_context AS (SELECT 1) SELECT 1")
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        raw = cursor.cursor  # the psycopg cursor: COPY is not part of the DB-API
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            copy.set_types([types[field.column] for field in fields])
            for obj in objects:
                copy.write_row([get(obj) for get in getters])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    return objects


class Writes:
    """A batch's changes, applied set-wise: removals first (so unique and exclusion constraints never see
    the old and the new row together), then updates, then inserts (COPY), each model in the order it was
    first named (so a row is written after the rows it refers to)."""

    def __init__(self, actor_id: int | None, *, order: Sequence[type[models.Model]] = ()) -> None:
        """`order`: models to write in this order (parents first), whichever is named first."""
        self.actor_id = actor_id
        self.removals: dict[type[models.Model], list[int]] = defaultdict(list)
        self.updates: dict[type[models.Model], dict[int, models.Model]] = defaultdict(dict)
        self.update_fields: dict[type[models.Model], set[str]] = defaultdict(set)
        self.inserts: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        for model in order:
            self.removals[model], self.inserts[model] = [], []

    def remove(self, model: type[models.Model], pks: Iterable[int]) -> None:
        self.removals[model].extend(pks)

    def change(self, record: models.Model, values: dict[str, Any]) -> list[str]:
        """Set the values that differ on a stored record (to be saved); returns the fields changed."""
        differs = [name for name, value in values.items() if getattr(record, name) != value]
        if differs:
            for name in differs:
                setattr(record, name, values[name])
            record.updated_by_id = self.actor_id  # type: ignore[attr-defined]
            self.updates[type(record)][record.pk] = record
            self.update_fields[type(record)].update(differs)
        return differs

    def insert(self, record: models.Model) -> None:
        self.inserts[type(record)].append(record)

    def apply(self) -> None:
        for model, pks in self.removals.items():
            if pks:
                model._default_manager.filter(pk__in=pks).delete()
        for model, changed in self.updates.items():
            fields = [*sorted(self.update_fields[model]), "updated_by"]
            model._default_manager.bulk_update(list(changed.values()), fields, batch_size=2000)
        for new in self.inserts.values():
            copy_insert(new)
