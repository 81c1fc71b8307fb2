"""The store stage's shortcuts give what the ORM would: `bulk.new` an instance equal to the
constructor's, `field__any_of` the rows `field__in` finds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from casework.children.models import Child, LegalStatus
from casework.returns import bulk
from casework.returns.models import CinEpisode, CinPlan, ImportIssue
from tests.conftest import make_child

pytestmark = pytest.mark.django_db


def fields_of(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if not f.generated}


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Child, {"la_id": 1, "la_child_id": "C1", "first_name": "", "date_of_birth": date(2015, 1, 2)}),
        (CinPlan, {"la_id": 1, "episode_id": 7, "position": 0, "start_date": date(2025, 5, 1)}),
        (ImportIssue, {"run_id": 3, "severity": "breach", "message": "Rule 8500", "file_name": "a.xml"}),
        (LegalStatus, {"la_id": 1, "child_id": 9, "kind": "cin", "starts_on": date(2025, 4, 1)}),
    ],
)
def test_a_new_instance_is_the_one_the_constructor_makes(model, values):
    made, expected = bulk.new(model, **values), model(**values)
    assert fields_of(made) == fields_of(expected)
    assert made._state.adding
    assert made.pk is None


def test_callable_defaults_are_called_for_each_instance_and_never_shared():
    first = bulk.new(Child, la_id=1, la_child_id="C1")
    second = bulk.new(Child, la_id=1, la_child_id="C2")
    for field in Child._meta.concrete_fields:
        if (
            field.has_default()
            and callable(field.default)
            and isinstance(getattr(first, field.attname), list)
        ):
            assert getattr(first, field.attname) is not getattr(second, field.attname)


def test_a_related_object_or_unknown_name_goes_through_the_constructor(world):
    child = world.children["jon"]
    made = bulk.new(LegalStatus, la_id=world.la.pk, child=child, kind="cin", starts_on=date(2025, 4, 1))
    assert made.child_id == child.pk
    with pytest.raises(TypeError):
        bulk.new(LegalStatus, no_such_field=1)


def test_any_of_finds_what_in_finds(world):
    make_child(world, "kai", "Kai", "Jones", team=world.teams["north"], worker=world.users["sw"])
    children = Child.objects.filter(la=world.la)
    ids = list(children.values_list("pk", flat=True))[:2]
    numbers = list(children.values_list("la_child_id", flat=True))[:3]
    assert set(Child.objects.filter(pk__any_of=ids)) == set(Child.objects.filter(pk__in=ids))
    assert set(Child.objects.filter(la_child_id__any_of=numbers)) == set(
        Child.objects.filter(la_child_id__in=numbers)
    )
    assert not Child.objects.filter(pk__any_of=[]).exists()
    # A relation, and a set (as the SSDA903 import asks).
    LegalStatus.objects.create(la=world.la, child_id=ids[0], kind="cin", starts_on=date(2025, 4, 1))
    assert LegalStatus.objects.filter(child_id__any_of=set(ids)).count() == 1
    assert CinEpisode.objects.filter(child__la_child_id__any_of=numbers).count() == 0
