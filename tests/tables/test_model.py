"""The table model and the checks of METHODS.md section 0.6."""
import warnings

import numpy as np
import pytest

from dualcirc import BalanceError, InputError, IOTable, Satellite, TableMeta, TableWarning
from dualcirc.tables.model import DISC, OTH


Z0 = np.array([[10.0, 20.0, 5.0, 1.0], [5.0, 10.0, 2.0, 3.0], [4.0, 1.0, 20.0, 10.0], [2.0, 2.0, 5.0, 5.0]])
Y0 = np.array([[50.0, 10.0], [30.0, 5.0], [8.0, 60.0], [4.0, 40.0]])


def small(Z=None, Y=None, x=None, **kw):
    Z = Z0 if Z is None else Z
    Y = Y0 if Y is None else Y
    return IOTable.from_arrays(Z, Y, x, regions=["A", "B"], sectors=["s1", "s2"], **kw)


def test_balanced_table_has_no_warnings_and_va_closes_columns():
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        t = small()
    assert t.G == 2 and t.N == 2 and t.n == 4
    np.testing.assert_allclose(t.x, t.Z.sum(1) + t.Y.sum((1, 2)))
    np.testing.assert_allclose(t.Z.sum(0) + t.va, t.x)
    assert t.fd_categories == ("FD",) and DISC not in t.fd_categories
    assert list(t.cells[:2]) == [("A", "s1"), ("A", "s2")]


def test_row_gap_becomes_disc_in_own_region_and_warns():
    base = small()
    x = base.x.copy()
    x[2] += 7.0  # B/s1 produces more than it sells
    with pytest.warns(TableWarning, match="B/s1"):
        t = small(x=x)
    assert t.fd_categories[-1] == DISC
    assert t.Y[2, 1, -1] == pytest.approx(7.0)  # own region B
    assert t.Y[:, :, -1].sum() == pytest.approx(7.0)
    np.testing.assert_allclose(t.Z.sum(1) + t.Y.sum((1, 2)), t.x)


def test_tiny_row_gap_is_absorbed_silently():
    base = small()
    x = base.x * (1 + 1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        t = small(x=x)
    np.testing.assert_allclose(t.Z.sum(1) + t.Y.sum((1, 2)), t.x, rtol=0, atol=1e-12)


def test_rowsum_policy_recomputes_output():
    base = small()
    t = small(x=base.x + 5.0, x_policy="rowsum")
    np.testing.assert_allclose(t.x, base.x)
    assert DISC not in t.fd_categories


def test_supplied_value_added_that_does_not_close_columns_gets_oth_row():
    base = small()
    va = np.vstack([base.va * 0.5, base.va * 0.5])
    va[1, 0] -= 3.0
    with pytest.warns(TableWarning, match="A/s1"):
        t = small(va=va, va_rows=["COMP", "GOS"])
    assert t.va_rows == ("COMP", "GOS", OTH)
    assert t.W[2, 0] == pytest.approx(3.0)
    np.testing.assert_allclose(t.Z.sum(0) + t.va, t.x)


def test_negative_output_is_an_error_naming_the_cell():
    base = small()
    x = base.x.copy()
    x[3] = -1.0
    with pytest.raises(BalanceError, match="B/s2"):
        small(x=x)


def test_zero_output_cell_that_sells_is_an_error():
    Z = Z0.copy()
    Z[:, 1] = 0.0  # A/s2 buys nothing
    Y = Y0.copy()
    x = Z.sum(1) + Y.sum(1)
    x[1] = 0.0  # ...but its row still sells
    with pytest.raises(BalanceError, match="A/s2.*cannot sell"):
        small(Z=Z, Y=Y, x=x)


def test_zero_output_cell_with_cancelling_entries_warns_and_is_masked():
    Z = Z0.copy()
    Z[1, :] = 0.0
    Z[:, 1] = 0.0
    Y = Y0.copy()
    Y[1] = [3.0, -3.0]
    Z[1, 2] = 0.5  # A/s2 "sells" 0.5 to B/s1 although it produces nothing ...
    Y[1] = [3.0, -3.5]  # ... and the row nets to zero
    with pytest.warns(TableWarning, match="cancel"):
        t = small(Z=Z, Y=Y)
    assert t.x[1] == 0.0
    assert np.all(t.Z[1] == 0) and np.all(t.Z[:, 1] == 0) and np.all(t.Y[1] == 0)  # removed, not kept
    np.testing.assert_allclose(t.Z.sum(0) + t.va, t.x)
    assert any(f.code == "zero_output" for f in t.checks)


def test_negative_intermediate_flow_warns_with_cells():
    Z = Z0.copy()
    Z[0, 3] = -1.0
    with pytest.warns(TableWarning, match=r"A/s1 -> B/s2"):
        small(Z=Z)


def test_non_finite_and_shape_errors():
    Z = Z0.copy()
    Z[1, 2] = np.nan
    with pytest.raises(InputError, match=r"non-finite.*\[\[1, 2\]\]"):
        small(Z=Z)
    with pytest.raises(InputError, match="shape"):
        small(Z=np.ones((3, 3)))
    with pytest.raises(InputError, match="duplicate sector"):
        IOTable.from_arrays(np.eye(2), np.ones((2, 1)), regions=["A"], sectors=["s", "s"])


def test_satellites_and_metadata_are_kept():
    emp = Satellite("employment", np.array([1.0, 2.0, 3.0, 4.0]), "1000 persons", label_zh="就业")
    t = small(satellites={"employment": emp}, meta=TableMeta(source="test", year=2020, unit="million USD"))
    assert t.satellites["employment"].unit == "1000 persons"
    assert t.summary()["satellites"] == {"employment": "1000 persons"}
    assert "test" in repr(t) and t.meta.year == 2020
    with pytest.raises(InputError, match="satellite 'bad'"):
        small(satellites={"bad": Satellite("bad", np.ones(3), "t")})


def test_national_table_with_imports_and_exports_balances():
    Zd = np.array([[10.0, 5.0], [3.0, 8.0]])
    Y = np.array([[30.0], [20.0]])
    ex = np.array([5.0, 9.0])
    Zm = np.array([[2.0, 1.0], [1.0, 3.0]])
    t = IOTable.from_arrays(Zd, Y, regions=["CHN"], sectors=["a", "b"], exports=ex, Zm=Zm)
    assert t.has_open_foreign_sector and t.is_national
    np.testing.assert_allclose(t.x, Zd.sum(1) + Y.sum(1) + ex)
    np.testing.assert_allclose(t.va, t.x - Zd.sum(0) - Zm.sum(0))
    np.testing.assert_allclose(t.y, Y[:, 0] + ex)


def test_nations_mapping_must_cover_regions():
    with pytest.raises(InputError, match="nations mapping lacks"):
        small(nations={"A": "X"})
    t = small(nations={"A": "X", "B": "X"})
    assert t.nations == {"A": "X", "B": "X"}
