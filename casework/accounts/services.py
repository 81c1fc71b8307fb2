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

from casework.accounts import lockout, selectors, tokens
from casework.accounts.models import EmploymentCheck, Role, StaffAbsence, Team, User
from casework.audit.services import audit_record, diff
from casework.core import permissions
from casework.core.models import LocalAuthority
from domain import authorities
from domain.people import rules, workforce

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
        summary=f"{user}: {absence.get_status_display()} from {starts_on:%-d %B %Y}",
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
        summary=f"{locked.user}: back after {ends_on:%-d %B %Y}",
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
    """Change a member of staff's team, role, manager, capacity, the teams they manage (`managed_teams`,
    a list of teams) or status."""
    if not can_administer_staff(actor) or staff.la_id != actor.la_id:
        raise PermissionDenied("You cannot change this member of staff's record.")
    managed = data.pop("managed_teams", None)
    _check_staff_links(actor, data, staff)
    locked = User.objects.select_for_update().get(pk=staff.pk)
    if seen_version is not None and _staff_version(locked) != seen_version:
        raise ValidationError(STALE_STAFF, code="stale")
    team_changes = _check_managed_teams(actor, locked, data, managed)
    if "team" in data and data["team"] is not None and data["team"].closed_on is not None:
        raise ValidationError({"team": f"{data['team']} is closed: choose an open team"})
    before = {key: getattr(locked, key) for key in data}
    for key, value in data.items():
        setattr(locked, key, value)
    locked.full_clean(exclude=["password", "la"])
    changes = {**diff(before, data), **team_changes}
    if not changes:
        return locked
    with pghistory.context(user=actor.pk, reason=reason):
        if data:
            locked.save(update_fields=list(data))
        if "managed_teams" in team_changes:
            _set_managed_teams(actor, locked, managed or [])
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


STALE_STAFF = (
    "Someone else changed this staff record while you were editing it. Your changes have not been "
    "saved: check the record as it is now, then make your changes again."
)


def _check_managed_teams(
    actor: User, staff: User, data: dict[str, Any], managed: list[Team] | None
) -> dict[str, list[Any]]:
    """The teams a person manages: only a manager role manages a team, nobody changes their own, and a
    role change away from managing leaves no team with a manager who cannot manage it."""
    current = list(Team.objects.filter(manager=staff).order_by("name"))
    role = data.get("role", staff.role)
    wanted = current if managed is None else list(managed)
    for team in wanted:
        if team.la_id != actor.la_id:
            raise PermissionDenied("That team belongs to another local authority.")
    if managed is not None and {t.pk for t in wanted} != {t.pk for t in current} and staff.pk == actor.pk:
        raise ValidationError({"managed_teams": "Ask another administrator to change the teams you manage"})
    closed = [t for t in wanted if t.closed_on is not None and t not in current]
    if closed:
        raise ValidationError({"managed_teams": f"{closed[0]} is closed: choose an open team"})
    if wanted and not permissions.is_manager_role(role):
        field = "managed_teams" if managed else "role"
        raise ValidationError(
            {
                field: f"{staff} manages {', '.join(str(t) for t in wanted)}: only a team manager or a head "
                "of service manages a team. Choose another manager for it first"
            }
        )
    if managed is None or {t.pk for t in wanted} == {t.pk for t in current}:
        return {}
    return {"managed_teams": [[str(t) for t in current], sorted(str(t) for t in wanted)]}


def _set_managed_teams(actor: User, staff: User, teams: list[Team]) -> None:
    ids = [t.pk for t in teams]
    Team.objects.filter(manager=staff).exclude(pk__in=ids).update(manager=None, updated_by=actor)
    Team.objects.filter(pk__in=ids).update(manager=staff, updated_by=actor)


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
    fields = "|".join(
        str(getattr(staff, f"{name}_id", getattr(staff, name))) for name in STAFF_FIELDS + WORKFORCE_FIELDS
    )
    managed = Team.objects.filter(manager=staff).order_by("pk").values_list("pk", flat=True)
    return f"{fields}|{','.join(str(pk) for pk in managed)}"


staff_version = _staff_version


# --- Teams -----------------------------------------------------------------------------------------

