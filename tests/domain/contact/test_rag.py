"""The LA's RAG settings: a labelled default, effective-dated versions, and the ordering invariant."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.contact import (
    ALL_MODES,
    DEFAULT_RAG_SETTINGS,
    FACE_TO_FACE,
    Cadence,
    Interval,
    Rating,
    rag_settings_in_force,
    validate_rag_settings,
)
from domain.contact.enums import OTHER, STATUSES


def with_cadence(rating: Rating, status: str, cadence: Cadence):
    cadences = dict(DEFAULT_RAG_SETTINGS.cadences)
    cadences[(rating, status)] = cadence
    return replace(DEFAULT_RAG_SETTINGS, cadences=cadences, is_default=False, label="Ours")


def test_the_default_is_labelled_as_continuitys_assumption_and_is_valid():
    assert DEFAULT_RAG_SETTINGS.is_default
    assert DEFAULT_RAG_SETTINGS.label == "Default settings (no national definition exists)"
    assert "No national definition" in DEFAULT_RAG_SETTINGS.source_note
    assert validate_rag_settings(DEFAULT_RAG_SETTINGS) == []


def test_the_default_follows_domain_section_7():
    red = DEFAULT_RAG_SETTINGS.cadence(Rating.RED, "cp")
    amber = DEFAULT_RAG_SETTINGS.cadence(Rating.AMBER, "cp")
    green = DEFAULT_RAG_SETTINGS.cadence(Rating.GREEN, "cp")
    assert red == Cadence(Interval.working_days(10), 1, FACE_TO_FACE, red.note)
    assert (amber.interval, amber.face_to_face_every, amber.allowed_modes) == (
        Interval.working_days(10),
        2,
        ALL_MODES,
    )
    assert (green.interval, green.face_to_face_every) == (Interval.working_days(10), 0)
    assert DEFAULT_RAG_SETTINGS.cadence(Rating.RED, "lac").interval == Interval.weeks(6)


def test_statuses_without_their_own_cadence_fall_back_to_other():
    assert DEFAULT_RAG_SETTINGS.cadence(Rating.AMBER, "sgo") == DEFAULT_RAG_SETTINGS.cadence(
        Rating.AMBER, OTHER
    )


def test_the_settings_in_force_are_the_latest_effective_on_or_before_the_day():
    april = replace(DEFAULT_RAG_SETTINGS, effective_from=date(2020, 4, 1), label="April", is_default=False)
    june = replace(DEFAULT_RAG_SETTINGS, effective_from=date(2020, 6, 1), label="June", is_default=False)
    history = [june, april]
    assert rag_settings_in_force(date(2020, 3, 31), history) is DEFAULT_RAG_SETTINGS
    assert rag_settings_in_force(date(2020, 4, 1), history) is april
    assert rag_settings_in_force(date(2020, 5, 31), history) is april
    assert rag_settings_in_force(date(2020, 6, 1), history) is june
    assert rag_settings_in_force(date(2020, 6, 1), []) is DEFAULT_RAG_SETTINGS


def test_of_two_versions_from_the_same_day_the_later_recorded_wins():
    first = replace(DEFAULT_RAG_SETTINGS, effective_from=date(2020, 4, 1), label="First")
    second = replace(DEFAULT_RAG_SETTINGS, effective_from=date(2020, 4, 1), label="Second")
    assert rag_settings_in_force(date(2020, 4, 2), [first, second]) is second


def test_red_planned_less_often_than_amber_is_refused():
    settings = with_cadence(Rating.RED, "cp", Cadence(Interval.weeks(3), 1, FACE_TO_FACE))
    problems = validate_rag_settings(settings)
    assert any(
        "Red must be planned at least as often as amber for child protection plan" in p for p in problems
    )


def test_red_with_less_face_to_face_than_amber_is_refused():
    settings = with_cadence(Rating.RED, "lac", Cadence(Interval.weeks(6), 3, ALL_MODES))
    assert any(
        "Red must have face-to-face contact at least as often as amber" in p
        for p in validate_rag_settings(settings)
    )


def test_amber_planned_less_often_than_green_is_refused():
    settings = with_cadence(Rating.AMBER, "cin", Cadence(Interval.weeks(8), 2, ALL_MODES))
    assert any(
        "Amber must be planned at least as often as green" in p for p in validate_rag_settings(settings)
    )


def test_a_missing_cadence_unknown_status_or_bad_cadence_is_refused():
    cadences = dict(DEFAULT_RAG_SETTINGS.cadences)
    del cadences[(Rating.GREEN, "cin")]
    cadences[(Rating.RED, "foster")] = Cadence(Interval.weeks(1), 1, FACE_TO_FACE)
    cadences[(Rating.RED, "cp")] = Cadence(Interval.working_days(10), 1, frozenset())
    problems = validate_rag_settings(replace(DEFAULT_RAG_SETTINGS, cadences=cadences))
    assert "Set the green contact for child in need" in problems
    assert "Unknown legal status 'foster' in the cadences" in problems
    assert "Red contact for child protection plan: Choose at least one way of making contact" in problems


def test_review_dates_must_be_sooner_for_higher_risk():
    review = dict(DEFAULT_RAG_SETTINGS.review_after)
    review[Rating.RED] = Interval.weeks(8)
    problems = validate_rag_settings(replace(DEFAULT_RAG_SETTINGS, review_after=review))
    assert "Red ratings must be reviewed no later than amber ratings" in problems


def test_definitions_and_a_name_are_required():
    settings = replace(
        DEFAULT_RAG_SETTINGS, label=" ", definitions={Rating.RED: "x", Rating.AMBER: "", Rating.GREEN: "y"}
    )
    problems = validate_rag_settings(settings)
    assert "Enter a name for these settings" in problems
    assert "Enter what amber means" in problems


def test_every_status_has_a_default_cadence_for_every_rating():
    for status in STATUSES:
        for rating in Rating:
            assert DEFAULT_RAG_SETTINGS.cadence(rating, status).interval.amount >= 1
