"""domain.census.cin: code lists, value parsing, UPN checks and the DfE rule breaches of one child."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.census import cin
from domain.census.cin import Assessment, CinChild, Episode, ProtectionPlan, Section47Enquiry

CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def good_upn(digits: str) -> str:
    total = sum(int(c) * w for w, c in enumerate(digits, start=2))
    return CHECK[total % 23] + digits


def rules(child: CinChild, year: int = 2026) -> set[str]:
    return {breach.rule for breach in cin.breaches(child, year)}


def clean_child(**kwargs: object) -> CinChild:
    episode = Episode(referral=date(2025, 6, 2), source="1A", primary_need="N4", nfa=False, line=5)
    values: dict[str, object] = {
        "la_child_id": "C1",
        "upn": good_upn("201000000017"),
        "birth": date(2015, 1, 1),
        "sex": "M",
        "ethnicity": "WBRI",
        "disabilities": ("NONE",),
        "episodes": [episode],
        "line": 2,
    }
    values.update(kwargs)
    return CinChild(**values)  # type: ignore[arg-type]


# --- parsing ------------------------------------------------------------------------------------------


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips_iso(day: date) -> None:
    assert cin.parse_date(day.isoformat()) == day
    assert cin.parse_date(f" {day.isoformat()}T10:00:00Z ") == day


@pytest.mark.parametrize("text", ["2025-02-29", "2025-13-01", "2025-04-31", "2025-00-10"])
def test_impossible_dates_are_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(cin.ValueProblem, match="not a real date"):
        cin.parse_date(text)


@given(st.text(max_size=30))
def test_parse_date_never_fails_unexpectedly(text: str) -> None:
    problems: list[cin.ValueProblem] = []
    try:
        cin.parse_date(text)
    except cin.ValueProblem as problem:
        problems.append(problem)
    assert all(problem.fix for problem in problems)


@pytest.mark.parametrize(
    ("text", "value"), [("1", True), ("true", True), ("TRUE", True), ("0", False), ("false", False)]
)
def test_parse_bool(text: str, value: bool) -> None:
    assert cin.parse_bool(text) is value


@pytest.mark.parametrize("text", ["yes", "2", "", "y"])
def test_parse_bool_refuses_other_values(text: str) -> None:
    with pytest.raises(cin.ValueProblem):
        cin.parse_bool(text)


# --- UPN ----------------------------------------------------------------------------------------------


@given(st.from_regex(r"\A(20[1-9]|21[0-3])\d{9}\Z"))
def test_valid_upns_have_no_problems(digits: str) -> None:
    assert cin.upn_problems(good_upn(digits)) == []


@given(st.from_regex(r"\A20[1-9]\d{9}\Z"), st.sampled_from(CHECK))
def test_wrong_check_letter_is_1510(digits: str, letter: str) -> None:
    upn = letter + digits
    if letter != good_upn(digits)[0]:
        assert (
            "1510",
            f"UPN {upn} has the wrong check letter (expected {good_upn(digits)[0]})",
        ) in cin.upn_problems(upn)


def test_upn_rules() -> None:
    assert {r for r, _ in cin.upn_problems("A1234")} == {"1510"}
    assert "1530" in {r for r, _ in cin.upn_problems(good_upn("999000000017"))}
    assert "1540" in {r for r, _ in cin.upn_problems("A201ABCDEFGH1")}
    assert "1550" in {r for r, _ in cin.upn_problems("A20100000001I")}
    assert cin.upn_check_letter("A201000000017") == good_upn("201000000017")[0]


# --- breaches -----------------------------------------------------------------------------------------


def test_a_clean_child_has_no_breaches() -> None:
    assert cin.breaches(clean_child(), 2026) == []


def test_every_breach_has_rule_message_and_fix() -> None:
    child = clean_child(la_child_id="C-1" * 10, sex="1", ethnicity="XX", disabilities=("NONE", "LD", "LD"))
    for breach in cin.breaches(child, 2026):
        assert breach.rule
        assert breach.message
        assert breach.fix
        assert breach.line


def test_la_child_id_rules() -> None:
    assert {"1570", "1580"} <= rules(clean_child(la_child_id="ABC-" * 6))


def test_code_lists() -> None:
    episode = Episode(
        referral=date(2025, 6, 2), source="ZZ", primary_need="N10", closure_reason="RC0", nfa=False
    )
    episode.closure = date(2025, 7, 1)
    episode.assessments.append(Assessment(date(2025, 6, 3), None, date(2025, 6, 10), ("99Z",)))
    episode.cp_plans.append(ProtectionPlan(date(2025, 6, 20), None, "BAD", "BAD", 0))
    child = clean_child(ethnicity="WXYZ", disabilities=("FOO",), episodes=[episode], upn_unknown="UN9")
    assert {"8866", "8650", "8640", "4220", "8540", "schema", "8905", "8910"} <= rules(child)


def test_unborn_must_be_u() -> None:
    assert "8750" in rules(
        clean_child(birth=None, expected_birth=date(2026, 5, 1), sex="F", disabilities=None)
    )
    assert "8750" not in rules(
        clean_child(birth=None, expected_birth=date(2026, 5, 1), sex="U", disabilities=None)
    )


def test_nfa_with_assessment_and_closure_rules() -> None:
    episode = Episode(referral=date(2025, 6, 2), source="1A", primary_need="N4", nfa=True)
    episode.assessments.append(Assessment(date(2025, 6, 3), None, date(2025, 6, 10), ("21",)))
    episode.closure = date(2025, 5, 1)
    found = rules(clean_child(episodes=[episode]))
    assert {"8831", "8630", "8805"} <= found
    open_with_reason = Episode(
        referral=date(2025, 6, 2), source="1A", primary_need="N4", nfa=False, closure_reason="RC7"
    )
    assert "8810" in rules(clean_child(episodes=[open_with_reason]))


def test_cpp_rules() -> None:
    episode = Episode(referral=date(2025, 6, 2), source="1A", primary_need="N1", nfa=False)
    episode.cp_plans.append(
        ProtectionPlan(date(2025, 6, 1), date(2025, 6, 1), "NEG", "NEG", None, (date(2025, 5, 1),))
    )
    assert {"1105", "8730", "8840", "8841"} <= rules(clean_child(episodes=[episode]))


def test_icpc_at_weekend() -> None:
    saturday = date(2025, 6, 14)
    assert saturday.weekday() == 5
    episode = Episode(referral=date(2025, 6, 2), source="1A", primary_need="N1", nfa=False)
    episode.section47s.append(Section47Enquiry(date(2025, 6, 3), None, saturday, False))
    assert "8875" in rules(clean_child(episodes=[episode]))
    episode.section47s[0].icpc = saturday + timedelta(days=2)
    assert "8875" not in rules(clean_child(episodes=[episode]))


def test_overlapping_episodes_8820() -> None:
    first = Episode(
        referral=date(2025, 4, 10),
        closure=date(2025, 8, 1),
        closure_reason="RC7",
        source="1A",
        primary_need="N4",
        nfa=False,
    )
    second = Episode(referral=date(2025, 7, 1), source="1A", primary_need="N4", nfa=False)
    assert "8820" in rules(clean_child(episodes=[first, second]))
    second.referral = date(2025, 8, 2)
    assert "8820" not in rules(clean_child(episodes=[first, second]))


def test_period_rules() -> None:
    episode = Episode(referral=date(2026, 4, 2), source="1A", primary_need="N4", nfa=False)
    episode.closure, episode.closure_reason = date(2026, 5, 1), "RC7"
    episode.assessments.append(Assessment(date(2026, 4, 3), None, date(2024, 1, 1), ("21",)))
    assert {"8600", "8620", "8696", "8608"} <= rules(clean_child(episodes=[episode]))


@given(
    st.builds(
        CinChild,
        la_child_id=st.text(max_size=25),
        upn=st.text(max_size=14),
        sex=st.sampled_from(["", "M", "F", "U", "1", "X"]),
        birth=st.none() | st.dates(),
        expected_birth=st.none() | st.dates(),
        disabilities=st.none() | st.tuples(st.sampled_from(sorted(cin.DISABILITY_CODES))),
        episodes=st.lists(
            st.builds(
                Episode,
                referral=st.none() | st.dates(),
                closure=st.none() | st.dates(),
                nfa=st.none() | st.booleans(),
            ),
            max_size=3,
        ),
    ),
    st.integers(2017, 2030),
)
def test_breaches_never_crash(child: CinChild, year: int) -> None:
    for breach in cin.breaches(child, year):
        assert breach.rule
        assert breach.message


def test_factor_and_death_rules() -> None:
    episode = Episode(referral=date(2025, 6, 2), source="1A", primary_need="N1", nfa=False)
    episode.assessments.append(Assessment(date(2025, 6, 3), None, None, ("21", "3A", "3A")))
    episode.cp_plans.append(ProtectionPlan(date(2025, 9, 1), date(2025, 10, 1), "NEG", "NEG", 0))
    found = rules(clean_child(episodes=[episode], death=date(2025, 8, 1)))
    assert {"8869", "8898", "8614", "8915", "8920"} <= found
