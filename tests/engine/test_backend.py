"""Array backends and the dense/sparse LU choice of the engine (METHODS.md 8.1, 8.3, 8.4, 8.5).

The cupy backend runs only where cupy and a CUDA device are present (skipped with the reason otherwise).  On every
machine the same code path runs with numpy arrays: ``GENERIC`` is an :class:`ArrayBackend` built exactly as the cupy
one (array module + LAPACK-style linalg module, Hager condition estimate, explicit host/device crossings), swapped in
under the name 'cupy'.
"""
import gc
import weakref

import numpy as np
import pytest
import scipy.linalg as sla

from dualcirc import SingularLeontiefError
from dualcirc.engine import EngineConfig, backend, configure, engine_for, leontief
from dualcirc.errors import OptionError
from dualcirc.measures import core, vat
from dualcirc.measures.perimeter import trade_context
from dualcirc.testing import random_icio

GENERIC = backend.ArrayBackend("numpy-generic", np, sla)
CUPY_OK, CUPY_REASON = backend.cupy_status()


@pytest.fixture
def generic_as_cupy(monkeypatch):
    """Route backend='cupy' to the generic numpy backend (the cupy code path, host arrays)."""
    pick = {"numpy": backend.HOST, "cupy": GENERIC}.__getitem__
    monkeypatch.setattr(backend, "backend_named", pick)
    monkeypatch.setattr(leontief, "backend_named", pick)


def _decompositions(table):
    return {"kww": vat.kww(table), "wwz": vat.wwz(table, level="sector"),
            "bm": vat.borin_mancini(table, level="bilateral")}


def _assert_same(a: dict, b: dict, rtol: float) -> None:
    for name in a:
        left, right = a[name]["value"].to_numpy(), b[name]["value"].to_numpy()
        scale = max(1.0, float(np.abs(left).max()))
        assert np.abs(left - right).max() <= rtol * scale, name


def test_choose_lu_follows_methods_8_3():
    assert backend.choose_lu(4050, 0.01) == "dense"            # ICIO size: dense whatever the density
    assert backend.choose_lu(12_000, 0.30) == "dense"          # EXIOBASE-like density: dense
    assert backend.choose_lu(12_000, 0.01) == "sparse"
    assert backend.choose_lu(50, 0.9, "sparse") == "sparse"
    with pytest.raises(OptionError, match="lu must be one of"):
        backend.choose_lu(50, 0.5, "cholesky")


def test_engine_config_rejects_unknown_values():
    with pytest.raises(OptionError, match=r"unknown array backend 'jax'.*numpy"):
        EngineConfig(backend="jax")
    with pytest.raises(OptionError, match="lu must be one of"):
        EngineConfig(lu="qr")


def test_sparse_lu_solves_equal_dense_and_L_comes_from_dense_factors():
    t = random_icio(5, 8, seed=3, density=0.15)
    dense = engine_for(t, EngineConfig(lu="dense"))
    sparse = engine_for(t, EngineConfig(lu="sparse"))
    assert sparse is not dense and sparse.lu.kind == "sparse" and dense.lu.kind == "dense"
    assert sparse.solver_info() == {"backend": "numpy", "lu": "sparse", "lu_policy": "sparse",
                                    "density_A": pytest.approx(np.count_nonzero(dense.A) / t.n ** 2)}
    R = np.random.default_rng(0).normal(size=(t.n, 3))
    np.testing.assert_allclose(sparse.solve(R), dense.solve(R), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sparse.solve_T(R), dense.solve_T(R), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sparse.solve(t.y), t.x, rtol=1e-10)
    assert sparse.dense_lu.kind == "dense"
    np.testing.assert_allclose(sparse.L, dense.L, rtol=1e-12, atol=1e-14)
    assert sparse.rcond == pytest.approx(dense.rcond, rel=0.5)        # two estimates of the same number
    fp_dense = core.footprints(t, "co2", engine=dense)["value"].to_numpy()
    fp_sparse = core.footprints(t, "co2", engine=sparse)["value"].to_numpy()
    np.testing.assert_allclose(fp_sparse, fp_dense, rtol=1e-11)


@pytest.mark.parametrize("kind,be", [("dense", GENERIC), ("dense", backend.HOST), ("sparse", GENERIC)],
                         ids=["dense-hager", "dense-lapack-gecon", "sparse-hager"])
