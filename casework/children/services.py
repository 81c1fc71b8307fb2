"""Writes to the cohort register. Each takes the acting user, checks the domain rules, records the
change history context (who and why) and an audit event in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from casework.accounts.models import User
from casework.accounts.selectors import allocation_refusal
from casework.audit.services import audit_record, diff
from casework.children.access import children_visible_to
from casework.children.events import LookedAfterStarted, RegisterChanged, RerateNeeded
from casework.children.models import (
    Child,
    ChildAccessGrant,
    Household,
    HouseholdCovidStatus,
    LegalStatus,
    LegalStatusKind,
    Placement,
)
from casework.core import effects, permissions
from domain.people import restricted, rules

CHILD_FIELDS = (
    "la_child_id",
    "upn",
    "former_upn",
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "gender",
    "ethnicity",
    "disabilities",
    "date_of_death",
    "first_language",
    "household",
    "team",
    "allocated_worker",
    "education_setting",
    "health_vulnerabilities",
    "clinically_extremely_vulnerable",
)
STALE_EDIT = (
    "Someone else changed this record while you were editing it. Your changes have not been saved: "
    "check the record as it is now, then make your changes again."
)
DUPLICATE_CHILD_ID = "A child with this LA child ID is already on the register"
OVERLAP = "This overlaps another {kind} period ({start} to {end}): end that one first or change the dates"


def _refresh_due(child: Child, today: date | None = None) -> None:
    """Tell the apps that copy the register's facts (the due states) that this child changed."""
    from casework.core import clock

    effects.announce(RegisterChanged(la_id=child.la_id, child_ids=(child.pk,), today=today or clock.today()))


def _require_editor(actor: User) -> None:
    if not permissions.can_edit_children(actor):
        raise PermissionDenied("Only business support and managers can change children's records.")


def _check_same_la(actor: User, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "la_id", actor.la_id) != actor.la_id:
            raise PermissionDenied("That record belongs to another local authority.")


def _require_visible(actor: User, child_id: int) -> None:
    """A record is changed only by someone who may open it: the same rules as its page (a team's
    business support cannot correct another team's child, nor anyone a restricted record)."""
    if not children_visible_to(actor).filter(pk=child_id).exists():
        raise PermissionDenied("You cannot change this child's record.")


def _check_child_rules(data: dict[str, Any], *, today: date, newly_allocated: User | None = None) -> None:
    """The register's rules; `newly_allocated` is a worker the change would allocate the child to, who
    must be someone who may be allocated children (domain/people/workforce.py: not a student, not a
    returner with checks outstanding, not someone whose contract has ended)."""
    errors: dict[str, str] = {}
    message = rules.check_date_of_birth(
        data.get("date_of_birth"), data.get("expected_date_of_birth"), today=today
    )
    if message:
        field = "expected_date_of_birth" if message == rules.EXPECTED_DOB_IN_PAST else "date_of_birth"
        errors[field] = message
    message = rules.check_date_of_death(data.get("date_of_death"), data.get("date_of_birth"), today=today)
    if message:
        errors["date_of_death"] = message
    worker = data.get("allocated_worker")
    team = data.get("team")
    if worker is not None and not worker.is_active:
        errors["allocated_worker"] = "Choose a worker whose account is active"
    if worker is not None and team is not None and worker.team_id not in (None, team.pk):
        errors["allocated_worker"] = (
            f"{worker} is not in {team}: choose a worker in the team, or change the team"
        )
    if team is not None and team.closed_on is not None:
        errors["team"] = f"{team} is closed: choose an open team"  # closing one moves every child out first
    if newly_allocated is not None and "allocated_worker" not in errors:
        refusal = allocation_refusal(newly_allocated, today=today)
        if refusal:
            errors["allocated_worker"] = refusal
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def child_create(*, actor: User, today: date, reason: str = "", **data: Any) -> Child:
    _require_editor(actor)
    _check_same_la(actor, data.get("household"), data.get("team"), data.get("allocated_worker"))
    _check_child_rules(data, today=today, newly_allocated=data.get("allocated_worker"))
    if Child.objects.filter(la_id=actor.la_id, la_child_id=data["la_child_id"]).exists():
        raise ValidationError({"la_child_id": DUPLICATE_CHILD_ID})
    child = Child(la_id=permissions.la_id_of(actor), created_by=actor, updated_by=actor, **data)
    child.full_clean(exclude=["la", "created_by", "updated_by"], validate_unique=False)
    with pghistory.context(user=actor.pk, reason=reason or "Child added to the register"):
        child.save()
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="child.created",
        target=child,
        child=child,
        # No name: the audit log is read by administrators, who do not see children's records.
        summary=f"Added {child.la_child_id} to the register",
        reason=reason,
    )
    _refresh_due(child, today)
    return child


