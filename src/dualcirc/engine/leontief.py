"""The linear-algebra engine: coefficients, one LU factorisation of I - A per table, solves, local inverses
and Ghosh (METHODS.md sections 0.4, 1.1-1.3 and 8).

This module and its sibling :mod:`.backend` are the only ones that touch ``scipy.linalg``.  Measures ask the
engine for products with the Leontief inverse (``solve``/``solve_T``) and only request the explicit ``L`` when
they need its blocks (decompositions).  Everything is cached on the engine; ``engine_for(table)`` returns the one
engine of a table for the configuration in force (:func:`.backend.configure`: numpy or cupy arrays, dense or
sparse LU by measured density, METHODS.md 8.3-8.4).
"""

from __future__ import annotations

import weakref
from functools import cached_property

import numpy as np
import scipy.linalg as sla

from ..errors import SingularLeontiefError
from ..tables.model import IOTable
from .backend import DenseLU, EngineConfig, SparseLU, backend_named, choose_lu, current_config, factorise

#: reciprocal-condition threshold below which I - A is treated as singular (METHODS.md 0.6-5)
RCOND_MIN = 1e-13
#: spectral-radius threshold of A (METHODS.md 0.6-5)
RHO_MAX = 1.0 - 1e-12


def safe_divide(num: np.ndarray, den: np.ndarray, zero_div: str = "nan") -> np.ndarray:
    """Element-wise num / den with the zero policy of METHODS.md 0.6-3 ('nan' or 'zero'; never inf)."""
    num, den = np.broadcast_arrays(np.asarray(num, float), np.asarray(den, float))
    out = np.full(num.shape, np.nan if zero_div == "nan" else 0.0)
    ok = den != 0
    np.divide(num, den, out=out, where=ok)
    return out


def require_nonsingular(lu: DenseLU | SparseLU) -> DenseLU | SparseLU:
    """The factors, unless their condition estimate says the matrix is numerically singular (METHODS.md 0.6-5)."""
    if not lu.rcond >= RCOND_MIN:  # also catches a NaN estimate
        raise SingularLeontiefError(
            f"I - A is numerically singular (reciprocal condition number {lu.rcond:.2e} < {RCOND_MIN:g}); "
            "the Leontief inverse does not exist (METHODS.md 0.6-5)")
    return lu


def _frozen(a: np.ndarray) -> np.ndarray:
    """A cached result made read-only, so that no caller can alter what the next one reads."""
    a.flags.writeable = False
    return a


