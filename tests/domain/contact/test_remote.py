"""SI 2020/909 reg 28(1A)-(1E): what a remote contact must record, under the regime of its day."""

from __future__ import annotations

from datetime import date

import pytest

from domain.contact import COVID_REASONS, Mode, remote_contact_requirements
from domain.regimes import rules_in_force


def test_a_face_to_face_contact_needs_no_remote_record():
    need = remote_contact_requirements(
        planned_face_to_face=True, mode=Mode.DOORSTEP, rules=rules_in_force(date(2020, 11, 2))
    )
    assert not need.remote
    assert not need.reason_required
    assert not need.is_departure(None)


def test_under_si_2020_909_a_remote_visit_needs_a_covid_reason_the_nominated_officer_and_a_record():
    need = remote_contact_requirements(
        planned_face_to_face=True, mode=Mode.VIDEO, rules=rules_in_force(date(2020, 11, 2))
    )
    assert need.reason_required
    assert need.lawful_reasons == COVID_REASONS
    assert need.lawful_reasons == ("contrary_to_public_health_guidance", "not_reasonably_practicable_covid")
    assert need.nominated_officer_recommendation_required
    assert need.record_required
    assert need.statutory
    assert "28(1A)-(1E)" in need.source
    assert not need.departure
    assert need.is_departure(None)
    assert need.is_departure("family preferred video")
    assert not need.is_departure("not_reasonably_practicable_covid")


def test_the_covid_condition_applies_even_where_the_plan_chose_remote_contact():
    need = remote_contact_requirements(
        planned_face_to_face=False, mode=Mode.PHONE, rules=rules_in_force(date(2021, 2, 1))
    )
    assert need.reason_required
    assert need.is_departure(None)


def test_the_2021_regulations_keep_the_covid_condition():
    need = remote_contact_requirements(
        planned_face_to_face=True, mode=Mode.VIDEO, rules=rules_in_force(date(2021, 6, 1))
    )
    assert need.lawful_reasons == COVID_REASONS


def test_under_si_2020_445_a_remote_visit_counts_without_a_covid_reason():
    need = remote_contact_requirements(
        planned_face_to_face=False, mode=Mode.VIDEO, rules=rules_in_force(date(2020, 5, 1))
    )
    assert not need.reason_required
    assert not need.is_departure(None)
    planned = remote_contact_requirements(
        planned_face_to_face=True, mode=Mode.VIDEO, rules=rules_in_force(date(2020, 5, 1))
    )
    assert planned.reason_required
    assert not planned.is_departure(None)


@pytest.mark.parametrize("day", [date(2019, 6, 1), date(2022, 1, 10)])
def test_under_the_normal_rules_a_remote_statutory_visit_is_always_a_departure(day):
    need = remote_contact_requirements(planned_face_to_face=True, mode=Mode.PHONE, rules=rules_in_force(day))
    assert need.departure
    assert need.is_departure("contrary_to_public_health_guidance")
    assert need.reason_required


def test_short_break_visits_follow_the_same_rule():
    need = remote_contact_requirements(
        planned_face_to_face=True,
        mode=Mode.VIDEO,
        rules=rules_in_force(date(2020, 11, 2)),
        requirement="lac.short_break_visit",
    )
    assert need.lawful_reasons == COVID_REASONS
    assert "48(4)-(6)" in need.source


def test_a_contact_only_under_the_las_plan_records_why_but_is_not_a_statutory_departure():
    need = remote_contact_requirements(
        planned_face_to_face=True, mode=Mode.VIDEO, rules=rules_in_force(date(2020, 5, 1)), requirement=None
    )
    assert need.reason_required
    assert not need.statutory
    assert not need.is_departure(None)
    unplanned = remote_contact_requirements(
        planned_face_to_face=False, mode=Mode.VIDEO, rules=rules_in_force(date(2020, 5, 1)), requirement=None
    )
    assert not unplanned.reason_required
