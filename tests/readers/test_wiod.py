"""WIOD readers (readers/wiod.py): WIOD 2013 world tables, WIOD 2016 world tables and national IO tables.

Real files: ../shared/data/wiod2013/wiot_YYYY.parquet (every year) and the NIOT panel (a few country-years);
fixtures: tests/fixtures/wiod2013_excerpt.xlsx, WIOT2014_Nov16_ROW_excerpt.xlsx and
WIOT2014_October16_ROW_excerpt.csv.gz, and China's NIOT as CHN_NIOT_nov16.xlsx written at test time (fixture
``niot_workbook``; all by tests/fixtures/make_wiod_excerpts.py).
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from dualcirc import ReaderError, TableWarning
from dualcirc.labels import t
from dualcirc.readers import layouts, read_table
from dualcirc.readers.sectors import sector_labels
from dualcirc.readers.wiod import FD_ORDER, PRIMARY_INPUTS, read_wiod2013, read_wiod2016, read_wiod2016_niot
from dualcirc.tables.model import DISC

from shared_paths import REPO, shared_file

FIXTURES = REPO / "tests" / "fixtures"
EXCERPT_2013 = FIXTURES / "wiod2013_excerpt.xlsx"
WIOT2016_XLSX = FIXTURES / "WIOT2014_Nov16_ROW_excerpt.xlsx"
WIOT2016_FRAME = FIXTURES / "WIOT2014_October16_ROW_excerpt.csv.gz"
WIOD2013_YEARS = range(1995, 2012)


def quiet(read, *args, **kwargs):
    """Read a table whose published imbalances raise TableWarnings (they are asserted via table.checks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        return read(*args, **kwargs)


def codes(table) -> set[str]:
    return {f.code for f in table.checks}


def trade(table, region: str) -> tuple[float, float, float]:
    """Value added, gross exports and gross imports of a region of a world table (METHODS.md 0.4)."""
    G, N, s = table.G, table.N, table.region_index(region)
    Z4, Y3 = table.Z.reshape(G, N, G, N), table.Y.sum(2).reshape(G, N, G)
    exports = Z4[s].sum() - Z4[s, :, s].sum() + Y3[s].sum() - Y3[s, :, s].sum()
    imports = Z4[:, :, s].sum() - Z4[s, :, s].sum() + Y3[:, :, s].sum() - Y3[s, :, s].sum()
    return float(table.gdp()[s]), float(exports), float(imports)


@pytest.fixture(scope="module")
def excerpt_book():
    """The WIOD 2013 excerpt workbook, loaded once; tests change cells, save a copy and restore them."""
    return load_workbook(EXCERPT_2013)


@pytest.fixture(scope="module")
def niot_book(niot_workbook):
    """China's NIOT workbook, loaded once; tests change cells, save a copy and restore them."""
    return load_workbook(niot_workbook)


def edited_copy(book, tmp_path, name: str, changes: dict) -> Path:
    """A copy of a loaded fixture workbook with cells changed ({'G10': 'n/a'}); the book is restored."""
    ws = book.worksheets[0]
    old = {cell: ws[cell].value for cell in changes}
    for cell, value in changes.items():
        ws[cell] = value
    out = tmp_path / name
    try:
        book.save(out)
    finally:
        for cell, value in old.items():
            ws[cell] = value
    return out


# ------------------------------------------------------------------------------------------------ WIOD 2013
@pytest.fixture(scope="module")
def wiod2013():
    return {year: quiet(read_wiod2013, shared_file("wiod2013", f"wiot_{year}.parquet")) for year in WIOD2013_YEARS}


def test_wiod2013_every_year_shapes_labels_and_balance(wiod2013):
    english, chinese = sector_labels("wiod2013")[1:]
    for year, table in wiod2013.items():
        assert (table.G, table.N) == (41, 35), year
        assert table.regions[-1] == "ROW" and "ROU" in table.regions and "ROM" not in table.regions
        assert table.sectors == tuple(f"c{i}" for i in range(1, 36))
        assert table.fd_categories == (*FD_ORDER, DISC)
        assert table.va_rows == ("VA",)
        assert (table.meta.source, table.meta.edition, table.meta.year, table.meta.unit) == \
            ("WIOD", "2013 release", year, "million USD")
        assert "Timmer" in table.meta.citation and "ROM -> ROU" in table.meta.notes[-1]
        assert table.sector_names == english and table.sector_names_zh == chinese
        # rounding to whole millions: rows miss by up to ~110 (PROVENANCE.md section 0), recorded as DISC
        assert codes(table) <= {"zero_output", "zero_output_cancelling", "row_imbalance", "negative_Y"}
        assert {"zero_output", "row_imbalance"} <= codes(table)
        assert np.abs(table.Y[:, :, -1]).max() <= 115
        assert 18 <= int((table.x == 0).sum()) <= 22
        np.testing.assert_allclose(table.Z.sum(0) + table.va, table.x, atol=1e-6)
        np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)), table.x, atol=1e-6)


