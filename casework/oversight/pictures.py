"""The oversight pages' charts (`casework.core.charts`), built from the figures the pages already count:
no chart reads anything its page's table does not, so a chart never shows a figure its reader may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from casework.core.charts import Chart, Series, share_text, trend_summary
from casework.oversight.models import WeeklyFigures
from casework.oversight.selectors import Progress, RerateProgress
from casework.oversight.trends import StaffDay

RATING_TONES = {"red": "red", "amber": "amber", "green": "green", "none": "grey"}


def _children_link(**params: Any) -> str:
    return reverse("oversight:children") + "?" + urlencode({k: v for k, v in params.items() if v})


def cohort_chart(matrix: dict[str, Any]) -> Chart:
    """Open cases by legal status, each bar split by rating (a child with two statuses is in both bars)."""
    rows = [row for row in matrix["rows"] if row.total]
    series = tuple(
        Series(label, tuple(row.cells[i].count for row in rows), RATING_TONES[key])
        for i, (key, label) in enumerate(matrix["columns"])
    )
    totals = {
        label: cell.count for (key, label), cell in zip(matrix["columns"], matrix["totals"], strict=True)
    }
    total = matrix["total"]
    summary = (
        f"{total:,} children have an open case: "
        + ", ".join(f"{n:,} {label.lower()} ({share_text(n, total)})" for label, n in totals.items())
        + "."
    )
    if rows:
        biggest = max(rows, key=lambda r: r.total)
        summary += f" The largest group is {biggest.label.lower()} ({biggest.total:,})."
    return Chart(
        id="cohort",
        title="Open cases by legal status and rating",
        summary=summary,
        categories=tuple(row.label for row in rows),
        series=series,
        category_heading="Legal status",
        links=tuple(_children_link(status=row.status) for row in rows),
        show_table=False,
    )


# A chart shows at most this many bars, the rest as one bar "N other teams": a large authority has
# hundreds of teams, and a chart of 300 bars is read by no one (and drawn slowly). Each bar's list is linked.
CHART_BARS = 12


def overdue_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """Overdue contacts by team, split red, amber and the rest: the teams with most overdue (the rows
    come most overdue first), then the other teams together."""
    total = sum(r["overdue"] for r in rows)
    red = sum(r["red"] for r in rows)
    summary = (
        f"{total:,} children are overdue a contact, {red:,} of them rated red."
        if total
        else "No contact is overdue."
    )
    if rows:
        summary += f" Most overdue: {rows[0]['team__name'] or 'no team'} ({rows[0]['overdue']:,})."
    shown, rest = list(rows[:CHART_BARS]), rows[CHART_BARS:]
    links = [_children_link(measure="overdue", team=r["team_id"]) for r in shown]
    if rest:
        others = {k: sum(r[k] for r in rest) for k in ("overdue", "red", "amber")}
        shown.append({**others, "team__name": f"{len(rest)} other teams"})
        links.append(_children_link(measure="overdue"))  # every overdue child: filter by team there
        summary += (
            f" The {CHART_BARS} teams with most overdue are shown, then the other {len(rest)} together."
        )
    return Chart(
        id="overdue-by-team",
        title="Overdue contacts by team",
        summary=summary,
        categories=tuple(r["team__name"] or "No team" for r in shown),
        series=(
            Series("Red", tuple(r["red"] for r in shown), "red"),
            Series("Amber", tuple(r["amber"] for r in shown), "amber"),
            Series("Green or not rated", tuple(r["overdue"] - r["red"] - r["amber"] for r in shown), "grey"),
        ),
        category_heading="Team",
        links=tuple(links),
    )


def rerate_chart(progress: RerateProgress, *, by: str = "Team") -> Chart:
    """Progress of the re-rating exercise per row, each bar as shares of its open cases."""
    rows = progress.rows
    behind = [r.label for r in rows if r.percent_signed_off < 100]
    # Those furthest behind first (the ones a head of service chases), then the others as one bar.
    shown = sorted(rows, key=lambda r: (r.percent_signed_off, r.label))[:CHART_BARS]
    rest = [r for r in rows if all(r is not s for s in shown)]
    if rest:
        shown.append(
            Progress(
                f"{len(rest)} other {by.lower()}s",
                open=sum(r.open for r in rest),
                signed_off=sum(r.signed_off for r in rest),
                awaiting=sum(r.awaiting for r in rest),
            )
        )
    total = progress.total
    target = progress.emergency.rating_target_date
    when = (
        f"{progress.days_left} day{'s' if progress.days_left != 1 else ''} before the target date"
        if progress.days_left >= 0
        else f"{-progress.days_left} days after the target date"
    )
    summary = (
        f"{total.signed_off:,} of {total.open:,} open cases ({share_text(total.signed_off, total.open)}) are "
        f"rated and signed off, {when} ({target:%-d %B %Y}). "
        + (f"{len(behind)} of {len(rows)} not yet complete." if behind else "Every one is complete.")
        + (
            f" The {CHART_BARS} furthest behind are shown, then the other {len(rest)} together."
            if rest
            else ""
        )
    )
    return Chart(
        id="rerate-progress",
        title=f"Re-rating progress by {by.lower()} against {target:%-d %B %Y}",
        summary=summary,
        categories=tuple(r.label for r in shown),
        series=(
            Series("Rated and signed off", tuple(r.signed_off for r in shown), "green"),
            Series("Awaiting sign-off", tuple(r.awaiting for r in shown), "amber"),
            Series("Not started", tuple(r.not_started for r in shown), "grey"),
        ),
        share=True,
        category_heading=by,
    )


def _week_label(week: date) -> str:
    return f"{week:%-d %b}"


def contact_over_time_chart(weeks: Sequence[WeeklyFigures], *, today: date) -> Chart:
    """The share of open cases seen, and seen face to face, in each week of the emergency."""
    labels = tuple(_week_label(w.week_starting) for w in weeks)

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    seen = tuple(share(w.seen, w.open_cases) for w in weeks)
    f2f = tuple(share(w.seen_face_to_face, w.open_cases) for w in weeks)
    summary = (
        trend_summary("Open cases seen in the week", labels, seen, "%").replace(" %", "%")
        + " "
        + trend_summary("Seen face to face", labels, f2f, "%").replace(" %", "%")
    )
    if weeks and weeks[-1].week_starting + timedelta(days=6) > today:
        summary += " The last week is not over yet."
    if weeks:
        when = timezone.localtime(weeks[-1].computed_at)
        summary += f" Worked out from the contacts recorded, last on {when:%-d %B %Y at %H:%M}."
    else:
        summary = "No weekly figures yet: they are worked out each night from the contacts recorded."
    return Chart(
        id="contact-over-time",
        title="Children seen each week, as a share of open cases",
        summary=summary,
        categories=labels,
        series=(
            Series("Seen (any way)", seen, "blue"),
            Series("Seen face to face", f2f, "green"),
        ),
        kind="line",
        unit="% of open cases",
        maximum=100,
        category_heading="Week starting",
    )


def staff_chart(days: Sequence[StaffDay]) -> Chart:
    labels = tuple(f"{d.day:%-d %b}" for d in days)
    available = tuple(d.available for d in days)
    summary = trend_summary("Staff available", labels, available, "staff")
    if days:
        low = min(days, key=lambda d: d.available)
        summary += f" Fewest: {low.available:,} of {low.active:,} on {low.day:%-d %B}."
    return Chart(
        id="staff-over-time",
        title="Staff available each day",
        summary=summary,
        categories=labels,
        series=(Series("Available", available, "blue"), Series("Off", tuple(d.off for d in days), "red")),
        kind="line",
        unit="staff",
        category_heading="Day",
    )
