"""Import an SSDA903 return: a folder (or list) of the DfE's CSV tables, streamed, in one transaction.

The stages every import has (casework.returns.importing): read (`open_tables`, `_rows`), check
(`_check_row`, then domain.census.ssda903.row_breaches / child_breaches), store (`_import_children`, then
`_store_batch` per table through bulk.Writes, `_remove_missing`), then the register and the report in
importing.execute (`_outcomes` gives each child's outcome).

Each file is identified by its exact column set (as the DfE validator does); the Header and UASC tables
create or update the children (one child across both returns: the LA child ID), then every other table is
read in batches of BATCH rows and written set-wise (a constant number of queries per batch).

Rejected (cannot be stored, RETURNS.md / the brief): no CHILD; a child neither in the Header nor already in
the register; an unparseable or impossible date in a stored date column (a bad DOB outside the Header is
not stored, so it is a breach); a missing key date; a key given twice (the second); a value longer than its
column; a row with the wrong number of values. Everything else is stored and the DfE rules it breaks are
listed (domain.census.ssda903.row_breaches / child_breaches).

Idempotence: rows are matched by their natural key (the unique constraints of the models), updated only
when a value differs. For the children in the Header/UASC tables and those with rows in the table, records
of a supplied table that fall in the collection period (RecordTable.period) and are not in the file are
removed (and noted), except for a child with a rejected row in that table. Tables not supplied are not
touched. A return states the facts as at 31 March of its year: a blank end date (with its reason: DEC,
REC and REASON_PLACE_CHANGE; MIS_END; DATE_PLACED_CEASED and REASON_PLACED_CEASED; SW_DEC and SW_REASON;
DOLO_END) does not clear a stored end date after the collection period (kept, and noted). A UPN of
UN1-UN5 is the child's UPN unknown reason, stored as such (not as a UPN). Unreadable files
(FileRefused) and held imports leave the database as it was.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from casework.children.models import Child
from casework.core.models import LocalAuthority
from casework.returns.bulk import Writes, new
from casework.returns.children import LABELS as CHILD_LABELS
from casework.returns.children import Identity, gender_for, upsert_children
from casework.returns.columns import LAC_TABLE_FIELDS
from casework.returns.importing import FileRefused, ImportLog, Progress, execute
from casework.returns.models import (
    ChildReturnDetails,
    ImportRun,
    LacAdoption,
    LacCareLeaver,
    LacDeprivationOfLiberty,
    LacEpisode,
    LacMissing,
    LacOutcomes,
    LacPlacedForAdoption,
    LacPreviousPermanence,
    LacReview,
    LacSocialWorkerEpisode,
    ReturnKind,
)
from domain.census import ssda903 as s903
from domain.census.years import CollectionYear, year_of

BATCH = 2000
MAX_LINE = 1 << 20  # characters: no SSDA903 row comes near it; a longer "line" is not a CSV of this return
ADOPTED = ("E11", "E12")
UPN_UNKNOWN = frozenset(f"UN{n}" for n in range(1, 6))  # the SSDA903's UPN unknown codes (rule 168)

# --- How each table is stored -------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordTable:
    """A table stored as one model row per CSV row (every table but Header and UASC)."""

    spec: s903.TableSpec
    model: type[models.Model]
    fields: tuple[tuple[str, str], ...]  # (column, model field), in column order, CHILD and DOB excluded
    key: str | None  # the model field that tells a child's rows apart (None: one row per child)
    per_year: bool = False  # one row per child per collection year (OC2, OC3, PrevPerm)
    period_columns: tuple[str, ...] = ()  # (start, end) dates placing a row in a collection year
    # The end date column and the columns that go with it (reason...): facts of after 31 March when the end
    # date is later than the collection period, so the return leaves them blank (RETURNS.md, rule 385).
    closing: tuple[str, ...] = ()

    def field_for(self, column: str) -> str:
        return dict(self.fields)[column]

    def period(self, year: int) -> Q:
        """The records of this table that belong to collection year `year` (export scope, removal scope)."""
        period = CollectionYear(year)
        start, end = period.starts, period.ends
        if self.per_year:
            return Q(collection_year=year)
        if self.model is LacEpisode:
            return Q(decom__lte=end) & (Q(dec__isnull=True) | Q(dec__gte=start))
        if self.model is LacReview:
            return Q(review__range=(start, end))
        if self.model is LacAdoption:
            adopted = LacEpisode.objects.filter(
                child_id=OuterRef("child_id"), rec__in=ADOPTED, dec__range=(start, end)
            )
            return Q(Exists(adopted))
        if self.model is LacPlacedForAdoption:
            return Q(date_placed__lte=end) & (
                Q(date_placed_ceased__isnull=True) | Q(date_placed_ceased__gte=start)
            )
        # Missing, SWEpisodes, DoLo: a period that touches the collection year.
        return Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))


RECORD_TABLES: tuple[RecordTable, ...] = (
    RecordTable(
        s903.EPISODES,
        LacEpisode,
        LAC_TABLE_FIELDS["Episodes"],
        "decom",
        period_columns=("DECOM", "DEC"),
        closing=("DEC", "REC", "REASON_PLACE_CHANGE"),
    ),
    RecordTable(
        s903.REVIEWS,
        LacReview,
        LAC_TABLE_FIELDS["Reviews"],
        "review",
        period_columns=("REVIEW", "REVIEW"),
    ),
    RecordTable(
        s903.OC2,
        LacOutcomes,
        LAC_TABLE_FIELDS["OC2"],
        "collection_year",
        per_year=True,
    ),
    RecordTable(
        s903.OC3,
        LacCareLeaver,
        LAC_TABLE_FIELDS["OC3"],
        "collection_year",
        per_year=True,
    ),
    RecordTable(
        s903.AD1,
        LacAdoption,
        LAC_TABLE_FIELDS["AD1"],
        None,
    ),
    RecordTable(
        s903.PLACED_ADOPTION,
        LacPlacedForAdoption,
        LAC_TABLE_FIELDS["PlacedAdoption"],
        "date_placed",
        period_columns=("DATE_PLACED", "DATE_PLACED_CEASED"),
        closing=("DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    ),
    RecordTable(
        s903.PREV_PERM,
        LacPreviousPermanence,
        LAC_TABLE_FIELDS["PrevPerm"],
        "collection_year",
        per_year=True,
    ),
    RecordTable(
        s903.MISSING,
        LacMissing,
        LAC_TABLE_FIELDS["Missing"],
        "start_date",
        period_columns=("MIS_START", "MIS_END"),
        closing=("MIS_END",),
    ),
    RecordTable(
        s903.SW_EPISODES,
        LacSocialWorkerEpisode,
        LAC_TABLE_FIELDS["SWEpisodes"],
        "start_date",
        period_columns=("SW_DECOM", "SW_DEC"),
        closing=("SW_DEC", "SW_REASON"),
    ),
    RecordTable(
        s903.DOLO,
        LacDeprivationOfLiberty,
        LAC_TABLE_FIELDS["DoLo"],
        "start_date",
        period_columns=("DOLO_START", "DOLO_END"),
        closing=("DOLO_END",),
    ),
)
RECORDS_BY_NAME = {table.spec.name: table for table in RECORD_TABLES}
LABELS = {
    "Episodes": "episode",
    "Reviews": "review",
    "OC2": "OC2 outcomes",
    "OC3": "OC3 care leaver record",
    "AD1": "AD1 adoption",
    "PlacedAdoption": "placed for adoption",
    "PrevPerm": "previous permanence",
    "Missing": "missing period",
    "SWEpisodes": "social worker episode",
    "DoLo": "deprivation of liberty",
}


# --- Reading files --------------------------------------------------------------------------------------


class _Counting(io.RawIOBase):
    """A raw binary stream that counts the bytes read through it."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self._on_read(len(data))
        return len(data)


