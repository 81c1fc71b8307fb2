"""How the register's legal statuses and placements follow from a child's DfE return records.

The returns describe episodes (CIN: referral to closure, with child protection plans inside; SSDA903:
episodes of care that change with legal status, placement or carer). The register works with periods of
one kind (child in need, child protection plan, looked after with a legal status, care leaver, ...), each
an inclusive range of days, never overlapping another of its kind. This module turns one into the other,
the same way for an import and for the demo authority, so that the two agree.

Conventions (shared/RETURNS.md, DOMAIN.md §4):
- A CIN episode open from referral to closure makes the child a child in need on those days, unless the
  referral led to no further action (ReferralNFA). The register counts looked-after children apart, so
  days looked after are taken out of the child-in-need periods.
- A child protection plan runs from CPPstartDate to CPPendDate, both days included.
- SSDA903 episodes joined by REC = X1 form one period of care: a new episode starts on the day the last
  one ceased (DEC = next DECOM), so an inner episode's last day is DEC - 1; the period's last day is the
  final episode's DEC (the day the child left care).
- A placement changes with RNE P, T, B or U (new placement), or S (care starts); RNE L is a change of
  legal status only.
- Care leaver (Children (Leaving Care) Act 2000; Children Act 1989 s23C and Sch 2 para 19B): looked after
  for 13 weeks or more in all since the age of 14, ending on or after the 16th birthday, and not looked
  after now: a care leaver from the day after the last period of care ended. A child with OC3 (care
  leaver outcomes) rows but no episodes is a care leaver from the 18th birthday.
- Adoption (REC E11, E12) and special guardianship (REC E43-E48) start the day after care ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

CATEGORIES = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})
LEGAL_STATUSES = frozenset({"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"})
NEW_PLACEMENT = frozenset({"S", "P", "T", "B", "U"})
ADOPTED = frozenset({"E11", "E12"})
SPECIAL_GUARDIANSHIP = frozenset({"E43", "E44", "E45", "E46", "E47", "E48"})
CARE_LEAVER_MIN_DAYS = 13 * 7

# SSDA903 REC: reason the episode ceased (2025-26 code list, RETURNS.md), as an end reason.
REASON_CEASED = {
    "E11": "Adopted: application unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E13": "Left care to live with parent(s), relative or other person with no parental responsibility",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 and stayed with former foster carers (Staying Put)",
    "E2": "Died",
    "E3": "Care taken over by another local authority",
    "E4A": "Returned home to live with parent(s) as part of the care planning process",
    "E4B": "Returned home to live with parent(s) not as part of the care planning process",
    "E41": "Child arrangements order (residence) granted",
    "E43": "Special guardianship order made to former foster carer(s)",
    "E44": "Special guardianship order made to carer(s) other than former foster carer(s)",
    "E45": "Special guardianship order made to former foster carer(s), who are relatives or friends",
    "E46": "Special guardianship order made to former foster carer(s), other than relatives or friends",
    "E47": "SGO made to carer(s) other than former foster carer(s): relatives or friends",
    "E48": "SGO made to carer(s) other than former foster carer(s): other",
    "E5": "Moved into independent living arrangement with supportive accommodation",
    "E6": "Moved into independent living arrangement without formalised support",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
}
REASON_CLOSED = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}
BECAME_LOOKED_AFTER = "Became looked after"


@dataclass(frozen=True)
class CinEpisodeFacts:
    referral: date
    closure: date | None
    nfa: bool | None
    closure_reason: str = ""


@dataclass(frozen=True)
class CpPlanFacts:
    starts: date | None
    ends: date | None
    initial_category: str
    latest_category: str


@dataclass(frozen=True)
class LacEpisodeFacts:
    decom: date
    dec: date | None
    rne: str
    legal_status: str
    place: str
    provider: str
    postcode: str
    rec: str


@dataclass(frozen=True)
class ChildReturnFacts:
    date_of_birth: date | None
    cin_episodes: Sequence[CinEpisodeFacts] = ()
    cp_plans: Sequence[CpPlanFacts] = ()
    lac_episodes: Sequence[LacEpisodeFacts] = ()
    uasc: bool = False
    uasc_ceased: date | None = None
    has_care_leaver_outcomes: bool = False
    has_cin_records: bool = False
    has_903_records: bool = False


@dataclass(frozen=True, order=True)
class Status:
    kind: str
    starts: date
    ends: date | None
    cp_category: str = ""
    lac_legal_status: str = ""
    end_reason: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, date, date | None, str, str]:
        return (self.kind, self.starts, self.ends, self.cp_category, self.lac_legal_status)


@dataclass(frozen=True, order=True)
class PlacementPeriod:
    starts: date
    ends: date | None
    placement_type: str
    provider: str
    postcode: str


@dataclass
class Derived:
    statuses: list[Status]
    placements: list[PlacementPeriod]
    kinds: frozenset[str]  # the kinds of status these records decide (the rest are left alone)
    warnings: list[str]
    placements_decided: bool


CIN_KINDS = frozenset({"cin", "cp"})
LAC_KINDS = frozenset({"lac", "uasc", "care_leaver", "adopted", "sgo"})

Range = tuple[date, date | None]


def merge_ranges(ranges: Iterable[Range]) -> list[Range]:
    """Union of inclusive day ranges (None = open), adjacent ranges joined."""
    out: list[Range] = []
    for starts, ends in sorted(ranges, key=lambda r: r[0]):
        if out:
            last_start, last_end = out[-1]
            if last_end is None or starts <= last_end + timedelta(days=1):
                if last_end is not None and (ends is None or ends > last_end):
                    out[-1] = (last_start, ends)
                continue
        out.append((starts, ends))
    return out


def subtract_ranges(ranges: list[Range], holes: Iterable[Range]) -> list[tuple[date, date | None, bool]]:
    """Ranges minus holes (which may overlap); the flag says whether the piece was cut short by a hole."""
    ordered_holes = sorted(holes, key=lambda hole: hole[0])
    pieces: list[tuple[date, date | None, bool]] = []
    for starts, ends in ranges:
        current: date | None = starts
        for hole_start, hole_end in ordered_holes:
            if current is None:
                break
            if ends is not None and hole_start > ends:
                break
            if hole_end is not None and hole_end < current:
                continue
            if hole_start > current:
                pieces.append((current, hole_start - timedelta(days=1), True))
            current = None if hole_end is None else hole_end + timedelta(days=1)
        if current is not None and (ends is None or current <= ends):
            pieces.append((current, ends, False))
    return pieces


def periods_of_care(episodes: Sequence[LacEpisodeFacts]) -> list[list[LacEpisodeFacts]]:
    """Episodes grouped into periods of care: an episode that ceased X1 continues into the next one."""
    ordered = sorted(episodes, key=lambda e: e.decom)
    periods: list[list[LacEpisodeFacts]] = []
    for episode in ordered:
        if periods:
            previous = periods[-1][-1]
            if previous.rec == "X1" or previous.dec is None or previous.dec >= episode.decom:
                periods[-1].append(episode)
                continue
        periods.append([episode])
    return periods


def _last_day(period: list[LacEpisodeFacts], index: int) -> date | None:
    """The last day of episode `index` within its period of care (inclusive)."""
    episode = period[index]
    if index + 1 < len(period):
        return max(episode.decom, period[index + 1].decom - timedelta(days=1))
    return episode.dec


def _lac(period: list[LacEpisodeFacts], warnings: list[str]) -> tuple[list[Status], list[PlacementPeriod]]:
    statuses: list[Status] = []
    placements: list[PlacementPeriod] = []
    for index, episode in enumerate(period):
        ends = _last_day(period, index)
        if index + 1 < len(period) and period[index + 1].decom == episode.decom:
            continue  # a zero-length episode: the next one starts the same day
        legal = episode.legal_status if episode.legal_status in LEGAL_STATUSES else ""
        if not legal:
            warnings.append(
                f"Episode starting {episode.decom:%d/%m/%Y}: legal status {episode.legal_status!r} is not an "
                "SSDA903 code, so the register shows the previous one"
            )
            legal = statuses[-1].lac_legal_status if statuses else "V2"
        if statuses and statuses[-1].lac_legal_status == legal:
            previous = statuses[-1]
            statuses[-1] = Status("lac", previous.starts, ends, lac_legal_status=legal)
        else:
            statuses.append(Status("lac", episode.decom, ends, lac_legal_status=legal))
        place = (episode.place, episode.provider, episode.postcode)
        if (
            placements
            and episode.rne not in NEW_PLACEMENT
            and (placements[-1].placement_type, placements[-1].provider, placements[-1].postcode) == place
        ):
            previous_placement = placements[-1]
            placements[-1] = PlacementPeriod(previous_placement.starts, ends, *place)
        else:
            placements.append(PlacementPeriod(episode.decom, ends, *place))
    final = period[-1]
    if final.dec is not None and statuses:
        last = statuses[-1]
        statuses[-1] = Status(
            "lac",
            last.starts,
            last.ends,
            lac_legal_status=last.lac_legal_status,
            end_reason=REASON_CEASED.get(final.rec, ""),
        )
    return statuses, placements


def birthday(day: date, years: int) -> date:
    """The day someone born on `day` is `years` old (29 February: 1 March in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year: the birthday is taken as 1 March
        return date(day.year + years, 3, 1)


def _care_leaver(facts: ChildReturnFacts, periods: list[list[LacEpisodeFacts]]) -> Status | None:
    born = facts.date_of_birth
    if born is None:
        return None
    if not periods:
        if facts.has_care_leaver_outcomes:
            return Status("care_leaver", birthday(born, 18), None)
        return None
    last_end = periods[-1][-1].dec
    if last_end is None:
        return None  # still looked after
    fourteen, sixteen = birthday(born, 14), birthday(born, 16)
    days = 0
    for period in periods:
        starts, ends = max(period[0].decom, fourteen), period[-1].dec
        if ends is not None and ends >= starts:
            days += (ends - starts).days + 1
    if days >= CARE_LEAVER_MIN_DAYS and last_end >= sixteen:
        return Status("care_leaver", max(last_end + timedelta(days=1), birthday(born, 16)), None)
    if facts.has_care_leaver_outcomes:
        return Status("care_leaver", max(last_end + timedelta(days=1), birthday(born, 18)), None)
    return None


def derive(facts: ChildReturnFacts) -> Derived:
    """The statuses and placements the child's return records imply, with anything that had to be skipped."""
    warnings: list[str] = []
    statuses: list[Status] = []
    placements: list[PlacementPeriod] = []
    kinds: set[str] = set()
    lac_ranges: list[Range] = []
    if facts.has_903_records:
        kinds |= LAC_KINDS
        lac_ranges = _looked_after(facts, statuses, placements, warnings)
    if facts.has_cin_records:
        kinds |= CIN_KINDS
        statuses += _in_need(facts, lac_ranges)
        statuses += _protection_plans(facts, warnings)
    return Derived(sorted(statuses), placements, frozenset(kinds), warnings, facts.has_903_records)


def _looked_after(
    facts: ChildReturnFacts, statuses: list[Status], placements: list[PlacementPeriod], warnings: list[str]
) -> list[Range]:
    """The SSDA903 kinds (legal statuses, orders after care, UASC, care leaver) and placements, added to
    `statuses` and `placements`; returns the periods of care."""
    lac_ranges: list[Range] = []
    periods = periods_of_care(facts.lac_episodes)
    for period in periods:
        period_statuses, period_placements = _lac(period, warnings)
        statuses += period_statuses
        placements += period_placements
        lac_ranges.append((period[0].decom, period[-1].dec))
        final = period[-1]
        if final.dec is not None and final.rec in ADOPTED | SPECIAL_GUARDIANSHIP:
            kind = "adopted" if final.rec in ADOPTED else "sgo"
            statuses.append(Status(kind, final.dec + timedelta(days=1), None))
    if facts.uasc and facts.lac_episodes:
        first = min(episode.decom for episode in facts.lac_episodes)
        if facts.uasc_ceased is None or facts.uasc_ceased >= first:
            statuses.append(Status("uasc", first, facts.uasc_ceased))
    orders = [s for s in statuses if s.kind in {"adopted", "sgo"}]
    for superseded in orders[:-1]:  # only the latest order stands
        statuses.remove(superseded)
    leaver = _care_leaver(facts, periods)
    if leaver is not None:
        statuses.append(leaver)
    return lac_ranges


def _in_need(facts: ChildReturnFacts, lac_ranges: list[Range]) -> list[Status]:
    """Child in need while an episode that was not NFA is open, outside periods of care."""
    open_ranges = [
        (episode.referral, episode.closure)
        for episode in facts.cin_episodes
        if episode.nfa is not True and (episode.closure is None or episode.closure >= episode.referral)
    ]
    reasons = {episode.closure: episode.closure_reason for episode in facts.cin_episodes}
    statuses = []
    for starts, ends, cut in subtract_ranges(merge_ranges(open_ranges), merge_ranges(lac_ranges)):
        reason = BECAME_LOOKED_AFTER if cut else REASON_CLOSED.get(reasons.get(ends, ""), "")
        statuses.append(Status("cin", starts, ends, end_reason=reason if ends else ""))
    return statuses


def _protection_plans(facts: ChildReturnFacts, warnings: list[str]) -> list[Status]:
    """CP plans merged where they overlap, each with the latest category of abuse."""
    by_category: list[tuple[Range, str]] = []
    for plan in facts.cp_plans:
        category = plan.latest_category if plan.latest_category in CATEGORIES else plan.initial_category
        if plan.starts is None or (plan.ends is not None and plan.ends < plan.starts):
            warnings.append("A child protection plan without a usable start and end is not on the register")
            continue
        if category not in CATEGORIES:
            warnings.append(
                f"Child protection plan from {plan.starts:%d/%m/%Y} has no valid category of abuse, "
                "so it is shown as multiple categories (MUL) until corrected"
            )
            category = "MUL"
        by_category.append(((plan.starts, plan.ends), category))
    statuses = []
    for starts, ends in merge_ranges(r for r, _ in by_category):
        inside = [c for (s, _), c in by_category if s >= starts and (ends is None or s <= ends)]
        statuses.append(Status("cp", starts, ends, cp_category=inside[-1] if inside else "MUL"))
    return statuses