TEAM_CLOSED = "{team} was closed on {day}: it cannot be changed"
TEAM_NAME_TAKEN = "There is already a team called {name}{closed}: choose another name"
STALE_TEAM = (
    "Someone else changed this team while you were editing it. Your changes have not been saved: check "
    "the team as it is now, then make your changes again."
)


def _team_version(team: Team) -> str:
    """The team's last change, for stale-edit detection (the form carries it back)."""
    return team.updated_at.isoformat() if team.updated_at else ""


team_version = _team_version


def _require_team_admin(actor: User, team: Team | None = None) -> None:
    if not permissions.can_administer_teams(actor) or (team is not None and team.la_id != actor.la_id):
        raise PermissionDenied("Only system administrators and heads of service change teams.")


def _team_problems(actor: User, data: dict[str, Any], team: Team | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "name" in data:
        data["name"] = " ".join(str(data["name"]).split())
        if not data["name"]:
            errors["name"] = "Enter the team's name"
        else:
            clash = Team.objects.filter(la_id=actor.la_id, name__iexact=data["name"])
            clash = clash.exclude(pk=team.pk) if team is not None else clash
            found = clash.first()
            if found is not None:
                closed = f" (closed on {found.closed_on:%-d %B %Y})" if found.closed_on else ""
                errors["name"] = TEAM_NAME_TAKEN.format(name=found.name, closed=closed)
    manager = data.get("manager")
    if manager is not None:
        if manager.la_id != actor.la_id:
            raise PermissionDenied("That person belongs to another local authority.")
        if not manager.is_active:
            errors["manager"] = f"{manager}'s account is not active: choose someone else"
        elif not permissions.is_manager_role(manager.role):
            errors["manager"] = (
                f"{manager} is a {manager.get_role_display().lower()}: a team's manager must be a team "
                "manager or a head of service"
            )
        elif manager.pk == actor.pk and (team is None or team.manager_id != actor.pk):
            errors["manager"] = "You cannot make yourself a team's manager: ask another administrator"
    return errors


@transaction.atomic
def team_create(
    *, actor: User, name: str, service_area: str, manager: User | None = None, reason: str = ""
) -> Team:
    """A new team of the actor's authority, with its manager if one is chosen."""
    _require_team_admin(actor)
    data: dict[str, Any] = {"name": name, "service_area": service_area, "manager": manager}
    errors = _team_problems(actor, data)
    if errors:
        raise ValidationError(errors)
    team = Team(la_id=permissions.la_id_of(actor), created_by=actor, updated_by=actor, **data)
    team.full_clean(exclude=["la", "created_by", "updated_by"], validate_unique=False)
    with pghistory.context(user=actor.pk, reason=reason or "Team set up"):
        team.save()
    managed = f", managed by {manager}" if manager else ""
    audit_record(
        actor=actor,
        la_id=team.la_id,
        action="team.created",
        target=team,
        summary=f"Set up {team} ({team.get_service_area_display()}){managed}",
        reason=reason,
    )
    return team


@transaction.atomic
def team_update(*, actor: User, team: Team, seen_version: str | None, reason: str = "", **data: Any) -> Team:
    """Rename a team, change its service area, or set or change its manager (`manager` None: none)."""
    _require_team_admin(actor, team)
    locked = Team.objects.select_for_update().get(pk=team.pk)
    if seen_version is not None and _team_version(locked) != seen_version:
        raise ValidationError(STALE_TEAM, code="stale")
    if locked.closed_on is not None:
        raise ValidationError(TEAM_CLOSED.format(team=locked, day=f"{locked.closed_on:%-d %B %Y}"))
    unknown = set(data) - {"name", "service_area", "manager"}
    if unknown:
        raise ValueError(f"Not a team field: {sorted(unknown)}")
    errors = _team_problems(actor, data, locked)
    if errors:
        raise ValidationError(errors)
    before = {key: getattr(locked, key) for key in data}
    changes = diff(before, data)
    if not changes:
        return locked
    for key, value in data.items():
        setattr(locked, key, value)
    locked.updated_by = actor
    locked.full_clean(exclude=["la", "created_by", "updated_by"], validate_unique=False)
    with pghistory.context(user=actor.pk, reason=reason):
        locked.save()
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="team.updated",
        target=locked,
        summary=f"{locked}: changed {', '.join(sorted(changes))}",
        reason=reason,
        changes=changes,
    )
    return locked


