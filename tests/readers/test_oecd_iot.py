"""OECD national IOTs, 2021 edition (readers/oecd_iot.py), converted by import proportionality (METHODS.md 1.7).

Real files: ../shared/data/io/oecd_iot2021/oecd_iot2021_{CHN,JPN}_1995_2018.csv.gz (all 24 years of each are read;
identities checked on a few); China 2018 in the long layout of the OECD.Stat download, written at test time by
tests/fixtures/make_oecd_iot_excerpt.py (fixture ``oecd_iot_long``).  Published figures: PROVENANCE.md 1e.
"""
from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from dualcirc.engine.leontief import engine_for
from dualcirc.errors import ReaderError
from dualcirc.readers import read_table
from dualcirc.readers.oecd_iot import FINAL_USE, read_oecd_iot
from dualcirc.tables.competitive import CompetitiveTable

from shared_paths import shared_file

BN = 1e3  # million USD per billion USD


def oecd_file(country: str):
    return shared_file("io", "oecd_iot2021", f"oecd_iot2021_{country}_1995_2018.csv.gz")


@pytest.fixture(scope="module")
def chn():
    return read_oecd_iot(oecd_file("CHN"))


def assert_i7(table) -> None:
    """METHODS.md 1.7: x = Z^D u + F^D u + ex (only rounding in DISC) and v'L + a^M'L = u'."""
    assert "row_imbalance" not in {f.code for f in table.checks}
    rows = table.Z.sum(1) + table.Y[:, :, : len(FINAL_USE)].sum((1, 2)) + table.exports
    np.testing.assert_allclose(rows, table.x, atol=1.0)        # published values are rounded to 0.1 million USD
    engine = engine_for(table)
    active = engine.active
    np.testing.assert_allclose(engine.solve_T(engine.v + engine.Am.sum(0))[active], 1.0, atol=1e-12)


@pytest.mark.realdata
def test_china_all_years(chn):
    assert sorted(chn) == list(range(1995, 2019))
    for year, table in chn.items():
        assert table.N == 45 and table.regions == ("CHN",) and table.meta.year == year
        assert table.sectors[0] == "01T02" and table.sectors[-1] == "97T98"
        assert table.fd_categories[: len(FINAL_USE)] == FINAL_USE
        assert table.va_rows[:3] == ("TLS_ABR", "TLS", "VA")
        assert table.Zm.shape == (45, 45) and (table.x >= 0).all()
    for year in (1995, 2007, 2018):
        assert_i7(chn[year])


@pytest.mark.realdata
def test_china_2018_published_figures(chn):
    table = chn[2018]
    assert table.W[table.va_rows.index("VA")].sum() / BN == pytest.approx(12790, abs=1)
    assert table.exports.sum() / BN == pytest.approx(2393, abs=1)
    assert (table.Zm.sum() + table.Ym.sum()) / BN == pytest.approx(2337, abs=1)
    assert table.sector_names["26"] == "Computer, electronic and optical equipment"
    assert table.sector_names_zh["26"]
    assert any("taxes on final products" in note for note in table.meta.notes)


@pytest.mark.realdata
@pytest.mark.parametrize("year", [1995, 2010, 2018])
def test_japan(year):
    table = read_oecd_iot(oecd_file("JPN"), year)
    assert table.regions == ("JPN",) and table.meta.year == year
    raw = read_oecd_iot(oecd_file("JPN"), year, noncompetitive=False)
    assert isinstance(raw, CompetitiveTable) and (raw.imports > 0).any()
    np.testing.assert_allclose(raw.row_gap(), 0.0, atol=1.0)
    assert_i7(table)
    kept = raw.imports > 0
    np.testing.assert_allclose((table.Zm.sum(1) + table.Ym.sum((1, 2)))[kept], raw.imports[kept], rtol=1e-10)


@pytest.mark.realdata
def test_long_download_layout(oecd_iot_long):
    table = read_oecd_iot(oecd_iot_long)
    assert table.regions == ("CHN",) and table.meta.year == 2018 and table.N == 45
    assert table.W[table.va_rows.index("VA")].sum() / BN == pytest.approx(12790, abs=1)
    assert table.exports.sum() / BN == pytest.approx(2393, abs=1)
    assert_i7(table)
    assert read_table(oecd_iot_long).N == 45


