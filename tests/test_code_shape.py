"""The shape of the code: no function longer than the house allows (mccabe complexity is ruff's C901)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "casework", "continuity", "demo", "bench", "tools")
MAX_FUNCTION_LINES = 80


def _functions() -> list[tuple[str, str, int]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    found.append((str(path.relative_to(ROOT)), node.name, length))
    return found


def test_the_check_reads_the_code_it_guards():
    """A check that found no functions could never fail."""
    names = {(path, name) for path, name, _ in _functions()}
    assert ("casework/children/services.py", "child_update") in names


def test_no_function_is_longer_than_80_lines():
    """Long functions hide rules: split them into named steps (migrations are generated, and exempt)."""
    too_long = [
        f"{path}: {name} ({length} lines)"
        for path, name, length in _functions()
        if length > MAX_FUNCTION_LINES
    ]
    assert not too_long, "Functions over 80 lines:\n" + "\n".join(too_long)
