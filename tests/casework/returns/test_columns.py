"""casework.returns.columns is the one list of which model field holds which DfE item: it names every
stored field of each return record model, and nothing else."""

from __future__ import annotations

from django.db import models

from casework.returns import models as r
from casework.returns.cin_import import PART_TABLES, _episode_values
from casework.returns.columns import CIN_EPISODE_FIELDS, CIN_PART_FIELDS, DETAIL_FIELDS, LAC_TABLE_FIELDS
from casework.returns.lac_import import RECORD_TABLES
from domain.census import cin
from domain.census import ssda903 as s903

BOOKKEEPING = {
    "id",
    "la",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "child",
    "episode",
    "position",
}


def stored(model: type[models.Model], *also: str) -> set[str]:
    return {field.name for field in model._meta.concrete_fields} - BOOKKEEPING - set(also)


def test_child_return_details_and_cin_episodes() -> None:
    assert set(DETAIL_FIELDS) == stored(r.ChildReturnDetails)
    assert set(CIN_EPISODE_FIELDS) == stored(r.CinEpisode, "referral_date")
    assert tuple(_episode_values(cin.Episode())) == CIN_EPISODE_FIELDS


def test_cin_episode_parts() -> None:
    assert [name for name, _model, _key in PART_TABLES] == list(CIN_PART_FIELDS)
    for name, model, _key in PART_TABLES:
        assert set(CIN_PART_FIELDS[name]) == stored(model)


def test_ssda903_tables() -> None:
    for table in RECORD_TABLES:
        assert table.fields == LAC_TABLE_FIELDS[table.spec.name]
        columns = [column for column, _field in table.fields]
        assert columns == [c for c in table.spec.columns if c not in {"CHILD", "DOB"}]
        assert {name for _column, name in table.fields} == stored(table.model, "collection_year")
    assert set(LAC_TABLE_FIELDS) == {spec.name for spec in s903.TABLES} - {"Header", "UASC"}
