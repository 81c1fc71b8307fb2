"""The catalogue of risk factors a practitioner records when rating a case.

Weights and red flags are Continuity's assumption (no national scheme exists: DOMAIN.md section 7); the
factors themselves come from the DfE guidance of 3 April 2020 ("reduced protective factors available to
children and families and the increased stressors as a result of coronavirus"), the CIN census
assessment factors (codes in `census_codes`), and the examples of high risk LAs used in 2020.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

DFE_2020 = "DfE guidance for local authorities on children's social care, 3 April 2020"
CIN_FACTORS = "CIN census assessment factors"
LA_PRACTICE_2020 = "LA risk-rating practice 2020 (DOMAIN.md section 7): UNCONFIRMED weighting"


@dataclass(frozen=True)
class Factor:
    """A recorded risk factor. `weight` adds to the score; a `red_flag` alone suggests red."""

    code: str
    label: str
    weight: int
    red_flag: bool
    source: str
    census_codes: tuple[str, ...] = ()


FACTORS: tuple[Factor, ...] = (
    Factor(
        "domestic_abuse",
        "Domestic abuse in the household",
        3,
        False,
        f"{CIN_FACTORS}; {DFE_2020}",
        ("3A", "3B", "3C"),
    ),
    Factor(
        "parental_mental_health", "Parent or carer's mental health", 2, False, CIN_FACTORS, ("4A", "4B", "4C")
    ),
    Factor(
        "parental_substance_misuse",
        "Parent or carer's alcohol or drug misuse",
        2,
        False,
        CIN_FACTORS,
        ("1A", "1B", "1C", "2A", "2B", "2C"),
    ),
    Factor("under_1", "Child under 1 (or unborn)", 3, False, LA_PRACTICE_2020),
    Factor(
        "under_5_not_seen",
        "Child under 5 not seen by universal services (nursery, health visitor)",
        3,
        False,
        f"{DFE_2020} (reduced protective factors)",
    ),
    Factor("disability", "Child's disability", 2, False, CIN_FACTORS, ("6A", "6B", "6C")),
    Factor(
        "not_attending_education", "Not attending school or education", 2, False, f"{DFE_2020} (education)"
    ),
    Factor("overcrowding", "Overcrowded housing", 1, False, f"{DFE_2020} (increased stressors)"),
    Factor(
        "household_covid",
        "Someone in the household symptomatic, confirmed or isolating",
        1,
        False,
        DFE_2020,
    ),
    Factor("refused_access", "Access to the child refused before", 3, False, f"{DFE_2020} (refused entry)"),
    Factor("no_digital_access", "Family cannot make video calls", 1, False, LA_PRACTICE_2020),
    Factor("missing", "Child goes missing", 3, False, CIN_FACTORS, ("10A",)),
    Factor("exploitation", "Child sexual or criminal exploitation", 4, True, CIN_FACTORS, ("11A", "24A")),
    Factor("cp_plan", "Child protection plan", 3, False, LA_PRACTICE_2020),
    Factor(
        "recent_s47", "Section 47 enquiry or new referral in the last 3 months", 3, True, LA_PRACTICE_2020
    ),
    Factor(
        "at_home_under_care_order",
        "At home under an interim care order or care order",
        3,
        True,
        LA_PRACTICE_2020,
    ),
    Factor("placement_at_risk", "Placement at risk of breaking down", 3, True, LA_PRACTICE_2020),
    Factor(
        "care_leaver_unstable_accommodation",
        "Care leaver without stable accommodation",
        3,
        True,
        LA_PRACTICE_2020,
    ),
)

FACTORS_BY_CODE: Mapping[str, Factor] = MappingProxyType({f.code: f for f in FACTORS})
