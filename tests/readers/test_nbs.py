"""China NBS national IO tables (readers/nbs.py) and the employment satellite.

Real files: every staged table in ../shared/data/io/china_nbs/ (competitive 2002-2020, the 42-sector split tables
2017, 2018, 2020, and the employment series); the 2015 table in the NBS workbook layout, written at test time by
tests/fixtures/make_nbs_workbook.py (fixture ``nbs_workbook``).  Published figures from PROVENANCE.md section 1d;
identities of METHODS.md 1.7 (I7).
"""
from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dualcirc.engine.leontief import engine_for
from dualcirc.errors import InputError, OptionError, ReaderError, TableWarning
from dualcirc.readers import read_table
from dualcirc.readers.nbs import UNIT, attach_employment, read_nbs
from dualcirc.tables.competitive import CompetitiveTable, import_shares, to_noncompetitive
from dualcirc.tables.model import DISC

from shared_paths import shared_file

#: staged competitive tables and their GDP (sum of value added), trillion CNY (PROVENANCE.md 1d)
COMPETITIVE = {"china_2002_122": 12.19, "china_2005_42": 18.63, "china_2007_135": 26.60, "china_2010_41": 40.36,
               "china_2012_139": 53.68, "china_2015_42": 68.03, "china_2017_149": 82.32, "china_2018_153": 92.21,
               "china_2020_153": 101.64}
#: split tables: GDP and the import block total (= the competitive table's IM), trillion CNY
SPLIT = {2017: (82.32, 14.93), 2018: (92.21, 16.86), 2020: (101.64, 16.27)}
TRN = 1e8  # 10,000 CNY per trillion CNY
#: tables with a product whose exports exceed output (re-exports): 081 office machinery 2002, 20 instruments 2005
REEXPORTERS = {"china_2002_122": "081", "china_2005_42": "20"}


def nbs_file(stem: str):
    return shared_file("io", "china_nbs", f"{stem}.csv.gz")


def assert_i7(table, raw: CompetitiveTable) -> None:
    """METHODS.md 1.7: x = Z^D u + F^D u + ex with no balancing added, and v'L + a^M'L = u'."""
    assert "row_imbalance" not in {f.code for f in table.checks}
    np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)) + table.exports, table.x, rtol=1e-12)
    if DISC in raw.fd_categories:        # the DISC category is the published ERR column, nothing was added to it
        k = raw.fd_categories.index(DISC)
        np.testing.assert_allclose(table.Y[:, 0, k] + table.Ym[:, 0, k], raw.F[:, 0, k], atol=1e-6)
    engine = engine_for(table)
    np.testing.assert_allclose(engine.solve_T(engine.v + engine.Am.sum(0)), 1.0, atol=1e-12)


# ---------------------------------------------------------------------------------------------- real tables
@pytest.mark.realdata
@pytest.mark.parametrize("stem", sorted(COMPETITIVE))
def test_competitive_tables(stem):
    path = nbs_file(stem)
    raw = read_nbs(path, noncompetitive=False)
    N = int(stem.split("_")[2])
    assert isinstance(raw, CompetitiveTable) and raw.Z.shape == (N, N) and raw.G == 1
    np.testing.assert_allclose(raw.row_gap(), 0.0, atol=1e-6 * raw.x.max())     # published rows balance
    if stem in REEXPORTERS:
        with pytest.warns(TableWarning, match=f"clipped to .*{REEXPORTERS[stem]}"):
            table = read_nbs(path)
        assert {f.code for f in table.checks} >= {"import_share_clipped"}
        assert raw.exports[raw.sectors.index(REEXPORTERS[stem])] > raw.x[raw.sectors.index(REEXPORTERS[stem])]
    else:
        table = read_nbs(path)
        assert "import_share_clipped" not in {f.code for f in table.checks}
    year = int(stem.split("_")[1])
    assert table.meta.year == year and table.meta.unit == UNIT and table.regions == ("CHN",)
    assert table.N == N and table.Zm.shape == (N, N) and table.va_rows[:4] == ("COMP", "NTP", "DEP", "OS")
    assert np.abs(table.W[4:]).max(initial=0.0) <= 1e-9 * table.x.max()  # an OTH row holds only rounding noise
    assert table.gdp()[0] / TRN == pytest.approx(COMPETITIVE[stem], abs=0.005)
    assert table.sector_names[table.sectors[0]] and table.sector_names_zh[table.sectors[0]]
    assert_i7(table, raw)
    # all imports are allocated to domestic use or re-exported: Zm + Ym = IM wherever mu was not clipped
    U, mu = import_shares(raw)
    kept = (mu >= 0) & (mu < 1)
    np.testing.assert_allclose((table.Zm.sum(1) + table.Ym.sum((1, 2)))[kept], raw.imports[kept], rtol=1e-10,
                               atol=1e-6)


