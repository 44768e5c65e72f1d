"""Tables for the chain-security tests (METHODS.md 6; POLICY_SYSTEMS.md 2.2), imported by test_risk.py and
test_chain.py (pytest puts this folder on sys.path); national MRIOs come from ``dualcirc.testing.open_economy``.

* ``bottleneck_table``: a hand-made 2 x 2 table in which a cut must spread through a supplier without final demand;
* ``explicit``: dense inverses for checking closed forms (small tables only).
"""
from __future__ import annotations

import warnings
from functools import cache

import numpy as np

from dualcirc import datasets
from dualcirc.errors import TableWarning
from dualcirc.tables.model import IOTable
from dualcirc.testing import random_icio


def bottleneck_table() -> IOTable:
    """Regions A, B; sectors P (a part) and F (a final good).  A/P buys its parts from B/P (60 %) and A/P (40 %)
    and sells everything to A/F (no final demand); A/F uses A/P only.  Cutting B's parts to A must spread to A/F."""
    Z = np.zeros((4, 4))  # cells A/P, A/F, B/P, B/F
    Z[0, 0], Z[2, 0] = 8.0, 12.0      # A/P's parts: 40 % own, 60 % from B/P
    Z[0, 1] = 92.0                      # A/P sells the rest of its output to A/F
    Z[2, 2], Z[3, 3] = 10.0, 5.0
    x = np.array([100.0, 200.0, 150.0, 120.0])
    Y = np.zeros((4, 2, 1))
    Y[1, 0, 0] = 200.0                  # A/F: all to A's final demand
    Y[2, 1, 0] = 150.0 - 12.0 - 10.0    # B/P: the rest to B
    Y[3, 1, 0] = 120.0 - 5.0
    return IOTable.from_arrays(Z, Y, x, regions=["A", "B"], sectors=["P", "F"], fd_categories=["HFCE"])


def explicit(table: IOTable) -> dict[str, np.ndarray]:
    """Dense L, Ghosh G, A and B (zero-output cells masked as the engine does)."""
    n, x = table.n, table.x
    inv_x = np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)
    A, B = table.Z * inv_x[None, :], inv_x[:, None] * table.Z
    return {"A": A, "B": B, "L": np.linalg.inv(np.eye(n) - A), "G": np.linalg.inv(np.eye(n) - B),
            "v": table.va * inv_x}


@cache
def wiod2011() -> IOTable:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        return datasets.load("wiod2013", 2011)


@cache
def nbs2020() -> IOTable:
    return datasets.load("china_nbs42", 2020)


def icio(seed: int = 4, zero_output_cells: int = 1) -> IOTable:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        return random_icio(5, 4, seed=seed, zero_output_cells=zero_output_cells)
