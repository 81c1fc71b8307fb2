"""The demo authority's front door, multi-agency meetings, serious incidents and information sharing
(issue 4), planned in memory after the people and their histories.

Plain Python like `generate`: every random choice comes from the builder's Random, in a fixed order.
Every Deadline row's dates come from the one engine (`domain.timescales.deadline`, memoised per rule and
event day); met dates are chosen around the engine's due date, never by date arithmetic of our own.

Volumes are kept lean so the 100,000-child demo stays inside its budget: a referral for each episode
that started since 2019 (its decision leads to that episode) and, on top, other referrals about known
children at about 0.1 a child a year (no further action, early help, assessments that found nothing):
England's 1.6 referrals per child in need a year include many children the demo does not hold. Fewer in
spring 2020 (about -18%), and schools' share falls by three quarters in each lockdown.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from domain.calendar import WorkingCalendar
from domain.timescales import Deadline, deadline

if TYPE_CHECKING:
    from demo.generate import ChildPlan, StaffPlan
    from demo.operations import DeparturePlan

EXTRA_REFERRALS_PER_CHILD_YEAR = 0.02
EPISODE_REFERRAL_SHARE = 0.2  # of early help, in-need and care episodes (every protection episode has one)
LAC_REVIEW_YEARS = 1  # looked-after reviews are kept for the last year only
# Protection plans that began over two years ago (bar those of the remote year, April 2020 to March
# 2021): their conferences are kept for some only.
OLD_CP_SHARE = 0.3
LOCKDOWNS = ((date(2020, 3, 23), date(2020, 6, 14)), (date(2021, 1, 5), date(2021, 3, 7)))
SPRING_2020_DIP = (date(2020, 3, 23), date(2020, 6, 30), 0.82)
REMOTE_CONFERENCES = (date(2020, 4, 1), date(2021, 3, 31))
# CIN census ReferralSource, England 2019-20 (DfE Characteristics of children in need, table C1).
SOURCES: tuple[tuple[str, float], ...] = (
    ("6", 29.0),
    ("2A", 17.0),
    ("2B", 1.0),
    ("3A", 3.0),
    ("3B", 2.0),
    ("3C", 1.0),
    ("3D", 1.0),
    ("3E", 4.0),
    ("3F", 4.0),
    ("5A", 5.0),
    ("5B", 3.0),
    ("5C", 2.0),
    ("5D", 2.0),
    ("1A", 5.0),
    ("1B", 0.5),
    ("1C", 0.5),
    ("1D", 2.0),
    ("4", 2.0),
    ("7", 3.0),
    ("8", 8.0),
    ("9", 2.0),
    ("10", 3.0),
)
CONCERNS = {
    "6": "Police attended a domestic abuse incident at the home; the children were present.",
    "2A": "School reports the child arrived hungry and with unexplained bruising on the arm.",
    "3E": "Child brought to A&E with an injury whose explanation does not fit; parent intoxicated.",
    "1A": "Grandmother worried that mother is drinking heavily and the children are left alone.",
    "8": "Neighbour reports shouting and a young child crying for long periods most nights.",
}
DEFAULT_CONCERN = "Concerns about neglect: poor home conditions and missed health appointments."
DECISION_REASON = {
    "nfa": "Information checked with partners; no role for children's social care. Signposted.",
    "early_help": "Needs below the threshold for statutory services; family agrees to early help.",
    "assessment": "Child may be in need: child and family assessment to be carried out.",
    "strategy": "Reasonable cause to suspect significant harm: strategy discussion held the same day.",
}
AGENCY_CODES = ("police", "health", "gp", "education", "social_care", "family")
OPTIONAL_AGENCIES = ("probation", "housing", "adult_services", "mental_health", "substance_misuse")
LATE_REASONS = (
    "Police and health could not attend on the due date; the chair moved it rather than hold it inquorate.",
    "The family's interpreter was not available until the following week.",
    "Conference chair off sick; no cover chair available in time.",
    "Staff shortages during the emergency: rescheduled with the IRO's agreement.",
)
QUORUM_CONCERN = "Only social care and one other agency present: decisions confirmed with police afterwards."


@dataclass(slots=True, eq=False)
class ReferralPlan:
    children: list[ChildPlan]
    received_on: date
    minute: int
    source: str
    concerns: str
    consent: str
    decision: str
    decided_on: date | None
    decided_by: StaffPlan | None
    id: int = 0


@dataclass(slots=True, eq=False)
class MeetingPlan:
    child: ChildPlan
    kind: str
    held_on: date
    remote: bool
    invited: list[str]
    present: list[str]
    section47: bool = False
    quorum: str = ""
    decisions: str = ""
    plan: str = ""
    late_reason: str = ""
    id: int = 0


@dataclass(slots=True, eq=False)
class IncidentPlan:
    child: ChildPlan
    occurred_on: date
    aware_on: date
    summary: str
    died: bool = False
    injured: bool = False
    covid: bool = False
    notified_on: date | None = None
    ofsted_on: date | None = None
    pace: str = "standard"
    pace_reason: str = ""
    review_done_on: date | None = None
    review_decision: str = "pending"
    review_decided_on: date | None = None
    dfe_told_on: date | None = None
    published_on: date | None = None
    id: int = 0


@dataclass(slots=True, eq=False)
class SharePlan:
    child: ChildPlan
    shared_on: date
    what: str
    agency: str
    person: str
    basis: str
    without_consent: bool
    reason: str
    decided_by: StaffPlan


@dataclass(slots=True, eq=False)
class DeadlinePlan:
    child: ChildPlan | None
    subject: ReferralPlan | MeetingPlan | IncidentPlan
    subject_type: str
    result: Deadline
    met_on: date | None


@dataclass
class Safeguarding:
    referrals: list[ReferralPlan] = field(default_factory=list)
    meetings: list[MeetingPlan] = field(default_factory=list)
    incidents: list[IncidentPlan] = field(default_factory=list)
    shares: list[SharePlan] = field(default_factory=list)
    deadlines: list[DeadlinePlan] = field(default_factory=list)


class SafeguardingBuilder:
    def __init__(
        self,
        *,
        rng: random.Random,
        today: date,
        history_start: date,
        children: list[ChildPlan],
        staff: list[StaffPlan],
        logins: dict[str, StaffPlan],
        calendar: WorkingCalendar,
        departures: list[DeparturePlan],
    ) -> None:
        self.rng = rng
        self.today = today
        self.start = history_start
        self.children = children
        self.calendar = calendar
        self.departures = departures
        self.head = logins["hos.demo"]
        self.team_manager = logins["tm.demo"]
        front = [
            m for m in staff if m.team is not None and m.team.service_area == "front_door" and m.caseload
        ]
        self.front_door = front or [logins["sw.demo"]]
        self.cache: dict[tuple[str, date], Deadline] = {}
        self.sources = [code for code, _ in SOURCES]
        self.weights = [weight for _, weight in SOURCES]
        self.lockdown_weights = [w * 0.24 if c == "2A" else w for c, w in SOURCES]
        self.out = Safeguarding()

    # --- helpers -------------------------------------------------------------------------------------

    def engine(self, rule_id: str, event_on: date) -> Deadline:
        key = (rule_id, event_on)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = deadline(rule_id, event_on, calendar=self.calendar)
        return found

    def add_deadline(
        self,
        rule_id: str,
        subject: ReferralPlan | MeetingPlan | IncidentPlan,
        subject_type: str,
        child: ChildPlan | None,
        event_on: date,
        met_on: date | None,
    ) -> Deadline:
        result = self.engine(rule_id, event_on)
        self.out.deadlines.append(DeadlinePlan(child, subject, subject_type, result, met_on))
        return result

    def working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the next one (meetings are held on working days)."""
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day

    def between(self, first: date, last: date) -> date:
        span = (last - first).days
        return first + timedelta(days=self.rng.randint(0, span)) if span > 0 else first

    def source_on(self, day: date) -> str:
        locked = any(first <= day <= last for first, last in LOCKDOWNS)
        return self.rng.choices(self.sources, self.lockdown_weights if locked else self.weights)[0]

    def due(self, result: Deadline) -> date:
        return result.due_on if result.due_on is not None else result.normal_due_on

    # --- the front door ------------------------------------------------------------------------------

    def referral(self, children: list[ChildPlan], received: date, decision: str) -> ReferralPlan:
        source = self.source_on(received)
        roll = self.rng.random()
        consent = "given" if roll < 0.7 else ("not_sought" if roll < 0.9 else "refused")
        made = ReferralPlan(
            children=children,
            received_on=received,
            minute=self.rng.randint(8 * 60, 18 * 60),
            source=source,
            concerns=CONCERNS.get(source, DEFAULT_CONCERN),
            consent=consent,
            decision=decision,
            decided_on=None,
            decided_by=None,
        )
        self.out.referrals.append(made)
        single = children[0] if len(children) == 1 else None
        due = self.add_deadline("referral.decision", made, "referral", single, received, None)
        due_on = self.due(due)
        roll = self.rng.random()
        if roll < 0.68:
            decided = received
        elif roll < 0.92:
            decided = due_on
        else:
            decided = due_on + timedelta(days=self.rng.randint(1, 6))
        if decision and decided <= self.today:
            made.decided_on = decided
            made.decided_by = self.rng.choice(self.front_door)
            self.out.deadlines[-1].met_on = decided
        else:
            made.decision = ""
        if made.decision in ("assessment", "strategy"):
            result = self.add_deadline("assessment.completion", made, "referral", children[0], received, None)
            due_on = self.due(result)
            roll = self.rng.random()
            done = (
                due_on - timedelta(days=self.rng.randint(0, 40))
                if roll < 0.84
                else due_on + timedelta(days=self.rng.randint(1, 30))
            )
            done = max(done, made.decided_on or received)
            if done <= self.today:
                self.out.deadlines[-1].met_on = done
        return made

    def episode_referrals(self) -> dict[int, ReferralPlan]:
        """A referral before each episode that began since 2019, siblings together; by episode id()."""
        seen: dict[tuple[int, str, date], ReferralPlan] = {}
        by_status: dict[int, ReferralPlan] = {}
        for child in self.children:
            for status in child.statuses:
                if status.kind not in ("early_help", "cin", "cp", "lac") or status.starts_on < self.start:
                    continue
                key = (id(child.household), status.kind, status.starts_on)
                made = seen.get(key) if child.household is not None else None
                if made is None and status.kind != "cp" and self.rng.random() >= EPISODE_REFERRAL_SHARE:
                    continue
                if made is not None:
                    made.children.append(child)
                    by_status[id(status)] = made
                    continue
                if status.kind == "cp":
                    decision, lead = "strategy", self.rng.randint(8, 25)
                elif status.kind == "early_help":
                    decision, lead = "early_help", self.rng.randint(1, 10)
                elif status.kind == "cin":
                    decision, lead = "assessment", self.rng.randint(10, 50)
                else:
                    decision, lead = self.rng.choice(("strategy", "assessment")), self.rng.randint(3, 30)
                received = max(self.start, status.starts_on - timedelta(days=lead))
                made = self.referral([child], received, decision)
                seen[key] = made
                by_status[id(status)] = made
        return by_status

    def other_referrals(self) -> None:
        years = (self.today - self.start).days / 365.25
        dip_first, dip_last, dip = SPRING_2020_DIP
        for child in self.children:
            if not child.statuses or child.date_of_birth is None:
                continue
            count = int(EXTRA_REFERRALS_PER_CHILD_YEAR * years + self.rng.random())
            for _ in range(count):
                first = max(self.start, child.date_of_birth)
                last = min(self.today, child.date_of_birth + timedelta(days=18 * 365))
                if last <= first:
                    break
                day = self.between(first, last)
                if dip_first <= day <= dip_last and self.rng.random() > dip:
                    continue
                roll = self.rng.random()
                decision = "nfa" if roll < 0.5 else ("early_help" if roll < 0.8 else "assessment")
                self.referral([child], day, decision)
        # The front door today: a few received in the last two days, not yet decided.
        recent = [c for c in self.children if c.statuses][: max(3, len(self.children) // 1000)]
        for index, child in enumerate(recent):
            day = self.today - timedelta(days=(0, 0, 1, 3, 6)[index % 5])
            self.referral([child], day, "")

    # --- meetings -------------------------------------------------------------------------------------

    def agencies(self, day: date, core: bool) -> tuple[list[str], list[str], str]:
        invited = list(AGENCY_CODES) if core else ["social_care", "family", "health"]
        invited += [a for a in OPTIONAL_AGENCIES if self.rng.random() < 0.15]
        present = [a for a in invited if a == "social_care" or self.rng.random() < 0.85]
        quorum = ""
        if core and self.rng.random() < 0.04:
            present = ["social_care", "family"]
            quorum = QUORUM_CONCERN
        return invited, present, quorum

    def meeting(self, child: ChildPlan, kind: str, day: date, **details: object) -> MeetingPlan:
        remote_period = REMOTE_CONFERENCES[0] <= day <= REMOTE_CONFERENCES[1]
        remote = self.rng.random() < (0.9 if remote_period else 0.08)
        invited, present, quorum = self.agencies(day, kind in ("strategy", "icpc", "rcpc"))
        made = MeetingPlan(child, kind, day, remote, invited, present, quorum=quorum)
        for name, value in details.items():
            setattr(made, name, value)
        self.out.meetings.append(made)
        return made

    def held(self, result: Deadline, *, late_share: float) -> tuple[date, bool]:
        """When a meeting due under `result` was held: mostly in time, sometimes late."""
        due_on = self.due(result)
        if self.rng.random() < late_share:
            return self.working_day(due_on + timedelta(days=self.rng.randint(1, 20))), True
        day = self.working_day(due_on - timedelta(days=self.rng.randint(2, 20)))
        return (day if day <= due_on else due_on), False

    def approver(self, requester: StaffPlan) -> StaffPlan:
        manager = requester.team.manager if requester.team is not None else None
        if manager is None or manager is requester:
            manager = self.head if requester is not self.head else self.team_manager
        return manager

    def late(self, meeting: MeetingPlan, result: Deadline) -> None:
        from demo.operations import DeparturePlan

        meeting.late_reason = self.rng.choice(LATE_REASONS)
        settled = meeting.held_on < self.today - timedelta(days=30)
        requester = meeting.child.worker or self.head
        meeting.decisions = meeting.decisions or "Plan continued; actions reallocated."
        self.departures.append(
            DeparturePlan(
                child=meeting.child,
                requirement=result.rule.id,
                required=f"{_label(meeting.kind)} by {self.due(result):%d/%m/%Y}",
                done_instead=f"Held on {meeting.held_on:%d/%m/%Y}",
                rationale=meeting.late_reason,
                risk_assessment=meeting.decisions,
                source=result.rule.source,
                regime=result.regime.id,
                requested_by=requester,
                requested_on=meeting.held_on,
                status="approved" if settled else "awaiting",
                decided_by=self.approver(requester) if settled else None,
            )
        )

    def chain(
        self,
        child: ChildPlan,
        kind: str,
        previous: MeetingPlan,
        rules: tuple[str, ...],
        ends_on: date | None,
        *,
        late_share: float,
    ) -> None:
        """Reviews one after another, each due under the rule the previous one started."""
        index = 0
        while True:
            rule_id = rules[min(index, len(rules) - 1)]
            result = self.add_deadline(rule_id, previous, "meeting", child, previous.held_on, None)
            row = self.out.deadlines[-1]
            day, was_late = self.held(result, late_share=late_share)
            if ends_on is not None and ends_on <= self.today and day > ends_on:
                self.out.deadlines.pop()  # the plan ended before the next meeting: nothing falls due
                return
            if day > self.today:
                return  # still to come; a late one whose date has passed is overdue now
            meeting = self.meeting(child, kind, day)
            row.met_on = day
            if was_late and result.due_on is not None and day > result.due_on:
                self.late(meeting, result)
            previous = meeting
            index += 1

    def child_protection(self, by_status: dict[int, ReferralPlan]) -> None:
        recent = self.today - timedelta(days=730)
        for child in self.children:
            for status in child.statuses:
                if status.kind != "cp" or status.starts_on < self.start or status.starts_on > self.today:
                    continue
                remote_year = REMOTE_CONFERENCES[0] <= status.starts_on <= REMOTE_CONFERENCES[1]
                if status.starts_on < recent and not remote_year and self.rng.random() >= OLD_CP_SHARE:
                    continue
                referral = by_status.get(id(status))
                strategy_on = self.working_day(
                    referral.received_on if referral is not None else status.starts_on - timedelta(days=21)
                )
                strategy = self.meeting(
                    child,
                    "strategy",
                    strategy_on,
                    section47=True,
                    decisions="Section 47 enquiries to start; joint visit by police and social care.",
                )
                result = self.add_deadline("icpc.convene", strategy, "meeting", child, strategy_on, None)
                row = self.out.deadlines[-1]
                icpc_on = max(status.starts_on, strategy_on)
                icpc = self.meeting(
                    child,
                    "icpc",
                    icpc_on,
                    decisions="Child protection plan: category " + (status.cp_category or "NEG") + ".",
                    plan="Core group to meet within 10 working days; weekly visits; parenting assessment.",
                )
                row.met_on = icpc_on
                if result.due_on is not None and icpc_on > result.due_on:
                    self.late(icpc, result)
                core_on = self.working_day(icpc_on + timedelta(days=self.rng.randint(5, 13)))
                ends = status.ends_on or self.today
                if core_on <= ends and core_on <= self.today:  # the first core group (later ones not kept)
                    self.meeting(child, "core_group", core_on, decisions="Plan reviewed; actions updated.")
                self.chain(
                    child,
                    "rcpc",
                    icpc,
                    ("cp.first_review", "cp.review"),
                    status.ends_on,
                    late_share=0.07,
                )

    def looked_after(self) -> None:
        window = max(self.start, self.today - timedelta(days=round(365.25 * LAC_REVIEW_YEARS)))
        for child in self.children:
            for status in child.statuses:
                if status.kind != "lac" or status.starts_on > self.today:
                    continue
                if status.ends_on is not None and status.ends_on < window:
                    continue
                if status.starts_on >= window:
                    first = self.engine("lac.first_review", status.starts_on)
                    day, _ = self.held(first, late_share=0.06)
                    if day > self.today or (status.ends_on is not None and day > status.ends_on):
                        continue
                    previous = self.meeting(child, "lac_review", day, decisions="Care plan agreed.")
                    rules: tuple[str, ...] = ("lac.second_review", "lac.subsequent_review")
                else:
                    day = self.working_day(self.between(window, window + timedelta(days=180)))
                    if status.ends_on is not None and day > status.ends_on:
                        continue
                    previous = self.meeting(child, "lac_review", day, decisions="Care plan continues.")
                    rules = ("lac.subsequent_review",)
                self.chain(child, "lac_review", previous, rules, status.ends_on, late_share=0.05)

    # --- serious incidents and information sharing ----------------------------------------------------

    def incidents(self) -> None:
        candidates = [
            c for c in self.children if any(s.kind in ("cp", "lac") for s in c.statuses) and c.date_of_birth
        ]
        if not candidates:
            return
        today = self.today
        aware = self.working_day(today - timedelta(days=3))
        if aware > today:
            aware = today - timedelta(days=3)
        # In progress: the LA became aware a few days ago; the Panel is not yet notified.
        current = IncidentPlan(
            self.rng.choice(candidates),
            aware - timedelta(days=1),
            aware,
            "Infant admitted to hospital with a skull fracture; parents' explanation inconsistent.",
            injured=True,
            ofsted_on=aware,
        )
        # Spring 2020: the partners set their own pace for the rapid review, with a reason.
        local = IncidentPlan(
            self.rng.choice(candidates),
            date(2020, 4, 27),
            date(2020, 4, 29),
            "Teenager seriously harmed in a knife attack linked to county lines exploitation.",
            injured=True,
            notified_on=date(2020, 5, 4),
            ofsted_on=date(2020, 5, 4),
            pace="local",
            pace_reason="Police investigation ongoing and partners redeployed to the COVID-19 response; "
            "rapid review to follow the police disclosure, agreed by the three safeguarding partners.",
            review_done_on=date(2020, 6, 19),
            review_decision="yes",
            review_decided_on=date(2020, 6, 19),
            dfe_told_on=date(2020, 6, 22),
            published_on=date(2020, 12, 11),
        )
        # Expedited: a child died and COVID-19 is strongly related.
        expedited = IncidentPlan(
            self.rng.choice(candidates),
            date(2020, 5, 12),
            date(2020, 5, 13),
            "Toddler died at home during lockdown; no professional had seen the child since schools closed.",
            died=True,
            covid=True,
            notified_on=date(2020, 5, 15),
            ofsted_on=date(2020, 5, 14),
            pace="expedited",
            review_done_on=date(2020, 5, 29),
            review_decision="yes",
            review_decided_on=date(2020, 5, 29),
            dfe_told_on=date(2020, 6, 1),
        )
        made = [local, expedited]
        for _ in range(max(2, len(self.children) // 20000)):
            occurred = self.between(self.start, today - timedelta(days=120))
            aware_on = self.working_day(occurred + timedelta(days=self.rng.randint(0, 4)))
            result = self.engine("sin.notification", aware_on)
            notified = (
                self.due(result) + timedelta(days=2)
                if self.rng.random() < 0.2
                else self.working_day(aware_on + timedelta(days=self.rng.randint(1, 4)))
            )
            review = self.engine("rapid_review.completion", notified)
            decision = self.rng.choice(("yes", "no"))
            made.append(
                IncidentPlan(
                    self.rng.choice(candidates),
                    occurred,
                    aware_on,
                    "Young person seriously injured; known to services; concerns about multi-agency work.",
                    injured=True,
                    notified_on=notified,
                    ofsted_on=notified,
                    review_done_on=self.due(review) - timedelta(days=self.rng.randint(0, 5)),
                    review_decision=decision,
                    review_decided_on=self.due(review),
                    dfe_told_on=self.due(review) + timedelta(days=3),
                )
            )
        made.append(current)
        for incident in made:
            if incident.aware_on > today:
                continue
            self.out.incidents.append(incident)
            child = incident.child
            self.add_deadline(
                "sin.notification", incident, "incident", child, incident.aware_on, incident.notified_on
            )
            if incident.notified_on is not None and incident.pace != "local":
                self.add_deadline(
                    "rapid_review.completion",
                    incident,
                    "incident",
                    child,
                    incident.notified_on,
                    incident.review_done_on,
                )

    def shares(self) -> None:
        bases = (
            ("public_task", False),
            ("consent", False),
            ("safeguarding", True),
            ("legal_obligation", False),
        )
        for referral in self.out.referrals:
            if referral.decision != "strategy" or referral.decided_on is None or referral.decided_by is None:
                continue
            if self.rng.random() > 0.5:
                continue
            basis, without = self.rng.choice(bases)
            without = without or (basis != "consent" and referral.consent != "given")
            self.out.shares.append(
                SharePlan(
                    referral.children[0],
                    referral.decided_on,
                    "Chronology of police call-outs and the referral's concerns, "
                    "for the strategy discussion.",
                    self.rng.choice(("police", "health", "education")),
                    "",
                    basis,
                    without,
                    "Needed to decide whether to start section 47 enquiries"
                    + ("; seeking consent would have put the child at risk." if without else "."),
                    referral.decided_by,
                )
            )

    def build(self) -> Safeguarding:
        by_status = self.episode_referrals()
        self.other_referrals()
        self.child_protection(by_status)
        self.looked_after()
        self.incidents()
        self.shares()
        return self.out


def _label(kind: str) -> str:
    return {
        "strategy": "Strategy discussion",
        "icpc": "Initial child protection conference",
        "rcpc": "Review child protection conference",
        "core_group": "Core group",
        "lac_review": "Looked-after child review",
    }[kind]
