"""Array backends and the choice of LU factorisation behind :class:`~dualcirc.engine.leontief.Engine`
(METHODS.md 8.1, 8.3 and 8.4).

* **Backends.**  An :class:`ArrayBackend` is an array module (``numpy`` or ``cupy``) with its LAPACK-style
  ``linalg`` module (``scipy.linalg`` or ``cupyx.scipy.linalg``: the same ``lu_factor`` / ``lu_solve``
  signatures).  The engine hands it host arrays and gets host arrays back, so measures never see device arrays;
  the GPU carries the O(n^3) work (the factorisation, multi-right-hand-side solves and the explicit inverse) and
  the O(n^2 G) remainder of a decomposition stays on the host.  ``numpy`` is the default; ``cupy`` is optional
  (``pip install 'dualcirc[gpu]'``), float64 only (8.5).
* **Dense or sparse LU.**  :func:`choose_lu` applies 8.3: ``scipy.sparse.linalg.splu`` on CSC(I - A) only when
  n > 10^4 and the measured density of A is below 5 %, and only for solve-type tasks (Ly, footprints, Woodbury
  bases); the explicit inverse is always formed from a dense LU.
* **Selection.**  :class:`EngineConfig` (backend, lu) is read from a context variable, set by
  :func:`configure`; :func:`~dualcirc.engine.leontief.engine_for` keeps one engine per table and configuration.

>>> from dualcirc.engine import backend
>>> with backend.configure(backend="cupy"):          # doctest: +SKIP
...     kww(table)                                   # factorisation and inverse on the GPU
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, cached_property
from types import ModuleType
from typing import Callable, Iterator

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import OptionError

BACKENDS = ("numpy", "cupy")
LU_POLICIES = ("auto", "dense", "sparse")
#: sparse LU only above this many cells (METHODS.md 8.3) ...
SPARSE_MIN_N = 10_000
#: ... and only below this density of A (share of non-zero coefficients)
SPARSE_MAX_DENSITY = 0.05


# ---------------------------------------------------------------------------------------------- backends
@dataclass(frozen=True)
class ArrayBackend:
    """An array module and its ``lu_factor`` / ``lu_solve``; arrays cross to and from the host explicitly."""

    name: str
    xp: ModuleType
    linalg: ModuleType

    def to_device(self, a: np.ndarray):
        return self.xp.asarray(a, dtype=self.xp.float64)

    def to_host(self, a) -> np.ndarray:
        return np.asarray(a.get() if hasattr(a, "get") else a)

    def rcond(self, lu: "DenseLU", anorm: float) -> float:
        """Reciprocal 1-norm condition estimate of the factorised matrix (Hager 1984 / Higham 1988)."""
        return _rcond_estimate(lu, anorm)


class HostBackend(ArrayBackend):
    """numpy + scipy.linalg, with LAPACK's own condition estimate (dgecon) on the factors."""

    def rcond(self, lu: "DenseLU", anorm: float) -> float:
        # the factors are those of M' (see DenseLU): the infinity-norm estimate of M' is the 1-norm one of M
        rcond, info = sla.lapack.dgecon(lu.factors[0], anorm, norm="I")
        return float(rcond) if info == 0 else 0.0


HOST = HostBackend("numpy", np, sla)


def cupy_status() -> tuple[bool, str]:
    """(True, device name) when the cupy backend can run here, else (False, the reason)."""
    try:
        import cupy
        import cupyx.scipy.linalg  # noqa: F401
    except ImportError as exc:
        return False, f"the cupy backend needs the cupy package (pip install 'dualcirc[gpu]'): {exc}"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CUDA driver or runtime missing: cupy raises its own runtime errors
        return False, f"cupy is installed but no CUDA device can be used: {exc}"
    if count == 0:
        return False, "cupy is installed but no CUDA device is present"
    props = cupy.cuda.runtime.getDeviceProperties(0)
    return True, props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])


