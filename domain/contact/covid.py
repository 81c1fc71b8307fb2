"""COVID-19 checks before a face-to-face visit.

"Where social workers and other staff are undertaking home visits, PPE is not required unless the
people being visited are symptomatic of coronavirus (COVID-19) or have a confirmed diagnosis of
coronavirus (COVID-19)." Where face-to-face work is necessary, practitioners "should take account of
Public Health England (PHE) advice on social distancing".

Source: DfE, Coronavirus (COVID-19): guidance for local authorities on children's social care,
3 April 2020 ("Children's social care"); screening calls and replanning isolating households to virtual
contact follow reported LA procedures (Wokingham, Achieving for Children, 2020: DOMAIN.md section 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.contact.enums import CONFIRMED, ISOLATING, SHIELDING, SYMPTOMATIC, Rating

SOURCE = "DfE guidance for local authorities on children's social care, 3 April 2020; LA procedures (2020)"
SOCIAL_DISTANCING = "Follow Public Health England advice on social distancing during the visit."
NOT_KNOWN = (
    "No COVID-19 status is recorded for this household, so it is not known whether PPE is needed: ask when "
    "you phone ahead, and use PPE in line with PHE guidance if anyone is symptomatic or a confirmed case."
)
SCREENING = "Phone ahead to ask whether anyone in the household has symptoms or is isolating or shielding."


@dataclass(frozen=True)
class CovidAdvice:
    ppe_required: bool
    replan_suggested: bool
    screening_call: bool
    message: str
    source: str = SOURCE
    # False where no status is recorded: whether anyone has symptoms is then not known.
    status_known: bool = True


def covid_visit_advice(household_statuses: Iterable[str], *, rating: Rating) -> CovidAdvice:
    """PPE only where someone in the household is symptomatic or confirmed; an isolating, shielding,
    symptomatic or confirmed household is suggested for virtual contact unless the case is red (then the
    visit goes ahead with the precautions); a screening call and social distancing always.
    """
    statuses = set(household_statuses)
    unknown = statuses - {SYMPTOMATIC, CONFIRMED, ISOLATING, SHIELDING}
    if unknown:
        raise ValueError(f"Unknown household COVID status: {', '.join(sorted(unknown))}")
    ppe = bool(statuses & {SYMPTOMATIC, CONFIRMED})
    replan = bool(statuses) and rating is not Rating.RED
    lines = [SCREENING]
    if ppe:
        lines.append(
            "Someone in the household is symptomatic or confirmed: use PPE in line with PHE guidance."
        )
    elif not statuses:
        lines.append(NOT_KNOWN)
    else:
        lines.append("No one in the household is symptomatic or confirmed: PPE is not required.")
    if SHIELDING in statuses:
        lines.append(
            "Someone in the household is shielding: keep contact brief and distanced, outdoors if possible."
        )
    if replan:
        lines.append(
            "Because of the household's COVID-19 status, consider replanning this contact as virtual."
        )
    elif statuses:
        lines.append("Red case: the visit goes ahead with these precautions.")
    lines.append(SOCIAL_DISTANCING)
    return CovidAdvice(
        ppe_required=ppe,
        replan_suggested=replan,
        screening_call=True,
        message=" ".join(lines),
        status_known=bool(statuses),
    )