def test_wiod2013_china_2011_matches_provenance(wiod2013):
    va, exports, imports = trade(wiod2013[2011], "CHN")
    assert va / 1e6 == pytest.approx(7.39, abs=0.005)
    assert exports / 1e6 == pytest.approx(2.08, abs=0.005)
    assert imports / 1e6 == pytest.approx(1.79, abs=0.005)


def test_wiod2013_sector_names_in_english_and_chinese(wiod2013):
    table = wiod2013[2011]
    assert table.sector_names["c1"] == "Agriculture, hunting, forestry and fishing"
    assert table.sector_names_zh["c1"] == "农林牧渔业"
    assert table.sector_names_zh["c14"] == "电气和光学设备制造业"
    assert all(table.sector_names_zh[s] for s in table.sectors)


def test_wiod2013_workbook_excerpt_keeps_the_kept_countries_figures(wiod2013):
    excerpt = quiet(read_wiod2013, EXCERPT_2013)  # year 2011 from the title cell
    full = wiod2013[2011]
    assert excerpt.meta.year == 2011 and excerpt.regions == ("CHN", "USA", "ROU", "ROW")
    assert excerpt.va_rows == PRIMARY_INPUTS and "column_imbalance" not in codes(excerpt)
    for region in ("CHN", "USA", "ROU"):
        assert trade(excerpt, region) == pytest.approx(trade(full, region), rel=1e-12)
    assert excerpt.x.sum() == pytest.approx(full.x.sum(), rel=1e-12)
    va_row = excerpt.W[excerpt.va_rows.index("VA")]
    np.testing.assert_allclose(va_row, excerpt.x - excerpt.Z.sum(0))
    assert quiet(read_table, EXCERPT_2013, format="wiod2013").meta.year == 2011


def test_wiod2013_year_from_name_must_agree(tmp_path):
    real = shared_file("wiod2013", "wiot_2011.parquet")
    with pytest.raises(ReaderError, match="holds the table for 2011, not year=2010"):
        read_wiod2013(real, year=2010)
    outside = tmp_path / "wiot_1990.parquet"
    outside.symlink_to(real)
    with pytest.raises(ReaderError, match="unknown year 1990: the WIOD 2013 release covers 1995-2011"):
        read_wiod2013(outside)
    unnamed = tmp_path / "world.parquet"
    unnamed.symlink_to(real)
    with pytest.raises(ReaderError, match="pass year="):
        read_wiod2013(unnamed)
    assert quiet(read_wiod2013, unnamed, year=2011).meta.year == 2011


def test_wiod2013_truncated_files(tmp_path):
    for src, name, message in ((EXCERPT_2013, "wiot11_row_sep12.xlsx", "cannot be opened as an .xlsx workbook"),
                               (shared_file("wiod2013", "wiot_2011.parquet"), "wiot_2011.parquet",
                                "cannot be read as Parquet")):
        cut = tmp_path / name
        cut.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
        with pytest.raises(ReaderError, match=message) as err:
            read_wiod2013(cut)
        assert err.value.file == str(cut)