def test_condition_estimate_bounds_the_exact_value(kind, be):
    rng = np.random.default_rng(11)
    M = np.eye(30) - rng.random((30, 30)) * (rng.random((30, 30)) < 0.3) / 10
    M[0, 1:] *= 20                                                    # 1- and infinity-norm estimates differ
    exact = 1.0 / (np.linalg.norm(M, 1) * np.linalg.norm(np.linalg.inv(M), 1))
    wrong_norm = 1.0 / (np.linalg.norm(M, np.inf) * np.linalg.norm(np.linalg.inv(M), np.inf))
    assert exact > 3 * wrong_norm                                     # so the bounds below tell them apart
    lu = backend.factorise(M.copy(), kind=kind, backend=be)
    assert exact * (1 - 1e-12) <= lu.rcond <= 3 * exact               # Hager: ||M^-1|| estimated from below


@pytest.mark.parametrize("be", [backend.HOST, GENERIC], ids=["host", "generic"])
def test_dense_factors_solve_both_ways_and_invert_row_major(be):
    """DenseLU factorises M' in M's own memory (no copy on the host) and swaps ``trans``; results are M's."""
    rng = np.random.default_rng(4)
    M = np.eye(40) - rng.random((40, 40)) / 50
    M[3, 7] = -0.2                                                    # an entry of each sign
    work = M.copy()
    lu = backend.DenseLU(be, work)
    if be is backend.HOST:
        assert np.shares_memory(lu.factors[0], work)
    R = rng.normal(size=(40, 3))
    np.testing.assert_allclose(lu.solve(R), np.linalg.solve(M, R), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(lu.solve(R, trans=True), np.linalg.solve(M.T, R), rtol=1e-13, atol=1e-14)
    inv = lu.inverse()
    assert inv.flags.c_contiguous
    np.testing.assert_allclose(inv, np.linalg.inv(M), rtol=1e-13, atol=1e-15)
    assert backend.one_norm(M, block=7) == pytest.approx(np.linalg.norm(M, 1), rel=1e-15)


@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")
def test_singular_matrix_is_refused_on_every_path():
    for kind in ("dense", "sparse"):
        M = np.ones((6, 6))                                           # rank one
        with pytest.raises(SingularLeontiefError, match="numerically singular"):
            leontief.require_nonsingular(backend.factorise(M, kind=kind, backend=GENERIC))


def test_configure_scopes_the_engine_and_trade_context():
    t = random_icio(3, 4, seed=2)
    default = engine_for(t)
    with configure(lu="sparse") as config:
        assert config == EngineConfig(lu="sparse")
        assert engine_for(t) is not default and engine_for(t).lu.kind == "sparse"
        assert trade_context(t).eng is engine_for(t)
    assert engine_for(t) is default and trade_context(t).eng is default


def test_cached_engines_and_contexts_do_not_keep_their_table_alive():
    """A loop over years (METHODS.md 8.4) must not accumulate tables, Leontief inverses and contexts."""
    t = random_icio(3, 4, seed=6)
    vat.kww(t)
    with configure(lu="sparse"):
        engine_for(t).solve(t.y)
    gone = weakref.ref(t)
    del t
    gc.collect()
    assert gone() is None


@pytest.mark.skipif(CUPY_OK, reason="cupy is usable here")
def test_cupy_is_refused_with_the_reason_when_unavailable():
    with pytest.raises(OptionError, match="cupy"):
        with configure(backend="cupy"):
            pass


def test_generic_backend_path_reproduces_the_host_decompositions(generic_as_cupy):
    """The cupy code path (device arrays, lu_factor/lu_solve of the backend, Hager rcond) with numpy arrays."""
    t = random_icio(4, 5, seed=8)
    host = _decompositions(t)
    with configure(backend="cupy"):
        eng = engine_for(t)
        assert eng.backend is GENERIC
        generic = _decompositions(t)
        np.testing.assert_allclose(eng.L, engine_for(t, EngineConfig()).L, rtol=1e-13, atol=1e-15)
    _assert_same(host, generic, 1e-12)


@pytest.mark.skipif(not CUPY_OK, reason=CUPY_REASON)
def test_cupy_reproduces_the_cpu_decompositions():
    """METHODS.md 8.4: the GPU path reproduces the CPU results (float64; 1e-9 relative, 8.5)."""
    t = random_icio(12, 20, seed=4)
    cpu = _decompositions(t)
    with configure(backend="cupy"):
        assert engine_for(t).backend.name == "cupy"
        gpu = _decompositions(t)
        diag = engine_for(t).diagnostics()
    _assert_same(cpu, gpu, 1e-9)
    assert diag["max_abs_vL_minus_1"] < 1e-10
