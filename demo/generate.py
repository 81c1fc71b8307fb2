"""The demo authority, built in memory from a seed: teams, staff, families, children and their histories.

Nothing here touches the database; `demo.load` writes the plan. Every random choice comes
from one `random.Random(seed)` (and a Faker seeded from the same number), in a fixed order, so a seed
and a date give the same authority every time.

The mix of children follows England's figures at 31 March 2020 (shared/DOMAIN.md §6), scaled to the
authority: see COHORT_SHARES. Histories run from 2019 to `today`, so the spring 2020 emergency shows in
past records (episodes closed, households isolating, staff off sick or shielding).
"""

from __future__ import annotations

import heapq
import math
import random
import re
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Generic, TypeVar

from faker import Faker
from faker.providers.person.en_GB import Provider as EnglishNames

from casework.policy import context as contact_context
from demo import pools, postcodes
from demo.operations import Operations, OperationsBuilder
from demo.safeguarding import Safeguarding, SafeguardingBuilder
from demo.upn import CHECK_LETTERS, DEMO_UPN_LA, DEMO_UPN_OTHER_LAS, make_upn

if TYPE_CHECKING:
    from demo.returns import DemoReturns

T = TypeVar("T")

# Share of the register by each child's status today. CIN + CP = 50% (CP children have an open CIN
# episode too); looked after 14%; care leavers (18-24) 10%; adopted or under a special guardianship
# order 2%; early help 8%; the rest are closed cases kept on the register.
COHORT_SHARES: dict[str, float] = {
    "early_help": 0.08,
    "cin": 0.41,
    "cp": 0.09,
    "lac": 0.14,
    "care_leaver": 0.10,
    "edge_of_care": 0.02,
    "closed": 0.16,
}
UASC_SHARE_OF_LAC = 0.05
UASC_SHARE_OF_CARE_LEAVERS = 0.12
EHC_PLAN_SHARE = 0.06
AP_SHARE = 0.02
DISABLED_SHARE = 0.10
HEALTH_NEEDS_SHARE = 0.08
CEV_SHARE = 0.02
RESTRICTED_SHARE = 0.005
UNBORN_PER_CIN_FAMILY = 0.035  # about 1% of all children
STAFF_OFF_TODAY_SHARE = 0.10
CHILDREN_PER_TEAM = 300
MIN_TEAMS = 8
# Children per case-holding worker, by team (national average caseload 16.3 in 2020).
CASELOAD_TARGET = {
    "front_door": 14,
    "children_in_need": 16,
    "looked_after": 15,
    "disability": 14,
    "early_help": 18,
    "leaving_care": 22,
    "uasc": 14,
}
UNALLOCATED_SHARE = 0.03  # children in need awaiting allocation to a worker

EMERGENCY_START = date(2020, 3, 23)  # first national lockdown
SHIELDING_END = date(2020, 7, 31)
HISTORY_START = date(2019, 1, 1)

ROLE_SOCIAL_WORKER = "social_worker"
ROLE_PERSONAL_ADVISER = "personal_adviser"
ROLE_EARLY_HELP = "early_help_worker"

NAMED_LOGINS = ("sw.demo", "pa.demo", "tm.demo", "hos.demo", "bs.demo", "analyst.demo", "admin.demo")


