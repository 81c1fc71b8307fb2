"""The SSDA903 children looked after return as CSV tables: what each table is, its codes, its dates, and the
DfE validation rules a row (or a child's rows) breaks.

Pure Python. Sources: shared/RETURNS.md (the tables exactly as csc-validator-be-903 0.1.17 reads them) and
that validator's rule files (lac_validator/rules/lac20YY_YY/rule_NNN.py), cited rule by rule below.
Values are compared after stripping and upper-casing, as the validator upper-cases everything it reads.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.census.years import CollectionYear

# --- Tables -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """One SSDA903 table: its DfE name, the file name we export it as, and its exact columns."""

    name: str
    file_name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # the natural key within the return (CHILD plus these)
    dates: frozenset[str]  # dd/mm/yyyy columns
    lengths: Mapping[str, int] = field(default_factory=dict)  # the longest value we can store
    first_year: int = 0  # the first collection year that has the table

    @property
    def column_set(self) -> frozenset[str]:
        return frozenset(self.columns)


def _spec(
    name: str,
    file_name: str,
    columns: str,
    key: str,
    dates: str,
    lengths: Mapping[str, int],
    first_year: int = 0,
) -> TableSpec:
    return TableSpec(
        name,
        file_name,
        tuple(columns.split()),
        tuple(key.split()),
        frozenset(dates.split()),
        {"CHILD": 36, **lengths},
        first_year,
    )


# Columns and their order: RETURNS.md "SSDA903 input (CSV)" (lac_validator/config.py). Lengths: the
# storage (casework/returns/models.py, casework/children/models.py).
HEADER = _spec("Header", "header.csv", "CHILD SEX DOB ETHNIC UPN MOTHER MC_DOB", "CHILD", "DOB MC_DOB",
               {"ETHNIC": 4, "UPN": 13})  # fmt: skip
EPISODES = _spec(
    "Episodes",
    "episodes.csv",
    "CHILD DECOM RNE LS CIN PLACE PLACE_PROVIDER DEC REC REASON_PLACE_CHANGE HOME_POST PL_POST URN",
    "CHILD DECOM",
    "DECOM DEC",
    {"RNE": 2, "LS": 2, "CIN": 3, "PLACE": 3, "PLACE_PROVIDER": 3, "REC": 3, "REASON_PLACE_CHANGE": 6,
     "HOME_POST": 8, "PL_POST": 8, "URN": 8},
)  # fmt: skip
REVIEWS = _spec("Reviews", "reviews.csv", "CHILD DOB REVIEW REVIEW_CODE", "CHILD REVIEW", "DOB REVIEW",
                {"REVIEW_CODE": 3})  # fmt: skip
UASC = _spec("UASC", "uasc.csv", "CHILD SEX DOB DUC", "CHILD", "DOB DUC", {})
OC2 = _spec(
    "OC2",
    "oc2.csv",
    "CHILD DOB SDQ_SCORE SDQ_REASON CONVICTED HEALTH_CHECK IMMUNISATIONS TEETH_CHECK HEALTH_ASSESSMENT "
    "SUBSTANCE_MISUSE INTERVENTION_RECEIVED INTERVENTION_OFFERED",
    "CHILD",
    "DOB",
    {"SDQ_SCORE": 2, "SDQ_REASON": 4, "CONVICTED": 1, "HEALTH_CHECK": 1, "IMMUNISATIONS": 1,
     "TEETH_CHECK": 1, "HEALTH_ASSESSMENT": 1, "SUBSTANCE_MISUSE": 1, "INTERVENTION_RECEIVED": 1,
     "INTERVENTION_OFFERED": 1},
)  # fmt: skip
OC3 = _spec("OC3", "oc3.csv", "CHILD DOB IN_TOUCH ACTIV ACCOM", "CHILD", "DOB",
            {"IN_TOUCH": 4, "ACTIV": 2, "ACCOM": 2})  # fmt: skip
AD1 = _spec(
    "AD1",
    "ad1.csv",
    "CHILD DOB DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR",
    "CHILD",
    "DOB DATE_INT DATE_MATCH",
    {"FOSTER_CARE": 1, "NB_ADOPTR": 1, "SEX_ADOPTR": 2, "LS_ADOPTR": 3},
)
PLACED_ADOPTION = _spec(
    "PlacedAdoption",
    "placed_for_adoption.csv",
    "CHILD DOB DATE_PLACED DATE_PLACED_CEASED REASON_PLACED_CEASED",
    "CHILD DATE_PLACED",
    "DOB DATE_PLACED DATE_PLACED_CEASED",
    {"REASON_PLACED_CEASED": 3},
)
# DATE_PERM may be partly unknown ("zz/zz/2015"): kept as written, not parsed as a date.
PREV_PERM = _spec("PrevPerm", "previous_permanence.csv", "CHILD DOB PREV_PERM LA_PERM DATE_PERM", "CHILD",
                  "DOB", {"PREV_PERM": 2, "LA_PERM": 3, "DATE_PERM": 10})  # fmt: skip
MISSING = _spec("Missing", "missing.csv", "CHILD DOB MISSING MIS_START MIS_END", "CHILD MIS_START",
                "DOB MIS_START MIS_END", {"MISSING": 1})  # fmt: skip
SW_EPISODES = _spec("SWEpisodes", "sw_episodes.csv", "CHILD DOB SW_ID SW_DECOM SW_DEC SW_REASON",
                    "CHILD SW_DECOM", "DOB SW_DECOM SW_DEC", {"SW_ID": 20, "SW_REASON": 6})  # fmt: skip
# DoLo: collected from 2026-27 (RETURNS.md: lac2026_27 adds rules 700-710).
DOLO = _spec("DoLo", "dolo.csv", "CHILD DOB DOLO_START DOLO_END", "CHILD DOLO_START",
             "DOB DOLO_START DOLO_END", {}, first_year=2027)  # fmt: skip

TABLES: tuple[TableSpec, ...] = (
    HEADER, EPISODES, REVIEWS, UASC, OC2, OC3, AD1, PLACED_ADOPTION, PREV_PERM, MISSING, SW_EPISODES, DOLO,
)  # fmt: skip
BY_NAME: dict[str, TableSpec] = {spec.name: spec for spec in TABLES}
_BY_COLUMNS: dict[frozenset[str], TableSpec] = {spec.column_set: spec for spec in TABLES}


def tables_for(year: int) -> tuple[TableSpec, ...]:
    """The tables of the return for collection year `year`."""
    return tuple(spec for spec in TABLES if year >= spec.first_year)


@dataclass(frozen=True)
class Identified:
    """What a file's columns say it is: a table, or the nearest table and how the columns differ."""

    table: TableSpec | None
    nearest: TableSpec | None = None
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    duplicated: tuple[str, ...] = ()

    def explain(self) -> str:
        """Why the columns are not a table, and the fix (empty when they are)."""
        if self.table is not None:
            return ""
        parts = []
        if self.duplicated:
            parts.append("repeated column(s) " + ", ".join(self.duplicated))
        if self.nearest is None:
            return (
                "The columns match no SSDA903 table" + (f" ({parts[0]})" if parts else "") + ". The first "
                "line must name exactly the columns of one table, e.g. "
                + ", ".join(HEADER.columns)
                + " for the Header."
            )
        if self.missing:
            parts.append("missing " + ", ".join(self.missing))
        if self.extra:
            parts.append("unexpected " + ", ".join(self.extra))
        return (
            f"The columns look like the {self.nearest.name} table but do not match it: {'; '.join(parts)}. "
            f"The {self.nearest.name} table has exactly these columns: {', '.join(self.nearest.columns)}."
        )


