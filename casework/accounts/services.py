"""Writes to staff records: availability over time."""

from __future__ import annotations

from datetime import date

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from casework.accounts.models import StaffAbsence, User
from casework.audit.services import audit_record
from casework.core import access
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
    if user.la_id != actor.la_id or not access.can_manage_staff(actor, user.team):
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
        la_id=access.la_id_of(user),
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
    if absence.la_id != actor.la_id or not access.can_manage_staff(actor, absence.user.team):
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
