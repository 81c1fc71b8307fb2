"""The demo authority's DfE return records, made from each child's planned history (in memory, seeded).

The register's legal statuses and placements (generate.py) are the truth; this writes the CIN census and
SSDA903 records an authority's case management system would hold for the same children, so that
`casework.returns.register.sync_register` derives exactly the demo's statuses and placements back from
them (domain.census.register states the conventions), and so that the returns exported from the demo
pass the DfE's validators (shared/RETURNS.md). In outline:

- CIN census: one episode per merged period of need (child in need, child protection, looked after:
  a looked-after child is in the census too), from referral to closure, with a closure reason that says
  how it ended (adopted RC1, special guardianship RC4, ...); an assessment started within days of the
  referral and authorised within 45 working days; for each child protection plan a section 47 enquiry
  and an initial conference on the plan's first day (a weekday), reviews at 3 then every 6 months; child
  in need plans for the time in need outside protection plans and care; and a few referrals that led to
  no further action (NFA), before any episode of the child's.
- SSDA903: a new episode at each change of legal status (RNE L), placement (P) or both (B), joined by
  REC X1; the last ceases with the reason care ended; reviews (20 working days, 3 months, then 6
  months); a few missing episodes; OC2 for children looked after 12 months at 31 March, OC3 for care
  leavers on their 17th to 21st birthdays, PrevPerm for every start of care, AD1 and PlacedAdoption.
  SWEpisodes are not written: see DemoReturns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from demo import postcodes
from demo.generate import ChildPlan, PlacementPlan, StatusPlan, Weighted
from domain.census.register import birthday, merge_ranges, subtract_ranges

FIRST_YEAR = 2020  # the first SSDA903 collection year with year records (history starts 1 January 2019)
URN_EXEMPT = frozenset(
    {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
)  # fmt: skip
FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})

REFERRAL_SOURCE = Weighted(
    [
        ("6", 29), ("2A", 17), ("3A", 4), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 2), ("3F", 3),
        ("1A", 5), ("1B", 1), ("1C", 1), ("1D", 1), ("5A", 4), ("5B", 2), ("5C", 2), ("5D", 6),
        ("4", 2), ("7", 2), ("8", 5), ("9", 2), ("10", 1), ("2B", 5),
    ]
)  # fmt: skip
NEED = Weighted([("N1", 55), ("N4", 12), ("N5", 14), ("N3", 6), ("N6", 3), ("N8", 4), ("N7", 1), ("N9", 5)])
FACTORS = Weighted(
    [
        ("3A", 18), ("4A", 22), ("2A", 8), ("2B", 4), ("1A", 5), ("1B", 3), ("5A", 3), ("5B", 2),
        ("6A", 10), ("6B", 3), ("7A", 2), ("8B", 6), ("9A", 3), ("10A", 4), ("11A", 3), ("12A", 2),
        ("13A", 2), ("14A", 2), ("15A", 1), ("16A", 2), ("17A", 1), ("20", 3), ("22A", 1), ("23A", 1),
        ("24A", 2), ("8C", 2), ("8D", 2), ("8E", 3), ("8F", 3),
    ]
)  # fmt: skip
PLACE_CHANGE = Weighted(
    [("CARPL", 20), ("LAREQ", 12), ("PLACE", 25), ("CREQB", 4), ("CREQO", 4), ("CHILD", 8), ("ALLEG", 2),
     ("STAND", 5), ("APPRR", 3), ("CLOSE", 3), ("OTHER", 14)]
)  # fmt: skip
REVIEW_CODE = Weighted(
    [("PN1", 55), ("PN2", 12), ("PN3", 10), ("PN4", 8), ("PN5", 6), ("PN6", 5), ("PN7", 4)]
)
ACTIVITY = Weighted(
    [("F1", 6), ("P1", 1), ("F2", 28), ("P2", 4), ("F4", 6), ("P4", 2), ("F5", 14), ("P5", 6), ("G4", 8),
     ("G5", 20), ("G6", 5)]
)  # fmt: skip
ACCOMMODATION = Weighted(
    [("B1", 8), ("C1", 6), ("D1", 12), ("E1", 10), ("G1", 4), ("H1", 2), ("K1", 6), ("R1", 8), ("T1", 6),
     ("U1", 18), ("V1", 4), ("W1", 2), ("X2", 1), ("Y1", 3), ("Z1", 4), ("Z2", 1), ("B2", 1), ("U2", 2)]
)  # fmt: skip
# LA numbers of the authorities around the demo's (postcodes.HOME_AREA, Stockport): Manchester, Stockport,
# Tameside, Trafford, Cheshire East.
PERMANENCE_LAS = ("352", "356", "357", "358", "895")
CLOSURE_BY_END_REASON = {
    "No further action after assessment": "RC8",
    "Moved out of the area": "RC5",
    "Stepped down to early help": "RC9",
}


@dataclass(slots=True, eq=False)
class CinEpisodeRecord:
    child: ChildPlan
    referral: date
    source: str
    need: str
    closure: date | None
    reason: str
    nfa: bool
    assessments: list[tuple[date, date | None, list[str]]] = field(default_factory=list)
    plans: list[tuple[date, date | None]] = field(default_factory=list)
    section47s: list[tuple[date, date, date]] = field(default_factory=list)  # start, target, conference
    cp_plans: list[tuple[date, date | None, str, int, list[date]]] = field(default_factory=list)
    id: int = 0


@dataclass(slots=True, eq=False)
class LacEpisodeRecord:
    child: ChildPlan
    decom: date
    rne: str
    legal_status: str
    cin: str
    place: str
    provider: str
    dec: date | None
    rec: str
    reason_place_change: str
    home_post: str
    pl_post: str
    urn: str


@dataclass(slots=True, eq=False)
class ReturnDetails:
    child: ChildPlan
    upn_unknown: str
    mother: bool | None
    mother_child_dob: date | None
    uasc: bool
    uasc_ceased: date | None


@dataclass
class DemoReturns:
    """Every return record of the demo authority.

    No SWEpisodes (social worker episodes): the table is optional in the SSDA903, the register keeps the
    allocated worker elsewhere, and two of its rules misfire on valid data in csc-validator-be-903 0.1.17
    (SW12STG2 on every open episode not starting care, SW17STG2 on every child who left care in the
    year; shared/RETURNS.md), so a demo export with it could not be error-free.
    """

    details: list[ReturnDetails] = field(default_factory=list)
    cin: list[CinEpisodeRecord] = field(default_factory=list)
    lac: list[LacEpisodeRecord] = field(default_factory=list)
    reviews: list[tuple[ChildPlan, date, str]] = field(default_factory=list)
    missing: list[tuple[ChildPlan, str, date, date | None]] = field(default_factory=list)
    placed_for_adoption: list[tuple[ChildPlan, date, date | None, str]] = field(default_factory=list)
    adoptions: list[tuple[ChildPlan, date, date, str, str, str, str]] = field(default_factory=list)
    previous_permanence: list[tuple[ChildPlan, int, str, str, str]] = field(default_factory=list)
    outcomes: list[tuple[ChildPlan, int, str, str, str, str, str, str, str, str, str, str]] = field(
        default_factory=list
    )
    care_leavers: list[tuple[ChildPlan, int, str, str, str]] = field(default_factory=list)


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


def _year_of(day: date) -> int:
    """The SSDA903 / CIN collection year (ending 31 March) a day falls in."""
    return day.year + 1 if day.month >= 4 else day.year


class ReturnsBuilder:
    """Builds the DemoReturns of a list of planned children. Call build() once."""

    def __init__(self, *, seed: int, today: date, children: list[ChildPlan]) -> None:
        # A generator of its own: the rest of the demo draws the same numbers with or without returns.
        self.rng = random.Random(f"demo-returns-{seed}")
        self.today = today
        self.children = children
        self.out = DemoReturns()
        self.urns: dict[tuple[str, str], str] = {}
        self.used_urns: set[str] = set()

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def _between(self, first: date, last: date) -> date:
        span = (last - first).days
        return first + timedelta(days=self.rng.randint(0, span)) if span > 0 else first

    def build(self) -> DemoReturns:
        for child in self.children:
            cin_before = len(self.out.cin)
            needs = self._cin(child)
            in_903 = self._903(child, needs)
            if in_903 or len(self.out.cin) > cin_before:
                self._details(child, in_903)
        return self.out

    # --- CIN census -------------------------------------------------------------------------------

    def _cin(self, child: ChildPlan) -> dict[date, str]:
        """The child's CIN episodes; returns the primary need of each looked-after period, by its start."""
        today = self.today
        statuses = child.statuses
        periods = merge_ranges([(s.starts_on, s.ends_on) for s in statuses if s.kind in {"cin", "cp", "lac"}])
        born = child.date_of_birth
        floor = max(born or today, date(2019, 1, 1))
        if born is not None and self._chance(0.15):
            # A referral that led nowhere, before anything else the service did for the child.
            latest = (periods[0][0] - timedelta(days=30)) if periods else today - timedelta(days=1)
            if latest >= floor and (periods or self._chance(0.5)):
                day = self._between(max(floor, latest - timedelta(days=400)), latest)
                self.out.cin.append(
                    CinEpisodeRecord(child, day, REFERRAL_SOURCE.pick(self.rng), "", day, "RC7", True)
                )
        cps = sorted((s for s in statuses if s.kind == "cp"), key=lambda s: s.starts_on)
        lacs = sorted((s for s in statuses if s.kind == "lac"), key=lambda s: s.starts_on)
        lac_ranges = merge_ranges([(s.starts_on, s.ends_on) for s in lacs])
        kinds_from = {s.starts_on: s.kind for s in statuses if s.kind in {"adopted", "sgo", "care_leaver"}}
        needs: dict[date, str] = {}
        for starts, ends in periods:
            inside_cp = [p for p in cps if starts <= p.starts_on and (ends is None or p.starts_on <= ends)]
            inside_lac = [r for r in lac_ranges if starts <= r[0] and (ends is None or r[0] <= ends)]
            if inside_cp:
                need = "N1"
            elif child.uasc and inside_lac:
                need = "N8"
            elif child.disabilities and self._chance(0.6):
                need = "N2"
            else:
                need = NEED.pick(self.rng)
            if inside_lac and need in {"N0", "N9"}:
                need = "N4"
            for lac_start, _ in inside_lac:
                needs[lac_start] = need
            reason = ""
            if ends is not None:
                after = kinds_from.get(ends + timedelta(days=1), "")
                ended_in_care = bool(inside_lac) and inside_lac[-1][1] == ends
                if after == "adopted":
                    reason = "RC1"
                elif after == "sgo":
                    reason = "RC4"
                elif ended_in_care and after == "care_leaver" and born and _age(born, ends) >= 17:
                    reason = "RC6" if self._chance(0.2) else "RC7"
                elif not inside_cp and not inside_lac:
                    ending = next(
                        (s.end_reason for s in statuses if s.kind == "cin" and s.ends_on == ends), ""
                    )
                    reason = CLOSURE_BY_END_REASON.get(ending, "RC7")
                else:
                    reason = "RC7"
            source = REFERRAL_SOURCE.pick(self.rng)
            episode = CinEpisodeRecord(child, starts, source, need, ends, reason, False)
            last = min(ends or today, today)
            assessed = min(starts + timedelta(days=self.rng.randint(0, 7)), last)
            authorised: date | None = assessed + timedelta(days=self.rng.randint(5, 55))
            if authorised is not None and ends is not None and authorised > ends:
                authorised = ends
            if authorised is not None and authorised > today:
                authorised = None
            factors = sorted({FACTORS.pick(self.rng) for _ in range(self.rng.choice((1, 1, 2, 2, 3)))})
            episode.assessments.append((assessed, authorised, factors if authorised else []))
            previous = 0
            for plan in cps:
                if plan.starts_on < starts:
                    previous += 1
                    continue
                if plan not in inside_cp:
                    continue
                conference = plan.starts_on
                enquiry = max(starts, conference - timedelta(days=self.rng.randint(5, 14)))
                episode.section47s.append((enquiry, enquiry + timedelta(days=21), conference))
                reviews: list[date] = []
                review = _weekday(conference + timedelta(days=self.rng.randint(70, 86)))
                plan_last = min(plan.ends_on or today, today)
                while review <= plan_last and (plan.ends_on is None or review < plan.ends_on):
                    reviews.append(review)
                    review = _weekday(review + timedelta(days=self.rng.randint(168, 180)))
                episode.cp_plans.append((plan.starts_on, plan.ends_on, plan.cp_category, previous, reviews))
                previous += 1
            if authorised is not None and reason not in {"RC8", "RC9"}:
                holes = [(p.starts_on, p.ends_on) for p in inside_cp] + inside_lac
                for piece_start, piece_end, _ in subtract_ranges([(starts, ends)], holes):
                    plan_start = max(piece_start, authorised + timedelta(days=self.rng.randint(0, 10)))
                    if plan_start <= min(piece_end or today, today):
                        episode.plans.append((plan_start, piece_end))
            self.out.cin.append(episode)
        return needs

    # --- SSDA903 ----------------------------------------------------------------------------------

    def _urn(self, placement: PlacementPlan) -> str:
        if placement.placement_type in URN_EXEMPT:
            return ""
        key = (placement.carer_or_setting, placement.postcode)
        urn = self.urns.get(key)
        if urn is None:
            urn = f"2{self.rng.randint(0, 999_999):06d}"  # Ofsted's newer URNs: seven digits from 2000000
            while urn in self.used_urns:
                urn = f"2{self.rng.randint(0, 999_999):06d}"
            self.used_urns.add(urn)
            self.urns[key] = urn
        return urn

    def _home_postcode(self, child: ChildPlan, avoid: set[str]) -> str:
        if child.uasc:
            return ""  # no family home in England (and rule 406: no distance for UASC)
        district = postcodes.DISTRICTS[self.rng.randrange(len(postcodes.DISTRICTS))]
        choice = self.rng.choice(district)
        while choice in avoid:
            choice = self.rng.choice(district)
        return choice

    def _903(self, child: ChildPlan, needs: dict[date, str]) -> bool:
        born = child.date_of_birth
        lacs = sorted((s for s in child.statuses if s.kind == "lac"), key=lambda s: s.starts_on)
        periods: list[list[StatusPlan]] = []
        for status in lacs:
            if (
                periods
                and periods[-1][-1].ends_on is not None
                and periods[-1][-1].ends_on + timedelta(days=1) == status.starts_on
            ):
                periods[-1].append(status)
            else:
                periods.append([status])
        placements = sorted(child.placements, key=lambda p: p.starts_on)
        after = {s.starts_on: s.kind for s in child.statuses if s.kind in {"adopted", "sgo", "care_leaver"}}
        for period in periods:
            first, end = period[0].starts_on, period[-1].ends_on
            here = [p for p in placements if p.starts_on >= first and (end is None or p.starts_on <= end)]
            if not here or here[0].starts_on != first:
                raise AssertionError(f"Demo data: {child.la_child_id}: a care episode without its placement")
            boundaries = sorted({s.starts_on for s in period} | {p.starts_on for p in here})
            home = self._home_postcode(child, {p.postcode for p in here})
            need = needs.get(first) or ("N8" if child.uasc else "N1")
            rows: list[LacEpisodeRecord] = []
            for index, day in enumerate(boundaries):
                status = next(s for s in reversed(period) if s.starts_on <= day)
                placement = next(p for p in reversed(here) if p.starts_on <= day)
                if index == 0:
                    rne = "S"
                elif placement.starts_on == day:
                    rne = "B" if status.starts_on == day else "P"
                    if placement.placement_type in {"A3", "A5"}:  # placed for adoption with their carers
                        rne = "U" if rne == "B" else "T"
                else:
                    rne = "L"
                if rows:
                    rows[-1].dec = day
                    rows[-1].rec = "X1"
                    if rne in {"P", "B", "T", "U"}:
                        rows[-1].reason_place_change = PLACE_CHANGE.pick(self.rng)
                rows.append(
                    LacEpisodeRecord(
                        child=child,
                        decom=day,
                        rne=rne,
                        legal_status=status.lac_legal_status,
                        cin=need,
                        place=placement.placement_type,
                        provider=placement.provider,
                        dec=None,
                        rec="",
                        reason_place_change="",
                        home_post=placement.postcode if placement.placement_type == "P1" and home else home,
                        pl_post=placement.postcode,
                        urn=self._urn(placement),
                    )
                )
            if end is not None:
                rows[-1].dec = end
                rows[-1].rec = self._ceased(child, after.get(end + timedelta(days=1), ""), rows[-1], end)
            self.out.lac += rows
            self._reviews(child, first, end)
            if born is not None and _age(born, first) >= 11 and self._chance(0.15):
                self._missing(child, first, end)
            self._adoption(child, period, here, rows[-1])
            if _year_of(first) >= FIRST_YEAR:
                self.out.previous_permanence.append((child, _year_of(first), *self._permanence(child, first)))
        self._outcomes(child, periods)
        leaver_rows = len(self.out.care_leavers)
        self._care_leaver(child)
        return bool(periods) or len(self.out.care_leavers) > leaver_rows

    def _permanence(self, child: ChildPlan, first: date) -> tuple[str, str, str]:
        """PrevPerm: mostly none (Z1); else a special guardianship (P2) or child arrangements order (P3)
        made earlier, here or in a neighbouring authority (LA_PERM and DATE_PERM then required: rule 630)."""
        born = child.date_of_birth
        if born is None or first - born < timedelta(days=900) or self._chance(0.9):
            return "Z1", "", ""
        made = self._between(born + timedelta(days=365), first - timedelta(days=400))
        return self.rng.choice(("P2", "P3")), self.rng.choice(PERMANENCE_LAS), f"{made:%d/%m/%Y}"

    def _ceased(self, child: ChildPlan, then: str, last: LacEpisodeRecord, end: date) -> str:
        if then == "adopted":
            return "E12" if self._chance(0.3) else "E11"
        if then == "sgo":
            if last.place in {"U1", "U2", "U3"}:
                return "E45"
            if last.place in FOSTER:
                return "E46"
            return "E47" if self._chance(0.7) else "E48"
        born = child.date_of_birth
        if then == "care_leaver" and born is not None and end + timedelta(days=1) >= birthday(born, 18):
            if last.place in FOSTER:
                return "E17" if self._chance(0.6) else "E8"
            if last.place == "K3":
                return "E5" if self._chance(0.7) else "E6"
            return "E5" if self._chance(0.5) else "E8"
        return "E4A" if self._chance(0.85) else "E13"

    def _reviews(self, child: ChildPlan, first: date, end: date | None) -> None:
        born = child.date_of_birth
        last = min(end or self.today, self.today)
        review = _weekday(first + timedelta(days=self.rng.randint(10, 24)))
        gaps = [self.rng.randint(80, 88)]
        while review <= last:
            code = "PN0" if born is not None and _age(born, review) < 4 else REVIEW_CODE.pick(self.rng)
            self.out.reviews.append((child, review, code))
            review = _weekday(review + timedelta(days=gaps.pop() if gaps else self.rng.randint(168, 178)))

    def _missing(self, child: ChildPlan, first: date, end: date | None) -> None:
        last = min(end or self.today, self.today) - timedelta(days=7)
        if last <= first:
            return
        starts = sorted({self._between(first, last) for _ in range(self.rng.choice((1, 1, 2, 3)))})
        for index, start in enumerate(starts):
            ends = start + timedelta(days=self.rng.choice((0, 0, 1, 1, 2, 4)))
            if index + 1 < len(starts) and ends >= starts[index + 1]:
                ends = starts[index + 1] - timedelta(days=1)
            self.out.missing.append((child, "M" if self._chance(0.7) else "A", start, max(ends, start)))

    def _adoption(
        self, child: ChildPlan, period: list[StatusPlan], here: list[PlacementPlan], last: LacEpisodeRecord
    ) -> None:
        order = next((s for s in period if s.lac_legal_status == "E1"), None)
        if order is None:
            return
        decided = order.starts_on
        adopted = last.rec in {"E11", "E12"}
        # Ceased only if the decision was reversed (rule 525: then no adoption); an adoption is not that.
        self.out.placed_for_adoption.append((child, decided, None, ""))
        if adopted and last.dec is not None:
            matched = next(
                (p.starts_on for p in here if p.placement_type in {"A3", "A4", "A5", "A6"}), last.dec
            )
            matched = max(matched, decided)
            couple = self._chance(0.8)
            sexes = (
                ("MF" if self._chance(0.8) else self.rng.choice(("MM", "FF")))
                if couple
                else ("F1" if self._chance(0.85) else "M1")
            )
            # LS_ADOPTR: L0 single; married L11 (different sex) / L12 (same sex); L2 civil partners;
            # unmarried couple L3 (different sex) / L4 (same sex) (rules 514-520).
            if not couple:
                status = "L0"
            elif sexes == "MF":
                status = self.rng.choice(("L11", "L11", "L11", "L3", "L2"))
            else:
                status = self.rng.choice(("L12", "L4", "L2"))
            foster_carers = "1" if last.place == "A5" else "0"
            adopters = "2" if couple else "1"
            self.out.adoptions.append((child, decided, matched, foster_carers, adopters, sexes, status))

    def _outcomes(self, child: ChildPlan, periods: list[list[StatusPlan]]) -> None:
        """OC2: children looked after continuously for 12 months at 31 March (in the current year: those
        who will be, if still looked after; the validator assumes so of every open episode, rule 191)."""
        born = child.date_of_birth
        if born is None:
            return
        for period in periods:
            first, end = period[0].starts_on, period[-1].ends_on
            for year in range(max(FIRST_YEAR, _year_of(first) + 1), _year_of(self.today) + 1):
                march = date(year, 3, 31)
                if first > date(year - 1, 3, 31) or (end is not None and end <= march):
                    continue
                age = _age(born, march)
                score = reason = ""
                if birthday(born, 4) <= march and birthday(born, 17) >= date(year - 1, 4, 1):
                    if self._chance(0.8):
                        score = str(min(40, max(0, int(self.rng.gauss(14, 7)))))
                    else:
                        reason = self.rng.choice(("SDQ2", "SDQ3", "SDQ4", "SDQ5"))  # SDQ1: under 4 or 17+
                convicted = ("1" if self._chance(0.04) else "0") if age >= 10 else ""
                health_check = ("1" if self._chance(0.9) else "0") if age < 5 else ""
                misuse = "1" if age >= 11 and self._chance(0.05) else "0"
                received = ("1" if self._chance(0.6) else "0") if misuse == "1" else ""
                # Offered is asked only if none was received (rule 158).
                offered = ("1" if self._chance(0.7) else "0") if received == "0" else ""
                self.out.outcomes.append(
                    (
                        child,
                        year,
                        score,
                        reason,
                        convicted,
                        health_check,
                        "1" if self._chance(0.85) else "0",
                        "1" if self._chance(0.85) else "0",
                        "1" if self._chance(0.9) else "0",
                        misuse,
                        received,
                        offered,
                    )
                )

    def _care_leaver(self, child: ChildPlan) -> None:
        """OC3: a care leaver's 17th to 21st birthdays, from the day they became a care leaver."""
        born = child.date_of_birth
        leaver = next((s for s in child.statuses if s.kind == "care_leaver"), None)
        if born is None or leaver is None:
            return
        for years in range(17, 22):
            turns = birthday(born, years)
            year = _year_of(turns)
            # Not the birthday care ended on (the 18th, mostly): rule 1016.
            if turns < leaver.starts_on or turns > self.today or year < FIRST_YEAR:
                continue
            if self._chance(0.92):
                touch, activity, accommodation = "YES", ACTIVITY.pick(self.rng), ACCOMMODATION.pick(self.rng)
            else:
                touch, activity, accommodation = self.rng.choice(("NO", "REFU")), "0", "0"
            self.out.care_leavers.append((child, year, touch, activity, accommodation))

    # --- per child ----------------------------------------------------------------------------------

    def _details(self, child: ChildPlan, in_903: bool) -> None:
        born = child.date_of_birth
        unknown = ""
        if not child.upn and born is not None:
            unknown = "UN1" if _age(born, self.today) < 5 else "UN2"
        mother: bool | None = None
        mother_dob: date | None = None
        if in_903 and child.gender == "2" and born is not None:
            mother = False
            # The flag is the child's, sent every year: a first child born before care began (rule 625).
            fifteen = birthday(born, 15)
            care = [s.starts_on for s in child.statuses if s.kind == "lac"]
            if care and fifteen < min(care) - timedelta(days=30) and self._chance(0.2):
                mother = True
                mother_dob = self._between(fifteen, min(care) - timedelta(days=30))
        uasc = next((s for s in child.statuses if s.kind == "uasc"), None)
        self.out.details.append(
            ReturnDetails(child, unknown, mother, mother_dob, child.uasc, uasc.ends_on if uasc else None)
        )
