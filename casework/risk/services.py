"""Rating a case, proposing its contact plan, and the manager's sign-off (PRODUCT.md M2, M3, M6)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from casework.audit.services import audit_record
from casework.children.models import Child
from casework.core import effects, permissions, signoff
from casework.policy import context
from casework.risk.events import RatingDecided, RatingSubmitted, RatingSuperseded
from casework.risk.models import RerateTrigger, RiskRating
from casework.risk.selectors import RatingAdvice, assess, rating_advice  # noqa: F401 (callers' names)
from domain.contact import ContactPlan as PlanRule
from domain.contact import PlanAssessment, Rating
from domain.people.rules import age_on
from domain.risk import FACTORS_BY_CODE, review_date, suggest_rating

if TYPE_CHECKING:
    from casework.accounts.models import User

RATIONALE_REQUIRED = "Enter the rationale for the rating: the evidence and why it leads to this rating"
DEPARTURE_RATIONALE_REQUIRED = (
    "The plan is below the minimum shown: enter why this is the right plan for the child"
)
DEPARTURE_RISK_REQUIRED = "The plan is below the minimum shown: enter how the risk to the child is managed"


def can_rate(user: User, child: Child) -> bool:
    """The allocated worker, practitioners of the child's team and its managers rate its case."""
    if user.la_id != child.la_id:
        return False
    if child.allocated_worker_id == user.pk or signoff.can_sign_off(user, child):
        return True
    return permissions.is_practitioner(user) and child.team_id is not None and child.team_id == user.team_id


@transaction.atomic
def rating_submit(
    *,
    actor: User,
    child: Child,
    rating: str,
    factors: list[str],
    rationale: str,
    plan: PlanRule,
    today: date,
    childs_views: str = "",
    family_strengths: str = "",
    departure_rationale: str = "",
    departure_risk_assessment: str = "",
) -> RiskRating:
    """Rate a case and propose its contact plan, for a manager to sign off.

    A plan below a minimum needs the departure recorded (what, why, the risk) for the manager too.
    A newer rating replaces one still awaiting sign-off.
    """
    if not can_rate(actor, child):
        raise PermissionDenied("You cannot rate this child's case.")
    _check_rating(rating, rationale, factors)
    assessment = assess(child=child, rating=rating, plan=plan, today=today)
    if assessment.departures:
        _check_departure_reasons(departure_rationale, departure_risk_assessment)
    Child.objects.select_for_update().filter(pk=child.pk).first()
    rules = context.rules_for(child.la_id, today)
    suggestion = suggest_rating(
        factors=factors,
        statuses=context.situation_for(child, today).statuses,
        age_years=age_on(child.date_of_birth, today) if child.date_of_birth else 0,
    )
    with pghistory.context(user=actor.pk, reason=rationale[:200]):
        for old in RiskRating.objects.filter(child=child, status=signoff.AWAITING):
            _supersede(old)
        record = RiskRating(
            la_id=child.la_id,
            child=child,
            rating=rating,
            suggested_rating=str(suggestion.rating),
            factors=sorted(set(factors)),
            rationale=rationale,
            childs_views=childs_views,
            family_strengths=family_strengths,
            rated_by=actor,
            rated_on=today,
            review_on=review_date(
                Rating(rating),
                today,
                context.calendar(),
                settings=context.rag_settings_for(child.la_id, today),
            ),
            regime=rules.regime.id,
            emergency_id=_emergency_pk(rules),
            created_by=actor,
            updated_by=actor,
        )
        _save_new_rating(record)
        effects.announce(
            RatingSubmitted(
                la_id=child.la_id,
                child_id=child.pk,
                rating_id=record.pk,
                plan=plan,
                assessment=assessment,
                departure_rationale=departure_rationale,
                departure_risk_assessment=departure_risk_assessment,
                regime=rules.regime.id,
                actor_id=actor.pk,
                today=today,
            )
        )
        RerateTrigger.objects.filter(child=child, resolved_by__isnull=True).update(resolved_by=record)
    _audit_submitted(
        actor=actor, record=record, suggested=str(suggestion.rating), plan=plan, assessment=assessment
    )
    return record


