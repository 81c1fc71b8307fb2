"""CSV written for people to open in a spreadsheet: text that a spreadsheet would run as a formula is
written as text (CSV injection, OWASP "CSV Injection"; ASVS 4.0 5.3.10).

Excel, LibreOffice and Google Sheets treat a cell whose text starts with `=`, `+`, `-` or `@` as a
formula, and some also after a leading tab or carriage return. A rationale typed as
`=HYPERLINK("http://…","Click")` would otherwise reach the manager's spreadsheet as a live link (or a
DDE command). Such text gets a leading apostrophe, which every spreadsheet shows as the start of text
and does not display; the rest of the text is unchanged, so nothing a user wrote is lost.

Only text is changed: numbers, dates and empty cells are written as they are (a negative number is a
number, not a formula). Files for machines (the SSDA903 return the DfE's validator reads) must not use
this: their values are codes, and an apostrophe would corrupt them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """`value` as it may be written to a cell: text that would start a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """`csv.writer` with every text cell passed through `safe_cell` (same rows, same return values, so
    a streaming response can use what `writerow` returns)."""

    def __init__(self, handle: _Writable, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: _Writable, **options: Any) -> SafeWriter:
    """A CSV writer for files people open in a spreadsheet (see the module's docstring)."""
    return SafeWriter(handle, **options)