@dataclass
class CsvFile:
    path: Path
    name: str
    spec: s903.TableSpec
    columns: list[str]  # upper-cased, in file order
    size: int


def _lines(raw: IO[bytes], name: str) -> Iterator[str]:
    """The file's lines, decoded one by one (a decoding error names its row), none longer than MAX_LINE."""
    line_number = 0
    while True:
        line = raw.readline(MAX_LINE)
        if not line:
            return
        line_number += 1
        if len(line) >= MAX_LINE and not line.endswith(b"\n"):
            raise FileRefused(
                "A row is longer than 1 MB, so this is not an SSDA903 CSV file.",
                location=f"{name}, row {line_number}",
                fix="Check that the right file was chosen and that it is a CSV export of the return.",
            )
        if b"\x00" in line:
            raise FileRefused(
                "The file contains NUL characters (it may be UTF-16 or not a text file).",
                location=f"{name}, row {line_number}",
                fix="Save the file as CSV UTF-8 and import it again.",
            )
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"The file is not UTF-8 text (byte {exc.start + 1} of the row cannot be decoded: "
                f"{exc.reason}).",
                location=f"{name}, row {line_number}",
                fix="Save the file as CSV UTF-8 and import it again.",
            ) from None
        yield text


def _open_binary(path: Path, name: str, on_read: Callable[[int], None]) -> IO[bytes]:
    raw = path.open("rb")
    start = raw.read(4)
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raw.close()
        raise FileRefused(
            "The file is UTF-16 text; the DfE's SSDA903 format is UTF-8.",
            location=name,
            fix="Save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8) and import it again.",
        )
    raw.seek(3 if start[:3] == b"\xef\xbb\xbf" else 0)
    on_read(raw.tell())
    return io.BufferedReader(_Counting(raw, on_read))


