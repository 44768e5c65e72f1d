"""Long-run WIOD reader (readers/lrwiod.py) on ../shared/data/io/wiod_longrun (PROVENANCE.md section 1c)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shared_paths import shared_file
from dualcirc import ReaderError
from dualcirc.labels import t
from dualcirc.readers import layouts
from dualcirc.readers.lrwiod import read_lrwiod
from dualcirc.readers.sectors import sector_labels
from dualcirc.tables.model import DISC, OTH

YEARS = list(range(1965, 2001, 5))
VA_ROWS = ("VA", "TXSP", "SD", "PURNR", "PURR", "MRG_int")


@pytest.fixture(scope="module")
def lrwiod_path():
    return shared_file("io", "wiod_longrun", "lrwiod_wiot_1965_2000_every5y.parquet")


@pytest.fixture(scope="module")
def tables(lrwiod_path):
    with pytest.warns():  # 1985 rows miss by up to 2.5e-5 (PROVENANCE.md 1c): a row_imbalance TableWarning
        return read_lrwiod(lrwiod_path)


def test_every_year_shapes_labels_and_metadata(tables):
    codes, english, chinese = sector_labels("lrwiod")
    assert list(tables) == YEARS
    for year, table in tables.items():
        assert (table.G, table.N) == (26, 23) and table.sectors == codes
        assert table.regions[-1] == "ROW" and "xROW" not in table.regions and "CHN" in table.regions
        assert table.fd_categories[:4] == ("HFCE", "GGFC", "GFCF", "INVNT")
        assert set(table.fd_categories[4:]) <= {DISC} and set(table.va_rows[6:]) <= {OTH}
        assert table.va_rows[:6] == VA_ROWS
        assert (table.meta.source, table.meta.year, table.meta.unit) == ("LR-WIOD", year, "million USD")
        assert "Woltjer" in table.meta.citation and "xROW -> ROW" in " ".join(table.meta.notes)
        assert table.sector_names == english and table.sector_names_zh == chinese
    assert tables[2000].sector_names["D30t33"] == "Electrical and Optical Equipment"
    assert tables[2000].sector_names_zh["D30t33"] == "电气和光学设备制造业"


def test_balance_and_checks(tables):
    for year, table in tables.items():
        found = {f.code for f in table.checks}
        assert found <= {"row_imbalance", "negative_Y"}, year
        assert ("row_imbalance" in found) == (year == 1985)
        # columns: Z + taxes + discrepancy + purchases + margins + VA = GO to 6e-10 (no OTH warning)
        gap = table.x - table.Z.sum(0) - table.W[:6].sum(0)
        assert np.abs(gap).max() < 1e-3
        np.testing.assert_allclose(table.Z.sum(0) + table.W.sum(0), table.x, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)), table.x, rtol=1e-12, atol=1e-9)


def test_china_value_added_matches_provenance(tables):
    def china_va(year):
        table = tables[year]
        return table.W[0].reshape(table.G, table.N)[table.region_index("CHN")].sum()

    assert china_va(1965) / 1e3 == pytest.approx(70, abs=0.5)
    assert china_va(2000) / 1e3 == pytest.approx(1193, abs=0.5)
    assert china_va(2000) > china_va(1990) > china_va(1965)


def test_single_year_and_unknown_year(lrwiod_path):
    table = read_lrwiod(lrwiod_path, year=1970)
    assert table.meta.year == 1970
    with pytest.raises(ReaderError, match=r"unknown year 1966; the file holds \[1965, 1970, .*2000\]") as err:
        read_lrwiod(lrwiod_path, year=1966)
    assert err.value.column == "WIOT_Year"


def tiny_frame() -> pd.DataFrame:
    """A two-region, two-sector table in the LR-WIOD layout (rows balanced, columns closed by xVA)."""
    regions, sectors = ["CHN", "xROW"], ["AtB", "C"]
    cells = [f"{r}_{s}" for r in regions for s in sectors]
    final = [f"{r}_{c}" for r in regions for c in ("xCONS_h", "xCONS_g", "xGFCF", "xINV")]
    Z = np.array([[5.0, 1, 1, 0], [2, 6, 0, 1], [1, 0, 7, 2], [0, 1, 3, 8]])
    Y = np.arange(1.0, 33).reshape(4, 8)
    x = Z.sum(1) + Y.sum(1)
    rows = pd.DataFrame(np.hstack([Z, Y]), columns=cells + final)
    rows.insert(0, "Year", 1990.0)
    rows.insert(0, "Country", np.repeat(regions, 2))
    rows.insert(0, "IndustryDescription", ["Agriculture", "Mining"] * 2)
    rows.insert(0, "IndustryCode_isic3", sectors * 2)
    rows.insert(0, "WIOT_Year", 1990)
    for memo in ("xTOT_xX", "xTOT_xM", "xTOT_xMRG_int"):
        rows[memo] = 0.0
    rows["xTOT_xGO"] = x
    totals = pd.DataFrame(0.0, index=range(8), columns=rows.columns[5:])
    codes = ["xII", "xVA", "xTXSP", "xSD", "xPURNR", "xPURR", "xMRG_int", "xGO"]
    totals.loc[0, cells], totals.loc[1, cells], totals.loc[7, cells] = Z.sum(0), x - Z.sum(0), x
    totals.insert(0, "Year", 1990.0)
    totals.insert(0, "Country", "xTOT")
    totals.insert(0, "IndustryDescription", codes)
    totals.insert(0, "IndustryCode_isic3", codes)
    totals.insert(0, "WIOT_Year", 1990)
    return pd.concat([rows, totals], ignore_index=True)


def test_tiny_layout_reads_and_malformed_inputs(tmp_path):
    path = tmp_path / "lrwiod.csv"
    tiny_frame().to_csv(path, index=False)
    table = read_lrwiod(path, year=1990)
    assert table.regions == ("CHN", "ROW") and table.sectors == ("AtB", "C") and not table.checks
    frame = tiny_frame().astype({"CHN_C": object})
    frame.loc[2, "CHN_C"] = "?"
    frame.to_csv(path, index=False)
    with pytest.raises(ReaderError, match="non-numeric cell '\\?'") as err:
        read_lrwiod(path, year=1990)
    assert (err.value.row, err.value.column) == (4, "CHN_C")  # CSV line 4: header + third data row
    tiny_frame().drop(columns="xROW_xGFCF").to_csv(path, index=False)
    with pytest.raises(ReaderError, match=r"expected column\(s\) \['xROW_xGFCF'\]"):
        read_lrwiod(path, year=1990)
    frame = tiny_frame()
    frame[frame["IndustryCode_isic3"] != "xSD"].to_csv(path, index=False)
    with pytest.raises(ReaderError, match=r"expected the xTOT row\(s\) \['xSD'\] for 1990"):
        read_lrwiod(path, year=1990)
    frame = tiny_frame()
    frame.loc[1, "Country"] = "xROW"
    frame.to_csv(path, index=False)
    with pytest.raises(ReaderError, match="expected a row of country CHN, found 'xROW'") as err:
        read_lrwiod(path, year=1990)
    assert (err.value.row, err.value.column) == (3, "Country")
    cut = tmp_path / "lrwiod.parquet"
    tiny_frame().astype({"IndustryDescription": str}).to_parquet(cut)
    cut.write_bytes(cut.read_bytes()[:300])
    with pytest.raises(ReaderError, match="cannot be read as parquet"):
        read_lrwiod(cut)


def test_layout_is_registered_with_bilingual_labels(lrwiod_path):
    assert layouts()["lrwiod"].detect(lrwiod_path)
    assert not layouts()["lrwiod"].detect(shared_file("wiod2013", "wiot_2011.parquet"))
    assert t("lrwiod.SD", "zh") == "统计误差"
    assert t("lrwiod.MRG_int", "en") == "International trade and transport margins"
