"""US BEA summary accounts (readers/bea.py): symmetric industry-by-industry table under the industry-technology
assumption, with imports from the import matrix (non-competitive).

Real files: ../shared/data/io/us_bea_summary/us_bea_summary_{use,make,import}_2012_2023.csv.gz, every year.
Published figure: GDP 2023 = 27.72 trillion USD (PROVENANCE.md 1f).  Malformed inputs are cut from the real files.
"""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from dualcirc.engine.leontief import engine_for
from dualcirc.errors import OptionError, ReaderError
from dualcirc.readers import read_table
from dualcirc.readers.bea import ITA, read_bea_summary

from shared_paths import shared_file

#: the import matrix exceeds the use table in a few cells (e.g. farm products bought by federal nondefense
#: government), so the domestic flow U - M is negative there; the reader keeps the published values and warns
pytestmark = [pytest.mark.realdata,
              pytest.mark.filterwarnings("ignore:.*intermediate flow.* negative:dualcirc.errors.TableWarning")]
TRN = 1e6  # million USD per trillion USD


def folder():
    return shared_file("io", "us_bea_summary", "us_bea_summary_use_2012_2023.csv.gz").parent


@pytest.fixture(scope="module")
def tables():
    return read_bea_summary(folder())


def test_every_year_balances(tables):
    assert sorted(tables) == list(range(2012, 2024))
    for year, table in tables.items():
        assert table.regions == ("USA",) and table.N == 71 and table.meta.year == year
        assert table.fd_categories[:5] == ("HFCE", "GGFC", "GFCF", "INVNT", ITA)
        assert table.va_rows[:3] == ("COMP", "TOPI", "GOS")
        assert "row_imbalance" not in {f.code for f in table.checks}
        # rows: Z^D u + Y^D u + ex = x up to the published rounding (whole millions; the 2012 import matrix is
        # off by 150 in one row)
        gap = table.x - table.Z.sum(1) - table.Y[:, :, :5].sum((1, 2)) - table.exports
        assert np.abs(gap).max() <= (160.0 if year == 2012 else 60.0)
        # columns close exactly with the published value added: Z'u + Zm'u + va = x
        assert "column_imbalance" not in {f.code for f in table.checks}
        np.testing.assert_allclose(table.Z.sum(0) + table.Zm.sum(0) + table.W[:3].sum(0), table.x, atol=10.0)
        engine = engine_for(table)
        np.testing.assert_allclose(engine.solve_T(engine.v + engine.Am.sum(0)), 1.0, atol=1e-12)
        np.testing.assert_allclose(engine.solve(table.y), table.x, rtol=1e-9)


def test_published_figures(tables):
    t23 = tables[2023]
    assert t23.W.sum() / TRN == pytest.approx(27.72, abs=0.005)          # GDP 2023
    assert t23.W[:3].sum() / TRN == pytest.approx(27.7207, abs=1e-4)
    assert t23.exports.sum() / TRN == pytest.approx(2.64, abs=0.01)
    assert (t23.Zm.sum() + t23.Ym.sum()) / TRN == pytest.approx(3.549, abs=0.001)   # domestic port value
    gdp = [tables[y].W[:3].sum() for y in range(2012, 2024)]
    assert gdp[0] / TRN == pytest.approx(16.25, abs=0.01) and gdp[-1] > gdp[0]
    assert t23.sector_names["334"] == "Computer and electronic products" and t23.sector_names_zh["334"]
    assert any("industry-technology assumption" in note for note in t23.meta.notes)
    negative = next(f for f in t23.checks if f.code == "negative_Z")
    assert "USA/111CA -> USA/GFGN" in negative.message


