"""The fortnightly return's downloads (CSV and XLSX) and their audit. The return writes no records: the
only write is the audit event saying who downloaded which fortnight, in which form."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from casework.audit.services import audit_record
from casework.core import permissions, spreadsheet, workbook
from casework.core.models import LocalAuthority
from casework.core.replica import atomic_reads
from casework.fortnightly import selectors
from casework.fortnightly.selectors import CHILDREN, HOMES, MEASURES, NONE, REFERRALS, STAFF, Measure
from domain.fortnightly import Fortnight

if TYPE_CHECKING:
    from casework.accounts.models import User

CHUNK = 2000
SUMMARY_COLUMNS = ["Measure ID", "Section", "Measure", "Value", "Out of", "Percentage", "Definition"]
DETAIL_COLUMNS = ["Measure ID", "Measure", "Record type", "Record ID", "LA child IDs"]
CHILD_COLUMNS = [
    "LA child ID",
    "Looked after on last day",
    "Child protection plan on last day",
    "Child in need status on last day",
    "Last seen in the 4 weeks",
    "How last seen",
    "Last seen face to face in the 4 weeks",
    "Started to be looked after on",
    "Education setting URN",
    "Education setting closed",
    "Missed school records in the fortnight",
    "In a children's home on last day",
]
RECORD_TYPES = {CHILDREN: "child", STAFF: "social worker", REFERRALS: "referral", HOMES: "children's home"}


def _yes(value: Any) -> str:
    return "Yes" if value else "No"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _header(*, user: User, result: selectors.FortnightlyReturn) -> list[list[str]]:
    period = result.period
    la = LocalAuthority.objects.get(pk=permissions.la_id_of(user))
    return [
        ["DfE fortnightly return: vulnerable children and young people survey"],
        ["Local authority", la.name, la.lea_code],
        ["Fortnight", period.starts_on.isoformat(), period.ends_on.isoformat()],
        ["Last 4 weeks (contact)", period.contact_window_starts_on.isoformat(), period.ends_on.isoformat()],
        [
            f"More than {result.threshold_percent}% of social workers unavailable",
            _yes(result.social_workers_over_threshold),
        ],
        ["Produced", timezone.localtime().isoformat(timespec="seconds"), str(user)],
        [],
    ]


def _summary_rows(result: selectors.FortnightlyReturn) -> Iterator[list[Any]]:
    for f in result.figures:
        m = f.measure
        value: Any = f.value if f.computable else "Not computable"
        yield [m.key, m.section, m.label, value, "" if f.of is None else f.of, f.percent or "", m.definition]


def _child_row(child: dict[str, Any]) -> list[Any]:
    has_setting = child["has_setting"]
    return [
        child["la_child_id"],
        _yes(child["lac"]),
        _yes(child["cp"]),
        _yes(child["cin"]),
        _day(child["last_seen_on"]),
        child["last_seen_mode"],
        _day(child["last_face_to_face_on"]),
        _day(child["looked_after_from"]),
        child["education_setting__urn"] or "",
        _yes(child["setting_closed"]) if has_setting else "",
        child["missed_days"],
        _yes(child["in_childrens_home"]),
    ]


def _detail_table(
    measure: Measure, *, user: User, period: Fortnight
) -> tuple[list[str], Iterator[list[Any]]]:
    """The staff, referrals or homes behind one figure, as rows for a download (never names of children;
    the children behind a figure are `_child_row`s of `selectors.child_rows`, read once for all)."""
    records = selectors.list_behind(measure, user=user, period=period).iterator(chunk_size=CHUNK)
    if measure.record == STAFF:
        return ["Username", "Team", "Absences in the fortnight"], (
            [
                u.username,
                str(u.team or ""),
                "; ".join(
                    f"{a.get_status_display()} {_day(a.starts_on)} to {_day(a.ends_on) or 'not known'}"
                    f"{' (working from home)' if a.can_work_from_home else ''}"
                    for a in u.period_absences
                ),
            ]
            for u in records
        )
    if measure.record == REFERRALS:
        return ["Referral number", "Received", "Source", "LA child IDs"], (
            [
                r.pk,
                timezone.localtime(r.received_at).isoformat(timespec="minutes"),
                r.source,
                " ".join(c.la_child_id for c in r.listed_children),
            ]
            for r in records
        )
    return ["Household number", "Postcode", "COVID-19 statuses in the fortnight", "Children placed"], (
        [
            h.pk,
            h.postcode,
            "; ".join(
                f"{s.get_status_display()} {_day(s.starts_on)} to {_day(s.ends_on) or 'not known'}"
                for s in h.period_statuses
            ),
            h.placed,
        ]
        for h in records
    )


def _detail_ids(
    measure: Measure, *, user: User, period: Fortnight, children: list[dict[str, Any]]
) -> Iterator[list[Any]]:
    """One row per record behind `measure`: its ID, and for a referral the children it names."""
    kind = RECORD_TYPES[measure.record]
    if measure.record == CHILDREN:
        for child in selectors.matching(children, measure):
            yield [measure.key, measure.label, kind, child["la_child_id"], child["la_child_id"]]
        return
    records = selectors.list_behind(measure, user=user, period=period)
    if measure.record == STAFF:
        for username in records.values_list("username", flat=True):
            yield [measure.key, measure.label, kind, username, ""]
    elif measure.record == REFERRALS:
        for r in records.iterator(chunk_size=CHUNK):
            yield [measure.key, measure.label, kind, r.pk, " ".join(c.la_child_id for c in r.listed_children)]
    else:
        for pk in records.values_list("pk", flat=True):
            yield [measure.key, measure.label, kind, pk, ""]


def _require_maker(actor: User) -> None:
    if not permissions.can_read_returns(actor):
        raise PermissionDenied("Only heads of service and performance analysts can download the return.")


@transaction.atomic
def _audit(*, user: User, period: Fortnight, form: str) -> None:
    la = LocalAuthority.objects.get(pk=permissions.la_id_of(user))
    audit_record(
        actor=user,
        la_id=la.pk,
        action="fortnightly.download",
        target=la,
        summary=(
            f"Downloaded the DfE fortnightly return ({form}) for {period.starts_on:%-d %B %Y} to "
            f"{period.ends_on:%-d %B %Y}"
        ),
        changes={
            "form": form,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
    )


@atomic_reads
def return_csv(*, actor: User, period: Fortnight, detail: bool = False) -> str:
    """The return as CSV: one row per measure with its definition, or (`detail`) one row per record
    behind each measure. The download is audited."""
    _require_maker(actor)
    buffer = io.StringIO()
    writer = spreadsheet.writer(buffer)
    if detail:
        writer.writerow(DETAIL_COLUMNS)
        children = selectors.child_rows(user=actor, period=period)
        for measure in MEASURES:
            if measure.record != NONE:
                writer.writerows(_detail_ids(measure, user=actor, period=period, children=children))
    else:
        result = selectors.fortnightly_return(user=actor, period=period)
        writer.writerows(_header(user=actor, result=result))
        writer.writerow(SUMMARY_COLUMNS)
        writer.writerows(_summary_rows(result))
    _audit(user=actor, period=period, form="CSV, records behind each figure" if detail else "CSV")
    return buffer.getvalue()


@atomic_reads
def return_xlsx(*, actor: User, period: Fortnight) -> bytes:
    """The return as a workbook: the figures on the first sheet, then a sheet per measure listing the
    records behind it (LA child IDs and the fields that decided inclusion). The download is audited."""
    _require_maker(actor)
    children = selectors.child_rows(user=actor, period=period)
    result = selectors.fortnightly_return(user=actor, period=period, children=children)
    behind = selectors.matching_each(
        children, [f.measure for f in result.figures if f.measure.record == CHILDREN]
    )
    buffer = io.BytesIO()
    with workbook.Workbook(buffer) as book:
        book.add_sheet(
            "Return", [*_header(user=actor, result=result), SUMMARY_COLUMNS, *_summary_rows(result)]
        )
        rendered: dict[int, workbook.Row] = {}  # each child's row made once, for every sheet it is on

        def child(row: dict[str, Any]) -> workbook.Row:
            made = rendered.get(row["pk"])
            if made is None:
                made = rendered[row["pk"]] = book.row(_child_row(row))
            return made

        for figure in result.figures:
            measure = figure.measure
            if measure.record == NONE:
                continue
            rows: Iterable[list[Any] | workbook.Row]
            if measure.record == CHILDREN:
                columns, rows = CHILD_COLUMNS, map(child, behind[measure.key])
            else:
                columns, rows = _detail_table(measure, user=actor, period=period)
            top = [[measure.label], [measure.definition], [], columns]
            book.add_sheet(_sheet_title(measure.key), itertools.chain(top, rows))
    _audit(user=actor, period=period, form="XLSX")
    return buffer.getvalue()


def _sheet_title(key: str) -> str:
    """Excel sheet names are at most 31 characters."""
    return key.replace("social_workers", "sw").replace("childrens_homes", "homes")[:31]
