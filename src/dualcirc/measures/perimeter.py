"""The exporter perimeter and the objects every trade-in-value-added decomposition shares
(METHODS.md 0.3, 0.4, 0.6-6 and 8.2).

A *perimeter* partitions the regions of a table into exporter units.  By default every region is its own unit;
``groups={"EU": [...], ...}`` makes each group one unit, as 0.6-6 requires for decompositions whose double-counting
perimeter is the exporter (KWW, WWZ, Borin-Mancini, LTV): the members' mutual blocks move into the domestic part
A^D and the local inverse L^D, and intra-group trade stops being trade.  This is *not* aggregating the table
(summing members' sectors into one region, as ``dualcirc.tables.groups.merge_regions`` would): every cell keeps
its own row of the global inverse L, so the results equal those of a table in which the group's cells were
contiguous with a coarser country indicator D (8.2), and member detail is summed only when results are printed.

``trade_context(table, groups, low_memory)`` returns the cached :class:`TradeContext` of a table and perimeter.
It draws the factorisation and the explicit Leontief inverse from the table's one engine and adds, lazily, the
n x G arrays of 0.4 (exports E, final demand split Y^D/Y^F, value-added content Phi, phi^D, phi^F, lambda) and the
two operators of 0.3: routing ``R(w) = A^F (w D)`` and exporter-pick ``P(Q)_{pr} = sum_{k in r} A^F_{pk}
Q_{k,c(p)}``.  Exporter units are the G of the spec; arrays are indexed (cell, unit).

Products L X and X' L are multi-right-hand-side solves with the LU factors (8.1); the explicit inverse is used
only for its blocks.  ``low_memory=True`` (METHODS.md 8.2) never forms it: the blocks L_ss inside each exporter
unit (for L^blk products and F_s = I + M_s) are streamed from solves on the units' identity columns, a few
column blocks L_.s at a time, keeping only the N x N blocks.  Computations that need off-diagonal blocks of L
(sink approach, self perimeter, importer perspective, bilateral LTV) are refused in that mode.
"""

from __future__ import annotations

import weakref
from functools import cache, cached_property
from typing import Mapping, Sequence

import numpy as np
from threadpoolctl import ThreadpoolController

from ..engine.backend import current_config
from ..engine.leontief import Engine, engine_for
from ..errors import InputError, OptionError
from ..tables.groups import group_members
from ..tables.model import IOTable


@cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def serial_blas():
    """Context for loops over exporter units: each iteration does small (N x n) products and N x N solves, for which
    a multi-threaded BLAS spends more time waking threads than computing (measured 4x on the 2-core box)."""
    return _blas_controller().limit(limits=1, user_api="blas")


def _normalise_groups(table: IOTable, groups: Mapping[str, Sequence[str] | str] | None) -> tuple:
    """Validated groups as a hashable tuple ((name, (members...)), ...) in table order; () when none.

    Members are region codes, or the name of a group known to :mod:`dualcirc.tables.groups` (e.g. ``"EU"``),
    whose membership is taken in the table's year.
    """
    if not groups:
        return ()
    seen: dict[str, str] = {}
    out = []
    for name, members in groups.items():
        if isinstance(members, str) and members not in table.regions:
            members = group_members(table, members, table.meta.year)
        members = [members] if isinstance(members, str) else list(members)
        if not members:
            raise OptionError(f"country group {name!r} has no members")
        for region in members:
            if region not in table.regions:
                raise OptionError(f"country group {name!r}: unknown region {region!r}; this table has "
                                  f"{list(table.regions)}")
            if region in seen:
                raise OptionError(f"region {region!r} is in two country groups ({seen[region]!r} and {name!r}); "
                                  "groups must not overlap")
            seen[region] = name
        if name in table.regions and name not in members:
            raise OptionError(f"country group name {name!r} is also a region of the table that is not a member; "
                              "choose another name")
        out.append((str(name), tuple(sorted(set(members), key=table.regions.index))))
    return tuple(out)