def test_industry_technology_construction():
    """Z = D U^D with market shares D = V q^-1 (Miller & Blair 2009, 5.3), checked cell by cell for 2017."""
    table = read_bea_summary(folder(), 2017)
    use = pd.read_csv(folder() / "us_bea_summary_use_2012_2023.csv.gz")
    make = pd.read_csv(folder() / "us_bea_summary_make_2012_2023.csv.gz")
    imp = pd.read_csv(folder() / "us_bea_summary_import_2012_2023.csv.gz")
    u, v, m = (f[f["Year"] == 2017].set_index("row").drop(columns="Year") for f in (use, make, imp))
    industries, commodities = list(table.sectors), list(u.index[:73])
    V = v.loc[industries, commodities].to_numpy()
    D = V / V.sum(0)
    np.testing.assert_allclose(D.sum(0), 1.0, rtol=1e-12)
    Ud = u.loc[commodities, industries].to_numpy() - m.loc[commodities, industries].to_numpy()
    np.testing.assert_allclose(table.Z, D @ Ud, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(table.exports, D @ u.loc[commodities, "F040"].to_numpy(), rtol=1e-12)
    ita = u.loc[commodities, "F050"].to_numpy() - m.loc[commodities, "F050"].to_numpy()
    np.testing.assert_allclose(table.Y[:, 0, table.fd_categories.index(ITA)], D @ ita, rtol=1e-12, atol=1e-9)


def test_bea_categories_and_layout_detection():
    table = read_bea_summary(folder() / "us_bea_summary_make_2012_2023.csv.gz", 2020, final_demand="bea")
    assert table.fd_categories[:3] == ("F010", "F02S", "F02E") and ITA in table.fd_categories
    assert read_table(folder(), year=2019).meta.year == 2019
    with pytest.raises(OptionError, match="final_demand must be"):
        read_bea_summary(folder(), 2020, final_demand="nipa")


# ---------------------------------------------------------------------------------------------- malformed input
def copy_tables(tmp_path, **changes):
    """The three staged files copied to tmp_path; ``changes`` maps use/make/import to a frame -> frame edit."""
    for part in ("use", "make", "import"):
        source = folder() / f"us_bea_summary_{part}_2012_2023.csv.gz"
        target = tmp_path / source.name
        if part in changes:
            changes[part](pd.read_csv(source, dtype={"row": str})).to_csv(target, index=False)
        else:
            shutil.copy(source, target)
    return tmp_path


def test_unknown_year_and_missing_table(tmp_path):
    with pytest.raises(ReaderError, match="unknown year 2030: the tables cover 2012-2023"):
        read_bea_summary(folder(), 2030)
    copy_tables(tmp_path)
    (tmp_path / "us_bea_summary_import_2012_2023.csv.gz").unlink()
    with pytest.raises(ReaderError, match="expected one import table .* found none"):
        read_bea_summary(tmp_path, 2020)


def test_wrong_header(tmp_path):
    copy_tables(tmp_path, use=lambda f: f.drop(columns=["Total Intermediate"]))
    with pytest.raises(ReaderError, match="expected column 'Total Intermediate' in the use table"):
        read_bea_summary(tmp_path, 2020)
    copy_tables(tmp_path, use=lambda f: f.rename(columns={"F06C": "F06X"}))
    with pytest.raises(ReaderError, match=r"column 'F06X': final-use columns: .*unknown \['F06X'\]"):
        read_bea_summary(tmp_path, 2020)


def test_non_numeric_cell_names_row_and_column(tmp_path):
    def spoil(frame):
        frame = frame.astype({"333": object})
        frame.loc[(frame["Year"] == 2013) & (frame["row"] == "331"), "333"] = "(D)"
        return frame

    copy_tables(tmp_path, use=spoil)
    with pytest.raises(ReaderError, match=r"row 90, column '333': non-numeric cell '\(D\)' in the use table"):
        read_bea_summary(tmp_path, 2013)
    assert read_bea_summary(tmp_path, 2014).meta.year == 2014       # other years are unaffected


def test_truncated_file(tmp_path):
    copy_tables(tmp_path)
    make = tmp_path / "us_bea_summary_make_2012_2023.csv.gz"
    make.write_bytes(make.read_bytes()[:5000])
    with pytest.raises(ReaderError, match="cannot be read as CSV"):
        read_bea_summary(tmp_path, 2020)
    copy_tables(tmp_path, make=lambda f: f[~((f["Year"] == 2023) & (f["row"] == "333"))])
    with pytest.raises(ReaderError, match=r"2023: the make table lacks rows \['333'\]"):
        read_bea_summary(tmp_path, 2023)
