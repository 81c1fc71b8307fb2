"""The shape of an English local authority's ONS code and DfE LA number."""

from __future__ import annotations

import pytest

from domain import authorities


@pytest.mark.parametrize("code", ["E06000001", "E07000008", "E08000007", "E09000027", "E10000014"])
def test_an_english_authoritys_ons_code_is_accepted(code):
    assert authorities.ons_code_problem(code) is None


@pytest.mark.parametrize("code", ["E05000027", "W06000001", "E0900002", "E090000271", "e09000027", "318", ""])
def test_anything_else_is_refused_as_an_ons_code(code):
    assert authorities.ons_code_problem(code) == authorities.ONS_CODE_INVALID


@pytest.mark.parametrize(
    ("code", "ok"), [("318", True), ("201", True), ("31", False), ("3188", False), ("3a8", False)]
)
def test_an_la_number_is_three_digits(code, ok):
    assert (authorities.lea_code_problem(code) is None) is ok
