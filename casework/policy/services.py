"""An LA declares its own emergency; RAG settings change with an effective date (PRODUCT.md M7)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from casework.audit.services import audit_record
from casework.core import permissions
from casework.policy.models import EmergencyDeclaration, RagSettingsVersion
from casework.policy.rag_codec import rag_settings_from_json, rag_settings_to_json
from domain.contact import RagSettings, validate_rag_settings

if TYPE_CHECKING:
    from casework.accounts.models import User

# Every child with an open status goes into the re-rating queue when an emergency is declared.
QUEUE_EVERY_OPEN_CASE = """
INSERT INTO risk_reratetrigger (la_id, child_id, reason, occurred_on, detail, created_at, updated_at,
                                created_by_id)
SELECT DISTINCT s.la_id, s.child_id, 'emergency_declared', %(day)s, %(detail)s, now(), now(), %(actor)s
FROM children_legalstatus s
WHERE s.la_id = %(la)s AND s.starts_on <= %(day)s AND (s.ends_on IS NULL OR s.ends_on >= %(day)s)
"""


@transaction.atomic
def emergency_declare(
    *, actor: User, name: str, starts_on: date, rating_target_date: date, reason: str, today: date
) -> EmergencyDeclaration:
    """Declare the LA's own emergency: practice moves to risk-based contact and every open case must be
    rated by the target date."""
    if not permissions.can_declare_emergency(actor):
        raise PermissionDenied("Only a head of service can declare an emergency.")
    la_id = permissions.la_id_of(actor)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter why the emergency is being declared"
    if rating_target_date < starts_on:
        errors["rating_target_date"] = "The rating target date must be on or after the start of the emergency"
    open_now = EmergencyDeclaration.objects.filter(la_id=la_id, ends_on__isnull=True).first()
    if open_now is not None:
        errors["starts_on"] = f"{open_now.name} is still in force: end it before declaring another"
    if errors:
        raise ValidationError(errors)
    declaration = EmergencyDeclaration(
        la_id=la_id,
        name=name,
        starts_on=starts_on,
        rating_target_date=rating_target_date,
        reason=reason,
        declared_by=actor,
        created_by=actor,
        updated_by=actor,
    )
    with pghistory.context(user=actor.pk, reason=reason[:200]):
        declaration.save()
    with connection.cursor() as cursor:
        cursor.execute(
            QUEUE_EVERY_OPEN_CASE,
            {
                "day": max(starts_on, today) if starts_on > today else starts_on,
                "detail": name[:300],
                "actor": actor.pk,
                "la": la_id,
            },
        )
        queued = cursor.rowcount
    audit_record(
        actor=actor,
        la_id=la_id,
        action="emergency.declared",
        target=declaration,
        summary=f"Declared {name} from {starts_on:%-d %B %Y}; {queued} open cases to re-rate by "
        f"{rating_target_date:%-d %B %Y}",
        reason=reason,
    )
    return declaration


@transaction.atomic
def emergency_end(*, actor: User, declaration: EmergencyDeclaration, ends_on: date, reason: str) -> None:
    if not permissions.can_declare_emergency(actor) or declaration.la_id != actor.la_id:
        raise PermissionDenied("Only a head of service can end an emergency.")
    if ends_on < declaration.starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date"})
    with pghistory.context(user=actor.pk, reason=reason[:200]):
        declaration.ends_on = ends_on
        declaration.save(update_fields=["ends_on", "updated_at"])
    audit_record(
        actor=actor,
        la_id=declaration.la_id,
        action="emergency.ended",
        target=declaration,
        summary=f"Ended {declaration.name} on {ends_on:%-d %B %Y}",
        reason=reason,
    )


@transaction.atomic
def rag_settings_change(
    *, actor: User, settings: RagSettings, effective_from: date, label: str, reason: str, today: date
) -> RagSettingsVersion:
    """A new version of the LA's RAG settings from a date. Past ratings keep the version they used."""
    if not permissions.can_change_rag_settings(actor):
        raise PermissionDenied("Only a head of service or an administrator can change the RAG settings.")
    problems = validate_rag_settings(settings)
    errors: dict[str, list[str]] = {}
    if problems:
        errors["settings"] = problems
    if effective_from < today:
        errors.setdefault("effective_from", []).append(
            "Settings cannot change the past: choose today or later"
        )
    if not reason.strip():
        errors["reason"] = ["Enter why the settings are changing"]
    if errors:
        raise ValidationError(errors)
    la_id = permissions.la_id_of(actor)
    data = rag_settings_to_json(settings)
    rag_settings_from_json(data, effective_from=effective_from, label=label)  # the stored form must read back
    version, _ = RagSettingsVersion.objects.update_or_create(
        la_id=la_id,
        effective_from=effective_from,
        defaults={
            "label": label,
            "settings": data,
            "reason": reason,
            "created_by": actor,
            "updated_by": actor,
        },
    )
    audit_record(
        actor=actor,
        la_id=la_id,
        action="rag_settings.changed",
        target=version,
        summary=f"RAG settings '{label}' from {effective_from:%-d %B %Y}",
        reason=reason,
    )
    return version
