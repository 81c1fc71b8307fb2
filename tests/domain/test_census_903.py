"""domain.census.ssda903: tables by column set, dates, code lists and the DfE rules a row or child breaks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.census import ssda903 as s903


def rules(table: str, year: int = 2026, **row: str) -> set[str]:
    return {breach.rule for breach in s903.row_breaches(table, row, year=year)}


# --- Tables --------------------------------------------------------------------------------------------


def test_every_table_is_identified_by_its_exact_columns_in_any_order():
    for spec in s903.TABLES:
        assert s903.identify(list(reversed(spec.columns))).table is spec
        assert s903.identify([c.lower() for c in spec.columns]).table is spec
    assert len({spec.column_set for spec in s903.TABLES}) == len(s903.TABLES)


def test_column_sets_are_the_dfe_ones():
    assert s903.HEADER.columns == ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
    assert s903.EPISODES.columns[-3:] == ("HOME_POST", "PL_POST", "URN")
    assert [spec.name for spec in s903.tables_for(2026)] == [
        "Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption", "PrevPerm",
        "Missing", "SWEpisodes",
    ]  # fmt: skip
    assert s903.tables_for(2027)[-1].name == "DoLo"


def test_a_near_miss_names_the_table_and_the_columns():
    found = s903.identify(["CHILD", "GENDER", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
    assert found.table is None
    assert found.nearest is s903.HEADER
    assert (found.missing, found.extra) == (("SEX",), ("GENDER",))
    assert "look like the Header table" in found.explain()
    assert "missing SEX" in found.explain()
    short = s903.identify(["CHILD", "DOB", "REVIEW"])
    assert short.nearest is s903.REVIEWS
    assert short.missing == ("REVIEW_CODE",)
    twice = s903.identify(["CHILD", "DOB", "REVIEW", "REVIEW_CODE", "REVIEW"])
    assert twice.table is None
    assert twice.duplicated == ("REVIEW",)
    assert s903.identify(["A", "B"]).nearest is None
    assert "match no SSDA903 table" in s903.identify(["A", "B"]).explain()
    assert s903.identify([]).table is None


# --- Dates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2025", "not a real day"),
        ("29/02/2025", "not a real day"),
        ("00/01/2025", "not a real day"),
        ("01/13/2025", "not a real day"),
        ("2025-04-01", "dd/mm/yyyy"),
        ("1/4/25", "dd/mm/yyyy"),
        ("01/04/2025 00:00", "dd/mm/yyyy"),
        ("zz/zz/2015", "dd/mm/yyyy"),
        ("01/01/1899", "before 1900"),
    ],
)
def test_impossible_dates_are_refused_clearly(text, reason):
    with pytest.raises(s903.InvalidDateError) as error:
        s903.parse_date(text)
    assert reason in str(error.value)
    assert text in str(error.value)


def test_dates():
    assert s903.parse_date("29/02/2024") == date(2024, 2, 29)
    assert s903.parse_date(" 1/4/2025 ") == date(2025, 4, 1)
    assert s903.parse_date("") is None
    assert s903.format_date(date(2025, 4, 1)) == "01/04/2025"
    assert s903.format_date(None) == ""
    assert s903.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_dates_round_trip(day):
    assert s903.parse_date(s903.format_date(day)) == day


@given(st.text(max_size=20))
def test_parse_date_never_fails_otherwise(text):
    try:
        s903.parse_date(text)
    except s903.InvalidDateError:
        pass


# --- Row rules --------------------------------------------------------------------------------------------

GOOD_HEADER = dict(
    CHILD="1", SEX="M", DOB="01/01/2015", ETHNIC="WBRI", UPN="H318000123451", MOTHER="", MC_DOB=""
)
GOOD_EPISODE = dict(
    CHILD="1", DECOM="01/05/2025", RNE="S", LS="C2", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1", DEC="",
    REC="", REASON_PLACE_CHANGE="", HOME_POST="TW1 1AA", PL_POST="TW1 1AF", URN="SC123456",
)  # fmt: skip


def test_a_good_header_and_episode_break_nothing():
    assert rules("Header", **GOOD_HEADER) == set()
    assert rules("Episodes", **GOOD_EPISODE) == set()


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"SEX": "1"}, "101"),  # the pre-2024 codes
        ({"SEX": ""}, "101"),
        ({"ETHNIC": "WHIT"}, "103"),
        ({"UPN": "I318000123451"}, "168"),  # I, O, S are not check letters
        ({"UPN": "H31800012345"}, "168"),
        ({"UPN": "UN6"}, "168"),
        ({"MOTHER": "Y"}, "611"),
        ({"MOTHER": "1"}, "611"),
        ({"MC_DOB": "01/01/2024"}, "612"),
    ],
)
def test_header_rules(change, rule):
    assert rule in rules("Header", **(GOOD_HEADER | change))


def test_upn_formats_that_pass():
    for upn in ("H318000123451", "H31800012345A", "UN1", "UN5", ""):
        assert rules("Header", **(GOOD_HEADER | {"UPN": upn})) == set()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"RNE": "X"}, {"143"}),
        ({"LS": "C3"}, {"144"}),
        ({"CIN": "N9"}, {"145"}),
        ({"PLACE": "H5"}, {"146"}),  # no longer on the 2025-26 list
        ({"REC": "E4", "DEC": "01/06/2025"}, {"149"}),
        ({"REC": "E13"}, {"148"}),
        ({"DEC": "01/06/2025"}, {"148"}),
        ({"DEC": "01/04/2025", "REC": "E13"}, {"356"}),
        ({"PLACE_PROVIDER": "PR9"}, {"178"}),
        ({"PLACE": "T4"}, {"213"}),
        ({"PLACE": "Z11"}, {"213"}),
        ({"PLACE": "T0", "PLACE_PROVIDER": ""}, set()),
        ({"REASON_PLACE_CHANGE": "CARPL"}, {"233"}),
        ({"REASON_PLACE_CHANGE": "CARPL", "DEC": "01/06/2025", "REC": "X1"}, set()),
        ({"REASON_PLACE_CHANGE": "MOVED", "DEC": "01/06/2025", "REC": "X1"}, {"1009"}),
    ],
)
def test_episode_rules(change, expected):
    assert rules("Episodes", **(GOOD_EPISODE | change)) == expected


def test_review_rules():
    row = dict(CHILD="1", DOB="10/06/2021", REVIEW="10/06/2025", REVIEW_CODE="PN0")
    assert rules("Reviews", **row) == set()  # the 4th birthday itself: still PN0 (rule 440 uses >)
    assert rules("Reviews", **(row | {"REVIEW": "11/06/2025"})) == {"440"}
    assert rules("Reviews", **(row | {"REVIEW_CODE": "PN1", "REVIEW": "09/06/2025"})) == {"441"}
    assert rules("Reviews", **(row | {"REVIEW_CODE": "PN1"})) == set()
    assert rules("Reviews", **(row | {"REVIEW_CODE": "PN8"})) == {"167"}
    assert rules("Reviews", **(row | {"REVIEW_CODE": ""})) == {"167"}


def test_oc2_rules():
    row = {name: "0" for name in s903.OC2_FLAGS} | {"CHILD": "1", "SDQ_SCORE": "40", "SDQ_REASON": ""}
    assert rules("OC2", **row) == set()
    assert rules("OC2", **(row | {"CONVICTED": "2"})) == {"181"}
    assert rules("OC2", **(row | {"HEALTH_CHECK": "Y"})) == {"181"}
    assert rules("OC2", **(row | {"SDQ_SCORE": "41"})) == {"180"}
    assert rules("OC2", **(row | {"SDQ_REASON": "SDQ6"})) == {"196"}


@pytest.mark.parametrize(
    ("table", "row", "rule"),
    [
        ("OC3", {"IN_TOUCH": "MAYBE"}, "131"),
        ("OC3", {"ACTIV": "F3"}, "132"),
        ("OC3", {"ACCOM": "01"}, "133"),
        ("AD1", {"FOSTER_CARE": "2"}, "114"),
        ("AD1", {"NB_ADOPTR": "3"}, "175"),
        ("AD1", {"SEX_ADOPTR": "M2"}, "176"),
        ("AD1", {"LS_ADOPTR": "L5"}, "177"),
        ("PlacedAdoption", {"REASON_PLACED_CEASED": "XXX"}, "120"),
        ("PrevPerm", {"PREV_PERM": "P5"}, "631"),
        ("PrevPerm", {"LA_PERM": "123"}, "633"),
        ("Missing", {"MISSING": "X"}, "1006"),
        ("SWEpisodes", {"SW_ID": "AB123", "SW_REASON": "MANAGE"}, "SW02STG1"),
        ("SWEpisodes", {"SW_ID": "SW1", "SW_REASON": "MANAGE"}, "SW02STG1"),
        ("SWEpisodes", {"SW_ID": "SW123", "SW_REASON": "LAZY"}, "SW13STG1"),
        ("SWEpisodes", {"SW_ID": "SW123", "SW_DECOM": "01/04/2023"}, "SW13STG1"),
    ],
)
def test_code_lists(table, row, rule):
    assert rules(table, CHILD="1", **row) == {rule}


def test_blank_codes_and_old_sw_episodes_pass():
    assert rules("OC3", CHILD="1", IN_TOUCH="", ACTIV="", ACCOM="") == set()
    assert rules("SWEpisodes", CHILD="1", SW_ID="XX01", SW_DECOM="31/03/2023", SW_REASON="") == set()
    assert rules("PrevPerm", CHILD="1", PREV_PERM="P1", LA_PERM="NIR") == set()


# --- Child rules -------------------------------------------------------------------------------------------


def test_357_first_episode_in_the_year_must_start_care():
    first = s903.FirstEpisode(date(2025, 4, 1), "P", "episodes.csv, row 2")
    assert [b.rule for b in s903.child_breaches(year=2026, first_episode=first)] == ["357"]
    before = s903.FirstEpisode(date(2025, 3, 31), "P", "episodes.csv, row 2")
    assert s903.child_breaches(year=2026, first_episode=before) == []
    started = s903.FirstEpisode(date(2025, 6, 1), "S", "episodes.csv, row 2")
    assert s903.child_breaches(year=2026, first_episode=started) == []


def test_231_uasc_under_11_at_31_march():
    # Upstream: DOB > collection end - 11 years (31/03/2015 for 2026) with UASC status fails.
    assert s903.child_breaches(year=2026, date_of_birth=date(2015, 3, 31), uasc=True) == []
    (breach,) = s903.child_breaches(year=2026, date_of_birth=date(2015, 4, 1), uasc=True)
    assert (breach.rule, breach.field, breach.value) == ("231", "DOB", "01/04/2015")
    assert s903.child_breaches(year=2026, date_of_birth=date(2020, 1, 1), uasc=False) == []


def test_every_breach_has_a_message_and_fix():
    rows = [
        ("Header", GOOD_HEADER | {"SEX": "9", "ETHNIC": "", "UPN": "X", "MOTHER": "1"}),
        ("Episodes", GOOD_EPISODE | {"RNE": "Q", "PLACE": "T1", "REASON_PLACE_CHANGE": "X"}),
    ]
    for table, row in rows:
        for breach in s903.row_breaches(table, row, year=2026):
            assert breach.message
            assert breach.fix
            assert breach.rule


@given(
    st.dictionaries(
        st.sampled_from(sorted({c for s in s903.TABLES for c in s.columns})), st.text(max_size=15)
    )
)
def test_row_breaches_never_crash(row):
    for spec in s903.TABLES:
        s903.row_breaches(spec.name, row, year=2026)
