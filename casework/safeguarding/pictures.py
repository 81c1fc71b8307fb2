"""The deadlines page's chart (`casework.core.charts`): deadlines met on time, month by month."""

from __future__ import annotations

from collections.abc import Sequence

from casework.core.charts import Chart, Series, share_text
from casework.safeguarding.selectors import DeadlineMonth


def deadlines_chart(months: Sequence[DeadlineMonth]) -> Chart:
    on_time = sum(m.on_time for m in months)
    late = sum(m.late for m in months)
    missed = sum(m.missed for m in months)
    total = on_time + late + missed
    since = f"{months[0].month:%B %Y}" if months else ""
    summary = (
        f"Of {total:,} deadlines due since {since}, {on_time:,} ({share_text(on_time, total)}) "
        f"were met on time, {late:,} late and {missed:,} not met."
        if total
        else "No deadline fell due in these months."
    )
    return Chart(
        id="deadlines-by-month",
        title="Deadlines met on time, by the month they fell due",
        summary=summary,
        categories=tuple(f"{m.month:%B %Y}" for m in months),
        series=(
            Series("Met on time", tuple(m.on_time for m in months), "green"),
            Series("Met late", tuple(m.late for m in months), "amber"),
            Series("Not met", tuple(m.missed for m in months), "red"),
        ),
        category_heading="Month due",
    )
