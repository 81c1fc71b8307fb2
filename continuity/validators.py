"""The DfE return validators (CIN census, SSDA903), run as a subprocess in their own venv.

`csc-validator-be-cin` and `csc-validator-be-903` pin pandas<2 / numpy<1.25, so they live in `.validators/`
(`make validators`, pinned by tools/validators/requirements.txt), never in the app's venv. The harness scripts
in tools/validators/ print one JSON object; this module runs them and returns a `ValidatorResult`.
"""

from __future__ import annotations

import json
import os
import subprocess  # noqa: S404 - fixed argv, no shell
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
TOOLS_DIR = REPO_ROOT / "tools" / "validators"
VENV_DIR = REPO_ROOT / ".validators"
# The CIN validator's XML ingress is quadratic (about 6 minutes for 20,000 children on 2 vCPUs).
DEFAULT_TIMEOUT = 1800.0
# Environment variables that would make the validators' interpreter pick up the app's packages.
_LEAKY_ENV = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")


class ValidatorError(RuntimeError):
    """The validator could not give a verdict (missing venv, harness crash, timeout, unreadable JSON)."""


class ValidatorsMissingError(ValidatorError):
    """The .validators venv has not been built."""


class ValidatorInputError(ValidatorError):
    """The validator refused the input before running any rule (unknown CSV columns, unparseable XML...)."""

    def __init__(self, message: str, raw: dict[str, Any]) -> None:
        super().__init__(message)
        self.raw = raw


@dataclass(frozen=True)
class Issue:
    """A failing location: `row` is the 0-based row of `table` (None: return level)."""

    rule: str
    type: str  # "error" | "query"
    child: str | None
    table: str | None
    columns: list[str] | None
    row: int | str | None
    description: str | None

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Issue:
        child = item.get("child")
        return cls(
            rule=str(item["rule"]),
            type=str(item["type"]),
            child=None if child is None else str(child),
            table=item.get("table"),
            columns=item.get("columns"),
            row=item.get("row"),
            description=item.get("description"),
        )


@dataclass(frozen=True)
class RuleCrash:
    rule: str
    error: str


@dataclass
class ValidatorResult:
    validator: str
    version: str
    ruleset: str
    seconds: float
    children: int
    errors: list[Issue]
    queries: list[Issue]
    crashed_rules: list[RuleCrash]
    known_broken: list[RuleCrash]
    skipped_rules: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """No errors and every rule ran (queries, which need an explanation, do not block a return)."""
        return not self.errors and not self.crashed_rules

    def error_codes(self) -> Counter[str]:
        return Counter(issue.rule for issue in self.errors)

    def query_codes(self) -> Counter[str]:
        return Counter(issue.rule for issue in self.queries)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ValidatorResult:
        issues = [Issue.from_json(item) for item in raw["errors"]]
        return cls(
            validator=str(raw["validator"]),
            version=str(raw["version"]),
            ruleset=str(raw["ruleset"]),
            seconds=float(raw["seconds"]),
            children=int(raw["children"]),
            errors=[issue for issue in issues if issue.type != "query"],
            queries=[issue for issue in issues if issue.type == "query"],
            crashed_rules=[RuleCrash(str(c["rule"]), str(c["error"])) for c in raw["crashed_rules"]],
            known_broken=[RuleCrash(str(c["rule"]), str(c["error"])) for c in raw.get("known_broken", [])],
            skipped_rules=[str(code) for code in raw.get("skipped_rules", [])],
            raw=raw,
        )


def validators_python() -> Path | None:
    """The interpreter of the validators' venv, or None if `make validators` has not been run."""
    python = VENV_DIR / "bin" / "python"
    return python if python.is_file() and os.access(python, os.X_OK) else None


def _run(script: str, args: list[str], timeout: float) -> ValidatorResult:
    python = validators_python()
    if python is None:
        raise ValidatorsMissingError(
            f"the DfE validators' venv is missing ({VENV_DIR}): run `make validators`"
        )
    argv = [str(python), str(TOOLS_DIR / script), *args]
    env = {key: value for key, value in os.environ.items() if key not in _LEAKY_ENV}
    try:
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script, arguments are not a shell line
            argv, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ValidatorError(f"{script} did not finish within {timeout:.0f} s") from exc
    try:
        raw = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise ValidatorError(f"{script} exited {proc.returncode} without a result:\n{tail}") from exc
    if not isinstance(raw, dict):
        raise ValidatorError(f"{script} printed {type(raw).__name__}, not an object")
    if "fatal" in raw:
        raise ValidatorInputError(f"{raw.get('validator', script)}: {raw['fatal']}", raw)
    if proc.returncode != 0:
        raise ValidatorError(f"{script} exited {proc.returncode}:\n{proc.stderr.strip()[-2000:]}")
    return ValidatorResult.from_json(raw)


def run_cin(path: Path | str, year: int | str, *, timeout: float = DEFAULT_TIMEOUT) -> ValidatorResult:
    """Validate a CIN census XML file against the ruleset of the census ending 31 March `year`.

    Raises ValidatorsMissingError, ValidatorInputError (the file cannot be read) or ValidatorError.
    """
    return _run("run_cin.py", [str(Path(path).resolve()), "--year", str(year)], timeout)


def run_903(
    folder: Path | str,
    year: int | str,
    la_ons_code: str,
    prev: Path | str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> ValidatorResult:
    """Validate a folder of SSDA903 CSVs (every *.csv; `prev`: last year's) for the year to 31 March `year`.

    Raises ValidatorsMissingError, ValidatorInputError (the upload is refused) or ValidatorError.
    """
    args = [str(Path(folder).resolve()), "--year", str(year), "--la", la_ons_code]
    if prev is not None:
        args += ["--prev", str(Path(prev).resolve())]
    return _run("run_903.py", args, timeout)