@cache
def _cupy_backend() -> ArrayBackend:
    ok, reason = cupy_status()
    if not ok:
        raise OptionError(reason)
    import cupy
    import cupyx.scipy.linalg
    return ArrayBackend("cupy", cupy, cupyx.scipy.linalg)


def backend_named(name: str) -> ArrayBackend:
    """The backend called ``name`` ('numpy' or 'cupy'); OptionError says why cupy cannot run."""
    if name == "numpy":
        return HOST
    if name == "cupy":
        return _cupy_backend()
    raise OptionError(f"unknown array backend {name!r}; allowed: {list(BACKENDS)}")


# ---------------------------------------------------------------------------------------------- factorisations
class DenseLU:
    """LU factors of a dense square matrix on a backend (LAPACK getrf, or cuSOLVER through cupy).

    LAPACK wants column-major arrays and the engine builds I - A row-major, so the factors are those of M', which
    is M's own memory read column-major: the factorisation overwrites M in place and no n x n copy is made (every
    fresh n x n array costs 131 MB at n = 4,050, METHODS.md 8.2).  Solves swap ``trans`` accordingly, and the
    inverse comes out row-major as the transpose of M'^-1.
    """

    kind = "dense"

    def __init__(self, backend: ArrayBackend, M: np.ndarray, anorm: float | None = None):
        self.backend = backend
        self.n = M.shape[0]
        self.anorm = one_norm(M) if anorm is None else anorm   # ||M||_1, read before M is overwritten
        self.factors = backend.linalg.lu_factor(backend.to_device(M).T, overwrite_a=True, check_finite=False)

    @cached_property
    def rcond(self) -> float:
        """Reciprocal 1-norm condition estimate of M, computed on first use (a few solves with the factors)."""
        return self.backend.rcond(self, self.anorm)

    def solve(self, rhs: np.ndarray, trans: bool = False) -> np.ndarray:
        """M^-1 rhs (or M'^-1 rhs) for a host vector or matrix."""
        be = self.backend
        out = be.linalg.lu_solve(self.factors, be.to_device(rhs), trans=0 if trans else 1, check_finite=False)
        return be.to_host(out)

    def inverse(self) -> np.ndarray:
        """M^-1 as a row-major host array, solved in place on an identity built where the factors live."""
        be = self.backend
        inv_T = be.linalg.lu_solve(self.factors, be.xp.eye(self.n).T, overwrite_b=True, check_finite=False)
        return np.ascontiguousarray(be.to_host(inv_T).T)


def one_norm(M: np.ndarray, block: int = 256) -> float:
    """||M||_1 (the largest absolute column sum), a block of rows at a time instead of an n x n temporary."""
    sums = np.zeros(M.shape[1])
    buf = np.empty((min(block, M.shape[0]), M.shape[1]))
    for start in range(0, M.shape[0], block):
        rows = M[start:start + block]
        part = buf[:rows.shape[0]]
        np.abs(rows, out=part)
        sums += part.sum(0)
    return float(sums.max()) if sums.size else 0.0


class SparseLU:
    """SuperLU factors of CSC(M) for solve-type tasks (METHODS.md 8.3); never used to form a dense inverse."""

    kind = "sparse"

    def __init__(self, M: np.ndarray):
        self.n = M.shape[0]
        csc = sp.csc_matrix(M)
        self.anorm = float(abs(csc).sum(0).max())
        try:
            self.factors = spla.splu(csc)
        except RuntimeError:  # SuperLU: "Factor is exactly singular"
            self.factors, self.rcond = None, 0.0

    @cached_property
    def rcond(self) -> float:
        """Reciprocal 1-norm condition estimate of M (Hager-Higham, by solves), computed on first use."""
        return _rcond_estimate(self, self.anorm)

    def solve(self, rhs: np.ndarray, trans: bool = False) -> np.ndarray:
        return self.factors.solve(np.asarray(rhs, dtype=float), trans="T" if trans else "N")


