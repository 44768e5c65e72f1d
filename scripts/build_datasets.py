"""Derive the built-in datasets of dualcirc from ../shared/data (see src/dualcirc/datasets/build.py).

Usage (with dualcirc installed, e.g. `pip install -e .`):  python scripts/build_datasets.py [--shared-data DIR]

Writes src/dualcirc/datasets/data/{name}_{year}.npz (compressed dualcirc caches) and data/index.json (citation,
unit, source file and its SHA-256, reader).  Sources: WIOD 2013 release world tables 1995, 2000, 2005, 2011
(Timmer et al. 2015) and the NBS China 2020 42-sector table with imports split out (PROVENANCE.md 0 and 1d).
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

from dualcirc.datasets.build import build
from dualcirc.errors import TableWarning

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path,
                        default=Path(os.environ.get("DUALCIRC_SHARED_DATA", REPO.parent / "shared" / "data")))
    parser.add_argument("--out", type=Path, default=REPO / "src" / "dualcirc" / "datasets" / "data")
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)  # the findings are kept in each table's checks
        build(args.shared_data, args.out)


if __name__ == "__main__":
    main()
