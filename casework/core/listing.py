"""A list people work from: paged with its true count, its filters in the query string, and downloads of
the same filtered rows as CSV and XLSX, streamed and audited (docs/architecture.md, "Lists").

A list is described once, by its columns:

    CHILDREN = listing.Listing(
        name="children", title="Children", noun=("child", "children"),
        columns=[listing.Column("LA child ID", lambda c: c.la_child_id), ...],
    )

and a view serves both the page and the downloads from one queryset (already filtered, through the
access rules of the records it names):

    if listing.wants_export(request, CHILDREN):
        return listing.export(request, children, CHILDREN)
    page = listing.paginate(request, children, CHILDREN)   # page.rows, page.count, page.links ...

with `{% include "core/_list_summary.html" with list=page %}` above the table (the true count and the
download links) and `{% include "core/_pagination.html" with list=page %}` below it. `?format=csv` or
`?format=xlsx` on the list's own address downloads it with the filters on the page; a page holding
several lists gives each its own `page_param`, and their download links name the list (`?list=...`).

A download is announced (`casework.core.events.ListExported`: who, which list, the filters, the row
count), and the audit app records it, before the first row is sent. Rows are read with
`.iterator(chunk_size=CHUNK)` and written as they are read, so the first bytes leave at once and memory
does not grow with the list: the CSV through `spreadsheet.writer` (formulas neutralised), the workbook
through `workbook.Workbook` with inline strings (text that looks like a formula stays text).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone

from casework.core import clock, effects, spreadsheet, workbook
from casework.core.events import ListExported

T = TypeVar("T")

CHUNK = 2000
PER_PAGE = 50
CONTROL_PARAMS = ("format", "list")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of a download: its heading and how to read its value from a row."""

    header: str
    value: Callable[[T], object]


@dataclass(frozen=True)
class Listing(Generic[T]):
    name: str  # the list's key: in file names, the audit and `?list=`
    title: str  # what people call it: "Your worklist"
    columns: Sequence[Column[T]]
    noun: tuple[str, str] = ("row", "rows")  # one, many: "Showing 1 to 50 of 120 children"
    per_page: int | None = None  # None: PER_PAGE (and never more than it)
    page_param: str = "page"

    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    def row(self, item: T) -> list[workbook.Cell]:
        return [cell(c.value(item)) for c in self.columns]

    def nouned(self, count: int) -> str:
        return self.noun[0] if count == 1 else self.noun[1]