@pytest.mark.realdata
def test_long_layout_equals_the_wide_frames(chn, oecd_iot_long):
    table, wide = read_oecd_iot(oecd_iot_long), chn[2018]
    assert table.sectors == wide.sectors
    for name in ("Z", "Y", "Zm", "Ym", "W", "x", "exports"):
        np.testing.assert_array_equal(getattr(table, name), getattr(wide, name))


# ---------------------------------------------------------------------------------------------- malformed input
@pytest.fixture()
def long_frame(oecd_iot_long) -> pd.DataFrame:
    return pd.read_csv(oecd_iot_long, dtype=str)


@pytest.mark.realdata
def test_unknown_year_and_country(tmp_path, long_frame, oecd_iot_long):
    with pytest.raises(ReaderError, match="unknown year 2030: the file covers 2018-2018 for CHN"):
        read_oecd_iot(oecd_iot_long, 2030)
    with pytest.raises(ReaderError, match="unknown country 'JPN'; the file holds CHN"):
        read_oecd_iot(oecd_iot_long, country="JPN")
    both = pd.concat([long_frame, long_frame.assign(COU="KOR")])
    both.to_csv(tmp_path / "two.csv", index=False)
    with pytest.raises(ReaderError, match=r"the file holds 2 countries \(CHN, KOR\); pass country="):
        read_oecd_iot(tmp_path / "two.csv")
    assert read_oecd_iot(tmp_path / "two.csv", country="KOR").regions == ("KOR",)


@pytest.mark.realdata
def test_wrong_header(tmp_path, long_frame):
    long_frame.drop(columns=["COL"]).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match=r"expected column\(s\) \['COL'\] are missing"):
        read_oecd_iot(tmp_path / "t.csv")
    long_frame.assign(VAR="DOMIMP").to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match="column 'VAR': expected rows with VAR = TTL"):
        read_oecd_iot(tmp_path / "t.csv")
    long_frame[long_frame["ROW"] != "VALU"].to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match=r"column 'ROW': CHN 2018: expected rows \['VALU'\]"):
        read_oecd_iot(tmp_path / "t.csv")


@pytest.mark.realdata
def test_non_numeric_value_names_row(tmp_path, long_frame):
    long_frame.loc[7, "Value"] = "n.a."
    long_frame.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match=r"row 9, column 'Value': non-numeric cell 'n.a.'"):
        read_oecd_iot(tmp_path / "t.csv")
    long_frame.loc[7, "Value"], long_frame.loc[20, "TIME"] = "1.5", "2018Q1"
    long_frame.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match=r"row 22, column 'TIME': non-numeric cell '2018Q1'"):
        read_oecd_iot(tmp_path / "t.csv")


@pytest.mark.realdata
def test_duplicate_cell(tmp_path, long_frame):
    pd.concat([long_frame, long_frame.iloc[[3]]]).to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match=r"row 5: cell ROW=TTL_01T02 COL=\w+ appears more than once for CHN 2018"):
        read_oecd_iot(tmp_path / "t.csv")


@pytest.mark.realdata
def test_truncated_file(tmp_path, oecd_iot_long):
    (tmp_path / "t.csv.gz").write_bytes(oecd_iot_long.read_bytes()[:4000])
    with pytest.raises(ReaderError, match="cannot be read as CSV"):
        read_oecd_iot(tmp_path / "t.csv.gz")


@pytest.mark.realdata
def test_wide_frame_errors(tmp_path):
    wide = pd.read_csv(oecd_file("CHN"), dtype={"Code": str})
    one = wide[wide["Year"] == 2018]
    one[one["Code"] != "OUTPUT"].to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match=r"CHN 2018: expected the 45 industries.*missing rows \['OUTPUT'\]"):
        read_oecd_iot(tmp_path / "t.csv")
    bad = one.astype({"03": object})
    bad.loc[bad.index[4], "03"] = "x"
    bad.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match=r"row 6, column '03': non-numeric cell 'x'"):
        read_oecd_iot(tmp_path / "t.csv")
    shifted = one.copy()
    shifted.loc[shifted["Code"] == "TTL_INT_FNL", "05"] += 50.0
    shifted.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(ReaderError, match="column '05': .*TTL_INT_FNL of industry 09 .* truncated, shifted"):
        read_oecd_iot(tmp_path / "t.csv")
    gzip.open(tmp_path / "ok.csv.gz", "wt").write(one.to_csv(index=False))
    assert read_oecd_iot(tmp_path / "ok.csv.gz").meta.year == 2018     # one year: a table, not a dict
