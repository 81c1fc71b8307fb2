"""Who may be allocated children (domain/people/workforce.py), every branch: each kind of staff, every
subset of a returner's checks, an engagement's end date either side of today, and the details each kind
must have recorded."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.people import restricted, workforce
from domain.people.workforce import Worker, allocation_refusal

TODAY = date(2020, 4, 20)
ALL_CHECKS = frozenset(c.id for c in workforce.RETURNER_CHECKS)


def test_the_returner_checks_are_the_ones_the_guidance_names_each_with_its_source():
    assert [c.id for c in workforce.RETURNER_CHECKS] == [
        "registration",
        "fitness_to_practise",
        "references",
        "right_to_work",
        "identity",
        "dbs",
    ]
    for check in workforce.RETURNER_CHECKS:
        assert check.source.startswith(workforce.DFE_2020_04_03)
    assert "fast-tracked DBS checks" in workforce.CHECKS_BY_ID["dbs"].source
    assert "fitness to practice case upheld" in workforce.CHECKS_BY_ID["fitness_to_practise"].source
    assert "usual employment checks" in workforce.CHECKS_BY_ID["references"].source
    assert "critical workers" in workforce.STUDENT_RULE_SOURCE


@pytest.mark.parametrize("size", range(len(ALL_CHECKS)))
def test_a_returner_with_any_check_outstanding_is_refused_naming_every_missing_one(size):
    for done in combinations(sorted(ALL_CHECKS), size):
        refusal = allocation_refusal(Worker("Rae Turner", workforce.RETURNER, frozenset(done)), today=TODAY)
        assert refusal is not None
        assert refusal.startswith("Rae Turner is a returning social worker and cannot be allocated children")
        missing = [c for c in workforce.RETURNER_CHECKS if c.id not in done]
        for check in missing:
            assert check.title.lower() in refusal.lower()
        for check in workforce.RETURNER_CHECKS:
            if check.id in done:
                assert check.title.lower() not in refusal.lower()


def test_a_returner_with_every_check_recorded_may_be_allocated():
    assert allocation_refusal(Worker("Rae Turner", workforce.RETURNER, ALL_CHECKS), today=TODAY) is None


def test_the_outstanding_message_lists_the_checks_in_plain_english():
    refusal = allocation_refusal(
        Worker("Rae Turner", workforce.RETURNER, ALL_CHECKS - {"references", "dbs"}), today=TODAY
    )
    assert refusal is not None
    assert refusal.endswith("Still to record: references and DBS check (fast-tracked)")


@pytest.mark.parametrize("checks", [frozenset(), ALL_CHECKS])
def test_a_student_is_never_the_allocated_worker_whatever_is_recorded(checks):
    refusal = allocation_refusal(
        Worker("Sam Student", workforce.STUDENT, checks, supervisor="Pat Lead"), today=TODAY
    )
    assert refusal == (
        "Sam Student is a student on placement: a student cannot be a child's allocated worker. Allocate "
        "the child to their practice supervisor, Pat Lead, who can ask the student to work with the child"
    )
    without = allocation_refusal(Worker("Sam Student", workforce.STUDENT), today=TODAY)
    assert without is not None
    assert "a qualified social worker" in without


@pytest.mark.parametrize("kind", [workforce.PERMANENT, workforce.AGENCY, workforce.SECONDED])
def test_permanent_agency_and_seconded_staff_need_no_checks(kind):
    assert allocation_refusal(Worker("Al", kind), today=TODAY) is None


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        (workforce.AGENCY, "contract"),
        (workforce.SECONDED, "secondment"),
        (workforce.STUDENT, "placement"),
        (workforce.RETURNER, "contract"),
    ],
)
def test_an_engagement_that_has_ended_is_refused_from_the_day_after_its_end(kind, what):
    checks = ALL_CHECKS
    on_the_day = Worker("Al Agency", kind, checks, ends_on=TODAY)
    after = Worker("Al Agency", kind, checks, ends_on=date(2020, 4, 19))
    if kind != workforce.STUDENT:
        assert allocation_refusal(on_the_day, today=TODAY) is None
        assert allocation_refusal(after, today=TODAY) == (
            f"Al Agency's {what} ended on 19 April 2020: they cannot be allocated children"
        )
    assert workforce.ended_refusal(after, today=TODAY) is not None
    assert workforce.ended_refusal(on_the_day, today=TODAY) is None


def test_a_permanent_worker_has_no_end_date_rule():
    assert workforce.ended_refusal(Worker("P", ends_on=date(2019, 1, 1)), today=TODAY) is None


def test_the_order_of_refusals_is_student_then_ended_then_checks():
    ended_returner = Worker("R", workforce.RETURNER, ends_on=date(2020, 1, 1))
    refusal = allocation_refusal(ended_returner, today=TODAY)
    assert refusal is not None
    assert "ended on 1 January 2020" in refusal


@given(st.frozensets(st.sampled_from(sorted(ALL_CHECKS))))
def test_outstanding_checks_are_exactly_the_complement_in_order(done):
    outstanding = workforce.outstanding_checks(done)
    assert {c.id for c in outstanding} == ALL_CHECKS - done
    order = [c.id for c in workforce.RETURNER_CHECKS]
    assert [c.id for c in outstanding] == [i for i in order if i not in done]


@pytest.mark.parametrize(
    ("reference", "ok"),
    [
        ("SW123456", True),
        ("sw 123456", True),
        ("SW1", True),
        ("123456", False),
        ("SWX123", False),
        ("", False),
    ],
)
def test_a_registration_needs_a_social_work_england_number(reference, ok):
    errors = workforce.check_problems("registration", confirmed_on=TODAY, reference=reference, today=TODAY)
    assert ("reference" not in errors) is ok
    if not ok:
        assert errors["reference"] == workforce.BAD_REGISTRATION_NUMBER


def test_a_check_needs_a_date_not_in_the_future_and_a_known_kind():
    assert workforce.check_problems("dbs", confirmed_on=TODAY, reference="", today=TODAY) == {}
    assert workforce.check_problems("dbs", confirmed_on=date(2020, 4, 21), reference="", today=TODAY) == {
        "confirmed_on": workforce.CHECK_IN_FUTURE
    }
    assert workforce.check_problems("dbs", confirmed_on=None, reference="", today=TODAY) == {
        "confirmed_on": "Enter the date of the dbs certificate"
    }
    assert "kind" in workforce.check_problems("shoe_size", confirmed_on=TODAY, reference="", today=TODAY)


def test_a_student_needs_a_university_and_a_qualified_supervisor_who_is_not_themselves():
    assert workforce.profile_problems(workforce.STUDENT) == {
        "university": workforce.NO_UNIVERSITY,
        "practice_supervisor": workforce.NO_SUPERVISOR,
    }
    assert workforce.profile_problems(workforce.STUDENT, university="Leeds", supervisor_id=4, own_id=4) == {
        "practice_supervisor": workforce.OWN_SUPERVISOR
    }
    assert workforce.profile_problems(
        workforce.STUDENT, university="Leeds", supervisor_id=5, supervisor_kind=workforce.STUDENT, own_id=4
    ) == {"practice_supervisor": workforce.SUPERVISOR_IS_STUDENT}
    assert (
        workforce.profile_problems(
            workforce.STUDENT,
            university="Leeds",
            supervisor_id=5,
            supervisor_kind=workforce.RETURNER,
            own_id=4,
        )
        == {}
    )


@pytest.mark.parametrize("kind", [workforce.AGENCY, workforce.SECONDED])
def test_agency_and_seconded_staff_need_their_organisation(kind):
    assert workforce.profile_problems(kind) == {"organisation": workforce.NO_ORGANISATION}
    assert workforce.profile_problems(kind, organisation="Cafcass") == {}


@pytest.mark.parametrize("kind", [workforce.PERMANENT, workforce.RETURNER])
def test_permanent_staff_and_returners_need_nothing_more(kind):
    assert workforce.profile_problems(kind) == {}


def test_the_last_name_on_a_restricted_record_stays():
    assert restricted.removal_problem(name="Pat", named_count=1) == restricted.LAST_NAMED.format(name="Pat")
    assert restricted.removal_problem(name="Pat", named_count=0) is not None
    assert restricted.removal_problem(name="Pat", named_count=2) is None
