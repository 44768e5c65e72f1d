"""Competitive-import tables and their conversion to non-competitive form (tables/competitive.py, METHODS.md 1.7).

Synthetic tables only; the conversion on real NBS and OECD tables is tested in tests/readers/test_nbs.py and
test_oecd_iot.py.  Identities (METHODS.md 1.7, I7): x = Z^D u + F^D u + ex and v'L + a^M'L = u'.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualcirc.engine.leontief import engine_for
from dualcirc.errors import InputError, TableWarning
from dualcirc.tables.competitive import MU_MAX, CompetitiveTable, import_shares, to_noncompetitive
from dualcirc.tables.model import DISC, TableMeta

CATEGORIES = ("HFCE", "GFCF", "INVNT", DISC)


def competitive(G: int = 1, N: int = 4, seed: int = 0, *, discrepancy: bool = True) -> CompetitiveTable:
    """A balanced random competitive table: rows Zu + Fu + ex - im = x, columns Z'u + va = x."""
    rng = np.random.default_rng(seed)
    n = G * N
    Z = rng.uniform(0.0, 5.0, (n, n))
    F = rng.uniform(20.0, 40.0, (n, G, len(CATEGORIES)))
    F[:, :, CATEGORIES.index("INVNT")] = rng.normal(0.0, 1.0, (n, G))
    F[:, :, CATEGORIES.index(DISC)] = rng.normal(0.0, 0.5, (n, G)) if discrepancy else 0.0
    U = Z.sum(1) + F.sum((1, 2))
    imports = U * rng.uniform(0.05, 0.6, n)
    exports = rng.uniform(1.0, 15.0, n)
    x = U + exports - imports
    va = x - Z.sum(0)
    assert (x > 0).all() and (va > 0).all()
    W = np.vstack([0.6 * va, 0.4 * va])
    return CompetitiveTable(
        regions=tuple(f"P{g}" for g in range(G)), sectors=tuple(f"S{i}" for i in range(N)), fd_categories=CATEGORIES,
        va_rows=("COMP", "OS"), Z=Z, F=F, exports=exports, imports=imports, W=W, x=x,
        meta=TableMeta(source="synthetic", year=2020, unit="unit"), discrepancy=DISC if discrepancy else None,
        nations={f"P{g}": "XX" for g in range(G)} if G > 1 else None)


def assert_identities(table, *, rtol: float = 1e-12) -> None:
    """METHODS.md 1.7: x = Z^D u + F^D u + ex (no balancing gap added) and v'L + a^M'L = u'."""
    assert "row_imbalance" not in {f.code for f in table.checks}
    rows = table.Z.sum(1) + table.Y.sum((1, 2)) + table.exports
    np.testing.assert_allclose(rows, table.x, rtol=rtol)
    engine = engine_for(table)
    content = engine.solve_T(engine.v + engine.Am.sum(0))
    np.testing.assert_allclose(content, 1.0, atol=1e-12)


