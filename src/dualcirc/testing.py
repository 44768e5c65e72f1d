"""Seeded random tables for property tests and benchmarks (METHODS.md 8.6).

``random_icio`` builds a productive inter-country table: diagonal blocks heavier than off-diagonal ones,
column sums of A scaled to at most ``max_colsum``, optional negative final-demand (inventory) entries and
zero-output cells.  ``icio_shaped(seed)`` gives an OECD-ICIO-2025-shaped table (81 regions x 50 sectors).
"""

from __future__ import annotations

import numpy as np

from .tables.model import IOTable, Satellite, TableMeta

CATEGORIES = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT")


def random_icio(G: int = 4, N: int = 3, *, seed: int = 0, max_colsum: float = 0.7, negative_inventories: bool = True,
                zero_output_cells: int = 0, density: float = 1.0, satellites: bool = True,
                domestic_weight: float = 4.0) -> IOTable:
    """A random productive ICIO with G regions and N sectors (values in 'million USD')."""
    rng = np.random.default_rng(seed)
    n = G * N
    A = rng.random((n, n))
    if density < 1.0:
        A *= rng.random((n, n)) < density
    own = np.repeat(np.arange(G), N)
    A[own[:, None] == own[None, :]] *= domestic_weight
    colsum = A.sum(0)
    target = rng.uniform(0.2, max_colsum, n)
    A *= np.divide(target, colsum, out=np.zeros(n), where=colsum > 0)[None, :]
    Yfull = rng.random((n, G, len(CATEGORIES))) * 10.0
    Yfull[own, own, :] *= 5.0  # home bias of final demand
    if negative_inventories:
        Yfull[:, :, CATEGORIES.index("INVNT")] = rng.normal(0.0, 1.0, (n, G))
    zero = rng.choice(n, size=zero_output_cells, replace=False) if zero_output_cells else np.array([], int)
    if zero.size:
        A[zero, :] = 0.0
        A[:, zero] = 0.0
        Yfull[zero] = 0.0
    y = Yfull.sum((1, 2))
    # ensure every active cell has positive output: shift negative totals with household demand at home
    short = (y <= 0.5) & ~np.isin(np.arange(n), zero)
    Yfull[short, own[short], 0] += 1.0 - y[short]
    y = Yfull.sum((1, 2))
    x = np.linalg.solve(np.eye(n) - A, y)
    Z = A * x[None, :]
    sats = {}
    if satellites:
        sats = {
            "employment": Satellite("employment", rng.random(n) * x * 0.01, "1000 persons", label_zh="就业"),
            "co2": Satellite("co2", rng.random(n) * x * 0.5, "kt CO2", household=rng.random(G) * 10, label_zh="二氧化碳"),
        }
        for q in zero:
            sats["employment"].values[q] = 0.0
            sats["co2"].values[q] = 0.0
    comp = (x - Z.sum(0)) * 0.6
    va = np.vstack([comp, (x - Z.sum(0)) - comp])
    return IOTable.from_arrays(
        Z, Yfull, x, regions=[f"R{g + 1:02d}" for g in range(G)], sectors=[f"S{i + 1:02d}" for i in range(N)],
        fd_categories=CATEGORIES, va=va, va_rows=("COMP", "GOS"), satellites=sats,
        meta=TableMeta(source="synthetic", edition=f"random_icio(G={G}, N={N}, seed={seed})", year=2020,
                       unit="million USD"))


def icio_shaped(seed: int = 2025, G: int = 81, N: int = 50) -> IOTable:
    """A synthetic table in the shape of OECD ICIO 2025 (81 regions x 50 sectors = 4,050 cells), fixed seed."""
    return random_icio(G, N, seed=seed, max_colsum=0.7, negative_inventories=True, satellites=True)


def open_economy(table: IOTable, outside: int) -> IOTable:
    """Cut region ``outside`` out of a closed inter-country table: its purchases become the export vector and its
    sales the non-competitive imports Zm / Ym of the other regions, a national MRIO with an open foreign sector
    (METHODS.md 4.3).  Value added is unchanged, so v'L + a^M'L = u' holds on the result."""
    G, N, C = table.G, table.N, len(table.fd_categories)
    keep_regions = [g for g in range(G) if g != outside]
    keep = np.concatenate([np.arange(g * N, (g + 1) * N) for g in keep_regions])
    gone = np.arange(outside * N, (outside + 1) * N)
    exports = table.Z[np.ix_(keep, gone)].sum(1) + table.Y[keep][:, outside].sum(1)
    return IOTable.from_arrays(
        table.Z[np.ix_(keep, keep)], table.Y[keep][:, keep_regions], table.x[keep],
        regions=[table.regions[g] for g in keep_regions], sectors=table.sectors, fd_categories=table.fd_categories,
        va=table.W[:, keep], va_rows=table.va_rows, exports=exports, Zm=table.Z[np.ix_(gone, keep)],
        Ym=table.Y[gone][:, keep_regions].reshape(N, G - 1, C), meta=table.meta)
