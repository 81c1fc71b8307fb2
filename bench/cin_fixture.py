"""A realistic synthetic CIN census (DfE 2025-26 layout) of N children, valid under the DfE rules.

`write_cin_census(path, n)` writes it; deterministic for a seed. Used by the CIN import/export benchmark
and by the tests (export of an imported cohort must pass csc-validator-be-cin with no errors).

Children cycle through realistic shapes of an episode in the census year (1 April YEAR-1 .. 31 March YEAR):
  NFA referral (closed the same day); assessment then closed (RC8); assessment and an open CIN plan;
  assessment, S47, initial conference and an open CP plan with reviews; S47 with no conference needed,
  closed; a previous episode closed early in the year followed by a new open one with a CIN plan.
About 1 in 10 children have two disabilities, the rest NONE; about 1 in 97 is unborn.

  python -m bench.cin_fixture OUT.xml --children 20000 [--year 2026] [--lea 901]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "APKN", "BAFR", "BCRB", "AIND", "MOTH", "OOTH", "NOBT")
SOURCES = ("1A", "2A", "3A", "5A", "5D", "6", "8", "3F", "1B")
NEEDS = ("N1", "N1", "N4", "N5", "N2", "N3", "N6", "N8")
FACTORS = ("3A", "4A", "1B", "2B", "16A", "17A", "6C", "24A", "11A")
CATEGORIES = ("NEG", "EMO", "PHY", "SAB", "MUL")
CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_for(number: int, la: str = "201") -> str:
    """A valid UPN (check letter, real LA number, 9 digits) for a number."""
    rest = f"{la}{number:09d}"
    total = sum(int(char) * weight for weight, char in enumerate(rest, start=2))
    return CHECK[total % 23] + rest


def weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend (conferences are not held at weekends: 8875)."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _el(tag: str, value: str | None, depth: int) -> str:
    return "" if value is None else f"{'  ' * depth}<{tag}>{escape(value)}</{tag}>\n"


@dataclass
class _Child:
    """One child being written: its number, the census year, its referral and the codes it was given."""

    index: int
    rng: random.Random
    starts: date
    ends: date
    referral: date
    source: str
    need: str

    def factors(self, depth: int) -> str:
        chosen = self.rng.sample(FACTORS, 2)
        inner = "".join(_el("AssessmentFactors", code, depth + 1) for code in chosen)
        pad = "  " * depth
        return f"{pad}<FactorsIdentifiedAtAssessment>\n{inner}{pad}</FactorsIdentifiedAtAssessment>\n"

    def assessment(self, start: date, authorised: date) -> str:
        return (
            "        <Assessments>\n"
            + _el("AssessmentActualStartDate", start.isoformat(), 5)
            + _el("AssessmentAuthorisationDate", authorised.isoformat(), 5)
            + self.factors(5)
            + "        </Assessments>\n"
        )

    def opening(
        self, referral: date | None = None, source: str | None = None, need: str | None = None
    ) -> list[str]:
        return [
            _el("CINreferralDate", (referral or self.referral).isoformat(), 4),
            _el("ReferralSource", source or self.source, 4),
            _el("PrimaryNeedCode", need or self.need, 4),
        ]


def _episode(body: list[str]) -> str:
    return "      <CINdetails>\n" + "".join(body) + "      </CINdetails>\n"


def _assessed_and_closed(c: _Child) -> str:
    """Assessment, then closed after assessment (RC8)."""
    closure = c.referral + timedelta(days=30)
    return _episode(
        [
            *c.opening(),
            _el("CINclosureDate", closure.isoformat(), 4),
            _el("ReasonForClosure", "RC8", 4),
            c.assessment(c.referral + timedelta(days=1), c.referral + timedelta(days=20)),
            _el("ReferralNFA", "0", 4),
        ]
    )


def _no_further_action(c: _Child) -> str:
    """Referral, no further action."""
    d = c.referral.isoformat()
    return _episode(
        [
            *c.opening(need="N9"),
            _el("CINclosureDate", d, 4),
            _el("ReasonForClosure", "RC7", 4),
            _el("ReferralNFA", "1", 4),
        ]
    )


def _open_plan(c: _Child) -> str:
    """Assessment and an open CIN plan."""
    plan_start = c.referral + timedelta(days=26)
    return _episode(
        [
            *c.opening(),
            c.assessment(c.referral + timedelta(days=1), c.referral + timedelta(days=25)),
            "        <CINPlanDates>\n",
            _el("CINPlanStartDate", plan_start.isoformat(), 5),
            "        </CINPlanDates>\n",
            _el("ReferralNFA", "0", 4),
        ]
    )


def _protection_plan(c: _Child) -> str:
    """S47, initial conference, open CP plan with reviews."""
    referral = c.referral
    icpc = weekday(referral + timedelta(days=14))
    reviews = [r for r in (icpc + timedelta(days=91), icpc + timedelta(days=273)) if r <= c.ends]
    review_xml = (
        "          <Reviews>\n"
        + "".join(_el("CPPreviewDate", r.isoformat(), 6) for r in reviews)
        + "          </Reviews>\n"
        if reviews
        else ""
    )
    category = CATEGORIES[c.index % len(CATEGORIES)]
    return _episode(
        [
            *c.opening(need="N1"),
            c.assessment(referral + timedelta(days=1), referral + timedelta(days=10)),
            "        <Section47>\n",
            _el("S47ActualStartDate", (referral + timedelta(days=2)).isoformat(), 5),
            _el("InitialCPCtarget", (referral + timedelta(days=17)).isoformat(), 5),
            _el("DateOfInitialCPC", icpc.isoformat(), 5),
            _el("ICPCnotRequired", "0", 5),
            "        </Section47>\n",
            _el("ReferralNFA", "0", 4),
            "        <ChildProtectionPlans>\n",
            _el("CPPstartDate", icpc.isoformat(), 5),
            _el("InitialCategoryOfAbuse", category, 5),
            _el("LatestCategoryOfAbuse", category, 5),
            _el("NumberOfPreviousCPP", str(c.index % 3), 5),
            review_xml,
            "        </ChildProtectionPlans>\n",
        ]
    )


def _enquiry_closed(c: _Child) -> str:
    """S47, no conference needed, closed."""
    closure = c.referral + timedelta(days=40)
    return _episode(
        [
            *c.opening(),
            _el("CINclosureDate", closure.isoformat(), 4),
            _el("ReasonForClosure", "RC7", 4),
            c.assessment(c.referral + timedelta(days=1), c.referral + timedelta(days=15)),
            "        <Section47>\n",
            _el("S47ActualStartDate", (c.referral + timedelta(days=2)).isoformat(), 5),
            _el("ICPCnotRequired", "1", 5),
            "        </Section47>\n",
            _el("ReferralNFA", "0", 4),
        ]
    )


def _closed_then_again(c: _Child) -> str:
    """An episode from last year closed early this year, then a new one with a CIN plan."""
    earlier = c.starts - timedelta(days=60 + c.rng.randrange(0, 100))
    closed = c.starts + timedelta(days=c.rng.randrange(5, 40))
    again = closed + timedelta(days=20 + c.rng.randrange(0, 60))
    first = _episode(
        [
            *c.opening(referral=earlier),
            _el("CINclosureDate", closed.isoformat(), 4),
            _el("ReasonForClosure", "RC7", 4),
            _el("ReferralNFA", "0", 4),
        ]
    )
    return first + _episode(
        [
            *c.opening(referral=again, source="5A"),
            c.assessment(again + timedelta(days=1), again + timedelta(days=30)),
            "        <CINPlanDates>\n",
            _el("CINPlanStartDate", (again + timedelta(days=31)).isoformat(), 5),
            "        </CINPlanDates>\n",
            _el("ReferralNFA", "0", 4),
        ]
    )


SHAPES = (
    _no_further_action,
    _assessed_and_closed,
    _open_plan,
    _protection_plan,
    _enquiry_closed,
    _closed_then_again,
)


def _identifiers(index: int, unborn: bool, referral: date, birth: date) -> list[str]:
    out = ["      <ChildIdentifiers>\n", _el("LAchildID", f"C{index:07d}", 4)]
    if unborn:
        out.append(_el("UPNunknown", "UN1", 4))
        out.append(_el("ExpectedPersonBirthDate", (referral + timedelta(days=150)).isoformat(), 4))
        out.append(_el("Sex", "U", 4))
    else:
        out.append(_el("UPN", upn_for(index), 4))
        out.append(_el("PersonBirthDate", birth.isoformat(), 4))
        out.append(_el("Sex", "MF"[index % 2], 4))
    out.append("      </ChildIdentifiers>\n      <ChildCharacteristics>\n")
    out.append(_el("Ethnicity", ETHNICITIES[index % len(ETHNICITIES)], 4))
    if not unborn:
        codes = ("LD", "AUT") if index % 10 == 3 else ("NONE",)
        out.append("        <Disabilities>\n")
        out.extend(_el("Disability", code, 5) for code in codes)
        out.append("        </Disabilities>\n")
    out.append("      </ChildCharacteristics>\n")
    return out


def child_xml(index: int, rng: random.Random, year: int) -> str:
    starts, ends = date(year - 1, 4, 1), date(year, 3, 31)
    unborn = index % 97 == 5
    referral = starts + timedelta(days=rng.randrange(0, 250))
    birth = date(year - 1 - rng.randrange(0, 16), rng.randrange(1, 13), rng.randrange(1, 29))
    if birth >= referral:
        birth = referral - timedelta(days=200)
    child = _Child(
        index, rng, starts, ends, referral, SOURCES[index % len(SOURCES)], NEEDS[index % len(NEEDS)]
    )
    shape = _assessed_and_closed if unborn else SHAPES[index % 6]
    return (
        "    <Child>\n"
        + "".join(_identifiers(index, unborn, referral, birth))
        + shape(child)
        + "    </Child>\n"
    )


def census_lines(n: int, *, year: int = 2026, lea: str = "901", seed: int = 2020) -> Iterator[str]:
    rng = random.Random(seed)  # noqa: S311 - test data
    yield (
        '<?xml version="1.0" encoding="utf-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n'
        f"      <Collection>CIN</Collection>\n      <Year>{year}</Year>\n"
        f"      <ReferenceDate>{year}-03-31</ReferenceDate>\n    </CollectionDetails>\n    <Source>\n"
        f"      <SourceLevel>L</SourceLevel>\n      <LEA>{lea}</LEA>\n"
        "      <SoftwareCode>bench.cin_fixture</SoftwareCode>\n      <Release>1</Release>\n"
        f"      <SerialNo>001</SerialNo>\n      <DateTime>{year}-04-20T09:00:00</DateTime>\n"
        "    </Source>\n  </Header>\n  <Children>\n"
    )
    for index in range(1, n + 1):
        yield child_xml(index, rng, year)
    yield "  </Children>\n</Message>\n"


def write_cin_census(
    path: Path | str, n: int, *, year: int = 2026, lea: str = "901", seed: int = 2020
) -> Path:
    """Write a census of `n` children to `path`."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as handle:
        for text in census_lines(n, year=year, lea=lea, seed=seed):
            handle.write(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--lea", default="901")
    args = parser.parse_args()
    write_cin_census(args.out, args.children, year=args.year, lea=args.lea)


if __name__ == "__main__":
    main()
