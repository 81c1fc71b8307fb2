"""CIN census import/export timings on a synthetic census (bench.cin_fixture); for `make bench`.

`measure(la, children=20_000, today=...)` needs a configured Django database and an LA whose lea_code the
census uses; it writes the census to a temporary folder, imports it into `la` (all children created),
re-imports it (all unchanged), exports the year, and returns the seconds each step took.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.cin_fixture import write_cin_census


def measure(la: Any, *, children: int = 20_000, today: date, year: int = 2026) -> dict[str, float]:
    from casework.returns.cin_export import export_cin
    from casework.returns.cin_import import import_cin
    from casework.returns.models import ImportRun

    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cin-bench-") as folder:
        source = write_cin_census(Path(folder) / "census.xml", children, year=year, lea=la.lea_code)
        timings["file_mb"] = source.stat().st_size / 1024**2
        for step in ("import", "reimport"):
            started = time.perf_counter()
            run = import_cin(la=la, path=source, today=today)
            timings[f"{step}_s"] = time.perf_counter() - started
            if run.status != ImportRun.Status.DONE:
                raise RuntimeError(run.message)
        started = time.perf_counter()
        export_cin(la=la, year=year, out=Path(folder) / "export.xml")
        timings["export_s"] = time.perf_counter() - started
    return timings