def _reader(raw: IO[bytes], name: str) -> Iterator[tuple[int, list[str]]]:
    """(row number in the file, values) for every non-blank row, refusing what csv cannot read."""
    reader = csv.reader(_lines(raw, name), strict=True)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileRefused(
                f"The file cannot be read as CSV: {exc}.",
                location=f"{name}, row {reader.line_num}",
                fix="Check the quotes and separators on that row (values are separated by commas).",
            ) from None
        if values and any(value.strip() for value in values):
            yield reader.line_num, values


def open_csv(path: Path) -> CsvFile:
    """Identify a file's table by its first row (columns), refusing it clearly if it is none."""
    name = path.name
    if not path.is_file():
        raise FileRefused(
            "There is no such file.", location=str(path), fix="Check the path (a folder or CSV files)."
        )
    size = path.stat().st_size
    if size == 0:
        raise FileRefused(
            "The file is empty.",
            location=name,
            fix="Export the table again: its first row must name the table's columns.",
        )
    with _open_binary(path, name, lambda _n: None) as raw:
        first = next(_reader(raw, name), None)
    if first is None:
        raise FileRefused(
            "The file has no column names.",
            location=name,
            fix="Export the table again: its first row must name the table's columns.",
        )
    columns = [value.strip().upper() for value in first[1]]
    found = s903.identify(columns)
    if found.table is None:
        raise FileRefused(
            f"The columns ({', '.join(first[1])}) are not those of an SSDA903 table. {found.explain()}",
            location=f"{name}, row {first[0]}",
            fix="Correct the first row so it names exactly the columns of one table, then import again.",
        )
    return CsvFile(path, name, found.table, columns, size)


def open_tables(paths: Path | str | Sequence[Path | str]) -> dict[str, CsvFile]:
    """Every file of the return by its table, refusing two files of one table."""
    files: dict[str, CsvFile] = {}
    for path in csv_paths(paths):
        opened = open_csv(path)
        other = files.get(opened.spec.name)
        if other is not None:
            raise FileRefused(
                f"{other.name} and {opened.name} are both the {opened.spec.name} table; a return has one "
                "file per table.",
                location=opened.name,
                fix="Remove one of the two files (or merge them), then import again.",
            )
        files[opened.spec.name] = opened
    return files


def csv_paths(paths: Path | str | Sequence[Path | str]) -> list[Path]:
    """The CSV files to import: every *.csv in a folder, or the files listed."""
    if isinstance(paths, (str, Path)):
        folder = Path(paths)
        if folder.is_dir():
            found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            if not found:
                raise FileRefused(
                    "The folder holds no .csv files.",
                    location=str(folder),
                    fix="Put the return's CSV files (header.csv, episodes.csv, ...) in the folder.",
                )
            return found
        return [folder]
    return [Path(p) for p in paths]


# --- Rows -----------------------------------------------------------------------------------------------


@dataclass
class Row:
    file: CsvFile
    number: int
    values: dict[str, str]

    @property
    def location(self) -> str:
        return f"{self.file.name}, row {self.number}"

    @property
    def child(self) -> str:
        return self.values.get("CHILD", "")


def _rows(file: CsvFile, on_read: Callable[[int], None]) -> Iterator[Row]:
    with _open_binary(file.path, file.name, on_read) as raw:
        rows = _reader(raw, file.name)
        next(rows, None)  # the column names
        for number, values in rows:
            yield Row(
                file,
                number,
                dict(zip(file.columns, (v.strip().upper() for v in values), strict=False))
                if len(values) == len(file.columns)
                else {"CHILD": values[0].strip().upper() if values else "", "__WIDTH__": str(len(values))},
            )


@dataclass
class _State:
    la_id: int
    actor_id: int | None
    year: int
    log: ImportLog
    supplied: set[str] = field(default_factory=set)
    children: dict[str, int] = field(default_factory=dict)  # LA child ID -> Child pk
    absent: set[str] = field(default_factory=set)  # LA child IDs not in the Header nor the register
    created: set[str] = field(default_factory=set)
    changes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rejected_rows: Counter[str] = field(default_factory=Counter)
    header_rejected: set[str] = field(default_factory=set)
    header_children: set[str] = field(default_factory=set)  # stored from the Header or UASC table
    first_episodes: dict[str, s903.FirstEpisode] = field(default_factory=dict)
    bytes_done: int = 0


