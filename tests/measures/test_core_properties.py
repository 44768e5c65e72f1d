"""METHODS.md 9.1 identities I1-I6 (sections 0-1) on hypothesis-generated tables and on a real table.

Random tables come from ``dualcirc.testing.random_icio`` (seeds drawn by hypothesis, negative inventories, zero-output
cells); the real table is WIOD 2013 release, 2011 (41 regions x 35 sectors, 22 zero-output cells, rounded to whole
million USD so rows are balanced through DISC).  Each identity group is one ``check_*`` function run on both.
Tolerances follow METHODS.md 8.5: |lhs - rhs| <= rtol * max(1, max|rhs|), rtol 1e-10 for n <= 500, 1e-8 above.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measure_checks import close, values
from shared_paths import shared_file
from dualcirc.engine import engine_for
from dualcirc.errors import OptionError
from dualcirc.measures import core
from dualcirc.readers.wiod import read_wiod2013
from dualcirc.tables.model import IOTable, Satellite
from dualcirc.testing import random_icio


def rtol_for(table: IOTable) -> float:
    return 1e-10 if table.n <= 500 else 1e-8


# ---------------------------------------------------------------------------------------------- identity groups
def check_i1_leontief(table: IOTable) -> None:
    """I1 (1.1-1.2): u'A + v' = u'; v'L = u'; Ly = x; L = I + AL; intra + feedback + spillover = u'L."""
    e, tol, act = engine_for(table), rtol_for(table), engine_for(table).active
    close((e.A.sum(0) + e.v)[act], np.ones(act.sum()), tol)
    close(values(core.value_added_multipliers(table, split=False), "va_multiplier")[act], 1.0, tol)
    close(e.solve(table.y), table.x, tol)
    if table.n <= 500:
        close(e.L, np.eye(table.n) + e.A @ e.L, tol)
    split = core.multiplier_split(table)
    by_cell = split.groupby(["region", "sector"], sort=False)["value"].sum(min_count=1).to_numpy()
    close(by_cell[act], values(core.output_multipliers(table), "output_multiplier")[act], tol)


def check_i2_ghosh(table: IOTable) -> None:
    """I2 (1.3): G = x^-1 L x (against (I - B)^-1 on the active cells); va'G = x'."""
    e, tol, act = engine_for(table), rtol_for(table), engine_for(table).active
    B = e.B[np.ix_(act, act)]
    explicit = np.linalg.solve(np.eye(B.shape[0]) - B, np.eye(B.shape[0]))
    close(e.G_gh[np.ix_(act, act)], explicit, tol)
    close(e.ghosh_solve_T(table.va)[act], table.x[act], tol)


def check_i3_local_inverse(table: IOTable, regions=None) -> None:
    """I3 (0.4): L_ss = L^D_ss (I + M_s); L^{not s}_{.s} = L_{.s} (I + M_s)^-1; L^{not s}_ss = L^D_ss."""
    e, tol = engine_for(table), rtol_for(table)
    G, N, n = table.G, table.N, table.n
    L4 = e.L.reshape(G, N, G, N)
    M = np.einsum("aibk,bkaj->aij", e.AF.reshape(G, N, G, N), L4)  # M_s = A^F_{s.} L_{.s}, all s
    L_ss = L4[np.arange(G), :, np.arange(G), :]
    close(L_ss, e.LD_blocks @ (np.eye(N) + M), tol)
    for s in (range(G) if regions is None else regions):
        cols = slice(s * N, (s + 1) * N)
        A_not = e.A.copy()
        exports = np.zeros((n, n), dtype=bool)
        exports[cols, :] = True
        exports[cols, cols] = False
        A_not[exports] = 0.0
        L_not_s = np.linalg.solve(np.eye(n) - A_not, np.eye(n)[:, cols])
        closed = np.linalg.solve((np.eye(N) + M[s]).T, e.L[:, cols].T).T
        close(L_not_s, closed, tol)
        close(L_not_s[cols], e.LD_blocks[s], tol)


def check_i4_footprints(table: IOTable) -> None:
    """I4 (1.4): S L y = F u; world CBA (+ exports outside the table) = world PBA; categories sum to CBA."""
    tol = rtol_for(table)
    mult = core.satellite_multipliers(table)
    fp = core.footprints(table)
    by_cat = core.footprints_by_category(table)
    for name, sat in table.satellites.items():
        M = np.nan_to_num(values(mult, "satellite_multiplier", stressor=name))
        close(M @ table.y, sat.values.sum(), tol)
        one = fp[fp["stressor"] == name]
        produced = one.loc[one["account"] == "production_based", "value"].sum()
        consumed = one.loc[one["account"] != "production_based", "value"].sum()
        close(consumed, produced, tol)
        cba = one.loc[one["account"] == "consumption_based", "value"].to_numpy()
        cat = by_cat[by_cat["stressor"] == name].groupby("region", sort=False)["value"].sum().to_numpy()
        close(cat, cba, tol)


def check_i5_linkages(table: IOTable) -> None:
    """I5 (1.5): mean BL = mean FL = 1 over active cells (both bases; per region for the domestic scope);
    sum_q w_q BL^w_q = 1 with output weights."""
    act, tol = engine_for(table).active, rtol_for(table)
    for basis in ("ghosh", "leontief"):
        for exclude_initial in (False, True):
            lk = core.linkages(table, forward_basis=basis, exclude_initial=exclude_initial)
            for ind in ("backward_linkage", "forward_linkage"):
                v = values(lk, ind)
                assert np.all(np.isnan(v[~act]))
                close(v[act].mean(), 1.0, tol)
        dom = core.linkages(table, forward_basis=basis, scope="domestic")
        for ind in ("backward_linkage", "forward_linkage"):
            means = dom[dom["indicator"] == ind].groupby("region")["value"].mean()
            close(means.dropna().to_numpy(), 1.0, tol)
    weighted = core.linkages(table, weights="output")
    w = np.where(act, table.x, 0.0) / table.x[act].sum()
    for ind in ("backward_linkage", "forward_linkage"):
        close(np.nansum(w * values(weighted, ind)), 1.0, tol)


def explicit_extraction(table: IOTable, J: np.ndarray, variant: str, theta: float) -> np.ndarray:
    """Delta x by re-solving the extracted system (the reference for the Woodbury forms)."""
    e, n = engine_for(table), table.n
    K = np.setdiff1d(np.arange(n), J)
    if variant == "complete":
        x_bar = np.zeros(n)
        x_bar[K] = np.linalg.solve(np.eye(K.size) - e.A[np.ix_(K, K)], table.y[K])
        return table.x - x_bar
    if variant == "forward":
        B_bar = e.B.copy()
        B_bar[np.ix_(J, K)] *= 1.0 - theta
        base = np.linalg.solve((np.eye(n) - e.B).T, table.va)
        return base - np.linalg.solve((np.eye(n) - B_bar).T, table.va)
    A_bar = e.A.copy()
    A_bar[np.ix_(K, J)] *= 1.0 - theta
    if variant == "total":
        A_bar[np.ix_(J, K)] *= 1.0 - theta
    return table.x - np.linalg.solve(np.eye(n) - A_bar, table.y)


def check_i6_extraction(table: IOTable, sets, single_cells, theta: float) -> None:
    """I6 (1.6): Woodbury = explicit re-solve for every variant and set; the all-single-cells formula = explicit
    single-cell extractions; theta = 0 gives zero loss."""
    e, tol = engine_for(table), rtol_for(table)
    for J in sets:
        for variant in core.HEM_VARIANTS:
            t = 1.0 if variant == "complete" else theta
            res = core.hypothetical_extraction(table, cells=list(J), variant=variant, theta=t)
            loss = values(res.losses, "output_loss")
            close(loss, explicit_extraction(table, J, variant, t), tol)
            totals = res.totals.set_index("indicator")["value"]
            close(totals["gdp_loss"], e.v @ loss, tol)
            if variant != "complete":
                zero = core.hypothetical_extraction(table, cells=list(J), variant=variant, theta=0.0)
                close(values(zero.losses, "output_loss"), 0.0, tol)
    for variant in ("backward", "forward"):
        formula = core.extraction_single_cells(table, variant=variant, theta=theta)
        out, gdp = values(formula, "output_loss"), values(formula, "gdp_loss")
        for q in single_cells:
            ref = explicit_extraction(table, np.array([q]), variant, theta)
            close(out[q], ref.sum(), tol * max(1.0, float(np.abs(table.x).sum())))
            close(gdp[q], e.v @ ref, tol * max(1.0, float(np.abs(table.x).sum())))


# ---------------------------------------------------------------------------------------------- random tables
@st.composite
def random_tables(draw):
    G, N = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    return random_icio(G, N, seed=draw(st.integers(0, 2**32 - 1)),
                       zero_output_cells=min(draw(st.integers(0, 2)), G * N - 2),
                       negative_inventories=draw(st.booleans()))


PROPERTY = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(random_tables())
def test_i1_leontief_identities(table):
    check_i1_leontief(table)


@PROPERTY
@given(random_tables())
def test_i2_ghosh_identities(table):
    check_i2_ghosh(table)


@PROPERTY
@given(random_tables())
def test_i3_local_inverse_identities(table):
    check_i3_local_inverse(table)


@PROPERTY
@given(random_tables())
def test_i4_footprint_identities(table):
    check_i4_footprints(table)


@PROPERTY
@given(random_tables())
def test_i5_linkage_normalisation(table):
    check_i5_linkages(table)


@PROPERTY
@given(random_tables(), st.floats(0.05, 1.0), st.data())
def test_i6_extraction_woodbury_equals_resolve(table, theta, data):
    n = table.n
    cell = data.draw(st.integers(0, n - 1))
    block = np.unique(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n - 1)))
    sets = [np.array([cell]), block] + ([np.arange(table.N)] if table.G > 1 else [])
    check_i6_extraction(table, sets, single_cells=range(n), theta=theta)


@PROPERTY
@given(random_tables(), st.integers(0, 2**32 - 1))
def test_extraction_losses_grow_with_theta_when_nonnegative(table, seed):
    """1.6: losses are non-decreasing in theta when A, y >= 0."""
    table = random_icio(table.G, table.N, seed=seed, negative_inventories=False)
    J = np.arange(table.N)[: max(1, table.N - 1)]
    for variant in ("backward", "total"):
        totals = [core.hypothetical_extraction(table, cells=list(J), variant=variant, theta=t)
                  .totals.set_index("indicator").loc["output_loss", "value"] for t in (0.0, 0.3, 0.7, 1.0)]
        assert np.all(np.diff(totals) >= -1e-10 * table.x.sum())


@PROPERTY
@given(random_tables())
def test_type2_dominates_type1(table):
    """1.4: the Type II multiplier >= the Type I multiplier (A >= 0, households consume and earn); a region
    without labour income (all its cells have zero output) is refused."""
    income = table.W[table.va_rows.index("COMP")].reshape(table.G, table.N).sum(1)
    if np.any(income <= 0):
        with pytest.raises(OptionError, match="labour income"):
            core.type2_multipliers(table, "employment")
        return
    res = core.type2_multipliers(table, "employment")
    act = engine_for(table).active
    assert np.all(values(res, "output_multiplier_type2")[act] >= values(res, "output_multiplier")[act] - 1e-12)
    emp2 = values(res, "satellite_multiplier_type2", stressor="employment")[act]
    assert np.all(emp2 >= values(res, "satellite_multiplier", stressor="employment")[act] - 1e-12)


# ---------------------------------------------------------------------------------------------- real table
@pytest.fixture(scope="module")
def wiod2011():
    path = shared_file("wiod2013", "wiot_2011.parquet")
    with pytest.warns(Warning):  # rounded to whole millions: DISC category and cancelling zero-output cells
        bare = read_wiod2013(path)
    rng = np.random.default_rng(7)  # a seeded stressor (intensity x output) and household direct amounts
    emissions, household = rng.random(bare.n) * bare.x * 0.3, rng.random(bare.G) * float(bare.x.sum()) * 1e-4
    return replace(bare, satellites={"synthetic_co2": Satellite("synthetic_co2", emissions, "kt CO2", household)})


@pytest.mark.realdata
def test_wiod2011_i1_leontief(wiod2011):
    check_i1_leontief(wiod2011)


@pytest.mark.realdata
def test_wiod2011_i2_ghosh(wiod2011):
    check_i2_ghosh(wiod2011)


@pytest.mark.realdata
def test_wiod2011_i3_local_inverse(wiod2011):
    check_i3_local_inverse(wiod2011, regions=[wiod2011.region_index("CHN"), wiod2011.region_index("USA")])


@pytest.mark.realdata
def test_wiod2011_i4_footprints(wiod2011):
    """The stressor is synthetic (seeded intensities on the real table): WIOD 2013 environmental accounts are not
    among the shared data."""
    check_i4_footprints(wiod2011)


@pytest.mark.realdata
def test_wiod2011_i5_linkages(wiod2011):
    check_i5_linkages(wiod2011)
    assert wiod2011.checks and (~engine_for(wiod2011).active).sum() == 22


@pytest.mark.realdata
def test_wiod2011_i6_extraction(wiod2011):
    chn = wiod2011.region_index("CHN") * wiod2011.N
    sets = [np.arange(chn, chn + wiod2011.N), np.arange(wiod2011.G) * wiod2011.N + 13]  # China; c14 everywhere
    check_i6_extraction(wiod2011, sets, single_cells=[chn, chn + 13, wiod2011.n - 1], theta=0.5)
