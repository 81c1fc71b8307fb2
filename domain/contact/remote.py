"""What must be recorded when a contact is remote where face to face was wanted.

Under SI 2020/909 (25 September 2020 to 31 March 2021) and the 2021 regulations (to 30 September 2021),
a looked-after child's statutory visit "may be conducted by telephone, video-link or other electronic
means" only where visiting in person "would be contrary to any guidance relating to the incidence or
transmission of coronavirus published by Public Health England or the Secretary of State for Health and
Social Care" or "is not reasonably practicable for a reason relating to the incidence or transmission of
coronavirus"; it must follow the nominated officer's recommendations; and "the responsible authority
must keep a record of any visit carried out in accordance with paragraph (1A)".

Source: SI 2020/909 reg 4(2), inserting CPPCR 2010 reg 28(1A)-(1E).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.contact.enums import COVID_REASONS, FACE_TO_FACE, Mode
from domain.contact.minimums import LAC_VISIT, REGIME_GOVERNED
from domain.regimes import Effect, RulesInForce

FACE_TO_FACE_SOURCE = "DfE guidance for local authorities on children's social care, 3 April 2020"


@dataclass(frozen=True)
class RemoteRecordRequirement:
    """What the contact record needs.

    `lawful_reasons`: the reasons that make a remote statutory visit lawful (empty where any reason will
    do, or where none can). `departure`: the remote contact is a departure from a statutory requirement
    whatever is recorded (normal rules: the visit must be in person); `is_departure(reason)` also counts
    a missing or unlawful reason under SI 2020/909.
    """

    remote: bool
    reason_required: bool
    lawful_reasons: tuple[str, ...]
    nominated_officer_recommendation_required: bool
    record_required: bool
    departure: bool
    statutory: bool
    source: str
    message: str

    def is_departure(self, reason: str | None) -> bool:
        """Whether the contact, with `reason` recorded, is a departure under the regime in force."""
        if self.departure:
            return True
        return bool(self.lawful_reasons) and reason not in self.lawful_reasons


def remote_contact_requirements(
    *, planned_face_to_face: bool, mode: Mode, rules: RulesInForce, requirement: str | None = LAC_VISIT
) -> RemoteRecordRequirement:
    """What must be recorded for a contact made by `mode` on `rules.day`.

    `requirement`: the statutory visit the contact stands for ("lac.visit", "lac.short_break_visit"), or
    None for a contact only under the LA's plan (child protection, child in need: no national rule).
    """
    if Mode(mode) in FACE_TO_FACE:
        return RemoteRecordRequirement(
            False, False, (), False, False, False, False, "", "Face-to-face contact: no remote record needed."
        )
    if requirement not in REGIME_GOVERNED:
        return RemoteRecordRequirement(
            remote=True,
            reason_required=planned_face_to_face,
            lawful_reasons=(),
            nominated_officer_recommendation_required=False,
            record_required=planned_face_to_face,
            departure=False,
            statutory=False,
            source=FACE_TO_FACE_SOURCE,
            message=(
                "The plan wanted face-to-face contact: record why it was remote (for example, in person "
                "would be contrary to public health guidance, or not reasonably practicable because of "
                "coronavirus)."
                if planned_face_to_face
                else "Remote contact is in the plan."
            ),
        )
    relaxation = rules.mode_relaxation(requirement)
    if relaxation is None:
        return RemoteRecordRequirement(
            remote=True,
            reason_required=True,
            lawful_reasons=(),
            nominated_officer_recommendation_required=False,
            record_required=True,
            departure=True,
            statutory=True,
            source="CPPCR 2010 reg 28(1): the visit is made wherever the child is living",
            message=(
                f"Under {rules.regime.name} a statutory visit must be in person: a remote contact does not "
                "count as the visit and is a departure to record, with the reason and a manager's approval."
            ),
        )
    if relaxation.effect is Effect.REMOTE_IF_COVID_CONDITION:
        return RemoteRecordRequirement(
            remote=True,
            reason_required=True,
            lawful_reasons=COVID_REASONS,
            nominated_officer_recommendation_required=True,
            record_required=True,
            departure=False,
            statutory=True,
            source=relaxation.source,
            message=(
                "A remote visit counts only where visiting in person would be contrary to public health "
                "guidance, or is not reasonably practicable for a reason relating to coronavirus. Record "
                "which, and the nominated officer's recommendations followed."
            ),
        )
    return RemoteRecordRequirement(
        remote=True,
        reason_required=planned_face_to_face,
        lawful_reasons=(),
        nominated_officer_recommendation_required=False,
        record_required=planned_face_to_face,
        departure=False,
        statutory=True,
        source=relaxation.source,
        message=(
            f"Under {rules.regime.name} the visit may be by phone or video."
            + (" The plan wanted face to face: record why." if planned_face_to_face else "")
        ),
    )
