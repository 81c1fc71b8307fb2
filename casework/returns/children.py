"""Children named in a return: found by the LA's child ID (one child across both returns), or created.

Set-wise for a batch: one query finds the existing children, one insert creates the new ones, one update
changes those whose identity differs. A value a return does not carry (None) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casework.children.models import Child
from casework.returns.bulk import copy_insert, new
from casework.returns.columns import DETAIL_FIELDS, RETURN_CHILD_FIELDS
from casework.returns.importing import ImportLog
from casework.returns.models import ChildReturnDetails

# CIN census Sex / SSDA903 SEX (2024-25 onwards: M, F, U) and the earlier GenderCurrent / SEX codes.
SEX_TO_GENDER = {"M": "1", "F": "2", "U": "9", "1": "1", "2": "2", "9": "9", "0": "0"}
GENDER_TO_SEX = {"1": "M", "2": "F", "9": "U", "0": "U"}

CHILD_FIELDS = RETURN_CHILD_FIELDS  # the single source is casework.returns.columns
__all__ = ["CHILD_FIELDS", "DETAIL_FIELDS"]
LABELS = {
    "upn": "UPN",
    "former_upn": "former UPN",
    "date_of_birth": "date of birth",
    "expected_date_of_birth": "expected date of birth",
    "gender": "sex",
    "ethnicity": "ethnicity",
    "disabilities": "disabilities",
    "date_of_death": "date of death",
    "upn_unknown": "UPN unknown reason",
    "mother": "mother",
    "mother_child_dob": "date of birth of her first child",
    "uasc": "unaccompanied asylum-seeking",
    "uasc_ceased": "date UASC status ceased",
}


@dataclass
class Identity:
    """Who a child is, as one return states it. `child` holds Child fields, `details` ChildReturnDetails."""

    la_child_id: str
    location: str
    child: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    file_name: str = ""


@dataclass
class Upserted:
    child_id: int
    created: bool
    changed: list[str]


def gender_for(sex: str, *, unborn: bool) -> str:
    gender = SEX_TO_GENDER[sex]
    return "0" if unborn and gender == "9" else gender


def upsert_children(
    la_id: int, identities: list[Identity], import_log: ImportLog, *, actor_id: int | None
) -> dict[str, Upserted]:
    """Find or create each child; returns what happened by LA child ID (rejected children are absent)."""
    ids = [identity.la_child_id for identity in identities]
    existing = {
        child.la_child_id: child for child in Child.objects.filter(la_id=la_id, la_child_id__any_of=ids)
    }
    details = {
        row.child_id: row
        for row in ChildReturnDetails.objects.filter(child_id__any_of=[c.pk for c in existing.values()])
    }
    result: dict[str, Upserted] = {}
    new_children: list[tuple[Identity, Child]] = []
    changed_children: list[Child] = []
    changed_fields: set[str] = set()
    for identity in identities:
        child = existing.get(identity.la_child_id)
        if child is None:
            values = {name: value for name, value in identity.child.items() if value is not None}
            if not values.get("date_of_birth") and not values.get("expected_date_of_birth"):
                import_log.reject(
                    identity.location,
                    f"Child {identity.la_child_id} has no date of birth or expected date of birth, so "
                    "cannot be added to the register",
                    fix="Give the child's date of birth (or expected date of birth if unborn).",
                    la_child_id=identity.la_child_id,
                    field="date of birth",
                    file_name=identity.file_name,
                )
                import_log.outcome(identity.la_child_id, "rejected", detail="No date of birth")
                continue
            values.setdefault("gender", "0" if not values.get("date_of_birth") else "9")
            new_children.append(
                (
                    identity,
                    new(
                        Child, la_id=la_id, la_child_id=identity.la_child_id, created_by_id=actor_id, **values
                    ),
                )
            )
            continue
        changes = []
        for name, value in identity.child.items():
            if value is not None and getattr(child, name) != value:
                if name in {"date_of_birth", "expected_date_of_birth"} and not value:
                    continue
                setattr(child, name, value)
                changes.append(name)
        if child.date_of_birth is None and child.expected_date_of_birth is None:
            import_log.reject(
                identity.location,
                f"Child {identity.la_child_id} would be left with no date of birth",
                fix="Give the child's date of birth.",
                la_child_id=identity.la_child_id,
                file_name=identity.file_name,
            )
            continue
        if changes:
            child.updated_by_id = actor_id
            changed_children.append(child)
            changed_fields.update(changes)
        result[identity.la_child_id] = Upserted(child.pk, False, changes)
    if new_children:
        created = copy_insert([child for _, child in new_children])
        for (identity, _), child in zip(new_children, created, strict=True):
            result[identity.la_child_id] = Upserted(child.pk, True, [])
    if changed_children:
        Child.objects.bulk_update(changed_children, [*sorted(changed_fields), "updated_by"], batch_size=2000)
    _upsert_details(la_id, identities, result, details, actor_id)
    return result


def _upsert_details(
    la_id: int,
    identities: list[Identity],
    result: dict[str, Upserted],
    existing: dict[int, ChildReturnDetails],
    actor_id: int | None,
) -> None:
    new_rows: list[ChildReturnDetails] = []
    changed_rows: list[ChildReturnDetails] = []
    changed_fields: set[str] = set()
    for identity in identities:
        upserted = result.get(identity.la_child_id)
        given = {name: value for name, value in identity.details.items() if value is not None}
        if upserted is None or not given:
            continue
        row = existing.get(upserted.child_id)
        if row is None:
            new_rows.append(
                new(
                    ChildReturnDetails,
                    la_id=la_id,
                    child_id=upserted.child_id,
                    created_by_id=actor_id,
                    **given,
                )
            )
            if not upserted.created:
                upserted.changed += list(given)
            continue
        for name, value in given.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed_fields.add(name)
                upserted.changed.append(name)
                if row not in changed_rows:
                    changed_rows.append(row)
    if new_rows:
        copy_insert(new_rows)
    if changed_rows:
        for row in changed_rows:
            row.updated_by_id = actor_id
        ChildReturnDetails.objects.bulk_update(
            changed_rows, [*sorted(changed_fields), "updated_by"], batch_size=2000
        )


def describe_changes(changed: list[str]) -> str:
    return (
        "Changed: " + ", ".join(dict.fromkeys(LABELS.get(name, name) for name in changed)) if changed else ""
    )


def as_date(value: Any) -> date | None:
    return value if isinstance(value, date) else None