def identify(columns: Sequence[str]) -> Identified:
    """The table with exactly these column names (order is free, as for the DfE validator: RETURNS.md)."""
    names = [column.strip().upper() for column in columns]
    given = frozenset(names)
    duplicated = tuple(sorted({name for name in names if names.count(name) > 1}))
    table = _BY_COLUMNS.get(given)
    if table is not None and not duplicated:
        return Identified(table)
    best: TableSpec | None = None
    best_score = 0.0
    for spec in TABLES:
        common = len(spec.column_set & given)
        score = common / len(spec.column_set | given) if given else 0.0
        if common >= 2 and score > best_score:
            best, best_score = spec, score
    if best is None or best_score < 0.5:
        return Identified(None, duplicated=duplicated)
    return Identified(
        None,
        best,
        missing=tuple(c for c in best.columns if c not in given),
        extra=tuple(c for c in names if c not in best.column_set and c),
        duplicated=duplicated,
    )


# --- Dates -------------------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class InvalidDateError(ValueError):
    """A date that is not dd/mm/yyyy, or is no day of the calendar (31/02/2020)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} {reason}")
        self.text = text
        self.reason = reason


def parse_date(text: str) -> date | None:
    """A dd/mm/yyyy date (the validator's `format="%d/%m/%Y"`); empty text is None."""
    text = text.strip()
    if not text:
        return None
    return _parse_date(text)


@functools.lru_cache(maxsize=65536)
def _parse_date(text: str) -> date:
    """A return's dates repeat (one day is many children's start or end), and each row's dates are read
    by the import and again by the rules: parsed once each. A refused text raises every time."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise InvalidDateError(text, "is not a date written dd/mm/yyyy")
    day, month, year = (int(part) for part in match.groups())
    if year < 1900:
        raise InvalidDateError(text, "is before 1900")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDateError(text, "is not a real day of the calendar") from None


def format_date(day: date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def add_years(day: date, years: int) -> date:
    """pandas DateOffset(years=n): 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


# --- Code lists (2025-26: RETURNS.md table "field | valid values (rule)") -------------------------------


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


SEX = _codes("M F U")  # 101 (lac2024_25/rule_101.py)
ETHNIC = _codes(
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT"
)  # 103
RNE = _codes("S P L T U B")  # 143
LS = _codes("C1 C2 D1 E1 V2 V3 V4 J1 J2 J3 L1 L2 L3")  # 144
CIN = _codes("N1 N2 N3 N4 N5 N6 N7 N8")  # 145
PLACE = _codes(
    "A3 A4 A5 A6 K1 K2 K3 P1 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z11 Z12 Z13 Z14"
)  # 146 (lac2025_26/rule_146.py)
PLACE_PROVIDER = _codes("PR0 PR1 PR2 PR3 PR4 PR5")  # 178 (lac2025_26/rule_178.py)
NO_PROVIDER_PLACES = _codes("T0 T1 T2 T3 T4 Z11 Z12 Z13 Z14")  # 213 (lac2025_26/rule_213.py)
REC = _codes("E11 E12 E13 E14 E15 E16 E17 E2 E3 E4A E4B E41 E45 E46 E47 E48 E5 E6 E7 E8 E9 X1")  # 149
REASON_PLACE_CHANGE = _codes(
    "CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE CUSTOD OTHER"
)  # 1009
REVIEW_CODE = _codes("PN0 PN1 PN2 PN3 PN4 PN5 PN6 PN7")  # 167
OC2_FLAGS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)  # 181: each 0 or 1 (lac2022_23/rule_181.py)
SDQ_REASON = _codes("SDQ1 SDQ2 SDQ3 SDQ4 SDQ5")  # 196
IN_TOUCH = _codes("YES NO DIED REFU NREQ RHOM")  # 131
ACTIV = _codes("F1 P1 F2 P2 F4 P4 F5 P5 G4 G5 G6 0")  # 132
ACCOM = _codes(
    "B1 B2 C1 C2 D1 D2 E1 E2 G1 G2 H1 H2 K1 K2 R1 R2 S2 T1 T2 U1 U2 V1 V2 W1 W2 X2 Y1 Y2 Z1 Z2 0"
)  # 133
FOSTER_CARE = _codes("0 1")  # 114
NB_ADOPTR = _codes("1 2")  # 175
SEX_ADOPTR = _codes("M1 F1 MM FF MF")  # 176
LS_ADOPTR = _codes("L0 L11 L12 L2 L3 L4")  # 177
REASON_PLACED_CEASED = _codes("RD1 RD2 RD3 RD4")  # 120
PREV_PERM_CODES = _codes("P1 P2 P3 P4 Z1")  # 631
# 633 (lac2022_23/rule_633.py): LA numbers, plus out-of-England codes.
LA_PERM = _codes(
    "800 889 822 301 304 303 330 825 837 302 846 370 350 890 867 380 305 801 351 873 823 895 896 381 909 202 "
    "908 331 306 841 830 831 878 371 835 332 840 307 308 811 881 845 390 916 203 876 850 311 204 884 312 205 "
    "313 805 919 310 309 420 921 206 207 886 810 382 314 340 888 208 856 383 855 209 925 341 201 821 352 806 "
    "887 826 315 929 812 391 926 892 813 802 928 891 392 316 815 353 931 879 836 851 874 807 354 317 870 318 "
    "372 857 333 935 343 803 373 342 893 356 355 871 394 334 933 882 936 861 852 319 860 808 393 866 210 357 "
    "894 883 880 358 211 937 869 320 359 865 384 335 336 212 868 872 885 344 877 213 938 816 999 "
    "WAL SCO NUK NIR"
)
MISSING_TYPE = _codes("M A")  # 1006
SW_REASON = _codes("MANAGE FCONTA LEFTRL ORGRST TSPROC ABSENC CHCHAN PCCHAN SWDIED OTHERS")  # SW13STG1
# 168 (lac2022_23/rule_168.py), verbatim.
UPN = re.compile(r"(^((?![IOS])[A-Z]){1}(\d{12}|\d{11}[A-Z]{1})$)|^(UN[1-5])$")


