"""Bring the register (legal statuses, placements) into line with the children's return records.

The rules are in domain.census.register; this applies them set-wise and changes only what differs, so
importing the same file twice changes nothing. Statuses of kinds the returns do not decide (early help,
EHC plan, alternative provision, ...) are never touched, nor are the kinds of a return the child has no
records in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from casework.children.models import Child, LegalStatus, Placement
from casework.contacts.due import refresh_due_states
from casework.returns.bulk import chunked, copy_insert, new
from casework.returns.models import ChildReturnDetails, CinEpisode, CpPlan, LacCareLeaver, LacEpisode
from domain.census.register import (
    ChildReturnFacts,
    CinEpisodeFacts,
    CpPlanFacts,
    Derived,
    LacEpisodeFacts,
    PlacementPeriod,
    Status,
    derive,
)

if TYPE_CHECKING:  # only in annotations: importing calls this module (no cycle at run time)
    from casework.returns.importing import ImportLog

CHUNK = 2000


def facts_for(child_ids: list[int]) -> dict[int, ChildReturnFacts]:
    """Every child's return records, as the domain rules read them."""
    births = dict(Child.objects.filter(pk__any_of=child_ids).values_list("pk", "date_of_birth"))
    cin: dict[int, list[CinEpisodeFacts]] = defaultdict(list)
    for row in CinEpisode.objects.filter(child_id__any_of=child_ids).values_list(
        "child_id", "referral_date", "closure_date", "referral_nfa", "closure_reason"
    ):
        cin[row[0]].append(CinEpisodeFacts(*row[1:]))
    cp: dict[int, list[CpPlanFacts]] = defaultdict(list)
    for plan in CpPlan.objects.filter(episode__child_id__any_of=child_ids).values_list(
        "episode__child_id", "start_date", "end_date", "initial_category", "latest_category"
    ):
        cp[plan[0]].append(CpPlanFacts(*plan[1:]))
    lac: dict[int, list[LacEpisodeFacts]] = defaultdict(list)
    for episode in LacEpisode.objects.filter(child_id__any_of=child_ids).values_list(
        "child_id", "decom", "dec", "rne", "legal_status", "place", "place_provider", "pl_post", "rec"
    ):
        lac[episode[0]].append(LacEpisodeFacts(*episode[1:]))
    details = {
        row[0]: row[1:]
        for row in ChildReturnDetails.objects.filter(child_id__any_of=child_ids).values_list(
            "child_id", "uasc", "uasc_ceased"
        )
    }
    leavers = set(LacCareLeaver.objects.filter(child_id__any_of=child_ids).values_list("child_id", flat=True))
    facts = {}
    for child_id in child_ids:
        uasc, ceased = details.get(child_id, (False, None))
        facts[child_id] = ChildReturnFacts(
            date_of_birth=births.get(child_id),
            cin_episodes=cin.get(child_id, []),
            cp_plans=cp.get(child_id, []),
            lac_episodes=lac.get(child_id, []),
            uasc=uasc,
            uasc_ceased=ceased,
            has_care_leaver_outcomes=child_id in leavers,
            has_cin_records=child_id in cin,
            has_903_records=child_id in lac or child_id in leavers,
        )
    return facts


def _status_key(row: LegalStatus) -> tuple[str, date, date | None, str, str]:
    return (row.kind, row.starts_on, row.ends_on, row.cp_category, row.lac_legal_status)


def _placement_key(row: Placement) -> PlacementPeriod:
    return PlacementPeriod(row.starts_on, row.ends_on, row.placement_type, row.provider, row.postcode)


def sync_register(
    *, la_id: int, child_ids: Iterable[int], log: ImportLog | None, today: date
) -> dict[str, int]:
    """Make the register's statuses and placements of these children what their return records imply."""
    counts = {"statuses_added": 0, "statuses_removed": 0, "placements_added": 0, "placements_removed": 0}
    ids = sorted(set(child_ids))
    for batch in chunked(ids, CHUNK):
        facts = facts_for(batch)
        derived = {child_id: derive(child_facts) for child_id, child_facts in facts.items()}
        statuses: dict[int, list[LegalStatus]] = defaultdict(list)
        for row in LegalStatus.objects.filter(child_id__any_of=batch):
            statuses[row.child_id].append(row)
        placements: dict[int, list[Placement]] = defaultdict(list)
        for placement in Placement.objects.filter(child_id__any_of=batch):
            placements[placement.child_id].append(placement)
        remove_statuses: list[int] = []
        add_statuses: list[LegalStatus] = []
        remove_placements: list[int] = []
        add_placements: list[Placement] = []
        for child_id, result in derived.items():
            _diff_statuses(la_id, child_id, result, statuses[child_id], remove_statuses, add_statuses)
            if result.placements_decided:
                _diff_placements(
                    la_id, child_id, result, placements[child_id], remove_placements, add_placements
                )
            if log is not None:
                for warning in result.warnings:
                    log.note(f"child {child_id}", warning)
        # Removals first, so the exclusion constraints see no overlap with what replaces them.
        LegalStatus.objects.filter(pk__in=remove_statuses).delete()
        Placement.objects.filter(pk__in=remove_placements).delete()
        copy_insert(add_statuses)
        copy_insert(add_placements)
        counts["statuses_added"] += len(add_statuses)
        counts["statuses_removed"] += len(remove_statuses)
        counts["placements_added"] += len(add_placements)
        counts["placements_removed"] += len(remove_placements)
    if ids:
        refresh_due_states(la_id=la_id, today=today, child_ids=ids)
    if log is not None:
        for name, value in counts.items():
            if value:
                log.counts[f"register {name.replace('_', ' ')}"] += value
    return counts


def _diff_statuses(
    la_id: int,
    child_id: int,
    result: Derived,
    existing: list[LegalStatus],
    remove: list[int],
    add: list[LegalStatus],
) -> None:
    wanted: dict[tuple[str, date, date | None, str, str], Status] = {
        status.key: status for status in result.statuses
    }
    for row in existing:
        if row.kind not in result.kinds:
            continue
        key = _status_key(row)
        if key in wanted:
            del wanted[key]
        else:
            remove.append(row.pk)
    for status in wanted.values():
        add.append(
            new(
                LegalStatus,
                la_id=la_id,
                child_id=child_id,
                kind=status.kind,
                starts_on=status.starts,
                ends_on=status.ends,
                cp_category=status.cp_category,
                lac_legal_status=status.lac_legal_status,
                end_reason=status.end_reason[:120],
                note="From the DfE return records",
            )
        )


def _diff_placements(
    la_id: int,
    child_id: int,
    result: Derived,
    existing: list[Placement],
    remove: list[int],
    add: list[Placement],
) -> None:
    wanted = {placement: True for placement in result.placements}
    for row in existing:
        key = _placement_key(row)
        if key in wanted:
            del wanted[key]
        else:
            remove.append(row.pk)
    for placement in wanted:
        add.append(
            new(
                Placement,
                la_id=la_id,
                child_id=child_id,
                starts_on=placement.starts,
                ends_on=placement.ends,
                placement_type=placement.placement_type[:3],
                provider=placement.provider[:3],
                postcode=placement.postcode[:10],
            )
        )
