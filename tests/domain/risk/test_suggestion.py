"""The system suggests a rating from recorded factors; professionals decide."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.contact import STATUSES, Rating, risk_rank
from domain.risk import FACTORS, FACTORS_BY_CODE, suggest_rating

factor_codes = st.sets(st.sampled_from([f.code for f in FACTORS]))
statuses = st.sets(st.sampled_from(STATUSES), max_size=3)
ages = st.none() | st.integers(min_value=0, max_value=24)


def test_no_factors_suggests_green_and_says_it_is_only_a_suggestion():
    suggestion = suggest_rating(factors=set(), statuses={"cin"}, age_years=9)
    assert suggestion.rating is Rating.GREEN
    assert suggestion.score == 0
    assert "A suggestion only" in suggestion.reasons[-1]


def test_domestic_abuse_with_parental_mental_health_suggests_amber():
    suggestion = suggest_rating(
        factors={"domestic_abuse", "parental_mental_health"}, statuses={"cin"}, age_years=7
    )
    assert (suggestion.rating, suggestion.score) == (Rating.AMBER, 5)
    assert "Domestic abuse in the household (+3)" in suggestion.reasons


def test_enough_weight_suggests_red():
    suggestion = suggest_rating(
        factors={"domestic_abuse", "parental_mental_health", "overcrowding"}, statuses={"cin"}, age_years=7
    )
    assert (suggestion.rating, suggestion.score) == (Rating.RED, 6)


def test_a_red_flag_alone_suggests_red():
    suggestion = suggest_rating(factors={"placement_at_risk"}, statuses={"lac"}, age_years=14)
    assert suggestion.rating is Rating.RED
    assert any("red flag" in reason for reason in suggestion.reasons)


def test_a_child_protection_plan_and_a_baby_count_without_being_ticked():
    suggestion = suggest_rating(factors=set(), statuses={"cp"}, age_years=0)
    assert {"cp_plan", "under_1"} <= suggestion.factors
    assert suggestion.rating is Rating.RED


def test_an_unknown_factor_is_named_and_ignored():
    suggestion = suggest_rating(factors={"astrology"}, statuses=set(), age_years=None)
    assert suggestion.rating is Rating.GREEN
    assert "Unknown factor 'astrology' ignored" in suggestion.reasons


@given(factor_codes, statuses, ages, st.sampled_from([f.code for f in FACTORS]))
def test_adding_a_factor_never_lowers_the_suggestion(factors, open_statuses, age, extra):
    before = suggest_rating(factors=factors, statuses=open_statuses, age_years=age)
    after = suggest_rating(factors=factors | {extra}, statuses=open_statuses, age_years=age)
    assert risk_rank(after.rating) <= risk_rank(before.rating)
    assert after.score >= before.score


@given(factor_codes, statuses, ages, st.sampled_from(STATUSES))
def test_adding_a_status_never_lowers_the_suggestion(factors, open_statuses, age, extra):
    before = suggest_rating(factors=factors, statuses=open_statuses, age_years=age)
    after = suggest_rating(factors=factors, statuses=open_statuses | {extra}, age_years=age)
    assert risk_rank(after.rating) <= risk_rank(before.rating)


def test_the_catalogue_has_unique_codes_non_negative_weights_and_a_source_for_each_factor():
    assert len(FACTORS_BY_CODE) == len(FACTORS)
    for factor in FACTORS:
        assert factor.weight >= 0
        assert factor.source
        assert factor.label


def test_the_catalogue_covers_the_factors_the_issue_names():
    expected = {
        "domestic_abuse",
        "parental_mental_health",
        "parental_substance_misuse",
        "under_1",
        "under_5_not_seen",
        "disability",
        "not_attending_education",
        "overcrowding",
        "household_covid",
        "refused_access",
        "cp_plan",
        "recent_s47",
        "at_home_under_care_order",
        "placement_at_risk",
        "care_leaver_unstable_accommodation",
    }
    assert expected <= set(FACTORS_BY_CODE)