# --- Rule breaches -------------------------------------------------------------------------------------
#
# One function per DfE rule, named by its code, its docstring the rule's message as csc-validator-be-903
# 0.1.17 states it (the rule file named in the catalogue). A rule reads one row, values stripped and
# upper-cased as the validator reads them. A well-chosen subset: every code list, and the single-row
# logic the import can check at once; the full rule set is run by the DfE validator on the export
# (continuity.validators.run_903).


@dataclass(frozen=True)
class Breach:
    rule: str
    field: str
    value: str
    message: str
    fix: str


Row = Mapping[str, str]


def _code(row: Row, column: str, codes: frozenset[str], rule: str, what: str) -> Iterator[Breach]:
    value = row.get(column, "")
    if value and value not in codes:
        yield Breach(
            rule,
            column,
            value,
            f"{column} {value!r} is not a valid {what} code",
            f"Use one of: {' '.join(sorted(codes))}.",
        )


def _date(row: Row, column: str) -> date | None:
    try:
        return parse_date(row.get(column, ""))
    except InvalidDateError:
        return None


# Header


def rule_101(row: Row) -> Iterator[Breach]:
    """The child or young person's reported sex is not valid."""
    sex = row.get("SEX", "")
    if sex not in SEX:  # blank fails too
        yield Breach("101", "SEX", sex, f"SEX {sex!r} is not a valid code", "Use M or F (U if not known).")


