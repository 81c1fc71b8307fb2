"""The vocabulary of contact planning: ratings, contact modes, legal statuses, household COVID status."""

from __future__ import annotations

from enum import StrEnum


class Rating(StrEnum):
    """An open case's risk rating. The system suggests; the social worker rates; a manager signs off."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


# Highest risk first.
RATINGS = (Rating.RED, Rating.AMBER, Rating.GREEN)
RATING_LABELS = {Rating.RED: "Red", Rating.AMBER: "Amber", Rating.GREEN: "Green"}


def risk_rank(rating: Rating) -> int:
    """0 for red, 1 for amber, 2 for green: sorts highest risk first."""
    return RATINGS.index(rating)


class Mode(StrEnum):
    """How a contact was made."""

    HOME = "home"
    DOORSTEP = "doorstep"  # on the doorstep or in the garden
    ELSEWHERE = "elsewhere"  # face to face away from home (school, park, office)
    VIDEO = "video"
    PHONE = "phone"


FACE_TO_FACE = frozenset({Mode.HOME, Mode.DOORSTEP, Mode.ELSEWHERE})
REMOTE = frozenset({Mode.VIDEO, Mode.PHONE})
ALL_MODES = FACE_TO_FACE | REMOTE
# Where the child lives: a looked-after child's statutory visit is made "wherever C is living"
# (CPPCR 2010 reg 28(1)), so a meeting elsewhere is contact but not the statutory visit.
AT_HOME = frozenset({Mode.HOME, Mode.DOORSTEP})

MODE_LABELS = {
    Mode.HOME: "in the home",
    Mode.DOORSTEP: "on the doorstep or in the garden",
    Mode.ELSEWHERE: "face to face elsewhere",
    Mode.VIDEO: "by video",
    Mode.PHONE: "by phone",
}
MODE_ORDER = (Mode.HOME, Mode.DOORSTEP, Mode.ELSEWHERE, Mode.VIDEO, Mode.PHONE)


# Short forms for lists in plans and messages.
MODE_SHORT_LABELS = {
    Mode.HOME: "home visit",
    Mode.DOORSTEP: "doorstep/garden",
    Mode.ELSEWHERE: "face to face elsewhere",
    Mode.VIDEO: "video",
    Mode.PHONE: "phone",
}


def describe_modes(modes: frozenset[Mode]) -> str:
    """The modes as a short list in a fixed order: "home visit, doorstep/garden, video"."""
    return ", ".join(MODE_SHORT_LABELS[mode] for mode in MODE_ORDER if mode in modes) or "no mode"


# Legal statuses: the plain strings the app stores (casework.children.models.LegalStatusKind).
EARLY_HELP = "early_help"
CIN = "cin"
CP = "cp"
LAC = "lac"
CARE_LEAVER = "care_leaver"
UASC = "uasc"
EHC_PLAN = "ehc_plan"
AP = "ap"
ADOPTED = "adopted"
SGO = "sgo"
STATUSES = (EARLY_HELP, CIN, CP, LAC, CARE_LEAVER, UASC, EHC_PLAN, AP, ADOPTED, SGO)
STATUS_LABELS = {
    EARLY_HELP: "early help",
    CIN: "child in need",
    CP: "child protection plan",
    LAC: "looked after",
    CARE_LEAVER: "care leaver",
    UASC: "unaccompanied asylum-seeking child",
    EHC_PLAN: "education, health and care plan",
    AP: "alternative provision",
    ADOPTED: "adopted",
    SGO: "special guardianship order",
}
# The RAG settings key for statuses without a cadence of their own.
OTHER = "other"

# Household COVID-19 status (casework.children.models.CovidStatus).
SYMPTOMATIC = "symptomatic"
CONFIRMED = "confirmed"
ISOLATING = "isolating"
SHIELDING = "shielding"
HOUSEHOLD_COVID_STATUSES = (SYMPTOMATIC, CONFIRMED, ISOLATING, SHIELDING)

# The lawful reasons for a remote visit where in person was required (SI 2020/909 reg 4, inserting
# CPPCR 2010 reg 28(1B)(a) and (b)).
CONTRARY_TO_PUBLIC_HEALTH_GUIDANCE = "contrary_to_public_health_guidance"
NOT_REASONABLY_PRACTICABLE_COVID = "not_reasonably_practicable_covid"
COVID_REASONS = (CONTRARY_TO_PUBLIC_HEALTH_GUIDANCE, NOT_REASONABLY_PRACTICABLE_COVID)
COVID_REASON_LABELS = {
    CONTRARY_TO_PUBLIC_HEALTH_GUIDANCE: (
        "Visiting in person would be contrary to Public Health England or DHSC coronavirus guidance"
    ),
    NOT_REASONABLY_PRACTICABLE_COVID: (
        "Visiting in person is not reasonably practicable for a reason relating to coronavirus"
    ),
}
