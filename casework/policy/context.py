"""From records to domain facts: what the contact and risk rules need about a child, and which rules
and settings were in force on a day. The only place models are turned into domain values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from casework.children.models import Child, LegalStatus, Placement
from casework.policy.models import EmergencyDeclaration, RagSettingsVersion
from casework.policy.rag_codec import rag_settings_from_json
from domain.calendar import WorkingCalendar
from domain.contact import ChildContactFacts, RagSettings, rag_settings_in_force
from domain.regimes import LocalEmergency, RulesInForce, rules_in_force

# Placement types intended to last until the child is 18: long-term fostering (SSDA903 U1, U4).
LONG_TERM_PLACEMENTS = frozenset({"U1", "U4"})


@lru_cache(maxsize=1)
def calendar() -> WorkingCalendar:
    return WorkingCalendar.england(2010, 2040)


def local_emergencies(la_id: int) -> list[LocalEmergency]:
    return [
        LocalEmergency(
            id=str(d.pk),
            name=d.name,
            starts_on=d.starts_on,
            ends_on=d.ends_on,
            rating_target_date=d.rating_target_date,
        )
        for d in EmergencyDeclaration.objects.filter(la_id=la_id).order_by("starts_on")
    ]


def rules_for(la_id: int, day: date, emergencies: Sequence[LocalEmergency] | None = None) -> RulesInForce:
    return rules_in_force(
        day, local_emergencies=local_emergencies(la_id) if emergencies is None else emergencies
    )


def settings_history(la_id: int) -> list[RagSettings]:
    return [
        rag_settings_from_json(v.settings, effective_from=v.effective_from, label=v.label)
        for v in RagSettingsVersion.objects.filter(la_id=la_id).order_by("effective_from", "pk")
    ]


def rag_settings_for(la_id: int, day: date) -> RagSettings:
    return rag_settings_in_force(day, settings_history(la_id))


@dataclass(frozen=True)
class ChildSituation:
    statuses: frozenset[str]
    facts: ChildContactFacts


def open_statuses(statuses: Iterable[LegalStatus], day: date) -> list[LegalStatus]:
    return [s for s in statuses if s.starts_on <= day and (s.ends_on is None or s.ends_on >= day)]


def situation_from(
    child: Child, statuses: Iterable[LegalStatus], placements: Iterable[Placement], day: date
) -> ChildSituation:
    """The child's open statuses and contact facts on `day`, from rows already loaded."""
    current = open_statuses(statuses, day)
    started: dict[str, date] = {}
    for status in current:
        started[status.kind] = min(status.starts_on, started.get(status.kind, status.starts_on))
    placement = next(
        (
            p
            for p in sorted(placements, key=lambda p: p.starts_on, reverse=True)
            if p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)
        ),
        None,
    )
    lac = [s for s in current if s.kind == "lac"]
    facts = ChildContactFacts(
        date_of_birth=child.date_of_birth,
        status_started_on=started,
        looked_after_since=min((s.starts_on for s in lac), default=None),
        placement_started_on=placement.starts_on if placement else None,
        placement_intended_until_18=bool(placement and placement.placement_type in LONG_TERM_PLACEMENTS),
        interim_care_order_living_with_parent=bool(
            placement and placement.placement_type == "P1" and any(s.lac_legal_status == "C1" for s in lac)
        ),
        care_order_living_with_parent_since=(
            placement.starts_on
            if placement and placement.placement_type == "P1" and any(s.lac_legal_status == "C2" for s in lac)
            else None
        ),
    )
    return ChildSituation(statuses=frozenset(started), facts=facts)


def situation_for(child: Child, day: date) -> ChildSituation:
    return situation_from(
        child, LegalStatus.objects.filter(child=child), Placement.objects.filter(child=child), day
    )
