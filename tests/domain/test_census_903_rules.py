"""Every rule in domain.census.ssda903.ROW_RULES and CHILD_RULES: a hand-built row (or child) that makes it
fire, and a near miss that keeps it quiet (collection year 2025-26)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.census import ssda903 as s903
from domain.census.years import CollectionYear

YEAR = CollectionYear(2026)
HEADER = dict(CHILD="1", SEX="M", DOB="01/01/2015", ETHNIC="WBRI", UPN="H318000123451", MOTHER="", MC_DOB="")
EPISODE = dict(
    CHILD="1", DECOM="01/05/2025", RNE="S", LS="C2", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1", DEC="",
    REC="", REASON_PLACE_CHANGE="", HOME_POST="TW1 1AA", PL_POST="TW1 1AF", URN="SC123456",
)  # fmt: skip
CLOSED = EPISODE | {"DEC": "01/06/2025", "REC": "E13"}
REVIEW = dict(CHILD="1", DOB="10/06/2021", REVIEW="10/06/2025", REVIEW_CODE="PN0")
OC2 = {name: "0" for name in s903.OC2_FLAGS} | {"CHILD": "1", "DOB": "01/01/2015", "SDQ_SCORE": "40"}
SW = dict(CHILD="1", DOB="01/01/2015", SW_ID="SW123", SW_DECOM="01/05/2025", SW_DEC="", SW_REASON="MANAGE")

# code -> (a row that breaks it, a near miss that does not)
ROWS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "101": (HEADER | {"SEX": "1"}, HEADER | {"SEX": "U"}),
    "103": (HEADER | {"ETHNIC": ""}, HEADER | {"ETHNIC": "NOBT"}),
    "168": (HEADER | {"UPN": "I318000123451"}, HEADER | {"UPN": "UN5"}),
    "611": (HEADER | {"MOTHER": "1"}, HEADER | {"MOTHER": "1", "MC_DOB": "01/01/2024"}),
    "612": (HEADER | {"MOTHER": "0", "MC_DOB": "01/01/2024"}, HEADER | {"MOTHER": "0"}),
    "143": (EPISODE | {"RNE": "X"}, EPISODE | {"RNE": "B"}),
    "144": (EPISODE | {"LS": "C3"}, EPISODE | {"LS": "L3"}),
    "145": (EPISODE | {"CIN": "N9"}, EPISODE | {"CIN": "N8"}),
    "146": (EPISODE | {"PLACE": "H5"}, EPISODE | {"PLACE": "Z14", "PLACE_PROVIDER": ""}),
    "149": (CLOSED | {"REC": "E4"}, CLOSED | {"REC": "E4A"}),
    "1009": (CLOSED | {"REASON_PLACE_CHANGE": "MOVED"}, CLOSED | {"REASON_PLACE_CHANGE": "CARPL"}),
    "213": (EPISODE | {"PLACE": "T4"}, EPISODE | {"PLACE": "T4", "PLACE_PROVIDER": ""}),
    "178": (EPISODE | {"PLACE_PROVIDER": "PR9"}, EPISODE | {"PLACE_PROVIDER": "PR5"}),
    "148": (EPISODE | {"REC": "E13"}, CLOSED),
    "356": (CLOSED | {"DEC": "30/04/2025"}, CLOSED | {"DEC": "01/05/2025"}),
    "233": (EPISODE | {"REASON_PLACE_CHANGE": "CARPL"}, CLOSED | {"REASON_PLACE_CHANGE": "CARPL"}),
    "167": (REVIEW | {"REVIEW_CODE": "PN8"}, REVIEW | {"REVIEW_CODE": "PN0"}),
    "440": (REVIEW | {"REVIEW": "11/06/2025"}, REVIEW),  # the 4th birthday itself is still PN0
    "441": (REVIEW | {"REVIEW_CODE": "PN1", "REVIEW": "09/06/2025"}, REVIEW | {"REVIEW_CODE": "PN1"}),
    "181": (OC2 | {"CONVICTED": "2"}, OC2 | {"CONVICTED": "1"}),
    "180": (OC2 | {"SDQ_SCORE": "41"}, OC2 | {"SDQ_SCORE": "0"}),
    "196": (OC2 | {"SDQ_REASON": "SDQ6"}, OC2 | {"SDQ_REASON": "SDQ5"}),
    "131": ({"CHILD": "1", "IN_TOUCH": "MAYBE"}, {"CHILD": "1", "IN_TOUCH": "RHOM"}),
    "132": ({"CHILD": "1", "ACTIV": "F3"}, {"CHILD": "1", "ACTIV": "G6"}),
    "133": ({"CHILD": "1", "ACCOM": "01"}, {"CHILD": "1", "ACCOM": "0"}),
    "114": ({"CHILD": "1", "FOSTER_CARE": "2"}, {"CHILD": "1", "FOSTER_CARE": "1"}),
    "175": ({"CHILD": "1", "NB_ADOPTR": "3"}, {"CHILD": "1", "NB_ADOPTR": "2"}),
    "176": ({"CHILD": "1", "SEX_ADOPTR": "M2"}, {"CHILD": "1", "SEX_ADOPTR": "MF"}),
    "177": ({"CHILD": "1", "LS_ADOPTR": "L5"}, {"CHILD": "1", "LS_ADOPTR": "L4"}),
    "120": ({"CHILD": "1", "REASON_PLACED_CEASED": "RD5"}, {"CHILD": "1", "REASON_PLACED_CEASED": "RD4"}),
    "631": ({"CHILD": "1", "PREV_PERM": "P5"}, {"CHILD": "1", "PREV_PERM": "Z1"}),
    "633": ({"CHILD": "1", "LA_PERM": "123"}, {"CHILD": "1", "LA_PERM": "NIR"}),
    "1006": ({"CHILD": "1", "MISSING": "X"}, {"CHILD": "1", "MISSING": "A"}),
    "SW02STG1": (SW | {"SW_ID": "SW1"}, SW | {"SW_ID": "XX01"}),
    "SW13STG1": (SW | {"SW_REASON": ""}, SW | {"SW_REASON": "", "SW_DECOM": "31/03/2023"}),
}
FIRST_IN_YEAR = s903.FirstEpisode(date(2025, 4, 1), "P", "episodes.csv, row 2")
CHILDREN: dict[str, tuple[s903.ChildRows, s903.ChildRows]] = {
    "357": (
        s903.ChildRows(first_episode=FIRST_IN_YEAR),
        s903.ChildRows(first_episode=s903.FirstEpisode(date(2025, 3, 31), "P", "episodes.csv, row 2")),
    ),
    "231": (
        s903.ChildRows(date_of_birth=date(2015, 4, 1), uasc=True),
        s903.ChildRows(date_of_birth=date(2015, 3, 31), uasc=True),
    ),
}


def test_every_rule_in_the_catalogues_has_a_firing_and_a_quiet_case() -> None:
    assert sorted(ROWS) == sorted(rule.code for rule in s903.ROW_RULES)
    assert sorted(CHILDREN) == sorted(rule.code for rule in s903.CHILD_RULES)


@pytest.mark.parametrize("rule", [*s903.ROW_RULES, *s903.CHILD_RULES], ids=lambda rule: rule.code)
def test_each_rule_is_named_by_its_code_and_states_its_dfe_message(rule: s903.RowRule) -> None:
    assert rule.check.__name__ == f"rule_{rule.code}"  # type: ignore[attr-defined]
    assert (rule.check.__doc__ or "").strip()
    assert rule.source.endswith(f"rule_{rule.code}.py")


@pytest.mark.parametrize("rule", s903.ROW_RULES, ids=lambda rule: rule.code)
def test_the_row_rule_fires_and_keeps_quiet_on_a_near_miss(rule: s903.RowRule) -> None:
    breaks, passes = ROWS[rule.code]
    found = list(rule.check(breaks))
    assert found
    assert all(breach.rule == rule.code and breach.message and breach.fix for breach in found)
    assert rule.code in {breach.rule for breach in s903.row_breaches(rule.table, breaks, year=2026)}
    assert list(rule.check(passes)) == []


@pytest.mark.parametrize("rule", s903.CHILD_RULES, ids=lambda rule: rule.code)
def test_the_child_rule_fires_and_keeps_quiet_on_a_near_miss(rule: s903.ChildRule) -> None:
    breaks, passes = CHILDREN[rule.code]
    found = list(rule.check(breaks, YEAR))
    assert found
    assert all(breach.rule == rule.code and breach.message and breach.fix for breach in found)
    assert list(rule.check(passes, YEAR)) == []