def _check_row(state: _State, row: Row, dates_rejected: Iterable[str]) -> dict[str, Any] | None:
    """Parsed values of a row that can be stored (dates as date), or None after rejecting it."""
    log, spec = state.log, row.file.spec
    if "__WIDTH__" in row.values:
        log.reject(
            row.location,
            f"The row has {row.values['__WIDTH__']} values but the {spec.name} table has "
            f"{len(spec.columns)} columns",
            fix=f"Give exactly one value (possibly empty) for each of: {', '.join(row.file.columns)}.",
            la_child_id=row.child,
            file_name=row.file.name,
        )
        return None
    if not row.child:
        log.reject(
            row.location,
            "CHILD (the LA's child ID) is missing",
            fix="Give the child's ID in the CHILD column.",
            field="CHILD",
            file_name=row.file.name,
        )
        return None
    for column, limit in spec.lengths.items():
        value = row.values.get(column, "")
        if len(value) > limit:
            log.reject(
                row.location,
                f"{column} {value[:40]!r} is longer than {limit} characters, so it cannot be stored",
                fix=f"Correct {column}: no valid value is longer than {limit} characters.",
                la_child_id=row.child,
                field=column,
                value=value,
                file_name=row.file.name,
            )
            return None
    parsed: dict[str, Any] = dict(row.values)
    stored_dates = set(dates_rejected)
    for column in spec.dates:
        try:
            parsed[column] = s903.parse_date(row.values.get(column, ""))
        except s903.InvalidDateError as error:
            if column in stored_dates:
                log.reject(
                    row.location,
                    f"{column} {error.text!r} {error.reason}",
                    fix=f"Write {column} as a real date, dd/mm/yyyy (e.g. 01/04/2025).",
                    la_child_id=row.child,
                    field=column,
                    value=error.text,
                    file_name=row.file.name,
                )
                return None
            parsed[column] = None
            log.breach(
                row.location,
                f"{column} {error.text!r} {error.reason}",
                fix=f"Write {column} as dd/mm/yyyy.",
                la_child_id=row.child,
                field=column,
                value=error.text,
                file_name=row.file.name,
            )
    for key in spec.key:
        if key != "CHILD" and parsed.get(key) is None:
            log.reject(
                row.location,
                f"{key} is missing: it identifies the {spec.name} record",
                fix=f"Give {key} (dd/mm/yyyy).",
                la_child_id=row.child,
                field=key,
                file_name=row.file.name,
            )
            return None
    return parsed


def _breaches(state: _State, row: Row) -> None:
    for breach in s903.row_breaches(row.file.spec.name, row.values, year=state.year):
        state.log.breach(
            row.location,
            breach.message,
            fix=breach.fix,
            la_child_id=row.child,
            field=breach.field,
            value=breach.value,
            rule=breach.rule,
            file_name=row.file.name,
        )


def _duplicate(state: _State, row: Row, seen: set[tuple[Any, ...]], key: tuple[Any, ...]) -> bool:
    if key in seen:
        state.log.reject(
            row.location,
            f"A second {row.file.spec.name} row for child {row.child} with the same "
            + ", ".join(c for c in row.file.spec.key)
            + " (the first is kept)",
            fix="Remove the duplicate row, or correct its date.",
            la_child_id=row.child,
            file_name=row.file.name,
        )
        state.rejected_rows[row.child] += 1
        return True
    seen.add(key)
    return False


# --- Children: Header and UASC ----------------------------------------------------------------------------


def _uasc_rows(state: _State, file: CsvFile, on_read: Callable[[int], None]) -> dict[str, tuple[Row, Any]]:
    uasc: dict[str, tuple[Row, Any]] = {}
    seen: set[tuple[Any, ...]] = set()
    for row in _rows(file, on_read):
        parsed = _check_row(state, row, ("DUC",))
        if parsed is None:
            state.rejected_rows[row.child] += 1
            continue
        if _duplicate(state, row, seen, (row.child,)):
            continue
        _breaches(state, row)
        uasc[row.child] = (row, parsed["DUC"])
    return uasc


