"""Writes to staff records: setting up an authority and its first administrator, staff accounts and
their sign-in (invitations, passwords, sessions, locks), and availability over time."""

from __future__ import annotations

from datetime import date
from typing import Any

import pghistory
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from casework.accounts import lockout, tokens
from casework.accounts.models import Role, StaffAbsence, User
from casework.audit.services import audit_record, diff
from casework.core import permissions
from casework.core.models import LocalAuthority
from domain import authorities
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
    if staff is not None and _removes_last_administrator(staff, data):
        errors["role" if "role" in data else "is_active"] = LAST_ADMINISTRATOR
    if errors:
        raise ValidationError(errors)


LAST_ADMINISTRATOR = (
    "This is the only active system administrator of the authority: make someone else an administrator first"
)


def _removes_last_administrator(staff: User, data: dict[str, Any]) -> bool:
    """Whether the change leaves the authority with no active system administrator (nobody could then
    add staff, unlock an account or read the audit)."""
    if not (staff.is_active and staff.role == Role.SYSTEM_ADMINISTRATOR):
        return False
    if data.get("role", staff.role) == Role.SYSTEM_ADMINISTRATOR and data.get("is_active", True):
        return False
    others = User.objects.select_for_update().filter(
        la_id=staff.la_id, role=Role.SYSTEM_ADMINISTRATOR, is_active=True
    )
    return not others.exclude(pk=staff.pk).exists()


def _invite_on_commit(staff: User, *, site_url: str, invited_by: str) -> None:
    """A fresh one-time link, e-mailed once the account is saved. A new unusable password first, so any
    earlier link for the account stops working (its token was made from the old password hash)."""
    staff.set_unusable_password()
    staff.save(update_fields=["password"])
    _send_on_commit(staff, site_url=site_url, invited_by=invited_by)


def _send_on_commit(staff: User, *, site_url: str, invited_by: str) -> None:
    transaction.on_commit(lambda: tokens.send_invitation(staff, site_url=site_url, invited_by=invited_by))


NO_EMAIL = "Enter an email address, so that the person can set their password"


@transaction.atomic
def staff_create(
    *,
    actor: User,
    username: str,
    password: str | None = None,
    site_url: str = "",
    reason: str = "",
    **data: Any,
) -> User:
    """Add a member of staff. Without a password they are e-mailed a one-time link to set their own
    (the administrator never knows it: OWASP ASVS 4.0 2.3.1)."""
    if not can_administer_staff(actor):
        raise PermissionDenied("Only heads of service and system administrators add staff.")
    _check_staff_links(actor, data)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken: choose another"})
    if password is None and not data.get("email"):
        raise ValidationError({"email": NO_EMAIL})
    staff = User(username=username, la_id=permissions.la_id_of(actor), **data)
    if password is not None:
        try:
            validate_password(password, user=staff)
        except ValidationError as err:
            raise ValidationError({"password": err.messages}) from err
        staff.set_password(password)
    else:
        staff.set_unusable_password()
    staff.full_clean(exclude=["password", "la"])
    with pghistory.context(user=actor.pk, reason=reason or "Account created"):
        staff.save()
    if password is None:
        _send_on_commit(staff, site_url=site_url, invited_by=str(actor))
    invited = f", invited by e-mail to {staff.email}" if password is None else ""
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.created",
        target=staff,
        summary=f"Added {staff} ({staff.get_role_display()}){invited}",
        reason=reason,
    )
    return staff


@transaction.atomic
def staff_invite(*, actor: User, staff: User, site_url: str, reason: str = "") -> User:
    """Send a member of staff a new one-time link to set their password (an earlier link stops working)."""
    if not can_administer_staff(actor) or staff.la_id != actor.la_id:
        raise PermissionDenied("You cannot invite this member of staff.")
    locked = User.objects.select_for_update().get(pk=staff.pk)
    if not locked.is_active:
        raise ValidationError("This account is not active: reactivate it first")
    if not locked.email:
        raise ValidationError({"email": NO_EMAIL})
    with pghistory.context(user=actor.pk, reason=reason or "Invitation sent"):
        _invite_on_commit(locked, site_url=site_url, invited_by=str(actor))
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.invited",
        target=locked,
        summary=f"Sent {locked} a link to set their password, to {locked.email}",
        reason=reason,
    )
    return locked


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


@transaction.atomic
def staff_deactivate(*, actor: User, staff: User, reason: str, seen_version: str | None = None) -> User:
    """A leaver: they can no longer sign in and every session of theirs ends. Their children stay
    allocated to them, which puts them in their team manager's reallocation queue
    (casework.oversight.reallocation) until a manager moves each one; nothing is moved unseen."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the account is being deactivated"})
    if not staff.is_active:
        raise ValidationError("This account is already deactivated")
    locked = staff_update(actor=actor, staff=staff, seen_version=seen_version, reason=reason, is_active=False)
    User.objects.filter(pk=locked.pk).update(session_epoch=F("session_epoch") + 1)
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.deactivated",
        target=locked,
        summary=f"Deactivated {locked}: {locked.allocated.count()} allocated children to reallocate",
        reason=reason,
    )
    return locked


@transaction.atomic
def staff_unlock(*, actor: User, staff: User, reason: str = "") -> int:
    """Clear a member of staff's failed sign-ins from every address, so they can sign in at once."""
    if not can_administer_staff(actor) or staff.la_id != actor.la_id:
        raise PermissionDenied("You cannot unlock this account.")
    cleared = lockout.unlock(staff.username)
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.unlocked",
        target=staff,
        summary=f"Unlocked {staff}'s account ({cleared} records of failed sign-ins cleared)",
        reason=reason,
    )
    return cleared


