"""How the risk app reacts to what the apps below it announce (subscribed in apps.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from casework.children.events import RerateNeeded
from casework.risk.models import RerateTrigger
from casework.risk.services import can_rate

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child


def rerate_triggers_record(event: RerateNeeded) -> None:
    """Put each child's case back in the re-rating queue, with what happened and when."""
    RerateTrigger.objects.bulk_create(
        RerateTrigger(
            la_id=event.la_id,
            child_id=child_id,
            reason=event.reason,
            occurred_on=event.occurred_on,
            detail=event.detail[:300],
            created_by_id=event.actor_id,
        )
        for child_id in event.child_ids
    )


def rating_section(user: User, child: Child, today: date) -> dict[str, Any]:
    """On the child's record: whether the user may rate the case."""
    return {"can_rate": can_rate(user, child)}