def test_split_adds_up_to_the_competitive_table():
    ct = competitive(seed=1)
    table = to_noncompetitive(ct)
    U, mu = import_shares(ct)
    np.testing.assert_allclose(table.Z + table.Zm, ct.Z, rtol=1e-13)
    np.testing.assert_allclose(table.Y + table.Ym, ct.F, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(table.Zm.sum(1) + table.Ym.sum((1, 2)), ct.imports, rtol=1e-12)
    # every user of product i imports the same share mu_i
    np.testing.assert_allclose(table.Zm / ct.Z, np.repeat(mu[:, None], ct.Z.shape[1], 1), rtol=1e-12)
    np.testing.assert_allclose(table.exports, ct.exports)
    np.testing.assert_allclose(table.va, ct.W.sum(0), rtol=1e-13)      # an OTH row holds only rounding noise
    assert table.fd_categories == ct.fd_categories and table.nations is None
    assert_identities(table)


def test_discrepancy_can_stay_on_the_domestic_side():
    ct = competitive(seed=2)
    table = to_noncompetitive(ct, include_discrepancy=False)
    disc = ct.fd_categories.index(DISC)
    np.testing.assert_allclose(table.Y[:, :, disc], ct.F[:, :, disc], atol=1e-12)
    assert not table.Ym[:, :, disc].any()
    U, mu = import_shares(ct, include_discrepancy=False)
    np.testing.assert_allclose(U, ct.Z.sum(1) + np.delete(ct.F, disc, 2).sum((1, 2)))
    np.testing.assert_allclose(table.Zm.sum(1) + table.Ym.sum((1, 2)), ct.imports, rtol=1e-12)
    assert_identities(table)
    assert not np.allclose(to_noncompetitive(ct).Zm, table.Zm)


def test_reexports_are_clipped_logged_and_taken_out_of_exports():
    """A product imported for re-export (ex > x, mu >= 1) and one imported but not used (U <= 0)."""
    ct = competitive(seed=3)
    im, ex, U = ct.imports.copy(), ct.exports.copy(), import_shares(ct)[0]
    im[0] = 1.5 * U[0]                    # re-exports: exports exceed output
    ex[0] += im[0] - ct.imports[0]
    Z, F = ct.Z.copy(), ct.F.copy()
    Z[1], F[1] = 0.0, 0.0                  # product 1: no domestic use, yet imported and re-exported
    im[1], ex[1] = 5.0, ct.x[1] + 5.0
    Wva = ct.x - Z.sum(0)
    ct = CompetitiveTable(regions=ct.regions, sectors=ct.sectors, fd_categories=ct.fd_categories,
                          va_rows=("VA",), Z=Z, F=F, exports=ex, imports=im, W=Wva[None, :], x=ct.x, meta=ct.meta,
                          discrepancy=ct.discrepancy)
    np.testing.assert_allclose(ct.row_gap(), 0.0, atol=1e-9)
    with pytest.warns(TableWarning, match=r"clipped to \[0, 1\): S0 .*S1"):
        table = to_noncompetitive(ct)
    finding = next(f for f in table.checks if f.code == "import_share_clipped")
    assert "re-exports" in finding.message and finding.message in table.meta.notes
    mu = table.Zm.sum(1)[0] / ct.Z.sum(1)[0]
    assert mu == pytest.approx(MU_MAX, abs=1e-12)
    assert table.exports[0] == pytest.approx(ct.x[0] - (table.Z.sum(1) + table.Y.sum((1, 2)))[0])
    assert table.exports[1] == pytest.approx(ct.x[1]) and not table.Zm[1].any()
    np.testing.assert_allclose(table.exports[2:], ct.exports[2:])
    assert_identities(table, rtol=1e-10)


def test_regions_sum_imports_by_product():
    """METHODS.md 1.7 generalised to a provincial table: mu per row cell, Zm summed over the rows' regions."""
    ct = competitive(G=3, N=4, seed=4)
    table = to_noncompetitive(ct)
    _, mu = import_shares(ct)
    expected_Zm = (mu[:, None] * ct.Z).reshape(3, 4, -1).sum(0)
    np.testing.assert_allclose(table.Zm, expected_Zm, rtol=1e-12)
    np.testing.assert_allclose(table.Ym, (mu[:, None, None] * ct.F).reshape(3, 4, 3, -1).sum(0), rtol=1e-12)
    assert table.Zm.shape == (4, 12) and table.Ym.shape == (4, 3, len(CATEGORIES))
    assert table.nations == {"P0": "XX", "P1": "XX", "P2": "XX"}
    assert_identities(table)


@settings(max_examples=25, deadline=None)
@given(G=st.integers(1, 3), N=st.integers(1, 6), seed=st.integers(0, 10_000), discrepancy=st.booleans(),
       include=st.booleans())
def test_identities_hold_on_random_tables(G, N, seed, discrepancy, include):
    table = to_noncompetitive(competitive(G, N, seed, discrepancy=discrepancy), include_discrepancy=include)
    assert_identities(table, rtol=1e-11)


def test_shapes_are_checked():
    ct = competitive()
    with pytest.raises(InputError, match=r"imports has shape \(3,\); expected \(4,\)"):
        CompetitiveTable(regions=ct.regions, sectors=ct.sectors, fd_categories=ct.fd_categories, va_rows=ct.va_rows,
                         Z=ct.Z, F=ct.F, exports=ct.exports, imports=ct.imports[:3], W=ct.W, x=ct.x)
    with pytest.raises(InputError, match="discrepancy category 'ERR'"):
        CompetitiveTable(regions=ct.regions, sectors=ct.sectors, fd_categories=ct.fd_categories, va_rows=ct.va_rows,
                         Z=ct.Z, F=ct.F, exports=ct.exports, imports=ct.imports, W=ct.W, x=ct.x, discrepancy="ERR")
