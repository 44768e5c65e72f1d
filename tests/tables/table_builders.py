"""Tables shared by the table-operation tests: a synthetic national MRIO with an open foreign sector, and WIOD 2013
(2011) as the package's reader reads it.

Imported by the test modules of this folder (pytest puts the folder on sys.path).
"""
from __future__ import annotations

import warnings
from functools import cache

import numpy as np

from shared_paths import shared_file
from dualcirc.errors import TableWarning
from dualcirc.readers.wiod import read_wiod2013
from dualcirc.tables.model import IOTable, Satellite, TableMeta
from dualcirc.testing import random_icio


def national_mrio() -> IOTable:
    """Three provinces of one nation with exports, imported intermediates and imported final use."""
    base = random_icio(3, 4, seed=7, satellites=False)
    rng = np.random.default_rng(7)
    N, n, C = base.N, base.n, len(base.fd_categories)
    exports = rng.random(n) * 20.0
    x = base.Z.sum(1) + base.Y.sum((1, 2)) + exports
    Zm = rng.random((N, n)) * 0.02 * x[None, :]
    return IOTable.from_arrays(
        base.Z, base.Y, x, regions=["BJ", "TJ", "HE"], sectors=["A", "B", "C", "D"],
        fd_categories=base.fd_categories, exports=exports, Zm=Zm, Ym=rng.random((N, 3, C)),
        satellites={"energy": Satellite("energy", rng.random(n), "tce", rng.random(3), label_zh="能源")},
        nations={"BJ": "CHN", "TJ": "CHN", "HE": "CHN"},
        meta=TableMeta(source="synthetic", edition="provincial", year=2017, unit="万元", citation="test"),
        sector_names={"A": "Agriculture", "B": "Mining"}, sector_names_zh={"A": "农业"})


def wiod2011() -> IOTable:
    """WIOD 2013 release, 2011 (41 regions x 35 sectors), from the shared Parquet file (skips when absent)."""
    return _wiod(shared_file("wiod2013", "wiot_2011.parquet"))


@cache
def _wiod(path) -> IOTable:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)  # rounded to whole millions; the findings stay in table.checks
        return read_wiod2013(path)