def rule_103(row: Row) -> Iterator[Breach]:
    """The ethnicity code is either not valid or has not been entered."""
    ethnic = row.get("ETHNIC", "")
    if ethnic not in ETHNIC:  # blank fails too
        yield Breach(
            "103",
            "ETHNIC",
            ethnic,
            f"ETHNIC {ethnic!r} is not a valid ethnicity code",
            "Use one of the 20 DfE ethnicity codes (e.g. WBRI, REFU, NOBT).",
        )


def rule_168(row: Row) -> Iterator[Breach]:
    """Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, UN4 or
    UN5."""
    upn = row.get("UPN", "")
    if upn and not UPN.match(upn):
        yield Breach(
            "168",
            "UPN",
            upn,
            f"UPN {upn!r} is not a UPN (a letter other than I, O, S, then 12 digits or 11 digits "
            "and a letter) nor UN1-UN5",
            "Give the school's UPN, or UN1-UN5 for why it is not known.",
        )


def rule_611(row: Row) -> Iterator[Breach]:
    """Date of birth field is blank, but child is a mother."""
    mother, mc_dob = row.get("MOTHER", ""), row.get("MC_DOB", "")
    if mother not in {"", "0", "1"}:  # the rule reads MOTHER as 0/1
        yield Breach("611", "MOTHER", mother, "MOTHER must be 1 or 0", "Write 1 (a mother) or 0.")
    if mother == "1" and not mc_dob:
        yield Breach(
            "611",
            "MC_DOB",
            "",
            "The child is a mother but the date of birth of her child is missing",
            "Give MC_DOB.",
        )


def rule_612(row: Row) -> Iterator[Breach]:
    """Date of birth field has been completed but mother field indicates child is not a mother."""
    # In its intent: upstream still tests SEX == "2" (the pre-2024 code), so it never fires there.
    mc_dob = row.get("MC_DOB", "")
    if row.get("MOTHER", "") != "1" and mc_dob:
        yield Breach(
            "612",
            "MC_DOB",
            mc_dob,
            "MC_DOB is given but MOTHER is not 1",
            "Set MOTHER to 1, or remove MC_DOB.",
        )