@transaction.atomic
def child_update(
    *, actor: User, child: Child, today: date, seen_version: datetime | None, reason: str = "", **data: Any
) -> Child:
    """Correct a child's details. `seen_version` is the record's updated_at when the user opened the
    form: if someone else saved since, nothing is written and the user is told."""
    _require_editor(actor)
    _check_same_la(actor, child, data.get("household"), data.get("team"), data.get("allocated_worker"))
    _require_visible(actor, child.pk)
    locked = Child.objects.select_for_update().get(pk=child.pk)
    if seen_version is not None and locked.updated_at != seen_version:
        raise ValidationError(STALE_EDIT, code="stale")
    merged = {**model_to_dict(locked, fields=CHILD_FIELDS), **data}
    for key in ("household", "team", "allocated_worker", "education_setting"):
        value = merged.get(key)
        if isinstance(value, int):
            merged[key] = getattr(locked, key)
    worker = data.get("allocated_worker")
    newly_allocated = worker if worker is not None and worker.pk != locked.allocated_worker_id else None
    _check_child_rules(merged, today=today, newly_allocated=newly_allocated)
    new_id = data.get("la_child_id")
    if new_id and new_id != locked.la_child_id:
        if Child.objects.filter(la_id=locked.la_id, la_child_id=new_id).exclude(pk=locked.pk).exists():
            raise ValidationError({"la_child_id": DUPLICATE_CHILD_ID})
    before = {key: getattr(locked, key) for key in data}
    for key, value in data.items():
        setattr(locked, key, value)
    locked.updated_by = actor
    locked.full_clean(exclude=["la", "created_by", "updated_by"], validate_unique=False)
    changes = diff(before, data)
    if not changes:
        return locked
    with pghistory.context(user=actor.pk, reason=reason):
        locked.save()
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="child.updated",
        target=locked,
        child=locked,
        summary=f"Changed {', '.join(sorted(changes))}",
        reason=reason,
        changes=changes,
    )
    if {"team", "allocated_worker"} & set(changes):
        _refresh_due(locked, today)
    return locked


@transaction.atomic
def child_set_restriction(
    *, actor: User, child: Child, restricted: bool, reason: str, named_users: list[User]
) -> Child:
    """Restrict a record to named people (or lift the restriction). A reason is required."""
    if not permissions.can_restrict_records(actor):
        raise PermissionDenied("Only managers can restrict or open a record.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the record is being restricted or opened"})
    _check_same_la(actor, child, *named_users)
    _require_visible(actor, child.pk)
    locked = Child.objects.select_for_update().get(pk=child.pk)
    with pghistory.context(user=actor.pk, reason=reason):
        locked.is_restricted = restricted
        locked.restriction_reason = reason if restricted else ""
        locked.updated_by = actor
        locked.save(update_fields=["is_restricted", "restriction_reason", "updated_by", "updated_at"])
        if restricted:
            # The manager restricting the record keeps sight of it.
            for user in {actor, *named_users}:
                ChildAccessGrant.objects.get_or_create(
                    child=locked,
                    user=user,
                    defaults={"la_id": locked.la_id, "reason": reason, "created_by": actor},
                )
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="child.restricted" if restricted else "child.unrestricted",
        target=locked,
        child=locked,
        summary=("Restricted the record to " + ", ".join(sorted(str(u) for u in {actor, *named_users})))
        if restricted
        else "Lifted the restriction",
        reason=reason,
    )
    _refresh_due(locked)
    return locked