def _audit_submitted(
    *, actor: User, record: RiskRating, suggested: str, plan: PlanRule, assessment: PlanAssessment
) -> None:
    departures = f"; {len(assessment.departures)} departure(s) recorded" if assessment.departures else ""
    audit_record(
        actor=actor,
        la_id=record.la_id,
        action="rating.submitted",
        target=record,
        child=record.child,
        summary=f"Rated {record.get_rating_display().lower()} (suggested {suggested}); plan "
        f"{plan.describe()}{departures}",
        reason=record.rationale,
    )


def _check_rating(rating: str, rationale: str, factors: list[str]) -> None:
    errors: dict[str, str] = {}
    if rating not in Rating.__members__.values():
        errors["rating"] = "Select red, amber or green"
    if not rationale.strip():
        errors["rationale"] = RATIONALE_REQUIRED
    unknown = [f for f in factors if f not in FACTORS_BY_CODE]
    if unknown:
        errors["factors"] = f"Unknown factors: {', '.join(unknown)}"
    if errors:
        raise ValidationError(errors)


def _check_departure_reasons(rationale: str, risk_assessment: str) -> None:
    """A plan below a minimum is a departure: it needs why, and how the risk is managed."""
    errors: dict[str, str] = {}
    if not rationale.strip():
        errors["departure_rationale"] = DEPARTURE_RATIONALE_REQUIRED
    if not risk_assessment.strip():
        errors["departure_risk_assessment"] = DEPARTURE_RISK_REQUIRED
    if errors:
        raise ValidationError(errors)


def _save_new_rating(record: RiskRating) -> None:
    """Save in a savepoint: the one-live-rating constraint refuses a rating submitted at the same moment."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as err:  # another rating was submitted for the child at the same moment
        raise ValidationError(
            "Someone else rated this case at the same moment. Nothing of yours was saved: reload "
            "the page to see their rating.",
            code="race",
        ) from err


def _emergency_pk(rules: object) -> int | None:
    emergency = getattr(rules, "local_emergency", None)
    return int(emergency.id) if emergency is not None and str(emergency.id).isdigit() else None


def _supersede(old: RiskRating) -> None:
    old.status = signoff.SUPERSEDED
    old.save(update_fields=["status", "updated_at"])
    effects.announce(RatingSuperseded(rating_id=old.pk))


@transaction.atomic
def rating_decide(*, actor: User, rating_id: int, approve: bool, comment: str, today: date) -> RiskRating:
    """Sign off (or return) a rating, its contact plan and any departure the plan needs, together."""
    record = (
        RiskRating.objects.select_for_update(of=("self",))
        .select_related("child", "rated_by", "decided_by")
        .filter(pk=rating_id, la_id=permissions.la_id_of(actor))
        .first()
    )
    if record is None:
        raise PermissionDenied("No such rating.")
    signoff.decide(
        item=record,
        actor=actor,
        approve=approve,
        comment=comment,
        requester=record.rated_by,
        what="rating",
        child=record.child,
    )
    with pghistory.context(user=actor.pk, reason=comment or ("Signed off" if approve else "Returned")):
        record.save(update_fields=["status", "decided_by", "decided_at", "manager_comment", "updated_at"])
        effects.announce(
            RatingDecided(
                la_id=record.la_id,
                child_id=record.child_id,
                rating_id=record.pk,
                status=record.status,
                approved=approve,
                actor_id=actor.pk,
                decided_at=record.decided_at,
                comment=comment,
                today=today,
            )
        )
        if not approve:
            RerateTrigger.objects.create(
                la_id=record.la_id,
                child=record.child,
                reason="review_due",
                occurred_on=today,
                detail=f"Rating returned: {comment[:250]}",
                created_by=actor,
            )
    audit_record(
        actor=actor,
        la_id=record.la_id,
        action="rating.approved" if approve else "rating.returned",
        target=record,
        child=record.child,
        summary=f"{'Signed off' if approve else 'Returned'} {record.get_rating_display().lower()} rating "
        f"by {record.rated_by}",
        reason=comment,
    )
    return record


@transaction.atomic
def trigger_rerating(
    *, actor: User | None, child: Child, reason: str, occurred_on: date, detail: str = ""
) -> None:
    """Put a case back in the re-rating queue (new referral, refused access, COVID, missed school)."""
    if actor is not None and actor.la_id != child.la_id:  # None: the system (an import, a nightly job)
        raise PermissionDenied("That record belongs to another local authority.")
    RerateTrigger.objects.create(
        la_id=child.la_id,
        child=child,
        reason=reason,
        occurred_on=occurred_on,
        detail=detail[:300],
        created_by=actor,
    )
