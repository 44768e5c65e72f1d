"""One input-output table for one year (METHODS.md section 0).

``IOTable`` holds labelled arrays in the notation of METHODS.md:

* ``Z``  (n x n) intermediate flows, cells stored country-major (cell (s, i) at index s*N + i);
* ``Y``  (n x G x C) final demand by destination region and category (``Y.sum(2)`` is the n x G array Y);
* ``W``  (K x n) primary inputs (value-added components, and an ``OTH`` residual row where needed);
* ``x``  (n) gross output;
* ``exports`` (n) and ``Zm`` / ``Ym`` (imports by product) for tables whose rest of the world is outside the
  model: national non-competitive tables (G = 1) and national MRIOs such as China's interprovincial tables
  (G provinces, METHODS.md 4.3: exports form a foreign destination column, imports a non-competitive row block);
* ``satellites``: named stressor rows with units (employment, CO2, ...);
* ``nations``: for nested tables, the nation of each region (province -> nation).

Build tables with :meth:`IOTable.from_arrays`; it applies the checks and the edge-case policy of METHODS.md
section 0.6 and records what it found in ``table.checks``.  Tables are immutable by convention: every
transformation (aggregation, merging regions) returns a new table.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import BalanceError, InputError, TableWarning

#: final-demand category added when rows do not balance (METHODS.md 0.6-1)
DISC = "DISC"
#: primary-input row added when given value added differs from x - Z'u (METHODS.md 0.6-2)
OTH = "OTH"

#: Canonical final-demand category codes and what the readers map publishers' codes to.
FD_CATEGORIES = {
    "HFCE": "Household final consumption",
    "NPISH": "Final consumption of non-profit institutions serving households",
    "GGFC": "Government final consumption",
    "GFCF": "Gross fixed capital formation",
    "INVNT": "Changes in inventories and valuables",
    "DISC": "Statistical discrepancy / balancing item",
}


@dataclass(frozen=True)
class TableMeta:
    """Provenance of a table: who published it, which edition and year, in which unit."""

    source: str = "user"
    edition: str = ""
    year: int | None = None
    unit: str = "monetary unit"
    citation: str = ""
    file: str | None = None
    notes: tuple[str, ...] = ()

    def label(self) -> str:
        parts = [self.source, self.edition, str(self.year) if self.year is not None else ""]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Satellite:
    """A satellite (environmental or social) account by producing cell, with its unit (METHODS.md 1.4).

    ``household`` holds direct household stressors by region (e.g. household CO2), or None.
    """

    name: str
    values: np.ndarray
    unit: str
    household: np.ndarray | None = None
    label_zh: str = ""


@dataclass(frozen=True)
class Finding:
    """One outcome of the table checks: ``level`` is 'warning' or 'info'; ``code`` is stable for tests."""

    level: str
    code: str
    message: str


def _cell_names(index: pd.MultiIndex, positions) -> str:
    pos = list(positions)
    shown = ", ".join(f"{index[p][0]}/{index[p][1]}" for p in pos[:8])
    return shown + (f" and {len(pos) - 8} more" if len(pos) > 8 else "")


def as_float_array(name: str, a, shape: tuple[int, ...]) -> np.ndarray:
    """``a`` as a float array of ``shape``; a wrong shape or a NaN/inf entry is an InputError naming ``name``."""
    arr = np.asarray(a, dtype=float)
    if arr.shape != shape:
        raise InputError(f"{name} has shape {arr.shape}; expected {shape}")
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[:5].tolist()
        raise InputError(f"{name} contains non-finite values (NaN or inf) at positions {bad}; "
                         "fill missing cells with 0 or fix the source")
    return arr


def _imbalance_warning(gap: np.ndarray, x: np.ndarray, sums: np.ndarray, tol: float, index: pd.MultiIndex, *,
                       lines: str, identity: str, sums_name: str, remedy: str) -> str | None:
    """The warning for the rows or columns (``lines``) whose |gap| exceeds ``tol`` relative to max(|x|, 1), naming
    the worst cell with its ``sums``; None where none does (METHODS.md 0.6-1/2)."""
    rel = np.abs(gap) / np.maximum(np.abs(x), 1.0)
    worst = int(np.argmax(rel))
    if rel[worst] <= tol:
        return None
    return (f"{lines} do not balance ({identity}) in {int((rel > tol).sum())} cell(s); worst "
            f"{_cell_names(index, [worst])}: x = {x[worst]:g}, {sums_name} = {sums[worst]:g}. The gap was added "
            f"as {remedy}")


@dataclass(frozen=True, eq=False)
class TableLabels:
    """The labels of a country-major table (METHODS.md 0.1): ``G`` regions x ``N`` sectors = ``n`` cells, the
    final-use categories and the primary-input rows."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    fd_categories: tuple[str, ...]
    va_rows: tuple[str, ...]

    @property
    def G(self) -> int:
        return len(self.regions)

    @property
    def N(self) -> int:
        return len(self.sectors)

    @property
    def n(self) -> int:
        return self.G * self.N