@pytest.mark.realdata
def test_discrepancy_and_household_options():
    path = nbs_file("china_2010_41")
    raw = read_nbs(path, noncompetitive=False, households="rural_urban")
    assert raw.fd_categories == ("HFCE_RURAL", "HFCE_URBAN", "GGFC", "GFCF", "INVNT", DISC)
    table = to_noncompetitive(raw, include_discrepancy=False)
    k = table.fd_categories.index(DISC)
    np.testing.assert_allclose(table.Y[:, 0, k], raw.F[:, 0, k], atol=1e-6)     # ERR stays whole, domestic
    assert not table.Ym[:, :, k].any()
    assert_i7(table, raw)
    default = read_nbs(path)
    assert default.fd_categories == ("HFCE", "GGFC", "GFCF", "INVNT", DISC)
    assert not np.allclose(default.Zm, table.Zm)
    np.testing.assert_allclose(to_noncompetitive(raw).Y[:, 0, :2].sum(1), default.Y[:, 0, 0], rtol=1e-12)


@pytest.mark.realdata
@pytest.mark.parametrize("year", sorted(SPLIT))
def test_split_tables(year):
    path = nbs_file(f"china_{year}_42_noncompetitive")
    table = read_nbs(path)
    gdp, imports = SPLIT[year]
    assert table.N == 42 and table.fd_categories[:3] == ("TC", "GFCF", "INVNT")
    assert np.abs(table.Y[:, :, 3:]).max(initial=0.0) <= 1e-9 * table.x.max()    # DISC: rounding noise only
    assert table.gdp()[0] / TRN == pytest.approx(gdp, abs=0.005)
    raw = pd.read_csv(path, dtype={"Code": str})
    reexports = raw.loc[raw["Origin"] == "Imports", "EX"].sum()
    assert (table.Zm.sum() + table.Ym.sum() + reexports) / TRN == pytest.approx(imports, abs=0.005)
    assert 0.071 <= table.Zm.sum() / (table.Z.sum() + table.Zm.sum()) <= 0.081
    assert "reexports" in {f.code for f in table.checks}
    assert "row_imbalance" not in {f.code for f in table.checks}
    engine = engine_for(table)
    np.testing.assert_allclose(engine.solve_T(engine.v + engine.Am.sum(0)), 1.0, atol=1e-12)
    assert table.sector_names["01"].startswith("Agriculture") and table.sector_names_zh["42"] == "公共管理、社会保障和社会组织"
    competitive = nbs_file("china_2017_149" if year == 2017 else f"china_{year}_153")
    assert read_nbs(competitive, noncompetitive=False).imports.sum() == pytest.approx(
        table.Zm.sum() + table.Ym.sum() + reexports, rel=1e-9)
    with pytest.raises(OptionError, match="already separates domestic and imported"):
        read_nbs(path, noncompetitive=False)


@pytest.mark.realdata
def test_layouts_are_detected():
    assert read_table(nbs_file("china_2010_41")).N == 41
    assert read_table(nbs_file("china_2018_42_noncompetitive")).Zm.shape == (42, 42)


# ---------------------------------------------------------------------------------------------- workbook
@pytest.mark.realdata
def test_workbook_layout(nbs_workbook):
    table = read_nbs(nbs_workbook)
    assert table.meta.year == 2015 and table.N == 42 and table.sectors[0] == "01"
    assert table.gdp()[0] / TRN == pytest.approx(COMPETITIVE["china_2015_42"], abs=0.005)
    assert table.sector_names_zh["01"] == "农林牧渔产品和服务"
    assert table.sector_names["01"] == "Agriculture, forestry, animal husbandry and fishery"   # from the NBS lists
    assert_i7(table, read_nbs(nbs_workbook, noncompetitive=False))
    assert read_table(nbs_workbook).N == 42


