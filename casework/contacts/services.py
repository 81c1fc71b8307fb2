"""Recording contacts with children (PRODUCT.md M4), with the SI 2020/909 record of remote visits,
refused access and escalation to immediate protection."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Role, User
from casework.audit.services import audit_record
from casework.children.access import children_visible_to, who_may_see
from casework.children.models import Child, VideoCalls
from casework.contacts.due import refresh_due_states
from casework.contacts.models import FACE_TO_FACE_MODES, Contact
from casework.contacts.selectors import protection_link, remote_requirement_for
from casework.core import permissions
from casework.core.models import Alert
from casework.decisions.models import Departure
from casework.policy import context
from casework.risk.services import trigger_rerating
from domain.contact import Mode

if TYPE_CHECKING:
    pass

CONTACT_IN_FUTURE = "Date and time of the contact must be now or in the past"
CONTACT_BEFORE_BIRTH = "Date of the contact must be after the child's date of birth"
VIDEO_NOT_AVAILABLE = (
    "The household's record says they cannot take video calls: choose another way, or update the "
    "household's digital access first"
)
REASON_REQUIRED = "Select why the child was not seen face to face"
REFUSAL_FIELDS = {
    "refusal_reason": "Enter the reason given for refusing access",
    "why_access_needed_explained": "Enter how you explained why access is needed",
    "other_way_to_see_child": "Enter how else you will try to see the child",
}


def can_record_contact(user: User, child: Child) -> bool:
    if user.la_id != child.la_id or not permissions.can_see_children(user):
        return False
    return children_visible_to(user).filter(pk=child.pk).exists()


def _managers_to_alert(child: Child, worker: User) -> list[User]:
    people: dict[int, User] = {}
    if child.team_id and child.team and child.team.manager_id:
        people[child.team.manager_id] = child.team.manager  # type: ignore[assignment]
    if worker.line_manager_id:
        people[worker.line_manager_id] = worker.line_manager  # type: ignore[assignment]
    if not people:
        for user in User.objects.filter(la_id=child.la_id, role=Role.HEAD_OF_SERVICE, is_active=True):
            people[user.pk] = user
    managers = [p for p in people.values() if p.pk != worker.pk or len(people) == 1]
    # The alert names the child: only to those who may open the record (for a restricted record whose
    # managers are not named on it, to the people who are).
    return who_may_see(child, managers)


def _alert_managers(*, child: Child, worker: User, kind: str, message: str, link: str) -> list[Alert]:
    alerts = []
    for manager in _managers_to_alert(child, worker):
        alerts.append(
            Alert.objects.create(
                la_id=child.la_id,
                recipient=manager,
                child=child,
                kind=kind,
                message=message[:500],
                link=link,
                created_by=worker,
            )
        )
        if manager.email:
            transaction.on_commit(
                lambda m=manager: send_mail(  # type: ignore[misc]
                    subject=f"Continuity: {message[:120]}",
                    message=f"{message}\n\n{link}",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[m.email],
                    fail_silently=True,
                )
            )
    return alerts


@transaction.atomic
def contact_record(
    *,
    actor: User,
    child: Child,
    occurred_at: datetime,
    mode: str,
    child_seen: bool,
    outcome: str,
    now: datetime | None = None,
    **details: Any,
) -> Contact:
    """Record a contact (or an attempt) with a child, with every check the emergency rules require."""
    if not can_record_contact(actor, child):
        raise PermissionDenied("You cannot record contact for this child.")
    now = now or timezone.now()
    day = timezone.localtime(occurred_at).date()
    errors = _record_errors(child, occurred_at, day, mode, child_seen, outcome, details, now=now)
    requirement = None
    if not errors:
        requirement = remote_requirement_for(child, mode, day)
        errors = _remote_reason_errors(requirement, child_seen, details.get("remote_reason") or None)
    if errors:
        raise ValidationError(errors)
    contact = _new_contact(actor, child, occurred_at, mode, child_seen, outcome, day, details)
    with pghistory.context(user=actor.pk, reason="Contact recorded"):
        contact.save()
        if child_seen and requirement is not None and requirement.remote:
            _record_remote_departure(actor, contact, requirement, day)
    refused = bool(details.get("access_refused"))
    _follow_up(actor, contact, refused, day)
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="contact.recorded",
        target=contact,
        child=child,
        summary=f"{contact.get_mode_display()} on {day:%-d %B %Y}: "
        + ("child seen" if child_seen else "access refused" if refused else "child not seen"),
        reason=contact.remote_reason_detail,
    )
    refresh_due_states(la_id=child.la_id, today=timezone.localdate(now), child_ids=[child.pk])
    return contact


def _record_errors(
    child: Child,
    occurred_at: datetime,
    day: date,
    mode: str,
    child_seen: bool,
    outcome: str,
    details: dict[str, Any],
    *,
    now: datetime,
) -> dict[str, str]:
    """What is wrong with the record itself, before the rules of the day are asked."""
    errors: dict[str, str] = {}
    if occurred_at > now:
        errors["occurred_at"] = CONTACT_IN_FUTURE
    elif child.date_of_birth and day < child.date_of_birth:
        errors["occurred_at"] = CONTACT_BEFORE_BIRTH
    if mode == Mode.VIDEO and (child.household is None or child.household.video_calls != VideoCalls.YES):
        errors["mode"] = VIDEO_NOT_AVAILABLE
    if not outcome.strip():
        errors["outcome"] = "Enter the outcome of the contact"
    if details.get("access_refused"):
        errors.update(_refusal_errors(child_seen, details))
    return errors


def _refusal_errors(child_seen: bool, details: dict[str, Any]) -> dict[str, str]:
    """Refused access is recorded with the reason given, how the need was explained and what next."""
    errors: dict[str, str] = {}
    if child_seen:
        errors["child_seen"] = "Access was refused, so the child cannot have been seen: check your answers"
    for field, message in REFUSAL_FIELDS.items():
        if not str(details.get(field, "")).strip():
            errors[field] = message
    return errors


def _remote_reason_errors(requirement: Any, child_seen: bool, reason: str | None) -> dict[str, str]:
    """A child seen other than face to face needs a reason the rules of the day allow (SI 2020/909)."""
    if child_seen and requirement.reason_required and not reason:
        return {"remote_reason": REASON_REQUIRED}
    if reason and requirement.lawful_reasons and reason not in requirement.lawful_reasons:
        return {"remote_reason": "Select one of the reasons the regulations allow"}
    return {}


def _new_contact(
    actor: User,
    child: Child,
    occurred_at: datetime,
    mode: str,
    child_seen: bool,
    outcome: str,
    day: date,
    details: dict[str, Any],
) -> Contact:
    """The contact as it will be saved, validated against the model's own rules."""
    contact = Contact(
        la_id=child.la_id,
        child=child,
        occurred_at=occurred_at,
        mode=mode,
        made_by=actor,
        child_seen=child_seen,
        outcome=outcome,
        regime=context.rules_for(child.la_id, day).regime.id,
        created_by=actor,
        updated_by=actor,
        **{k: v for k, v in details.items() if v is not None},
    )
    if mode not in FACE_TO_FACE_MODES:
        contact.ppe_used = False
    contact.full_clean(exclude=["la", "created_by", "updated_by", "made_by"])
    return contact