def test_wiod2013_workbook_wrong_headers_name_the_cell(excerpt_book, tmp_path):
    book = excerpt_book

    def read(changes):
        return read_wiod2013(edited_copy(book, tmp_path, "wiot11_row_sep12.xlsx", changes))

    with pytest.raises(ReaderError, match="column numbers") as err:
        read({"E6": "x1"})
    assert err.value.column == "E"
    with pytest.raises(ReaderError, match="expected intermediate-use column c2 of CHN, found 'CHN' 'c3'") as err:
        read({"F6": "c3"})
    assert (err.value.sheet, err.value.row, err.value.column) == ("WIOT_11", 6, "F")
    with pytest.raises(ReaderError, match="unrecognised final-use column") as err:
        read({"EO4": "Exports"})  # the first final-use column (households of CHN)
    assert (err.value.row, err.value.column) == (4, "EO")
    with pytest.raises(ReaderError, match="expected a row of country CHN, found 'USA'") as err:
        read({"C8": "USA"})
    assert (err.value.row, err.value.column) == (8, "C")
    with pytest.raises(ReaderError, match="expected sector 'C' .*found 'AtB'") as err:
        read({"A43": "AtB"})  # USA's second row
    assert (err.value.row, err.value.column) == (43, "A")


def test_wiod2013_workbook_bad_cells_name_row_and_column(excerpt_book, tmp_path):
    book = excerpt_book

    def read(changes):
        return read_wiod2013(edited_copy(book, tmp_path, "wiot11_row_sep12.xlsx", changes))

    with pytest.raises(ReaderError, match="non-numeric cell 'n/a'") as err:
        read({"G10": "n/a"})
    assert (err.value.row, err.value.column) == (10, "G (CHN|c3)")
    with pytest.raises(ReaderError, match="empty cell") as err:
        read({"H11": None})
    assert (err.value.row, err.value.column) == (11, "H (CHN|c4)")
    footer = {f"{get_column_letter(c)}{r}": None for r in range(147, 155) for c in range(1, 166)}
    with pytest.raises(ReaderError, match="expected the row VA .* may be truncated") as err:
        read(footer)
    assert err.value.row == 147
    with pytest.raises(ReaderError, match="unrecognised row '' / 'Something else'") as err:
        read({"B150": "Something else"})
    assert err.value.row == 150


def wide_frame(regions=("CHN", "RoW"), sectors=("c1", "c2")) -> pd.DataFrame:
    """A tiny balanced table in the wide layout of the R package ``wiod``."""
    index = pd.MultiIndex.from_product([regions, sectors], names=["country", "sector"])
    columns = [f"{r}|{s}" for r in regions for s in sectors] + [f"{r}|{c}" for r in regions
                                                                for c in ("CONS_h", "CONS_np", "CONS_g", "GFCF",
                                                                          "INVEN")]
    frame = pd.DataFrame(np.arange(1.0, len(index) * len(columns) + 1).reshape(len(index), -1), index, columns)
    frame["GO"] = frame.sum(axis=1)
    return frame


def test_wiod2013_wide_layout_errors(tmp_path):
    path = tmp_path / "wiot_2005.parquet"
    wide_frame().to_parquet(path)
    table = read_wiod2013(path)
    assert table.regions == ("CHN", "ROW") and table.meta.year == 2005
    wide_frame().drop(columns="GO").to_parquet(path)
    with pytest.raises(ReaderError, match="expected the column 'GO'"):
        read_wiod2013(path)
    wide_frame().drop(columns="RoW|GFCF").to_parquet(path)
    with pytest.raises(ReaderError, match=r"missing") as err:
        read_wiod2013(path)
    assert err.value.column == "RoW|GFCF"
    bad = wide_frame()
    bad["CHN|c2"] = bad["CHN|c2"].astype(str)
    bad.iloc[2, 1] = "x"
    bad.to_parquet(path)
    with pytest.raises(ReaderError, match="non-numeric cell 'x'") as err:
        read_wiod2013(path)
    assert (err.value.row, err.value.column) == (3, "CHN|c2")
    wide_frame(sectors=("c1", "c99")).to_parquet(path)
    with pytest.raises(ReaderError, match=r"unknown sector code\(s\) \['c99'\]"):
        read_wiod2013(path)


