"""Finding a child by name (even misspelt or partial), date of birth, LA child ID or UPN."""

from __future__ import annotations

from datetime import date

import pytest

from casework.children.models import Child
from casework.children.selectors import child_search_for_user
from tests.conftest import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def searchable(world):
    make_child(
        world,
        "cat",
        "Catherine",
        "O'Neill",
        team=world.teams["north"],
        worker=None,
        dob=date(2012, 4, 3),
        upn="A123456789012",
    )
    make_child(world, "kat", "Katie", "Neil", team=world.teams["north"], worker=None, dob=date(2015, 9, 9))
    make_child(
        world, "mo", "Mohammed", "Rahman", team=world.teams["north"], worker=None, dob=date(2010, 1, 30)
    )
    make_child(world, "amelia", "Amelia", "Knight", team=world.teams["north"], worker=None)
    return world


def found(world, query):
    return [c.first_name for c in child_search_for_user(user=world.users["hos"], query=query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jonathan Smith", "Jonathan"),
        ("jonathon smiht", "Jonathan"),  # two typos
        ("Jon Smi", "Jonathan"),  # partial
        ("smyth", "Jonathan"),  # sounds alike
        ("Kinght", "Amelia"),  # two letters swapped
        ("Nkight", "Amelia"),  # two letters swapped at the start
        ("Knigt", "Amelia"),  # a letter missed
        ("Amleia", "Amelia"),  # a first name with two letters swapped
        ("Muhammad Rahman", "Mohammed"),  # spelling variant
        ("catherine oneill", "Catherine"),
        ("Kathryn O'Neill", "Catherine"),
        ("03/04/2012", "Catherine"),
        ("A123456789012", "Catherine"),
    ],
)
def test_the_child_is_found(searchable, query, expected):
    assert expected in found(searchable, query)


def test_a_slip_of_spelling_finds_only_names_that_close(searchable):
    assert found(searchable, "Kinght") == ["Amelia"]
    assert "Amelia" not in found(searchable, "Kingston")


def test_the_exact_match_comes_first(searchable):
    assert found(searchable, "Katie Neil")[0] == "Katie"


def test_every_term_must_match(searchable):
    assert found(searchable, "Jonathan 03/04/2012") == []


def test_an_la_child_id_finds_the_child(searchable):
    child = searchable.children["mo"]
    assert found(searchable, child.la_child_id) == ["Mohammed"]


def test_a_query_of_nothing_searchable_finds_nothing(searchable):
    assert found(searchable, "%%%") == []


def test_names_added_by_bulk_insert_are_searchable_at_once(searchable):
    """Search keys are generated columns, so rows loaded without the ORM's save() are found too."""
    Child.objects.bulk_create(
        [
            Child(
                la=searchable.la,
                la_child_id="BULK1",
                first_name="Zebedee",
                last_name="Quill",
                date_of_birth=date(2011, 1, 1),
                gender="1",
            )
        ]
    )
    assert found(searchable, "zebedy") == ["Zebedee"]
