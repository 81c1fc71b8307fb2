"""Writes for the front door, meetings and serious incidents; every deadline through the one engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import User
from casework.audit.services import audit_record
from casework.children.access import children_visible_to
from casework.children.models import Child
from casework.core import permissions
from casework.policy import context
from casework.safeguarding import deadlines
from casework.safeguarding.models import Deadline, InformationShare, Meeting, Referral, SeriousIncident
from domain.timescales import deadline as compute_deadline

# Which deadline a meeting meets, and which it starts (Working Together 2018, chapter 1; CPPCR reg 33).
MEETS: dict[str, tuple[str, ...]] = {
    Meeting.Kind.ICPC: ("icpc.convene",),
    Meeting.Kind.RCPC: ("cp.first_review", "cp.review"),
    Meeting.Kind.LAC_REVIEW: ("lac.first_review", "lac.second_review", "lac.subsequent_review"),
}
STARTS: dict[str, str] = {Meeting.Kind.ICPC: "cp.first_review", Meeting.Kind.RCPC: "cp.review"}
FUTURE = "{what} must be today or in the past"
# A whole-LA job (commands, benchmarks), not a service: no actor; kept importable here for its callers.
recompute_deadlines = deadlines.recompute_deadlines


def _visible(actor: User, children: Iterable[Child]) -> None:
    ids = [c.pk for c in children]
    if children_visible_to(actor).filter(pk__in=ids).count() != len(set(ids)):
        raise PermissionDenied("You cannot record this for that child.")


def _lock_incident(actor: User, incident: SeriousIncident) -> None:
    """Lock the incident's row and refresh `incident` from it, refusing an actor who may not open the
    incident's child (the rule of the incident's page), so a change is never made on a stale copy."""
    found = SeriousIncident.objects.select_for_update().filter(
        pk=incident.pk, la_id=permissions.la_id_of(actor)
    )
    if not found.exists():
        raise PermissionDenied("You cannot record this for that child.")
    incident.refresh_from_db()
    _visible(actor, [incident.child])


def _deadline_meet(*, subject_type: str, subject_id: int, rule_ids: Sequence[str], met_on: date) -> None:
    Deadline.objects.filter(
        subject_type=subject_type, subject_id=subject_id, rule_id__in=rule_ids, met_on__isnull=True
    ).update(met_on=met_on)


@transaction.atomic
def referral_record(
    *,
    actor: User,
    children: Sequence[Child],
    received_at: datetime,
    source: str,
    concerns: str,
    consent: str,
    now: datetime,
    source_detail: str = "",
) -> Referral:
    errors: dict[str, str] = {}
    if not children:
        errors["children"] = "Select the child or children the referral is about"
    if received_at > now:
        errors["received_at"] = FUTURE.format(what="The time the referral was received")
    if not concerns.strip():
        errors["concerns"] = "Enter the concerns"
    if errors:
        raise ValidationError(errors)
    _visible(actor, children)
    referral = Referral.objects.create(
        la_id=permissions.la_id_of(actor),
        received_at=received_at,
        source=source,
        source_detail=source_detail,
        concerns=concerns,
        consent=consent,
        created_by=actor,
        updated_by=actor,
    )
    referral.children.set(children)
    day = timezone.localtime(received_at).date()
    deadlines.deadline_set(
        la_id=referral.la_id,
        child=children[0] if len(children) == 1 else None,
        rule_id="referral.decision",
        subject_type="referral",
        subject_id=referral.pk,
        event_on=day,
    )
    for child in children:
        from casework.risk.services import trigger_rerating

        trigger_rerating(
            actor=actor, child=child, reason="new_referral", occurred_on=day, detail=concerns[:200]
        )
    audit_record(
        actor=actor,
        la_id=referral.la_id,
        action="referral.recorded",
        target=referral,
        child=children[0] if len(children) == 1 else None,
        summary=f"Referral from {referral.get_source_display()} about {len(children)} child(ren)",
    )
    return referral


@transaction.atomic
def referral_decide(
    *, actor: User, referral: Referral, decision: str, reason: str, decided_at: datetime, now: datetime
) -> Referral:
    from casework.safeguarding.selectors import referrals_visible_to

    permissions.la_id_of(actor)
    locked = referrals_visible_to(actor).select_for_update(of=("self",)).filter(pk=referral.pk).first()
    if locked is None:  # the referral's page refuses the same people
        raise PermissionDenied("You cannot decide this referral.")
    errors: dict[str, str] = {}
    if locked.decision:
        raise ValidationError(
            f"This referral was already decided ({locked.get_decision_display()}) by {locked.decided_by}",
            code="already_decided",
        )
    if decided_at > now:
        errors["decided_at"] = FUTURE.format(what="The decision time")
    elif decided_at < locked.received_at:
        errors["decided_at"] = "The decision cannot be before the referral was received"
    if not reason.strip():
        errors["decision_reason"] = "Enter the reason for the decision"
    if errors:
        raise ValidationError(errors)
    locked.decision, locked.decision_reason = decision, reason
    locked.decided_at, locked.decided_by = decided_at, actor
    locked.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by", "updated_at"])
    _deadline_meet(
        subject_type="referral",
        subject_id=locked.pk,
        rule_ids=["referral.decision"],
        met_on=timezone.localtime(decided_at).date(),
    )
    if decision in {Referral.Decision.ASSESSMENT, Referral.Decision.STRATEGY}:
        received = timezone.localtime(locked.received_at).date()
        # Each child the referral is about is assessed: each has the 45-working-day deadline.
        for child in locked.children.all():
            deadlines.deadline_set(
                la_id=locked.la_id,
                child=child,
                rule_id="assessment.completion",
                subject_type="referral",
                subject_id=locked.pk,
                event_on=received,
            )
    audit_record(
        actor=actor,
        la_id=locked.la_id,
        action="referral.decided",
        target=locked,
        summary=f"Decision: {locked.get_decision_display()}",
        reason=reason,
    )
    return locked


@transaction.atomic
def meeting_record(
    *, actor: User, child: Child, kind: str, held_on: date, today: date, **details: object
) -> Meeting:
    """Record a meeting; it meets the deadline it was due under and starts the next one."""
    _visible(actor, [child])
    errors: dict[str, str] = {}
    if held_on > today:
        errors["held_on"] = FUTURE.format(what="The date the meeting was held")
    trigger = _triggering_meeting(child, kind)
    if trigger is not None and held_on < trigger.held_on:
        errors["held_on"] = (
            f"The {Meeting.Kind(kind).label.lower()} cannot be before the "
            f"{trigger.get_kind_display().lower()} on {trigger.held_on:%-d %B %Y} that led to it"
        )
    if kind == Meeting.Kind.ICPC and trigger is None:
        errors["kind"] = "Record the strategy discussion that initiated the section 47 enquiries first"
    open_due = Deadline.objects.filter(
        child=child, rule_id__in=MEETS.get(kind, ()), met_on__isnull=True
    ).first()
    late = open_due is not None and open_due.due_on is not None and held_on > open_due.due_on
    if late and open_due is not None and not str(details.get("late_reason", "")).strip():
        errors["late_reason"] = (
            f"This meeting was due by {open_due.due_on:%-d %B %Y}: enter why it was held late"
        )
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        la_id=child.la_id,
        child=child,
        kind=kind,
        held_on=held_on,
        created_by=actor,
        updated_by=actor,
        **details,
    )
    if open_due is not None:
        open_due.met_on = held_on
        open_due.save(update_fields=["met_on", "computed_at"])
    if kind == Meeting.Kind.STRATEGY and meeting.section47_initiated:
        deadlines.deadline_set(
            la_id=child.la_id,
            child=child,
            rule_id="icpc.convene",
            subject_type="meeting",
            subject_id=meeting.pk,
            event_on=held_on,
        )
    if kind in STARTS:
        deadlines.deadline_set(
            la_id=child.la_id,
            child=child,
            rule_id=STARTS[kind],
            subject_type="meeting",
            subject_id=meeting.pk,
            event_on=held_on,
        )
    if kind == Meeting.Kind.LAC_REVIEW:
        # CPPCR 2010 reg 33: the second review within 3 months of the first, then every 6 months.
        first = open_due is None or open_due.rule_id == "lac.first_review"
        earlier = Meeting.objects.filter(child=child, kind=kind, held_on__lt=held_on).exists()
        deadlines.deadline_set(
            la_id=child.la_id,
            child=child,
            rule_id="lac.second_review" if first and not earlier else "lac.subsequent_review",
            subject_type="meeting",
            subject_id=meeting.pk,
            event_on=held_on,
        )
    if late and open_due is not None:
        _record_late_meeting(actor=actor, meeting=meeting, due=open_due, today=today)
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="meeting.recorded",
        target=meeting,
        child=child,
        summary=f"{meeting.get_kind_display()} held {held_on:%-d %B %Y}{' remotely' * meeting.remote}"
        + (" (late)" if late else ""),
    )
    return meeting


@transaction.atomic
def information_share_record(
    *,
    actor: User,
    child: Child,
    shared_on: date | None,
    what: str,
    with_agency: str,
    with_person: str,
    lawful_basis: str,
    without_consent: bool,
    reason: str,
    today: date,
) -> InformationShare:
    """Log information shared about a child: what, with whom, when, on what lawful basis, decided by whom.

    Sharing without consent to keep a child safe is lawful (Working Together 2018 chapter 1; Data
    Protection Act 2018 Schedule 8 paragraph 4), but the reason must be recorded and consent cannot then
    be the lawful basis.
    """
    _visible(actor, [child])
    errors: dict[str, str] = {}
    if shared_on is None:
        errors["shared_on"] = "Enter the date the information was shared"
    elif shared_on > today:
        errors["shared_on"] = FUTURE.format(what="The date the information was shared")
    if not what.strip():
        errors["what"] = "Enter what was shared"
    if without_consent and lawful_basis == InformationShare.LawfulBasis.CONSENT:
        errors["lawful_basis"] = "Information shared without consent needs a lawful basis other than consent"
    if without_consent and not reason.strip():
        errors["reason"] = "Enter why the information was shared without consent"
    if errors or shared_on is None:
        raise ValidationError(errors)
    share = InformationShare.objects.create(
        la_id=child.la_id,
        child=child,
        shared_on=shared_on,
        what=what,
        with_agency=with_agency,
        with_person=with_person,
        lawful_basis=lawful_basis,
        without_consent=without_consent,
        reason=reason,
        decided_by=actor,
        created_by=actor,
        updated_by=actor,
    )
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="information.shared",
        target=share,
        child=child,
        summary=f"Information shared with {share.get_with_agency_display()} on {shared_on:%-d %B %Y}"
        + (" without consent" if without_consent else ""),
        reason=reason,
    )
    return share


def _record_late_meeting(*, actor: User, meeting: Meeting, due: Deadline, today: date) -> None:
    """A meeting held after its statutory date is a departure: it goes to the decision log."""
    from casework.decisions.models import Departure

    rule = compute_deadline(due.rule_id, due.event_on, calendar=context.calendar()).rule
    Departure.objects.create(
        la_id=meeting.la_id,
        child=meeting.child,
        requirement=due.rule_id,
        required=f"{meeting.get_kind_display()} by {due.due_on:%-d %B %Y}",
        done_instead=f"Held on {meeting.held_on:%-d %B %Y}",
        rationale=meeting.late_reason,
        risk_assessment=meeting.decisions or "See the meeting record",
        source=rule.source,
        regime=due.regime,
        requested_by=actor,
        requested_on=today,
        created_by=actor,
        updated_by=actor,
    )


def _triggering_meeting(child: Child, kind: str) -> Meeting | None:
    if kind == Meeting.Kind.ICPC:
        return (
            Meeting.objects.filter(child=child, kind=Meeting.Kind.STRATEGY, section47_initiated=True)
            .order_by("-held_on")
            .first()
        )
    if kind == Meeting.Kind.RCPC:
        return (
            Meeting.objects.filter(child=child, kind__in=[Meeting.Kind.ICPC, Meeting.Kind.RCPC])
            .order_by("-held_on")
            .first()
        )
    return None


@transaction.atomic
def incident_record(
    *,
    actor: User,
    child: Child,
    occurred_on: date,
    aware_on: date,
    summary: str,
    today: date,
    child_died: bool = False,
    seriously_injured: bool = False,
    covid_strongly_related: bool = False,
) -> SeriousIncident:
    _visible(actor, [child])
    errors: dict[str, str] = {}
    if aware_on > today:
        errors["aware_on"] = FUTURE.format(what="The date the LA became aware")
    if occurred_on > today:
        errors["occurred_on"] = FUTURE.format(what="The date of the incident")
    if aware_on < occurred_on:
        errors["aware_on"] = "The LA cannot have become aware of the incident before it happened"
    if not summary.strip():
        errors["summary"] = "Enter what happened"
    if errors:
        raise ValidationError(errors)
    incident = SeriousIncident.objects.create(
        la_id=child.la_id,
        child=child,
        occurred_on=occurred_on,
        aware_on=aware_on,
        summary=summary,
        child_died=child_died,
        seriously_injured=seriously_injured,
        covid_strongly_related=covid_strongly_related,
        rapid_review_pace=(
            SeriousIncident.Pace.EXPEDITED
            if (child_died or seriously_injured) and covid_strongly_related
            else SeriousIncident.Pace.STANDARD
        ),
        created_by=actor,
        updated_by=actor,
    )
    _incident_deadline(incident, "sin.notification", aware_on)
    audit_record(
        actor=actor,
        la_id=child.la_id,
        action="incident.recorded",
        target=incident,
        child=child,
        summary=f"Serious incident of {occurred_on:%-d %B %Y} recorded (aware {aware_on:%-d %B %Y})",
    )
    return incident


@transaction.atomic
def _incident_deadline(incident: SeriousIncident, rule_id: str, event_on: date) -> Deadline:
    return deadlines.deadline_set(
        la_id=incident.la_id,
        child=incident.child,
        rule_id=rule_id,
        subject_type="incident",
        subject_id=incident.pk,
        event_on=event_on,
    )


@transaction.atomic
def incident_notify(
    *, actor: User, incident: SeriousIncident, notified_on: date | None, today: date
) -> SeriousIncident:
    """The Panel was notified: meets the 5-working-day deadline and starts the rapid review's."""
    _lock_incident(actor, incident)
    if notified_on is None:
        raise ValidationError({"notified_on": "Enter the date the Panel was notified"})
    if notified_on > today:
        raise ValidationError({"notified_on": FUTURE.format(what="The notification date")})
    if notified_on < incident.aware_on:
        raise ValidationError({"notified_on": "The Panel cannot be notified before the LA became aware"})
    incident.notified_on = notified_on
    incident.updated_by = actor
    with pghistory.context(user=actor.pk, reason="Panel notified"):
        incident.save(update_fields=["notified_on", "updated_by", "updated_at"])
    _deadline_meet(
        subject_type="incident", subject_id=incident.pk, rule_ids=["sin.notification"], met_on=notified_on
    )
    if incident.rapid_review_pace != SeriousIncident.Pace.LOCAL:
        _incident_deadline(incident, "rapid_review.completion", notified_on)
    audit_record(
        actor=actor,
        la_id=incident.la_id,
        action="incident.notified",
        target=incident,
        child=incident.child,
        summary=f"Panel notified {notified_on:%-d %B %Y}",
    )
    return incident


