"""The demo authority's returns pass both DfE validators with no errors (the newcomer's first check).

Slow (a demo of 500 children, two validator runs). Needs the validators' venv (`make validators`): skipped
without it, except under CI=true, where a missing venv fails the test.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from casework.core.demo.service import generate_demo
from casework.returns.cin_export import export_cin
from casework.returns.lac_export import export_903
from continuity.validators import ValidatorResult, run_903, run_cin, validators_python

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)  # the last completed collection year is 2026 (1 April 2025 to 31 March 2026)
CHILDREN = int(os.environ.get("DEMO_EXPORT_CHILDREN", "500"))
YEARS = [int(year) for year in os.environ.get("DEMO_EXPORT_YEARS", "2026").split(",")]


def _describe(result: ValidatorResult) -> str:
    examples = {}
    for issue in result.errors:
        examples.setdefault(issue.rule, f"{issue.child} {issue.table} {issue.columns}: {issue.description}")
    return (
        f"{result.validator} {result.ruleset}: errors {dict(result.error_codes())}, "
        f"queries {dict(result.query_codes())}, crashed {[c.rule for c in result.crashed_rules]}\n"
        + "\n".join(f"  {rule}: {text}" for rule, text in sorted(examples.items()))
    )


@pytest.mark.parametrize("year", YEARS)
def test_the_demo_returns_pass_both_validators(year: int, tmp_path: Path) -> None:
    if validators_python() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the DfE validators' venv is missing: run `make validators`")
        pytest.skip("the DfE validators' venv is missing: run `make validators`")
    la = generate_demo(children=CHILDREN, seed=2020, today=TODAY, la_name="Exportbrook Council (demo)").la
    census = tmp_path / "cin.xml"
    export_cin(la=la, year=year, out=census)
    folder = tmp_path / "903"
    export_903(la=la, year=year, folder=folder)

    cin = run_cin(census, year)
    lac = run_903(folder, year, la.ons_code)
    print(_describe(cin))  # noqa: T201 - shown with -s, and on failure
    print(_describe(lac))  # noqa: T201
    assert cin.children > 0
    assert lac.children > 0
    assert not cin.crashed_rules
    assert not lac.crashed_rules
    assert not cin.errors, _describe(cin)
    assert not lac.errors, _describe(lac)
