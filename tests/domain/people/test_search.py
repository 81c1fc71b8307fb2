"""Reading what a user typed into "Find a child"."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.people.search import parse_date, parse_query


def test_names_are_lower_cased_and_kept_in_order():
    assert parse_query("Jonathon  SMIHT").names == ("jonathon", "smiht")


def test_a_british_date_is_a_date_of_birth():
    parsed = parse_query("smith 03/04/2012")
    assert parsed.names == ("smith",)
    assert parsed.dates_of_birth == (date(2012, 4, 3),)


def test_iso_dates_are_understood():
    assert parse_query("2012-04-03").dates_of_birth == (date(2012, 4, 3),)


def test_an_impossible_date_is_treated_as_an_identifier_not_a_date():
    parsed = parse_query("31/02/2012")
    assert parsed.dates_of_birth == ()
    assert parsed.identifiers == ("31/02/2012",)


def test_a_upn_is_recognised_in_any_case():
    assert parse_query("a123456789012").upns == ("A123456789012",)
    assert parse_query("A12345678901A").upns == ("A12345678901A",)


def test_la_child_ids_are_identifiers():
    assert parse_query("DEMO000123").identifiers == ("DEMO000123",)


def test_hyphenated_and_apostrophe_names_are_names():
    assert parse_query("O'Neill Smith-Jones").names == ("o'neill", "smith-jones")


def test_punctuation_alone_is_reported_as_not_searched():
    parsed = parse_query("%%% smith")
    assert parsed.names == ("smith",)
    assert parsed.ignored == ("%%%",)


def test_an_empty_query_is_empty():
    assert parse_query("   ").is_empty


@given(st.text(max_size=300))
def test_any_text_parses_without_error_and_every_term_is_accounted_for(text):
    parsed = parse_query(text)
    total = len(parsed.names) + len(parsed.dates_of_birth) + len(parsed.upns) + len(parsed.identifiers)
    assert total + len(parsed.ignored) == len(text[:200].replace(",", " ").split())


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
def test_every_real_date_round_trips_in_british_and_iso_form(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.isoformat()) == day