@transaction.atomic
def incident_set_pace(*, actor: User, incident: SeriousIncident, pace: str, reason: str) -> SeriousIncident:
    """The safeguarding partners set their own pace for the rapid review, with a reason, unless it must be
    expedited (a child died or was seriously injured and COVID-19 is strongly related)."""
    _lock_incident(actor, incident)
    must_expedite = (incident.child_died or incident.seriously_injured) and incident.covid_strongly_related
    if pace == SeriousIncident.Pace.LOCAL and must_expedite:
        raise ValidationError(
            {
                "rapid_review_pace": "This review must be expedited: a child died or was seriously "
                "injured and COVID-19 is a strongly related factor"
            }
        )
    if pace == SeriousIncident.Pace.LOCAL and not reason.strip():
        raise ValidationError({"pace_reason": "Enter why the partners set their own pace"})
    incident.rapid_review_pace, incident.pace_reason = pace, reason
    incident.updated_by = actor
    with pghistory.context(user=actor.pk, reason=reason[:200] or "Rapid review pace set"):
        incident.save(update_fields=["rapid_review_pace", "pace_reason", "updated_by", "updated_at"])
    if pace == SeriousIncident.Pace.LOCAL:
        Deadline.objects.filter(
            subject_type="incident",
            subject_id=incident.pk,
            rule_id="rapid_review.completion",
            met_on__isnull=True,
        ).delete()
    elif incident.notified_on:
        _incident_deadline(incident, "rapid_review.completion", incident.notified_on)
    audit_record(
        actor=actor,
        la_id=incident.la_id,
        action="incident.pace",
        target=incident,
        child=incident.child,
        summary=f"Rapid review pace: {incident.get_rapid_review_pace_display()}",
        reason=reason,
    )
    return incident