# Episodes


def rule_143(row: Row) -> Iterator[Breach]:
    """The reason for new episode code is not a valid code."""
    return _code(row, "RNE", RNE, "143", "reason for new episode")


def rule_144(row: Row) -> Iterator[Breach]:
    """The legal status code is not a valid code."""
    return _code(row, "LS", LS, "144", "legal status")


def rule_145(row: Row) -> Iterator[Breach]:
    """Category of need code is not a valid code."""
    return _code(row, "CIN", CIN, "145", "category of need")


def rule_146(row: Row) -> Iterator[Breach]:
    """Placement type code is not a valid code."""
    return _code(row, "PLACE", PLACE, "146", "placement type")


def rule_149(row: Row) -> Iterator[Breach]:
    """Reason episode ceased code is not valid."""
    return _code(row, "REC", REC, "149", "reason episode ceased")


def rule_1009(row: Row) -> Iterator[Breach]:
    """Reason for placement change is not a valid code."""
    return _code(row, "REASON_PLACE_CHANGE", REASON_PLACE_CHANGE, "1009", "reason for placement change")


def rule_213(row: Row) -> Iterator[Breach]:
    """Placement provider information not required."""
    place, provider = row.get("PLACE", ""), row.get("PLACE_PROVIDER", "")
    if provider and place in NO_PROVIDER_PLACES:
        yield Breach(
            "213",
            "PLACE_PROVIDER",
            provider,
            f"PLACE_PROVIDER must be blank for placement {place}",
            "Leave PLACE_PROVIDER blank for T0-T4 and Z11-Z14 placements.",
        )


def rule_178(row: Row) -> Iterator[Breach]:
    """Placement provider code is not a valid code."""
    place, provider = row.get("PLACE", ""), row.get("PLACE_PROVIDER", "")
    # A provider on a placement that takes none is rule 213's breach, not this one's.
    if provider and place not in NO_PROVIDER_PLACES and provider not in PLACE_PROVIDER:
        yield Breach(
            "178",
            "PLACE_PROVIDER",
            provider,
            f"PLACE_PROVIDER {provider!r} is not a valid code",
            "Use one of PR0-PR5.",
        )


def rule_148(row: Row) -> Iterator[Breach]:
    """Date episode ceased and reason episode ceased must both be coded, or both left blank."""
    dec, rec = row.get("DEC", ""), row.get("REC", "")
    if bool(dec) != bool(rec):
        yield Breach(
            "148",
            "REC" if dec else "DEC",
            rec or dec,
            "DEC and REC must be given together (an episode that ended has a reason, and only then)",
            "Give both the date and the reason the episode ceased, or neither.",
        )


def rule_356(row: Row) -> Iterator[Breach]:
    """The date the episode ceased is before the date the same episode started."""
    decom, dec = _date(row, "DECOM"), _date(row, "DEC")
    if decom and dec and dec < decom:
        yield Breach(
            "356",
            "DEC",
            row.get("DEC", ""),
            "The episode ceased (DEC) before it started (DECOM)",
            "Correct DECOM or DEC.",
        )


def rule_233(row: Row) -> Iterator[Breach]:
    """Reason for placement change is not required when the episode has not ceased."""
    # Crashes upstream (it reads DATE_EPISODE_CEASED, which the ingress never creates: RETURNS.md
    # gotchas), so it is checked here: an open episode has no reason for a placement change.
    reason = row.get("REASON_PLACE_CHANGE", "")
    if not row.get("DEC", "") and reason:
        yield Breach(
            "233",
            "REASON_PLACE_CHANGE",
            reason,
            "Reason for placement change is not required when the episode has not ceased",
            "Leave REASON_PLACE_CHANGE blank on an episode that has not ended.",
        )


# Reviews


def rule_167(row: Row) -> Iterator[Breach]:
    """Data entry for participation is invalid or blank."""
    code = row.get("REVIEW_CODE", "")
    if (row.get("REVIEW", "") or code) and code not in REVIEW_CODE:
        yield Breach("167", "REVIEW_CODE", code, f"REVIEW_CODE {code!r} is not valid", "Use PN0-PN7.")


