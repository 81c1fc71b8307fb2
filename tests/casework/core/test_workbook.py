"""The streaming XLSX writer behind the fortnightly workbook, read back with openpyxl. No database."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from casework.core.workbook import Workbook, column_letters


def read(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def write(*sheets: tuple[str, list[object]]) -> bytes:
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        for title, rows in sheets:
            book.add_sheet(title, rows)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_text_numbers_and_blanks_come_back_as_written_in_their_places():
    content = write(
        (
            "Return",
            [["Measure ID", "Value", "Percentage"], ["cla", 2, 12.5], [], ["", None, "after two blanks"]],
        ),
        ("cla", [["LA child ID"], ["901-00001"]]),
    )
    assert read(content) == {
        "Return": [
            ("Measure ID", "Value", "Percentage"),
            ("cla", 2, 12.5),
            (None, None, None),
            (None, None, "after two blanks"),
        ],
        "cla": [("LA child ID",), ("901-00001",)],
    }


def test_a_row_made_once_can_be_written_on_several_sheets_at_its_own_row_number():
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        olivia = book.row(["901-00003", "Yes", 1])
        book.add_sheet("cla", [["LA child ID", "Looked after", "Missed"], olivia])
        book.add_sheet(
            "with_social_worker", [["Heading"], [], ["LA child ID", "Looked after", "Missed"], olivia]
        )
    sheets = read(buffer.getvalue())
    assert sheets["cla"][1] == ("901-00003", "Yes", 1)
    assert sheets["with_social_worker"][3] == ("901-00003", "Yes", 1)


def test_text_that_looks_like_a_formula_stays_text_and_xml_special_characters_survive():
    tricky = [
        '=HYPERLINK("http://example.invalid")',
        "<b>&amp; \"quoted\" 'single'</b>",
        "  spaced  ",
        "tab\there",
    ]
    content = write(("Staff", [tricky]))
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()
    assert read(content)["Staff"] == [tuple(tricky)]


def test_characters_xml_cannot_hold_are_left_out():
    assert read(write(("Sheet", [["bell\x07 and\x00 nul"]])))["Sheet"] == [("bell and nul",)]


@pytest.mark.parametrize("value", [True, float("nan"), object()])
def test_a_cell_that_is_neither_text_nor_a_number_is_refused(value):
    with pytest.raises(TypeError):
        write(("Sheet", [[value]]))


def test_text_too_long_for_a_cell_is_refused_not_cut_short():
    with pytest.raises(ValueError, match="characters in a cell"):
        write(("Sheet", [["x" * 32_768]]))


@pytest.mark.parametrize("title", ["", "x" * 32, "a/b", "what?"])
def test_sheet_names_excel_refuses_are_refused(title):
    with pytest.raises(ValueError, match="sheet name"):
        write((title, [["x"]]))


def test_column_letters():
    assert [column_letters(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_the_package_has_the_parts_excel_needs():
    with zipfile.ZipFile(io.BytesIO(write(("Return", [["x"]])))) as package:
        assert set(package.namelist()) == {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/sharedStrings.xml",
            "xl/worksheets/sheet1.xml",
        }