def _header_identity(row: Row, parsed: dict[str, Any], uasc: dict[str, tuple[Row, Any]] | None) -> Identity:
    sex = row.values["SEX"]
    mother = row.values["MOTHER"]
    upn = row.values["UPN"]
    details: dict[str, Any] = {
        "mother": {"1": True, "0": False}.get(mother),
        "mother_child_dob": parsed["MC_DOB"],
    }
    if upn in UPN_UNKNOWN:  # why the UPN is not known (rule 168): the child has no UPN
        details["upn_unknown"], upn = upn, ""
    if uasc is not None:
        in_uasc = uasc.get(row.child)
        details["uasc"] = in_uasc is not None
        details["uasc_ceased"] = in_uasc[1] if in_uasc else None
    return Identity(
        la_child_id=row.child,
        location=row.location,
        file_name=row.file.name,
        child={
            "date_of_birth": parsed["DOB"],
            "gender": gender_for(sex, unborn=False) if sex in {"M", "F", "U", "1", "2", "9", "0"} else None,
            "ethnicity": row.values["ETHNIC"] or None,
            "upn": upn or None,  # a blank (or an unknown reason) leaves the UPN another return gave
        },
        details=details,
    )


def _keep_stored_details(state: _State, identities: list[Identity]) -> None:
    """What a Header/UASC row leaves out because the return is as at 31 March keeps its stored value (noted):
    a child left out of the UASC table is no longer UASC, unless their UASC status ceased before this
    return's period (the return lists only children UASC in it); MOTHER 0 with MC_DOB blank does not clear a
    stored first child born after the period."""
    period = CollectionYear(state.year)
    asked = {i.la_child_id: i for i in identities
             if i.details.get("uasc") is False or i.details.get("mother") is False}  # fmt: skip
    if not asked:
        return
    stored = ChildReturnDetails.objects.filter(
        child__la_id=state.la_id, child__la_child_id__any_of=asked
    ).filter(Q(uasc=True, uasc_ceased__lt=period.starts) | Q(mother=True, mother_child_dob__gt=period.ends))
    for key, uasc, ceased, mother, born in stored.values_list(
        "child__la_child_id", "uasc", "uasc_ceased", "mother", "mother_child_dob"
    ):
        identity = asked[key]
        details = identity.details
        if details.get("uasc") is False and uasc and ceased is not None and ceased < period.starts:
            del details["uasc"], details["uasc_ceased"]
            state.log.note(
                identity.location,
                f"Child {key} is not in the UASC table, as their UASC status ceased on "
                f"{s903.format_date(ceased)}, before {period.label}: kept",
                la_child_id=key,
                file_name=identity.file_name,
            )
        if details.get("mother") is False and mother and born is not None and born > period.ends:
            del details["mother"]
            state.log.note(
                identity.location,
                f"Child {key}: MOTHER is 0 as at 31 March {state.year}; their first child, born on "
                f"{s903.format_date(born)}, after {period.label}, is kept",
                la_child_id=key,
                file_name=identity.file_name,
            )


def _store_identities(state: _State, identities: list[Identity]) -> None:
    if not identities:
        return
    done = upsert_children(state.la_id, identities, state.log, actor_id=state.actor_id)
    for identity in identities:
        result = done.get(identity.la_child_id)
        if result is None:
            state.header_rejected.add(identity.la_child_id)
            continue
        state.children[identity.la_child_id] = result.child_id
        state.header_children.add(identity.la_child_id)
        if result.created:
            state.created.add(identity.la_child_id)
        state.changes[identity.la_child_id].extend(result.changed)


def _import_children(
    state: _State, header: CsvFile | None, uasc_file: CsvFile | None, on_read: Callable[[int], None]
) -> None:
    uasc = _uasc_rows(state, uasc_file, on_read) if uasc_file else None
    if header is not None:
        seen: set[tuple[Any, ...]] = set()
        batch: list[Identity] = []
        for row in _rows(header, on_read):
            parsed = _check_row(state, row, ("DOB", "MC_DOB"))
            if parsed is None:
                state.rejected_rows[row.child] += 1
                if row.child:
                    state.header_rejected.add(row.child)
                continue
            if _duplicate(state, row, seen, (row.child,)):
                continue
            _breaches(state, row)
            for breach in s903.child_breaches(
                year=state.year,
                date_of_birth=parsed["DOB"],
                uasc=uasc is not None and row.child in uasc,
            ):
                state.log.breach(
                    row.location,
                    breach.message,
                    fix=breach.fix,
                    la_child_id=row.child,
                    field=breach.field,
                    value=breach.value,
                    rule=breach.rule,
                    file_name=header.name,
                )
            batch.append(_header_identity(row, parsed, uasc))
            if len(batch) >= BATCH:
                _keep_stored_details(state, batch)
                _store_identities(state, batch)
                batch = []
        _keep_stored_details(state, batch)
        _store_identities(state, batch)
    if uasc:
        # UASC rows of children not in the Header: the register's children, their UASC details only.
        others = [key for key in uasc if key not in state.children]
        for start in range(0, len(others), BATCH):
            _resolve(state, others[start : start + BATCH])
            identities = [
                Identity(
                    la_child_id=key,
                    location=uasc[key][0].location,
                    file_name=uasc[key][0].file.name,
                    details={"uasc": True, "uasc_ceased": uasc[key][1]},
                )
                for key in others[start : start + BATCH]
                if key in state.children
            ]
            _store_identities(state, identities)
        for key in others:
            if key not in state.children:
                _reject_unknown(state, uasc[key][0])


