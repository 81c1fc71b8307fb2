"""The Children in Need census: code lists, value parsing and the DfE rules one child's record can break.

Pure Python (no Django). Sources: shared/RETURNS.md ("CIN census input", code-list table, "Date logic"),
DOMAIN.md §4.1 (CIN schemas 2017-2024) and the rule files of csc-validator-be-cin 0.1.13 (cin2025_26).
Each rule below cites its DfE rule code. `breaches` lists breaches only: what cannot be stored at all is
decided by the importer (casework.returns.cin_import).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

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


def upn_problems(upn: str) -> list[tuple[str, str]]:
    """Rule code and message for each way a UPN breaks the format rules (1510, 1530, 1540, 1550)."""
    problems: list[tuple[str, str]] = []
    if len(upn) != 13:
        return [("1510", f"UPN {upn} is {len(upn)} characters long, not 13")]
    check = upn_check_letter(upn)
    if check is not None and upn[0] != check:
        problems.append(("1510", f"UPN {upn} has the wrong check letter (expected {check})"))
    if upn[1:4] not in LA_NUMBERS:
        problems.append(("1530", f"UPN {upn}: characters 2-4 ({upn[1:4]}) are not an LA number"))
    if not upn[4:12].isdigit():
        problems.append(("1540", f"UPN {upn}: characters 5-12 must be digits"))
    if not (upn[12].isdigit() or upn[12] in UPN_LAST_LETTERS):
        problems.append(
            ("1550", f"UPN {upn}: the last character must be a digit or a letter other than I, O, S")
        )
    return problems


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


def _code(rule: str, name: str, value: str, codes: frozenset[str], line: int) -> Iterator[Breach]:
    if value and value not in codes:
        yield Breach(rule, name, value, f"{name} '{value}' is not on the DfE code list", FIX_CODE, line)


def breaches(child: CinChild, year: int) -> list[Breach]:
    """The DfE rules (a well-chosen subset) this child's record breaks, for collection year `year`."""
    return list(_breaches(child, CollectionYear(year)))


def _breaches(child: CinChild, period: CollectionYear) -> Iterator[Breach]:
    line = child.line
    cid = child.la_child_id
    # LAchildID: at most 20 characters (1570), letters and digits only (1580).
    if len(cid) > LA_CHILD_ID_MAX:
        yield Breach(
            "1570",
            "LAchildID",
            cid,
            f"LAchildID is longer than {LA_CHILD_ID_MAX} characters",
            "Use an LA child ID of at most 20 characters.",
            line,
        )
    if cid and not _ALNUM.match(cid):
        yield Breach(
            "1580",
            "LAchildID",
            cid,
            "LAchildID may contain only letters and digits",
            "Remove spaces, dashes and other symbols from the LA child ID.",
            line,
        )
    # UPN format (1510, 1530, 1540, 1550); FormerUPN letter + 12 digits (1560Q).
    if child.upn:
        for rule, message in upn_problems(child.upn):
            yield Breach(rule, "UPN", child.upn, message, "Correct the UPN from the school's record.", line)
    if child.former_upn and not re.match(r"^[A-Z]\d{12}$", child.former_upn):
        yield Breach(
            "1560Q",
            "FormerUPN",
            child.former_upn,
            "FormerUPN is not a letter followed by 12 digits",
            "Correct the former UPN.",
            line,
        )
    # UPNunknown UN1-UN7: the CIN schema's code list (no numbered DfE rule checks it).
    yield from _code(SCHEMA, "UPNunknown", child.upn_unknown, UPN_UNKNOWN_CODES, line)
    # Sex M/F/U (4180); an unborn child (expected birth date only) must be U (8750).
    if child.sex and child.sex not in SEX_CODES:
        yield Breach(
            "4180",
            "Sex",
            child.sex,
            f"Sex '{child.sex}' is not M, F or U (old GenderCurrent code?)",
            "Record sex as M, F or U.",
            line,
        )
    unborn = child.birth is None and child.expected_birth is not None
    if unborn and child.sex and child.sex not in {"U", "0", "9"}:
        yield Breach(
            "8750",
            "Sex",
            child.sex,
            "An unborn child's sex must be U (not known)",
            "Record sex as U until the child is born.",
            line,
        )
    if child.birth is not None and child.birth > period.ends:
        yield Breach(
            "8520",
            "PersonBirthDate",
            child.birth.isoformat(),
            "Date of birth is after the end of the census year",
            FIX_SOURCE,
            line,
        )
    yield from _code("4220", "Ethnicity", child.ethnicity, ETHNICITY_CODES, line)
    disabilities = child.disabilities or ()
    for code in disabilities:
        yield from _code("8540", "Disability", code, DISABILITY_CODES, line)
    if "NONE" in disabilities and len(disabilities) > 1:  # 8790
        yield Breach(
            "8790",
            "Disability",
            "NONE",
            "Disability NONE is given together with other disabilities",
            "Record either NONE or the child's disabilities.",
            line,
        )
    if len(set(disabilities)) != len(disabilities):  # 8794
        yield Breach(
            "8794",
            "Disability",
            ",".join(disabilities),
            "A disability is given more than once",
            "Record each disability once.",
            line,
        )
    if child.birth is not None and not disabilities and any(e.nfa is False for e in child.episodes):  # 8540
        yield Breach(
            "8540",
            "Disability",
            "",
            "No disability recorded for a born child with a referral",
            "Record the child's disabilities, or NONE.",
            line,
        )
    for episode in child.episodes:
        yield from _episode_breaches(child, episode, period)
    yield from _overlapping_episodes(child)


