"""The catalogue of statutory timescales, each named by its source.

Convention (the same in code and on screen): "within N working days of X" is the Nth working day after
X's date; "within N weeks / months / days of X" is the same calendar day N weeks / months later (clamped
to the end of a shorter month) or N calendar days later. X's own date never counts.

`requirement` links a rule to the regimes (domain/regimes.py) that may relax it; where a regime made a
timescale "as soon as reasonably practicable" the engine gives no date. Figures marked unconfirmed are
so marked in shared/DOMAIN.md and shown as such to users.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.intervals import Interval

WT2018_1 = "Working Together to Safeguard Children 2018, chapter 1"
WT2018_4 = "Working Together to Safeguard Children 2018, chapter 4"
CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959)"


@dataclass(frozen=True)
class Rule:
    """A statutory timescale: `interval` after `event`, by `source`."""

    id: str
    title: str
    event: str
    interval: Interval
    source: str
    requirement: str | None = None
    confirmed: bool = True
    note: str = ""

    def describe(self) -> str:
        return f"Within {self.interval.describe()} of the {self.event}"


RULES: tuple[Rule, ...] = (
    Rule(
        "referral.decision",
        "Decision on a referral",
        "referral being received",
        Interval.working_days(1),
        WT2018_1,
        note="The paragraph number in Working Together is unconfirmed.",
    ),
    Rule(
        "assessment.completion",
        "Child and family assessment completed",
        "referral being received",
        Interval.working_days(45),
        f"{WT2018_1}; DfE CIN census validation rule 8670Q",
    ),
    Rule(
        "icpc.convene",
        "Initial child protection conference held",
        "strategy discussion at which section 47 enquiries were initiated (the last one, if several)",
        Interval.working_days(15),
        f"{WT2018_1}; DfE CIN census validation rule 8675Q",
    ),
    Rule(
        "cp.first_review",
        "First child protection review conference",
        "initial child protection conference",
        Interval.months(3),
        WT2018_1,
    ),
    Rule(
        "cp.review",
        "Child protection review conference",
        "previous review conference",
        Interval.months(6),
        WT2018_1,
    ),
    Rule(
        "sin.notification",
        "Serious incident notified to the Child Safeguarding Practice Review Panel",
        "local authority becoming aware of the incident",
        Interval.working_days(5),
        f"Children Act 2004 s16C; {WT2018_4}",
        requirement="serious_incident.notification",
        note="Never relaxed by the coronavirus regulations.",
    ),
    Rule(
        "rapid_review.completion",
        "Rapid review completed",
        "serious incident notification being sent",
        Interval.working_days(15),
        WT2018_4,
        note="A non-statutory expectation; from March 2020 the safeguarding partners could set their own "
        "pace, expedited where a child died or was seriously injured and COVID-19 is strongly related.",
    ),
    Rule(
        "lcspr.publication",
        "Local child safeguarding practice review published",
        "decision to carry out the review",
        Interval.months(6),
        f"{WT2018_4}; Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018",
        confirmed=False,
        note="The regulation reference is unconfirmed; relaxed during COVID-19.",
    ),
    Rule(
        "lac.first_review",
        "First looked-after child review",
        "child becoming looked after",
        Interval.working_days(20),
        f"{CPPCR} reg 33",
        requirement="lac.review",
        confirmed=False,
        note="'20 working days' is from local procedures; the regulation text was not checked.",
    ),
    Rule(
        "lac.second_review",
        "Second looked-after child review",
        "first review",
        Interval.months(3),
        f"{CPPCR} reg 33",
        requirement="lac.review",
    ),
    Rule(
        "lac.subsequent_review",
        "Looked-after child review",
        "previous review",
        Interval.months(6),
        f"{CPPCR} reg 33",
        requirement="lac.review",
    ),
    Rule(
        "lac.care_plan",
        "Care plan prepared",
        "start of the first placement",
        Interval.working_days(10),
        f"{CPPCR} reg 4(2)",
        note="Before the first placement, or if that is not practicable within 10 working days of it.",
    ),
    Rule(
        "lac.placement_plan",
        "Placement plan prepared",
        "start of the placement",
        Interval.working_days(5),
        f"{CPPCR} reg 9(2)",
        requirement="lac.placement_plan",
    ),
    Rule(
        "lac.first_visit",
        "First social worker visit to a looked-after child",
        "start of the placement",
        Interval.weeks(1),
        f"{CPPCR} reg 28(2)(a)",
        requirement="lac.visit",
    ),
    Rule(
        "lac.health_review_under_5",
        "Health assessment reviewed (child under 5)",
        "previous health assessment",
        Interval.months(6),
        f"{CPPCR} reg 7; Promoting the health and well-being of looked-after children (2015)",
        confirmed=False,
        note="The regulation text was not checked.",
    ),
    Rule(
        "lac.health_review_5_plus",
        "Health assessment reviewed (child aged 5 or over)",
        "previous health assessment",
        Interval.months(12),
        f"{CPPCR} reg 7; Promoting the health and well-being of looked-after children (2015)",
        confirmed=False,
        note="The regulation text was not checked.",
    ),
    Rule(
        "leaving_care.needs_assessment",
        "Needs assessment of an eligible child",
        "child's 16th birthday (or becoming eligible after 16)",
        Interval.months(3),
        f"{CPPCR} reg 42(1)",
    ),
    Rule(
        "pathway_plan.review",
        "Pathway plan reviewed",
        "previous review",
        Interval.months(6),
        "Care Leavers (England) Regulations 2010 (SI 2010/2571) reg 7",
        confirmed=False,
        note="Widely stated; the regulation text was not checked.",
    ),
    Rule(
        "fostering.temporary_approval",
        "Temporary approval of a connected person ends",
        "temporary approval",
        Interval.weeks(16),
        f"{CPPCR} regs 24-25",
        requirement="fostering.temporary_approval",
    ),
    Rule(
        "fostering.emergency_placement",
        "Emergency placement outside a carer's terms of approval ends",
        "placement",
        Interval.working_days(6),
        f"{CPPCR} reg 23 (as applied)",
        requirement="fostering.emergency_placement",
        confirmed=False,
        note="Whether the 6 days are working days is unconfirmed (Walsall: 'up to 6 working days').",
    ),
    Rule(
        "private_fostering.visit",
        "Visit after notice of a private fostering arrangement",
        "notification",
        Interval.days(7),
        "Children (Private Arrangements for Fostering) Regulations 2005",
        requirement="private_fostering.notification_action",
    ),
)

_BY_ID = {rule.id: rule for rule in RULES}


def rule_by_id(rule_id: str) -> Rule:
    try:
        return _BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"No timescale rule {rule_id!r}; see `continuity deadline --list`") from None
