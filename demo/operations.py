"""The demo authority's emergency operations, planned in memory after the people: its own emergency
declaration, risk ratings since spring 2020, contact plans, contacts since 2019, departures from
statutory requirements, re-rating triggers and an alert.

Plain Python like `generate`: every random choice comes from the builder's Random, in a fixed order.
Contacts are the bulk (about 20 a child), so they are kept lean: a contact is a small tuple whose
fixed text columns are one of a few pre-formatted COPY fragments (`CONTACT_TEMPLATES`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from domain.contact import DEFAULT_RAG_SETTINGS, Rating, la_standard
from domain.contact import ContactPlan as PlanRule
from domain.contact.enums import CONTRARY_TO_PUBLIC_HEALTH_GUIDANCE, NOT_REASONABLY_PRACTICABLE_COVID
from domain.intervals import Unit
from domain.regimes import national_regime_on
from domain.risk import FACTORS

if TYPE_CHECKING:
    from demo.generate import ChildPlan, StaffPlan

OPEN_KINDS = ("early_help", "cin", "cp", "lac", "care_leaver")
SPRING_2020 = (date(2020, 4, 24), date(2020, 5, 29))  # under SI 2020/445 throughout
SECOND_WAVE = (date(2020, 10, 5), date(2020, 11, 27))
THIRD_WAVE = (date(2021, 1, 11), date(2021, 2, 26))
SI_909_START = date(2020, 9, 25)
COVID_2021_END = date(2021, 9, 30)
EMERGENCY_DAYS_AGO = 24
TARGET_DAYS_AHEAD = 5
OVERDUE_SHARE = 0.05
OVERDUE_SHARE_STAFF_OFF = 0.30
AWAITING_SHARE = 0.04
RETURNED_SHARE = 0.02
NOT_STARTED_SHARE = 0.14
BELOW_MINIMUM_SHARE = 0.06  # green looked-after plans left below the statutory visit, with a departure
# Outside the two windows where contact follows the plan exactly (spring 2020, and the last months),
# the history keeps one contact in this many: about 20 contacts a child in all.
HISTORY_THINNING = 1.25

FACTOR_CODES = tuple(f.code for f in FACTORS)
GENERAL_FACTORS = tuple(
    c
    for c in FACTOR_CODES
    if c not in {"under_1", "disability", "household_covid", "refused_access", "under_5_not_seen"}
)

RATIONALE = {
    "red": (
        "Active child protection concerns; the child is not seen by universal services during the emergency.",
        "Recent domestic abuse incident and the child is at home all day: needs sight of the child weekly.",
        "Infant in a household with parental substance misuse; no health visitor contact since lockdown.",
        "Placement at risk of breakdown; carers asking for respite that is not available.",
        "Concerns about exploitation and missing episodes; school closed so no daily oversight.",
    ),
    "amber": (
        "Known concerns but protective factors in place; school offering a place and the "
        "child attends some days.",
        "Parental mental health fluctuates; extended family support by phone. Regular "
        "sight of the child needed.",
        "Stable placement, but the child is anxious about lockdown and contact with family has stopped.",
        "Plan progressing; some missed appointments. Alternate visits and video calls.",
        "Young person coping but isolated; needs regular contact and help with money and food.",
    ),
    "green": (
        "Stable long-term placement; carers confident and in daily contact with school.",
        "Low needs; family engaging well by phone and video; no new concerns.",
        "Settled in supported accommodation, attending college online, in touch weekly.",
        "Plan near closure; parents meeting all actions; child seen at school by staff.",
        "Child in a stable kinship arrangement; carers report no concerns.",
    ),
}
RETURN_COMMENTS = (
    "Please say how the child's views were gathered before I sign this off.",
    "Rationale does not mention the new partner in the household: please add and re-submit.",
    "I think this should be amber given the missed school days: discuss at supervision.",
)
APPROVE_COMMENTS = ("", "", "", "Agreed.", "Agreed; review sooner if school attendance drops.")
CHILDS_VIEWS = (
    "",
    "Says she is bored at home but feels safe.",
    "Would like to see his mum more often.",
    "Did not want to talk on video; happier on the phone.",
)

EMERGENCY_NAME = "Winter outbreak emergency (demo)"
EMERGENCY_REASON = (
    "A fast-spreading respiratory outbreak: a fifth of social work staff are off sick or isolating and "
    "schools in two districts are closed. Contact is planned by risk from today; every open case is to "
    "be re-rated and signed off by the target date. (Fictional: the demo authority's own emergency.)"
)

STATUTORY = {
    "lac": "A visit in person at least every 6 weeks (CPPCR 2010 reg 28)",
    "cp": "Seen within 10 working days, face to face (local practice standard; Working Together 2018)",
    "care_leaver": "Contact at least every 8 weeks (Care Leavers (England) Regulations 2010)",
}


@dataclass(slots=True, eq=False)
class EmergencyPlan:
    name: str
    starts_on: date
    rating_target_date: date
    reason: str
    declared_by: StaffPlan
    id: int = 0


@dataclass(slots=True, eq=False)
class RatingPlan:
    child: ChildPlan
    rating: str
    suggested: str
    factors: list[str]
    rationale: str
    childs_views: str
    rated_by: StaffPlan
    rated_on: date
    review_on: date
    status: str
    decided_by: StaffPlan | None
    decided_on: date | None
    comment: str
    regime: str
    emergency: bool
    id: int = 0


@dataclass(slots=True, eq=False)
class ContactPlanPlan:
    child: ChildPlan
    rating: RatingPlan
    interval_amount: int
    interval_unit: str
    face_to_face_every: int
    modes: list[str]
    statutory_minimum: str
    below: bool
    starts_on: date
    status: str
    id: int = 0


@dataclass(slots=True, eq=False)
class KeyedContact:
    """A contact something else points at (a departure, an alert): written with an id of its own."""

    child: ChildPlan
    made_by: StaffPlan
    on: date
    minute: int
    template: int
    id: int = 0


@dataclass(slots=True, eq=False)
class DeparturePlan:
    child: ChildPlan
    requirement: str
    required: str
    done_instead: str
    rationale: str
    risk_assessment: str
    source: str
    regime: str
    requested_by: StaffPlan
    requested_on: date
    status: str
    decided_by: StaffPlan | None
    contact: KeyedContact | None = None
    plan: ContactPlanPlan | None = None


@dataclass(slots=True, eq=False)
class TriggerPlan:
    child: ChildPlan
    reason: str
    occurred_on: date
    detail: str
    resolved_by: RatingPlan | None


@dataclass(slots=True, eq=False)
class AlertPlan:
    recipient: StaffPlan
    child: ChildPlan
    kind: str
    message: str


@dataclass
class Operations:
    emergency: EmergencyPlan
    ratings: list[RatingPlan] = field(default_factory=list)
    plans: list[ContactPlanPlan] = field(default_factory=list)
    # (child, made_by, day, minute of the day, template index): the bulk, written without ids.
    contacts: list[tuple[ChildPlan, StaffPlan, date, int, int]] = field(default_factory=list)
    keyed_contacts: list[KeyedContact] = field(default_factory=list)
    departures: list[DeparturePlan] = field(default_factory=list)
    triggers: list[TriggerPlan] = field(default_factory=list)
    alerts: list[AlertPlan] = field(default_factory=list)


# --- contact templates: every column of a contact but the child, who, when and the regime ------------
# Columns (in order): mode, child_seen, child_seen_alone, bedroom_seen, who_was_seen, others_present,
# child_could_speak_privately, technology, ppe_used, outcome, concerns, remote_reason,
# remote_reason_detail, nominated_officer_recommendation, access_refused, refusal_reason,
# why_access_needed_explained, other_way_to_see_child, immediate_protection.
CONTACT_COLUMNS = (
    "mode",
    "child_seen",
    "child_seen_alone",
    "bedroom_seen",
    "who_was_seen",
    "others_present",
    "child_could_speak_privately",
    "technology",
    "ppe_used",
    "outcome",
    "concerns",
    "remote_reason",
    "remote_reason_detail",
    "nominated_officer_recommendation",
    "access_refused",
    "refusal_reason",
    "why_access_needed_explained",
    "other_way_to_see_child",
    "immediate_protection",
)
N = "\\N"
OUTCOMES_F2F = (
    "Child seen and spoken with; home conditions adequate. Plan reviewed with parent.",
    "Child seen in their bedroom and spoke about school and friends. No new concerns.",
    "Visit completed; carer reports settled routine. Child showed me their drawings.",
    "Child seen; mother low in mood, GP appointment booked. Actions agreed.",
    "Home visit: food in the house, child clean and appropriately dressed. Next visit booked.",
)
OUTCOMES_REMOTE = (
    "Video call: child seen and appeared well; showed me the kitchen and bedroom on the camera.",
    "Phone call with child and parent; child sounded cheerful; no new concerns reported.",
    "Video call with young person; talked about college and money; food parcel arranged.",
    "Spoke to child on video while parent was in the next room; child said things are OK at home.",
)
OUTCOMES_NOT_SEEN = (
    "No answer at the door; card left and parent phoned: visit rebooked for tomorrow.",
    "Family out at a hospital appointment; rebooked.",
)
REMOTE_DETAIL = {
    CONTRARY_TO_PUBLIC_HEALTH_GUIDANCE: (
        "Carer's household self-isolating on public health advice after a positive test."
    ),
    NOT_REASONABLY_PRACTICABLE_COVID: (
        "Worker self-isolating and no colleague available to visit in person this week."
    ),
}
WHO = (
    "Child and mother",
    "Child, mother and partner",
    "Child and carers",
    "Young person",
    "Child and father",
)
TECH = ("WhatsApp video", "Microsoft Teams", "FaceTime", "Zoom")


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _b(value: bool | None) -> str:
    return N if value is None else ("t" if value else "f")


@dataclass(frozen=True)
class Template:
    mode: str
    seen: bool
    line: str  # the tab-separated columns above, escaped for COPY


def _template(
    mode: str,
    *,
    seen: bool = True,
    alone: bool | None = None,
    who: str = "",
    others: str = "",
    technology: str = "",
    ppe: bool = False,
    outcome: str,
    concerns: str = "",
    remote_reason: str = "",
    refused: tuple[str, str, str] | None = None,
    immediate: bool = False,
) -> Template:
    face = mode in ("home", "doorstep", "elsewhere")
    values = [
        mode,
        _b(seen),
        _b(alone if seen else None),
        _b((mode == "home" and seen) if face else None),
        _esc(who),
        _esc(others),
        _b(alone if seen else None),
        _esc(technology),
        _b(ppe),
        _esc(outcome),
        _esc(concerns),
        remote_reason,
        _esc(REMOTE_DETAIL.get(remote_reason, "")),
        _esc(
            "Nominated officer agreed a video visit until the household's isolation ends."
            if remote_reason
            else ""
        ),
        _b(refused is not None),
        _esc(refused[0] if refused else ""),
        _esc(refused[1] if refused else ""),
        _esc(refused[2] if refused else ""),
        _b(immediate),
    ]
    return Template(mode, seen, "\t".join(values))


def _build_templates() -> tuple[list[Template], dict[str, list[int]]]:
    templates: list[Template] = []
    groups: dict[str, list[int]] = {}

    def add(group: str, template: Template) -> None:
        groups.setdefault(group, []).append(len(templates))
        templates.append(template)

    for outcome in OUTCOMES_F2F:
        for who in WHO[:3]:
            add("home", _template("home", alone=True, who=who, outcome=outcome))
        add(
            "home",
            _template("home", alone=False, who=WHO[0], others="Mother present throughout", outcome=outcome),
        )
        add("home_ppe", _template("home", alone=True, who=WHO[0], ppe=True, outcome=outcome))
        add("elsewhere", _template("elsewhere", alone=True, who="Child (seen at school)", outcome=outcome))
        add(
            "doorstep",
            _template("doorstep", alone=False, who=WHO[1], others="Parent at the door", outcome=outcome),
        )
        add("doorstep_ppe", _template("doorstep", alone=False, who=WHO[1], ppe=True, outcome=outcome))
    for outcome in OUTCOMES_REMOTE:
        for tech in TECH:
            add(
                "video",
                _template(
                    "video", alone=False, who=WHO[0], others="Parent nearby", technology=tech, outcome=outcome
                ),
            )
            for reason in REMOTE_DETAIL:
                add(
                    f"video_{reason}",
                    _template(
                        "video",
                        alone=False,
                        who=WHO[2],
                        technology=tech,
                        outcome=outcome,
                        remote_reason=reason,
                    ),
                )
        add("phone", _template("phone", alone=False, who=WHO[0], technology="Mobile phone", outcome=outcome))
    for outcome in OUTCOMES_NOT_SEEN:
        add("not_seen", _template("home", seen=False, outcome=outcome))
    add(
        "refused",
        _template(
            "doorstep",
            seen=False,
            outcome=(
                "Access refused at the door. Escalated to the team manager; visit to be re-attempted "
                "with police if needed."
            ),
            concerns="Father would not let me see the children and said they were asleep.",
            refused=(
                "Father said the household was isolating and nobody could come in.",
                "Explained that I must see the children to check they are safe, at the door or "
                "window if not inside.",
                "Asked to see the children at the window or on a video call now; school nurse asked to call.",
            ),
        ),
    )
    add(
        "immediate",
        _template(
            "home",
            alone=False,
            who="Child and mother",
            outcome=(
                "Child found with unexplained bruising; immediate protection procedures started, "
                "police called."
            ),
            concerns="Risk of immediate serious harm: bruising to the face, mother's partner intoxicated.",
            immediate=True,
        ),
    )
    return templates, groups


CONTACT_TEMPLATES, TEMPLATE_GROUPS = _build_templates()


# --- the builder -----------------------------------------------------------------------------------


# The dates mode_group's mix of contact modes changes on (built once: it runs for every contact).
_LOCKDOWN_1, _SUMMER_2020, _LOCKDOWN_3, _NORMAL_RULES = (
    date(2020, 3, 23),
    date(2020, 7, 1),
    date(2021, 1, 1),
    date(2021, 10, 1),
)


def _open_kinds(child: ChildPlan, day: date) -> set[str]:
    return {
        s.kind
        for s in child.statuses
        if s.kind in OPEN_KINDS and s.starts_on <= day and (s.ends_on is None or s.ends_on >= day)
    }


def _interval_days(rule: PlanRule) -> int:
    unit, amount = rule.interval.unit, rule.interval.amount
    if unit is Unit.WORKING_DAYS:
        return amount * 7 // 5  # safely inside: 10 working days is at least 14 calendar days
    if unit is Unit.WEEKS:
        return amount * 7
    if unit is Unit.MONTHS:
        return amount * 28
    return amount


class OperationsBuilder:
    def __init__(
        self,
        *,
        rng: random.Random,
        today: date,
        history_start: date,
        children: list[ChildPlan],
        staff: list[StaffPlan],
        logins: dict[str, StaffPlan],
        off_today: set[StaffPlan],
        covid_households: dict[object, str],
    ) -> None:
        self.rng = rng
        self.today = today
        self.history_start = history_start
        self.children = children
        self.staff = staff
        self.logins = logins
        self.off_today = off_today
        self.covid_households = covid_households
        self.declared_on = today - timedelta(days=EMERGENCY_DAYS_AGO)
        self.team_workers: dict[object, list[StaffPlan]] = {}
        for member in staff:
            if member.team is not None and member.caseload:
                self.team_workers.setdefault(member.team, []).append(member)
        self.anyone = [m for m in staff if m.caseload] or staff
        self.head = logins["hos.demo"]
        self.rule_cache: dict[tuple[str, frozenset[str]], PlanRule] = {}
        self.regime_cache: dict[date, str] = {}
        self.ops = Operations(
            EmergencyPlan(
                EMERGENCY_NAME,
                self.declared_on,
                today + timedelta(days=TARGET_DAYS_AHEAD),
                EMERGENCY_REASON,
                self.head,
            )
        )

    def regime(self, day: date) -> str:
        found = self.regime_cache.get(day)
        if found is None:
            found = self.regime_cache[day] = national_regime_on(day).id
        return found

    def rule(self, rating: str, kinds: set[str]) -> PlanRule:
        key = (rating, frozenset(kinds))
        found = self.rule_cache.get(key)
        if found is None:
            found = self.rule_cache[key] = la_standard(Rating(rating), kinds, DEFAULT_RAG_SETTINGS)
        return found

    def between(self, first: date, last: date) -> date:
        span = (last - first).days
        return first + timedelta(days=self.rng.randint(0, span)) if span > 0 else first

    # --- who rates, who signs off --------------------------------------------------------------------

    def worker_of(self, child: ChildPlan) -> StaffPlan:
        if child.worker is not None:
            return child.worker
        colleagues = self.team_workers.get(child.team) or self.anyone
        return colleagues[int(child.la_child_id or 0) % len(colleagues)]

    def colleague(self, child: ChildPlan) -> StaffPlan:
        colleagues = self.team_workers.get(child.team) or self.anyone
        return self.rng.choice(colleagues)

    def manager_for(self, child: ChildPlan, actor: StaffPlan) -> StaffPlan:
        manager = child.team.manager if child.team is not None else None
        if manager is None or manager is actor:
            manager = actor.line_manager if actor.line_manager not in (None, actor) else self.head
        if manager is actor:
            manager = self.logins["tm.demo"] if actor is self.head else self.head
        assert manager is not None
        return manager

    # --- ratings ---------------------------------------------------------------------------------------

    def pick_rating(self, child: ChildPlan, kinds: set[str], day: date, previous: str | None) -> str:
        if previous and self.rng.random() < 0.65:
            return previous
        age = child.age_on(day)
        red = 0.13
        if "cp" in kinds:
            red = 0.45
        elif "lac" in kinds:
            red = 0.12
        elif "care_leaver" in kinds or kinds == {"early_help"}:
            red = 0.04
        if age is None or age < 1:
            red = max(red, 0.5)
        amber = 0.42
        roll = self.rng.random()
        return "red" if roll < red else ("amber" if roll < red + amber else "green")

    def factors(self, child: ChildPlan, rating: str, day: date) -> list[str]:
        chosen: list[str] = []
        age = child.age_on(day)
        if age is None or age < 1:
            chosen.append("under_1")
        elif age < 5 and self.rng.random() < 0.3:
            chosen.append("under_5_not_seen")
        if child.disabilities:
            chosen.append("disability")
        if child.household is not None and child.household in self.covid_households:
            chosen.append("household_covid")
        count = {"red": 3, "amber": 2, "green": 1}[rating]
        for code in self.rng.sample(GENERAL_FACTORS, self.rng.randint(max(0, count - 1), count)):
            if code not in chosen:
                chosen.append(code)
        return chosen

    def rate(
        self,
        child: ChildPlan,
        day: date,
        previous: RatingPlan | None,
        *,
        status: str = "approved",
        emergency: bool = False,
    ) -> RatingPlan:
        kinds = _open_kinds(child, day)
        rating = self.pick_rating(child, kinds, day, previous.rating if previous else None)
        rated_by = self.worker_of(child) if self.rng.random() < 0.9 else self.colleague(child)
        manager = self.manager_for(child, rated_by)
        decided_on = None
        if status in ("approved", "returned"):
            decided_on = min(self.today, day + timedelta(days=self.rng.randint(0, 3)))
        review = {"red": 14, "amber": 28, "green": 42}[rating]
        rated = RatingPlan(
            child=child,
            rating=rating,
            suggested=rating if self.rng.random() < 0.8 else self.rng.choice(("red", "amber", "green")),
            factors=self.factors(child, rating, day),
            rationale=self.rng.choice(RATIONALE[rating]),
            childs_views=self.rng.choice(CHILDS_VIEWS),
            rated_by=rated_by,
            rated_on=day,
            review_on=day + timedelta(days=review),
            status=status,
            decided_by=manager if decided_on else None,
            decided_on=decided_on,
            comment=self.rng.choice(RETURN_COMMENTS if status == "returned" else APPROVE_COMMENTS),
            regime=self.regime(day),
            emergency=emergency,
        )
        self.ops.ratings.append(rated)
        if status != "returned":
            self.plan_for(rated, kinds)
        return rated

    def plan_for(self, rated: RatingPlan, kinds: set[str]) -> ContactPlanPlan:
        rule = self.rule(rated.rating, kinds)
        f2f, modes = rule.face_to_face_every, sorted(str(m) for m in rule.modes)
        normal = rated.regime.startswith("normal")
        below = False
        if "lac" in kinds and f2f == 0:
            if normal and self.rng.random() >= BELOW_MINIMUM_SHARE:
                f2f = 1  # lifted to the statutory visit in person (propose_plan)
            else:
                below = normal
        plan = ContactPlanPlan(
            child=rated.child,
            rating=rated,
            interval_amount=rule.interval.amount,
            interval_unit=str(rule.interval.unit),
            face_to_face_every=f2f,
            modes=modes,
            statutory_minimum=next((STATUTORY[k] for k in ("lac", "cp", "care_leaver") if k in kinds), ""),
            below=below,
            starts_on=rated.rated_on,
            status=rated.status,
        )
        self.ops.plans.append(plan)
        if below:
            self.departure(
                rated.child,
                rated.rated_by,
                rated.rated_on,
                "lac.visit",
                "Visit the looked-after child in person at least every 6 weeks",
                "Contact plan of video calls, with a visit in person only if concerns arise",
                "Long-term placement, very settled; carers in a clinically vulnerable household.",
                "Low: child speaks freely on video, school sees the child daily, carers experienced.",
                "Care Planning, Placement and Case Review (England) Regulations 2010, reg 28",
                approved_share=0.9 if rated.rated_on < self.declared_on else 0.5,
                plan=plan,
            )
        return plan

    def departure(
        self,
        child: ChildPlan,
        requested_by: StaffPlan,
        day: date,
        requirement: str,
        required: str,
        done_instead: str,
        rationale: str,
        risk: str,
        source: str,
        *,
        approved_share: float,
        plan: ContactPlanPlan | None = None,
        contact: KeyedContact | None = None,
    ) -> DeparturePlan:
        approved = day < self.today - timedelta(days=3) and self.rng.random() < approved_share
        made = DeparturePlan(
            child=child,
            requirement=requirement,
            required=required,
            done_instead=done_instead,
            rationale=rationale,
            risk_assessment=risk,
            source=source,
            regime=self.regime(day),
            requested_by=requested_by,
            requested_on=day,
            status="approved" if approved else "awaiting",
            decided_by=self.manager_for(child, requested_by) if approved else None,
            contact=contact,
            plan=plan,
        )
        self.ops.departures.append(made)
        return made

    # --- one child's history -------------------------------------------------------------------------

    def build(self) -> Operations:
        today = self.today
        spring_day = SPRING_2020[0]
        tm_team = self.logins["tm.demo"].team
        overdue_staff = {m for m in self.off_today if m.caseload}
        for child in self.children:
            if not child.statuses:
                continue
            first_rating = len(self.ops.ratings)
            latest: RatingPlan | None = None
            # Spring 2020: every open case rated under SI 2020/445; re-ratings in the later waves.
            if self.history_start <= spring_day <= today and _open_kinds(child, spring_day):
                latest = self.rate(child, self.between(*SPRING_2020), None)
            for first, last, share in ((*SECOND_WAVE, 0.6), (*THIRD_WAVE, 0.5)):
                day = self.between(first, last)
                if day <= today and _open_kinds(child, day) and (latest is None or self.rng.random() < share):
                    if latest is not None:
                        self._supersede(latest)
                    latest = self.rate(child, day, latest)
            open_now = _open_kinds(child, today)
            if open_now and self.declared_on > self.history_start:
                self.current_emergency(child, latest, tm_team)
            if open_now or any(s.kind in OPEN_KINDS for s in child.statuses):
                overdue_share = OVERDUE_SHARE_STAFF_OFF if child.worker in overdue_staff else OVERDUE_SHARE
                overdue = bool(open_now) and self.rng.random() < overdue_share
                self.contacts_for(child, self.ops.ratings[first_rating:], overdue=overdue)
        self.fix_queue(tm_team)
        self.special_contacts(tm_team)
        self.other_triggers()
        return self.ops

    def current_emergency(self, child: ChildPlan, latest: RatingPlan | None, tm_team: object) -> None:
        declared = self.declared_on
        roll = self.rng.random()
        new: RatingPlan | None = None
        if roll < NOT_STARTED_SHARE:
            pass
        else:
            day = self.between(declared + timedelta(days=1), self.today - timedelta(days=1))
            status = "approved"
            if roll < NOT_STARTED_SHARE + AWAITING_SHARE:
                status = "awaiting"
                day = self.between(self.today - timedelta(days=6), self.today)
            elif roll < NOT_STARTED_SHARE + AWAITING_SHARE + RETURNED_SHARE:
                status = "returned"
            if latest is not None and status == "approved":
                self._supersede(latest)
            new = self.rate(child, day, latest, status=status, emergency=True)
        self.ops.triggers.append(
            TriggerPlan(
                child,
                "emergency_declared",
                declared,
                EMERGENCY_NAME,
                new if new is not None and new.status in ("approved", "awaiting") else None,
            )
        )

    def _supersede(self, rating: RatingPlan) -> None:
        rating.status = "superseded"
        for plan in reversed(self.ops.plans):
            if plan.rating is rating:
                plan.status = "superseded"
                break

    def fix_queue(self, tm_team: object) -> None:
        """tm.demo's team has a realistic queue: 8 to 15 ratings and a few departures awaiting sign-off."""
        waiting = sum(1 for d in self.ops.departures if d.status == "awaiting" and d.child.team is tm_team)
        team_cp = [
            c
            for c in self.children
            if c.team is tm_team and c.worker is not None and "cp" in _open_kinds(c, self.today)
        ]
        for child in self.rng.sample(team_cp, max(0, min(len(team_cp), 4 - waiting))):
            assert child.worker is not None
            self.departure(
                child,
                child.worker,
                self.today - timedelta(days=self.rng.randint(0, 3)),
                "cp.visit",
                "Child protection visit face to face at least every 10 working days (LA practice standard)",
                "Alternate visits in person and video calls while the household isolates",
                "Household isolating after a positive test; worker's visit would breach public "
                "health advice.",
                "Medium: school has daily video contact with the child; grandparents nearby; visit in person "
                "booked for the day isolation ends.",
                "Working Together to Safeguard Children 2018; LA child protection practice standard",
                approved_share=0.0,
            )
        approved = sum(1 for d in self.ops.departures if d.status == "approved")
        looked_after = [
            c for c in self.children if c.worker is not None and "lac" in _open_kinds(c, self.today)
        ]
        for child in self.rng.sample(looked_after, max(0, min(len(looked_after), 3 - approved))):
            assert child.worker is not None
            self.departure(
                child,
                child.worker,
                self.between(date(2021, 10, 4), self.declared_on - timedelta(days=7)),
                "lac.visit",
                "Statutory visit to the looked-after child in person (normal rules since 1 October 2021)",
                "Visit by video call; visit in person a week later",
                "The child was isolating after a positive test and the carers asked for no visitors.",
                "Low: stable placement, the child spoke privately on video, school and carers in "
                "daily contact.",
                "Care Planning, Placement and Case Review (England) Regulations 2010, reg 28",
                approved_share=1.0,
            )
        awaiting = [r for r in self.ops.ratings if r.status == "awaiting" and r.child.team is tm_team]
        if len(awaiting) >= 8:
            return
        triggers = {t.child: t for t in self.ops.triggers if t.reason == "emergency_declared"}
        unrated = [
            c
            for c, t in triggers.items()
            if c.team is tm_team
            and t.resolved_by is None
            and not any(r.child is c and r.status == "returned" for r in self.ops.ratings[-50:])
        ]
        for child in unrated[: 11 - len(awaiting)]:
            previous = next((r for r in reversed(self.ops.ratings) if r.child is child), None)
            day = self.between(self.today - timedelta(days=5), self.today)
            triggers[child].resolved_by = self.rate(child, day, previous, status="awaiting", emergency=True)

    # --- contacts --------------------------------------------------------------------------------------

    def contacts_for(self, child: ChildPlan, my_ratings: list[RatingPlan], *, overdue: bool) -> None:
        rng = self.rng
        today = self.today
        worker = self.worker_of(child)
        symptomatic = child.household is not None and self.covid_households.get(child.household) in (
            "symptomatic",
            "confirmed",
        )
        recent_from = today - timedelta(days=120)
        # The child's open statuses as (kind, first day, last day): _open_kinds for each contact day
        # without walking every status (several hundred thousand days at 20,000 children).
        spans = [(s.kind, s.starts_on, s.ends_on or date.max) for s in child.statuses if s.kind in OPEN_KINDS]
        for start, end in self._open_periods(child):
            day = start + timedelta(days=rng.randint(1, 10))
            stop = end
            if end == today and overdue:
                stop = today - timedelta(days=rng.randint(45, 90))
            previous_f2f = True
            while day <= stop:
                kinds = {kind for kind, first, last in spans if first <= day <= last}
                rating = None
                for r in my_ratings:
                    if r.rated_on <= day and r.status != "returned":
                        rating = r.rating
                rule = self.rule(rating or "amber", kinds or {"cin"})
                interval = _interval_days(rule)
                strict = day >= recent_from or (SPRING_2020[0] - timedelta(days=30) <= day <= SPRING_2020[1])
                group, previous_f2f = self._contact_group(day, rating, kinds, rule, previous_f2f=previous_f2f)
                if group in ("home", "doorstep") and symptomatic and day >= today - timedelta(days=14):
                    group += "_ppe"
                if group == "video" and "lac" in kinds and SI_909_START <= day <= COVID_2021_END:
                    reason = (
                        CONTRARY_TO_PUBLIC_HEALTH_GUIDANCE
                        if rng.random() < 0.6
                        else NOT_REASONABLY_PRACTICABLE_COVID
                    )
                    group = f"video_{reason}"
                if rng.random() < 0.03 and not strict:
                    group = "not_seen"
                made_by = worker if rng.random() < 0.85 else self.colleague(child)
                self._record_contact(child, made_by, day, group, kinds)
                gap = interval - rng.randint(0, max(1, interval // 3))
                if not strict:
                    gap = int(gap * HISTORY_THINNING * (0.7 + 0.6 * rng.random()))
                day += timedelta(days=max(1, gap))

    def _open_periods(self, child: ChildPlan) -> list[list[date]]:
        """The child's open periods since the history starts, overlapping ones merged (a CP plan inside a
        CIN episode)."""
        today = self.today
        periods = [
            (max(s.starts_on, self.history_start), min(s.ends_on or today, today))
            for s in child.statuses
            if s.kind in OPEN_KINDS
        ]
        merged: list[list[date]] = []
        for start, end in sorted(p for p in periods if p[0] <= p[1]):
            if merged and start <= merged[-1][1] + timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return merged

    def _contact_group(
        self, day: date, rating: str | None, kinds: set[str], rule: PlanRule, *, previous_f2f: bool
    ) -> tuple[str, bool]:
        """How the contact was made (a template group), and whether it was face to face."""
        declared = self.declared_on
        group = self.mode_group(day, rating, kinds, declared)
        if rating == "red" and day >= declared and group not in ("home", "doorstep", "elsewhere"):
            group = "home"
        face = group in ("home", "doorstep", "elsewhere")
        if day >= self.today - timedelta(days=120) and not face:
            lac_visit = "lac" in kinds and not (day >= declared and self.rng.random() < 0.12)
            if rule.face_to_face_every == 1 or lac_visit or (rule.face_to_face_every and not previous_f2f):
                group, face = ("doorstep" if day >= declared else "home"), True
        return group, face

    def _record_contact(
        self, child: ChildPlan, made_by: StaffPlan, day: date, group: str, kinds: set[str]
    ) -> None:
        rng = self.rng
        template = rng.choice(TEMPLATE_GROUPS[group])
        minute = rng.randint(9 * 60, 17 * 60)
        if not (
            "lac" in kinds
            and group in ("video", "phone")
            and self.regime(day).startswith("normal")
            and day >= self.declared_on
        ):
            self.ops.contacts.append((child, made_by, day, minute, template))
            return
        # A remote statutory visit under normal rules: a departure, with its record.
        template = rng.choice(TEMPLATE_GROUPS[f"video_{CONTRARY_TO_PUBLIC_HEALTH_GUIDANCE}"])
        keyed = KeyedContact(child, made_by, day, minute, template)
        self.ops.keyed_contacts.append(keyed)
        self.departure(
            child,
            made_by,
            day,
            "lac.visit",
            "Statutory visit to the looked-after child in person (normal rules since 1 October 2021)",
            "Visit by video call",
            "Carer's household isolating on public health advice during the outbreak.",
            "Child seen on video, spoke privately; placement stable; visit in person booked after isolation.",
            "Care Planning, Placement and Case Review (England) Regulations 2010, reg 28",
            approved_share=0.75,
            contact=keyed,
        )

    def mode_group(self, day: date, rating: str | None, kinds: set[str], declared: date) -> str:
        roll = self.rng.random()
        weights: tuple[tuple[str, float], ...]
        if day < _LOCKDOWN_1:
            weights = (("home", 0.80), ("elsewhere", 0.12), ("phone", 0.08))
        elif day < _SUMMER_2020:
            weights = (("video", 0.45), ("phone", 0.22), ("doorstep", 0.18), ("home", 0.15))
        elif day < _LOCKDOWN_3:
            weights = (("home", 0.58), ("doorstep", 0.10), ("video", 0.22), ("phone", 0.10))
        elif day < _NORMAL_RULES:
            weights = (("home", 0.72), ("elsewhere", 0.10), ("video", 0.13), ("phone", 0.05))
        elif day >= declared:
            weights = (("home", 0.45), ("doorstep", 0.15), ("video", 0.28), ("phone", 0.12))
        else:
            weights = (("home", 0.84), ("elsewhere", 0.12), ("video", 0.02), ("phone", 0.02))
        if rating == "red" and day >= _LOCKDOWN_1 and self.rng.random() < 0.7:
            return "home" if day >= _SUMMER_2020 else "doorstep"
        for group, weight in weights:
            roll -= weight
            if roll < 0:
                return group
        return weights[0][0]

    # --- refused access, immediate protection, other triggers -----------------------------------------

    def special_contacts(self, tm_team: object) -> None:
        today = self.today
        open_children = [c for c in self.children if _open_kinds(c, today) and c.worker is not None]
        in_team = [c for c in open_children if c.team is tm_team and c.worker is not None]
        refused = self.rng.sample(open_children, min(len(open_children), max(3, len(open_children) // 300)))
        for child in refused:
            assert child.worker is not None
            day = today - timedelta(days=self.rng.randint(1, 20))
            keyed = KeyedContact(child, child.worker, day, 10 * 60 + 30, TEMPLATE_GROUPS["refused"][0])
            self.ops.keyed_contacts.append(keyed)
            self.ops.triggers.append(
                TriggerPlan(child, "refused_access", day, "Access refused at the door", None)
            )
        chosen = in_team[:1] + self.rng.sample(open_children, min(1, len(open_children)))
        for child in chosen:
            assert child.worker is not None
            day = today - timedelta(days=self.rng.randint(0, 2))
            keyed = KeyedContact(child, child.worker, day, 16 * 60, TEMPLATE_GROUPS["immediate"][0])
            self.ops.keyed_contacts.append(keyed)
            manager = self.manager_for(child, child.worker)
            recipient = self.logins["tm.demo"] if child.team is tm_team else manager
            self.ops.alerts.append(
                AlertPlan(
                    recipient,
                    child,
                    "immediate_protection",
                    f"Immediate protection: {child.first_name} {child.last_name}: risk of immediate "
                    f"serious harm recorded by {child.worker.first_name} {child.worker.last_name}.",
                )
            )

    def other_triggers(self) -> None:
        today = self.today
        for child in self.children:
            kinds = _open_kinds(child, today)
            if not kinds:
                continue
            recent = [
                s
                for s in child.statuses
                if s.kind in OPEN_KINDS and s.starts_on >= today - timedelta(days=10)
            ]
            if recent:
                self.ops.triggers.append(
                    TriggerPlan(child, "new_referral", recent[0].starts_on, "New referral received", None)
                )
            status = self.covid_households.get(child.household) if child.household is not None else None
            if status in ("symptomatic", "confirmed") and self.rng.random() < 0.6:
                self.ops.triggers.append(
                    TriggerPlan(
                        child,
                        "covid_in_household",
                        today - timedelta(days=self.rng.randint(0, 5)),
                        f"Household {status}",
                        None,
                    )
                )
            age = child.age_on(today)
            if age is not None and 5 <= age <= 15 and self.rng.random() < 0.006:
                self.ops.triggers.append(
                    TriggerPlan(
                        child,
                        "missed_school",
                        today - timedelta(days=self.rng.randint(1, 7)),
                        "School reports three days' absence",
                        None,
                    )
                )