# ------------------------------------------------------------------------------------------------ WIOD 2016 world
@pytest.fixture(scope="module")
def wiot2016():
    return read_wiod2016(WIOT2016_XLSX)


def test_wiod2016_workbook_excerpt(wiot2016):
    table = wiot2016
    sector_codes, _, chinese = sector_labels("wiod2016")
    assert table.regions == ("CHN", "USA", "ROW") and table.sectors == sector_codes and table.N == 56
    assert table.sector_names["C26"] == "Manufacture of computer, electronic and optical products"
    assert table.sector_names_zh["C26"] == "计算机、电子和光学产品制造业"
    assert table.sector_names_zh == chinese
    assert table.meta.year == 2014 and table.meta.edition == "2016 release"
    assert table.fd_categories[:5] == FD_ORDER
    assert table.va_rows[:6] == PRIMARY_INPUTS
    assert codes(table) <= {"negative_Y"}
    W = dict(zip(table.va_rows, table.W))
    assert W["TXSP"].sum() > 0 and W["IntTTM"].sum() > 0
    np.testing.assert_allclose(table.Z.sum(0) + table.W.sum(0), table.x, rtol=1e-12)


def test_wiod2016_r_frame_equals_workbook(wiot2016):
    frame_table = read_wiod2016(WIOT2016_FRAME)
    assert frame_table.regions == wiot2016.regions and frame_table.sectors == wiot2016.sectors
    for name in ("Z", "Y", "x", "W"):
        np.testing.assert_allclose(getattr(frame_table, name), getattr(wiot2016, name), rtol=1e-12, atol=1e-9)
    assert frame_table.va_rows == wiot2016.va_rows


def test_wiod2016_malformed_inputs(tmp_path):
    frame = pd.read_csv(WIOT2016_FRAME)
    frame.drop(columns="USA57").to_csv(tmp_path / "missing.csv", index=False)
    with pytest.raises(ReaderError, match=r"expected column\(s\) \['USA57'\]"):
        read_wiod2016(tmp_path / "missing.csv")
    bad = frame.astype({"CHN5": object})
    bad.loc[3, "CHN5"] = "--"
    bad.to_csv(tmp_path / "text.csv", index=False)
    with pytest.raises(ReaderError, match="non-numeric cell '--'") as err:
        read_wiod2016(tmp_path / "text.csv")
    assert (err.value.row, err.value.column) == (5, "CHN5")  # CSV line 5: header + 4th data row
    with pytest.raises(ReaderError, match=r"unknown year 2013; the file holds \[2014\]"):
        read_wiod2016(WIOT2016_FRAME, year=2013)
    frame[frame["IndustryCode"] != "VA"].to_csv(tmp_path / "no_va.csv", index=False)
    with pytest.raises(ReaderError, match="footer row IndustryCode 'VA'"):
        read_wiod2016(tmp_path / "no_va.csv")
    xlsb = tmp_path / "WIOT2014_Nov16_ROW.xlsb"
    shutil.copy(WIOT2016_XLSX, xlsb)
    with pytest.raises(ReaderError, match=r"save the workbook as \.xlsx"):
        read_wiod2016(xlsb)
    with pytest.raises(ReaderError, match="holds the table for 2014, not year=2012"):
        read_wiod2016(WIOT2016_XLSX, year=2012)