def _period_overlap_error(kind_label: str, clash: rules.Period) -> str:
    end = clash.ends_on.strftime("%-d %B %Y") if clash.ends_on else "now"
    return OVERLAP.format(kind=kind_label, start=clash.starts_on.strftime("%-d %B %Y"), end=end)


@transaction.atomic
def legal_status_add(
    *,
    actor: User,
    child: Child,
    kind: str,
    starts_on: date,
    today: date,
    ends_on: date | None = None,
    cp_category: str = "",
    lac_legal_status: str = "",
    note: str = "",
    reason: str = "",
) -> LegalStatus:
    _require_editor(actor)
    _check_same_la(actor, child)
    _require_visible(actor, child.pk)
    Child.objects.select_for_update().filter(pk=child.pk).first()  # serialise additions per child
    errors = rules.check_period(starts_on, ends_on, today=today, date_of_birth=child.date_of_birth)
    if kind == LegalStatusKind.CP and not cp_category:
        errors["cp_category"] = "Select the category of abuse for the child protection plan"
    if kind == LegalStatusKind.LAC and not lac_legal_status:
        errors["lac_legal_status"] = "Select the legal status under which the child is looked after"
    if not errors:
        existing = [
            rules.Period(s.starts_on, s.ends_on, s)
            for s in LegalStatus.objects.filter(child=child, kind=kind)
        ]
        clash = rules.first_overlap(rules.Period(starts_on, ends_on), existing)
        if clash:
            errors["starts_on"] = _period_overlap_error(LegalStatusKind(kind).label.lower(), clash)
    if errors:
        raise ValidationError(errors)
    status = LegalStatus(
        la_id=child.la_id,
        child=child,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        cp_category=cp_category if kind == LegalStatusKind.CP else "",
        lac_legal_status=lac_legal_status if kind == LegalStatusKind.LAC else "",
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    with pghistory.context(user=actor.pk, reason=reason):
        try:
            with transaction.atomic():
                status.save()
        except IntegrityError as err:  # the database's own overlap guard, for a race
            raise ValidationError({"starts_on": "This overlaps another period of the same kind"}) from err
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="legal_status.added",
        target=status,
        child=child,
        summary=f"Added {status.get_kind_display()} from {starts_on:%-d %B %Y}",
        reason=reason,
    )
    if kind == LegalStatusKind.LAC:
        effects.announce(
            LookedAfterStarted(la_id=child.la_id, child_id=child.pk, status_id=status.pk, starts_on=starts_on)
        )
    _refresh_due(child, today)
    return status


@transaction.atomic
def legal_status_end(
    *, actor: User, status: LegalStatus, ends_on: date, today: date, end_reason: str = "", reason: str = ""
) -> LegalStatus:
    _require_editor(actor)
    _check_same_la(actor, status)
    _require_visible(actor, status.child_id)
    locked = LegalStatus.objects.select_for_update().get(pk=status.pk)
    errors = rules.check_period(locked.starts_on, ends_on, today=today)
    errors.pop("starts_on", None)
    if ends_on > today:
        errors["ends_on"] = "End date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    later = LegalStatus.objects.filter(child_id=locked.child_id, kind=locked.kind).exclude(pk=locked.pk)
    clash = rules.first_overlap(
        rules.Period(locked.starts_on, ends_on), [rules.Period(s.starts_on, s.ends_on) for s in later]
    )
    if clash:
        raise ValidationError({"ends_on": _period_overlap_error(locked.get_kind_display().lower(), clash)})
    with pghistory.context(user=actor.pk, reason=reason):
        locked.ends_on = ends_on
        locked.end_reason = end_reason
        locked.updated_by = actor
        locked.save(update_fields=["ends_on", "end_reason", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="legal_status.ended",
        target=locked,
        child=locked.child,
        summary=f"Ended {locked.get_kind_display()} on {ends_on:%-d %B %Y}",
        reason=reason,
    )
    _refresh_due(locked.child, today)
    return locked


@transaction.atomic
def placement_add(
    *,
    actor: User,
    child: Child,
    starts_on: date,
    placement_type: str,
    provider: str,
    today: date,
    ends_on: date | None = None,
    carer_or_setting: str = "",
    postcode: str = "",
    reason: str = "",
) -> Placement:
    _require_editor(actor)
    _check_same_la(actor, child)
    _require_visible(actor, child.pk)
    Child.objects.select_for_update().filter(pk=child.pk).first()
    errors = rules.check_period(starts_on, ends_on, today=today, date_of_birth=child.date_of_birth)
    if not errors:
        existing = [rules.Period(p.starts_on, p.ends_on) for p in Placement.objects.filter(child=child)]
        clash = rules.first_overlap(rules.Period(starts_on, ends_on), existing)
        if clash:
            errors["starts_on"] = _period_overlap_error("placement", clash)
    if errors:
        raise ValidationError(errors)
    placement = Placement(
        la_id=child.la_id,
        child=child,
        starts_on=starts_on,
        ends_on=ends_on,
        placement_type=placement_type,
        provider=provider,
        carer_or_setting=carer_or_setting,
        postcode=postcode.upper(),
        created_by=actor,
        updated_by=actor,
    )
    with pghistory.context(user=actor.pk, reason=reason):
        placement.save()
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="placement.added",
        target=placement,
        child=child,
        summary=f"Added placement {placement.placement_type} from {starts_on:%-d %B %Y}",
        reason=reason,
    )
    return placement