def _resolve(state: _State, keys: Iterable[str]) -> None:
    """Look up (one query) the children not in the Header: the register's, or absent."""
    wanted = {key for key in keys if key not in state.children and key not in state.absent}
    if not wanted:
        return
    found = dict(
        Child.objects.filter(la_id=state.la_id, la_child_id__any_of=wanted).values_list("la_child_id", "pk")
    )
    state.children.update(found)
    state.absent |= wanted - set(found)


def _reject_unknown(state: _State, row: Row) -> None:
    if row.child in state.header_rejected:
        message = f"Child {row.child}'s Header row could not be stored, so this row cannot be either"
        fix = "Correct the child's Header row (see the issue on it) and import again."
    else:
        message = f"Child {row.child} is not in the Header and not in the register"
        fix = "Add the child's Header row (header.csv), or correct CHILD."
    state.log.reject(
        row.location, message, fix=fix, la_child_id=row.child, field="CHILD", file_name=row.file.name
    )
    state.rejected_rows[row.child] += 1


# --- Other tables ---------------------------------------------------------------------------------------


def _import_table(state: _State, table: RecordTable, file: CsvFile, on_read: Callable[[int], None]) -> None:
    spec = table.spec
    stored_dates = [column for column in spec.dates if column != "DOB"]
    seen: set[tuple[Any, ...]] = set()
    batch: list[tuple[Row, dict[str, Any]]] = []
    kept: set[tuple[int, Any]] = set()
    rejected: set[str] = set()
    period = CollectionYear(state.year)
    stored = touching = 0
    # With no record of this table before the import, every stored one is in `kept`: none to remove.
    had_records = table.model._default_manager.filter(la_id=state.la_id).exists()
    for row in _rows(file, on_read):
        parsed = _check_row(state, row, stored_dates)
        if parsed is None:
            state.rejected_rows[row.child] += 1
            rejected.add(row.child)
            continue
        key = (row.child, *(parsed[column] for column in spec.key if column != "CHILD"))
        if _duplicate(state, row, seen, key):
            continue
        batch.append((row, parsed))
        stored += 1
        touching += _touches(table, parsed, period)
        if len(batch) >= BATCH:
            _store_batch(state, table, batch, kept)
            batch = []
    _store_batch(state, table, batch, kept)
    if had_records:
        _remove_missing(state, table, kept, rejected)
    if stored and not touching and table.period_columns:
        state.log.note(
            file.name,
            f"None of the {stored:,} rows of {file.name} falls in collection year {period.label}: is it the "
            "file of another year? Its rows were stored; import the right file to replace them.",
        )


def _touches(table: RecordTable, parsed: dict[str, Any], period: CollectionYear) -> bool:
    if not table.period_columns:
        return False
    starts, ends = (parsed.get(column) for column in table.period_columns)
    return period.overlaps(starts, ends)


def _key_value(state: _State, table: RecordTable, parsed: dict[str, Any]) -> Any:
    if table.key is None:
        return None
    if table.per_year:
        return state.year
    column = next(c for c, f in table.fields if f == table.key)
    return parsed[column]


def _store_batch(
    state: _State, table: RecordTable, batch: list[tuple[Row, dict[str, Any]]], kept: set[tuple[int, Any]]
) -> None:
    """Store a batch of a table's rows set-wise: the new records, and the stored ones that differ."""
    if not batch:
        return
    wanted = _wanted(state, table, batch)
    kept.update(wanted)
    if not wanted:
        return
    existing_rows = table.model._default_manager.filter(child_id__any_of={child for child, _ in wanted})
    if table.per_year:
        existing_rows = existing_rows.filter(collection_year=state.year)
    existing = {
        (record.child_id, getattr(record, table.key) if table.key else None): record  # type: ignore[attr-defined]
        for record in existing_rows
    }
    writes = Writes(state.actor_id)
    label = LABELS[table.spec.name]
    added = changed = 0
    for key, (row, values) in wanted.items():
        record = existing.get(key)
        if record is None:
            extra = {"collection_year": state.year} if table.per_year else {}
            writes.insert(
                new(
                    table.model,
                    la_id=state.la_id,
                    child_id=key[0],
                    created_by_id=state.actor_id,
                    **values,
                    **extra,
                )
            )
            state.changes[row.child].append(f"{label} added")
            added += 1
            continue
        _keep_later_end(state, table, row, record, values)
        if writes.change(record, values):
            state.changes[row.child].append(f"{label} changed")
            changed += 1
    writes.apply()
    for what, count in (("added", added), ("updated", changed), ("unchanged", len(wanted) - added - changed)):
        if count:
            state.log.counts[f"{table.spec.name} {what}"] += count


