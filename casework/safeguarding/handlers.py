"""How the safeguarding app reacts to what the apps below it announce (subscribed in apps.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from casework.children.events import LookedAfterStarted
from casework.children.models import Child
from casework.safeguarding.selectors import child_safeguarding
from casework.safeguarding.services import looked_after_started

if TYPE_CHECKING:
    from casework.accounts.models import User


def looked_after_review_open(event: LookedAfterStarted) -> None:
    """A child became looked after: open the first review's deadline (CPPCR 2010 reg 33)."""
    child = Child.objects.get(pk=event.child_id, la_id=event.la_id)
    looked_after_started(status_id=event.status_id, child=child, starts_on=event.starts_on)


def safeguarding_section(user: User, child: Child, today: date) -> dict[str, Any]:
    """On the child's record: referrals, meetings, information shared and open deadlines."""
    return {"safeguarding": child_safeguarding(child=child, today=today)}