def _record_remote_departure(actor: User, contact: Contact, requirement: Any, day: date) -> None:
    """A remote visit where a face-to-face one was required, for a reason that departs from it, goes
    to the decision log."""
    if not requirement.is_departure(contact.remote_reason or None):
        return
    Departure.objects.create(
        la_id=contact.la_id,
        child=contact.child,
        requirement="lac.visit" if requirement.statutory else "plan.face_to_face",
        required="A face-to-face visit"
        + (" (CPPCR 2010 reg 28)" if requirement.statutory else " under the contact plan"),
        done_instead=f"{contact.get_mode_display()} on {day:%-d %B %Y}",
        rationale=contact.remote_reason_detail or contact.get_remote_reason_display() or "Not recorded",
        risk_assessment=contact.concerns or "See the contact record",
        source=requirement.source,
        regime=contact.regime,
        requested_by=actor,
        requested_on=day,
        contact=contact,
        created_by=actor,
        updated_by=actor,
    )


def _follow_up(actor: User, contact: Contact, refused: bool, day: date) -> None:
    """Refused access puts the case back for re-rating; immediate protection alerts the managers now."""
    child = contact.child
    if refused:
        trigger_rerating(
            actor=actor, child=child, reason="refused_access", occurred_on=day, detail=contact.refusal_reason
        )
    if contact.immediate_protection:
        _alert_managers(
            child=child,
            worker=actor,
            kind="immediate_protection",
            message=f"Immediate protection: {actor} reports risk to life or of immediate serious harm to "
            f"{child.full_name} ({day:%-d %B %Y}). Phone {actor} now; acknowledge on your home page.",
            link=protection_link(contact),
        )


PROTECTION_ALREADY_ACKNOWLEDGED = "Someone has already acknowledged this: the page shows who"


@transaction.atomic
def immediate_protection_acknowledge(*, actor: User, contact_id: int) -> Contact:
    """A manager acknowledges a worker's immediate-protection flag: the child leaves the top of the
    managers' home page. Once only; the contact must be one of a child the manager may see."""
    if not permissions.can_acknowledge_immediate_protection(actor):
        raise PermissionDenied("You cannot acknowledge immediate protection.")
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("child")
        .filter(immediate_protection=True, child__in=children_visible_to(actor), la_id=actor.la_id)
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise Contact.DoesNotExist
    if contact.protection_acknowledged_at is not None:
        raise ValidationError({"contact": PROTECTION_ALREADY_ACKNOWLEDGED})
    contact.protection_acknowledged_at = timezone.now()
    contact.protection_acknowledged_by = actor
    with pghistory.context(user=actor.pk, reason="Immediate protection acknowledged"):
        contact.save(update_fields=["protection_acknowledged_at", "protection_acknowledged_by", "updated_at"])
    audit_record(
        actor=actor,
        la_id=contact.la_id,
        action="contact.protection_acknowledged",
        target=contact,
        child=contact.child,
        summary="Immediate protection acknowledged",
    )
    return contact