@transaction.atomic
def household_update(*, actor: User, household: Household, reason: str = "", **data: Any) -> Household:
    _require_editor(actor)
    _check_same_la(actor, household)
    locked = Household.objects.select_for_update().get(pk=household.pk)
    before = {key: getattr(locked, key) for key in data}
    for key, value in data.items():
        setattr(locked, key, value)
    locked.updated_by = actor
    locked.full_clean(exclude=["la", "created_by", "updated_by"])
    changes = diff(before, data)
    if not changes:
        return locked
    with pghistory.context(user=actor.pk, reason=reason):
        locked.save()
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="household.updated",
        target=locked,
        summary=f"Changed household {', '.join(sorted(changes))}",
        reason=reason,
        changes=changes,
    )
    return locked


@transaction.atomic
def household_create(*, actor: User, reason: str = "", **data: Any) -> Household:
    _require_editor(actor)
    household = Household(la_id=permissions.la_id_of(actor), created_by=actor, updated_by=actor, **data)
    household.full_clean(exclude=["la", "created_by", "updated_by"])
    with pghistory.context(user=actor.pk, reason=reason):
        household.save()
    audit_record(
        actor=actor,
        la_id=household.la_id,
        action="household.created",
        target=household,
        summary=f"Added household at {household}",
        reason=reason,
    )
    return household


@transaction.atomic
def covid_status_add(
    *,
    actor: User,
    household: Household,
    status: str,
    starts_on: date,
    today: date,
    ends_on: date | None = None,
    note: str = "",
    child: Child | None = None,
) -> HouseholdCovidStatus:
    """Record a household's COVID-19 status. Practitioners may record it too: they learn it on visits."""
    if actor.la_id != household.la_id:
        raise PermissionDenied("That household belongs to another local authority.")
    if child is not None:
        _require_visible(actor, child.pk)
    errors = rules.check_period(starts_on, ends_on, today=today)
    if not errors:
        same = HouseholdCovidStatus.objects.filter(household=household, status=status)
        clash = rules.first_overlap(
            rules.Period(starts_on, ends_on), [rules.Period(s.starts_on, s.ends_on) for s in same]
        )
        if clash:
            errors["starts_on"] = _period_overlap_error("period of this status", clash)
    if errors:
        raise ValidationError(errors)
    record = HouseholdCovidStatus(
        la_id=household.la_id,
        household=household,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    with pghistory.context(user=actor.pk, reason=note):
        record.save()
    audit_record(
        actor=actor,
        la_id=household.la_id,
        action="household.covid_status",
        target=record,
        child=child,
        summary=f"Household COVID-19 status: {record.get_status_display()} from {starts_on:%-d %B %Y}",
        reason=note,
    )
    # COVID-19 in the household puts every child living there back in the re-rating queue (issue 3).
    effects.announce(
        RerateNeeded(
            la_id=household.la_id,
            child_ids=tuple(Child.objects.filter(household=household).values_list("pk", flat=True)),
            reason="covid_in_household",
            occurred_on=starts_on,
            detail=f"{record.get_status_display()} from {starts_on:%-d %B %Y}",
            actor_id=actor.pk,
        )
    )
    return record


@transaction.atomic
def missed_school_record(*, actor: User, child: Child, day: date, today: date, note: str = "") -> None:
    """A child expected at school did not attend: followed up, and the case goes back to be re-rated."""

    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied("You cannot record this for that child.")
    if day > today:
        raise ValidationError({"day": "The date the child missed school must be today or in the past"})
    effects.announce(
        RerateNeeded(
            la_id=child.la_id,
            child_ids=(child.pk,),
            reason="missed_school",
            occurred_on=day,
            detail=note,
            actor_id=actor.pk,
        )
    )
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="education.missed",
        target=child,
        child=child,
        summary=f"Missed school on {day:%-d %B %Y}",
        reason=note,
    )