# ------------------------------------------------------------------------------------------------ WIOD 2016 NIOT
NIOT_CASES = [("CHN", 2014), ("CHN", 2000), ("USA", 2014), ("DEU", 2008), ("ROU", 2014)]


@pytest.fixture(scope="module")
def niot_panel():
    return shared_file("io", "wiod2016_niot", "wiod2016_niot_43c_2000_2014.parquet")


@pytest.fixture(scope="module")
def niots(niot_panel):
    return {(c, y): quiet(read_wiod2016_niot, niot_panel, c, y) for c, y in NIOT_CASES}


def test_niot_shapes_labels_and_balance(niots):
    for (country, year), table in niots.items():
        assert table.regions == (country,) and table.N == 56 and table.is_national
        assert table.Zm.shape == (56, 56) and table.Ym.shape == (56, 1, len(table.fd_categories))
        assert table.fd_categories[:5] == FD_ORDER and table.va_rows[:6] == PRIMARY_INPUTS
        assert table.meta.year == year and table.meta.edition == "2016 release, national IO table"
        assert table.sector_names_zh["A01"] == "作物和牲畜生产、狩猎及相关服务活动"
        # rows: domestic Z + final use + exports = GO to 1e-13 (PROVENANCE.md 1a)
        assert "row_imbalance" not in codes(table)
        np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)) + table.exports, table.x, atol=1e-6)
        # columns: Zd + Zm + taxes and adjustments + VA (+ OTH) = GO exactly
        np.testing.assert_allclose(table.Z.sum(0) + table.Zm.sum(0) + table.W.sum(0), table.x, atol=1e-6)


def test_niot_china_2014_matches_provenance(niots):
    table = niots[("CHN", 2014)]
    va = table.W[table.va_rows.index("VA")].sum()
    exports, imports = table.exports.sum(), table.Zm.sum() + table.Ym.sum()
    assert va / 1e3 == pytest.approx(10284, abs=1)
    assert exports / 1e3 == pytest.approx(2426, abs=1)
    assert imports / 1e3 == pytest.approx(1843, abs=1)
    assert (exports + imports) / va == pytest.approx(0.415, abs=0.001)
    usa = niots[("USA", 2014)]
    usa_va = usa.W[usa.va_rows.index("VA")].sum()
    assert (usa.exports.sum() + usa.Zm.sum() + usa.Ym.sum()) / usa_va == pytest.approx(0.25, abs=0.005)


def test_niot_published_column_gaps_are_recorded(niots):
    # ROU 2014, R_S: the published NIOT misses its column total by 45% (PROVENANCE.md 1a) -> OTH row
    table = niots[("ROU", 2014)]
    gap = [f for f in table.checks if f.code == "column_imbalance"]
    assert gap and "ROU/R_S" in gap[0].message and table.va_rows[-1] == "OTH"
    assert "column_imbalance" not in codes(niots[("CHN", 2014)])


def test_niot_workbook_equals_panel(niots, niot_workbook):
    book = read_wiod2016_niot(niot_workbook, year=2014)
    panel = niots[("CHN", 2014)]
    # openpyxl round-trips floats to the last digit; DISC and OTH hold rounding-level gaps (< 1e-8)
    for name in ("Z", "x", "Zm", "exports"):
        np.testing.assert_allclose(getattr(book, name), getattr(panel, name), rtol=1e-15, atol=1e-12)
    np.testing.assert_allclose(book.Y[:, :, :5], panel.Y[:, :, :5], rtol=1e-15, atol=1e-12)
    np.testing.assert_allclose(book.Ym[:, :, :5], panel.Ym[:, :, :5], rtol=1e-15, atol=1e-12)
    np.testing.assert_allclose(book.W[:6], panel.W[:6], rtol=1e-15, atol=1e-12)
    np.testing.assert_allclose(book.W.sum(0), panel.W.sum(0), rtol=1e-12)
    assert list(read_wiod2016_niot(niot_workbook)) == [2014]


