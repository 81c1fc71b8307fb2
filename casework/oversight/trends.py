"""Figures over time for the oversight charts: contact by week across the emergency, and staff available
by day. Counts only (no child is named), LA-wide, for the head of service's and the sitrep's pictures.

Contact by week is worked out from the contacts recorded (a child counts once a week however many times
seen) and kept in `WeeklyFigures`, because reading every contact of a large authority on each page view
would cost seconds; `refresh_weekly_figures` runs nightly (`continuity refresh_figures`) and after the
demo loads, and recomputes the last weeks each time so that contacts recorded late are counted. Staff
available is read live from the absences (a few thousand rows at most).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, connections, transaction
from django.utils import timezone

from casework.accounts.models import StaffAbsence, User
from casework.children.models import LegalStatus
from casework.contacts.models import FACE_TO_FACE_MODES, Contact
from casework.core.replica import read_alias
from casework.oversight.models import WeeklyFigures
from casework.policy.models import EmergencyDeclaration

# Without an emergency declaration the charts look back this far.
DEFAULT_WEEKS = 12
# The weeks recomputed each night even when already known: contacts are sometimes recorded days late.
RECOMPUTE_WEEKS = 3
STAFF_DAYS = 56


def week_starting(day: date) -> date:
    return day - timedelta(days=day.weekday())


def trend_start(*, la_id: int, today: date) -> date:
    """The first day the charts show: the start of the latest emergency declared (in force or not, so
    the picture of a past emergency stays), or DEFAULT_WEEKS back."""
    declared = (
        EmergencyDeclaration.objects.filter(la_id=la_id, starts_on__lte=today)
        .order_by("-starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    default = today - timedelta(weeks=DEFAULT_WEEKS)
    return declared if declared and declared >= today - timedelta(weeks=52) else default


def _open_cases_on(*, la_id: int, day: date) -> int:
    return (
        LegalStatus.objects.filter(la_id=la_id, starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .values("child_id")
        .distinct()
        .count()
    )


@transaction.atomic
def refresh_weekly_figures(*, la_id: int, today: date, since: date | None = None) -> int:
    """Work out the weekly contact figures from `since` (default: RECOMPUTE_WEEKS back, or the trend's
    start when none are kept yet) to the week of `today`; returns the number of weeks written."""
    start = trend_start(la_id=la_id, today=today)
    if since is None:
        known = WeeklyFigures.objects.filter(la_id=la_id, week_starting__gte=week_starting(start)).exists()
        since = today - timedelta(weeks=RECOMPUTE_WEEKS) if known else start
    first = week_starting(max(since, start))
    tz = timezone.get_current_timezone()
    from_at = timezone.make_aware(datetime.combine(first, time.min), tz)
    face_to_face = [str(m) for m in FACE_TO_FACE_MODES]
    with connection.cursor() as cursor:
        # One pass over the LA's contacts since `first` (index contact_la_child_mode: la first).
        cursor.execute(
            f"""
            SELECT date_trunc('week', occurred_at AT TIME ZONE %s)::date AS week,
                   count(DISTINCT child_id) FILTER (WHERE child_seen),
                   count(DISTINCT child_id) FILTER (WHERE child_seen AND mode = ANY(%s)),
                   count(DISTINCT child_id) FILTER (WHERE child_seen_alone)
            FROM {Contact._meta.db_table}
            WHERE la_id = %s AND occurred_at >= %s
            GROUP BY 1
            """,  # noqa: S608
            [str(tz), face_to_face, la_id, from_at],
        )
        seen = {row[0]: row[1:] for row in cursor.fetchall()}
    now = timezone.now()
    written = 0
    week = first
    while week <= today:
        end = min(week + timedelta(days=6), today)
        s, f2f, alone = seen.get(week, (0, 0, 0))
        WeeklyFigures.objects.update_or_create(
            la_id=la_id,
            week_starting=week,
            defaults={
                "open_cases": _open_cases_on(la_id=la_id, day=end),
                "seen": s,
                "seen_face_to_face": f2f,
                "seen_alone": alone,
                "computed_at": now,
            },
        )
        written += 1
        week += timedelta(weeks=1)
    return written


def weekly_figures(*, la_id: int, today: date) -> list[WeeklyFigures]:
    start = week_starting(trend_start(la_id=la_id, today=today))
    return list(WeeklyFigures.objects.filter(la_id=la_id, week_starting__gte=start, week_starting__lte=today))


@dataclass(frozen=True)
class StaffDay:
    day: date
    active: int
    off: int

    @property
    def available(self) -> int:
        return self.active - self.off


def staff_by_day(*, la_id: int, today: date, active: int) -> list[StaffDay]:
    """Staff off on each day from the trend's start (at most STAFF_DAYS back) to today, counted from
    the absences of staff active today (a leaver's past absences are not in today's count either)."""
    start = max(trend_start(la_id=la_id, today=today), today - timedelta(days=STAFF_DAYS - 1))
    # A read like the page's others: the replica when this request may read it.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f"""
            WITH window_absences AS MATERIALIZED (
              -- Only the absences that overlap the days drawn (an LA's history holds years of them),
              -- of staff active today: read once, then matched to each day.
              SELECT a.user_id, a.starts_on, a.ends_on
              FROM {StaffAbsence._meta.db_table} a
              JOIN {User._meta.db_table} u ON u.id = a.user_id AND u.is_active
              WHERE a.la_id = %s AND a.starts_on <= %s::date AND (a.ends_on IS NULL OR a.ends_on >= %s::date)
            )
            SELECT d::date, count(DISTINCT a.user_id)
            FROM generate_series(%s::date, %s::date, interval '1 day') AS d
            LEFT JOIN window_absences a
              ON a.starts_on <= d::date AND (a.ends_on IS NULL OR a.ends_on >= d::date)
            GROUP BY 1 ORDER BY 1
            """,  # noqa: S608
            [la_id, today, start, start, today],
        )
        return [StaffDay(day, active, off) for day, off in cursor.fetchall()]
