"""Writes to staff records: availability over time."""

from __future__ import annotations

from datetime import date
from typing import Any

import pghistory
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from casework.accounts.models import StaffAbsence, User
from casework.audit.services import audit_record, diff
from casework.core import permissions
from domain.people import rules

ABSENCE_OVERLAP = "{name} is already recorded as {status} from {start} to {end}: change that period first"


@transaction.atomic
def absence_record(
    *,
    actor: User,
    user: User,
    status: str,
    starts_on: date,
    today: date,
    ends_on: date | None = None,
    can_work_from_home: bool = False,
    note: str = "",
) -> StaffAbsence:
    """Record that a member of staff is off (sick, isolating, shielding, caring, on leave)."""
    if user.la_id != actor.la_id or not permissions.can_manage_staff(actor, user.team):
        raise PermissionDenied("You cannot record availability for this member of staff.")
    errors: dict[str, str] = {}
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = rules.END_BEFORE_START
    if not errors:
        User.objects.select_for_update().filter(pk=user.pk).first()
        existing = StaffAbsence.objects.filter(user=user)
        clash = next(
            (
                a
                for a in existing
                if rules.Period(a.starts_on, a.ends_on).overlaps(rules.Period(starts_on, ends_on))
            ),
            None,
        )
        if clash:
            errors["starts_on"] = ABSENCE_OVERLAP.format(
                name=user,
                status=clash.get_status_display().lower(),
                start=f"{clash.starts_on:%-d %B %Y}",
                end=f"{clash.ends_on:%-d %B %Y}" if clash.ends_on else "an unknown date",
            )
    if errors:
        raise ValidationError(errors)
    absence = StaffAbsence(
        la_id=permissions.la_id_of(user),
        user=user,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        can_work_from_home=can_work_from_home,
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    with pghistory.context(user=actor.pk, reason=note):
        try:
            with transaction.atomic():
                absence.save()
        except IntegrityError as err:
            raise ValidationError({"starts_on": "This overlaps another recorded absence"}) from err
    audit_record(
        actor=actor,
        la_id=absence.la_id,
        action="staff.absence_recorded",
        target=absence,
        summary=f"{user}: {absence.get_status_display()} from {starts_on:%d/%m/%Y}",
        reason=note,
    )
    return absence


@transaction.atomic
def absence_end(*, actor: User, absence: StaffAbsence, ends_on: date, note: str = "") -> StaffAbsence:
    """Record the day a member of staff's absence ended (their last day off)."""
    if absence.la_id != actor.la_id or not permissions.can_manage_staff(actor, absence.user.team):
        raise PermissionDenied("You cannot record availability for this member of staff.")
    locked = StaffAbsence.objects.select_for_update().get(pk=absence.pk)
    if ends_on < locked.starts_on:
        raise ValidationError({"ends_on": rules.END_BEFORE_START})
    with pghistory.context(user=actor.pk, reason=note):
        locked.ends_on = ends_on
        locked.updated_by = actor
        locked.save(update_fields=["ends_on", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="staff.absence_ended",
        target=locked,
        summary=f"{locked.user}: back after {ends_on:%d/%m/%Y}",
        reason=note,
    )
    return locked


STAFF_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "job_title",
    "role",
    "team",
    "line_manager",
    "caseload_capacity",
    "phone",
    "is_active",
)


def can_administer_staff(actor: User) -> bool:
    """Heads of service and system administrators keep staff records (team, role, manager, capacity)."""
    return permissions.can_change_staff_records(actor)


def _check_staff_links(actor: User, data: dict[str, Any], staff: User | None = None) -> None:
    errors: dict[str, str] = {}
    for key in ("team", "line_manager"):
        linked = data.get(key)
        if linked is not None and linked.la_id != actor.la_id:
            raise PermissionDenied("That record belongs to another local authority.")
    manager = data.get("line_manager")
    if staff is not None and manager is not None and manager.pk == staff.pk:
        errors["line_manager"] = "A member of staff cannot be their own manager"
    if staff is not None and staff.pk == actor.pk and data.get("is_active") is False:
        errors["is_active"] = "You cannot deactivate your own account"
    if staff is not None and staff.pk == actor.pk and data.get("role", actor.role) != actor.role:
        errors["role"] = "Ask another administrator to change your own role"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def staff_create(*, actor: User, username: str, password: str, reason: str = "", **data: Any) -> User:
    if not can_administer_staff(actor):
        raise PermissionDenied("Only heads of service and system administrators add staff.")
    _check_staff_links(actor, data)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken: choose another"})
    staff = User(username=username, la_id=permissions.la_id_of(actor), **data)
    try:
        validate_password(password, user=staff)
    except ValidationError as err:
        raise ValidationError({"password": err.messages}) from err
    staff.set_password(password)
    staff.full_clean(exclude=["password", "la"])
    with pghistory.context(user=actor.pk, reason=reason or "Account created"):
        staff.save()
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.created",
        target=staff,
        summary=f"Added {staff} ({staff.get_role_display()})",
        reason=reason,
    )
    return staff


@transaction.atomic
def staff_update(
    *, actor: User, staff: User, seen_version: str | None = None, reason: str = "", **data: Any
) -> User:
    """Change a member of staff's team, role, manager, capacity or status."""
    if not can_administer_staff(actor) or staff.la_id != actor.la_id:
        raise PermissionDenied("You cannot change this member of staff's record.")
    _check_staff_links(actor, data, staff)
    locked = User.objects.select_for_update().get(pk=staff.pk)
    if seen_version is not None and _staff_version(locked) != seen_version:
        raise ValidationError(
            "Someone else changed this staff record while you were editing it. Your changes have not been "
            "saved: check the record as it is now, then make your changes again.",
            code="stale",
        )
    before = {key: getattr(locked, key) for key in data}
    for key, value in data.items():
        setattr(locked, key, value)
    locked.full_clean(exclude=["password", "la"])
    changes = diff(before, data)
    if not changes:
        return locked
    with pghistory.context(user=actor.pk, reason=reason):
        locked.save(update_fields=list(data))
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.updated",
        target=locked,
        summary=f"{locked}: changed {', '.join(sorted(changes))}",
        reason=reason,
        changes=changes,
    )
    return locked


def _staff_version(staff: User) -> str:
    """A fingerprint of the editable fields (users have no updated_at), for stale-edit detection."""
    return "|".join(str(getattr(staff, f"{name}_id", getattr(staff, name))) for name in STAFF_FIELDS)


staff_version = _staff_version
