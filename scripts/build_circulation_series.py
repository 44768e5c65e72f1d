"""Derive the built-in dual-circulation series 1995-2011 from the WIOD 2013 world tables in ../shared/data.

Usage (with dualcirc installed, e.g. `pip install -e .`):  python scripts/build_circulation_series.py [--shared-data DIR]

Reads wiod2013/wiot_YYYY.parquet for every year 1995-2011 with the project's reader
(dualcirc.readers.wiod.read_wiod2013) and computes, for all 41 regions, the levels of
dualcirc.measures.circulation.series_levels: the absorption account GDP, FE, DD, DF, FD (METHODS.md 4.1), gross
exports and imports from the table (4.4) and the production split V_D, V_RT, V_GVC_S, REX, REF (4.2).  Writes
src/dualcirc/datasets/data/circulation_wiod2013.csv: a provenance header (lines starting with "# ": source,
citation, unit, method, the SHA-256 of every source file) and one row per year and region, floats written so that
they read back exactly.  dualcirc.measures.circulation.wiod_series() loads it and adds the shares and ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import warnings
from pathlib import Path

import pandas as pd

from dualcirc import __version__
from dualcirc.errors import TableWarning
from dualcirc.measures.circulation import SERIES_FILE, SERIES_SCRIPT, series_levels
from dualcirc.readers.wiod import CITATION, read_wiod2013

REPO = Path(__file__).resolve().parents[1]
YEARS = range(1995, 2012)
SOURCE = "wiod2013/wiot_{year}.parquet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path,
                        default=Path(os.environ.get("DUALCIRC_SHARED_DATA", REPO.parent / "shared" / "data")))
    parser.add_argument("--out", type=Path, default=REPO / "src" / "dualcirc" / "datasets" / "data" / SERIES_FILE)
    args = parser.parse_args()
    frames, digests = [], []
    for year in YEARS:
        path = args.shared_data / SOURCE.format(year=year)
        digests.append(f"{SOURCE.format(year=year)} sha256={hashlib.sha256(path.read_bytes()).hexdigest()}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TableWarning)  # rounding gaps become the DISC category (METHODS.md 0.6-1)
            frames.append(series_levels(read_wiod2013(path)))
        print(f"{year}: {len(frames[-1])} regions")
    header = {
        "dataset": f"dual-circulation series, WIOD 2013 release, {YEARS[0]}-{YEARS[-1]}, 41 regions",
        "source": "World Input-Output Database (WIOD), 2013 release, world input-output tables (GGDC; CC BY 4.0), "
                  "as carried by the R package wiod (bquast/wiod); see shared/data/PROVENANCE.md section 0",
        "citation": CITATION,
        "unit": "million USD",
        "method": "dualcirc.measures.circulation.series_levels: va_absorption_account (METHODS.md 4.1; VA absorption "
                  "of dualcirc.measures.vat.va_absorption), gross_trade from the table (4.4), production (4.2: WWYZ "
                  "2017a with Borin-Mancini exporter/source REF and REX); every region on its own, inventories kept",
        "script": f"{SERIES_SCRIPT} (dualcirc {__version__}), reader dualcirc.readers.wiod.read_wiod2013",
        "files": "; ".join(digests),
    }
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        for key, value in header.items():
            fh.write(f"# {key}: {value}\n")
        pd.concat(frames, ignore_index=True).to_csv(fh, index=False)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