@transaction.atomic
def incident_review_decide(
    *,
    actor: User,
    incident: SeriousIncident,
    decision: str,
    decided_on: date | None,
    today: date,
    dfe_told_on: date | None = None,
    rapid_review_completed_on: date | None = None,
) -> SeriousIncident:
    """The partners' decision on a local child safeguarding practice review, and the date the DfE was told.

    A review to be carried out is published within 6 months of the decision (Working Together 2018 ch. 4).
    """
    _lock_incident(actor, incident)
    errors: dict[str, str] = {}
    if decided_on is None:
        errors["decided_on"] = "Enter the date of the decision"
    elif decided_on > today:
        errors["decided_on"] = FUTURE.format(what="The date of the decision")
    elif incident.notified_on and decided_on < incident.notified_on:
        errors["decided_on"] = "The decision cannot be before the Panel was notified"
    if dfe_told_on is not None and decided_on is not None and dfe_told_on < decided_on:
        errors["dfe_told_on"] = "The DfE cannot be told of the decision before it was made"
    if dfe_told_on is not None and dfe_told_on > today:
        errors["dfe_told_on"] = FUTURE.format(what="The date the DfE was told")
    if rapid_review_completed_on is not None and rapid_review_completed_on > today:
        errors["rapid_review_completed_on"] = FUTURE.format(what="The date the rapid review was completed")
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None
    incident.review_decision, incident.review_decided_on, incident.dfe_told_on = (
        decision,
        decided_on,
        dfe_told_on,
    )
    if rapid_review_completed_on is not None:
        incident.rapid_review_completed_on = rapid_review_completed_on
        _deadline_meet(
            subject_type="incident",
            subject_id=incident.pk,
            rule_ids=["rapid_review.completion"],
            met_on=rapid_review_completed_on,
        )
    incident.updated_by = actor
    with pghistory.context(user=actor.pk, reason="Local review decided"):
        incident.save()
    if decision == SeriousIncident.ReviewDecision.YES:
        _incident_deadline(incident, "lcspr.publication", decided_on)
    audit_record(
        actor=actor,
        la_id=incident.la_id,
        action="incident.review_decided",
        target=incident,
        child=incident.child,
        summary=f"Local review: {incident.get_review_decision_display()} ({decided_on:%-d %B %Y})"
        + (f"; DfE told {dfe_told_on:%-d %B %Y}" if dfe_told_on else ""),
    )
    return incident


@transaction.atomic
def incident_review_published(
    *, actor: User, incident: SeriousIncident, published_on: date, today: date
) -> None:
    _lock_incident(actor, incident)
    if published_on > today:
        raise ValidationError({"published_on": FUTURE.format(what="The publication date")})
    if incident.review_decided_on is None or published_on < incident.review_decided_on:
        raise ValidationError({"published_on": "The review cannot be published before it was decided on"})
    incident.review_published_on = published_on
    incident.updated_by = actor
    with pghistory.context(user=actor.pk, reason="Local review published"):
        incident.save(update_fields=["review_published_on", "updated_by", "updated_at"])
    _deadline_meet(
        subject_type="incident", subject_id=incident.pk, rule_ids=["lcspr.publication"], met_on=published_on
    )
    audit_record(
        actor=actor,
        la_id=incident.la_id,
        action="incident.review_published",
        target=incident,
        child=incident.child,
        summary=f"Local review published {published_on:%-d %B %Y}",
    )
