"""One check for every list (casework/core/listing.py): its true count, page 2 with the filters kept,
and its CSV and XLSX downloads holding the same filtered rows, each download audited."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.test import Client
from openpyxl import load_workbook

from casework.audit.models import AuditEvent


def downloaded(response: Any) -> list[list[str]]:
    """A download's rows, header first, as text (CSV or workbook)."""
    assert response.status_code == 200, response.status_code
    assert response.streaming, "a list's download streams"
    body = b"".join(response.streaming_content)
    if response["Content-Type"].startswith("text/csv"):
        return [row for row in csv.reader(io.StringIO(body.decode()))]
    book = load_workbook(io.BytesIO(body))
    return [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]


def check_list(
    client: Client,
    url: str,
    *,
    name: str,
    count: int,
    key: str,
    monkeypatch: Any,
    per_page: int = 1,
    page_param: str = "page",
) -> list[list[str]]:
    """Check the list at `url` (with its filters) shows `count` rows in all, `per_page` a page, keeps
    its filters on page 2, and downloads the same `count` rows as CSV and XLSX; `key` is a column both
    the page and the download show (a name or a reference), compared between them. Returns the CSV rows."""
    from casework.core import listing

    monkeypatch.setattr(listing, "PER_PAGE", per_page)
    assert count > per_page, "the check needs a second page"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    shown = re.search(rf'data-testid="list-count-{name}">([^<]*)<', text)
    assert shown, f"no count for the list {name}"
    assert f"of {count:,} " in shown.group(1), shown.group(1)
    # Page 2 keeps the filters of the page it came from.
    filters = parse_qsl(urlsplit(url).query)
    links = re.findall(r'href="(\?[^"]*)" rel="next"', text)
    assert links, "no link to the next page"
    next_query = parse_qsl(links[0].replace("&amp;", "&")[1:])
    assert (page_param, "2") in next_query
    assert all(pair in next_query for pair in filters), (filters, next_query)
    second = client.get(urlsplit(url).path + links[0].replace("&amp;", "&"))
    assert second.status_code == 200
    csv_link = re.search(r'href="(\?[^"]*format=csv[^"]*)"', text)
    assert csv_link, "no CSV download link"
    query = csv_link.group(1).replace("&amp;", "&")
    assert all(pair in parse_qsl(query[1:]) for pair in filters)
    before = AuditEvent.objects.filter(action="list_exported").count()
    rows = downloaded(client.get(urlsplit(url).path + query))
    workbook_rows = downloaded(client.get(urlsplit(url).path + query.replace("format=csv", "format=xlsx")))
    assert len(rows) == count + 1, f"{len(rows) - 1} rows downloaded, {count} listed"
    assert rows == workbook_rows
    column = rows[0].index(key)
    # The download is the same list in the same order: its first row is on page 1, its second on page 2
    # (when a page holds one row).
    if per_page == 1:
        assert rows[1][column] in text
        assert rows[2][column] in second.content.decode()
        assert rows[2][column] not in text or rows[2][column] == rows[1][column]
    events = list(AuditEvent.objects.filter(action="list_exported").order_by("-pk")[:2])
    assert AuditEvent.objects.filter(action="list_exported").count() == before + 2
    assert {e.changes["format"] for e in events} == {"csv", "xlsx"}
    for event in events:
        assert event.changes["list"] == name
        assert event.changes["rows"] == count
        assert event.actor_id == page.wsgi_request.user.pk
        assert event.changes["filters"] == {k: [v for kk, v in filters if kk == k] for k, _ in filters}
    return rows