@dataclass(frozen=True, eq=False)
class IOTable(TableLabels):
    """A validated input-output table for one year. Use :meth:`from_arrays` to build one."""

    Z: np.ndarray
    Y: np.ndarray
    W: np.ndarray
    x: np.ndarray
    meta: TableMeta = field(default_factory=TableMeta)
    exports: np.ndarray | None = None
    Zm: np.ndarray | None = None
    Ym: np.ndarray | None = None
    satellites: Mapping[str, Satellite] = field(default_factory=dict)
    nations: Mapping[str, str] | None = None
    sector_names: Mapping[str, str] = field(default_factory=dict)
    sector_names_zh: Mapping[str, str] = field(default_factory=dict)
    checks: tuple[Finding, ...] = ()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(
        cls,
        Z,
        Y,
        x=None,
        *,
        regions: Sequence[str],
        sectors: Sequence[str],
        fd_categories: Sequence[str] | None = None,
        va=None,
        va_rows: Sequence[str] | None = None,
        exports=None,
        Zm=None,
        Ym=None,
        satellites: Mapping[str, Satellite] | None = None,
        nations: Mapping[str, str] | None = None,
        meta: TableMeta | None = None,
        sector_names: Mapping[str, str] | None = None,
        sector_names_zh: Mapping[str, str] | None = None,
        x_policy: str = "given",
        tol_balance: float = 1e-6,
        tol_zero: float | None = None,
    ) -> "IOTable":
        """Build and check a table (METHODS.md 0.2 and 0.6).

        ``Y`` is n x G x C (or n x G for a single category ``"FD"``). ``va`` is K x n (or n) primary inputs;
        when omitted, value added is ``x - Z'u`` (minus imported intermediates for national tables).
        ``exports`` (n), ``Zm`` (N x n) and ``Ym`` (N x G x C) describe foreign trade outside the model.
        ``x_policy='given'`` keeps ``x`` and balances rows with a DISC category; ``'rowsum'`` sets ``x``
        to the row sums.  ``tol_zero`` is the absolute amount a zero-output cell's row or column may sum to
        (rounding in published tables) before the table is rejected; default ``tol_balance * max(x)``.
        """
        meta = meta or TableMeta()
        regions, sectors = tuple(map(str, regions)), tuple(map(str, sectors))
        G, N = len(regions), len(sectors)
        n = G * N
        if G == 0 or N == 0:
            raise InputError("a table needs at least one region and one sector")
        for what, labels in (("region", regions), ("sector", sectors)):
            dup = pd.Index(labels)[pd.Index(labels).duplicated()].unique().tolist()
            if dup:
                raise InputError(f"duplicate {what} labels: {dup[:10]}")
        Z = as_float_array("Z", Z, (n, n))
        Y = np.asarray(Y, dtype=float)
        if Y.ndim == 2:
            Y = Y[:, :, None]
        if fd_categories is None:
            fd_categories = ["FD"] if Y.shape[2:] == (1,) else [f"FD{c + 1}" for c in range(Y.shape[2])]
        fd_categories = tuple(map(str, fd_categories))
        Y = as_float_array("Y", Y, (n, G, len(fd_categories)))
        exports = None if exports is None else as_float_array("exports", exports, (n,))
        if Zm is not None:
            Zm = as_float_array("Zm (imported intermediates)", Zm, (N, n))
        if Ym is not None:
            Ym = as_float_array("Ym (imported final use)", Ym, (N, G, len(fd_categories)))

        index = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
        findings: list[Finding] = []

        def note(level: str, code: str, message: str) -> None:
            findings.append(Finding(level, code, message))
            if level == "warning":
                warnings.warn(message, TableWarning, stacklevel=3)

        row_total = Z.sum(1) + Y.sum((1, 2)) + (exports if exports is not None else 0.0)
        if x is None or x_policy == "rowsum":
            if x_policy not in ("given", "rowsum"):
                raise InputError(f"x_policy must be 'given' or 'rowsum', not {x_policy!r}")
            x = row_total.copy()
        else:
            if x_policy != "given":
                raise InputError(f"x_policy must be 'given' or 'rowsum', not {x_policy!r}")
            x = as_float_array("x (gross output)", x, (n,))
        neg = np.flatnonzero(x < 0)
        if neg.size:
            raise BalanceError(f"gross output is negative in {neg.size} cell(s): {_cell_names(index, neg)} "
                               f"(e.g. x = {x[neg[0]]:g}); gross output must be >= 0")

        # --- zero output (0.6-3): a zero-output cell may neither sell nor buy
        zero = np.flatnonzero(x == 0)
        if zero.size:
            if tol_zero is None:
                tol_zero = tol_balance * max(1.0, float(np.abs(x).max()))
            col_net = Z.sum(0) + (Zm.sum(0) if Zm is not None else 0.0)
            if va is not None:
                col_net = col_net + np.atleast_2d(np.asarray(va, float)).sum(0)
            for q in zero:
                name = f"{index[q][0]}/{index[q][1]}"
                if abs(row_total[q]) > tol_zero:
                    raise BalanceError(f"cell {name} has zero gross output but its row (sales) sums to "
                                       f"{row_total[q]:g}; a zero-output cell cannot sell (METHODS.md 0.6-3)")
                if va is not None and abs(col_net[q]) > tol_zero:
                    raise BalanceError(f"cell {name} has zero gross output but its column (inputs + value "
                                       f"added) sums to {col_net[q]:g}; a zero-output cell cannot buy")
            row_flow = np.abs(Z).sum(1) + np.abs(Y).sum((1, 2))
            col_flow = np.abs(Z).sum(0) + (np.abs(Zm).sum(0) if Zm is not None else 0.0)
            cancel = [q for q in zero if row_flow[q] > 0 or col_flow[q] > 0]
            if cancel:
                # A cell that produces nothing can neither supply inputs nor absorb them: its (nearly) cancelling
                # entries are removed, so that every identity (e.g. v'L = u') holds exactly; buyers' value added
                # and the row balances take up the amounts (at most tol_zero each).
                dropped = float(row_flow[cancel].sum() + col_flow[cancel].sum())
                Z = Z.copy()
                Z[cancel, :] = 0.0
                Z[:, cancel] = 0.0
                Y = Y.copy()
                Y[cancel] = 0.0
                if exports is not None:
                    exports = exports.copy()
                    exports[cancel] = 0.0
                if Zm is not None:
                    Zm = Zm.copy()
                    Zm[:, cancel] = 0.0
                if va is not None:
                    va = np.atleast_2d(np.asarray(va, dtype=float)).copy()
                    va[:, cancel] = 0.0
                row_total = Z.sum(1) + Y.sum((1, 2)) + (exports if exports is not None else 0.0)
                note("warning", "zero_output_cancelling",
                     f"{len(cancel)} zero-output cell(s) had non-zero entries that (nearly) cancel out; they were "
                     f"set to 0 (sum of absolute values {dropped:g}; METHODS.md 0.6-3): {_cell_names(index, cancel)}")
            note("info", "zero_output", f"{zero.size} cell(s) have zero gross output and are masked in "
                 f"coefficients and normalisations: {_cell_names(index, zero)}")

        # --- row balance (0.6-1): the gap becomes a DISC final-demand category, own region
        gap = x - row_total
        if np.any(gap != 0):
            warning = _imbalance_warning(
                gap, x, row_total, tol_balance, index, lines="rows",
                identity=f"x != Zu + Yu{' + ex' if exports is not None else ''}", sums_name="row sum",
                remedy=f"final-demand category {DISC} (METHODS.md 0.6-1)")
            if warning:
                note("warning", "row_imbalance", warning)
            if DISC in fd_categories:
                Y = Y.copy()
                Y[np.arange(n), np.repeat(np.arange(G), N), fd_categories.index(DISC)] += gap
            else:
                disc = np.zeros((n, G, 1))
                disc[np.arange(n), np.repeat(np.arange(G), N), 0] = gap
                Y = np.concatenate([Y, disc], axis=2)
                fd_categories = fd_categories + (DISC,)
                if Ym is not None:
                    Ym = np.concatenate([Ym, np.zeros((N, G, 1))], axis=2)

        # --- column balance and value added (0.6-2)
        va_implied = x - Z.sum(0) - (Zm.sum(0) if Zm is not None else 0.0)
        if va is None:
            W = va_implied[None, :]
            va_rows = ("VA",)
        else:
            W = np.atleast_2d(np.asarray(va, dtype=float))
            va_rows = tuple(map(str, va_rows)) if va_rows is not None else tuple(
                ["VA"] if W.shape[0] == 1 else [f"VA{k + 1}" for k in range(W.shape[0])])
            W = as_float_array("va (primary inputs)", W, (len(va_rows), n))
            resid = va_implied - W.sum(0)
            if np.any(resid != 0):
                warning = _imbalance_warning(resid, x, x - resid, tol_balance, index, lines="columns",
                                             identity="x != Z'u + va", sums_name="inputs + va",
                                             remedy=f"primary-input row {OTH} (METHODS.md 0.6-2)")
                if warning:
                    note("warning", "column_imbalance", warning)
                if OTH in va_rows:
                    W = W.copy()
                    W[va_rows.index(OTH)] += resid
                else:
                    W = np.vstack([W, resid])
                    va_rows = va_rows + (OTH,)

        # --- negative entries (0.6-4)
        negZ = int((Z < 0).sum())
        if negZ:
            pos = np.argwhere(Z < 0)[:5]
            note("warning", "negative_Z", f"{negZ} intermediate flow(s) are negative, e.g. "
                 + "; ".join(f"{index[p][0]}/{index[p][1]} -> {index[q][0]}/{index[q][1]} = {Z[p, q]:g}"
                             for p, q in pos))
        if np.any(Y < 0):
            note("info", "negative_Y", f"{int((Y < 0).sum())} final-demand entries are negative "
                 "(inventories or discrepancy); identities hold, shares may leave [0, 1]")
        va_total = W.sum(0)
        if np.any(va_total < 0):
            neg_va = np.flatnonzero(va_total < 0)
            note("warning", "negative_va", f"value added is negative in {neg_va.size} cell(s): "
                 f"{_cell_names(index, neg_va)}")

        sats = dict(satellites or {})
        for name, sat in sats.items():
            vals = as_float_array(f"satellite {name!r}", sat.values, (n,))
            hh = None if sat.household is None else as_float_array(f"satellite {name!r} household",
                                                                   sat.household, (G,))
            sats[name] = replace(sat, values=vals, household=hh)
        if nations is not None:
            missing = [r for r in regions if r not in nations]
            if missing:
                raise InputError(f"nations mapping lacks regions {missing[:10]}")
            nations = {r: str(nations[r]) for r in regions}

        return cls(regions=regions, sectors=sectors, fd_categories=fd_categories, va_rows=va_rows, Z=Z, Y=Y,
                   W=W, x=x, meta=meta, exports=exports, Zm=Zm, Ym=Ym, satellites=sats, nations=nations,
                   sector_names=dict(sector_names or {}), sector_names_zh=dict(sector_names_zh or {}),
                   checks=tuple(findings))

    # ------------------------------------------------------------------ shapes and labels
    @property
    def is_national(self) -> bool:
        """A single-country table (one region)."""
        return self.G == 1

    @property
    def has_open_foreign_sector(self) -> bool:
        """Foreign trade is an export column and import rows, not part of the model (METHODS.md 1.7, 4.3)."""
        return self.exports is not None or self.Zm is not None

    @cached_property
    def cells(self) -> pd.MultiIndex:
        """Cell labels (region, sector), country-major."""
        return pd.MultiIndex.from_product([self.regions, self.sectors], names=["region", "sector"])

    @cached_property
    def region_of_cell(self) -> np.ndarray:
        """c(p): region index of every cell."""
        return np.repeat(np.arange(self.G), self.N)

    def region_index(self, region: str) -> int:
        try:
            return self.regions.index(region)
        except ValueError:
            raise InputError(f"unknown region {region!r}; this table has {list(self.regions)}") from None

    def sector_index(self, sector: str) -> int:
        try:
            return self.sectors.index(sector)
        except ValueError:
            raise InputError(f"unknown sector {sector!r}; this table has {list(self.sectors)}") from None

    # ------------------------------------------------------------------ derived vectors (cheap)
    @cached_property
    def Y2(self) -> np.ndarray:
        """Y summed over categories (n x G)."""
        return self.Y.sum(2)

    @cached_property
    def va(self) -> np.ndarray:
        """Value added by cell: the sum of the primary-input rows (equals x - Z'u - imports by construction)."""
        return self.W.sum(0)

    @cached_property
    def y(self) -> np.ndarray:
        """Total final demand of each cell, including exports for national tables (x = Ly)."""
        y = self.Y.sum((1, 2))
        return y + self.exports if self.exports is not None else y

    def gdp(self) -> np.ndarray:
        """GDP (sum of value added) by region."""
        return self.va.reshape(self.G, self.N).sum(1)

    def summary(self) -> dict:
        return {
            "source": self.meta.label(), "unit": self.meta.unit, "regions": self.G, "sectors": self.N,
            "cells": self.n, "final_demand_categories": list(self.fd_categories),
            "value_added_rows": list(self.va_rows), "satellites": {k: s.unit for k, s in self.satellites.items()},
            "national_table": self.is_national, "open_foreign_sector": self.has_open_foreign_sector,
            "total_output": float(self.x.sum()), "total_value_added": float(self.va.sum()),
            "warnings": [f.message for f in self.checks if f.level == "warning"],
        }

    def __repr__(self) -> str:
        return (f"IOTable({self.meta.label() or 'unnamed'}: {self.G} regions x {self.N} sectors, "
                f"{len(self.fd_categories)} final-demand categories, unit {self.meta.unit})")

    def with_meta(self, **changes) -> "IOTable":
        return replace(self, meta=replace(self.meta, **changes))