def test_niot_unknown_country_or_year(niot_panel, niot_workbook):
    with pytest.raises(ReaderError, match=r"unknown country 'XXX'; the file holds \['AUS'"):
        read_wiod2016_niot(niot_panel, "XXX", 2014)
    with pytest.raises(ReaderError, match="unknown year 1999 for CHN; the file holds 2000-2014"):
        read_wiod2016_niot(niot_panel, "CHN", 1999)
    with pytest.raises(ReaderError, match="pass country="):
        read_wiod2016_niot(niot_panel, year=2014)
    with pytest.raises(ReaderError, match="holds the table of CHN, not country='USA'"):
        read_wiod2016_niot(niot_workbook, "USA", 2014)


def test_niot_workbook_malformed(niot_book, niot_workbook, tmp_path):
    book = niot_book

    def read(changes):
        return read_wiod2016_niot(edited_copy(book, tmp_path, niot_workbook.name, changes))

    with pytest.raises(ReaderError, match="expected a header row with the columns Year, Code, Description, Origin"):
        read({"D1": "Source"})
    with pytest.raises(ReaderError, match="non-numeric cell '1,234'") as err:
        read({"F5": "1,234"})
    assert (err.value.sheet, err.value.row, err.value.column) == ("National IO-tables", 5, "A02")
    with pytest.raises(ReaderError, match="unexpected Origin 'Foreign'") as err:
        read({"D10": "Foreign"})
    assert (err.value.row, err.value.column) == (10, "D")
    va_row = next(row[1].row for row in book.worksheets[0].iter_rows(min_row=3) if row[1].value == "VA")
    with pytest.raises(ReaderError, match=r"expected the TOT row\(s\) \['VA'\]"):
        read({f"B{va_row}": "VAX"})
    with pytest.raises(ReaderError, match="expected 56 Imports rows in the order of the industry columns") as err:
        read({"B70": "A01"})  # the second import row
    assert (err.value.row, err.value.column) == (70, "Code")

    other = Workbook()
    other.active.title = "Sheet1"
    other.save(tmp_path / "USA_NIOT_nov16.xlsx")
    with pytest.raises(ReaderError, match="expected a sheet named 'National IO-tables'; the workbook has"):
        read_wiod2016_niot(tmp_path / "USA_NIOT_nov16.xlsx")
    cut = tmp_path / "CHN_NIOT_nov16.xlsx"
    cut.write_bytes(niot_workbook.read_bytes()[:5000])
    with pytest.raises(ReaderError, match="cannot be opened"):
        read_wiod2016_niot(cut)


# ------------------------------------------------------------------------------------------------ registry, labels
def test_layouts_are_registered_and_detect_their_files(niot_panel, niot_workbook):
    found = layouts()
    assert found["wiod2013"].detect(shared_file("wiod2013", "wiot_2011.parquet"))
    assert found["wiod2016_niot"].detect(niot_panel) and found["wiod2016_niot"].detect(niot_workbook)
    assert found["wiod2016"].detect(WIOT2016_FRAME)
    assert not found["wiod2013"].detect(niot_panel) and not found["wiod2016_niot"].detect(WIOT2016_FRAME)
    # renamed workbooks: the code above column number c1 tells the release (AtB: 2013, A01: 2016)
    assert found["wiod2013"].detect(EXCERPT_2013) and not found["wiod2016"].detect(EXCERPT_2013)
    assert found["wiod2016"].detect(WIOT2016_XLSX) and not found["wiod2013"].detect(WIOT2016_XLSX)
    table = read_table(niot_workbook, format="wiod2016_niot", year=2014)
    assert table.regions == ("CHN",)


def test_primary_input_labels_are_bilingual():
    assert t("wiod.VA", "en") == "Value added at basic prices"
    assert t("wiod.VA", "zh") == "基本价格增加值"
    assert all(t(f"wiod.{code}", "zh") != f"wiod.{code}" for code in PRIMARY_INPUTS)