class Perimeter:
    """Exporter units: each region on its own, or merged into its group (METHODS.md 0.6-6).

    Units are ordered by the first member's position in the table.  ``D`` is the n x G' cell-to-unit indicator,
    ``U`` the G x G' region-to-unit indicator.
    """

    def __init__(self, table: IOTable, groups: tuple = ()):
        group_of = {r: name for name, members in groups for r in members}
        names: list[str] = []
        unit_of_region = np.empty(table.G, dtype=np.intp)
        for c, region in enumerate(table.regions):
            name = group_of.get(region, region)
            if name not in names:
                names.append(name)
            unit_of_region[c] = names.index(name)
        self.groups = groups
        self.names = tuple(names)
        self.unit_of_region = unit_of_region
        self.G = len(names)
        self.N = table.N
        self.U = np.zeros((table.G, self.G))
        self.U[np.arange(table.G), unit_of_region] = 1.0
        self.unit_of_cell = np.repeat(unit_of_region, table.N)
        self.D = np.zeros((table.n, self.G))
        self.D[np.arange(table.n), self.unit_of_cell] = 1.0
        self.cells = [np.flatnonzero(self.unit_of_cell == u) for u in range(self.G)]
        self.grouped_units = [u for u in range(self.G) if (unit_of_region == u).sum() > 1]
        # same-unit region pairs (c, c'): the blocks of A^D and L^D (a single (c, c) per unit without groups)
        pairs = np.argwhere(unit_of_region[:, None] == unit_of_region[None, :])
        self.pair_rows, self.pair_cols = pairs[:, 0], pairs[:, 1]
        #: (unit, sector) key of every cell: how member cells of a group are summed for printing
        self.row_key = self.unit_of_cell * table.N + np.tile(np.arange(table.N), table.G)


#: columns of the identity solved at once when low_memory streams column blocks of L (n x 512 doubles)
COLUMN_CHUNK = 512


