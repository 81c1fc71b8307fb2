"""Run the DfE SSDA903 validator (csc-validator-be-903) on a folder of CSVs; print one JSON object.

    .validators/bin/python tools/validators/run_903.py FOLDER --year 2026 --la E09000027 [--prev FOLDER]

Every *.csv in FOLDER is this year's data (--prev: last year's); the validator identifies each table by its
exact set of column names, so two files with the same columns are refused here (upstream the last one would
silently win). Upstream `LacValidator` hands every rule a *shallow* copy of the tables, so a rule that edits
a table in place (rule 365 closes every open episode on 31 March) changes what the later rules see, in
filesystem order.
This harness re-implements its loop over the registry, giving every rule its own deep copy (faithful and
deterministic), and maps the failing rows back exactly as upstream fills its ERR_<code> columns.
"""

from __future__ import annotations

import argparse
import copy
import csv
import time
from pathlib import Path
from typing import Any

import _common

# Rules that crash on every input in csc-validator-be-903 0.1.17 (they read columns the ingress never creates:
# Header.UASC_STATUS, Episodes.DATE_EPISODE_CEASED); the project checks those conditions itself.
KNOWN_BROKEN = {"231", "233"}


def header_of(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def uploads(folder: Path, description: str, column_names: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The folder's CSVs as the validator's UploadedFile dicts; refuse two files for one table."""
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    files: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.csv")):
        columns = set(header_of(path))
        table = next((name for name, cols in column_names.items() if set(cols) == columns), None)
        if table is not None:
            if table in seen:
                raise ValueError(
                    f"{seen[table].name} and {path.name} are both the {table} table ({description})"
                )
            seen[table] = path
        # an unknown column set is left to the validator's own error message
        files.append({"name": path.name, "description": description, "file_content": path.read_bytes()})
    if not files:
        raise ValueError(f"no *.csv files in {folder}")
    return files


def _registry(year: str, out: dict[str, Any]) -> tuple[Any, Any]:
    """The year's ruleset and the validator's table column names (exits with status 2 if none)."""
    with _common.stdout_captured():
        from lac_validator.config import column_names
        from lac_validator.rules.ruleset_utils import get_year_ruleset

        _common.quiet()  # the validator's modules call logging.basicConfig on import
        try:
            registry = get_year_ruleset(year)
        except ModuleNotFoundError:
            registry = None
    if registry is None:
        _common.emit(out | {"fatal": f"no SSDA903 ruleset {out['ruleset']} in this validator version"}, 2)
    return registry, column_names


def _data_store(args: argparse.Namespace, column_names: Any, out: dict[str, Any]) -> Any:
    """The uploaded tables as the validator's data store (exits with status 2 if the upload is refused)."""
    from lac_validator.datastore import create_datastore
    from lac_validator.ingress import read_from_text

    try:
        files = uploads(args.folder, "This year", column_names)
        if args.prev is not None:
            files += uploads(args.prev, "Prev year", column_names)
        with _common.stdout_captured():
            dfs, metadata_extras = read_from_text(raw_files=files)
            metadata = {"collectionYear": str(args.year), "localAuthority": args.la} | metadata_extras
            return create_datastore(dfs, metadata)
    except Exception as exc:  # the upload is refused: nothing was validated
        _common.emit(out | {"fatal": f"{type(exc).__name__}: {exc}"}, 2)
        raise  # not reached: emit exits


class _Run:
    """Every rule of the registry on its own deep copy of the tables, and what each found."""

    def __init__(self, data_store: Any) -> None:
        self.data_store = data_store
        self.issues: list[dict[str, Any]] = []
        self.crashed: list[dict[str, str]] = []
        self.known_broken: list[dict[str, str]] = []
        self.skipped: list[str] = []
        self.child_of: dict[str, dict[Any, Any]] = {}  # per table: row index -> CHILD

    def rule(self, code: Any, rule: Any) -> None:
        try:
            result = rule.func(copy.deepcopy(self.data_store))
        except Exception as exc:
            entry = {"rule": str(code), "error": f"{type(exc).__name__}: {exc}"}
            (self.known_broken if str(code) in KNOWN_BROKEN else self.crashed).append(entry)
            return
        if result == {}:  # upstream: the rule's tables were not all supplied
            self.skipped.append(str(rule.code))
            return
        try:
            for table, values in result.items():
                self._failing_rows(rule, table, values)
        except Exception as exc:  # a malformed result (unknown table...) would crash upstream's whole run
            self.crashed.append({"rule": str(code), "error": f"bad result: {type(exc).__name__}: {exc}"})

    def _failing_rows(self, rule: Any, table: str, values: Any) -> None:
        if table not in self.child_of:
            df = self.data_store[table]
            self.child_of[table] = df["CHILD"].to_dict() if "CHILD" in df.columns else {}
        children_by_row = self.child_of[table]
        # upstream: drop NaNs, then df.loc[values, ERR_code] = True (repeats collapse)
        for idx in dict.fromkeys(v for v in values if _common.plain(v) is not None):
            self.issues.append(
                _common.issue(
                    rule.code,
                    "error",
                    children_by_row.get(idx),
                    table,
                    list(rule.affected_fields or []),
                    idx,
                    rule.message,
                )
            )

    def children(self) -> int:
        data_store = self.data_store
        if "Header" in data_store:
            return int(data_store["Header"]["CHILD"].dropna().nunique())
        ids: set[Any] = set()
        for name, df in data_store.items():
            if name != "metadata" and not name.endswith("_last") and "CHILD" in df.columns:
                ids.update(df["CHILD"].dropna())
        return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", required=True, help="collection year end, e.g. 2026")
    parser.add_argument("--la", required=True, help="the returning LA's upper-tier ONS code, e.g. E09000027")
    parser.add_argument("--prev", type=Path, help="folder of last year's CSVs (enables year-on-year rules)")
    args = parser.parse_args()
    _common.quiet()

    year = str(args.year)
    out: dict[str, Any] = {
        "validator": "csc-validator-be-903",
        "version": _common.package_version("csc-validator-be-903"),
        "ruleset": f"lac{int(year) - 1}_{year[2:4]}",
        "year": int(year),
    }
    registry, column_names = _registry(year, out)
    started = time.perf_counter()  # reading + validating, not importing the validator
    data_store = _data_store(args, column_names, out)
    run = _Run(data_store)
    with _common.stdout_captured():
        for code, rule in registry.items():
            run.rule(code, rule)
    seconds = time.perf_counter() - started
    run.issues.sort(key=_common.sort_key)
    _common.emit(
        out
        | {
            "la": args.la,
            "seconds": round(seconds, 3),
            "rules": len(registry),
            "tables": sorted(name for name in data_store if name != "metadata"),
            "errors": run.issues,
            "crashed_rules": sorted(run.crashed, key=lambda c: c["rule"]),
            "known_broken": sorted(run.known_broken, key=lambda c: c["rule"]),
            "skipped_rules": sorted(run.skipped),
            "children": run.children(),
        }
    )


if __name__ == "__main__":
    main()
