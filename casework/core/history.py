"""Row-level change history (django-pghistory), the same way for every tracked model.

One label, "snapshot", for inserts and updates alike, so that each event's diff is against the
row's previous state, whichever operation made it. Triggers write the rows, so even a bulk update
through the ORM or SQL is recorded; the event tables are append-only (PGHISTORY_APPEND_ONLY).
"""

from __future__ import annotations

from typing import Any

import pghistory


def tracked(**kwargs: Any) -> Any:
    return pghistory.track(pghistory.InsertEvent("snapshot"), pghistory.UpdateEvent("snapshot"), **kwargs)
