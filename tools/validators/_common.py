"""Shared plumbing of the validator harness scripts (run by .validators/bin/python, never by the app's venv).

Exit status: 0 = the validator ran (its findings are in the JSON), 2 = the input was rejected before any rule
ran (the JSON has a "fatal" message), anything else = a harness defect (traceback on stderr).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import sys
import warnings
from collections.abc import Iterator
from importlib.metadata import version
from typing import Any

# Rows of the issue list, in this key order.
ISSUE_KEYS = ("rule", "type", "child", "table", "columns", "row", "description")


def quiet() -> None:
    """Silence the validators' logging and pandas' FutureWarnings: stdout carries only the JSON."""
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)


@contextlib.contextmanager
def stdout_captured() -> Iterator[io.StringIO]:
    """Collect whatever the validator prints (the CIN engine prints swallowed rule exceptions)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield buffer


def package_version(distribution: str) -> str:
    return version(distribution)


def plain(value: Any) -> Any:
    """A JSON-safe scalar: NaN/NA -> None, numpy scalars -> Python, anything else -> str."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def issue(
    rule: str,
    kind: str,
    child: Any,
    table: Any,
    columns: list[str] | None,
    row: Any,
    description: str | None,
) -> dict[str, Any]:
    return dict(
        zip(
            ISSUE_KEYS,
            (str(rule), kind, plain(child), plain(table), columns, plain(row), description),
            strict=True,
        )
    )


def sort_key(item: dict[str, Any]) -> tuple[str, str, str, int, str]:
    row = item.get("row")
    return (
        str(item["rule"]),
        str(item.get("table") or ""),
        str(item.get("child") or ""),
        row if isinstance(row, int) else -1,
        ",".join(item.get("columns") or []),
    )


def emit(result: dict[str, Any], status: int = 0) -> None:
    sys.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=False))
    sys.stdout.write("\n")
    sys.stdout.flush()
    raise SystemExit(status)
