"""A small streaming XLSX writer (Office Open XML SpreadsheetML, ECMA-376 Part 1) for large downloads:
cells of text, whole numbers and decimals, no formulas, styles or formatting.

Why not openpyxl or XlsxWriter: both spend several microseconds of Python on every cell, and the
fortnightly return of an authority of 100,000 children is about half a million rows of twelve cells
(27 s with openpyxl's write-only mode; XlsxWriter's constant-memory mode took about half of openpyxl's
time on the same rows). Here a row is turned into XML once, with its row number left as a placeholder,
so the same child's row costs one string format on every sheet it appears on; the text goes to one
shared-strings table; the sheets are streamed into the zip as they are written.

Text is always written as text: a value starting with "=" is never a formula (so a name or a team set
to "=HYPERLINK(...)" cannot run in the reader's spreadsheet), and text that a spreadsheet would take for
a formula when the cell is edited (starting `=`, `+`, `-`, `@`, tab or carriage return, as in
`casework.core.spreadsheet`) also carries the "quote prefix" style, so it stays text after an edit too.
Characters XML cannot hold (control characters) are left out.

Two ways to hold text: a shared-strings table (the default: each distinct text stored once, which suits a
workbook whose rows repeat; it is held in memory until `close`), or `shared_strings=False`, text inline in
each cell, so memory stays bounded however many rows are written. A list's download
(`casework.core.listing`) uses the second, and `stream_sheet` to send the file while it is written.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import IO
from xml.sax.saxutils import escape, quoteattr

Cell = str | int | float | None

MAX_ROWS = 1_048_576  # Excel's limit of rows on a sheet
MAX_TEXT = 32_767  # and of characters in a cell (longer text is refused, never cut short)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as casework.core.spreadsheet
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letters(index: int) -> str:
    """The column's name from its 0-based index: A ... Z, AA, AB ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class Row:
    """A row rendered once: its XML in pieces, the row number going between each piece and the next
    (`str(number).join(parts)`, one call however many cells)."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts


class Workbook:
    """Sheets written one after another with `add_sheet`, then `close` (or use it as a context manager)."""

    def __init__(self, out: IO[bytes], *, compresslevel: int = 1, shared_strings: bool = True) -> None:
        # Level 1: the sheets are repetitive XML that compresses well even so, several times faster.
        # `out` need not be seekable (a response being streamed): zipfile then writes data descriptors.
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._shared = shared_strings
        self._strings: dict[str, int] = {}
        self._titles: list[str] = []
        self._columns: list[str] = []

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._zip.close()

    def _column(self, index: int) -> str:
        while len(self._columns) <= index:
            self._columns.append(column_letters(len(self._columns)))
        return self._columns[index]

    def row(self, cells: Sequence[Cell]) -> Row:
        """`cells` rendered for any sheet: text as shared strings, numbers as numbers, "" and None blank."""
        strings = self._strings
        parts = ['<row r="']
        after = '">'  # what follows the row number just written
        for index, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                style = ' s="1"' if value.startswith(FORMULA_STARTS) else ""
                if self._shared:
                    shared = strings.get(value)
                    if shared is None:
                        shared = strings[value] = len(strings)
                    cell = f'"{style} t="s"><v>{shared}</v></c>'
                else:
                    cell = f'"{style} t="inlineStr"><is>{_text(value)}</is></c>'
            elif isinstance(value, int) and not isinstance(value, bool):
                cell = f'"><v>{value}</v></c>'
            elif isinstance(value, float) and math.isfinite(value):
                cell = f'"><v>{value!r}</v></c>'
            else:
                raise TypeError(f"A cell holds text or a number, not {value!r}")
            parts.append(f'{after}<c r="{self._column(index)}')
            after = cell
        parts.append(f"{after}</row>")
        return Row(parts)

    def add_sheet(self, title: str, rows: Iterable[Sequence[Cell] | Row]) -> None:
        """A sheet of `rows` (each a list of cells, or a `Row` made by `row`), streamed into the file."""
        for _ in self.stream_sheet(title, rows):
            pass

    def stream_sheet(self, title: str, rows: Iterable[Sequence[Cell] | Row]) -> Iterator[None]:
        """`add_sheet` one step at a time: yields after each chunk of rows has gone to `out`, so a
        response can send what has been written so far."""
        if not 0 < len(title) <= 31 or any(c in title for c in "[]:*?/\\"):
            raise ValueError(f"Not a sheet name Excel accepts: {title!r}")
        self._titles.append(title)
        name = f"xl/worksheets/sheet{len(self._titles)}.xml"
        with self._zip.open(name, "w", force_zip64=True) as part:
            part.write(f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            yield  # the part's header is out: a response can start before the first row is read
            chunk: list[str] = []
            for number, row in enumerate(rows, 1):
                if number > MAX_ROWS:
                    raise ValueError(f"More than {MAX_ROWS:,} rows for the sheet {title}")
                chunk.append(str(number).join((row if isinstance(row, Row) else self.row(row)).parts))
                if len(chunk) == 2000:
                    part.write("".join(chunk).encode())
                    chunk.clear()
                    yield
            part.write(("".join(chunk) + "</sheetData></worksheet>").encode())

    def _shared_strings(self) -> None:
        with self._zip.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'{_XML}<sst xmlns="{_MAIN}" uniqueCount="{len(self._strings)}">'.encode())
            chunk = []
            for value in self._strings:  # in index order: dicts keep insertion order
                chunk.append(f"<si>{_text(value)}</si>")
                if len(chunk) == 2000:
                    part.write("".join(chunk).encode())
                    chunk.clear()
            part.write(("".join(chunk) + "</sst>").encode())

    def close(self) -> None:
        """The shared strings, the workbook's list of sheets and the package's parts, then the zip's end."""
        sheets = range(1, len(self._titles) + 1)
        self._shared_strings()
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
            + "".join(
                f'<sheet name={quoteattr(_NOT_XML.sub("", title))} sheetId="{n}" r:id="rId{n}"/>'
                for n, title in zip(sheets, self._titles, strict=True)
            )
            + "</sheets></workbook>",
        )
        parts = [(f"rId{n}", "worksheet", f"worksheets/sheet{n}.xml") for n in sheets]
        parts += [("rIdStyles", "styles", "styles.xml"), ("rIdStrings", "sharedStrings", "sharedStrings.xml")]
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
            + "".join(f'<Relationship Id="{i}" Type="{_DOC_RELS}/{t}" Target="{to}"/>' for i, t, to in parts)
            + "</Relationships>",
        )
        self._zip.writestr(
            "_rels/.rels",
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        self._zip.writestr("[Content_Types].xml", _content_types(len(self._titles)))
        self._zip.close()


def _text(value: str) -> str:
    """A text element holding `value` (without the characters XML cannot hold)."""
    text = _NOT_XML.sub("", value)
    if len(text) > MAX_TEXT:
        raise ValueError(f"More than {MAX_TEXT:,} characters in a cell: {text[:40]}...")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{escape(text)}</t>"


def _content_types(sheets: int) -> str:
    overrides = [("/xl/workbook.xml", f"{_TYPE}.sheet.main+xml")]
    overrides += [(f"/xl/worksheets/sheet{n}.xml", f"{_TYPE}.worksheet+xml") for n in range(1, sheets + 1)]
    overrides += [
        ("/xl/styles.xml", f"{_TYPE}.styles+xml"),
        ("/xl/sharedStrings.xml", f"{_TYPE}.sharedStrings+xml"),
    ]
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides)
        + "</Types>"
    )
