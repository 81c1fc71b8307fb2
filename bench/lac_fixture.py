"""A synthetic SSDA903 return of N children (every 2026 table), for timing the import and export.

`write_903_return(folder, children, year=2026, seed=0)` writes every table of the year (header.csv,
episodes.csv, reviews.csv, uasc.csv, oc2.csv, oc3.csv, ad1.csv, placed_for_adoption.csv,
previous_permanence.csv, missing.csv, sw_episodes.csv).
Per child: 1-3 episodes (a period of care, the last one open or ended), 2-3 reviews in the year; a share of
the children also have OC2 (looked after 12 months), OC3 (care leavers), UASC, missing and adoption records.
Deterministic for a seed. Shaped like a real return, not guaranteed to pass every DfE rule.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.census import ssda903 as s903
from domain.census.years import CollectionYear

POSTCODES = ("TW1 1AA", "TW1 1AF", "TW1 1AR", "TW1 1AS", "TW1 1AW", "TW1 1AX", "TW1 1AY", "TW1 1AZ")
ETHNIC = sorted(s903.ETHNIC)


def _d(day: date | None) -> str:
    return s903.format_date(day)


def write_903_return(folder: Path | str, children: int, *, year: int = 2026, seed: int = 0) -> Path:
    """Write the return's CSV files into `folder` (created if need be) and return the folder."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    period = CollectionYear(year)
    files = {
        spec.name: (out / spec.file_name).open("w", encoding="utf-8", newline="")
        for spec in s903.tables_for(year)
    }
    writers = {name: csv.writer(handle, lineterminator="\n") for name, handle in files.items()}
    try:
        for spec in s903.tables_for(year):
            writers[spec.name].writerow(spec.columns)
        for n in range(children):
            _write_child(writers, n, rng, period)
    finally:
        for handle in files.values():
            handle.close()
    return out


def _write_child(writers: dict[str, Any], n: int, rng: random.Random, period: CollectionYear) -> None:
    """One looked-after child's rows in every table of the return."""
    child = f"B{n:07d}"
    dob = date(2004, 1, 1) + timedelta(days=rng.randrange(20 * 365))
    born = _d(dob)
    sex = rng.choice("MF")
    writers["Header"].writerow(
        [child, sex, born, rng.choice(ETHNIC), f"H318{n:08d}1", "0" if sex == "F" else "", ""]
    )
    start = max(dob + timedelta(days=30), period.starts - timedelta(days=rng.randrange(1500)))
    decom = start
    episodes = rng.randint(1, 3)
    for index in range(episodes):
        last = index == episodes - 1
        dec = None if last and rng.random() < 0.7 else decom + timedelta(days=rng.randint(30, 200))
        if dec is not None and dec > period.ends:
            dec = None
        rec = "" if dec is None else ("X1" if not last else rng.choice(["E4A", "E13", "E8", "E11"]))
        writers["Episodes"].writerow(
            [child, _d(decom), "S" if index == 0 else "P", "C2", "N1", "U4", "PR1", _d(dec), rec,
             "CARPL" if rec == "X1" else "", rng.choice(POSTCODES), rng.choice(POSTCODES), "SC123456"]
        )  # fmt: skip
        if dec is None:
            break
        decom = dec
    for r in range(rng.randint(2, 3)):
        review = period.starts + timedelta(days=20 + 110 * r + rng.randrange(30))
        code = "PN0" if review < s903.add_years(dob, 4) else "PN1"
        writers["Reviews"].writerow([child, born, _d(review), code])
    if start <= period.ends - timedelta(days=365) and rng.random() < 0.8:
        writers["OC2"].writerow(
            [child, born, str(rng.randint(0, 40)), "", "0", "", "1", "1", "1", "0", "", ""]
        )
    if start >= period.starts:
        writers["PrevPerm"].writerow([child, born, "Z1", "", ""])
    if rng.random() < 0.05:
        writers["UASC"].writerow([child, sex, born, _d(s903.add_years(dob, 18))])
    if rng.random() < 0.05:
        writers["OC3"].writerow([child, born, "YES", "F2", "B1"])
    if rng.random() < 0.1:
        gone = period.starts + timedelta(days=rng.randrange(300))
        writers["Missing"].writerow([child, born, rng.choice("MA"), _d(gone), _d(gone + timedelta(days=2))])
    if rng.random() < 0.02:
        writers["PlacedAdoption"].writerow([child, born, _d(start + timedelta(days=60)), "", ""])
        writers["AD1"].writerow([child, born, _d(start + timedelta(days=60)), "", "0", "2", "MF", "L11"])
    writers["SWEpisodes"].writerow([child, born, f"SW{10000 + n % 500}", _d(start), "", "MANAGE"])
