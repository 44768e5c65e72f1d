"""Competitive-import tables and their conversion to non-competitive form (METHODS.md 1.7).

In a competitive table (China NBS national tables, OECD total-use IOTs) the intermediate flows ``Z`` and final use
``F`` mix domestic and imported goods and imports appear as one column.  :func:`to_noncompetitive` separates them
under the import-proportionality assumption -- every user of product ``i`` imports the same share
``mu_i = im_i / U_i`` of its purchases (Miller & Blair 2009, ch. 2 and 8; Koopman, Wang & Wei 2012) -- and
returns an :class:`~dualcirc.tables.IOTable` with domestic ``Z``/``Y``, imported ``Zm``/``Ym`` by product and the
``exports`` vector.

The same conversion serves a national MRIO whose rows carry an import column (a provincial table of a country
without a world model, METHODS.md 4.3): there ``mu`` is computed per row cell ``(s, i)``, and the imported part of
every row of product ``i`` is summed over the rows' regions into row ``i`` of ``Zm``/``Ym``.

Edge cases (METHODS.md 1.7): where ``U_i <= 0`` or ``mu_i`` falls outside ``[0, 1)`` (re-exports: exports larger
than output) ``mu_i`` is clipped and the cells are logged in ``table.checks`` and ``meta.notes``.  Imports that the
clipped shares leave unallocated are re-exports: they pass through the economy without being used, so they are
taken out of ``exports`` (which then holds domestic exports only) and reported, and the identity
``x = Z^D u + F^D u + ex`` still holds exactly.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np

from ..errors import InputError, TableWarning
from .model import Finding, IOTable, TableLabels, TableMeta, as_float_array

#: largest import share kept: mu is clipped to [0, MU_MAX] so that it lies in [0, 1) (METHODS.md 1.7)
MU_MAX = 1.0 - 1e-9


@dataclass(frozen=True, eq=False)
class CompetitiveTable(TableLabels):
    """A competitive-import table as a publisher ships it, before conversion (METHODS.md 1.7).

    Cells are country-major as in :class:`IOTable` (``G`` regions x ``N`` sectors; ``G = 1`` for a national table).
    ``Z`` (n x n) and ``F`` (n x G x C, by destination region and category) are total (domestic + imported) use;
    ``imports`` (n, positive) are the imports of each row's product -- for a provincial table, those recorded in
    the row of the region that imports them; ``W`` (K x n) are the primary inputs and ``x`` gross output.
    ``discrepancy`` names the final-use category holding the publisher's "other / error" column (其他/误差), if any.
    """

    Z: np.ndarray
    F: np.ndarray
    exports: np.ndarray
    imports: np.ndarray
    W: np.ndarray
    x: np.ndarray
    meta: TableMeta = field(default_factory=TableMeta)
    discrepancy: str | None = None
    nations: Mapping[str, str] | None = None
    sector_names: Mapping[str, str] = field(default_factory=dict)
    sector_names_zh: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        G, n, C, K = self.G, self.n, len(self.fd_categories), len(self.va_rows)
        shapes = {"Z": (n, n), "F": (n, G, C), "exports": (n,), "imports": (n,), "W": (K, n), "x": (n,)}
        for name, shape in shapes.items():
            object.__setattr__(self, name, as_float_array(f"competitive table: {name}", getattr(self, name), shape))
        if self.discrepancy is not None and self.discrepancy not in self.fd_categories:
            raise InputError(f"competitive table: discrepancy category {self.discrepancy!r} is not one of the "
                             f"final-use categories {list(self.fd_categories)}")

    def row_gap(self) -> np.ndarray:
        """x - (Zu + Fu + ex - im): zero when the published rows balance (METHODS.md 0.6-1, competitive form)."""
        return self.x - (self.Z.sum(1) + self.F.sum((1, 2)) + self.exports - self.imports)


def _use_categories(table: CompetitiveTable, include_discrepancy: bool) -> np.ndarray:
    """Boolean mask of the final-use categories counted in domestic use U (and scaled by 1 - mu)."""
    mask = np.ones(len(table.fd_categories), dtype=bool)
    if table.discrepancy is not None and not include_discrepancy:
        mask[table.fd_categories.index(table.discrepancy)] = False
    return mask


def import_shares(table: CompetitiveTable, include_discrepancy: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Domestic use ``U`` and the unclipped import shares ``mu = im / U`` (NaN where ``U = 0``), METHODS.md 1.7.

    ``U`` is intermediate plus final use of each row, exports excluded; the discrepancy category counts as use
    unless ``include_discrepancy=False``.
    """
    use = _use_categories(table, include_discrepancy)
    U = table.Z.sum(1) + table.F[:, :, use].sum((1, 2))
    mu = np.full(U.shape, np.nan)
    np.divide(table.imports, U, out=mu, where=U != 0)
    return U, mu


