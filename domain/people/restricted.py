"""Who is named on a restricted record (PRODUCT.md M20: "restricted records").

A restricted record is seen only by the people named on it and the allocated worker
(casework/children/access.py). The rules for changing the names keep the record reachable: someone named
must remain to open it, and nobody names themselves (access is given by another person, as a role is:
OWASP ASVS 4.0 4.1.3, least privilege; 1.4.x, access decided by someone accountable).
"""

from __future__ import annotations

NAME_YOURSELF = "You cannot name yourself on a restricted record: ask another manager or an administrator"
ALREADY_NAMED = "{name} is already named on this record"
LAST_NAMED = (
    "{name} is the only person named on this record: name someone else first, or open the record to "
    "everyone whose role lets them see it"
)
NO_REASON = "Enter why the change is being made"
SEES_NO_RECORDS = "{name} is a system administrator: administrators do not see children's records"


def removal_problem(*, name: str, named_count: int) -> str | None:
    """Removing a name is refused when nobody named would remain: a restricted record then could be opened
    by its allocated worker alone, and no manager could open it to change who sees it."""
    return LAST_NAMED.format(name=name) if named_count <= 1 else None
