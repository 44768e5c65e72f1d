"""Loaders of user-downloaded macro files (WDI bulk CSV / DataBank / xlsx, NBS data.stats.gov.cn exports), on
excerpts of real downloads in tests/fixtures/macro (sources in its README.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from dualcirc.errors import InputError, ReaderError
from dualcirc.measures.macro import required_growth
from dualcirc.readers.macro_sources import parse_unit, read_macro_file, read_nbs_export, read_wdi

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "macro"
WDI_CSV = FIXTURES / "wdi_API_NY.GNP.MKTP.CD_excerpt.csv"
NBS_NATIONAL = FIXTURES / "nbs_annual_population_excerpt.csv"
NBS_PROVINCIAL = FIXTURES / "nbs_provincial_grp_excerpt.csv"


def wdi_rows() -> list[list[str]]:
    with WDI_CSV.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Data") -> Path:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


# ================================================================================== WDI
def test_wdi_bulk_csv():
    data = read_wdi(WDI_CSV)
    gni = data.series("NY.GNP.MKTP.CD", economies=["CHN"])
    assert gni.values[("CHN", 2021)] == 17572333695146.5
    assert gni.values.index.get_level_values("year").tolist() == list(range(1960, 2022))
    assert (gni.unit, gni.currency, gni.scale, gni.price_basis) == ("current USD", "USD", 1.0, "current")
    assert gni.source == "World Bank, World Development Indicators"
    assert data.economies.set_index("economy")["name_en"].to_dict() == {"ABW": "Aruba", "CHE": "Switzerland",
                                                                         "CHN": "China"}
    aruba = data.series("NY.GNP.MKTP.CD", economies=["ABW"]).values
    assert aruba.index.get_level_values("year").min() == 1986  # empty early years are dropped


def test_wdi_gap_inside_a_series_is_refused_with_a_way_out():
    data = read_wdi(WDI_CSV)
    with pytest.raises(InputError, match=r"economy CHE: years 1970, 1971.* missing or empty inside 1960-2021"):
        data.series("NY.GNP.MKTP.CD", economies=["CHE"])
    recent = data.series("NY.GNP.MKTP.CD", economies=["CHE"], years=range(1995, 2022))
    assert recent.values[("CHE", 2021)] == 797464598719.854


def test_wdi_same_table_as_xlsx_and_as_databank_export(tmp_path):
    rows = wdi_rows()
    bulk = write_xlsx(tmp_path / "API_NY.GNP.MKTP.CD.xlsx", [r for r in rows])
    header = rows[4]
    years = [h for h in header[4:] if h]
    databank = [["Series Name", "Series Code", "Country Name", "Country Code", *(f"{y} [YR{y}]" for y in years)]]
    for row in rows[5:]:
        databank.append([row[2], row[3], row[0], row[1], *(v if v else ".." for v in row[4:4 + len(years)])])
    databank += [[], ["Data from database: World Development Indicators"], ["Last Updated: 12/22/2022"]]
    expected = read_wdi(WDI_CSV).values.sort_values(["economy", "year"]).reset_index(drop=True)
    for path in (bulk, write_xlsx(tmp_path / "Data_Extract_From_World_Development_Indicators.xlsx", databank)):
        got = read_macro_file(path).values.sort_values(["economy", "year"]).reset_index(drop=True)
        assert got.equals(expected), path.name


def test_wdi_non_numeric_cell_is_located(tmp_path):
    rows = wdi_rows()
    rows[7][rows[4].index("2021")] = "n/a"  # China, 2021
    path = tmp_path / "broken.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(ReaderError, match=r"broken.csv, row 8, column '2021': non-numeric cell 'n/a'"):
        read_wdi(path)


# ================================================================================== NBS
def test_nbs_national_export():
    data = read_nbs_export(NBS_NATIONAL)
    pop = data.series("年末总人口(万人)")
    assert pop.values[("CHN", 2019)] == 141008
    assert pop.values.index.get_level_values("year").tolist() == list(range(2003, 2023))
    assert (pop.unit, pop.scale, pop.meta["name_zh"], pop.meta["table"]) == ("10,000 persons", 1e4, "年末总人口",
                                                                            "年度数据")
    assert len(data.codes()) == 5


def test_nbs_gbk_encoding_and_transposed_layout_read_the_same(tmp_path):
    expected = read_nbs_export(NBS_NATIONAL).values.sort_values(["series", "year"]).reset_index(drop=True)
    gbk = tmp_path / "年度数据.csv"
    gbk.write_bytes(NBS_NATIONAL.read_text(encoding="utf-8").encode("gb18030"))
    lines = [line.split(",") for line in NBS_NATIONAL.read_text(encoding="utf-8").splitlines()[2:8]]
    transposed = tmp_path / "年度数据_transposed.csv"
    transposed.write_text("\n".join(",".join(col) for col in zip(*lines)), encoding="utf-8")
    for path in (gbk, transposed):
        got = read_macro_file(path).values.sort_values(["series", "year"]).reset_index(drop=True)
        assert got.equals(expected), path.name


def test_nbs_provincial_export():
    data = read_macro_file(NBS_PROVINCIAL)
    grp = data.series("地区生产总值(亿元)")
    assert sorted(grp.economies) == sorted(["北京市", "天津市", "上海市", "广东省"])
    assert grp.values[("广东省", 2019)] == 110468.1
    assert (grp.unit, grp.currency, grp.scale) == ("100 million CNY", "CNY", 1e8)
    growth = required_growth(grp.values[("广东省", 2019)], 2 * grp.values[("广东省", 2019)], base_year=2019,
                             target_year=2035)
    assert growth.set_index("indicator").loc["required_cagr", "value"] == pytest.approx(100 * (2 ** (1 / 16) - 1))


def test_nbs_errors_are_located(tmp_path):
    text = NBS_PROVINCIAL.read_text(encoding="utf-8")
    no_indicator = tmp_path / "no_indicator.csv"
    no_indicator.write_text(text.replace("指标：地区生产总值(亿元)\n", ""), encoding="utf-8")
    with pytest.raises(ReaderError, match=r"no_indicator.csv, row 3: a regional export .* '指标："):
        read_nbs_export(no_indicator)
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("110468.1", "约11万"), encoding="utf-8")
    with pytest.raises(ReaderError, match=r"bad.csv, row 8, column '2019年': non-numeric cell '约11万'"):
        read_nbs_export(bad)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReaderError, match="not recognised as any macro layout"):
        read_macro_file(other)


@pytest.mark.parametrize("label, name, unit, scale, basis", [
    ("国内生产总值(亿元)", "国内生产总值", "100 million CNY", 1e8, "current"),
    ("经营单位所在地出口总额(千美元)", "经营单位所在地出口总额", "thousand USD", 1e3, "current"),
    ("人均地区生产总值(元/人)", "人均地区生产总值", "CNY per person", 1.0, "current"),
    ("国内生产总值指数（上年=100）", "国内生产总值指数", "index, previous year = 100", 1.0, "index_prev100"),
    ("Exports of goods and services (current US$)", "Exports of goods and services (current US$)", "current USD",
     1.0, "current"),
    ("GDP (constant 2015 US$)", "GDP (constant 2015 US$)", "constant USD", 1.0, "constant"),
])
def test_parse_unit(label, name, unit, scale, basis):
    got_name, got = parse_unit(label)
    assert (got_name, got.text, got.scale, got.price_basis) == (name, unit, scale, basis)
