"""The engine: coefficients, LU solves, local inverse and Ghosh (METHODS.md 0.4, 1.1-1.3, 0.6-5)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dualcirc import IOTable, SingularLeontiefError
from dualcirc.engine import engine_for
from dualcirc.testing import random_icio

MB_Z = np.array([[150.0, 500.0], [200.0, 100.0]])
MB_X = np.array([1000.0, 2000.0])


def test_miller_blair_two_sector_example():
    """Miller & Blair (2009), Input-Output Analysis, 2nd ed., section 2.3 example (METHODS.md 9.2)."""
    t = IOTable.from_arrays(MB_Z, (MB_X - MB_Z.sum(1))[:, None], MB_X, regions=["R"], sectors=["1", "2"])
    e = engine_for(t)
    np.testing.assert_allclose(e.A, [[0.15, 0.25], [0.2, 0.05]], rtol=1e-14)
    np.testing.assert_allclose(e.L, np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575, rtol=1e-12)
    np.testing.assert_allclose(e.L, [[1.25413, 0.33003], [0.26403, 1.12211]], atol=5e-6)
    np.testing.assert_allclose(e.G_gh, [[1.25413, 0.66007], [0.13201, 1.12211]], atol=5e-6)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), G=st.integers(1, 5), N=st.integers(1, 4), zeros=st.integers(0, 2))
def test_engine_identities_on_random_tables(seed, G, N, zeros):
    """I1 (u'A + v' = u', v'L = u', Ly = x), I2 (Ghosh similarity, va'G = x') and L = I + AL, L^D blocks."""
    zeros = min(zeros, G * N - 1)
    t = random_icio(G, N, seed=seed, zero_output_cells=zeros)
    e = engine_for(t)
    act = e.active
    np.testing.assert_allclose((e.A.sum(0) + e.v)[act], 1.0, atol=1e-12)
    np.testing.assert_allclose(e.solve_T(e.v)[act], 1.0, atol=1e-12)
    np.testing.assert_allclose(e.solve(t.y), t.x, rtol=1e-10, atol=1e-10 * t.x.max())
    L = e.L
    np.testing.assert_allclose(L, np.eye(t.n) + e.A @ L, atol=1e-12 * np.abs(L).max())
    np.testing.assert_allclose(t.va @ e.G_gh, t.x, rtol=1e-10, atol=1e-10 * t.x.max())
    np.testing.assert_allclose(e.G_gh, np.linalg.inv(np.eye(t.n) - e.B), atol=1e-10 * np.abs(e.G_gh).max())
    np.testing.assert_allclose(e.ghosh_solve_T(t.va), t.x, rtol=1e-10, atol=1e-10 * t.x.max())
    w = np.arange(t.n, dtype=float)
    np.testing.assert_allclose(e.ghosh_solve(w), e.G_gh @ w, rtol=1e-10, atol=1e-10 * np.abs(e.G_gh @ w).max())
    AD = e.A * (t.region_of_cell[:, None] == t.region_of_cell[None, :])
    np.testing.assert_allclose(e.LD_dense(), np.linalg.inv(np.eye(t.n) - AD), atol=1e-12)
    X = np.random.default_rng(seed).random((t.n, 3))
    np.testing.assert_allclose(e.apply_LD(X), e.LD_dense() @ X, atol=1e-12)
    np.testing.assert_allclose(e.apply_LD_T(X), e.LD_dense().T @ X, atol=1e-12)
    assert L.min() >= -1e-12 and L.flags.c_contiguous
    # quantities the engine reads from Z without forming A (METHODS.md 8.1-8.2)
    np.testing.assert_allclose(e.column_sums_A, e.A.sum(0), rtol=1e-14, atol=1e-15)
    assert e.nonnegative_A == bool(np.all(e.A >= 0))
    assert e.density == np.count_nonzero(e.A) / t.n ** 2
    IA = np.eye(t.n) - e.A
    assert e._one_norm_I_minus_A() == pytest.approx(np.linalg.norm(IA, 1), rel=1e-13)
    exact_rcond = 1.0 / (np.linalg.norm(IA, 1) * np.linalg.norm(L, 1))
    assert 0.0 < e.rcond_bound <= exact_rcond * (1 + 1e-12) <= e.rcond * (1 + 2e-12) <= 3 * exact_rcond
    np.testing.assert_allclose(e.va_multipliers, e.v @ L, atol=1e-12)
    S = np.vstack([s.values * e.inv_x for s in t.satellites.values()])
    np.testing.assert_allclose(e.satellite_intensities, S, rtol=1e-15)
    np.testing.assert_allclose(e.satellite_multipliers, S @ L, rtol=1e-10, atol=1e-12 * np.abs(S @ L).max())
    d = e.diagnostics()
    assert d["max_abs_vL_minus_1"] < 1e-12 and d["max_rel_Ly_minus_x"] < 1e-12


def test_zero_output_columns_are_masked():
    t = random_icio(3, 3, seed=4, zero_output_cells=2)
    e = engine_for(t)
    z = ~e.active
    assert np.all(e.A[:, z] == 0) and np.all(e.v[z] == 0) and np.all(e.B[z] == 0)
    np.testing.assert_allclose(e.L[:, z], np.eye(t.n)[:, z])


def test_unproductive_table_raises_with_offending_columns():
    Z = np.array([[90.0, 30.0], [50.0, 20.0]])
    x = np.array([100.0, 100.0])
    va = np.array([-40.0, 50.0])  # column a buys 140 per 100 of output: rho(A) = 1.07
    t = IOTable.from_arrays(Z, (x - Z.sum(1))[:, None], x, regions=["R"], sectors=["a", "b"], va=va)
    e = engine_for(t)
    assert e.spectral_radius() > 1.0
    with pytest.raises(SingularLeontiefError, match=r"R/a \(column sum 1.4000\)"):
        e.lu


def test_negative_coefficients_take_the_spectral_check_and_solve_exactly():
    """Negative intermediate entries (e.g. from a competitive-table conversion, METHODS.md 1.7) turn off the
    Hawkins-Simon shortcut; the power iteration accepts the table and the solves stay exact."""
    Z = np.array([[20.0, -5.0, 10.0], [30.0, 10.0, 0.0], [5.0, 40.0, 25.0]])
    x = np.array([100.0, 120.0, 90.0])
    t = IOTable.from_arrays(Z, (x - Z.sum(1))[:, None], x, regions=["R"], sectors=["a", "b", "c"])
    e = engine_for(t)
    assert not e.nonnegative_A and e.spectral_radius() < 1.0
    np.testing.assert_allclose(e.L, np.linalg.inv(np.eye(3) - e.A), rtol=1e-13)
    np.testing.assert_allclose(e.solve(t.y), x, rtol=1e-13)


def test_cached_multipliers_are_read_only():
    t = random_icio(2, 3, seed=8)
    e = engine_for(t)
    for cached in (e.va_multipliers, e.satellite_intensities, e.satellite_multipliers):
        with pytest.raises(ValueError, match="read-only"):
            cached[0] = 1.0


def test_engine_is_cached_per_table():
    t = random_icio(2, 2, seed=1)
    assert engine_for(t) is engine_for(t)
    assert engine_for(random_icio(2, 2, seed=1)) is not engine_for(t)


def test_solve_within_is_the_inverse_of_the_sub_economy():
    t = random_icio(3, 3, seed=9)
    e = engine_for(t)
    cells = np.array([0, 1, 2, 6, 7, 8])
    rhs = np.arange(1.0, 7.0)
    expected = np.linalg.inv(np.eye(6) - e.A[np.ix_(cells, cells)]) @ rhs
    np.testing.assert_allclose(e.solve_within(cells, rhs), expected, rtol=1e-13)
