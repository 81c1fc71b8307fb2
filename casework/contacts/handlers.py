"""How the contacts app reacts to what the apps below it announce (subscribed in apps.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from casework.children.events import RegisterChanged
from casework.contacts.due import refresh_due_states
from casework.contacts.selectors import contact_summary_for_child

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.children.models import Child


def due_states_refresh(event: RegisterChanged) -> None:
    """The due states copy statuses, allocation and restriction: recompute the children's."""
    refresh_due_states(la_id=event.la_id, today=event.today, child_ids=event.child_ids)


def contact_section(user: User, child: Child, today: date) -> dict[str, Any]:
    """On the child's record: the plan, due dates, recent contacts and open departures."""
    return {"contact_summary": contact_summary_for_child(child=child)}