def _episode_breaches(child: CinChild, episode: Episode, period: CollectionYear) -> Iterator[Breach]:
    line = episode.line
    yield from _code("8866", "ReferralSource", episode.source, REFERRAL_SOURCES, line)
    yield from _code("8650", "PrimaryNeedCode", episode.primary_need, PRIMARY_NEED_CODES, line)
    yield from _code("8640", "ReasonForClosure", episode.closure_reason, CLOSURE_REASONS, line)
    if not episode.primary_need and episode.nfa is not True:  # 8610
        yield Breach("8610", "PrimaryNeedCode", "", "Primary need code is missing", FIX_SOURCE, line)
    if episode.nfa is None:
        yield Breach(
            "8568",
            "ReferralNFA",
            "",
            "ReferralNFA is missing (required)",
            "Record whether the referral led to no further action (1) or not (0).",
            line,
        )
    referral = episode.referral
    if referral is not None and referral > period.ends:  # 8600
        yield Breach(
            "8600",
            "CINreferralDate",
            referral.isoformat(),
            "Referral is after the end of the census year",
            FIX_SOURCE,
            line,
        )
    if episode.closure is not None and referral is not None and episode.closure < referral:  # 8630
        yield Breach(
            "8630",
            "CINclosureDate",
            episode.closure.isoformat(),
            "Closure is before the referral",
            FIX_SOURCE,
            line,
        )
    if episode.closure is not None and not period.contains(episode.closure):  # 8620
        yield Breach(
            "8620",
            "CINclosureDate",
            episode.closure.isoformat(),
            "Closure date is outside the census year",
            FIX_SOURCE,
            line,
        )
    if episode.closure is not None and not episode.closure_reason:  # 8805
        yield Breach(
            "8805",
            "ReasonForClosure",
            "",
            "A closed episode has no reason for closure",
            "Record why the case was closed.",
            line,
        )
    if episode.closure is None and episode.closure_reason:  # 8810
        yield Breach(
            "8810",
            "ReasonForClosure",
            episode.closure_reason,
            "A reason for closure is given but no closure date",
            FIX_SOURCE,
            line,
        )
    if episode.nfa and (episode.assessments or episode.section47s or episode.plans or episode.cp_plans):
        # An NFA referral has no assessment, S47, CIN plan or CPP (8831, 8832, 4000, 2990).
        yield Breach(
            "8831",
            "ReferralNFA",
            "1",
            "A no-further-action referral has an assessment, S47 enquiry, CIN plan or child protection plan",
            FIX_SOURCE,
            line,
        )
    if episode.icpc is not None and episode.icpc.weekday() >= 5:  # 8875
        yield Breach(
            "8875",
            "DateOfInitialCPC",
            episode.icpc.isoformat(),
            "Initial child protection conference on a Saturday or Sunday",
            FIX_SOURCE,
            line,
        )
    for assessment in episode.assessments:
        for code in assessment.factors:
            yield from _code(SCHEMA, "AssessmentFactors", code, ASSESSMENT_FACTORS, assessment.line)
        if "21" in assessment.factors and len(assessment.factors) > 1:  # 8869
            yield Breach(
                "8869",
                "AssessmentFactors",
                "21",
                "Factor 21 (no factors) is given with other factors",
                "Record either 21 or the factors identified.",
                assessment.line,
            )
        if len(set(assessment.factors)) != len(assessment.factors):  # 8898
            yield Breach(
                "8898",
                "AssessmentFactors",
                ",".join(assessment.factors),
                "An assessment factor is given more than once",
                "Record each factor once.",
                assessment.line,
            )
        if assessment.factors and assessment.authorised is None:  # 8614
            yield Breach(
                "8614",
                "AssessmentFactors",
                ",".join(assessment.factors),
                "Factors are recorded on an assessment that is not completed (no authorisation date)",
                "Record factors only once the assessment is authorised.",
                assessment.line,
            )
        if referral and assessment.start and assessment.start < referral:  # 1103
            yield Breach(
                "1103",
                "AssessmentActualStartDate",
                assessment.start.isoformat(),
                "Assessment starts before the referral",
                FIX_SOURCE,
                assessment.line,
            )
        if assessment.start and assessment.authorised and assessment.authorised < assessment.start:  # 8608
            yield Breach(
                "8608",
                "AssessmentAuthorisationDate",
                assessment.authorised.isoformat(),
                "Assessment authorised before it started",
                FIX_SOURCE,
                assessment.line,
            )
        if assessment.authorised and not period.contains(assessment.authorised):  # 8696
            yield Breach(
                "8696",
                "AssessmentAuthorisationDate",
                assessment.authorised.isoformat(),
                "Assessment authorisation is outside the census year",
                FIX_SOURCE,
                assessment.line,
            )
    for plan in episode.plans:
        if referral and plan.start and plan.start < referral:  # 4015
            yield Breach(
                "4015",
                "CINPlanStartDate",
                plan.start.isoformat(),
                "CIN plan starts before the referral",
                FIX_SOURCE,
                plan.line,
            )
    for enquiry in episode.section47s:
        if referral and enquiry.start and enquiry.start < referral:  # 2889
            yield Breach(
                "2889",
                "S47ActualStartDate",
                enquiry.start.isoformat(),
                "Section 47 enquiry starts before the referral",
                FIX_SOURCE,
                enquiry.line,
            )
        if enquiry.icpc is not None and enquiry.icpc.weekday() >= 5:  # 8875
            yield Breach(
                "8875",
                "DateOfInitialCPC",
                enquiry.icpc.isoformat(),
                "Initial child protection conference on a Saturday or Sunday",
                FIX_SOURCE,
                enquiry.line,
            )
        if enquiry.start and enquiry.icpc and enquiry.icpc < enquiry.start:  # 8615
            yield Breach(
                "8615",
                "DateOfInitialCPC",
                enquiry.icpc.isoformat(),
                "Initial conference is before the section 47 enquiry started",
                FIX_SOURCE,
                enquiry.line,
            )
    for cpp in episode.cp_plans:
        yield from _code("8905", "InitialCategoryOfAbuse", cpp.initial_category, ABUSE_CATEGORIES, cpp.line)
        yield from _code("8910", "LatestCategoryOfAbuse", cpp.latest_category, ABUSE_CATEGORIES, cpp.line)
        if cpp.previous_plans is None:  # 8730
            yield Breach(
                "8730",
                "NumberOfPreviousCPP",
                "",
                "Number of previous child protection plans is missing",
                "Record how many child protection plans the child had before (0 if none).",
                cpp.line,
            )
        if referral and cpp.start and cpp.start < referral:  # 1105
            yield Breach(
                "1105",
                "CPPstartDate",
                cpp.start.isoformat(),
                "Child protection plan starts before the referral",
                FIX_SOURCE,
                cpp.line,
            )
        if cpp.start and cpp.end and cpp.end <= cpp.start:  # 8840
            yield Breach(
                "8840",
                "CPPendDate",
                cpp.end.isoformat(),
                "Child protection plan ends on or before the day it starts",
                FIX_SOURCE,
                cpp.line,
            )
        for review in cpp.reviews:
            if cpp.start and review < cpp.start:  # 8841
                yield Breach(
                    "8841",
                    "CPPreviewDate",
                    review.isoformat(),
                    "Child protection review before the plan started",
                    FIX_SOURCE,
                    cpp.line,
                )
    if child.death is not None:  # nothing starts or ends after the child's death (4008, 8915, 8920)
        death = child.death
        for plan in episode.plans:
            if plan.start and plan.start > death:
                yield Breach(
                    "4008",
                    "CINPlanStartDate",
                    plan.start.isoformat(),
                    "CIN plan starts after the child's death",
                    FIX_SOURCE,
                    plan.line,
                )
        for cpp in episode.cp_plans:
            if cpp.start and cpp.start > death:
                yield Breach(
                    "8915",
                    "CPPstartDate",
                    cpp.start.isoformat(),
                    "Child protection plan starts after the child's death",
                    FIX_SOURCE,
                    cpp.line,
                )
            if cpp.end and cpp.end > death:
                yield Breach(
                    "8920",
                    "CPPendDate",
                    cpp.end.isoformat(),
                    "Child protection plan ends after the child's death",
                    FIX_SOURCE,
                    cpp.line,
                )


def _overlapping_episodes(child: CinChild) -> Iterator[Breach]:
    """CIN episodes of one child must not overlap (8820): a later referral before an earlier closure, or while
    an earlier non-NFA episode is still open."""
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
                    later.referral.isoformat(),
                    "This episode starts before an earlier episode was closed",
                    FIX_SOURCE,
                    later.line,
                )
                break