@transaction.atomic
def sessions_end_everywhere(*, actor: User) -> None:
    """End every session of the person acting, on every device: a new session epoch makes every
    session's authentication hash stale (their next request is signed out)."""
    User.objects.filter(pk=actor.pk).update(session_epoch=F("session_epoch") + 1)
    actor.refresh_from_db(fields=["session_epoch"])
    if actor.la_id is not None:
        audit_record(
            actor=actor,
            la_id=actor.la_id,
            action="account.signed_out_everywhere",
            target=actor,
            summary=f"{actor} signed out of every session",
        )


PASSWORD_EVENTS = {
    "invite": ("account.password_set", "set their password from an invitation"),
    "reset": ("account.password_reset", "reset their password from an e-mailed link"),
    "change": ("account.password_changed", "changed their password"),
}


@transaction.atomic
def password_set_recorded(*, actor: User, how: str) -> None:
    """After a person sets their own password: the audit row, and any lock on the account cleared (a
    locked-out person may always reset their password by e-mail and sign in again)."""
    lockout.unlock(actor.username)
    action, what = PASSWORD_EVENTS[how]
    if actor.la_id is not None:
        audit_record(actor=actor, la_id=actor.la_id, action=action, target=actor, summary=f"{actor} {what}")


LA_CLASH = "{code} is already used by {la} ({ons}, LA number {lea}){demo}"


@transaction.atomic
def la_create(
    *, actor: User | None, name: str, ons_code: str, lea_code: str, origin: str = ""
) -> tuple[LocalAuthority, bool]:
    """Set up a real (not demo) local authority; (it, False) if exactly this one exists already.
    Run by the deployment's operator (from the command line: `actor` None, `origin` says who)."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("Only the deployment's operator sets up a local authority.")
    ons_code, lea_code, name = ons_code.strip().upper(), lea_code.strip(), " ".join(name.split())
    errors = {
        key: problem
        for key, problem in (
            ("ons_code", authorities.ons_code_problem(ons_code)),
            ("lea_code", authorities.lea_code_problem(lea_code)),
            ("name", None if name else "Enter the authority's name"),
        )
        if problem
    }
    if errors:
        raise ValidationError(errors)
    same = LocalAuthority.objects.filter(ons_code=ons_code, lea_code=lea_code, name=name).first()
    if same is not None and not same.is_demo:
        return same, False
    for key, clash in (
        ("ons_code", LocalAuthority.objects.filter(ons_code=ons_code).first()),
        ("lea_code", LocalAuthority.objects.filter(lea_code=lea_code).first()),
        ("name", LocalAuthority.objects.filter(name__iexact=name).first()),
    ):
        if clash is not None:
            code = {"ons_code": ons_code, "lea_code": f"LA number {lea_code}", "name": name}[key]
            demo = ", a demo authority" if clash.is_demo else ""
            message = LA_CLASH.format(
                code=code, la=clash.name, ons=clash.ons_code, lea=clash.lea_code, demo=demo
            )
            raise ValidationError({key: message})
    with pghistory.context(reason=f"Local authority set up{origin}"):
        la = LocalAuthority.objects.create(name=name, ons_code=ons_code, lea_code=lea_code, is_demo=False)
    audit_record(
        actor=actor,
        la_id=la.pk,
        action="la.created",
        target=la,
        summary=f"Set up {la.name} (ONS {la.ons_code}, LA number {la.lea_code}){origin}",
    )
    return la, True


@transaction.atomic
def admin_create(
    *,
    actor: User | None,
    la: LocalAuthority,
    email: str,
    site_url: str,
    first_name: str = "",
    last_name: str = "",
    username: str = "",
    origin: str = "",
    resend: bool = False,
) -> tuple[User, bool]:
    """An authority's first (or another) system administrator, e-mailed a one-time link to set their
    password; (them, False) if they are already this authority's administrator: then nothing is sent
    unless `resend` (a new link, when the first expired with no other administrator to send one)."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("Only the deployment's operator sets up an authority's administrator.")
    email = email.strip()
    username = username.strip() or email.lower()
    existing = (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=username).first()
    )
    if existing is not None:
        if existing.la_id == la.pk and existing.role == Role.SYSTEM_ADMINISTRATOR:
            if resend and existing.is_active:
                with pghistory.context(reason=f"New set-password link{origin}"):
                    _invite_on_commit(existing, site_url=site_url, invited_by="the operator of this service")
                audit_record(
                    actor=actor,
                    la_id=la.pk,
                    action="staff.invited",
                    target=existing,
                    summary=f"Sent {existing} a link to set their password, to {existing.email}{origin}",
                )
            return existing, False
        where = existing.la.name if existing.la else "no authority"
        role = existing.get_role_display()
        raise ValidationError(
            {"email": f"{email} already has an account ({existing.username}, {role} of {where})"}
        )
    admin = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        la=la,
        role=Role.SYSTEM_ADMINISTRATOR,
    )
    admin.set_unusable_password()
    admin.full_clean(exclude=["password"])
    with pghistory.context(reason=f"System administrator set up{origin}"):
        admin.save()
    _send_on_commit(admin, site_url=site_url, invited_by="the operator of this service")
    audit_record(
        actor=actor,
        la_id=la.pk,
        action="staff.created",
        target=admin,
        summary=f"Added {admin} (system administrator), invited by e-mail to {email}{origin}",
    )
    return admin, True


def _staff_version(staff: User) -> str:
    """A fingerprint of the editable fields (users have no updated_at), for stale-edit detection."""
    return "|".join(str(getattr(staff, f"{name}_id", getattr(staff, name))) for name in STAFF_FIELDS)


staff_version = _staff_version
