"""Text a spreadsheet would run as a formula is written to CSV as text."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.core import spreadsheet


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_starts_a_formula_gets_an_apostrophe(start: str) -> None:
    assert spreadsheet.safe_cell(start + "SUM(A1:A9)") == "'" + start + "SUM(A1:A9)"


@pytest.mark.parametrize("value", ["Household shielding", "", "'already quoted", "a=b", "1+1", " =x"])
def test_other_text_is_written_as_it_is(value: str) -> None:
    assert spreadsheet.safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -0.5, 0, None, date(2020, 3, 23)])
def test_numbers_dates_and_empty_cells_are_not_text_and_are_left_alone(value: object) -> None:
    assert spreadsheet.safe_cell(value) is value


@given(st.lists(st.text(), min_size=1, max_size=6))
def test_no_cell_read_back_starts_a_formula_and_no_words_are_lost(row: list[str]) -> None:
    buffer = io.StringIO()
    spreadsheet.writer(buffer).writerow(row)
    (read,) = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    for written, cell in zip(row, read, strict=True):
        assert not cell.startswith(spreadsheet.FORMULA_STARTS)
        assert cell == ("'" + written if written.startswith(spreadsheet.FORMULA_STARTS) else written)
