"""The list pattern itself (casework/core/listing.py): pages, links that keep the filters, downloads that
stream, neutralise formulas and are audited."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from casework.audit.models import AuditEvent
from casework.core import listing

ROWS = listing.Listing(
    name="things",
    title="Things",
    noun=("thing", "things"),
    columns=[listing.Column("Number", lambda n: n), listing.Column("Text", lambda n: f"thing {n}")],
)


def _request(query: str, user: Any = None) -> Any:
    request = RequestFactory().get(f"/things/?{query}")
    request.user = user
    return request


def test_cells_are_numbers_dates_and_text():
    assert listing.cell(None) == ""
    assert listing.cell(True) == "Yes"
    assert listing.cell(3) == 3
    assert listing.cell(Decimal("2.5")) == 2.5
    assert listing.cell(date(2026, 12, 3)) == "2026-12-03"
    assert listing.cell(float("nan")) == ""


def test_a_page_has_the_true_count_and_links_that_keep_the_filters(monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 10)
    page = listing.paginate(_request("team=4&page=5&q=a+b"), list(range(95)), ROWS)
    assert page.count == 95
    assert (page.first, page.last) == (41, 50)
    assert page.rows == list(range(40, 50))
    assert [link.number for link in page.links] == [1, None, 4, 5, 6, None, 10]
    assert page.links[3].current
    assert page.next_href == "?team=4&q=a+b&page=6"
    assert page.previous_href == "?team=4&q=a+b&page=4"
    assert page.href(1) == "?team=4&q=a+b"
    assert page.csv_href == "?team=4&q=a+b&list=things&format=csv"
    assert page.xlsx_href.endswith("format=xlsx")


def test_a_page_out_of_range_is_the_last_and_an_empty_list_has_no_pages(monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 10)
    assert listing.paginate(_request("page=99"), list(range(25)), ROWS).rows == [20, 21, 22, 23, 24]
    empty = listing.paginate(_request(""), [], ROWS)
    assert (empty.count, empty.rows, empty.noun) == (0, [], "things")
    assert [link.number for link in empty.links] == [1]


def test_a_list_on_a_page_of_several_is_downloaded_only_when_named():
    second = listing.Listing(name="others", title="Others", columns=ROWS.columns, page_param="others_page")
    request = _request("format=csv&list=others&page=2&others_page=3")
    assert listing.wants_export(request, second)
    assert not listing.wants_export(request, ROWS)
    assert listing.wants_export(_request("format=xlsx"), ROWS)
    assert not listing.wants_export(_request("format=pdf"), ROWS)
    page = listing.paginate(request, list(range(500)), second)
    assert page.next_href == "?page=2&others_page=4"  # the other list keeps its page


@pytest.mark.django_db
def test_a_download_is_audited_with_its_filters_and_row_count(world):
    user = world.users["hos"]
    response = listing.export(_request("team=4&page=2&format=csv", user), list(range(7)), ROWS)
    event = AuditEvent.objects.get(action="list_exported")
    assert (event.la_id, event.actor_id) == (world.la.pk, user.pk)
    assert event.changes == {"list": "things", "format": "csv", "filters": {"team": ["4"]}, "rows": 7}
    assert event.summary == "Downloaded Things (CSV, 7 rows)"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["Number", "Text"], *[[str(n), f"thing {n}"] for n in range(7)]]
    assert response["Content-Disposition"].startswith('attachment; filename="things-')


FORMULAS = ['=HYPERLINK("http://x","Click")', "+1", "-2+3", "@SUM(A1)", "\tTab"]
TEXT = listing.Listing(name="text", title="Text", columns=[listing.Column("Said", lambda s: s)])


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text_in_both_downloads(world):
    user = world.users["hos"]
    body = b"".join(listing.export(_request("format=csv", user), FORMULAS, TEXT).streaming_content)
    assert [r[0] for r in csv.reader(io.StringIO(body.decode()))][1:] == ["'" + f for f in FORMULAS]
    body = b"".join(
        listing.export(_request("format=xlsx", user), [*FORMULAS, "fine", -4], TEXT).streaming_content
    )
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [*FORMULAS, "fine", -4]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[: len(FORMULAS)])
    assert not cells[-2].quotePrefix
    assert cells[-1].data_type == "n"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_download_starts_before_the_rows_are_read_and_goes_out_in_bounded_pieces(world, kind):
    read = 0
    total = listing.CHUNK * 5

    def rows() -> Any:
        nonlocal read
        for n in range(total):
            read += 1
            yield n

    response = listing.export(_request(f"format={kind}", world.users["hos"]), rows(), ROWS, count=total)
    pieces = iter(response.streaming_content)
    first = next(pieces)
    assert first  # the header (CSV) or the start of the zip (XLSX) ...
    assert read == 0  # ... before a single row was read
    sizes = [len(first)]
    for piece in pieces:
        sizes.append(len(piece))
        assert read <= total
    assert read == total
    assert len(sizes) >= 5  # a piece per chunk of rows, never the whole file at once
    assert max(sizes) < sum(sizes) / 3
