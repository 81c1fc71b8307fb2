"""Contact planning: ratings, modes, statutory and practice minimums, RAG settings, plans and due dates.

Public API (import from `domain.contact`):

* enums: `Rating`, `Mode`, `FACE_TO_FACE`, `REMOTE`, `ALL_MODES`, `AT_HOME`, status strings
* facts: `ChildContactFacts`, `ContactEvent`
* minimums: `statutory_minimum`, `statutory_minimums`, `StatutoryMinimum`, `PracticeStandard`,
  `DEFAULT_PRACTICE_STANDARDS`
* rag: `Cadence`, `RagSettings`, `DEFAULT_RAG_SETTINGS`, `rag_settings_in_force`, `validate_rag_settings`
* planning: `ContactPlan`, `propose_plan`, `assess_plan`, `PlanProposal`, `PlanAssessment`,
  `DepartureNeeded`, `DepartureKind`, `la_standard`
* due dates: `next_due`, `statutory_due`, `DueState`
* recording: `remote_contact_requirements`, `RemoteRecordRequirement`
* COVID: `covid_visit_advice`, `CovidAdvice`
"""

from domain.contact.covid import CovidAdvice, covid_visit_advice
from domain.contact.due import DueState, counts_for_minimum, next_due, statutory_due
from domain.contact.enums import (
    ALL_MODES,
    AT_HOME,
    COVID_REASON_LABELS,
    COVID_REASONS,
    FACE_TO_FACE,
    MODE_LABELS,
    RATINGS,
    REMOTE,
    STATUS_LABELS,
    STATUSES,
    Mode,
    Rating,
    risk_rank,
)
from domain.contact.facts import ChildContactFacts, ContactEvent
from domain.contact.minimums import (
    DEFAULT_PRACTICE_STANDARDS,
    PracticeStandard,
    StatutoryMinimum,
    statutory_minimum,
    statutory_minimums,
)
from domain.contact.plan import ContactPlan, plan_problems
from domain.contact.planning import (
    DepartureKind,
    DepartureNeeded,
    PlanAssessment,
    PlanProposal,
    assess_plan,
    la_standard,
    propose_plan,
)
from domain.contact.rag import (
    DEFAULT_RAG_SETTINGS,
    Cadence,
    RagSettings,
    rag_settings_in_force,
    validate_rag_settings,
)
from domain.contact.remote import RemoteRecordRequirement, remote_contact_requirements
from domain.intervals import Interval, Unit

__all__ = [
    "ALL_MODES",
    "AT_HOME",
    "COVID_REASONS",
    "COVID_REASON_LABELS",
    "DEFAULT_PRACTICE_STANDARDS",
    "DEFAULT_RAG_SETTINGS",
    "FACE_TO_FACE",
    "MODE_LABELS",
    "RATINGS",
    "REMOTE",
    "STATUSES",
    "STATUS_LABELS",
    "Cadence",
    "ChildContactFacts",
    "ContactEvent",
    "ContactPlan",
    "CovidAdvice",
    "DepartureKind",
    "DepartureNeeded",
    "DueState",
    "Interval",
    "Mode",
    "PlanAssessment",
    "PlanProposal",
    "PracticeStandard",
    "RagSettings",
    "Rating",
    "RemoteRecordRequirement",
    "StatutoryMinimum",
    "Unit",
    "assess_plan",
    "counts_for_minimum",
    "covid_visit_advice",
    "la_standard",
    "next_due",
    "plan_problems",
    "propose_plan",
    "remote_contact_requirements",
    "risk_rank",
    "rag_settings_in_force",
    "statutory_due",
    "statutory_minimum",
    "statutory_minimums",
    "validate_rag_settings",
]
