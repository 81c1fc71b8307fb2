"""COVID-19 checks before a visit: DfE guidance for local authorities, 3 April 2020."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.contact import Rating, covid_visit_advice
from domain.contact.enums import HOUSEHOLD_COVID_STATUSES


@pytest.mark.parametrize("status", ["symptomatic", "confirmed"])
def test_ppe_is_required_where_someone_is_symptomatic_or_confirmed(status):
    assert covid_visit_advice({status}, rating=Rating.RED).ppe_required


@pytest.mark.parametrize("statuses", [set(), {"isolating"}, {"shielding"}, {"isolating", "shielding"}])
def test_ppe_is_not_required_otherwise(statuses):
    assert not covid_visit_advice(statuses, rating=Rating.RED).ppe_required


@pytest.mark.parametrize("rating", [Rating.AMBER, Rating.GREEN])
@pytest.mark.parametrize("status", ["isolating", "shielding"])
def test_an_isolating_or_shielding_household_is_suggested_for_virtual_contact_unless_red(status, rating):
    assert covid_visit_advice({status}, rating=rating).replan_suggested
    red = covid_visit_advice({status}, rating=Rating.RED)
    assert not red.replan_suggested
    assert "goes ahead" in red.message


def test_a_household_with_no_covid_status_is_not_replanned():
    advice = covid_visit_advice(set(), rating=Rating.GREEN)
    assert not advice.replan_suggested


def test_with_no_status_recorded_the_advice_says_ppe_need_is_not_known():
    advice = covid_visit_advice(set(), rating=Rating.GREEN)
    assert not advice.status_known
    assert "PPE is not required" not in advice.message
    assert "it is not known whether PPE is needed" in advice.message
    shielding = covid_visit_advice({"shielding"}, rating=Rating.GREEN)
    assert shielding.status_known
    assert "PPE is not required" in shielding.message


@given(st.sets(st.sampled_from(HOUSEHOLD_COVID_STATUSES)), st.sampled_from(list(Rating)))
def test_a_screening_call_and_social_distancing_advice_always_come_with_the_visit(statuses, rating):
    advice = covid_visit_advice(statuses, rating=rating)
    assert advice.screening_call
    assert "social distancing" in advice.message
    assert advice.ppe_required == bool(statuses & {"symptomatic", "confirmed"})
    assert "3 April 2020" in advice.source


def test_an_unknown_household_status_is_refused():
    with pytest.raises(ValueError, match="Unknown household COVID status"):
        covid_visit_advice({"recovered"}, rating=Rating.RED)