def rule_440(row: Row) -> Iterator[Breach]:
    """Participation method indicates child was under 4 years old at the time of the review, but date of
    birth and review date indicates the child was 4 years old or over."""
    review, dob = _date(row, "REVIEW"), _date(row, "DOB")
    if row.get("REVIEW_CODE", "") == "PN0" and review and dob and review > add_years(dob, 4):
        yield Breach(
            "440",
            "REVIEW_CODE",
            "PN0",
            "PN0 is for a child under 4 at the review, but the child was 4 or over",
            "Record how the child took part (PN1-PN7).",
        )


def rule_441(row: Row) -> Iterator[Breach]:
    """Participation method indicates child was 4 years old or over at the time of the review, but the
    date of birth and review date indicates the child was under 4 years old."""
    code, review, dob = row.get("REVIEW_CODE", ""), _date(row, "REVIEW"), _date(row, "DOB")
    if code in REVIEW_CODE - {"PN0"} and review and dob and review < add_years(dob, 4):
        yield Breach(
            "441",
            "REVIEW_CODE",
            code,
            "The child was under 4 at the review, so the participation code must be PN0",
            "Use PN0 for a review before the 4th birthday.",
        )


# OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing


def rule_181(row: Row) -> Iterator[Breach]:
    """Data items relating to children looked after continuously for 12 months should be completed with a
    0 or 1."""
    for column in OC2_FLAGS:
        value = row.get(column, "")
        if value not in {"", "0", "1"}:
            yield Breach("181", column, value, f"{column} must be 0 or 1", "Write 1 (yes) or 0 (no).")


def rule_180(row: Row) -> Iterator[Breach]:
    """Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid."""
    score = row.get("SDQ_SCORE", "")
    if score and not (score.isdigit() and 0 <= int(score) <= 40):
        yield Breach("180", "SDQ_SCORE", score, "SDQ_SCORE must be a whole number 0-40", "Give 0-40.")


def rule_196(row: Row) -> Iterator[Breach]:
    """Strengths and Difficulties (SDQ) reason is not a valid code."""
    return _code(row, "SDQ_REASON", SDQ_REASON, "196", "SDQ reason")


def rule_131(row: Row) -> Iterator[Breach]:
    """Data entry for being in touch after leaving care is invalid."""
    return _code(row, "IN_TOUCH", IN_TOUCH, "131", "in touch")


def rule_132(row: Row) -> Iterator[Breach]:
    """Data entry for activity after leaving care is invalid."""
    return _code(row, "ACTIV", ACTIV, "132", "activity")


def rule_133(row: Row) -> Iterator[Breach]:
    """Data entry for accommodation after leaving care is invalid. If reporting on a childs accommodation
    after leaving care the data entry must be valid"""
    return _code(row, "ACCOM", ACCOM, "133", "accommodation")


def rule_114(row: Row) -> Iterator[Breach]:
    """Data entry to record the status of former carer(s) of an adopted child is invalid."""
    return _code(row, "FOSTER_CARE", FOSTER_CARE, "114", "FOSTER_CARE")


def rule_175(row: Row) -> Iterator[Breach]:
    """The number of adopter(s) code is not a valid code."""
    return _code(row, "NB_ADOPTR", NB_ADOPTR, "175", "number of adopters")


def rule_176(row: Row) -> Iterator[Breach]:
    """The gender of adopter(s) at the date of adoption code is not a valid code."""
    return _code(row, "SEX_ADOPTR", SEX_ADOPTR, "176", "sex of adopters")


def rule_177(row: Row) -> Iterator[Breach]:
    """The legal status of adopter(s) code is not a valid code."""
    return _code(row, "LS_ADOPTR", LS_ADOPTR, "177", "legal status of adopters")


def rule_120(row: Row) -> Iterator[Breach]:
    """The reason for the reversal of the decision that the child should be placed for adoption code is not
    valid."""
    return _code(
        row, "REASON_PLACED_CEASED", REASON_PLACED_CEASED, "120", "reason placed for adoption ceased"
    )


def rule_631(row: Row) -> Iterator[Breach]:
    """Previous permanence option not a valid value."""
    return _code(row, "PREV_PERM", PREV_PERM_CODES, "631", "previous permanence")