def _wanted(
    state: _State, table: RecordTable, batch: list[tuple[Row, dict[str, Any]]]
) -> dict[tuple[int, Any], tuple[Row, dict[str, Any]]]:
    """The batch's rows by (child pk, key), with the values to store; rows of unknown children rejected,
    the DfE rules of every other row listed."""
    _resolve(state, (row.child for row, _ in batch))
    wanted: dict[tuple[int, Any], tuple[Row, dict[str, Any]]] = {}
    for row, parsed in batch:
        child_id = state.children.get(row.child)
        if child_id is None:
            _reject_unknown(state, row)
            continue
        _breaches(state, row)
        if table.spec.name == "Episodes":
            first = state.first_episodes.get(row.child)
            if first is None or parsed["DECOM"] < first.decom:
                state.first_episodes[row.child] = s903.FirstEpisode(
                    parsed["DECOM"], row.values["RNE"], row.location
                )
        values = {name: parsed[column] if column in table.spec.dates else row.values[column]
                  for column, name in table.fields}  # fmt: skip
        wanted[(child_id, _key_value(state, table, parsed))] = (row, values)
    return wanted


def _keep_later_end(
    state: _State, table: RecordTable, row: Row, record: models.Model, values: dict[str, Any]
) -> None:
    """A blank end date (and reason) in the file, where the stored record ended after the collection
    period: the return states the facts as at 31 March, so it cannot know of that end; keep it."""
    if not table.closing:
        return
    fields = [table.field_for(column) for column in table.closing]
    stored_end = getattr(record, fields[0])
    ends = CollectionYear(state.year).ends
    if values[fields[0]] is not None or stored_end is None or stored_end <= ends:
        return
    kept = [column for column, name in zip(table.closing, fields, strict=True)
            if values[name] != getattr(record, name) and getattr(record, name) not in (None, "")]  # fmt: skip
    for name in fields:
        values[name] = getattr(record, name)
    state.log.note(
        row.location,
        f"Child {row.child}: {table.closing[0]} is blank, but the {LABELS[table.spec.name]} record ended on "
        f"{s903.format_date(stored_end)}, after this return's period ({CollectionYear(state.year).label}), "
        f"so the stored {', '.join(kept)} {'was' if len(kept) == 1 else 'were'} kept",
        la_child_id=row.child,
        file_name=row.file.name,
    )
    state.log.counts[f"{table.spec.name} later end kept"] += 1


def _remove_missing(
    state: _State, table: RecordTable, kept: set[tuple[int, Any]], rejected: set[str]
) -> None:
    """The table's records in the period that the file no longer has, for the children in the Header (and
    UASC) tables and those with rows in this table; never for a child with a row of it that was rejected
    (the record may be the one that row meant)."""
    in_table = {child for child, _ in kept}
    by_pk = {
        pk: key
        for key, pk in state.children.items()
        if (key in state.header_children or pk in in_table) and key not in rejected
    }
    ids = sorted(by_pk)
    label = LABELS[table.spec.name]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = table.model._default_manager.filter(Q(child_id__any_of=chunk) & table.period(state.year))
        gone: list[int] = []
        # Plain tuples: on a first import these are every row just written, and model instances of
        # them would cost more than the query.
        key_column = table.key or "child_id"
        for pk, child_id, key_value in rows.values_list("pk", "child_id", key_column):
            key = (child_id, key_value if table.key else None)
            if key not in kept:
                gone.append(pk)
                la_child_id = by_pk[child_id]
                state.changes[la_child_id].append(f"{label} removed")
                state.log.note(
                    table.spec.file_name,
                    f"Child {la_child_id}: a {label} record of {CollectionYear(state.year).label} is not in "
                    "the file any more, so it was removed",
                    la_child_id=la_child_id,
                )
        if gone:
            table.model._default_manager.filter(pk__in=gone).delete()
            state.log.counts[f"{table.spec.name} removed"] += len(gone)


# --- The year --------------------------------------------------------------------------------------------


def _latest_date(file: CsvFile, columns: Iterable[str]) -> tuple[date | None, int]:
    latest: date | None = None
    where = 0
    names = [c for c in columns if c in file.spec.dates]
    for row in _rows(file, lambda _n: None):
        for column in names:
            try:
                day = s903.parse_date(row.values.get(column, ""))
            except s903.InvalidDateError:
                continue
            if day is not None and (latest is None or day > latest):
                latest, where = day, row.number
    return latest, where