class Engine:
    """Factorises I - A once and serves every measure of one table, on the backend of ``config``."""

    def __init__(self, table: IOTable, config: EngineConfig | None = None):
        self._table = weakref.ref(table)  # the engine cache is keyed weakly by the table: no strong way back
        self.config = config or current_config()
        self.backend = backend_named(self.config.backend)

    @property
    def table(self) -> IOTable:
        return self._table()

    # ------------------------------------------------------------------ coefficients (1.1)
    @cached_property
    def active(self) -> np.ndarray:
        """Cells with positive output (x > 0); the others are masked in normalisations (0.6-3)."""
        return self.table.x > 0

    @cached_property
    def inv_x(self) -> np.ndarray:
        """1/x with 0 where x = 0 (used to mask zero-output columns and rows)."""
        x = self.table.x
        return np.divide(1.0, x, out=np.zeros_like(x), where=x != 0)

    @cached_property
    def A(self) -> np.ndarray:
        """Technical coefficients A = Z x^-1; zero-output columns are 0."""
        return self.table.Z * self.inv_x[None, :]

    @cached_property
    def v(self) -> np.ndarray:
        """Value-added coefficients v = va / x; 0 for zero-output cells."""
        return self.table.va * self.inv_x

    @cached_property
    def Am(self) -> np.ndarray | None:
        """Import coefficients (N x n) of a national non-competitive table, else None."""
        return None if self.table.Zm is None else self.table.Zm * self.inv_x[None, :]

    @cached_property
    def A_blocks(self) -> np.ndarray:
        """The diagonal (domestic) blocks A_ss as a (G, N, N) stack."""
        G, N = self.table.G, self.table.N
        A4 = self.A.reshape(G, N, G, N)
        return A4[np.arange(G), :, np.arange(G), :]

    @cached_property
    def AF(self) -> np.ndarray:
        """Foreign part of A (off-diagonal blocks), n x n."""
        G, N = self.table.G, self.table.N
        AF = self.A.copy()
        AF4 = AF.reshape(G, N, G, N)
        AF4[np.arange(G), :, np.arange(G), :] = 0.0
        return AF

    # ------------------------------------------------------------------ factorisation (1.2, 0.6-5, 8.1)
    @cached_property
    def nonnegative_A(self) -> bool:
        """Whether A >= 0, read from Z and the sign of 1/x column by column (no n x n temporary)."""
        Z, inv_x = self.table.Z, self.inv_x
        if Z.size == 0:
            return True
        low, high = Z.min(0), Z.max(0)
        return bool(np.all(((inv_x > 0) & (low >= 0)) | ((inv_x < 0) & (high <= 0)) | (inv_x == 0)))

    @cached_property
    def column_sums_A(self) -> np.ndarray:
        """u'A, from the column sums of Z."""
        return self.table.Z.sum(0) * self.inv_x

    def _check_productive(self) -> None:
        colsum = self.column_sums_A
        if np.all(colsum < 1.0) and self.nonnegative_A:
            return  # Hawkins-Simon: every column sum < 1 with A >= 0 => rho(A) < 1
        rho = self.spectral_radius()
        if rho >= RHO_MAX:
            bad = np.flatnonzero(colsum >= 1.0)
            cells = self.table.cells
            names = ", ".join(f"{cells[q][0]}/{cells[q][1]} (column sum {colsum[q]:.4f})" for q in bad[:10])
            raise SingularLeontiefError(
                f"the table is not productive: spectral radius of A is {rho:.6f} >= 1, so (I - A) has no "
                f"non-negative inverse. Columns whose inputs reach or exceed output: {names or 'none'}. "
                "Check for negative value added or mis-scaled columns (METHODS.md 0.6-5)")

    def spectral_radius(self, iters: int = 500, tol: float = 1e-12) -> float:
        """Estimate rho(A) by power iteration on |A| (an upper bound of rho(A) when A has negative entries)."""
        A = np.abs(self.A)
        b = np.ones(A.shape[0]) / A.shape[0]
        rho = 0.0
        for _ in range(iters):
            nb = A @ b
            new = float(np.abs(nb).sum())
            if new == 0.0:
                return 0.0
            b = nb / new
            if abs(new - rho) <= tol * max(new, 1.0):
                return new
            rho = new
        return rho

    def _I_minus_A(self) -> np.ndarray:
        """A fresh I - A (the factorisation overwrites it), in one n x n array: from A when A is already formed,
        else straight from Z and 1/x, so that solve-type work never holds A (METHODS.md 8.1-8.2)."""
        if "A" in self.__dict__:
            IA = np.negative(self.A)
        else:
            IA = np.multiply(self.table.Z, -self.inv_x[None, :])
        IA[np.diag_indices(self.table.n)] += 1.0
        return IA

    @cached_property
    def density(self) -> float:
        """Share of non-zero technical coefficients (decides dense or sparse LU, METHODS.md 8.3)."""
        Z = self.table.Z
        idle = np.flatnonzero(self.inv_x == 0)   # zero-output columns of A are 0 whatever Z holds there
        nonzero = np.count_nonzero(Z) - (np.count_nonzero(Z[:, idle]) if idle.size else 0)
        return float(nonzero) / max(self.table.n, 1) ** 2

    @cached_property
    def rcond_bound(self) -> float:
        """A lower bound of the reciprocal 1-norm condition number of I - A known without factorising: for A >= 0
        with column sums c_q < 1, ||A||_1 = max c < 1, ||(I - A)^-1||_1 <= 1 / (1 - max c) (Neumann series) and
        ||I - A||_1 <= 1 + max c, so rcond >= (1 - max c) / (1 + max c).  0 where it does not apply."""
        c = float(self.column_sums_A.max(initial=0.0))
        return (1.0 - c) / (1.0 + c) if self.nonnegative_A and c < 1.0 else 0.0

    def _one_norm_I_minus_A(self) -> float | None:
        """||I - A||_1 from the column sums of A and its diagonal when A >= 0, else None (then read from I - A)."""
        if not self.nonnegative_A:
            return None
        diag = np.diagonal(self.table.Z) * self.inv_x
        return float((np.abs(1.0 - diag) + self.column_sums_A - diag).max(initial=0.0))

    def _factorised(self, kind: str) -> DenseLU | SparseLU:
        """Factors of a fresh I - A, refused when numerically singular (METHODS.md 0.6-5): the Neumann bound
        settles it for productive non-negative tables; otherwise the condition estimate decides."""
        lu = factorise(self._I_minus_A(), kind=kind, backend=self.backend, anorm=self._one_norm_I_minus_A())
        return lu if self.rcond_bound >= RCOND_MIN else require_nonsingular(lu)

    @cached_property
    def lu(self) -> DenseLU | SparseLU:
        """LU factors of I - A (computed once; METHODS.md 8.1): dense on the engine's backend, or sparse (SuperLU)
        where the configuration's policy and the measured density call for it (8.3)."""
        self._check_productive()
        return self._factorised(choose_lu(self.table.n, lambda: self.density, self.config.lu))

    @cached_property
    def dense_lu(self) -> DenseLU:
        """Dense factors for the explicit inverse: the solve factors when dense, else a dense LU of its own."""
        if self.lu.kind == "dense":
            return self.lu
        return self._factorised("dense")

    @property
    def rcond(self) -> float:
        """The reciprocal condition estimate of I - A from its factors (computed on first use)."""
        return self.lu.rcond

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """L @ rhs without forming L."""
        return self.lu.solve(rhs)

    def solve_T(self, rhs: np.ndarray) -> np.ndarray:
        """L' @ rhs (i.e. the row vector rhs' L, transposed) without forming L."""
        return self.lu.solve(rhs, trans=True)

    @cached_property
    def L(self) -> np.ndarray:
        """The explicit global Leontief inverse (n x n), always from dense factors (never densified from a
        sparse LU, METHODS.md 8.3).  Formed only for measures that need its blocks."""
        L = self.dense_lu.inverse()
        if self.nonnegative_A:
            low = L.min()
            if low < -1e-12 * max(1.0, float(L.max()), -low):  # max|L| without an n x n temporary
                raise SingularLeontiefError(f"the Leontief inverse has a negative entry ({low:.3e}) although "
                                            "A >= 0: the table is numerically unstable (METHODS.md 0.6-5)")
        return L

    def solver_info(self) -> dict[str, object]:
        """How this engine computes: backend, LU kind (dense/sparse) and the measured density of A."""
        return {"backend": self.backend.name, "lu": self.lu.kind, "lu_policy": self.config.lu,
                "density_A": self.density}

    def solve_within(self, cells: np.ndarray, rhs: np.ndarray) -> np.ndarray:
        """(I - A_CC)^-1 rhs: the Leontief inverse of the sub-economy of ``cells`` alone (e.g. one nation of an
        MRIO, METHODS.md 4.3), applied to ``rhs`` (indexed by those cells) by one dense solve of that size."""
        block = np.eye(cells.size) - self.A[np.ix_(cells, cells)]
        return sla.solve(block, rhs, check_finite=False)

    # ------------------------------------------------------------------ multipliers shared by measures (1.4)
    @cached_property
    def va_multipliers(self) -> np.ndarray:
        """v'L (n): one transposed solve, shared by the multiplier, footprint and diagnostic measures."""
        return _frozen(self.solve_T(self.v))

    @cached_property
    def satellite_intensities(self) -> np.ndarray:
        """S = F x^-1 (m x n, satellites in table order); 0 in zero-output cells."""
        rows = [s.values * self.inv_x for s in self.table.satellites.values()]
        return _frozen(np.vstack(rows) if rows else np.zeros((0, self.table.n)))

    @cached_property
    def satellite_multipliers(self) -> np.ndarray:
        """S L (m x n), all satellites by one multi-right-hand-side transposed solve."""
        S = self.satellite_intensities
        return _frozen(self.solve_T(S.T).T if len(S) else S.copy())

    # ------------------------------------------------------------------ local inverse (1.2)
    @cached_property
    def LD_blocks(self) -> np.ndarray:
        """Local (domestic) Leontief inverses L^D_ss = (I - A_ss)^-1 as a (G, N, N) stack."""
        N = self.table.N
        return np.linalg.inv(np.eye(N)[None, :, :] - self.A_blocks)

    def apply_LD(self, X: np.ndarray) -> np.ndarray:
        """L^D @ X for an n-vector or n x k array, block by block."""
        G, N = self.table.G, self.table.N
        X3 = X.reshape(G, N, -1)
        return np.matmul(self.LD_blocks, X3).reshape(X.shape)

    def apply_LD_T(self, X: np.ndarray) -> np.ndarray:
        """L^D' @ X (row-vector products X' L^D, transposed)."""
        G, N = self.table.G, self.table.N
        X3 = X.reshape(G, N, -1)
        return np.matmul(self.LD_blocks.transpose(0, 2, 1), X3).reshape(X.shape)

    def LD_dense(self) -> np.ndarray:
        """L^D as a dense block-diagonal n x n array (for small tables and tests)."""
        G, N = self.table.G, self.table.N
        out = np.zeros((G, N, G, N))
        out[np.arange(G), :, np.arange(G), :] = self.LD_blocks
        return out.reshape(G * N, G * N)

    # ------------------------------------------------------------------ Ghosh (1.3)
    @cached_property
    def B(self) -> np.ndarray:
        """Ghosh allocation coefficients B = x^-1 Z; zero-output rows are 0."""
        return self.inv_x[:, None] * self.table.Z

    @cached_property
    def G_gh(self) -> np.ndarray:
        """Ghosh inverse by similarity scaling of L: x^-1 L x (METHODS.md 1.3), with zero-output rows 0.

        Where some x_p = 0, the active cells' block is exact (zero-output cells neither buy nor sell) and the
        inactive rows/columns get the identity, matching (I - B)^-1.
        """
        x = self.table.x
        Gg = self.inv_x[:, None] * self.L * x[None, :]
        inactive = ~self.active
        if inactive.any():
            idx = np.flatnonzero(inactive)
            Gg[idx, :] = 0.0
            Gg[:, idx] = 0.0
            Gg[idx, idx] = 1.0
        return Gg

    def _ghosh_product(self, w: np.ndarray, transpose: bool) -> np.ndarray:
        """G_gh @ w, or w' G_gh transposed, from one Leontief solve: G_gh = x^-1 L x gives G_gh w = x^-1 L (x * w)
        and G_gh' w = x * L'(w / x) (METHODS.md 1.3).  Zero-output cells keep their entry of w (identity rows and
        columns of G_gh); w is n or n x k."""
        def by_cell(vec: np.ndarray) -> np.ndarray:
            return vec.reshape(vec.shape + (1,) * (np.ndim(w) - 1))

        before, after = (self.inv_x, self.table.x) if transpose else (self.table.x, self.inv_x)
        solve = self.solve_T if transpose else self.solve
        out = by_cell(after) * solve(w * by_cell(before))
        inactive = ~self.active
        if inactive.any():
            out[inactive] = w[inactive]
        return out

    def ghosh_solve_T(self, w: np.ndarray) -> np.ndarray:
        """w' G_gh (transposed) without forming G_gh; w is n or n x k."""
        return self._ghosh_product(w, transpose=True)

    def ghosh_solve(self, w: np.ndarray) -> np.ndarray:
        """G_gh @ w without forming G_gh; w is n or n x k."""
        return self._ghosh_product(w, transpose=False)

    # ------------------------------------------------------------------ diagnostics (8.5)
    def diagnostics(self) -> dict[str, float]:
        """max|v'L - u'| over active cells (with import content for national tables) and max|Ly - x|."""
        t = self.table
        vl = self.va_multipliers if self.Am is None else self.solve_T(self.v + self.Am.sum(0))
        x_rec = self.solve(t.y)
        scale = max(1.0, float(np.abs(t.x).max()))
        return {
            "max_abs_vL_minus_1": float(np.abs(vl[self.active] - 1.0).max()) if self.active.any() else 0.0,
            "max_rel_Ly_minus_x": float(np.abs(x_rec - t.x).max() / scale),
            "rcond_I_minus_A": self.rcond,
        }


_ENGINES: "weakref.WeakKeyDictionary[IOTable, dict[EngineConfig, Engine]]" = weakref.WeakKeyDictionary()


def engine_for(table: IOTable, config: EngineConfig | None = None) -> Engine:
    """The cached engine of a table (one factorisation per table object and configuration; the configuration
    in force by default, see :func:`.backend.configure`)."""
    config = config or current_config()
    per_table = _ENGINES.setdefault(table, {})
    eng = per_table.get(config)
    if eng is None:
        eng = Engine(table, config)
        per_table[config] = eng
    return eng