def rule_633(row: Row) -> Iterator[Breach]:
    """Local authority code where previous permanence option was arranged is not a valid value."""
    return _code(row, "LA_PERM", LA_PERM, "633", "local authority")


def rule_1006(row: Row) -> Iterator[Breach]:
    """Missing type invalid."""
    return _code(row, "MISSING", MISSING_TYPE, "1006", "missing type (M or A)")


# SWEpisodes


def rule_SW02STG1(row: Row) -> Iterator[Breach]:  # noqa: N802 - named by its DfE code
    """Social worker ID does not begin with the characters 'SW' or 'XX'."""
    sw_id = row.get("SW_ID", "")
    if sw_id[:2] not in {"SW", "XX"} or len(sw_id) < 4:
        yield Breach(
            "SW02STG1",
            "SW_ID",
            sw_id,
            "SW_ID must start SW (or XX) and have at least 4 characters",
            "Use the social worker's Social Work England number (e.g. SW12345).",
        )


def rule_SW13STG1(row: Row) -> Iterator[Breach]:  # noqa: N802 - named by its DfE code
    """The reason for social worker change is not valid."""
    reason, start = row.get("SW_REASON", ""), _date(row, "SW_DECOM")
    if reason:
        yield from _code(row, "SW_REASON", SW_REASON, "SW13STG1", "reason for social worker change")
    elif start is not None and start >= date(2023, 4, 1):  # required from 2023-24
        yield Breach(
            "SW13STG1",
            "SW_REASON",
            "",
            "SW_REASON is required for a social worker episode starting from 1 April 2023",
            "Give the reason the social worker changed.",
        )


@dataclass(frozen=True)
class RowRule:
    """A DfE rule on one row of `table`; `source` is its rule file in csc-validator-be-903 0.1.17."""

    code: str
    table: str
    check: Callable[[Row], Iterable[Breach]]
    source: str


ROW_RULES: tuple[RowRule, ...] = (
    RowRule("101", "Header", rule_101, "lac2024_25/rule_101.py"),
    RowRule("103", "Header", rule_103, "lac2022_23/rule_103.py"),
    RowRule("168", "Header", rule_168, "lac2022_23/rule_168.py"),
    RowRule("611", "Header", rule_611, "lac2022_23/rule_611.py"),
    RowRule("612", "Header", rule_612, "lac2024_25/rule_612.py"),
    RowRule("143", "Episodes", rule_143, "lac2022_23/rule_143.py"),
    RowRule("144", "Episodes", rule_144, "lac2022_23/rule_144.py"),
    RowRule("145", "Episodes", rule_145, "lac2022_23/rule_145.py"),
    RowRule("146", "Episodes", rule_146, "lac2025_26/rule_146.py"),
    RowRule("149", "Episodes", rule_149, "lac2022_23/rule_149.py"),
    RowRule("1009", "Episodes", rule_1009, "lac2022_23/rule_1009.py"),
    RowRule("213", "Episodes", rule_213, "lac2025_26/rule_213.py"),
    RowRule("178", "Episodes", rule_178, "lac2025_26/rule_178.py"),
    RowRule("148", "Episodes", rule_148, "lac2022_23/rule_148.py"),
    RowRule("356", "Episodes", rule_356, "lac2022_23/rule_356.py"),
    RowRule("233", "Episodes", rule_233, "lac2025_26/rule_233.py"),
    RowRule("167", "Reviews", rule_167, "lac2022_23/rule_167.py"),
    RowRule("440", "Reviews", rule_440, "lac2022_23/rule_440.py"),
    RowRule("441", "Reviews", rule_441, "lac2022_23/rule_441.py"),
    RowRule("181", "OC2", rule_181, "lac2022_23/rule_181.py"),
    RowRule("180", "OC2", rule_180, "lac2022_23/rule_180.py"),
    RowRule("196", "OC2", rule_196, "lac2022_23/rule_196.py"),
    RowRule("131", "OC3", rule_131, "lac2022_23/rule_131.py"),
    RowRule("132", "OC3", rule_132, "lac2022_23/rule_132.py"),
    RowRule("133", "OC3", rule_133, "lac2022_23/rule_133.py"),
    RowRule("114", "AD1", rule_114, "lac2022_23/rule_114.py"),
    RowRule("175", "AD1", rule_175, "lac2022_23/rule_175.py"),
    RowRule("176", "AD1", rule_176, "lac2022_23/rule_176.py"),
    RowRule("177", "AD1", rule_177, "lac2022_23/rule_177.py"),
    RowRule("120", "PlacedAdoption", rule_120, "lac2022_23/rule_120.py"),
    RowRule("631", "PrevPerm", rule_631, "lac2022_23/rule_631.py"),
    RowRule("633", "PrevPerm", rule_633, "lac2022_23/rule_633.py"),
    RowRule("1006", "Missing", rule_1006, "lac2022_23/rule_1006.py"),
    RowRule("SW02STG1", "SWEpisodes", rule_SW02STG1, "lac2025_26/rule_SW02STG1.py"),
    RowRule("SW13STG1", "SWEpisodes", rule_SW13STG1, "lac2024_25/rule_SW13STG1.py"),
)
_ROW_RULES_BY_TABLE: dict[str, tuple[RowRule, ...]] = {
    spec.name: tuple(rule for rule in ROW_RULES if rule.table == spec.name) for spec in TABLES
}