@pytest.mark.realdata
def test_workbook_equals_the_csv(nbs_workbook):
    book, csv = read_nbs(nbs_workbook, noncompetitive=False), read_nbs(nbs_file("china_2015_42"), noncompetitive=False)
    for name in ("Z", "F", "exports", "imports", "W", "x"):      # .xlsx keeps 15 significant digits
        np.testing.assert_allclose(getattr(book, name), getattr(csv, name), rtol=1e-14, atol=1e-12)
    assert book.sector_names_zh == csv.sector_names_zh


# ---------------------------------------------------------------------------------------------- employment
@pytest.mark.realdata
@pytest.mark.parametrize("year, total", [(2017, 77640.0), (2018, 77586.0)])
def test_employment_satellite(year, total):
    table = read_nbs(nbs_file(f"china_{year}_42_noncompetitive"))
    with_jobs = attach_employment(table, nbs_file("china_employment_1990_2018"))
    jobs = with_jobs.satellites["employment"]
    assert jobs.unit == "10,000 persons (万人)" and jobs.values.shape == (42,) and (jobs.values >= 0).all()
    assert jobs.values.sum() == pytest.approx(total, rel=1e-3)          # the divisions add up to the total
    assert jobs.values[0] > 0.25 * total                                   # agriculture employs a quarter
    assert any("employment" in note for note in with_jobs.meta.notes)
    np.testing.assert_array_equal(with_jobs.Z, table.Z)


@pytest.mark.realdata
def test_employment_errors():
    jobs = nbs_file("china_employment_1990_2018")
    with pytest.raises(ReaderError, match="unknown year 2020: the employment file covers 1990-2018"):
        attach_employment(read_nbs(nbs_file("china_2020_42_noncompetitive")), jobs)
    with pytest.raises(InputError, match="only to the NBS 42-sector classification.*149 sectors"):
        attach_employment(read_nbs(nbs_file("china_2017_149")), jobs)
    with pytest.raises(InputError, match="only to the NBS 42-sector classification"):
        attach_employment(read_nbs(nbs_file("china_2015_42")), jobs)      # 42 sectors, but the 2015 list


# ---------------------------------------------------------------------------------------------- malformed input
def small_frame() -> pd.DataFrame:
    """A balanced 3-sector table in the CSV layout (Code, Description, DescriptionInChinese, codes)."""
    Z = np.array([[10.0, 5.0, 2.0], [4.0, 20.0, 6.0], [3.0, 7.0, 15.0]])
    fu = np.array([[30.0, 40.0, 5.0, 10.0, 1.0], [10.0, 30.0, 15.0, 40.0, -2.0], [20.0, 50.0, 30.0, 20.0, 3.0]])
    ex, im, err = np.array([25.0, 30.0, 12.0]), np.array([8.0, 12.0, 6.0]), np.array([0.5, -0.5, 0.0])
    go = Z.sum(1) + fu.sum(1) + ex - im + err
    va = np.outer([0.5, 0.1, 0.15, 0.25], go - Z.sum(0))
    codes = ["001", "002", "003"]
    rows = []
    for k, code in enumerate(codes):
        f = fu[k]
        rows.append([code, f"Sector {k}", f"部门{k}", *Z[k], Z[k].sum(), f[0], f[1], f[0] + f[1], f[2], f[:3].sum(),
                     f[3], f[4], f[3] + f[4], ex[k], f.sum() + ex[k], im[k], err[k], go[k]])
    footer = {"TII": Z.sum(0), "VA001": va[0], "VA002": va[1], "VA003": va[2], "VA004": va[3], "TVA": va.sum(0),
              "TI": go}
    blank = [np.nan] * 14
    rows += [[code, code, code, *values, *blank] for code, values in footer.items()]
    columns = ["Code", "Description", "DescriptionInChinese", *codes, "TIU", "FU101", "FU102", "THC", "FU103", "TC",
               "FU201", "FU202", "GCF", "EX", "TFU", "IM", "ERR", "GO"]
    return pd.DataFrame(rows, columns=columns)


def write(frame: pd.DataFrame, path) -> str:
    frame.to_csv(path, index=False)
    return str(path)