@transaction.atomic
def team_close(*, actor: User, team: Team, reason: str, today: date, seen_version: str | None = None) -> Team:
    """Close a team nobody works in any more: it leaves every picker, keeps its page and its history.
    Refused while anyone active is in it or any child's record sits in it (move them first)."""
    _require_team_admin(actor, team)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the team is being closed"})
    locked = Team.objects.select_for_update().get(pk=team.pk)
    if seen_version is not None and _team_version(locked) != seen_version:
        raise ValidationError(STALE_TEAM, code="stale")
    if locked.closed_on is not None:
        raise ValidationError(f"{locked} is already closed")
    members = User.objects.filter(team=locked, is_active=True).count()
    children = locked.children.count()
    if members or children:
        held = " and ".join(
            part
            for part in (
                f"{members} {'member' if members == 1 else 'members'} of staff" if members else "",
                f"{children} {'child' if children == 1 else 'children'}" if children else "",
            )
            if part
        )
        raise ValidationError(
            f"{locked} still has {held}: move {'it' if members + children == 1 else 'them'} to another "
            "team first, then close it"
        )
    manager = locked.manager
    with pghistory.context(user=actor.pk, reason=reason):
        locked.closed_on = today
        locked.manager = None
        locked.updated_by = actor
        locked.save()
    was = f" (managed by {manager})" if manager else ""
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="team.closed",
        target=locked,
        summary=f"Closed {locked}{was} on {today:%-d %B %Y}",
        reason=reason,
    )
    return locked


# --- The workforce (PRODUCT.md M18) ----------------------------------------------------------------

WORKFORCE_FIELDS = ("staff_kind", "university", "practice_supervisor", "organisation", "engaged_until")
# What each kind of staff has recorded; the rest is cleared when the kind changes.
KIND_FIELDS = {
    workforce.PERMANENT: set(),
    workforce.RETURNER: {"engaged_until"},
    workforce.STUDENT: {"university", "practice_supervisor", "engaged_until"},
    workforce.AGENCY: {"organisation", "engaged_until"},
    workforce.SECONDED: {"organisation", "engaged_until"},
}
BLANK = {"university": "", "practice_supervisor": None, "organisation": "", "engaged_until": None}


@transaction.atomic
def workforce_update(
    *, actor: User, staff: User, today: date, seen_version: str | None = None, reason: str = "", **data: Any
) -> User:
    """Record what kind of staff a person is (permanent, returning social worker, student, agency,
    seconded) and what that kind needs: a student's university and practice supervisor, an agency or
    seconded worker's organisation, when a contract, secondment or placement ends."""
    if not permissions.can_record_employment_checks(actor) or staff.la_id != actor.la_id:
        raise PermissionDenied("You cannot change this member of staff's record.")
    unknown = set(data) - set(WORKFORCE_FIELDS)
    if unknown:
        raise ValueError(f"Not a workforce field: {sorted(unknown)}")
    supervisor = data.get("practice_supervisor")
    if supervisor is not None and supervisor.la_id != actor.la_id:
        raise PermissionDenied("That person belongs to another local authority.")
    locked = User.objects.select_for_update().get(pk=staff.pk)
    if seen_version is not None and _staff_version(locked) != seen_version:
        raise ValidationError(STALE_STAFF, code="stale")
    merged = {key: getattr(locked, key) for key in WORKFORCE_FIELDS} | data
    kind = merged["staff_kind"]
    merged |= {key: blank for key, blank in BLANK.items() if key not in KIND_FIELDS.get(kind, set())}
    _check_workforce(locked, merged, today=today)
    before = {key: getattr(locked, key) for key in WORKFORCE_FIELDS}
    changes = diff(before, merged)
    if not changes:
        return locked
    for key, value in merged.items():
        setattr(locked, key, value)
    locked.full_clean(exclude=["password", "la"])
    with pghistory.context(user=actor.pk, reason=reason):
        locked.save(update_fields=list(WORKFORCE_FIELDS))
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.workforce_updated",
        target=locked,
        summary=f"{locked}: {locked.get_staff_kind_display()}; changed {', '.join(sorted(changes))}",
        reason=reason,
        changes=changes,
    )
    return locked


