"""Run the DfE CIN census validator (csc-validator-be-cin) on one XML file; print one JSON object.

    .validators/bin/python tools/validators/run_cin.py FILE.xml --year 2026

The upstream engine deep-copies the tables for every rule but swallows a rule's exception (it prints
"Error with rule …" and carries on as if the rule had passed): each rule is wrapped here so that its exception
is recorded under "crashed_rules" (and the printed lines are parsed as a second net).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import time
import xml.etree.ElementTree as ET  # noqa: S405 - the LA's own export, parsed by the validator itself
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common

PRINTED_CRASH = re.compile(r"^Error with rule (?P<rule>\S+): (?P<error>.*)$")


def guarded(rule: Any, crashes: dict[str, str]) -> Callable[..., Any]:
    func = rule.func

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            crashes[str(rule.code)] = f"{type(exc).__name__}: {exc}"
            raise

    return run


def field_names(fields: Any) -> list[str]:
    """A rule's affected_fields as names (a few rules list a CINTable member among them)."""
    return [field if isinstance(field, str) else getattr(field, "name", str(field)) for field in fields]


def _run(path: Path, year: str, out: dict[str, Any]) -> tuple[Any, Any, dict[str, str], float]:
    """Read the file and run every rule of the year's ruleset, each guarded: the registry, (the tables,
    the validator), the crashed rules and the seconds taken. Exits with status 2 when the ruleset or the
    file cannot be read."""
    from cin_validator import cin_validator
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    started = time.perf_counter()
    try:
        registry = get_year_ruleset(year)
    except ModuleNotFoundError:
        _common.emit(out | {"fatal": f"no CIN ruleset {out['ruleset']} in this validator version"}, 2)
    try:
        with _common.stdout_captured():
            root = ET.parse(path).getroot()  # noqa: S314
            data = cin_validator.process_data(cin_validator.convert_data(root))
    except Exception as exc:  # the ingress rejects the file: nothing was validated
        _common.emit(out | {"fatal": f"could not read {path}: {type(exc).__name__}: {exc}"}, 2)

    crashes: dict[str, str] = {}
    wrapped = {
        code: dataclasses.replace(rule, func=guarded(rule, crashes)) for code, rule in registry.items()
    }
    with _common.stdout_captured() as printed:
        validator = cin_validator.CinValidator(data, wrapped)
    seconds = time.perf_counter() - started
    for line in printed.getvalue().splitlines():
        match = PRINTED_CRASH.match(line.strip())
        if match and match["rule"] not in crashes:
            crashes[match["rule"]] = match["error"]
    return registry, (data, validator), crashes, seconds


class _Describe:
    """A rule's kind (error or query) and description, from the registry (or the code and upstream text)."""

    def __init__(self, registry: Any) -> None:
        from cin_validator.rule_engine import RuleType

        self.registry = registry
        self.query = RuleType.QUERY

    def kind(self, code: str) -> str:
        rule = self.registry.get(code)
        if rule is not None:
            return "query" if rule.rule_type == self.query else "error"
        return "query" if code.endswith("Q") else "error"

    def description(self, code: str, fallback: Any) -> str | None:
        rule = self.registry.get(code)
        return rule.message if rule is not None and rule.message else _common.plain(fallback)


def child_issues(validator: Any, describe: _Describe) -> list[dict[str, Any]]:
    """Child-level issues: one upstream row per (child, rule, column, row), merged into one per location."""
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rec in validator.full_issue_df.to_dict("records"):
        code = str(rec["rule_code"])
        key = (
            code,
            _common.plain(rec.get("child_id")),
            rec.get("tables_affected"),
            _common.plain(rec.get("row_id")),
        )
        item = grouped.get(key)
        if item is None:
            item = grouped[key] = _common.issue(
                code,
                describe.kind(code),
                rec.get("child_id"),
                rec.get("tables_affected"),
                [],
                rec.get("row_id"),
                describe.description(code, rec.get("rule_description")),
            )
        column = _common.plain(rec.get("columns_affected"))
        if column is not None and column not in item["columns"]:
            item["columns"].append(column)
    return list(grouped.values())


def return_issues(validator: Any, describe: _Describe) -> list[dict[str, Any]]:
    """Header (return-level) and LA-level issues: no child, no row."""
    from cin_validator.rule_engine import CINTable

    issues = []
    for rec in validator.multichild_issues.to_dict("records"):
        code = str(rec["rule_code"])
        rule = describe.registry.get(code)
        header = rule is not None and rule.module == CINTable.Header
        columns = field_names(rule.affected_fields) if rule is not None and rule.affected_fields else None
        issues.append(
            _common.issue(
                code,
                describe.kind(code),
                None,
                "Header" if header else None,
                columns,
                None,
                describe.description(code, rec.get("rule_description")),
            )
        )
    return issues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--year", required=True, help="collection year end, e.g. 2026")
    args = parser.parse_args()
    _common.quiet()

    year = str(args.year)
    out: dict[str, Any] = {
        "validator": "csc-validator-be-cin",
        "version": _common.package_version("csc-validator-be-cin"),
        "ruleset": f"cin{int(year) - 1}_{year[2:4]}",
        "year": int(year),
    }
    registry, (data, validator), crashes, seconds = _run(args.file, year, out)
    describe = _Describe(registry)
    issues = child_issues(validator, describe) + return_issues(validator, describe)
    issues.sort(key=_common.sort_key)

    children = data["ChildIdentifiers"]["LAchildID"]
    _common.emit(
        out
        | {
            "seconds": round(seconds, 3),
            "rules": len(registry),
            "errors": issues,
            "crashed_rules": [{"rule": code, "error": error} for code, error in sorted(crashes.items())],
            "known_broken": [],
            "children": int(len(children)),
        }
    )


if __name__ == "__main__":
    main()