# --- The people named on a restricted record --------------------------------------------------------


def _holders_record(actor: User, child: Child) -> Child:
    """The restricted record whose names `actor` changes, locked. Managers change the names on records
    they may open; administrators on any restricted record of their authority (they never see the
    record itself: only its LA child ID and who is named)."""
    if not permissions.can_manage_record_holders(actor):
        raise PermissionDenied("Only managers and administrators change who is named on a record.")
    _check_same_la(actor, child)
    if not permissions.is_administrator(actor):
        _require_visible(actor, child.pk)
    locked = Child.objects.select_for_update().get(pk=child.pk)
    if not locked.is_restricted:
        raise ValidationError(
            "This record is not restricted: everyone whose role lets them see it can. Restrict it first"
        )
    return locked


@transaction.atomic
def record_holder_add(*, actor: User, child: Child, user: User, reason: str) -> ChildAccessGrant:
    """Name a member of staff on a restricted record, so that they may open it; the reason is kept."""
    locked = _holders_record(actor, child)
    _check_same_la(actor, user)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = restricted.NO_REASON
    if user.pk == actor.pk:
        errors["user"] = restricted.NAME_YOURSELF
    elif not user.is_active:
        errors["user"] = f"{user}'s account is not active: choose someone else"
    elif not permissions.can_see_children(user):
        errors["user"] = restricted.SEES_NO_RECORDS.format(name=user)
    elif ChildAccessGrant.objects.filter(child=locked, user=user).exists():
        errors["user"] = restricted.ALREADY_NAMED.format(name=user)
    if errors:
        raise ValidationError(errors)
    grant = ChildAccessGrant(la_id=locked.la_id, child=locked, user=user, reason=reason, created_by=actor)
    with pghistory.context(user=actor.pk, reason=reason):
        grant.save()
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="child.holder_added",
        target=grant,
        child=locked,
        # No name: the audit log is read by administrators, who do not see children's records.
        summary=f"Named {user} on restricted record {locked.la_child_id}",
        reason=reason,
    )
    _refresh_due(locked)
    return grant


@transaction.atomic
def record_holder_remove(*, actor: User, grant: ChildAccessGrant, reason: str) -> None:
    """Take a name off a restricted record: that person can no longer open it (unless allocated)."""
    locked = _holders_record(actor, grant.child)
    if not reason.strip():
        raise ValidationError({"reason": restricted.NO_REASON})
    grant = ChildAccessGrant.objects.select_related("user").get(pk=grant.pk, child=locked)
    problem = restricted.removal_problem(
        name=str(grant.user), named_count=ChildAccessGrant.objects.filter(child=locked).count()
    )
    if problem:
        raise ValidationError({"reason": problem})
    with pghistory.context(user=actor.pk, reason=reason):
        ChildAccessGrant.objects.filter(pk=grant.pk).delete()
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="child.holder_removed",
        target=locked,
        child=locked,
        summary=f"Took {grant.user} off restricted record {locked.la_child_id}",
        reason=reason,
    )
    _refresh_due(locked)
