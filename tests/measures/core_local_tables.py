"""Local table builders for the core-measure tests, used until the readers land.

* ``wiod2013_table``: WIOD 2013 release WIOT parquet of ../shared/data/wiod2013 (PROVENANCE.md section 0) ->
  IOTable; to be replaced by ``dualcirc.readers.wiod.read_wiod2013``.
* ``nbs_noncompetitive_table``: China NBS 42-sector non-competitive table of ../shared/data/io/china_nbs
  (PROVENANCE.md 1d) -> national IOTable with exports and imported intermediates / final use; to be replaced by
  the NBS reader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dualcirc.tables.model import IOTable, TableMeta

WIOD_CATEGORIES = {"CONS_h": "HFCE", "CONS_np": "NPISH", "CONS_g": "GGFC", "GFCF": "GFCF", "INVEN": "INVNT"}


def wiod2013_table(path: Path, satellites=None) -> IOTable:
    """The WIOT of one year: Z from the ``CCC|cNN`` columns, Y from ``CCC|<category>``, x from ``GO``."""
    df = pd.read_parquet(path)
    regions = list(dict.fromkeys(df.index.get_level_values(0)))
    sectors = list(dict.fromkeys(df.index.get_level_values(1)))
    Z = df[[f"{r}|{s}" for r in regions for s in sectors]].to_numpy()
    Y = df[[f"{r}|{c}" for r in regions for c in WIOD_CATEGORIES]].to_numpy().reshape(
        len(df), len(regions), len(WIOD_CATEGORIES))
    year = int(path.stem.split("_")[-1])
    return IOTable.from_arrays(
        Z, Y, df["GO"].to_numpy(), regions=regions, sectors=sectors, fd_categories=list(WIOD_CATEGORIES.values()),
        satellites=satellites,
        meta=TableMeta(source="WIOD", edition="2013 release", year=year, unit="million USD", file=str(path),
                       citation="Timmer et al. (2015), Rev. Int. Econ. 23: 575-605"))


def nbs_noncompetitive_table(path: Path) -> IOTable:
    """A national non-competitive table: Domestic rows -> Z, Y (TC, GFCF, INVNT) and exports; Imports rows -> Zm,
    Ym; primary inputs VA001-VA004 as published."""
    df = pd.read_csv(path, dtype={"Code": str})
    sectors = [c for c in df.columns if c.isdigit()]
    domestic = df[df["Origin"] == "Domestic"].set_index("Code").loc[sectors]
    imported = df[df["Origin"] == "Imports"].set_index("Code").loc[sectors]
    totals = df[df["Origin"] == "TOT"].set_index("Code")
    categories = {"TC": "TC", "FU201": "GFCF", "FU202": "INVNT"}
    N = len(sectors)
    va_rows = ["VA001", "VA002", "VA003", "VA004"]
    return IOTable.from_arrays(
        domestic[sectors].to_numpy(float), domestic[list(categories)].to_numpy(float).reshape(N, 1, 3),
        domestic["GO"].to_numpy(float), regions=["CHN"], sectors=sectors, fd_categories=list(categories.values()),
        va=totals.loc[va_rows, sectors].to_numpy(float), va_rows=va_rows,
        exports=domestic["EX"].to_numpy(float), Zm=imported[sectors].to_numpy(float),
        Ym=imported[list(categories)].to_numpy(float).reshape(N, 1, 3),
        meta=TableMeta(source="NBS", edition="42-sector non-competitive", year=int(path.name.split("_")[1]),
                       unit="10,000 CNY", file=str(path)))


def synthetic_satellite_values(table: IOTable, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """A seeded stressor (intensity x output) and household direct amounts for a real table without satellites."""
    rng = np.random.default_rng(seed)
    return rng.random(table.n) * table.x * 0.3, rng.random(table.G) * float(table.x.sum()) * 1e-4