class Weighted(Generic[T]):
    """A fixed weighted choice, drawn with one call to rng.random()."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _ in items]
        self.cumulative = list(accumulate(weight for _, weight in items))

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _zipf(names: Sequence[str]) -> Weighted[str]:
    """Names in order of popularity: the first is chosen about a dozen times as often as the last."""
    return Weighted([(name, 1 / (rank + 8)) for rank, name in enumerate(names)])


# Name and place pools, drawn from with the builder's Random.
SURNAME = Weighted(list(EnglishNames.last_names.items()))  # ONS frequencies
ADULT_MALE = Weighted([(name, 1.0) for name in EnglishNames.first_names_male])
ADULT_FEMALE = Weighted([(name, 1.0) for name in EnglishNames.first_names_female])
BOY = _zipf(pools.BOYS)
GIRL = _zipf(pools.GIRLS)
ETHNICITY = Weighted([((code, heritage), weight) for code, weight, heritage in pools.ETHNICITY_MIX])
UASC_ORIGIN = Weighted([(origin, origin.weight) for origin in pools.UASC_ORIGINS])
TOWN = Weighted([((name, districts), weight) for name, weight, districts in pools.TOWNS])
LANGUAGES = {key: Weighted(list(heritage.languages)) for key, heritage in pools.HERITAGE.items()}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------------------------------------------
# The plan: plain objects the loader turns into rows. `id` is filled in by the loader.


@dataclass(slots=True, eq=False)
class TeamPlan:
    name: str
    service_area: str
    manager: StaffPlan | None = None
    id: int = 0


@dataclass(slots=True, eq=False)
class StaffPlan:
    first_name: str
    last_name: str
    role: str
    job_title: str
    team: TeamPlan | None
    capacity: int = 0
    line_manager: StaffPlan | None = None
    username: str = ""
    email: str = ""
    phone: str = ""
    joined: date = HISTORY_START
    caseload: int = 0
    id: int = 0


@dataclass(slots=True, eq=False)
class AbsencePlan:
    user: StaffPlan
    status: str
    starts_on: date
    ends_on: date | None
    can_work_from_home: bool
    note: str


@dataclass(slots=True, eq=False)
class SettingPlan:
    name: str
    urn: str
    kind: str
    establishment: int
    id: int = 0


@dataclass(slots=True, eq=False)
class HouseholdPlan:
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    phone: str
    video_calls: str
    digital_access_notes: str
    members_note: str
    id: int = 0


@dataclass(slots=True, eq=False)
class CovidPlan:
    household: HouseholdPlan
    status: str
    starts_on: date
    ends_on: date | None
    note: str


@dataclass(slots=True, eq=False)
class StatusPlan:
    kind: str
    starts_on: date
    ends_on: date | None = None
    cp_category: str = ""
    lac_legal_status: str = ""
    end_reason: str = ""
    note: str = ""


@dataclass(slots=True, eq=False)
class PlacementPlan:
    starts_on: date
    ends_on: date | None
    placement_type: str
    provider: str
    carer_or_setting: str
    postcode: str


@dataclass(slots=True, eq=False)
class ChildPlan:
    cohort: str
    first_name: str
    last_name: str
    gender: str
    ethnicity: str
    first_language: str
    date_of_birth: date | None
    expected_date_of_birth: date | None = None
    known_as: str = ""
    la_child_id: str = ""
    upn: str = ""
    former_upn: str = ""
    disabilities: list[str] = field(default_factory=list)
    household: HouseholdPlan | None = None
    team: TeamPlan | None = None
    worker: StaffPlan | None = None
    setting: SettingPlan | None = None
    health_vulnerabilities: str = ""
    clinically_extremely_vulnerable: bool = False
    is_restricted: bool = False
    restriction_reason: str = ""
    statuses: list[StatusPlan] = field(default_factory=list)
    placements: list[PlacementPlan] = field(default_factory=list)
    grants: list[tuple[StaffPlan, str]] = field(default_factory=list)
    uasc: bool = False
    id: int = 0

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def open_kinds(self, today: date) -> set[str]:
        return {
            s.kind
            for s in self.statuses
            if s.starts_on <= today and (s.ends_on is None or s.ends_on >= today)
        }


@dataclass(slots=True, eq=False)
class Family:
    cohort: str
    children: list[ChildPlan]
    household: HouseholdPlan | None = None
    area: str | None = None
    team: TeamPlan | None = None
    worker_role: str = ROLE_SOCIAL_WORKER
    allocate: bool = True


@dataclass
class DemoPlan:
    today: date
    teams: list[TeamPlan]
    staff: list[StaffPlan]
    absences: list[AbsencePlan]
    settings: list[SettingPlan]
    households: list[HouseholdPlan]
    covid: list[CovidPlan]
    children: list[ChildPlan]
    logins: dict[str, StaffPlan]
    operations: Operations | None = None
    safeguarding: Safeguarding | None = None
    returns: DemoReturns | None = None


# ---------------------------------------------------------------------------------------------------

AGE_BANDS: dict[str, Weighted[tuple[int, int]]] = {
    "early_help": Weighted([((0, 4), 25), ((5, 10), 35), ((11, 15), 30), ((16, 17), 10)]),
    "cin": Weighted([((0, 0), 5), ((1, 4), 16), ((5, 9), 27), ((10, 15), 37), ((16, 17), 15)]),
    "cp": Weighted([((0, 0), 10), ((1, 4), 28), ((5, 9), 30), ((10, 15), 28), ((16, 17), 4)]),
    "lac": Weighted([((0, 0), 5), ((1, 4), 13), ((5, 9), 18), ((10, 15), 39), ((16, 17), 25)]),
    "care_leaver": Weighted([((18, 18), 25), ((19, 19), 22), ((20, 20), 20), ((21, 21), 18), ((22, 24), 15)]),
    "edge_of_care": Weighted([((1, 4), 30), ((5, 9), 40), ((10, 15), 30)]),
    "closed": Weighted([((1, 4), 20), ((5, 9), 30), ((10, 15), 35), ((16, 17), 15)]),
}
FAMILY_SIZES: dict[str, Weighted[int]] = {
    "early_help": Weighted([(1, 50), (2, 29), (3, 14), (4, 7)]),
    "cin": Weighted([(1, 52), (2, 28), (3, 13), (4, 7)]),
    "cp": Weighted([(1, 44), (2, 30), (3, 16), (4, 10)]),
    "lac": Weighted([(1, 66), (2, 22), (3, 12)]),
    "care_leaver": Weighted([(1, 1)]),
    "edge_of_care": Weighted([(1, 75), (2, 25)]),
    "closed": Weighted([(1, 56), (2, 27), (3, 11), (4, 6)]),
}
CP_CATEGORY = Weighted([("NEG", 48), ("EMO", 38), ("PHY", 7), ("SAB", 4), ("MUL", 3)])
# SSDA903 legal status by age (of the eldest child of a sibling group): overall about C2 57%, V2 18%,
# C1 13%, E1 (placement order, for adoption: young children) 9%, the rest remands and protection orders.
LAC_LEGAL_STATUS: dict[str, Weighted[str]] = {
    "under_7": Weighted([("C2", 35), ("E1", 50), ("C1", 12), ("V2", 3)]),
    "7_to_15": Weighted([("C2", 68), ("V2", 15), ("C1", 16), ("L2", 1)]),
    "16_plus": Weighted([("C2", 62), ("V2", 28), ("C1", 8), ("J1", 2)]),
}
VIDEO_CALLS = Weighted([("yes", 65), ("phone_only", 25), ("no", 5), ("unknown", 5)])
DISABILITY = Weighted(
    [
        ("LD", 25),
        ("AUT", 25),
        ("COMM", 15),
        ("BEH", 12),
        ("MOB", 6),
        ("PC", 4),
        ("HEAR", 3),
        ("VIS", 3),
        ("INC", 2),
        ("HAND", 2),
        ("CON", 2),
        ("DDA", 5),
    ]
)
PROVIDERS: dict[str, Weighted[str]] = {
    "U1": Weighted([("PR1", 1)]),
    "U3": Weighted([("PR1", 1)]),
    "U4": Weighted([("PR1", 55), ("PR4", 40), ("PR5", 5)]),
    "U5": Weighted([("PR1", 70), ("PR4", 30)]),
    "U6": Weighted([("PR1", 55), ("PR4", 40), ("PR5", 5)]),
    # The demo authority runs no children's homes of its own (as about a third of English authorities):
    # own provision (PR1) in a home outside foster care must be in the authority's own ONS area (SSDA903
    # rule 1015), which a fictional authority does not have.
    "K1": Weighted([("PR2", 60), ("PR4", 40)]),
    "K2": Weighted([("PR4", 78), ("PR5", 22)]),
    "K3": Weighted([("PR4", 70), ("PR5", 20), ("PR1", 10)]),
    "P1": Weighted([("PR0", 1)]),
    "A5": Weighted([("PR1", 70), ("PR2", 30)]),
    "A6": Weighted([("PR1", 70), ("PR2", 30)]),
    "S1": Weighted([("PR4", 80), ("PR3", 20)]),
}
# Placement types by group (SSDA903 PLACE): mostly foster care, children's homes (K2) about 12% of all,
# registered supported accommodation (K3; H5, semi-independent living, went in October 2023) only at 16+.
PLACEMENT_MIX: dict[str, list[tuple[str, float]]] = {
    "uasc": [("U6", 65), ("U4", 10), ("K2", 25)],
    "uasc_16_plus": [("K3", 55), ("U6", 30), ("U4", 5), ("K2", 10)],
    "placement_order": [("A6", 35), ("A5", 15), ("U5", 10), ("U6", 40)],
    "siblings": [("U4", 31), ("U6", 35), ("U1", 10), ("U3", 15), ("P1", 9)],
    "under_11": [("U4", 30), ("U6", 34), ("U1", 10), ("U3", 14), ("P1", 7), ("K2", 5)],
    "11_to_15": [("U4", 30), ("U6", 24), ("U1", 8), ("U3", 8), ("K2", 50), ("P1", 5), ("K1", 1), ("S1", 1)],
    "16_plus": [("U4", 20), ("U6", 16), ("U1", 5), ("U3", 4), ("K2", 40), ("K3", 26), ("P1", 4)],
}
PLACEMENTS_PER_EPISODE = Weighted([(1, 50), (2, 32), (3, 18)])
LAST_PLACEMENT_BEFORE_18 = Weighted([("K3", 55), ("U4", 30), ("U6", 10), ("K2", 5)])
FIRST_PLACEMENT = Weighted([("U6", 60), ("U3", 20), ("K2", 12), ("U4", 8)])
STAFF_OFF_STATUS = Weighted(
    [("sick", 30), ("self_isolating", 25), ("shielding", 10), ("caring", 15), ("leave", 20)]
)
PAST_ABSENCE = Weighted([("leave", 60), ("sick", 30), ("caring", 5), ("self_isolating", 5)])
SPRING_2020_ABSENCE = Weighted([("self_isolating", 45), ("sick", 30), ("shielding", 8), ("caring", 17)])
WORKS_FROM_HOME = {"sick": 0.05, "self_isolating": 0.75, "shielding": 0.85, "caring": 0.5, "leave": 0.0}
CURRENT_COVID = Weighted([("isolating", 45), ("symptomatic", 25), ("confirmed", 20), ("shielding", 10)])
MEMBERS = Weighted(
    [
        ("Mother", 30),
        ("Mother and her partner", 20),
        ("Both parents", 22),
        ("Father", 6),
        ("Mother and maternal grandmother", 8),
        ("Grandparents (kinship carers)", 5),
        ("", 9),
    ]
)
CLOSED_REASONS = (
    "Needs met: case closed",
    "No further action after assessment",
    "Moved out of the area",
    "Family declined further support",
)
KIN = (
    "Grandparents",
    "Maternal aunt",
    "Paternal grandmother",
    "Family friend",
    "Older sister",
    "Uncle and aunt",
)


class DemoBuilder:
    """Builds a DemoPlan. Call build() once."""

    def __init__(
        self,
        *,
        children: int,
        seed: int,
        today: date,
        la_number: str,
        email_domain: str,
        taken_usernames: set[str] | None = None,
        username_prefix: str = "",
    ) -> None:
        self.n = children
        self.seed = seed
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.today = today
        self.history_start = min(HISTORY_START, today - timedelta(days=730))
        self.la_number = la_number
        self.email_domain = email_domain
        self.taken = set(taken_usernames or ())
        # In a national deployment every authority but the first puts its LA number before each username
        # ("945.sw.demo", "945.j.smith"), so a sign-in says which authority it belongs to.
        self.username_prefix = f"{username_prefix}." if username_prefix else ""
        self.households: list[HouseholdPlan] = []
        self.children: list[ChildPlan] = []
        self.families: list[Family] = []
        self.teams: list[TeamPlan] = []
        self.staff: list[StaffPlan] = []
        self.absences: list[AbsencePlan] = []
        self.covid: list[CovidPlan] = []
        self.settings: list[SettingPlan] = []
        self.logins: dict[str, StaffPlan] = {}
        self.streets: list[str] = []
        self.settings_by_kind: dict[str, list[SettingPlan]] = {}
        self.teams_by_area: dict[str, list[TeamPlan]] = {}
        self.families_by_team: dict[TeamPlan, list[Family]] = {}
        self.workers_by_team: dict[TeamPlan, dict[str, list[StaffPlan]]] = {}
        self.childrens_homes: list[HouseholdPlan] = []

    # --- small helpers -------------------------------------------------------------------------------

    def _between(self, first: date, last: date) -> date:
        """A day from first to last inclusive (first if the range is empty)."""
        span = (last - first).days
        return first + timedelta(days=self.rng.randint(0, span)) if span > 0 else first

    def _days(self, low: int, high: int, mode: int | None = None) -> timedelta:
        return timedelta(days=int(self.rng.triangular(low, high, mode if mode is not None else low)))

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def _born(self, age: int) -> date:
        """A date of birth giving `age` completed years today."""
        latest = add_years(self.today, -age)
        earliest = add_years(self.today, -age - 1) + timedelta(days=1)
        return self._between(earliest, latest)

    def _phone(self, mobile: bool = True) -> str:
        # Ofcom's ranges reserved for drama: never a real number.
        if mobile:
            return f"07700 900{self.rng.randint(0, 999):03d}"
        return f"01632 960{self.rng.randint(0, 999):03d}"

    # --- name and place pools -------------------------------------------------------------------------

    def _build_streets(self) -> None:
        """Street names drawn once (Faker is slow per call): about one per 20 children."""
        streets: set[str] = set()
        wanted = max(300, self.n // 20)
        while len(streets) < wanted:
            stem = self.fake.last_name() if self._chance(0.7) else self.rng.choice(pools.PLACES)
            streets.add(f"{stem} {self.rng.choice(pools.STREET_SUFFIXES)}")
        self.streets = sorted(streets)

    def _postcode(self, districts: Sequence[int]) -> str:
        """A real postcode in one of the town's districts (demo.postcodes: the SSDA903
        validator looks every home and placement postcode up in the ONS postcode directory)."""
        return self.rng.choice(postcodes.DISTRICTS[self.rng.choice(districts) - 1])

    def _household(self, *, members: str = "", flat: bool = False, video: str | None = None) -> HouseholdPlan:
        town, districts = TOWN.pick(self.rng)
        street = self.rng.choice(self.streets)
        if flat:
            line_1, line_2 = f"Flat {self.rng.randint(1, 24)}", f"{self.rng.randint(1, 120)} {street}"
        else:
            line_1, line_2 = f"{self.rng.randint(1, 180)} {street}", ""
        household = HouseholdPlan(
            address_line_1=line_1,
            address_line_2=line_2,
            town=town,
            postcode=self._postcode(districts),
            phone=self._phone(mobile=self._chance(0.85)),
            video_calls=video or VIDEO_CALLS.pick(self.rng),
            digital_access_notes=self.rng.choice(pools.DIGITAL_NOTES) if self._chance(0.2) else "",
            members_note=members,
        )
        self.households.append(household)
        return household

    # --- education settings ---------------------------------------------------------------------------

    def _build_settings(self) -> None:
        n = self.n
        wanted = (
            ("early_years", max(2, n // 1000), 1000),
            ("primary", max(8, n // 150), 2000),
            ("secondary", max(3, n // 500), 4000),
            ("special", max(2, n // 1500), 7000),
            ("alternative", max(2, n // 25000), 1100),
            ("college", max(2, n // 5000), 8000),
        )
        total = sum(count for _, count, _ in wanted)
        urns = self.rng.sample(range(900000, 1000000), total)
        names: set[str] = set()
        towns = [town for town, _, _ in pools.TOWNS]
        for kind, count, first_number in wanted:
            for index in range(count):
                name = self._setting_name(kind, index, towns)
                while name in names:
                    name = f"{name.rsplit(' (', 1)[0]} ({self.rng.choice(towns)} {index})"
                names.add(name)
                self.settings.append(SettingPlan(name, str(urns.pop()), kind, first_number + index))
        for setting in self.settings:
            self.settings_by_kind.setdefault(setting.kind, []).append(setting)

    def _setting_name(self, kind: str, index: int, towns: list[str]) -> str:
        rng = self.rng
        place = rng.choice(pools.PLACES) if rng.random() < 0.7 else rng.choice(towns)
        if kind == "early_years":
            return f"{place} {rng.choice(('Nursery', 'Children’s Centre Nursery', 'Pre-School'))}"
        if kind == "primary":
            saint = rng.choice(pools.SAINTS)
            return rng.choice(
                (
                    f"{place} Primary School",
                    f"{place} Primary School",
                    f"{place} Infant and Junior School",
                    f"St {saint}’s Catholic Primary School",
                    f"St {saint}’s C of E Primary School",
                    f"{place} Primary Academy",
                )
            )
        if kind == "secondary":
            return rng.choice((f"{place} High School", f"{place} Academy", f"{place} Community School"))
        if kind == "special":
            return rng.choice((f"{place} School", f"The {place} Centre", f"{place} Park School"))
        if kind == "alternative":
            return ("Eastbrook Pupil Referral Unit", "Castlewick Learning Centre")[index % 2] + (
                f" {index // 2 + 1}" if index >= 2 else ""
            )
        return (
            rng.choice((f"{place} College", f"{place} Sixth Form College")) if index else "Eastbrook College"
        )

    # --- children -------------------------------------------------------------------------------------

    def _cohort_counts(self) -> dict[str, int]:
        """Children per cohort, rounded so they add up to exactly n (largest remainder)."""
        raw = {cohort: share * self.n for cohort, share in COHORT_SHARES.items()}
        counts = {cohort: int(value) for cohort, value in raw.items()}
        by_remainder = sorted(raw, key=lambda c: (raw[c] - counts[c], c), reverse=True)
        for cohort in by_remainder[: self.n - sum(counts.values())]:
            counts[cohort] += 1
        return counts

    def _build_families(self) -> None:
        counts = self._cohort_counts()
        for cohort, count in counts.items():
            uasc = 0
            if cohort == "lac":
                uasc = round(count * UASC_SHARE_OF_LAC)
            elif cohort == "care_leaver":
                uasc = round(count * UASC_SHARE_OF_CARE_LEAVERS)
            for _ in range(uasc):
                self.families.append(self._uasc_family(cohort))
            remaining = count - uasc
            while remaining > 0:
                size = min(FAMILY_SIZES[cohort].pick(self.rng), remaining)
                unborn = cohort in {"cin", "cp"} and size < remaining and self._chance(UNBORN_PER_CIN_FAMILY)
                family = self._family(cohort, size, unborn=unborn)
                self.families.append(family)
                remaining -= len(family.children)
        self.rng.shuffle(self.families)

    def _name(self, gender: str, heritage: pools.Heritage) -> str:
        own = heritage.boys if gender == "1" else heritage.girls
        if own and self._chance(0.75):
            return self.rng.choice(own)
        if self._chance(0.15):
            return (ADULT_MALE if gender == "1" else ADULT_FEMALE).pick(self.rng)
        return (BOY if gender == "1" else GIRL).pick(self.rng)

    def _family_surname(self, heritage: pools.Heritage) -> str:
        # Heritages with their own surnames but English first names (Caribbean): half the families.
        share = 0.5 if not heritage.boys and heritage.surnames else 0.85
        if heritage.surnames and self._chance(share):
            return self.rng.choice(heritage.surnames)
        return SURNAME.pick(self.rng)

    def _births(self, cohort: str, size: int) -> list[date]:
        """Dates of birth of up to `size` siblings, eldest first: at least 11 months apart (twins aside),
        all within the cohort's ages. A family may come out smaller when no more fit."""
        low, high = AGE_BANDS[cohort].pick(self.rng)
        youngest_age, eldest_age = (18, 24) if cohort == "care_leaver" else (0, 17)
        latest = add_years(self.today, -youngest_age)
        earliest = add_years(self.today, -eldest_age - 1) + timedelta(days=1)
        births = [self._born(self.rng.randint(low, high))]
        while len(births) < size:
            if self._chance(0.04):
                births.append(births[-1])  # twins
                continue
            gap = timedelta(days=self.rng.randint(330, 2200))
            options = [day for day in (max(births) + gap, min(births) - gap) if earliest <= day <= latest]
            if not options:
                break
            births.append(self.rng.choice(options))
        return sorted(births)

    def _child(
        self, *, cohort: str, born: date, ethnicity: str, heritage_key: str, surname: str
    ) -> ChildPlan:
        heritage = pools.HERITAGE[heritage_key]
        gender = "1" if self._chance(0.52) else "2"
        first = self._name(gender, heritage)
        # Sex not known or not stated: only among children the SSDA903 never reports (it queries U, 232).
        reported = cohort not in {"early_help", "cin", "cp"}
        if not reported and born < add_years(self.today, -12) and self._chance(0.003):
            gender = "9"
        child = ChildPlan(
            cohort=cohort,
            first_name=first,
            last_name=surname,
            gender=gender,
            ethnicity=ethnicity,
            first_language=LANGUAGES[heritage_key].pick(self.rng),
            date_of_birth=born,
        )
        if first in pools.KNOWN_AS and self._chance(0.3):
            child.known_as = pools.KNOWN_AS[first]
        self._health(child)
        self.children.append(child)
        return child

    def _health(self, child: ChildPlan) -> None:
        if self._chance(DISABLED_SHARE):
            codes = {DISABILITY.pick(self.rng) for _ in range(self.rng.choice((1, 1, 1, 2, 2, 3)))}
            child.disabilities = sorted(codes)
        roll = self.rng.random()
        if roll < CEV_SHARE:
            child.clinically_extremely_vulnerable = True
            child.health_vulnerabilities = self.rng.choice(pools.CEV_NEEDS)
        elif roll < CEV_SHARE + HEALTH_NEEDS_SHARE:
            child.health_vulnerabilities = self.rng.choice(pools.HEALTH_NEEDS)

    def _family(self, cohort: str, size: int, *, unborn: bool = False) -> Family:
        ethnicity, heritage_key = ETHNICITY.pick(self.rng)
        heritage = pools.HERITAGE[heritage_key]
        surname = self._family_surname(heritage)
        children: list[ChildPlan] = []
        for born in self._births(cohort, size):
            twin = children[-1] if children and children[-1].date_of_birth == born else None
            own_surname = surname if self._chance(0.82) else self._family_surname(heritage)
            child = self._child(
                cohort=cohort,
                born=born,
                ethnicity=ethnicity,
                heritage_key=heritage_key,
                surname=twin.last_name if twin else own_surname,
            )
            while twin and child.first_name == twin.first_name:
                child.first_name = self._name(child.gender if child.gender in {"1", "2"} else "2", heritage)
                child.known_as = ""
            children.append(child)
        expected = self.today + timedelta(days=self.rng.randint(7, 150))
        youngest = children[-1].date_of_birth
        if unborn and youngest and youngest <= expected - timedelta(days=330):
            baby = ChildPlan(
                cohort=cohort,
                first_name="Unborn",
                last_name=surname,
                gender="0",
                ethnicity=ethnicity,
                first_language=children[0].first_language,
                date_of_birth=None,
                expected_date_of_birth=expected,
            )
            self.children.append(baby)
            children.append(baby)
        family = Family(cohort=cohort, children=children)
        eldest = min(c.date_of_birth for c in children if c.date_of_birth)
        statuses, placements, household = self._history(family, eldest)
        family.household = household
        self._apply(family, statuses, placements)
        return family

    def _uasc_family(self, cohort: str) -> Family:
        origin = UASC_ORIGIN.pick(self.rng)
        boy = self._chance(0.9)
        gender = "1" if boy else "2"
        age = self.rng.choice((15, 16, 16, 17, 17)) if cohort == "lac" else self.rng.randint(18, 22)
        born = self._born(age)
        if self._chance(0.4):  # age assessed on arrival: recorded as 1 January of the year
            for first_of_year in (date(born.year, 1, 1), date(born.year + 1, 1, 1)):
                if add_years(self.today, -age - 1) < first_of_year <= add_years(self.today, -age):
                    born = first_of_year
                    break
        child = ChildPlan(
            cohort=cohort,
            first_name=self.rng.choice(origin.boys if boy else origin.girls),
            last_name=self.rng.choice(origin.surnames),
            gender=gender,
            ethnicity=origin.ethnicity,
            first_language=self.rng.choice(origin.languages),
            date_of_birth=born,
            uasc=True,
        )
        self._health(child)
        self.children.append(child)
        family = Family(cohort=cohort, children=[child])
        statuses, placements, household = self._history(family, born)
        family.household = household
        self._apply(family, statuses, placements)
        return family

    def _apply(self, family: Family, statuses: list[StatusPlan], placements: list[PlacementPlan]) -> None:
        """Give each child the family's history, from their own birth (or the pregnancy) onwards."""
        for child in family.children:
            child.household = family.household
            start_floor = child.date_of_birth
            if start_floor is None:  # unborn: pre-birth work starts in the pregnancy, open periods only
                expected = child.expected_date_of_birth or self.today
                start_floor = min(self.today, expected - timedelta(days=200))
            for status in statuses:
                if child.date_of_birth is None and status.ends_on is not None:
                    continue
                starts = max(status.starts_on, start_floor)
                if status.ends_on is not None and starts > status.ends_on:
                    continue
                child.statuses.append(
                    StatusPlan(
                        status.kind,
                        starts,
                        status.ends_on,
                        status.cp_category,
                        status.lac_legal_status,
                        status.end_reason,
                        status.note,
                    )
                )
            for placement in placements:
                starts = max(placement.starts_on, start_floor)
                if placement.ends_on is not None and starts > placement.ends_on:
                    continue
                child.placements.append(
                    PlacementPlan(
                        starts,
                        placement.ends_on,
                        placement.placement_type,
                        placement.provider,
                        placement.carer_or_setting,
                        placement.postcode,
                    )
                )

    # --- histories, by cohort ------------------------------------------------------------------------

    def _history(
        self, family: Family, earliest: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        builder = {
            "early_help": self._early_help,
            "cin": self._child_in_need,
            "cp": self._child_protection,
            "lac": self._looked_after,
            "care_leaver": self._care_leaver,
            "edge_of_care": self._edge_of_care,
            "closed": self._closed,
        }[family.cohort]
        return builder(family, earliest)

    def _previous_episode(self, before: date, earliest: date, kinds: Sequence[str]) -> list[StatusPlan]:
        """A closed episode ending at least a month before `before`, if it fits after `earliest` (and
        in the history kept, from 2019)."""
        ends = before - timedelta(days=self.rng.randint(30, 400))
        starts = ends - timedelta(days=self.rng.randint(40, 400))
        if starts < max(earliest, self.history_start):
            return []
        kind = self.rng.choice(kinds)
        episode = [StatusPlan(kind, starts, ends, end_reason=self.rng.choice(CLOSED_REASONS))]
        if kind == "cin" and self._chance(0.15):
            cp_start = starts + timedelta(days=self.rng.randint(10, 30))
            if cp_start < ends:
                episode.append(
                    StatusPlan(
                        "cp", cp_start, ends, cp_category=CP_CATEGORY.pick(self.rng), end_reason="Plan ended"
                    )
                )
        return episode

    def _family_home(self) -> HouseholdPlan:
        return self._household(members=MEMBERS.pick(self.rng))

    def _early_help(
        self, family: Family, earliest: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        starts = max(earliest, self.today - self._days(0, 720, 90))
        statuses = [StatusPlan("early_help", starts)]
        if self._chance(0.25):
            stepped = starts - timedelta(days=self.rng.randint(60, 500))
            if stepped >= max(earliest, self.history_start):
                statuses.append(
                    StatusPlan(
                        "cin", stepped, starts - timedelta(days=1), end_reason="Stepped down to early help"
                    )
                )
        elif self._chance(0.1):
            statuses += self._previous_episode(starts, earliest, ("early_help",))
        family.area = "early_help"
        family.worker_role = ROLE_EARLY_HELP
        return statuses, [], self._family_home()

    def _child_in_need(
        self, family: Family, earliest: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        if self._chance(0.12):
            starts = self.today - timedelta(days=self.rng.randint(0, 62))
        else:
            starts = self.today - self._days(63, 1500, 150)
        starts = max(starts, earliest)
        statuses = [StatusPlan("cin", starts)]
        if self._chance(0.22) and (self.today - starts).days > 240:
            cp_start = starts + timedelta(days=self.rng.randint(15, 60))
            cp_end = cp_start + timedelta(days=self.rng.randint(90, 540))
            if cp_end < self.today - timedelta(days=30):
                statuses.append(
                    StatusPlan(
                        "cp",
                        cp_start,
                        cp_end,
                        cp_category=CP_CATEGORY.pick(self.rng),
                        end_reason="Plan ended: stepped down to child in need",
                    )
                )
        if self._chance(0.25):
            statuses += self._previous_episode(starts, earliest, ("early_help", "cin", "cin"))
        if (self.today - starts).days <= 62:
            family.area = "front_door"
        elif family.children[0].disabilities:
            family.area = "disability"
        else:
            family.area = "children_in_need"
        family.allocate = not self._chance(UNALLOCATED_SHARE)
        return statuses, [], self._family_home()

    def _child_protection(
        self, family: Family, earliest: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        cp_start = self.today - self._days(0, 730, 120)
        cin_start = cp_start - timedelta(days=self.rng.randint(10, 45))
        if cin_start < earliest:
            cin_start = earliest
            cp_start = max(cp_start, earliest)
        category = CP_CATEGORY.pick(self.rng)
        statuses = [StatusPlan("cin", cin_start), StatusPlan("cp", cp_start, cp_category=category)]
        if self._chance(0.18):  # a repeat plan
            prev_end = cin_start - timedelta(days=self.rng.randint(60, 500))
            prev_start = prev_end - timedelta(days=self.rng.randint(200, 700))
            if prev_start >= max(earliest, self.history_start):
                statuses.append(StatusPlan("cin", prev_start, prev_end, end_reason="Needs met: case closed"))
                plan_start = prev_start + timedelta(days=self.rng.randint(10, 40))
                plan_end = prev_end - timedelta(days=self.rng.randint(0, 120))
                if plan_start <= plan_end:
                    statuses.append(
                        StatusPlan(
                            "cp",
                            plan_start,
                            plan_end,
                            cp_category=CP_CATEGORY.pick(self.rng),
                            end_reason="Plan ended",
                        )
                    )
        family.area = "children_in_need"
        return statuses, [], self._family_home()

    def _legal_periods(self, starts: date, final: str) -> list[StatusPlan]:
        """The legal statuses of one care episode, open at the end: C1 then C2, C2 then E1, or one."""
        length = (self.today - starts).days
        steps = [final]
        if final == "C2" and length > 200 and self._chance(0.85):
            steps = ["C1", "C2"]
        elif final == "E1" and length > 300:
            steps = ["C1", "C2", "E1"]
        dates = [starts]
        for _ in steps[1:]:
            room = (self.today - dates[-1]).days
            dates.append(
                dates[-1] + timedelta(days=self.rng.randint(min(60, room), max(min(60, room), room // 2)))
            )
        periods = []
        for index, code in enumerate(steps):
            ends = dates[index + 1] - timedelta(days=1) if index + 1 < len(steps) else None
            if ends is not None and ends < dates[index]:
                continue
            periods.append(StatusPlan("lac", dates[index], ends, lac_legal_status=code))
        return periods

    def _placement_type(self, *, age: int, single: bool, legal: str, uasc: bool) -> str:
        if uasc:
            group = "uasc_16_plus" if age >= 16 else "uasc"
        elif legal == "E1":
            group = "placement_order"
        elif not single:
            group = "siblings"
        else:
            group = "16_plus" if age >= 16 else ("11_to_15" if age >= 11 else "under_11")
        options = PLACEMENT_MIX[group]
        if legal not in {"C1", "C2"}:  # placed with parents only under a care order
            options = [(code, weight) for code, weight in options if code != "P1"]
        return Weighted(options).pick(self.rng)

    def _carer(self, placement_type: str, surname: str) -> str:
        if placement_type in {"U1", "U3"}:
            relative = self.rng.choice(KIN)
            return (
                f"{relative} ({surname})"
                if relative != "Family friend"
                else f"Family friend ({SURNAME.pick(self.rng)})"
            )
        if placement_type in {"U4", "U5", "U6"}:
            return f"{SURNAME.pick(self.rng)} family (foster carers)"
        if placement_type == "K2":
            return f"{self.rng.choice(pools.CHILDRENS_HOMES)} House"
        if placement_type == "K1":
            return "Secure children's home (out of area)"
        if placement_type == "K3":
            return self.rng.choice(pools.SUPPORTED_PROVIDERS)
        if placement_type == "P1":
            return self.rng.choice(("Mother", "Father", "Parents"))
        if placement_type in {"A5", "A6"}:
            return "Prospective adopters"
        return "Residential school (out of area)"

    def _placements(
        self, *, starts: date, ends: date | None, final_type: str, surname: str
    ) -> list[PlacementPlan]:
        """Consecutive placements covering one care episode; the last has type `final_type`."""
        last = ends or self.today
        length = (last - starts).days
        count = 1 if length < 60 else PLACEMENTS_PER_EPISODE.pick(self.rng)
        cuts = sorted(self.rng.sample(range(1, length + 1), count - 1)) if count > 1 else []
        boundaries = [starts] + [starts + timedelta(days=cut) for cut in cuts]
        placements = []
        for index, first_day in enumerate(boundaries):
            is_last = index == len(boundaries) - 1
            kind = final_type if is_last else FIRST_PLACEMENT.pick(self.rng)
            town, districts = TOWN.pick(self.rng)
            provider = PROVIDERS[kind].pick(self.rng)
            # Private and voluntary homes and agency carers are often outside the authority's area.
            # Not supported accommodation (K3): SSDA903 rule 241 wants it in the authority's own area.
            away = kind != "K3" and provider in {"PR2", "PR4", "PR5"} and self._chance(0.3)
            placements.append(
                PlacementPlan(
                    starts_on=first_day,
                    ends_on=ends if is_last else boundaries[index + 1] - timedelta(days=1),
                    placement_type=kind,
                    provider=provider,
                    carer_or_setting=self._carer(kind, surname),
                    postcode=self.rng.choice(postcodes.NEARBY) if away else self._postcode(districts),
                )
            )
        return placements

    def _placements_by_law(self, child: ChildPlan) -> None:
        """Supported accommodation (K3) only from 16 (SSDA903 rule 371) and a placement for adoption (A3-A6)
        only once the placement order (legal status E1) is made (rule 408): the time before either is in
        foster care: with the same carers for A3/A5 (placed with their current foster carers)."""
        born = child.date_of_birth
        orders = [s.starts_on for s in child.statuses if s.kind == "lac" and s.lac_legal_status == "E1"]
        for placement in list(child.placements):
            kind = placement.placement_type
            if kind == "K3" and born is not None:
                from_day = _birthday(born, 16)
            elif kind in {"A3", "A4", "A5", "A6"}:
                last = placement.ends_on or date.max
                from_day = max((day for day in orders if day <= last), default=date.max)
            else:
                continue
            if from_day <= placement.starts_on:
                continue
            same_carer = kind in {"A3", "A5"}
            town, districts = TOWN.pick(self.rng)
            before = PlacementPlan(
                placement.starts_on,
                placement.ends_on if placement.ends_on is not None and placement.ends_on < from_day else None,
                "U6",
                PROVIDERS["U6"].pick(self.rng),
                placement.carer_or_setting if same_carer else self._carer("U6", child.last_name),
                placement.postcode if same_carer else self._postcode(districts),
            )
            if before.ends_on is not None:  # the whole placement was before: foster care throughout
                child.placements[child.placements.index(placement)] = before
                continue
            before.ends_on = from_day - timedelta(days=1)
            placement.starts_on = from_day
            child.placements.insert(child.placements.index(placement), before)

    def _home_for(self, placement: PlacementPlan, family: Family) -> HouseholdPlan:
        """The household a looked-after child lives in today: carers' home, children's home or flat."""
        kind = placement.placement_type
        if kind == "K2":
            homes = self._childrens_homes()
            home = homes[self.rng.randrange(len(homes))]
            placement.carer_or_setting = home.members_note.split(":", 1)[0]
            placement.postcode = home.postcode
            return home
        if kind == "K3":
            household = self._household(
                members=f"Supported accommodation: {placement.carer_or_setting}", flat=True
            )
        elif kind == "P1":
            household = self._household(members=placement.carer_or_setting)
        else:
            household = self._household(
                members=placement.carer_or_setting, video="yes" if self._chance(0.9) else None
            )
        placement.postcode = household.postcode
        return household

    def _childrens_homes(self) -> list[HouseholdPlan]:
        """The authority's children's homes (made on first use): one per 400 children, at least 3."""
        if not self.childrens_homes:
            names = pools.CHILDRENS_HOMES
            for index in range(max(3, self.n // 400)):
                name = f"{names[index % len(names)]} House"
                if index >= len(names):
                    name = f"{name} {index // len(names) + 1}"
                self.childrens_homes.append(self._household(members=f"{name}: children's home", video="yes"))
        return self.childrens_homes

    def _before_care(self, lac_start: date, earliest: date) -> list[StatusPlan]:
        if not self._chance(0.55):
            return []
        cin_start = lac_start - timedelta(days=self.rng.randint(30, 600))
        if cin_start < max(earliest, self.history_start) or lac_start - timedelta(days=1) < cin_start:
            return []
        ends = lac_start - timedelta(days=1)
        statuses = [StatusPlan("cin", cin_start, ends, end_reason="Became looked after")]
        if self._chance(0.4):
            cp_start = cin_start + timedelta(days=self.rng.randint(5, 30))
            if cp_start <= ends:
                statuses.append(
                    StatusPlan(
                        "cp",
                        cp_start,
                        ends,
                        cp_category=CP_CATEGORY.pick(self.rng),
                        end_reason="Became looked after",
                    )
                )
        return statuses

    def _looked_after(
        self, family: Family, earliest: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        lead = family.children[0]
        age = lead.age_on(self.today) or 0
        if lead.uasc and lead.date_of_birth:
            # Arrived at 14 or older; most are accommodated under section 20.
            arrived_earliest = max(earliest, add_years(lead.date_of_birth, 14))
            lac_start = max(arrived_earliest, self.today - timedelta(days=self.rng.randint(5, 900)))
            final = "V2" if self._chance(0.85) else "C2"
            statuses = [StatusPlan("lac", lac_start, lac_legal_status=final), StatusPlan("uasc", lac_start)]
            family.area = "uasc"
        else:
            final = LAC_LEGAL_STATUS["under_7" if age < 7 else ("16_plus" if age >= 16 else "7_to_15")].pick(
                self.rng
            )
            if final == "L2":
                length = timedelta(days=self.rng.randint(0, 7))
            elif final in {"C1", "J1"}:
                length = timedelta(days=self.rng.randint(5, 300))
            elif final == "V2":
                length = self._days(10, 2000, 200)
            else:
                length = self._days(150, 3000, 700)
            lac_start = max(earliest, self.today - length)
            statuses = self._legal_periods(lac_start, final)
            statuses += self._before_care(lac_start, earliest)
            family.area = "looked_after"
        final_type = self._placement_type(
            age=age, single=len(family.children) == 1, legal=final, uasc=lead.uasc
        )
        placements = self._placements(
            starts=lac_start, ends=None, final_type=final_type, surname=lead.last_name
        )
        household = self._home_for(placements[-1], family)
        return statuses, placements, household

    def _care_leaver(
        self, family: Family, earliest: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        lead = family.children[0]
        born = lead.date_of_birth
        assert born is not None
        turned_18 = _birthday(born, 18)
        statuses = [StatusPlan("care_leaver", turned_18)]
        placements: list[PlacementPlan] = []
        # Care ends on the 18th birthday (the SSDA903's DEC, the register's last day looked after): a care
        # leaver from the day after. Before the history kept, only the care leaver status is known.
        left_care = min(turned_18, self.today - timedelta(days=1))
        if left_care >= self.history_start:
            statuses = [StatusPlan("care_leaver", left_care + timedelta(days=1))]
            floor = add_years(born, 14 if lead.uasc else 0)
            lac_start = max(floor, left_care - self._days(100, 2500, 900))
            legal = "V2" if lead.uasc and self._chance(0.85) else ("C2" if self._chance(0.7) else "V2")
            statuses.append(
                StatusPlan("lac", lac_start, left_care, lac_legal_status=legal, end_reason="Turned 18")
            )
            if lead.uasc:
                statuses.append(StatusPlan("uasc", lac_start, left_care, end_reason="Turned 18"))
            final = LAST_PLACEMENT_BEFORE_18.pick(self.rng)
            placements = self._placements(
                starts=lac_start, ends=left_care, final_type=final, surname=lead.last_name
            )
        family.area = "uasc" if lead.uasc else "leaving_care"
        family.worker_role = ROLE_PERSONAL_ADVISER
        roll = self.rng.random()
        if roll < 0.15:
            household = self._household(members="Staying Put with former foster carers")
        elif roll < 0.35:
            household = self._household(members="Supported lodgings", flat=True)
        else:
            household = self._household(
                members=self.rng.choice(("Lives alone", "Lives with partner", "")), flat=True
            )
        return statuses, placements, household

    def _edge_of_care(
        self, family: Family, earliest: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        adopted = self._chance(0.55)
        order = min(self.today, self._between(earliest + timedelta(days=120), self.today - timedelta(days=1)))
        kind = "adopted" if adopted else "sgo"
        statuses = [StatusPlan(kind, order)]
        lac_start = max(earliest, order - self._days(180, 900, 400))
        left = order - timedelta(days=1)
        placements: list[PlacementPlan] = []
        if lac_start <= left:
            reason = "Adoption order granted" if adopted else "Special guardianship order granted"
            statuses.append(
                StatusPlan(
                    "lac", lac_start, left, lac_legal_status="E1" if adopted else "C2", end_reason=reason
                )
            )
            placements = self._placements(
                starts=lac_start,
                ends=left,
                final_type="A6" if adopted else "U3",
                surname=family.children[0].last_name,
            )
        family.area = "looked_after"
        family.allocate = self._chance(0.5)
        members = "Adoptive parents" if adopted else f"Special guardian: {self.rng.choice(KIN).lower()}"
        return statuses, placements, self._household(members=members)

    def _closed(
        self, family: Family, born: date
    ) -> tuple[list[StatusPlan], list[PlacementPlan], HouseholdPlan]:
        earliest = max(born, self.history_start)
        latest_end = self.today - timedelta(days=14)
        in_2020 = (max(earliest + timedelta(days=60), date(2020, 3, 1)), min(latest_end, date(2020, 12, 31)))
        if self._chance(0.45) and in_2020[0] <= in_2020[1]:
            ends = self._between(*in_2020)
        else:
            ends = self._between(min(earliest + timedelta(days=60), latest_end), latest_end)
        starts = max(earliest, ends - self._days(40, 600, 150))
        roll = self.rng.random()
        reason = self.rng.choice(CLOSED_REASONS)
        placements: list[PlacementPlan] = []
        if roll < 0.35:
            statuses = [StatusPlan("early_help", starts, ends, end_reason=reason)]
        elif roll < 0.92:
            statuses = [StatusPlan("cin", starts, ends, end_reason=reason)]
            if self._chance(0.2):
                cp_start = starts + timedelta(days=self.rng.randint(10, 40))
                if cp_start <= ends:
                    statuses.append(
                        StatusPlan(
                            "cp",
                            cp_start,
                            ends,
                            cp_category=CP_CATEGORY.pick(self.rng),
                            end_reason="Plan ended",
                        )
                    )
        else:
            statuses = [StatusPlan("lac", starts, ends, lac_legal_status="V2", end_reason="Returned home")]
            placements = self._placements(
                starts=starts, ends=ends, final_type="U6", surname=family.children[0].last_name
            )
        if self._chance(0.25):
            statuses += self._previous_episode(starts, earliest, ("early_help", "cin"))
        family.area = None
        family.allocate = False
        return statuses, placements, self._family_home()

    # --- what school or college, EHC plans and alternative provision -----------------------------------

    def _weighted_sample(self, candidates: list[tuple[ChildPlan, float]], k: int) -> list[ChildPlan]:
        """k children without replacement, each drawn in proportion to its weight."""
        keyed = [(self.rng.random() ** (1.0 / weight), index) for index, (_, weight) in enumerate(candidates)]
        chosen = heapq.nlargest(k, keyed)
        return [candidates[index][0] for _, index in chosen]

    def _education(self) -> None:
        today = self.today
        born = [c for c in self.children if c.date_of_birth is not None]
        ehc_candidates = [
            (c, 8.0 if c.disabilities else (2.0 if c.cohort in {"cin", "cp", "lac"} else 1.0))
            for c in born
            if 3 <= (c.age_on(today) or 0) <= 24
        ]
        for child in self._weighted_sample(ehc_candidates, round(self.n * EHC_PLAN_SHARE)):
            floor = add_years(child.date_of_birth or self.today, 3)
            child.statuses.append(StatusPlan("ehc_plan", self._between(floor, today - timedelta(days=14))))
        ap_candidates = [
            (c, 3.0 if c.cohort in {"cin", "cp", "lac"} else 1.0)
            for c in born
            if 11 <= (c.age_on(today) or 0) <= 16 and "ehc_plan" not in {s.kind for s in c.statuses}
        ]
        for child in self._weighted_sample(ap_candidates, round(self.n * AP_SHARE)):
            child.statuses.append(
                StatusPlan("ap", self._between(today - timedelta(days=500), today - timedelta(days=7)))
            )
            child.setting = self.rng.choice(self.settings_by_kind["alternative"])
        serials: dict[tuple[int, int], int] = {}
        upns: set[str] = set()
        for child in born:
            age = child.age_on(today) or 0
            kinds = {s.kind for s in child.statuses}
            if child.setting is None:
                child.setting = self._setting_for(child, age, "ehc_plan" in kinds)
            if age >= 4:  # a UPN is allocated on starting school and kept: care leavers have theirs
                child.upn = self._upn(child, serials, upns)
                if self._chance(0.01):
                    child.former_upn = self._upn(child, serials, upns)

    def _setting_for(self, child: ChildPlan, age: int, ehc: bool) -> SettingPlan | None:
        kinds = self.settings_by_kind
        needs_special = ehc and bool({"LD", "AUT", "COMM", "PC"} & set(child.disabilities))
        if 2 <= age <= 3:
            return self.rng.choice(kinds["early_years"]) if self._chance(0.5) else None
        if 4 <= age <= 15 and needs_special and self._chance(0.5):
            return self.rng.choice(kinds["special"])
        if 4 <= age <= 10:
            return self.rng.choice(kinds["primary"])
        if 11 <= age <= 15:
            return self.rng.choice(kinds["secondary"])
        if 16 <= age <= 17:
            roll = self.rng.random()
            if roll < 0.55:
                return self.rng.choice(kinds["college"])
            return self.rng.choice(kinds["secondary"]) if roll < 0.75 else None
        if 18 <= age <= 24 and self._chance(0.2):
            return self.rng.choice(kinds["college"])
        return None

    def _upn(self, child: ChildPlan, serials: dict[tuple[int, int], int], upns: set[str]) -> str:
        born = child.date_of_birth
        assert born is not None
        school = child.setting
        establishment = school.establishment if school and school.kind in {"primary", "special"} else None
        if establishment is None:
            establishment = self.rng.choice(self.settings_by_kind["primary"]).establishment
        year = min(self.today.year, born.year + 4 + (born.month >= 9))  # allocated on starting reception
        key = (establishment, year)
        serials[key] = serials.get(key, 0) + 1
        la_number = DEMO_UPN_LA if self._chance(0.85) else self._moved_in_from()
        serial = serials[key]
        if serial > 999 or self._chance(0.005):  # temporary UPN: last character a letter
            tail = f"{self.rng.randint(0, 99):02d}{self.rng.choice(CHECK_LETTERS)}"
            upn = make_upn(la_number, establishment, year, tail)
        else:
            upn = make_upn(la_number, establishment, year, serial)
        while upn in upns:
            upn = make_upn(self._moved_in_from(), establishment, year, serial % 1000)
        upns.add(upn)
        return upn

    def _moved_in_from(self) -> str:
        """The LA number in the UPN of a child who started school elsewhere (see upn.DEMO_UPN_LA)."""
        return self.rng.choice(DEMO_UPN_OTHER_LAS)

    # --- teams, staff and caseloads ---------------------------------------------------------------------

    def _build_teams(self) -> None:
        load: dict[str, int] = dict.fromkeys(TEAM_NAMES, 0)
        for family in self.families:
            if family.area:
                load[family.area] += len(family.children)
        total = max(MIN_TEAMS, round(self.n / CHILDREN_PER_TEAM))
        counts = {area: 2 if area == "children_in_need" else 1 for area in TEAM_NAMES}
        while sum(counts.values()) < total:  # D'Hondt: the next team goes to the busiest area per team
            area = max(TEAM_NAMES, key=lambda a: (load[a] / counts[a], -list(TEAM_NAMES).index(a)))
            counts[area] += 1
        by_area: dict[str, list[TeamPlan]] = {}
        for area, base in TEAM_NAMES.items():
            for index in range(counts[area]):
                name = f"{base} Team" if counts[area] == 1 else f"{base} Team {index + 1}"
                team = TeamPlan(name=name, service_area=area)
                self.teams.append(team)
                by_area.setdefault(area, []).append(team)
        for area, teams in by_area.items():
            heap = [(0, index) for index in range(len(teams))]
            for family in self.families:
                if family.area != area:
                    continue
                size, index = heapq.heappop(heap)
                family.team = teams[index]
                heapq.heappush(heap, (size + len(family.children), index))
        self.teams_by_area = by_area

    def _person(self) -> tuple[str, str]:
        female = self._chance(0.82)  # the social work workforce is mostly women
        first = (ADULT_FEMALE if female else ADULT_MALE).pick(self.rng)
        if self._chance(0.15):
            heritage = pools.HERITAGE[
                self.rng.choice(("african", "south_asian_muslim", "indian", "caribbean"))
            ]
            return first, self.rng.choice(heritage.surnames)
        return first, SURNAME.pick(self.rng)

    def _new_staff(self, role: str, title: str, team: TeamPlan | None, capacity: int = 0) -> StaffPlan:
        first, last = self._person()
        member = StaffPlan(
            first_name=first,
            last_name=last,
            role=role,
            job_title=title,
            team=team,
            capacity=capacity,
            phone=self._phone(),
            joined=self.history_start - timedelta(days=self.rng.randint(0, 4000)),
        )
        self.staff.append(member)
        return member

    def _worker_title(self, role: str, first_in_team: bool) -> tuple[str, int]:
        if role == ROLE_PERSONAL_ADVISER:
            return ("Senior Personal Adviser", 25) if self._chance(0.2) else ("Personal Adviser", 25)
        if role == ROLE_EARLY_HELP:
            return (self.rng.choice(("Family Support Worker", "Early Help Practitioner")), 20)
        if first_in_team:
            return ("Advanced Practitioner", 15)
        return Weighted(
            [
                (("Senior Social Worker", 18), 25),
                (("Social Worker", 18), 55),
                (("Social Worker (ASYE)", 12), 20),
            ]
        ).pick(self.rng)

    def _build_staff(self) -> None:
        n_heads = max(2, math.ceil(len(self.teams) / 6))
        heads = [self._new_staff("head_of_service", "Head of Service", None) for _ in range(n_heads)]
        ordered = sorted(self.teams, key=lambda t: HEAD_OF_SERVICE_ORDER.index(t.service_area))
        per_head = math.ceil(len(ordered) / n_heads)
        for index, team in enumerate(ordered):
            head = heads[min(index // per_head, n_heads - 1)]
            manager = self._new_staff("team_manager", "Team Manager", team)
            manager.line_manager = head
            team.manager = manager
        for index, head in enumerate(heads):
            areas = {
                t.service_area for i, t in enumerate(ordered) if min(i // per_head, n_heads - 1) == index
            }
            head.job_title = "Head of Service, " + (
                "Children in Care and Care Leavers"
                if areas & {"looked_after", "leaving_care"}
                else "Safeguarding"
            )
        for team in self.teams:
            needed = self._workers_needed(team)
            roles: dict[str, list[StaffPlan]] = {}
            for role, count in needed.items():
                for index in range(count):
                    title, capacity = self._worker_title(role, first_in_team=index == 0 and len(roles) == 0)
                    worker = self._new_staff(role, title, team, capacity)
                    worker.line_manager = team.manager
                    roles.setdefault(role, []).append(worker)
            self.workers_by_team[team] = roles
        n_support = max(3, round(self.n / 1000))
        la_wide = max(1, n_support // 10)
        for index in range(n_support):
            desk = None if index < la_wide else self.teams[(index - la_wide) % len(self.teams)]
            member = self._new_staff("business_support", "Business Support Officer", desk)
            member.line_manager = desk.manager if desk else heads[0]
        for index in range(max(2, round(self.n / 20000))):
            title = "Senior Performance Analyst" if index == 0 else "Performance Analyst"
            self._new_staff("performance_analyst", title, None).line_manager = heads[0]
        for _ in range(max(1, round(self.n / 50000))):
            self._new_staff("system_administrator", "Case Management System Administrator", None)

    def _workers_needed(self, team: TeamPlan) -> dict[str, int]:
        by_role: dict[str, int] = {}
        for family in self.families_by_team.get(team, []):
            by_role[family.worker_role] = by_role.get(family.worker_role, 0) + len(family.children)
        main = {"leaving_care": ROLE_PERSONAL_ADVISER, "early_help": ROLE_EARLY_HELP}.get(
            team.service_area, ROLE_SOCIAL_WORKER
        )
        by_role.setdefault(main, 0)
        target = CASELOAD_TARGET[team.service_area]
        needed = {}
        for role, children in by_role.items():
            role_target = CASELOAD_TARGET["leaving_care"] if role == ROLE_PERSONAL_ADVISER else target
            needed[role] = max(2 if role == main else 1, math.ceil(children / role_target))
        return dict(sorted(needed.items(), key=lambda item: item[0] != main))

    def _allocate(self) -> None:
        """Give each family a worker of the right role in its team, keeping caseloads even."""
        for team in self.teams:
            for role, workers in self.workers_by_team[team].items():
                heap = [(0.0, self.rng.random(), index) for index in range(len(workers))]
                heapq.heapify(heap)
                for family in self.families_by_team.get(team, []):
                    if family.worker_role != role:
                        continue
                    for child in family.children:
                        child.team = team
                    if not family.allocate:
                        continue
                    _, _, index = heapq.heappop(heap)
                    worker = workers[index]
                    for child in family.children:
                        child.worker = worker
                    worker.caseload += len(family.children)
                    heapq.heappush(heap, (worker.caseload / worker.capacity, self.rng.random(), index))

    def _name_logins(self) -> None:
        """Fixed sign-ins for the demo, and unique usernames (j.smith, j.smith2, ...) for everyone else."""
        cin_team = self.teams_by_area["children_in_need"][0]
        social_workers = self.workers_by_team[cin_team][ROLE_SOCIAL_WORKER]
        sw = next((w for w in social_workers if w.job_title == "Social Worker"), social_workers[-1])
        leaving_care = self.teams_by_area["leaving_care"][0]
        picks = {
            "sw.demo": sw,
            "pa.demo": self.workers_by_team[leaving_care][ROLE_PERSONAL_ADVISER][0],
            "tm.demo": cin_team.manager,
            "hos.demo": next(s for s in self.staff if s.role == "head_of_service"),
            "bs.demo": next(s for s in self.staff if s.role == "business_support" and s.team is None),
            "analyst.demo": next(s for s in self.staff if s.role == "performance_analyst"),
            "admin.demo": next(s for s in self.staff if s.role == "system_administrator"),
        }
        prefix = self.username_prefix
        taken = any(prefix + name in self.taken for name in picks)
        suffix = f".{self.la_number}" if taken else ""
        for name, member in picks.items():
            assert member is not None
            member.username = self._unique(prefix + name + suffix)
            self.logins[name] = member
        for member in self.staff:
            if not member.username:
                stem = re.sub(r"[^a-z]", "", member.last_name.lower()) or "staff"
                member.username = self._unique(f"{prefix}{member.first_name[0].lower()}.{stem}")
            member.email = f"{member.username}@{self.email_domain}"

    def _unique(self, username: str) -> str:
        candidate, number = username, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{username}{number}"
        self.taken.add(candidate)
        return candidate

    # --- who is off, and which households are isolating ------------------------------------------------

    def _absence(self, member: StaffPlan, status: str, starts: date, ends: date | None) -> AbsencePlan:
        note = self.rng.choice(pools.ABSENCE_NOTES[status])
        return AbsencePlan(member, status, starts, ends, self._chance(WORKS_FROM_HOME[status]), note)

    def _current_absence(self, member: StaffPlan) -> AbsencePlan:
        today = self.today
        status = STAFF_OFF_STATUS.pick(self.rng)
        if member.caseload and status == "leave" and self._chance(0.5):
            status = "sick"
        back = {"shielding": (14, 120), "self_isolating": (0, 9), "leave": (0, 7)}.get(status, (0, 21))
        starts = today - timedelta(days=self.rng.randint(*back))
        ends: date | None
        if status == "sick":
            ends = None if self._chance(0.4) else today + timedelta(days=self.rng.randint(0, 14))
        elif status == "self_isolating":
            ends = max(today, starts + timedelta(days=self.rng.randint(6, 13)))
        elif status == "shielding":
            ends = None
        elif status == "caring":
            ends = None if self._chance(0.3) else today + timedelta(days=self.rng.randint(0, 21))
        else:
            ends = today + timedelta(days=self.rng.randint(0, 10))
        return self._absence(member, status, starts, ends)

    def _build_absences(self) -> None:
        today = self.today
        named = set(self.logins.values())
        candidates = [m for m in self.staff if m not in named]
        off = self.rng.sample(
            candidates, min(len(candidates), round(len(self.staff) * STAFF_OFF_TODAY_SHARE))
        )
        team = self.logins["sw.demo"].team
        in_team = [m for m in candidates if m.team is team and m.caseload]
        if in_team and not any(m in in_team for m in off):
            busiest = max(in_team, key=lambda m: m.caseload)
            if off:
                off[-1] = busiest
            else:
                off.append(busiest)
        by_member: dict[StaffPlan, list[AbsencePlan]] = {}
        for member in off:
            by_member[member] = [self._current_absence(member)]
        spike = self.history_start <= date(2020, 3, 1) and today >= date(2020, 6, 1)
        for member in self.staff:
            taken = by_member.setdefault(member, [])
            wanted: list[AbsencePlan] = []
            if spike and self._chance(0.38):
                wanted.append(self._spring_2020_absence(member))
            for _ in range(self.rng.randint(0, 3)):
                status = PAST_ABSENCE.pick(self.rng)
                starts = self._between(self.history_start, today - timedelta(days=30))
                if status == "self_isolating" and starts < EMERGENCY_START:
                    status = "sick"
                length = self.rng.randint(3, 14) if status == "leave" else self.rng.randint(1, 10)
                wanted.append(self._absence(member, status, starts, starts + timedelta(days=length)))
            for absence in wanted:
                if absence.ends_on is not None and absence.ends_on >= today:
                    continue
                if not any(
                    _overlaps(absence.starts_on, absence.ends_on, a.starts_on, a.ends_on) for a in taken
                ):
                    taken.append(absence)
            self.absences.extend(sorted(taken, key=lambda a: a.starts_on))

    def _spring_2020_absence(self, member: StaffPlan) -> AbsencePlan:
        status = SPRING_2020_ABSENCE.pick(self.rng)
        starts = self._between(date(2020, 3, 12), date(2020, 5, 20))
        if status == "shielding":
            return self._absence(member, status, EMERGENCY_START, SHIELDING_END)
        if status == "caring":
            starts = self._between(EMERGENCY_START, date(2020, 4, 20))
            return self._absence(member, status, starts, starts + timedelta(days=self.rng.randint(14, 60)))
        length = 13 if status == "self_isolating" else self.rng.randint(7, 28)
        return self._absence(member, status, starts, starts + timedelta(days=length))

    def _build_covid(self) -> None:
        today = self.today
        waves = (
            (date(2020, 3, 10), date(2020, 5, 31), 0.12),
            (date(2020, 9, 15), date(2020, 12, 20), 0.06),
            (date(2021, 1, 1), date(2021, 2, 28), 0.08),
        )
        cev_households = {
            c.household
            for c in self.children
            if c.clinically_extremely_vulnerable and c.date_of_birth and c.date_of_birth < EMERGENCY_START
        }
        by_household: dict[HouseholdPlan, list[CovidPlan]] = {}

        def add(status: CovidPlan) -> None:
            existing = by_household.setdefault(status.household, [])
            if status.starts_on > today:
                return
            for other in existing:
                if other.status == status.status and _overlaps(
                    status.starts_on, status.ends_on, other.starts_on, other.ends_on
                ):
                    return
            existing.append(status)
            self.covid.append(status)

        for household in self.households:
            if household in cev_households:
                add(
                    CovidPlan(
                        household, "shielding", EMERGENCY_START, SHIELDING_END, "Shielding letter received"
                    )
                )
                if self._chance(0.5):
                    add(
                        CovidPlan(
                            household, "shielding", date(2021, 1, 5), date(2021, 3, 31), "Shielding again"
                        )
                    )
            for first, last, share in waves:
                if not self._chance(share):
                    continue
                starts = self._between(first, last)
                if self._chance(0.4):
                    add(CovidPlan(household, "symptomatic", starts, starts + timedelta(days=2), ""))
                    starts += timedelta(days=2)
                    add(CovidPlan(household, "confirmed", starts, starts + timedelta(days=10), ""))
                add(
                    CovidPlan(
                        household, "isolating", starts, starts + timedelta(days=self.rng.randint(10, 14)), ""
                    )
                )
        current = max(3, round(len(self.households) * 0.005))
        sw_homes = [c.household for c in self.children if c.worker is self.logins["sw.demo"] and c.household]
        chosen = self.rng.sample(self.households, min(current, len(self.households)))
        if sw_homes:
            chosen[0] = sw_homes[0]
        for household in chosen:
            status = CURRENT_COVID.pick(self.rng)
            starts = today - timedelta(days=self.rng.randint(0, 9))
            ends = None if self._chance(0.45) else today + timedelta(days=self.rng.randint(1, 10))
            add(CovidPlan(household, status, starts, ends, self.rng.choice(pools.COVID_NOTES[status])))

    def _restrict(self) -> None:
        allocated = [c for c in self.children if c.worker is not None and c.date_of_birth is not None]
        count = max(1, round(self.n * RESTRICTED_SHARE))
        chosen = self.rng.sample(allocated, min(count, len(allocated)))
        sw = self.logins["sw.demo"]
        manager = self.logins["tm.demo"]
        # One restricted child in tm.demo's team held by someone other than sw.demo: sw.demo cannot see it.
        team_others = [c for c in allocated if c.team is sw.team and c.worker is not sw]
        if team_others and not any(c.team is sw.team for c in chosen):
            chosen[0] = team_others[0]
        for child in chosen:
            child.is_restricted = True
            child.restriction_reason = self.rng.choice(pools.RESTRICTION_REASONS)
            assert child.worker is not None
            named: list[tuple[StaffPlan, str]] = [(child.worker, "Allocated worker")]
            if child.team and child.team.manager and child.team.manager is not child.worker:
                named.append((child.team.manager, "Team manager"))
            if manager not in {person for person, _ in named}:
                named.append((manager, "Named by the head of service"))
            child.grants = named

    def _child_ids(self) -> None:
        """LA child IDs: numeric, issued in the order children became known to the service."""

        def first_known(child: ChildPlan) -> date:
            starts = [s.starts_on for s in child.statuses]
            return min(starts) if starts else (child.date_of_birth or self.today)

        number = 1_000_000 + self.rng.randint(0, 50_000)
        for child in sorted(self.children, key=first_known):
            number += self.rng.randint(1, 4)
            child.la_child_id = str(number)

    # --- the whole authority ---------------------------------------------------------------------------

    def build(self) -> DemoPlan:
        self._build_streets()
        self._build_settings()
        self._build_families()
        for child in self.children:
            _conferences_on_weekdays(child, self.today)
            _care_leaver_by_law(child, self.today)
            self._placements_by_law(child)
        self._education()
        self._build_teams()
        for family in self.families:
            if family.team is not None:
                self.families_by_team.setdefault(family.team, []).append(family)
        self._build_staff()
        self._allocate()
        self._name_logins()
        self._build_absences()
        self._build_covid()
        self._restrict()
        self._child_ids()
        for child in self.children:
            check_child(child, self.today)
        today = self.today
        operations = OperationsBuilder(
            rng=self.rng,
            today=today,
            history_start=self.history_start,
            children=self.children,
            staff=self.staff,
            logins=self.logins,
            off_today={
                a.user
                for a in self.absences
                if a.starts_on <= today and (a.ends_on is None or a.ends_on >= today)
            },
            covid_households={
                c.household: c.status
                for c in self.covid
                if c.starts_on <= today and (c.ends_on is None or c.ends_on >= today)
            },
        ).build()
        safeguarding = SafeguardingBuilder(
            rng=self.rng,
            today=today,
            history_start=self.history_start,
            children=self.children,
            staff=self.staff,
            logins=self.logins,
            calendar=contact_context.calendar(),
            departures=operations.departures,
        ).build()
        from demo.returns import ReturnsBuilder  # returns.py imports this module

        returns = ReturnsBuilder(seed=self.seed, today=today, children=self.children).build()
        return DemoPlan(
            today=self.today,
            teams=self.teams,
            staff=self.staff,
            absences=self.absences,
            settings=self.settings,
            households=self.households,
            covid=self.covid,
            children=self.children,
            logins=self.logins,
            operations=operations,
            safeguarding=safeguarding,
            returns=returns,
        )


# Teams in the order heads of service take them: safeguarding first, then children in care.
HEAD_OF_SERVICE_ORDER = (
    "front_door",
    "children_in_need",
    "disability",
    "early_help",
    "looked_after",
    "uasc",
    "leaving_care",
)
TEAM_NAMES = {
    "front_door": "Front Door and Assessment",
    "children_in_need": "Safeguarding and Family Support",
    "looked_after": "Children in Care",
    "leaving_care": "Leaving Care",
    "disability": "Children with Disabilities",
    "early_help": "Early Help",
    "uasc": "Unaccompanied Children",
}


def _birthday(born: date, years: int) -> date:
    """As the domain rules count birthdays (domain.census.register): 29 February's is 1 March."""
    if (born.month, born.day) == (2, 29):
        return date(born.year + years, 3, 1)
    return born.replace(year=born.year + years)


def _conferences_on_weekdays(child: ChildPlan, today: date) -> None:
    """A child protection plan starts at an initial conference, held on a weekday (CIN census rules 2885,
    8875): move a plan drawn to start at a weekend to the Monday after (or the Friday before, with the
    episode of need it is part of), and drop a plan that would last less than a day (rule 8840)."""
    plans = sorted((s for s in child.statuses if s.kind == "cp"), key=lambda s: s.starts_on)
    for index, plan in enumerate(plans):
        weekday = plan.starts_on.weekday()
        if weekday >= 5:
            monday = plan.starts_on + timedelta(days=7 - weekday)
            friday = plan.starts_on - timedelta(days=weekday - 4)
            earlier = plans[index - 1] if index else None
            if monday <= today and (plan.ends_on is None or monday < plan.ends_on):
                plan.starts_on = monday
            elif (child.date_of_birth is None or friday >= child.date_of_birth) and (
                earlier is None or (earlier.ends_on is not None and earlier.ends_on < friday)
            ):
                for status in child.statuses:
                    if status.kind == "cin" and friday < status.starts_on <= plan.starts_on:
                        status.starts_on = friday
                plan.starts_on = friday
        if plan.ends_on is not None and plan.ends_on <= plan.starts_on:
            child.statuses.remove(plan)


def _care_leaver_by_law(child: ChildPlan, today: date) -> None:
    """Looked after for 13 weeks since 14 and still on the 16th birthday makes a care leaver from the day
    care ended (domain.census.register: the rule the returns' import applies, so the demo agrees)."""
    born = child.date_of_birth
    care = sorted((s for s in child.statuses if s.kind == "lac"), key=lambda s: s.starts_on)
    if born is None or not care or any(s.kind == "care_leaver" for s in child.statuses):
        return
    last_end = care[-1].ends_on
    if last_end is None or last_end >= today:
        return
    # As the domain rules count birthdays: 29 February's in a common year is 1 March.
    fourteen, sixteen = _birthday(born, 14), _birthday(born, 16)
    days = sum(
        (s.ends_on - max(s.starts_on, fourteen)).days + 1
        for s in care
        if s.ends_on is not None and s.ends_on >= max(s.starts_on, fourteen)
    )
    if days >= 13 * 7 and last_end >= sixteen:
        child.statuses.append(StatusPlan("care_leaver", max(last_end + timedelta(days=1), sixteen)))


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return a_start <= (b_end or date.max) and b_start <= (a_end or date.max)


def check_child(child: ChildPlan, today: date) -> None:
    """The rules the database enforces (and a few it cannot), checked before loading: a generator bug
    should fail here with the child named, not halfway through a COPY."""
    periods: list[tuple[str, date, date | None]] = [(s.kind, s.starts_on, s.ends_on) for s in child.statuses]
    periods += [("placement", p.starts_on, p.ends_on) for p in child.placements]
    for kind, starts, ends in periods:
        problem = ""
        if starts > today:
            problem = "starts after today"
        elif child.date_of_birth and starts < child.date_of_birth:
            problem = "starts before birth"
        elif ends is not None and ends < starts:
            problem = "ends before it starts"
        if problem:
            raise AssertionError(f"Demo data: {child.first_name} {child.last_name}: {kind} {problem}")
    by_kind: dict[str, list[tuple[date, date | None]]] = {}
    for kind, starts, ends in periods:
        for other_start, other_end in by_kind.get(kind, []):
            if _overlaps(starts, ends, other_start, other_end):
                raise AssertionError(
                    f"Demo data: {child.first_name} {child.last_name}: {kind} periods overlap"
                )
        by_kind.setdefault(kind, []).append((starts, ends))
    for status in child.statuses:
        if status.kind == "cp" and not status.cp_category:
            raise AssertionError("Demo data: a child protection plan without a category")
        if status.kind == "lac" and not status.lac_legal_status:
            raise AssertionError("Demo data: a care episode without a legal status")
    if child.worker is not None and child.worker.team is not child.team:
        raise AssertionError("Demo data: a child's worker is not in the child's team")