def _collection_year(files: dict[str, CsvFile], year: int | None, log: ImportLog) -> int:
    episodes = files.get("Episodes")
    if episodes is None:
        if year is None:
            raise FileRefused(
                "Without an episodes file the collection year cannot be told from the data.",
                location="episodes",
                fix="Give the collection year (--year YYYY, the year the collection ends).",
            )
        log.note("files", f"Collection year {CollectionYear(year).label} ({year}), as given")
        return year
    latest, where = _latest_date(episodes, ("DECOM", "DEC"))
    if latest is None:
        if year is None:
            raise FileRefused(
                "The episodes have no valid DECOM or DEC, so the collection year cannot be told.",
                location=episodes.name,
                fix="Give the collection year (--year YYYY), or correct the dates.",
            )
        return year
    inferred = year_of(latest).year
    if year is not None and inferred != year:
        raise FileRefused(
            f"The latest episode date ({s903.format_date(latest)}) falls in collection year "
            f"{CollectionYear(inferred).label}, not {CollectionYear(year).label}: "
            f"this is not the {year} return.",
            location=f"{episodes.name}, row {where}",
            fix=f"Import the files of the {year} return, or give --year {inferred}.",
        )
    log.note(
        f"{episodes.name}, row {where}",
        f"Collection year {CollectionYear(inferred).label} ({inferred})"
        + (" as given" if year is not None else "")
        + f": the latest episode date is {s903.format_date(latest)}",
    )
    return inferred


# --- The import ------------------------------------------------------------------------------------------


def _outcomes(state: _State) -> None:
    log = state.log
    for key in sorted(set(state.children) | state.header_rejected | state.absent):
        child_id = state.children.get(key)
        rejected = state.rejected_rows.get(key, 0)
        note = f"{rejected} row(s) rejected" if rejected else ""
        if child_id is None:
            log.outcome(key, "rejected", None, note or "Not stored")
        elif key in state.created:
            log.outcome(key, "created", child_id, note)
        elif state.changes.get(key):
            summary = Counter(CHILD_LABELS.get(change, change) for change in state.changes[key])
            detail = "Changed: " + ", ".join(
                f"{name}" + (f" ×{n}" if n > 1 else "") for name, n in summary.items()
            )
            log.outcome(key, "updated", child_id, detail + (f"; {note}" if note else ""))
        else:
            log.outcome(key, "unchanged", child_id, note)


def import_903(
    *,
    la: LocalAuthority,
    paths: Path | str | Sequence[Path | str],
    actor: Any = None,
    mode: str = ImportRun.Mode.ALL_OR_NOTHING,
    year: int | None = None,
    today: date,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import an SSDA903 return (a folder of its CSV tables, or a list of them) for `la`."""
    actor_id = getattr(actor, "pk", None)
    try:
        listed = csv_paths(paths)
        display = str(paths) if isinstance(paths, (str, Path)) else ", ".join(p.name for p in listed)
        size = sum(p.stat().st_size for p in listed if p.is_file())
    except FileRefused:
        listed, display, size = [], str(paths), 0
    if run is None:
        run = ImportRun.objects.create(
            la=la,
            kind=ReturnKind.SSDA903,
            file_name=display[:300],
            file_size=size,
            mode=mode,
            collection_year=year,
            created_by_id=actor_id,
        )
    else:
        run.file_size = run.file_size or size
        run.save(update_fields=["file_size", "updated_at"])

    def body(log: ImportLog, progress: Progress) -> None:
        files = open_tables(paths)
        state = _State(la.pk, actor_id, _collection_year(files, year, log), log)
        log.collection_year = state.year
        state.supplied = set(files)
        for name in files:
            if files[name].spec.first_year > state.year:
                log.note(
                    files[name].name, f"The {name} table is collected only from {files[name].spec.first_year}"
                )

        def on_read(count: int) -> None:
            state.bytes_done += count
            progress(state.bytes_done)

        _import_children(state, files.get("Header"), files.get("UASC"), on_read)
        for table in RECORD_TABLES:
            if table.spec.name in files:
                _import_table(state, table, files[table.spec.name], on_read)
        for key, first in state.first_episodes.items():
            for breach in s903.child_breaches(year=state.year, first_episode=first):
                log.breach(
                    first.location,
                    breach.message,
                    fix=breach.fix,
                    la_child_id=key,
                    field=breach.field,
                    value=breach.value,
                    rule=breach.rule,
                    file_name=first.location.split(",")[0],
                )
        _outcomes(state)
        progress(state.bytes_done, force=True)

    execute(run, body, actor_id=actor_id, today=today)
    run.refresh_from_db()
    return run