def test_small_table_reads(tmp_path):
    table = read_nbs(write(small_frame(), tmp_path / "china_2019_3.csv"))
    assert table.meta.year == 2019 and table.sectors == ("001", "002", "003")
    assert_i7(table, read_nbs(tmp_path / "china_2019_3.csv", noncompetitive=False))


def test_wrong_header(tmp_path):
    path = write(small_frame().drop(columns="TIU"), tmp_path / "t.csv")
    with pytest.raises(ReaderError, match=r"expected column\(s\) \['TIU'\] are missing"):
        read_nbs(path)
    path = write(small_frame().drop(columns="FU202"), tmp_path / "t.csv")
    with pytest.raises(ReaderError, match=r"capital-formation column\(s\) \['FU202'\]"):
        read_nbs(path)


def test_non_numeric_cell_names_row_and_column(tmp_path):
    frame = small_frame().astype(object)
    frame.loc[1, "002"] = "1,5"
    with pytest.raises(ReaderError, match=r"row 3, column '002': non-numeric cell '1,5'"):
        read_nbs(write(frame, tmp_path / "t.csv"))
    frame = small_frame().astype(object)
    frame.loc[4, "003"] = "x"                      # VA001 row
    with pytest.raises(ReaderError, match=r"row 6, column '003': non-numeric cell 'x' in the value-added rows"):
        read_nbs(write(frame, tmp_path / "t.csv"))


def test_truncated_files(tmp_path):
    path = tmp_path / "t.csv"
    with pytest.raises(ReaderError, match=r"expected row code\(s\) \['VA003', 'VA004'\]"):
        read_nbs(write(small_frame().iloc[:6], path))
    text = write(small_frame(), path) and path.read_text().splitlines()
    path.write_text("\n".join(text[:-1] + [text[-1][:12]]) + "\n")         # cut inside the last row (TI)
    with pytest.raises(ReaderError, match=r"row 11, column '00[23]': empty cell in the row TI"):
        read_nbs(path)
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(write(small_frame(), path) and path.read_bytes())[:300])
    with pytest.raises(ReaderError, match="cannot be read as CSV"):
        read_nbs(gz)


def test_shifted_rows_and_totals(tmp_path):
    frame = small_frame()
    swapped = frame.iloc[[1, 0, 2, *range(3, len(frame))]]
    with pytest.raises(ReaderError, match=r"row 2, column 'Code': the sector rows are out of order: expected code "
                                          r"'001'"):
        read_nbs(write(swapped, tmp_path / "t.csv"))
    frame.loc[2, "TIU"] += 100.0
    with pytest.raises(ReaderError, match=r"row 4, column 'TIU': total TIU is 125 but its parts sum to 25"):
        read_nbs(write(frame, tmp_path / "t.csv"))


def test_options_and_missing_file(tmp_path):
    path = write(small_frame(), tmp_path / "t.csv")
    with pytest.raises(OptionError, match="households must be"):
        read_nbs(path, households="urban")
    with pytest.raises(ReaderError, match="no such file"):
        read_nbs(tmp_path / "missing.csv")


@pytest.mark.realdata
def test_workbook_without_code_row(nbs_workbook, tmp_path):
    book = load_workbook(nbs_workbook)
    sheet = book.active
    sheet.delete_rows(6)
    book.save(tmp_path / "book.xlsx")
    with pytest.raises(ReaderError, match="sheet '投入产出基本流量表': expected a header row with the NBS column codes"):
        read_nbs(tmp_path / "book.xlsx")


@pytest.mark.realdata
def test_workbook_non_numeric_cell(nbs_workbook, tmp_path):
    book = load_workbook(nbs_workbook)
    book.active["F9"] = "—"                      # third sector row, third sector column (code 03)
    book.save(tmp_path / "book.xlsx")
    with pytest.raises(ReaderError, match=r"sheet '投入产出基本流量表', row 9, column '03': non-numeric cell '—'"):
        read_nbs(tmp_path / "book.xlsx")
    (tmp_path / "cut.xlsx").write_bytes(nbs_workbook.read_bytes()[:5000])
    with pytest.raises(ReaderError, match="cannot be opened as an .xlsx workbook"):
        read_nbs(tmp_path / "cut.xlsx")
