"""Each rule of the project's own census rule catalogues (domain.census.cin.RULES, ssda903.ROW_RULES and
CHILD_RULES) states, as its docstring, the message of the DfE validator's rule file it names.

Read from the rule files' `@rule_definition(code=..., message=...)` in the `.validators` venv (`make
validators`), without running the validators."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from continuity import validators
from domain.census import cin
from domain.census import ssda903 as s903
from tests.validators.test_harness import require_validators


def _site_packages() -> Path:
    require_validators()
    found = sorted(Path(validators.VENV_DIR).glob("lib/python3*/site-packages"))
    assert found, "no site-packages in the validators venv"
    return found[0]


def _definition(path: Path) -> tuple[str, str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "rule_definition":
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            return str(ast.literal_eval(keywords["code"])), str(ast.literal_eval(keywords["message"]))
    raise AssertionError(f"no rule_definition in {path}")


def _plain(text: str) -> str:
    """Compared without typography: curly quotes as straight ones, runs of white space as one space."""
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return re.sub(r"\s+", " ", text).strip()


CATALOGUE = [("cin_validator", rule) for rule in cin.RULES if rule.code != cin.SCHEMA] + [
    ("lac_validator", rule) for rule in (*s903.ROW_RULES, *s903.CHILD_RULES)
]


@pytest.mark.parametrize(("package", "rule"), CATALOGUE, ids=lambda value: getattr(value, "code", value))
def test_docstring_is_the_validators_message(package: str, rule: cin.Rule) -> None:
    path = _site_packages() / package / "rules" / rule.source
    code, message = _definition(path)
    assert code == rule.code
    assert _plain(rule.check.__doc__ or "") == _plain(message)
