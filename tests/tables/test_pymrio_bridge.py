"""The pymrio round trip: exact on random and national tables and on pymrio's test MRIO; pymrio agrees."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pymrio
import pytest

from dualcirc.engine.leontief import engine_for
from dualcirc.errors import InputError, TableWarning
from dualcirc.tables.pymrio_bridge import META_KEY, from_pymrio, to_pymrio
from dualcirc.testing import random_icio
from table_builders import national_mrio

ARRAYS = ("Z", "Y", "W", "x", "exports", "Zm", "Ym")
LABELS = ("regions", "sectors", "fd_categories", "va_rows", "meta", "nations", "sector_names", "sector_names_zh",
          "checks")


def assert_same_table(a, b):
    for name in ARRAYS:
        left, right = getattr(a, name), getattr(b, name)
        assert (left is None and right is None) or np.array_equal(left, right), name
    for name in LABELS:
        assert getattr(a, name) == getattr(b, name), name
    assert list(a.satellites) == list(b.satellites)
    for name, sat in a.satellites.items():
        other = b.satellites[name]
        assert (sat.unit, sat.label_zh) == (other.unit, other.label_zh)
        assert np.array_equal(sat.values, other.values)
        assert (sat.household is None and other.household is None) or np.array_equal(sat.household, other.household)


@pytest.fixture(scope="module")
def test_mrio_table():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        return from_pymrio(pymrio.load_test(), year=2017)


@pytest.mark.parametrize("table", [
    random_icio(3, 4, seed=1), random_icio(2, 5, seed=2, zero_output_cells=2), random_icio(4, 2, seed=3,
                                                                                           satellites=False),
    national_mrio(),
], ids=["icio", "zero_output", "no_satellites", "national_mrio"])
def test_round_trip_is_exact(table):
    assert_same_table(table, from_pymrio(to_pymrio(table)))


def test_pymrio_layout_of_a_national_table():
    t = national_mrio()
    io = to_pymrio(t)
    assert list(io.get_Y_categories()) == list(t.fd_categories) + ["Export"]
    np.testing.assert_array_equal(io.Y.xs("Export", axis=1, level="category").sum(axis=1).to_numpy(), t.exports)
    np.testing.assert_array_equal(io.imports.F.to_numpy(), t.Zm)
    assert io.satellites.unit.loc["energy", "unit"] == "tce" and io.unit["unit"].unique().tolist() == ["万元"]
    np.testing.assert_array_equal(io.satellites.F_Y.xs("HFCE", axis=1, level="category").to_numpy()[0],
                                  t.satellites["energy"].household)


def test_pymrio_computes_what_the_engine_computes():
    t = random_icio(3, 4, seed=5)
    io = to_pymrio(t)
    io.calc_all()
    eng = engine_for(t)
    np.testing.assert_allclose(io.L.to_numpy(), eng.L, rtol=1e-12, atol=1e-14)
    co2 = t.satellites["co2"]
    footprint = (co2.values * eng.inv_x) @ eng.solve(t.Y2) + co2.household
    np.testing.assert_allclose(io.satellites.D_cba_reg.loc["co2"].to_numpy(), footprint, rtol=1e-10)


def test_pymrio_test_mrio_is_read_with_canonical_categories_and_its_extensions(test_mrio_table):
    io = pymrio.load_test()
    t = test_mrio_table
    assert t.G == 6 and t.N == 8 and t.meta.source == "testmrio" and t.meta.unit == "Mill USD"
    assert t.meta.year == 2017 and t.exports is None  # the Export column of the test MRIO is all zero
    assert t.fd_categories == ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT")
    np.testing.assert_array_equal(t.Z, io.Z.to_numpy())
    by_category = io.Y.T.groupby(level="category").sum().T
    np.testing.assert_allclose(t.Y[:, :, 4].sum(1), (by_category["Changes in inventories"]
                                                     + by_category["Changes in valuables"]).to_numpy())
    np.testing.assert_allclose(t.x, io.Z.sum(axis=1) + io.Y.sum(axis=1))
    assert {k: s.unit for k, s in t.satellites.items()} == {"emission_type1/air": "kg", "emission_type2/water": "kg"}
    np.testing.assert_array_equal(t.satellites["emission_type2/water"].values, io.emissions.F.to_numpy()[1])
    np.testing.assert_allclose(t.satellites["emission_type1/air"].household,
                               io.emissions.F_Y.T.groupby(level="region").sum().T.to_numpy()[0])
    assert t.va_rows[0] == "Value Added"


def test_pymrio_test_mrio_round_trips_exactly(test_mrio_table):
    assert_same_table(test_mrio_table, from_pymrio(to_pymrio(test_mrio_table)))


def test_parquet_files_round_trip_exactly_and_lossy_text_files_are_checked_again(tmp_path):
    t = random_icio(3, 4, seed=5)
    to_pymrio(t).save_all(tmp_path / "parquet", table_format="parquet")
    assert_same_table(t, from_pymrio(pymrio.load_all(tmp_path / "parquet")))
    to_pymrio(t).save_all(tmp_path / "txt")  # pymrio writes text with 12 significant digits
    back = from_pymrio(pymrio.load_all(tmp_path / "txt"))
    assert not np.array_equal(back.Z, t.Z)
    np.testing.assert_allclose(back.Z, t.Z, rtol=1e-11)
    np.testing.assert_allclose(back.Z.sum(1) + back.Y.sum((1, 2)), back.x, rtol=1e-14)  # re-balanced by DISC


def test_a_system_changed_in_pymrio_is_checked_again():
    t = random_icio(3, 4, seed=1)
    io = to_pymrio(t)
    io.Z.iloc[0, 1] += 5.0
    with pytest.warns(TableWarning) as record:
        back = from_pymrio(io)
    assert any("rows do not balance" in str(w.message) for w in record)
    assert back.Z[0, 1] == t.Z[0, 1] + 5.0
    assert {"row_imbalance", "column_imbalance"} <= {f.code for f in back.checks}


def test_year_and_unit_arguments_override():
    back = from_pymrio(to_pymrio(random_icio(2, 2, seed=1)), year=1999, unit="billion USD")
    assert (back.meta.year, back.meta.unit) == (1999, "billion USD")


def test_errors():
    with pytest.raises(InputError, match="expected a pymrio.IOSystem"):
        from_pymrio(pd.DataFrame())
    io = pymrio.load_test()
    io.unit.iloc[0, 0] = "EUR"
    with pytest.raises(InputError, match="mixes units"):
        from_pymrio(io)
    io = to_pymrio(random_icio(2, 2, seed=1))
    io.meta.change_meta(META_KEY, {**io.meta.metadata[META_KEY], "version": 99}, log=False)
    with pytest.raises(InputError, match="newer dualcirc"):
        from_pymrio(io)
    io = pymrio.load_test()
    io.Z = None
    with pytest.raises(InputError, match="has no Z"):
        from_pymrio(io)


def test_table_and_pymrio_system_share_no_memory():
    t = national_mrio()
    io = to_pymrio(t)
    back = from_pymrio(io)
    for name, frame in (("Z", io.Z), ("Y", io.Y), ("W", io.factor_inputs.F), ("Zm", io.imports.F)):
        assert not np.shares_memory(frame.to_numpy(), getattr(t, name)), name
        assert not np.shares_memory(frame.to_numpy(), getattr(back, name)), name