def to_noncompetitive(table: CompetitiveTable, *, include_discrepancy: bool = True,
                      tol_balance: float = 1e-6) -> IOTable:
    """Convert a competitive-import table to a non-competitive :class:`IOTable` (METHODS.md 1.7).

    ``Z^D = (I - mu^) Z``, ``F^D = (I - mu^) F``, ``Z^M = mu^ Z`` (summed by product over the rows' regions into
    ``Zm``, N x n) and likewise ``Ym``; ``exports`` are domestic exports (published exports less re-exported
    imports, see the module docstring).  The discrepancy category is part of domestic use by default
    (``include_discrepancy=False`` leaves it whole on the domestic side).  Value added is the published primary
    inputs, so ``v'L + a^M'L = u'`` holds with ``va = x - u'Z^c``.
    """
    G, N = table.G, table.N
    U, mu_raw = import_shares(table, include_discrepancy)
    share = np.nan_to_num(mu_raw)                                      # NaN only where U = 0
    mu = np.where(U > 0, np.clip(share, 0.0, MU_MAX), 0.0)
    clipped = np.flatnonzero((table.imports != 0) & ((U <= 0) | (share < 0) | (share > MU_MAX)))

    use = _use_categories(table, include_discrepancy)
    keep = 1.0 - mu
    Zd = keep[:, None] * table.Z
    scale = np.where(use[None, :], keep[:, None], 1.0)               # n x C: 1 - mu on the use categories
    Fd = table.F * scale[:, None, :]
    # imported inputs by product: the imported parts of the rows (s, i) summed over the regions s
    Zm = (table.Z - Zd).reshape(G, N, -1).sum(0)
    Ym = (table.F - Fd).reshape(G, N, G, -1).sum(0)
    reexports = np.zeros_like(U)
    reexports[clipped] = table.imports[clipped] - mu[clipped] * U[clipped]
    exports = table.exports - reexports

    notes = ["converted from a competitive-import table by import proportionality (METHODS.md 1.7)"]
    if table.discrepancy is not None:
        notes[0] += (f"; the discrepancy column {'counts as' if include_discrepancy else 'is left out of'} "
                     "domestic use")
    findings: list[Finding] = []
    if clipped.size:
        cells = [f"{table.regions[p // N]}/{table.sectors[p % N]}" if G > 1 else table.sectors[p] for p in clipped]
        detail = ", ".join(f"{c} (U = {u:,.6g}, im = {m:,.6g})"
                           for c, u, m in zip(cells[:8], U[clipped], table.imports[clipped]))
        more = f" and {clipped.size - 8} more" if clipped.size > 8 else ""
        findings.append(Finding("warning", "import_share_clipped", (
            f"import share mu = im/U outside [0, 1) or undefined (U <= 0) in {clipped.size} cell(s), clipped to "
            f"[0, 1): {detail}{more}. The {float(reexports.sum()):,.6g} {table.meta.unit} of imports left "
            "unallocated are treated as re-exports and taken out of exports (METHODS.md 1.7)")))
        notes.append(findings[-1].message)

    meta = replace(table.meta, notes=tuple(table.meta.notes) + tuple(notes))
    converted = IOTable.from_arrays(
        Zd, Fd, table.x, regions=table.regions, sectors=table.sectors, fd_categories=table.fd_categories,
        va=table.W, va_rows=table.va_rows, exports=exports, Zm=Zm, Ym=Ym, nations=table.nations, meta=meta,
        sector_names=table.sector_names, sector_names_zh=table.sector_names_zh, tol_balance=tol_balance)
    for finding in findings:
        warnings.warn(finding.message, TableWarning, stacklevel=2)
    return replace(converted, checks=converted.checks + tuple(findings))
