"""SSDA903 import/export timings on a synthetic return (bench.lac_fixture); for `make bench`.

`measure(la, children=20_000, today=...)` needs a configured Django database; it writes the return to a
temporary folder, imports it into `la` (all children created), re-imports it (all unchanged), exports the
year, and returns the seconds each step took.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.lac_fixture import write_903_return


def measure(la: Any, *, children: int = 20_000, today: date, year: int = 2026) -> dict[str, float]:
    from casework.returns.lac_export import export_903
    from casework.returns.lac_import import import_903
    from casework.returns.models import ImportRun

    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="903-bench-") as folder:
        source = write_903_return(Path(folder) / "in", children, year=year)
        timings["files_mb"] = sum(p.stat().st_size for p in source.glob("*.csv")) / 1024**2
        for step in ("import", "reimport"):
            started = time.perf_counter()
            run = import_903(la=la, paths=source, today=today, year=year)
            timings[f"{step}_s"] = time.perf_counter() - started
            if run.status != ImportRun.Status.DONE:
                raise RuntimeError(run.message)
            timings[f"{step}_breaches"] = run.breach_count
        started = time.perf_counter()
        export_903(la=la, year=year, folder=Path(folder) / "out")
        timings["export_s"] = time.perf_counter() - started
    return timings