class TradeContext:
    """Cached derived objects of one table and one perimeter (METHODS.md 0.4), on top of the table's engine."""

    def __init__(self, table: IOTable, perimeter: Perimeter, low_memory: bool = False):
        if table.has_open_foreign_sector:
            raise InputError(
                f"{table!r} keeps foreign trade outside the model (an export column and import rows); "
                "value-added-in-trade decompositions need an inter-country table in which every exporter and "
                "importer is a region of the table (METHODS.md 2). For a single-country table, "
                "vertical_specialisation() applies the HIY national formula and production_stages() the "
                "open-economy correction")
        self._table = weakref.ref(table)  # weak: the context cache must not keep its table alive
        self.per = perimeter
        self.low_memory = low_memory
        self.eng: Engine = engine_for(table)
        self.G, self.N, self.n = table.G, table.N, table.n
        self.Gu = perimeter.G
        self.uc = perimeter.unit_of_cell
        self.D = perimeter.D
        self._rows = np.arange(table.n)

    @property
    def table(self) -> IOTable:
        return self._table()

    # ------------------------------------------------------------------ coefficients on the perimeter
    @property
    def A(self) -> np.ndarray:
        return self.eng.A

    @property
    def v(self) -> np.ndarray:
        return self.eng.v

    @property
    def x(self) -> np.ndarray:
        return self.table.x

    @property
    def L(self) -> np.ndarray:
        """The explicit global Leontief inverse, shared with every other measure through the engine."""
        if self.low_memory:
            raise OptionError("this computation needs off-diagonal blocks of the Leontief inverse, which "
                              "low_memory=True does not form (METHODS.md 8.2); run it without low_memory")
        return self.eng.L

    def L_dot(self, X: np.ndarray) -> np.ndarray:
        """L @ X by a multi-right-hand-side solve with the LU factors (8.1: never invert where a solve does;
        the cost equals a product with an explicit L)."""
        return self.eng.solve(X)

    def L_T_dot(self, X: np.ndarray) -> np.ndarray:
        """L' @ X (row-vector products X' L, transposed), likewise."""
        return self.eng.solve_T(X)

    def column_blocks(self):
        """Yield (unit, cells, L[:, cells]) for each exporter unit: slices of the explicit inverse, or
        (low_memory) solves on the units' identity columns, a few units (about COLUMN_CHUNK columns) per solve
        so that only those column blocks are in memory (METHODS.md 8.2)."""
        if not self.low_memory:
            for u, idx in enumerate(self.per.cells):
                yield u, idx, self.L[:, idx]
            return
        units = list(enumerate(self.per.cells))
        while units:
            chunk, width = [], 0
            while units and (not chunk or width + units[0][1].size <= COLUMN_CHUNK):
                chunk.append(units.pop(0))
                width += chunk[-1][1].size
            cells = np.concatenate([idx for _, idx in chunk])
            rhs = np.zeros((self.n, cells.size))
            rhs[cells, np.arange(cells.size)] = 1.0
            block = self.eng.solve(rhs)
            start = 0
            for u, idx in chunk:
                yield u, idx, block[:, start:start + idx.size]
                start += idx.size

    @cached_property
    def L_unit_blocks(self) -> list[np.ndarray]:
        """The blocks of L inside each exporter unit (L_ss; for a group, all its members' mutual blocks)."""
        if not self.low_memory:
            return [self.L[np.ix_(idx, idx)] for idx in self.per.cells]
        return [block[idx] for _, idx, block in self.column_blocks()]

    def blk_L(self, X: np.ndarray) -> np.ndarray:
        """L^blk @ X: the product with the blocks of L inside each exporter unit only."""
        out = np.empty_like(X)
        with serial_blas():
            for idx, block in zip(self.per.cells, self.L_unit_blocks):
                out[idx] = block @ X[idx]
        return out

    @cached_property
    def AF(self) -> np.ndarray:
        """A^F: A without the blocks inside an exporter unit (the engine's A^F when there are no groups)."""
        if not self.per.grouped_units:
            return self.eng.AF
        AF = self.A.copy()
        AF4 = AF.reshape(self.G, self.N, self.G, self.N)
        AF4[self.per.pair_rows, :, self.per.pair_cols, :] = 0.0
        return AF

    @cached_property
    def _group_LD(self) -> dict[int, np.ndarray]:
        """Local inverses (I - A_gg)^-1 of merged group units (their blocks span several regions)."""
        out = {}
        with serial_blas():
            for u in self.per.grouped_units:
                idx = self.per.cells[u]
                out[u] = np.linalg.inv(np.eye(idx.size) - self.A[np.ix_(idx, idx)])
        return out

    def apply_LD(self, X: np.ndarray) -> np.ndarray:
        """L^D @ X with L^D the perimeter's local (block-diagonal) inverse."""
        out = self.eng.apply_LD(np.ascontiguousarray(X))
        for u, inv in self._group_LD.items():
            idx = self.per.cells[u]
            out[idx] = inv @ X[idx]
        return out

    def apply_LD_T(self, X: np.ndarray) -> np.ndarray:
        """L^D' @ X (row-vector products X' L^D, transposed)."""
        out = self.eng.apply_LD_T(np.ascontiguousarray(X))
        for u, inv in self._group_LD.items():
            idx = self.per.cells[u]
            out[idx] = inv.T @ X[idx]
        return out

    # ------------------------------------------------------------------ operators (0.3, 8.2)
    def dp(self, Q: np.ndarray) -> np.ndarray:
        """diagpick: Q[p, unit(p)]."""
        return Q[self._rows, self.uc]

    def off(self, Q: np.ndarray) -> np.ndarray:
        """Q with each cell's own-unit column set to 0 (in place; returns Q)."""
        Q[self._rows, self.uc] = 0.0
        return Q

    def spread(self, w: np.ndarray) -> np.ndarray:
        """w-hat D: the n x G' array holding w_p in the column of p's own unit."""
        return w[:, None] * self.D

    def R(self, *ws: np.ndarray) -> list[np.ndarray]:
        """Routing R(w) = A^F (w-hat D) for each n-vector w, in one matrix product."""
        out = self.AF @ np.hstack([self.spread(w) for w in ws])
        return np.split(out, len(ws), axis=1)

    def pick(self, M: np.ndarray, Q: np.ndarray) -> np.ndarray:
        """Exporter-pick with matrix M: out[p, r] = sum_{k in unit r} M[p, k] Q[k, unit(p)] (n x G').

        One einsum on the region-major 4-D view of M (cost n^2); unit columns of Q are first spread to their
        member regions and the result's region columns summed back to units, so groups need no other code.
        """
        G, N = self.G, self.N
        Q3 = Q[:, self.per.unit_of_region].reshape(G, N, G)
        out = np.einsum("sirk,rks->sir", M.reshape(G, N, G, N), Q3, optimize=False)
        return out.reshape(self.n, G) @ self.per.U

    def P(self, Q: np.ndarray) -> np.ndarray:
        """The exporter-pick operator of METHODS.md 0.3: P(Q) = pick(A^F, Q)."""
        return self.pick(self.AF, Q)

    def blk(self, M: np.ndarray, X: np.ndarray) -> np.ndarray:
        """(M o M_same-unit) @ X: the product with the blocks of M inside each exporter unit only."""
        G, N = self.G, self.N
        X3 = X.reshape(G, N, -1)
        rows, cols = self.per.pair_rows, self.per.pair_cols
        prods = np.matmul(M.reshape(G, N, G, N)[rows, :, cols, :], X3[cols])
        out = np.zeros_like(X3)
        np.add.at(out, rows, prods)
        return out.reshape(X.shape)

    # ------------------------------------------------------------------ trade flows (0.4)
    @cached_property
    def Y(self) -> np.ndarray:
        """Final demand by destination unit (n x G')."""
        return self.table.Y2 @ self.per.U

    @cached_property
    def yD(self) -> np.ndarray:
        """Final demand for each cell's output in its own unit."""
        return self.dp(self.Y)

    @cached_property
    def YD(self) -> np.ndarray:
        return self.spread(self.yD)

    @cached_property
    def YF(self) -> np.ndarray:
        """Final-goods exports by destination unit (Y^F = Y - Y^D)."""
        return self.off(self.Y.copy())

    @cached_property
    def yF(self) -> np.ndarray:
        return self.YF.sum(1)

    @cached_property
    def y(self) -> np.ndarray:
        return self.Y.sum(1)

    @cached_property
    def E(self) -> np.ndarray:
        """Bilateral gross exports E = (Z D + Y) o (1 - D) (n x G')."""
        return self.off(self.table.Z @ self.D + self.Y)

    @cached_property
    def e(self) -> np.ndarray:
        return self.E.sum(1)

    @cached_property
    def LYD(self) -> np.ndarray:
        """L Y^D (n x G'): output needed for each unit's final demand for its own products."""
        return self.L_dot(self.YD)

    @cached_property
    def LYF(self) -> np.ndarray:
        """L Y^F (n x G')."""
        return self.L_dot(self.YF)

    @cached_property
    def LY(self) -> np.ndarray:
        """L Y (n x G'): output of every cell needed for each unit's final demand."""
        return self.LYD + self.LYF

    # ------------------------------------------------------------------ value-added content (0.4)
    @cached_property
    def Phi(self) -> np.ndarray:
        """Phi = D' v-hat L (G' x n): VA of unit t per unit of final output of cell q."""
        return self.L_T_dot(self.D * self.v[:, None]).T

    @cached_property
    def phiD(self) -> np.ndarray:
        """Domestic content coefficient phi^D_q = Phi[unit(q), q] (VBdom)."""
        return self.Phi[self.uc, self._rows]

    @cached_property
    def phiF(self) -> np.ndarray:
        """Foreign content coefficient phi^F = u' Phi - phi^D (VBfor)."""
        return self.Phi.sum(0) - self.phiD

    @cached_property
    def lam(self) -> np.ndarray:
        """Local domestic VA coefficient lambda' = v' L^D (VLdom)."""
        return self.apply_LD_T(self.v)

    # ------------------------------------------------------------------ exporter extraction (0.4)
    @cached_property
    def F_blocks(self) -> list[np.ndarray]:
        """F_s = I + M_s = (I - A_ss) L_ss for each unit s (from L_ss = L^D_ss (I + M_s); no new inverse)."""
        out = []
        with serial_blas():
            for idx, Lss in zip(self.per.cells, self.L_unit_blocks):
                out.append(Lss - self.A[np.ix_(idx, idx)] @ Lss)
        return out

    def solve_F(self, X: np.ndarray, transpose: bool = False) -> np.ndarray:
        """Apply F_s^-1 (or F_s'^-1) to the rows of each unit s of X (G' solves of size N_s)."""
        out = np.empty_like(X)
        F_blocks = self.F_blocks
        with serial_blas():
            for idx, F in zip(self.per.cells, F_blocks):
                out[idx] = np.linalg.solve(F.T if transpose else F, X[idx])
        return out

    @cached_property
    def psi(self) -> np.ndarray:
        """psi_s' = phi^F_s' (I + M_s)^-1: foreign VA per unit of s's exports, net of re-exported content."""
        return self.solve_F(self.phiF, transpose=True)

    # ------------------------------------------------------------------ printing
    def unit_sector_sum(self, arr: np.ndarray) -> np.ndarray:
        """Sum member cells of a group by sector: n x k -> G'N x k (identity without groups)."""
        if not self.per.grouped_units:
            return arr
        out = np.zeros((self.Gu * self.N,) + arr.shape[1:])
        np.add.at(out, self.per.row_key, arr)
        return out


_CONTEXTS: "weakref.WeakKeyDictionary[IOTable, dict]" = weakref.WeakKeyDictionary()


def trade_context(table: IOTable, groups: Mapping[str, Sequence[str] | str] | None = None,
                  low_memory: bool = False) -> TradeContext:
    """The cached context of ``table`` on the perimeter given by ``groups`` (None: every region on its own);
    ``low_memory=True`` gives a context that never forms the explicit Leontief inverse."""
    key = (_normalise_groups(table, groups), bool(low_memory), current_config())  # one engine per config
    per_table = _CONTEXTS.setdefault(table, {})
    ctx = per_table.get(key)
    if ctx is None:
        ctx = TradeContext(table, Perimeter(table, key[0]), low_memory=bool(low_memory))
        per_table[key] = ctx
    return ctx


def exporter_units(table: IOTable, groups: Mapping[str, Sequence[str] | str] | None = None) -> tuple[str, ...]:
    """The exporter units of ``table`` on the perimeter of ``groups``: regions, with each group's members
    replaced by the group's name (in table order); validates the groups like :func:`trade_context`."""
    return Perimeter(table, _normalise_groups(table, groups)).names
