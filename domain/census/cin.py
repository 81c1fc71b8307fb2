"""The Children in Need census: code lists, value parsing and the DfE rules one child's record can break.

Pure Python (no Django). Sources: shared/RETURNS.md ("CIN census input", code-list table, "Date logic"),
DOMAIN.md §4.1 (CIN schemas 2017-2024) and the rule files of csc-validator-be-cin 0.1.13 (cin2025_26).
Each rule below cites its DfE rule code. `breaches` lists breaches only: what cannot be stored at all is
decided by the importer (casework.returns.cin_import).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.census.years import CollectionYear

# --- Code lists (2025-26, RETURNS.md table) ---------------------------------------------------------

SEX_CODES = frozenset({"M", "F", "U"})  # 4180 (2024-25 onwards)
OLD_GENDER_CODES = frozenset({"0", "1", "2", "9"})  # GenderCurrent, schemas 2017-2024 (DOMAIN.md §4.1)
ETHNICITY_CODES = frozenset(
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU "
    "NOBT".split()
)  # 4220
DISABILITY_CODES = frozenset("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA".split())  # 8540
REFERRAL_SOURCES = frozenset("1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9 10".split())  # 8866
PRIMARY_NEED_CODES = frozenset(f"N{i}" for i in range(10))  # 8650
CLOSURE_REASONS = frozenset(f"RC{i}" for i in range(1, 10))  # 8640
UPN_UNKNOWN_CODES = frozenset(f"UN{i}" for i in range(1, 8))  # UPNunknown UN1-UN7
ABUSE_CATEGORIES = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})  # 8905/8910
ASSESSMENT_FACTORS = frozenset(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F 9A 10A 11A 12A 13A 14A 15A "
    "16A 17A 18B 18C 19B 19C 20 21 22A 23A 24A".split()
)  # the CIN schema's list (DOMAIN.md §4.1); no numbered DfE rule checks it
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 1510
UPN_LAST_LETTERS = frozenset("ABCDEFGHJKLMNPQRTUVWXYZ")  # 1550: A-H, J-N, P-Z


def _la_numbers() -> frozenset[str]:
    """Real LA numbers (1530; the list in csc-validator-be-cin rule_1530)."""
    spans = [
        (1, 5),
        (201, 213),
        (301, 320),
        (330, 336),
        (340, 344),
        (350, 359),
        (370, 373),
        (380, 384),
        (390, 394),
        (420, 420),
        (660, 681),
        (701, 708),
        (800, 803),
        (805, 808),
        (810, 813),
        (815, 816),
        (820, 823),
        (825, 826),
        (830, 831),
        (835, 841),
        (845, 846),
        (850, 852),
        (855, 857),
        (860, 861),
        (865, 896),
        (908, 909),
        (916, 916),
        (919, 919),
        (921, 921),
        (925, 926),
        (928, 929),
        (931, 931),
        (933, 933),
        (935, 938),
        (940, 941),
    ]
    return frozenset(f"{n:03d}" for low, high in spans for n in range(low, high + 1))


LA_NUMBERS = _la_numbers()
LA_CHILD_ID_MAX = 20  # 1570
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")  # 1580
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TRUE_VALUES = frozenset({"1", "true"})
FALSE_VALUES = frozenset({"0", "false"})


class ValueProblem(ValueError):  # noqa: N818 - carries a message for the user
    """A value that cannot be read: `message` says why, `fix` what to write instead."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def parse_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD; a time part after 'T' is ignored). Impossible dates are refused."""
    value = text.strip().split("T", 1)[0]
    match = _DATE.match(value)
    if not match:
        raise ValueProblem(
            f"'{text[:40]}' is not a date in the form YYYY-MM-DD", "Write the date as YYYY-MM-DD."
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(
            f"'{value}' is not a real date (there is no day {day} in month {month} of {year})",
            "Correct the date in the case management system.",
        ) from None


def parse_bool(text: str) -> bool:
    """A census yes/no: 0/1/true/false (any case)."""
    value = text.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValueProblem(f"'{text[:40]}' is not a yes/no value", "Write 1 (yes) or 0 (no).")


def upn_check_letter(upn: str) -> str | None:
    """The check letter for characters 2-13 of a UPN when they are all digits (1510), else None."""
    rest = upn[1:]
    if len(upn) != 13 or not rest.isdigit():
        return None
    total = sum(int(char) * weight for weight, char in enumerate(rest, start=2))
    return UPN_CHECK_LETTERS[total % 23]


# --- One child as the census states it ----------------------------------------------------------------


@dataclass
class Assessment:
    start: date | None = None
    internal_review: date | None = None
    authorised: date | None = None
    factors: tuple[str, ...] = ()
    line: int = 0


@dataclass
class PlanDates:
    start: date | None = None
    end: date | None = None
    line: int = 0


@dataclass
class Section47Enquiry:
    start: date | None = None
    icpc_target: date | None = None
    icpc: date | None = None
    icpc_not_required: bool | None = None
    line: int = 0


@dataclass
class ProtectionPlan:
    start: date | None = None
    end: date | None = None
    initial_category: str = ""
    latest_category: str = ""
    previous_plans: int | None = None
    reviews: tuple[date, ...] = ()
    line: int = 0


@dataclass
class Episode:
    referral: date | None = None
    source: str = ""
    primary_need: str = ""
    closure: date | None = None
    closure_reason: str = ""
    nfa: bool | None = None
    icpc: date | None = None
    assessments: list[Assessment] = field(default_factory=list)
    plans: list[PlanDates] = field(default_factory=list)
    section47s: list[Section47Enquiry] = field(default_factory=list)
    cp_plans: list[ProtectionPlan] = field(default_factory=list)
    line: int = 0


@dataclass
class CinChild:
    la_child_id: str = ""
    upn: str = ""
    former_upn: str = ""
    upn_unknown: str = ""
    birth: date | None = None
    expected_birth: date | None = None
    sex: str = ""
    death: date | None = None
    ethnicity: str = ""
    disabilities: tuple[str, ...] | None = None  # None: no Disabilities element
    episodes: list[Episode] = field(default_factory=list)
    line: int = 0


@dataclass(frozen=True)
class Breach:
    rule: str
    field: str
    value: str
    message: str
    fix: str
    line: int


SCHEMA = "schema"  # a code-list check of the CIN schema that no numbered DfE rule makes
FIX_CODE = "Use a code from the DfE list for this item, in the case management system."
FIX_SOURCE = "Correct the record in the case management system."


# --- The rules ------------------------------------------------------------------------------------------
#
# One function per DfE rule, named by its code, its docstring the rule's message as csc-validator-be-cin
# 0.1.13 states it (the rule file named in RULES). Each reads one child (with all its episodes) for one
# collection period and yields what breaks the rule. The two schema code-list checks no numbered DfE rule
# makes are named schema_*; their breaches carry the code SCHEMA.

Check = Callable[[CinChild, CollectionYear], Iterable[Breach]]


def _code(rule: str, name: str, value: str, codes: frozenset[str], line: int) -> Iterator[Breach]:
    if value and value not in codes:
        yield Breach(rule, name, value, f"{name} '{value}' is not on the DfE code list", FIX_CODE, line)


def _iso(day: date) -> str:
    return day.isoformat()


def _parts(child: CinChild, name: str) -> Iterator[tuple[Episode, Any]]:
    """(episode, part) for every assessment / plan / section 47 / CP plan (`name`) of the child."""
    for episode in child.episodes:
        for part in getattr(episode, name):
            yield episode, part


def _before_referral(child: CinChild, parts: str, rule: str, field_name: str, what: str) -> Iterator[Breach]:
    """Parts of an episode that start before its referral (1103, 4015, 2889, 1105)."""
    for episode, part in _parts(child, parts):
        if episode.referral and part.start and part.start < episode.referral:
            yield Breach(rule, field_name, _iso(part.start), f"{what} starts before the referral", FIX_SOURCE,
                         part.line)  # fmt: skip


# Child identifiers and characteristics


def rule_1570(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """LA Child ID must not be longer than 20 characters"""
    if len(child.la_child_id) > LA_CHILD_ID_MAX:
        yield Breach(
            "1570",
            "LAchildID",
            child.la_child_id,
            f"LAchildID is longer than {LA_CHILD_ID_MAX} characters",
            "Use an LA child ID of at most 20 characters.",
            child.line,
        )


def rule_1580(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """LA Child ID must not contain any non-alphanumeric characters"""
    if child.la_child_id and not _ALNUM.match(child.la_child_id):
        yield Breach(
            "1580",
            "LAchildID",
            child.la_child_id,
            "LAchildID may contain only letters and digits",
            "Remove spaces, dashes and other symbols from the LA child ID.",
            child.line,
        )


def _upn(child: CinChild, rule: str, message: str) -> Breach:
    return Breach(rule, "UPN", child.upn, message, "Correct the UPN from the school's record.", child.line)


def rule_1510(child: CinChild, period: CollectionYear | None) -> Iterator[Breach]:
    """UPN invalid (wrong check letter at character 1)"""
    upn = child.upn
    if upn and len(upn) != 13:
        yield _upn(child, "1510", f"UPN {upn} is {len(upn)} characters long, not 13")
        return
    check = upn_check_letter(upn) if upn else None
    if check is not None and upn[0] != check:
        yield _upn(child, "1510", f"UPN {upn} has the wrong check letter (expected {check})")


def rule_1530(child: CinChild, period: CollectionYear | None) -> Iterator[Breach]:
    """UPN invalid (characters 2-4 not a recognised LA code)"""
    upn = child.upn
    if len(upn) == 13 and upn[1:4] not in LA_NUMBERS:
        yield _upn(child, "1530", f"UPN {upn}: characters 2-4 ({upn[1:4]}) are not an LA number")


def rule_1540(child: CinChild, period: CollectionYear | None) -> Iterator[Breach]:
    """UPN invalid (characters 5-12 not all numeric)"""
    upn = child.upn
    if len(upn) == 13 and not upn[4:12].isdigit():
        yield _upn(child, "1540", f"UPN {upn}: characters 5-12 must be digits")


def rule_1550(child: CinChild, period: CollectionYear | None) -> Iterator[Breach]:
    """UPN invalid (character 13 not a recognised value)"""
    upn = child.upn
    if len(upn) == 13 and not (upn[12].isdigit() or upn[12] in UPN_LAST_LETTERS):
        yield _upn(
            child, "1550", f"UPN {upn}: the last character must be a digit or a letter other than I, O, S"
        )


UPN_RULES = (rule_1510, rule_1530, rule_1540, rule_1550)


def upn_problems(upn: str) -> list[tuple[str, str]]:
    """Rule code and message for each way a UPN breaks the format rules (1510, 1530, 1540, 1550)."""
    child = CinChild(upn=upn)
    return [(breach.rule, breach.message) for rule in UPN_RULES for breach in rule(child, None)]


def rule_1560Q(child: CinChild, period: CollectionYear) -> Iterator[Breach]:  # noqa: N802 - its DfE code
    """Please check and either amend or provide a reason: Former UPN wrongly formatted"""
    if child.former_upn and not re.match(r"^[A-Z]\d{12}$", child.former_upn):
        yield Breach(
            "1560Q",
            "FormerUPN",
            child.former_upn,
            "FormerUPN is not a letter followed by 12 digits",
            "Correct the former UPN.",
            child.line,
        )


def schema_upn_unknown(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """UPNunknown is on the CIN schema's list UN1-UN7 (no numbered DfE rule checks it)."""
    return _code(SCHEMA, "UPNunknown", child.upn_unknown, UPN_UNKNOWN_CODES, child.line)


def rule_4180(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Sex must be provided and equal M, F, or U"""
    if child.sex and child.sex not in SEX_CODES:
        yield Breach(
            "4180",
            "Sex",
            child.sex,
            f"Sex '{child.sex}' is not M, F or U (old GenderCurrent code?)",
            "Record sex as M, F or U.",
            child.line,
        )


def rule_8750(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Sex must equal U for an unborn child"""
    unborn = child.birth is None and child.expected_birth is not None
    if unborn and child.sex and child.sex not in {"U", "0", "9"}:
        yield Breach(
            "8750",
            "Sex",
            child.sex,
            "An unborn child's sex must be U (not known)",
            "Record sex as U until the child is born.",
            child.line,
        )


def rule_8520(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Date of Birth is after data collection period (must be on or before the end of the census period)"""
    if child.birth is not None and child.birth > period.ends:
        yield Breach(
            "8520",
            "PersonBirthDate",
            _iso(child.birth),
            "Date of birth is after the end of the census year",
            FIX_SOURCE,
            child.line,
        )


def rule_4220(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Ethnicity is missing or invalid (see Ethnicity table)"""
    return _code("4220", "Ethnicity", child.ethnicity, ETHNICITY_CODES, child.line)


def rule_8540(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Child's disability is missing or invalid (see Disability table)"""
    disabilities = child.disabilities or ()
    for code in disabilities:
        yield from _code("8540", "Disability", code, DISABILITY_CODES, child.line)
    if child.birth is not None and not disabilities and any(e.nfa is False for e in child.episodes):
        yield Breach(
            "8540",
            "Disability",
            "",
            "No disability recorded for a born child with a referral",
            "Record the child's disabilities, or NONE.",
            child.line,
        )


def rule_8790(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Disability information includes both None and other values"""
    disabilities = child.disabilities or ()
    if "NONE" in disabilities and len(disabilities) > 1:
        yield Breach(
            "8790",
            "Disability",
            "NONE",
            "Disability NONE is given together with other disabilities",
            "Record either NONE or the child's disabilities.",
            child.line,
        )


def rule_8794(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Child has two or more disabilities with the same code"""
    disabilities = child.disabilities or ()
    if len(set(disabilities)) != len(disabilities):
        yield Breach(
            "8794",
            "Disability",
            ",".join(disabilities),
            "A disability is given more than once",
            "Record each disability once.",
            child.line,
        )


# CIN episodes (CINdetails)


def rule_8866(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Source of Referral is missing or an invalid code"""
    for episode in child.episodes:
        yield from _code("8866", "ReferralSource", episode.source, REFERRAL_SOURCES, episode.line)


def rule_8650(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Primary Need Code invalid (see Primary Need table in CIN census code set)"""
    for episode in child.episodes:
        yield from _code("8650", "PrimaryNeedCode", episode.primary_need, PRIMARY_NEED_CODES, episode.line)


def rule_8640(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)"""
    for episode in child.episodes:
        yield from _code("8640", "ReasonForClosure", episode.closure_reason, CLOSURE_REASONS, episode.line)


def rule_8610(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Primary Need code is missing for a referral which led to further action."""
    for episode in child.episodes:
        if not episode.primary_need and episode.nfa is not True:
            yield Breach(
                "8610", "PrimaryNeedCode", "", "Primary need code is missing", FIX_SOURCE, episode.line
            )


def rule_8568(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """RNFA flag is missing or invalid"""
    for episode in child.episodes:
        if episode.nfa is None:
            yield Breach(
                "8568",
                "ReferralNFA",
                "",
                "ReferralNFA is missing (required)",
                "Record whether the referral led to no further action (1) or not (0).",
                episode.line,
            )


def rule_8600(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Child referral date missing or after data collection period"""
    for episode in child.episodes:
        if episode.referral is not None and episode.referral > period.ends:
            yield Breach(
                "8600",
                "CINreferralDate",
                _iso(episode.referral),
                "Referral is after the end of the census year",
                FIX_SOURCE,
                episode.line,
            )


def rule_8630(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """CIN Closure Date is before CIN Referral Date for the same CIN episode"""
    for episode in child.episodes:
        if (
            episode.closure is not None
            and episode.referral is not None
            and episode.closure < episode.referral
        ):
            yield Breach(
                "8630", "CINclosureDate", _iso(episode.closure), "Closure is before the referral", FIX_SOURCE,
                episode.line,
            )  # fmt: skip


def rule_8620(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """CIN Closure Date present and does not fall within the Census year"""
    for episode in child.episodes:
        if episode.closure is not None and not period.contains(episode.closure):
            yield Breach(
                "8620",
                "CINclosureDate",
                _iso(episode.closure),
                "Closure date is outside the census year",
                FIX_SOURCE,
                episode.line,
            )


def rule_8805(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """A CIN case cannot have a CIN closure date without a Reason for Closure"""
    for episode in child.episodes:
        if episode.closure is not None and not episode.closure_reason:
            yield Breach(
                "8805",
                "ReasonForClosure",
                "",
                "A closed episode has no reason for closure",
                "Record why the case was closed.",
                episode.line,
            )


def rule_8810(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """A CIN case cannot have a Reason for Closure without a CIN Closure Date"""
    for episode in child.episodes:
        if episode.closure is None and episode.closure_reason:
            yield Breach(
                "8810",
                "ReasonForClosure",
                episode.closure_reason,
                "A reason for closure is given but no closure date",
                FIX_SOURCE,
                episode.line,
            )


def rule_8831(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Activity is recorded against a case marked as a referral with no further action"""
    # With it, in one breach: an NFA referral has no S47 (8832), CIN plan (4000) or CP plan (2990) either.
    for episode in child.episodes:
        if episode.nfa and (episode.assessments or episode.section47s or episode.plans or episode.cp_plans):
            yield Breach(
                "8831",
                "ReferralNFA",
                "1",
                "A no-further-action referral has an assessment, S47 enquiry, CIN plan or child protection "
                "plan",
                FIX_SOURCE,
                episode.line,
            )


def rule_8875(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The Date of Initial Child Protection Conference cannot be a weekend"""
    # The ICPC date is given on CINdetails or on the section 47 enquiry (2884): both are checked.
    dated = [(e.icpc, e.line) for e in child.episodes]
    dated += [(s47.icpc, s47.line) for _episode, s47 in _parts(child, "section47s")]
    for icpc, line in dated:
        if icpc is not None and icpc.weekday() >= 5:
            yield Breach(
                "8875",
                "DateOfInitialCPC",
                _iso(icpc),
                "Initial child protection conference on a Saturday or Sunday",
                FIX_SOURCE,
                line,
            )


def rule_8820(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The dates on the CIN episodes for this child overlap"""
    # A later referral before an earlier closure, or while an earlier non-NFA episode is still open.
    dated = sorted(
        (e for e in child.episodes if e.referral is not None), key=lambda e: e.referral or date.min
    )
    for index, later in enumerate(dated):
        assert later.referral is not None  # noqa: S101 - filtered above
        for earlier in dated[:index]:
            still_open = earlier.closure is None and earlier.nfa is False
            if still_open or (earlier.closure is not None and later.referral < earlier.closure):
                yield Breach(
                    "8820",
                    "CINreferralDate",
                    _iso(later.referral),
                    "This episode starts before an earlier episode was closed",
                    FIX_SOURCE,
                    later.line,
                )
                break


# Assessments


def schema_assessment_factors(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """AssessmentFactors are on the CIN schema's list (no numbered DfE rule checks it)."""
    for _episode, assessment in _parts(child, "assessments"):
        for code in assessment.factors:
            yield from _code(SCHEMA, "AssessmentFactors", code, ASSESSMENT_FACTORS, assessment.line)


def rule_8869(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The assessment factors code "21" cannot be used in conjunction with any other assessment factors."""
    for _episode, assessment in _parts(child, "assessments"):
        if "21" in assessment.factors and len(assessment.factors) > 1:
            yield Breach(
                "8869",
                "AssessmentFactors",
                "21",
                "Factor 21 (no factors) is given with other factors",
                "Record either 21 or the factors identified.",
                assessment.line,
            )


def rule_8898(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The assessment has more than one parental or child factors with the same code"""
    for _episode, assessment in _parts(child, "assessments"):
        if len(set(assessment.factors)) != len(assessment.factors):
            yield Breach(
                "8898",
                "AssessmentFactors",
                ",".join(assessment.factors),
                "An assessment factor is given more than once",
                "Record each factor once.",
                assessment.line,
            )


def rule_8614(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Parental or child factors at assessment should only be present for a completed assessment."""
    for _episode, assessment in _parts(child, "assessments"):
        if assessment.factors and assessment.authorised is None:
            yield Breach(
                "8614",
                "AssessmentFactors",
                ",".join(assessment.factors),
                "Factors are recorded on an assessment that is not completed (no authorisation date)",
                "Record factors only once the assessment is authorised.",
                assessment.line,
            )


def rule_1103(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The assessment start date cannot be before the referral date"""
    return _before_referral(child, "assessments", "1103", "AssessmentActualStartDate", "Assessment")


def rule_8608(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Assessment Start Date cannot be later than its End Date"""
    for _episode, assessment in _parts(child, "assessments"):
        if assessment.start and assessment.authorised and assessment.authorised < assessment.start:
            yield Breach(
                "8608",
                "AssessmentAuthorisationDate",
                _iso(assessment.authorised),
                "Assessment authorised before it started",
                FIX_SOURCE,
                assessment.line,
            )


def rule_8696(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Assessment end date must fall within the census year"""
    for _episode, assessment in _parts(child, "assessments"):
        if assessment.authorised and not period.contains(assessment.authorised):
            yield Breach(
                "8696",
                "AssessmentAuthorisationDate",
                _iso(assessment.authorised),
                "Assessment authorisation is outside the census year",
                FIX_SOURCE,
                assessment.line,
            )


# CIN plans and section 47 enquiries


def rule_4015(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The CIN Plan start date cannot be before the referral date"""
    return _before_referral(child, "plans", "4015", "CINPlanStartDate", "CIN plan")


def rule_2889(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The S47 start date cannot be before the referral date."""
    return _before_referral(child, "section47s", "2889", "S47ActualStartDate", "Section 47 enquiry")


def rule_8615(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child
    Protection Conference"""
    for _episode, enquiry in _parts(child, "section47s"):
        if enquiry.start and enquiry.icpc and enquiry.icpc < enquiry.start:
            yield Breach(
                "8615",
                "DateOfInitialCPC",
                _iso(enquiry.icpc),
                "Initial conference is before the section 47 enquiry started",
                FIX_SOURCE,
                enquiry.line,
            )


# Child protection plans


def rule_8905(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code
    set)"""
    for _episode, cpp in _parts(child, "cp_plans"):
        yield from _code("8905", "InitialCategoryOfAbuse", cpp.initial_category, ABUSE_CATEGORIES, cpp.line)


def rule_8910(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code
    set)"""
    for _episode, cpp in _parts(child, "cp_plans"):
        yield from _code("8910", "LatestCategoryOfAbuse", cpp.latest_category, ABUSE_CATEGORIES, cpp.line)


def rule_8730(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Total Number of previous Child Protection Plans missing"""
    for _episode, cpp in _parts(child, "cp_plans"):
        if cpp.previous_plans is None:
            yield Breach(
                "8730",
                "NumberOfPreviousCPP",
                "",
                "Number of previous child protection plans is missing",
                "Record how many child protection plans the child had before (0 if none).",
                cpp.line,
            )


def rule_1105(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The child protection plan start date cannot be before the referral date"""
    return _before_referral(child, "cp_plans", "1105", "CPPstartDate", "Child protection plan")


def rule_8840(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Child Protection Plan cannot start and end on the same day"""
    for _episode, cpp in _parts(child, "cp_plans"):
        if cpp.start and cpp.end and cpp.end <= cpp.start:
            yield Breach(
                "8840",
                "CPPendDate",
                _iso(cpp.end),
                "Child protection plan ends on or before the day it starts",
                FIX_SOURCE,
                cpp.line,
            )


def rule_8841(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """The review date cannot be on the same day or before the Child protection Plan start date."""
    for _episode, cpp in _parts(child, "cp_plans"):
        for review in cpp.reviews:
            if cpp.start and review < cpp.start:
                yield Breach(
                    "8841",
                    "CPPreviewDate",
                    _iso(review),
                    "Child protection review before the plan started",
                    FIX_SOURCE,
                    cpp.line,
                )


# After the child's death


def rule_4008(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """CIN Plan shown as starting after the child's Date of Death."""
    for _episode, plan in _parts(child, "plans"):
        if child.death is not None and plan.start and plan.start > child.death:
            yield Breach(
                "4008",
                "CINPlanStartDate",
                _iso(plan.start),
                "CIN plan starts after the child's death",
                FIX_SOURCE,
                plan.line,
            )


def rule_8915(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Child Protection Plan shown as starting after the child's Date of Death"""
    for _episode, cpp in _parts(child, "cp_plans"):
        if child.death is not None and cpp.start and cpp.start > child.death:
            yield Breach(
                "8915",
                "CPPstartDate",
                _iso(cpp.start),
                "Child protection plan starts after the child's death",
                FIX_SOURCE,
                cpp.line,
            )


def rule_8920(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    """Child Protection Plan cannot end after the child's Date of Death"""
    for _episode, cpp in _parts(child, "cp_plans"):
        if child.death is not None and cpp.end and cpp.end > child.death:
            yield Breach(
                "8920",
                "CPPendDate",
                _iso(cpp.end),
                "Child protection plan ends after the child's death",
                FIX_SOURCE,
                cpp.line,
            )


@dataclass(frozen=True)
class Rule:
    """A DfE rule on one child's record; `source` is its rule file in csc-validator-be-cin 0.1.13."""

    code: str
    check: Check
    source: str


_V = "cin2022_23/rule_"
RULES: tuple[Rule, ...] = (
    Rule("1570", rule_1570, "cin2024_25/rule_1570.py"),
    Rule("1580", rule_1580, "cin2024_25/rule_1580.py"),
    Rule("1510", rule_1510, f"{_V}1510.py"),
    Rule("1530", rule_1530, "cin2023_24/rule_1530.py"),
    Rule("1540", rule_1540, f"{_V}1540.py"),
    Rule("1550", rule_1550, f"{_V}1550.py"),
    Rule("1560Q", rule_1560Q, f"{_V}1560Q.py"),
    Rule(SCHEMA, schema_upn_unknown, "the CIN schema's UPNunknown list (no rule file)"),
    Rule("4180", rule_4180, "cin2024_25/rule_4180.py"),
    Rule("8750", rule_8750, "cin2024_25/rule_8750.py"),
    Rule("8520", rule_8520, f"{_V}8520.py"),
    Rule("4220", rule_4220, f"{_V}4220.py"),
    Rule("8540", rule_8540, f"{_V}8540.py"),
    Rule("8790", rule_8790, f"{_V}8790.py"),
    Rule("8794", rule_8794, f"{_V}8794.py"),
    Rule("8866", rule_8866, f"{_V}8866.py"),
    Rule("8650", rule_8650, f"{_V}8650.py"),
    Rule("8640", rule_8640, f"{_V}8640.py"),
    Rule("8610", rule_8610, f"{_V}8610.py"),
    Rule("8568", rule_8568, f"{_V}8568.py"),
    Rule("8600", rule_8600, f"{_V}8600.py"),
    Rule("8630", rule_8630, f"{_V}8630.py"),
    Rule("8620", rule_8620, f"{_V}8620.py"),
    Rule("8805", rule_8805, f"{_V}8805.py"),
    Rule("8810", rule_8810, f"{_V}8810.py"),
    Rule("8831", rule_8831, f"{_V}8831.py"),
    Rule("8875", rule_8875, f"{_V}8875.py"),
    Rule("8820", rule_8820, f"{_V}8820.py"),
    Rule(SCHEMA, schema_assessment_factors, "the CIN schema's AssessmentFactors list (no rule file)"),
    Rule("8869", rule_8869, f"{_V}8869.py"),
    Rule("8898", rule_8898, f"{_V}8898.py"),
    Rule("8614", rule_8614, f"{_V}8614.py"),
    Rule("1103", rule_1103, f"{_V}1103.py"),
    Rule("8608", rule_8608, f"{_V}8608.py"),
    Rule("8696", rule_8696, f"{_V}8696.py"),
    Rule("4015", rule_4015, f"{_V}4015.py"),
    Rule("2889", rule_2889, f"{_V}2889.py"),
    Rule("8615", rule_8615, f"{_V}8615.py"),
    Rule("8905", rule_8905, f"{_V}8905.py"),
    Rule("8910", rule_8910, f"{_V}8910.py"),
    Rule("8730", rule_8730, f"{_V}8730.py"),
    Rule("1105", rule_1105, f"{_V}1105.py"),
    Rule("8840", rule_8840, f"{_V}8840.py"),
    Rule("8841", rule_8841, f"{_V}8841.py"),
    Rule("4008", rule_4008, f"{_V}4008.py"),
    Rule("8915", rule_8915, f"{_V}8915.py"),
    Rule("8920", rule_8920, f"{_V}8920.py"),
)


def breaches(child: CinChild, year: int) -> list[Breach]:
    """The DfE rules of RULES (a well-chosen subset) this child's record breaks in collection year `year`."""
    period = CollectionYear(year)
    return [breach for rule in RULES for breach in rule.check(child, period)]