def _check_workforce(staff: User, merged: dict[str, Any], *, today: date) -> None:
    supervisor = merged["practice_supervisor"]
    errors = workforce.profile_problems(
        merged["staff_kind"],
        university=merged["university"],
        supervisor_id=supervisor.pk if supervisor else None,
        supervisor_kind=supervisor.staff_kind if supervisor else None,
        own_id=staff.pk,
        organisation=merged["organisation"],
    )
    if supervisor is not None and "practice_supervisor" not in errors:
        if not supervisor.is_active:
            errors["practice_supervisor"] = f"{supervisor}'s account is not active: choose someone else"
        elif not (permissions.is_practitioner(supervisor) or permissions.is_manager_role(supervisor.role)):
            errors["practice_supervisor"] = (
                f"{supervisor} is a {supervisor.get_role_display().lower()}: a practice supervisor is a "
                "social worker or a manager"
            )
    if not errors:
        caseload = staff.allocated.count()
        facts = selectors.worker_facts_for([staff], overrides={staff.pk: merged})[staff.pk]
        refusal = workforce.allocation_refusal(facts, today=today)
        if caseload and refusal:
            field = "engaged_until" if workforce.ended_refusal(facts, today=today) else "staff_kind"
            children = "child" if caseload == 1 else "children"
            errors[field] = (
                f"{staff} is the allocated worker of {caseload} {children}: reallocate "
                f"{'it' if caseload == 1 else 'them'} first. {refusal}"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def employment_check_record(
    *,
    actor: User,
    staff: User,
    kind: str,
    confirmed_on: date,
    today: date,
    reference: str = "",
    note: str = "",
) -> EmploymentCheck:
    """Record one of a returning social worker's checks (their Social Work England registration, fitness
    to practise, references, right to work, identity, the fast-tracked DBS check): when it was done and
    who confirmed it. Recording a check again replaces the earlier entry (its history keeps it)."""
    if not permissions.can_record_employment_checks(actor) or staff.la_id != actor.la_id:
        raise PermissionDenied("You cannot record checks for this member of staff.")
    if staff.pk == actor.pk:
        raise ValidationError({"kind": "Ask someone else to confirm your own checks"})
    errors = workforce.check_problems(kind, confirmed_on=confirmed_on, reference=reference, today=today)
    if errors:
        raise ValidationError(errors)
    reference = workforce.normalise_reference(reference) if kind == "registration" else reference.strip()
    User.objects.select_for_update().filter(pk=staff.pk).first()
    check = EmploymentCheck.objects.filter(user=staff, kind=kind).first()
    again = check is not None
    if check is None:
        check = EmploymentCheck(la_id=permissions.la_id_of(actor), user=staff, kind=kind, created_by=actor)
    check.confirmed_on = confirmed_on
    check.confirmed_by = actor
    check.reference = reference
    check.note = note
    check.updated_by = actor
    with pghistory.context(user=actor.pk, reason=note or "Employment check recorded"):
        check.save()
    audit_record(
        actor=actor,
        la_id=check.la_id,
        action="staff.check_recorded",
        target=check,
        summary=f"{staff}: {check.get_kind_display()} {'recorded again' if again else 'recorded'}, "
        f"dated {confirmed_on:%-d %B %Y}",
        reason=note,
    )
    return check


@transaction.atomic
def employment_check_remove(*, actor: User, check: EmploymentCheck, reason: str) -> None:
    """Take back a check recorded by mistake (the history keeps what it said)."""
    if not permissions.can_record_employment_checks(actor) or check.la_id != actor.la_id:
        raise PermissionDenied("You cannot change this member of staff's checks.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the check is being removed"})
    staff = check.user
    if staff.allocated.exists() and staff.staff_kind == workforce.RETURNER:
        raise ValidationError(
            {
                "reason": f"{staff} is the allocated worker of children: a returner's checks stay recorded "
                "while they hold children. Reallocate them first"
            }
        )
    with pghistory.context(user=actor.pk, reason=reason):
        EmploymentCheck.objects.filter(pk=check.pk).delete()
    audit_record(
        actor=actor,
        la_id=check.la_id,
        action="staff.check_removed",
        target=staff,
        summary=f"{staff}: {check.get_kind_display()} removed",
        reason=reason,
    )