def cell(value: object) -> workbook.Cell:
    """A value as a spreadsheet cell: numbers as numbers, dates as ISO 8601 (local time), yes or no,
    and everything else as its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- The page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    href: str = ""
    current: bool = False


@dataclass
class ListPage(Generic[T]):
    """One page of a list, with what the partials need: the true count, links that keep the filters."""

    listing: Listing[T]
    page: Page[Any]
    query: QueryDict  # the request's query without this list's page, the format and the list's name
    rows: list[Any] = field(default_factory=list)  # the page's rows, as the view prepares them

    @property
    def count(self) -> int:
        return int(self.page.paginator.count)

    @property
    def noun(self) -> str:
        return self.listing.nouned(self.count)

    @property
    def first(self) -> int:
        return int(self.page.start_index())

    @property
    def last(self) -> int:
        return int(self.page.end_index())

    def href(self, number: int) -> str:
        query = self.query.copy()
        if number > 1:
            query[self.listing.page_param] = str(number)
        return "?" + query.urlencode() if query else "?"

    @property
    def previous_href(self) -> str:
        return self.href(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_href(self) -> str:
        return self.href(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def links(self) -> list[PageLink]:
        """GOV.UK pagination's numbered items: the first, the last, the current one and its neighbours,
        with an ellipsis for each gap."""
        current, pages = int(self.page.number), int(self.page.paginator.num_pages)
        shown = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
        links: list[PageLink] = []
        for number in shown:
            if links and links[-1].number is not None and number - links[-1].number > 1:
                links.append(PageLink(None))
            links.append(PageLink(number, self.href(number), number == current))
        return links

    def _download(self, kind: str) -> str:
        query = self.query.copy()
        query["list"] = self.listing.name
        query["format"] = kind
        return "?" + query.urlencode()

    @property
    def csv_href(self) -> str:
        return self._download("csv")

    @property
    def xlsx_href(self) -> str:
        return self._download("xlsx")


def _filters(request: HttpRequest, listing: Listing[Any]) -> QueryDict:
    query = request.GET.copy()
    for name in (listing.page_param, *CONTROL_PARAMS):
        query.pop(name, None)
    return query


def paginate(request: HttpRequest, rows: QuerySet[Any] | Sequence[T], listing: Listing[T]) -> ListPage[T]:
    """The page asked for (`?page=N`, or the list's own `page_param`): a number out of range gives the
    nearest page, as Django's `get_page` does. The count is the whole filtered list's."""
    # A list may show fewer rows a page than PER_PAGE (summary cards), never more.
    size = min(listing.per_page or PER_PAGE, PER_PAGE)
    page = Paginator(rows, size).get_page(request.GET.get(listing.page_param))
    return ListPage(listing, page, _filters(request, listing), list(page.object_list))


# --- The downloads ------------------------------------------------------------------------------


def wants_export(request: HttpRequest, listing: Listing[Any]) -> bool:
    """Whether the request asks for this list as a file (`?format=csv|xlsx`, and `?list=` naming it when
    given)."""
    return request.GET.get("format") in FORMATS and request.GET.get("list", listing.name) == listing.name


def export(
    request: HttpRequest,
    rows: QuerySet[Any] | Iterable[T],
    listing: Listing[T],
    *,
    count: int | None = None,
    prepare: Callable[[list[Any]], Iterable[T]] | None = None,
) -> StreamingHttpResponse:
    """The filtered rows as a file in the format asked for, announced (and so audited) first.

    `rows` is read once, as it streams: a queryset with `.iterator(chunk_size=CHUNK)`; any other
    iterable as it is (give its `count` when it has no length). `prepare`, if given, turns each chunk
    of rows into the items the columns read (what the page does to its rows, such as loading each
    row's children in one query), so a download makes a fixed number of queries per chunk."""
    kind = request.GET.get("format", "csv")
    if kind not in FORMATS:
        kind = "csv"
    items: Iterable[Any]
    if isinstance(rows, QuerySet):
        total = rows.count() if count is None else count
        items = rows.iterator(chunk_size=CHUNK)
    else:
        total = count if count is not None else len(rows)  # type: ignore[arg-type]
        items = rows
    if prepare is not None:
        items = itertools.chain.from_iterable(prepare(chunk) for chunk in _chunks(items))
    user: Any = request.user
    effects.announce(
        ListExported(
            la_id=user.la_id,
            actor_id=user.pk,
            list_name=listing.name,
            title=listing.title,
            format=kind,
            filters=tuple((str(k), str(v)) for k, v in _filters(request, listing).items()),
            rows=total,
        )
    )
    body = _csv(listing, items) if kind == "csv" else _xlsx(listing, items)
    response = StreamingHttpResponse(body, content_type=FORMATS[kind])
    response["Content-Disposition"] = f'attachment; filename="{listing.name}-{clock.today():%Y-%m-%d}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(listing: Listing[Any], items: Iterable[Any]) -> Iterator[str]:
    writer = spreadsheet.writer(_Echo())
    yield writer.writerow(listing.header())
    for chunk in _chunks(items):
        yield "".join(writer.writerow(listing.row(item)) for item in chunk)


class _Sink:
    """Where the zip writes: bytes kept until the response takes them (not seekable, so zipfile writes
    each part's sizes after it, and nothing is ever rewritten)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _xlsx(listing: Listing[Any], items: Iterable[Any]) -> Iterator[bytes]:
    sink = _Sink()
    book = workbook.Workbook(sink, shared_strings=False)  # type: ignore[arg-type]
    rows: Iterable[Sequence[workbook.Cell]] = itertools.chain(
        [listing.header()], (listing.row(item) for item in items)
    )
    for _ in book.stream_sheet(sheet_title(listing.title), rows):
        yield sink.take()
    book.close()
    yield sink.take()


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(c for c in title if c not in "[]:*?/\\").strip()
    return cleaned[:31] or "List"


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk
