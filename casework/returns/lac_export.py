"""Export an LA's SSDA903 return for a collection year: one CSV per DfE table, as the DfE validator reads it.

Columns and their order: domain.census.ssda903 (RETURNS.md). Dates dd/mm/yyyy, UTF-8, no BOM. Each table is
one query streamed through a server-side cursor (chunks of CHUNK rows), so memory does not grow with the LA.

What belongs to collection year YEAR (period 1 April YEAR-1 .. 31 March YEAR), RecordTable.period:
- Episodes open at any time in the period (DECOM <= 31 March and DEC blank or >= 1 April);
- Reviews dated in the period; Missing, SWEpisodes, DoLo and PlacedAdoption periods touching it;
- OC2, OC3 and PrevPerm recorded for that collection year;
- AD1 of children whose care ended by adoption (REC E11/E12) in the period;
- Header rows for every child in those tables, UASC rows for those of them who were UASC in the period.

The return states the facts as at 31 March YEAR (rules 1012, EPI, 628, 104, 385, 388, 571):
- every table but OC3 only for children with an episode in the period (an adopted child's open
  PlacedAdoption row, a missing period, a review... never bring a child into a later year), and MOTHER /
  MC_DOB only for them (a care leaver in OC3 alone has none);
- an end date after 31 March is not known yet: it is written blank, and so are the values that go with it
  (DEC with REC and REASON_PLACE_CHANGE, MIS_END, DATE_PLACED_CEASED with REASON_PLACED_CEASED, SW_DEC with
  SW_REASON, DOLO_END); likewise a first child born after 31 March (MOTHER 0, MC_DOB blank);
- UPN is the child's UPN, else their UPN unknown reason if it is one the SSDA903 has (UN1-UN5), else blank
  (rule 442 then asks the LA for one: the export does not make a reason up);
- a table with no rows is not written (an empty SWEpisodes file trips SW12STG2, an empty DoLo file crashes
  the DoLo rules), and a file of that name left in the folder by an earlier export is removed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.children.models import Child
from casework.core.models import LocalAuthority
from casework.core.replica import read_alias
from casework.returns.children import GENDER_TO_SEX
from casework.returns.lac_import import RECORD_TABLES, RECORDS_BY_NAME, UPN_UNKNOWN, RecordTable
from casework.returns.models import ExportRun, LacEpisode, ReturnKind
from domain.census import ssda903 as s903
from domain.census.years import CollectionYear

CHUNK = 2000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "year") and hasattr(value, "day"):
        return s903.format_date(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _write(folder: Path, spec: s903.TableSpec, rows: Iterable[Iterable[Any]]) -> int:
    """Write the table's CSV; a table with no rows is not written (and an old file of it is removed)."""
    count = 0
    path = folder / spec.file_name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(spec.columns)
        for row in rows:
            writer.writerow([_text(value) for value in row])
            count += 1
    if not count:
        path.unlink()
    return count


def _looked_after(la: LocalAuthority, year: int, child: str) -> Exists:
    """Whether the child (OuterRef(child)) has an episode in collection year `year`."""
    episodes = RECORDS_BY_NAME["Episodes"]
    return Exists(
        LacEpisode.objects.filter(Q(la=la) & episodes.period(year)).filter(child_id=OuterRef(child))
    )


def _records(table: RecordTable, la: LocalAuthority, year: int) -> QuerySet[Any]:
    records = table.model._default_manager.filter(Q(la=la) & table.period(year))
    if table.spec.name in {"Episodes", "OC3"}:
        return records
    return records.filter(_looked_after(la, year, "child_id"))


def _record_rows(table: RecordTable, la: LocalAuthority, year: int) -> Iterator[list[Any]]:
    names = {column: name for column, name in table.fields}
    wanted = []
    for column in table.spec.columns:
        if column == "CHILD":
            wanted.append("child__la_child_id")
        elif column == "DOB":
            wanted.append("child__date_of_birth")
        else:
            wanted.append(names[column])
    order = ["child__la_child_id", *([table.key] if table.key and not table.per_year else [])]
    query = _records(table, la, year).order_by(*order).values_list(*wanted)
    ends = CollectionYear(year).ends
    closing = [table.spec.columns.index(column) for column in table.closing]
    for values in query.iterator(chunk_size=CHUNK):
        row = list(values)
        if closing and row[closing[0]] is not None and row[closing[0]] > ends:
            for index in closing:  # ended after 31 March: as at 31 March it had not
                row[index] = None
        yield row


def _header_rows(rows: Iterable[tuple[Any, ...]], ends: date) -> Iterator[tuple[Any, ...]]:
    for key, gender, dob, ethnic, upn, unknown, looked_after, mother, mc_dob in rows:
        if not upn and unknown in UPN_UNKNOWN:
            upn = unknown
        if not looked_after:
            mother = mc_dob = None
        elif mc_dob is not None and mc_dob > ends:
            mother, mc_dob = False, None
        yield key, GENDER_TO_SEX.get(gender, "U"), dob, ethnic, upn, mother, mc_dob


def export_903(*, la: LocalAuthority, year: int, folder: Path | str, actor: Any = None) -> ExportRun:
    """Write the LA's SSDA903 return for collection year `year` (the year it ends) into `folder`."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    period = CollectionYear(year)
    specs = {spec.name for spec in s903.tables_for(year)}
    tables = [table for table in RECORD_TABLES if table.spec.name in specs]
    counts: dict[str, int] = {}
    # Opened where the reads go: the replica, for a download that opts in (casework/core/replica.py).
    with transaction.atomic(using=read_alias()):
        in_return = Q()
        for table in tables:
            in_return |= Q(Exists(_records(table, la, year).filter(child_id=OuterRef("pk"))))
        children = (
            Child.objects.filter(la=la)
            .filter(in_return)
            .annotate(looked_after=_looked_after(la, year, "pk"))
            .order_by("la_child_id")
        )
        header = children.values_list(
            "la_child_id",
            "gender",
            "date_of_birth",
            "ethnicity",
            "upn",
            "return_details__upn_unknown",
            "looked_after",
            "return_details__mother",
            "return_details__mother_child_dob",
        ).iterator(chunk_size=CHUNK)
        counts["Header"] = _write(out, s903.HEADER, _header_rows(header, period.ends))
        # UASC during the period: DUC blank or not before 1 April. A later DUC is kept: UASC status ends at
        # 18, so it is known in advance, and the rules allow it (104 checks only DUC < 1 April).
        uasc = (
            children.filter(looked_after=True, return_details__uasc=True)
            .filter(
                Q(return_details__uasc_ceased__isnull=True)
                | Q(return_details__uasc_ceased__gte=period.starts)
            )
            .values_list("la_child_id", "gender", "date_of_birth", "return_details__uasc_ceased")
            .iterator(chunk_size=CHUNK)
        )
        counts["UASC"] = _write(
            out,
            s903.UASC,
            ((key, GENDER_TO_SEX.get(gender, "U"), dob, duc) for key, gender, dob, duc in uasc),
        )
        for table in tables:
            counts[table.spec.name] = _write(out, table.spec, _record_rows(table, la, year))
        run = ExportRun.objects.create(
            la=la,
            kind=ReturnKind.SSDA903,
            collection_year=year,
            children=counts["Header"],
            counts=counts,
            created_by_id=getattr(actor, "pk", None),
        )
    return run
