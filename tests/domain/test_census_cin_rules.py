"""Every rule in domain.census.cin.RULES: a hand-built child that makes it fire, and a near miss that keeps it
quiet (census year 2025-26: 1 April 2025 to 31 March 2026)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain.census import cin
from domain.census.cin import Assessment, CinChild, Episode, PlanDates, ProtectionPlan, Section47Enquiry
from domain.census.years import CollectionYear

YEAR = CollectionYear(2026)
REFERRAL = date(2025, 6, 2)
CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def good_upn(digits: str) -> str:
    total = sum(int(c) * w for w, c in enumerate(digits, start=2))
    return CHECK[total % 23] + digits


def episode(**kwargs: object) -> Episode:
    values: dict[str, object] = {"referral": REFERRAL, "source": "1A", "primary_need": "N4", "nfa": False}
    return Episode(**(values | kwargs), line=5)  # type: ignore[arg-type]


def child(*episodes: Episode, **kwargs: object) -> CinChild:
    values: dict[str, object] = {
        "la_child_id": "C1",
        "upn": good_upn("201000000017"),
        "birth": date(2015, 1, 1),
        "sex": "M",
        "ethnicity": "WBRI",
        "disabilities": ("NONE",),
        "episodes": list(episodes) or [episode()],
        "line": 2,
    }
    return CinChild(**(values | kwargs))  # type: ignore[arg-type]


def assessed(**kwargs: object) -> CinChild:
    values: dict[str, object] = {
        "start": date(2025, 6, 3),
        "authorised": date(2025, 6, 20),
        "factors": ("3A",),
    }
    return child(episode(assessments=[Assessment(**(values | kwargs), line=7)]))  # type: ignore[arg-type]


def planned(**kwargs: object) -> CinChild:
    return child(episode(plans=[PlanDates(**({"start": date(2025, 6, 3)} | kwargs), line=8)]))  # type: ignore[arg-type]


def enquired(**kwargs: object) -> CinChild:
    values: dict[str, object] = {"start": date(2025, 6, 3), "icpc": date(2025, 6, 16)}
    return child(episode(section47s=[Section47Enquiry(**(values | kwargs), line=9)]))  # type: ignore[arg-type]


def protected(**kwargs: object) -> CinChild:
    values: dict[str, object] = {
        "start": date(2025, 6, 16),
        "initial_category": "NEG",
        "latest_category": "NEG",
        "previous_plans": 0,
    }
    return child(episode(cp_plans=[ProtectionPlan(**(values | kwargs), line=10)]))  # type: ignore[arg-type]


def closed(closure: date, reason: str = "RC1", **kwargs: object) -> CinChild:
    return child(episode(closure=closure, closure_reason=reason, **kwargs))


UNBORN = {"birth": None, "expected_birth": date(2026, 5, 1), "disabilities": None}
SATURDAY, MONDAY = date(2025, 6, 14), date(2025, 6, 16)
DEATH = date(2025, 9, 1)
FIRST = episode(referral=date(2025, 4, 10), closure=date(2025, 8, 1), closure_reason="RC7")

# name of the rule function -> (a child that breaks it, a near miss that does not)
CASES: dict[str, tuple[Callable[[], CinChild], Callable[[], CinChild]]] = {
    "rule_1570": (lambda: child(la_child_id="A" * 21), lambda: child(la_child_id="A" * 20)),
    "rule_1580": (lambda: child(la_child_id="AB-1"), lambda: child(la_child_id="AB1")),
    "rule_1510": (
        lambda: child(upn="B" + good_upn("201000000017")[1:]),
        lambda: child(upn=good_upn("201000000017")),
    ),
    "rule_1530": (lambda: child(upn=good_upn("999000000017")), lambda: child(upn=good_upn("201000000017"))),
    "rule_1540": (lambda: child(upn="A201ABCDEFGH1"), lambda: child(upn=good_upn("201000000017"))),
    "rule_1550": (lambda: child(upn="A20100000001I"), lambda: child(upn="A20100000001A")),
    "rule_1560Q": (lambda: child(former_upn="A12345"), lambda: child(former_upn="A123456789012")),
    "schema_upn_unknown": (
        lambda: child(upn="", upn_unknown="UN9"),
        lambda: child(upn="", upn_unknown="UN7"),
    ),
    "rule_4180": (lambda: child(sex="1"), lambda: child(sex="U")),
    "rule_8750": (lambda: child(sex="F", **UNBORN), lambda: child(sex="U", **UNBORN)),
    "rule_8520": (lambda: child(birth=date(2026, 4, 1)), lambda: child(birth=date(2026, 3, 31))),
    "rule_4220": (lambda: child(ethnicity="WXYZ"), lambda: child(ethnicity="NOBT")),
    "rule_8540": (lambda: child(disabilities=None), lambda: child(disabilities=("LD",))),
    "rule_8790": (lambda: child(disabilities=("NONE", "LD")), lambda: child(disabilities=("LD", "HEAR"))),
    "rule_8794": (lambda: child(disabilities=("LD", "LD")), lambda: child(disabilities=("LD",))),
    "rule_8866": (lambda: child(episode(source="ZZ")), lambda: child(episode(source="10"))),
    "rule_8650": (lambda: child(episode(primary_need="N10")), lambda: child(episode(primary_need="N9"))),
    "rule_8640": (lambda: closed(date(2025, 7, 1), "RC0"), lambda: closed(date(2025, 7, 1), "RC9")),
    "rule_8610": (
        lambda: child(episode(primary_need="")),
        lambda: child(episode(primary_need="", nfa=True), disabilities=None),
    ),
    "rule_8568": (lambda: child(episode(nfa=None)), lambda: child(episode(nfa=False))),
    "rule_8600": (
        lambda: child(episode(referral=date(2026, 4, 1))),
        lambda: child(episode(referral=date(2026, 3, 31))),
    ),
    "rule_8630": (lambda: closed(date(2025, 6, 1)), lambda: closed(REFERRAL)),
    "rule_8620": (lambda: closed(date(2026, 4, 1)), lambda: closed(date(2026, 3, 31))),
    "rule_8805": (lambda: closed(date(2025, 7, 1), ""), lambda: closed(date(2025, 7, 1), "RC1")),
    "rule_8810": (lambda: child(episode(closure_reason="RC7")), lambda: child(episode(closure_reason=""))),
    "rule_8831": (
        lambda: child(episode(nfa=True, assessments=[Assessment(date(2025, 6, 3))])),
        lambda: child(episode(nfa=True)),
    ),
    "rule_8875": (lambda: child(episode(icpc=SATURDAY)), lambda: child(episode(icpc=MONDAY))),
    "rule_8820": (
        lambda: child(FIRST, episode(referral=date(2025, 7, 1))),
        lambda: child(FIRST, episode(referral=date(2025, 8, 1))),
    ),
    "schema_assessment_factors": (lambda: assessed(factors=("99Z",)), lambda: assessed(factors=("24A",))),
    "rule_8869": (lambda: assessed(factors=("21", "3A")), lambda: assessed(factors=("21",))),
    "rule_8898": (lambda: assessed(factors=("3A", "3A")), lambda: assessed(factors=("3A", "4A"))),
    "rule_8614": (lambda: assessed(authorised=None), lambda: assessed(authorised=None, factors=())),
    "rule_1103": (lambda: assessed(start=date(2025, 6, 1)), lambda: assessed(start=REFERRAL)),
    "rule_8608": (
        lambda: assessed(authorised=date(2025, 6, 2)),
        lambda: assessed(authorised=date(2025, 6, 3)),
    ),
    "rule_8696": (
        lambda: assessed(start=date(2025, 3, 1), authorised=date(2025, 3, 31)),
        lambda: assessed(start=date(2025, 3, 1), authorised=date(2025, 4, 1)),
    ),
    "rule_4015": (lambda: planned(start=date(2025, 6, 1)), lambda: planned(start=REFERRAL)),
    "rule_2889": (lambda: enquired(start=date(2025, 6, 1)), lambda: enquired(start=REFERRAL)),
    "rule_8615": (lambda: enquired(icpc=date(2025, 6, 2)), lambda: enquired(icpc=date(2025, 6, 3))),
    "rule_8905": (lambda: protected(initial_category="BAD"), lambda: protected(initial_category="MUL")),
    "rule_8910": (lambda: protected(latest_category="BAD"), lambda: protected(latest_category="SAB")),
    "rule_8730": (lambda: protected(previous_plans=None), lambda: protected(previous_plans=0)),
    "rule_1105": (lambda: protected(start=date(2025, 6, 1)), lambda: protected(start=REFERRAL)),
    "rule_8840": (lambda: protected(end=date(2025, 6, 16)), lambda: protected(end=date(2025, 6, 17))),
    "rule_8841": (
        lambda: protected(reviews=(date(2025, 6, 15),)),
        lambda: protected(reviews=(date(2025, 7, 16),)),
    ),
    "rule_4008": (
        lambda: child(episode(plans=[PlanDates(date(2025, 9, 2), line=8)]), death=DEATH),
        lambda: child(episode(plans=[PlanDates(DEATH, line=8)]), death=DEATH),
    ),
    "rule_8915": (
        lambda: child(
            episode(cp_plans=[ProtectionPlan(date(2025, 9, 2), None, "NEG", "NEG", 0, line=10)]), death=DEATH
        ),
        lambda: child(episode(cp_plans=[ProtectionPlan(DEATH, None, "NEG", "NEG", 0, line=10)]), death=DEATH),
    ),
    "rule_8920": (
        lambda: child(
            episode(cp_plans=[ProtectionPlan(MONDAY, date(2025, 9, 2), "NEG", "NEG", 0, line=10)]),
            death=DEATH,
        ),
        lambda: child(
            episode(cp_plans=[ProtectionPlan(MONDAY, DEATH, "NEG", "NEG", 0, line=10)]), death=DEATH
        ),
    ),
}
BY_NAME = {rule.check.__name__: rule for rule in cin.RULES}  # type: ignore[attr-defined]


def test_every_rule_in_the_catalogue_has_a_firing_and_a_quiet_case() -> None:
    assert sorted(CASES) == sorted(BY_NAME)
    assert len(BY_NAME) == len(cin.RULES)  # no function registered twice


@pytest.mark.parametrize("rule", cin.RULES, ids=lambda rule: rule.check.__name__)
def test_each_rule_is_named_by_its_code_and_states_its_dfe_message(rule: cin.Rule) -> None:
    name = rule.check.__name__  # type: ignore[attr-defined]
    assert name == f"rule_{rule.code}" or (rule.code == cin.SCHEMA and name.startswith("schema_"))
    assert (rule.check.__doc__ or "").strip()
    assert rule.source


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_rule_fires(name: str) -> None:
    rule = BY_NAME[name]
    found = list(rule.check(CASES[name][0](), YEAR))
    assert found
    assert {breach.rule for breach in found} == {rule.code}
    assert all(breach.message and breach.fix and breach.line for breach in found)
    assert rule.code in {breach.rule for breach in cin.breaches(CASES[name][0](), 2026)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_rule_keeps_quiet_on_a_near_miss(name: str) -> None:
    assert list(BY_NAME[name].check(CASES[name][1](), YEAR)) == []