def _rcond_estimate(lu, anorm: float, max_iter: int = 5) -> float:
    """1 / (||M||_1 est(||M^-1||_1)) with Hager's estimator and Higham's extra test vector (Higham 1988,
    Algorithm 4.1), from solves with the factors only; 0 when the solves break down (singular factors)."""
    n = lu.n
    x = np.full(n, 1.0 / n)
    est = 0.0
    with np.errstate(all="ignore"):
        for k in range(max_iter):
            y = lu.solve(x)
            new = float(np.abs(y).sum())
            if not np.isfinite(new):
                return 0.0
            z = lu.solve(np.where(y >= 0, 1.0, -1.0), trans=True)
            j = int(np.argmax(np.abs(z)))
            if k > 0 and (new <= est or np.abs(z)[j] <= z @ x):
                est = max(est, new)
                break
            est = new
            x = np.zeros(n)
            x[j] = 1.0
        alt = np.arange(n, dtype=float)
        b = (-1.0) ** alt * (1.0 + alt / max(n - 1, 1))
        extra = 2.0 * float(np.abs(lu.solve(b)).sum()) / (3.0 * n)
    est = max(est, extra)
    if not np.isfinite(est) or est == 0.0 or anorm == 0.0:
        return 0.0
    return 1.0 / (anorm * est)


def choose_lu(n: int, density: float | Callable[[], float], policy: str = "auto") -> str:
    """'dense' or 'sparse' for a matrix of n cells whose A has the given share of non-zeros (METHODS.md 8.3);
    ``density`` may be a function, called only when the choice depends on it (n > SPARSE_MIN_N)."""
    if policy not in LU_POLICIES:
        raise OptionError(f"lu must be one of {list(LU_POLICIES)}, not {policy!r}")
    if policy != "auto":
        return policy
    if n <= SPARSE_MIN_N:
        return "dense"
    return "sparse" if (density() if callable(density) else density) < SPARSE_MAX_DENSITY else "dense"


def factorise(M: np.ndarray, *, kind: str, backend: ArrayBackend, anorm: float | None = None
              ) -> DenseLU | SparseLU:
    """LU factors of M (overwritten) as ``kind`` chose: sparse factors live on the host whatever the backend.
    ``anorm`` = ||M||_1 where the caller knows it (saves a pass over M)."""
    return SparseLU(M) if kind == "sparse" else DenseLU(backend, M, anorm)


# ---------------------------------------------------------------------------------------------- selection
@dataclass(frozen=True)
class EngineConfig:
    """How an engine computes: ``backend`` ('numpy' default, 'cupy') and ``lu`` ('auto' by 8.3, 'dense',
    'sparse').  Results agree across configurations to the tolerances of METHODS.md 8.5."""

    backend: str = "numpy"
    lu: str = "auto"

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise OptionError(f"unknown array backend {self.backend!r}; allowed: {list(BACKENDS)}")
        if self.lu not in LU_POLICIES:
            raise OptionError(f"lu must be one of {list(LU_POLICIES)}, not {self.lu!r}")


_CONFIG: contextvars.ContextVar[EngineConfig] = contextvars.ContextVar("dualcirc_engine_config",
                                                                       default=EngineConfig())


def current_config() -> EngineConfig:
    """The configuration new engines are built with in this context."""
    return _CONFIG.get()


@contextmanager
def configure(backend: str | None = None, lu: str | None = None) -> Iterator[EngineConfig]:
    """Within the block, engines (and the measures that use them) run on ``backend`` with the ``lu`` policy;
    an unavailable backend is refused here, with the reason."""
    changes = {k: v for k, v in (("backend", backend), ("lu", lu)) if v is not None}
    config = replace(current_config(), **changes)
    backend_named(config.backend)
    token = _CONFIG.set(config)
    try:
        yield config
    finally:
        _CONFIG.reset(token)