def row_breaches(table: str, row: Row, *, year: int) -> list[Breach]:
    """The DfE rules of ROW_RULES one row of `table` breaks (values stripped and upper-cased).

    `year` is the collection year: no row rule of the subset depends on it today.
    """
    del year
    return [breach for rule in _ROW_RULES_BY_TABLE.get(table, ()) for breach in rule.check(row)]


# --- Rules on a child's rows together ----------------------------------------------------------------


@dataclass(frozen=True)
class FirstEpisode:
    """A child's earliest episode in the return: where it is and its reason for new episode."""

    decom: date
    rne: str
    location: str


@dataclass(frozen=True)
class ChildRows:
    """What the child rules read of a child's rows: the first episode, the Header DOB, UASC status."""

    first_episode: FirstEpisode | None = None
    date_of_birth: date | None = None
    uasc: bool = False


def rule_357(child: ChildRows, period: CollectionYear) -> Iterator[Breach]:
    """If this is the first episode ever for this child, reason for new episode must be S. Check whether
    there is an episode immediately preceding this one, which has been left out. If not the reason for new
    episode code must be amended to S."""
    first = child.first_episode
    # The child's first episode in the return, if it starts in the period, starts a period of care.
    if first is not None and first.decom >= period.starts and first.rne != "S":
        yield Breach(
            "357",
            "RNE",
            first.rne,
            "The child's first episode starts in the year, so RNE must be S (started to be looked after)",
            "Set RNE to S, or include the episodes from earlier in this period of care.",
        )


def rule_231(child: ChildRows, period: CollectionYear) -> Iterator[Breach]:
    """We expect that unaccompanied asylum seeking children are generally older young people. Please check
    the date of birth is correct. If the date of birth is correct then please provide details in a bypass
    request."""
    # Crashes upstream (it reads Header.UASC_STATUS, which the ingress never creates: RETURNS.md gotchas).
    # UASC status = present in the UASC table; under 11 on 31 March.
    born = child.date_of_birth
    if child.uasc and born is not None and born > add_years(period.ends, -11):
        yield Breach(
            "231",
            "DOB",
            format_date(born),
            "An unaccompanied asylum-seeking child is expected to be older: this child is under 11 at "
            "31 March",
            "Check the date of birth; if it is right, explain it to the DfE in a bypass request.",
        )


@dataclass(frozen=True)
class ChildRule:
    """A DfE rule on a child's rows together; `source` as for RowRule."""

    code: str
    check: Callable[[ChildRows, CollectionYear], Iterable[Breach]]
    source: str


CHILD_RULES: tuple[ChildRule, ...] = (
    ChildRule("357", rule_357, "lac2022_23/rule_357.py"),
    ChildRule("231", rule_231, "lac2024_25/rule_231.py"),
)


def child_breaches(
    *,
    year: int,
    first_episode: FirstEpisode | None = None,
    date_of_birth: date | None = None,
    uasc: bool = False,
) -> list[Breach]:
    """The DfE rules of CHILD_RULES a child's rows break together."""
    child = ChildRows(first_episode, date_of_birth, uasc)
    period = CollectionYear(year)
    return [breach for rule in CHILD_RULES for breach in rule.check(child, period)]
