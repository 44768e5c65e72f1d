"""CEADs China provincial MRIO (readers/ceads.py) as a national MRIO with an open foreign sector (METHODS.md 4.3).

No CEADs file is staged; the fixture tests/fixtures/ceads_mrio_2017_excerpt.xlsx (tests/fixtures/make_ceads_excerpt.py)
is a balanced 3-province x 42-sector table in the CEADs layout, built from China's 2017 42-sector split table:
sheet ``Table_2017_English Version`` with one aggregate import row, sheet ``Table_2017`` with Chinese labels and an
import column (competitive form, converted by METHODS.md 1.7 per row cell).
"""
from __future__ import annotations

import numpy as np
import pytest
from openpyxl import load_workbook

from dualcirc.engine.leontief import engine_for
from dualcirc.errors import InputError, OptionError, ReaderError
from dualcirc.readers import read_table
from dualcirc.readers.ceads import read_ceads
from dualcirc.readers.nbs import read_nbs
from dualcirc.tables.model import DISC, IOTable

from shared_paths import REPO, shared_file

EXCERPT = REPO / "tests" / "fixtures" / "ceads_mrio_2017_excerpt.xlsx"
ENGLISH, CHINESE = "Table_2017_English Version", "Table_2017"
PROVINCES = ("Beijing", "Hebei", "Guangdong")
SECTORS = tuple(f"{k:02d}" for k in range(1, 43))
#: GDP of the three provinces together = China's 2017 GDP in the source table, 10,000 CNY (fixture construction)
GDP_2017 = 82.3216e8


def even_import_structure() -> IOTable:
    """A national non-competitive table with the 42 sectors whose imports are spread evenly over products."""
    N = len(SECTORS)
    Z = np.full((N, N), 1.0)
    return IOTable.from_arrays(Z, np.full((N, 1), 100.0), regions=("CHN",), sectors=SECTORS, Zm=np.full((N, N), 2.0),
                               Ym=np.full((N, 1, 1), 3.0), exports=np.zeros(N))


def assert_national_mrio(table) -> None:
    """Exports and imports outside the model: x = Zu + Yu + ex, v'L + a^M'L = u' (METHODS.md 4.3)."""
    assert table.nations == dict.fromkeys(PROVINCES, "CHN") and table.has_open_foreign_sector
    assert "row_imbalance" not in {f.code for f in table.checks}
    np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)) + table.exports, table.x, rtol=1e-12)
    engine = engine_for(table)
    np.testing.assert_allclose(engine.solve_T(engine.v + engine.Am.sum(0)), 1.0, atol=1e-12)


def test_aggregate_import_row_needs_a_product_structure():
    with pytest.raises(ReaderError, match="one aggregate import row .* pass import_structure="):
        read_ceads(EXCERPT)
    table = read_ceads(EXCERPT, import_structure=even_import_structure())
    assert table.regions == PROVINCES and table.sectors == SECTORS and table.meta.year == 2017
    assert table.fd_categories == ("HFCE", "GGFC", "GFCF", "INVNT", DISC)
    assert table.Zm.shape == (42, 126) and table.Ym.shape == (42, 3, 5)
    # evenly shared: every product gets 1/42 of each column's imports
    np.testing.assert_allclose(table.Zm, np.broadcast_to(table.Zm.sum(0) / 42, (42, 126)))
    assert table.gdp().sum() == pytest.approx(GDP_2017, rel=1e-5)
    assert table.sector_names["01"] == "Agriculture, forestry, animal husbandry and fishery"
    assert table.sector_names_zh["01"] == "农林牧渔产品和服务"
    assert any("imports by product estimated" in note for note in table.meta.notes)
    assert_national_mrio(table)
    assert read_table(EXCERPT, import_structure=even_import_structure()).G == 3


@pytest.mark.realdata
def test_import_structure_from_the_national_table():
    national = read_nbs(shared_file("io", "china_nbs", "china_2017_42_noncompetitive.csv.gz"))
    table = read_ceads(EXCERPT, import_structure=national)
    # the fixture's provinces import exactly the national imported inputs of each sector
    np.testing.assert_allclose(table.Zm.reshape(42, 3, 42).sum(1), national.Zm, rtol=1e-5, atol=3.0)  # whole 万元
    assert table.Ym.sum() == pytest.approx(national.Ym.sum(), rel=1e-6)
    assert table.gdp().sum() == pytest.approx(national.gdp()[0], rel=1e-6)
    assert_national_mrio(table)


def test_competitive_sheet_in_chinese():
    table = read_ceads(EXCERPT, sheet=CHINESE, households="rural_urban")
    assert table.regions == ("北京", "河北", "广东") and table.nations == dict.fromkeys(table.regions, "CHN")
    assert table.fd_categories == ("HFCE_RURAL", "HFCE_URBAN", "GGFC", "GFCF", "INVNT", DISC)
    assert table.sector_names_zh["42"] == "公共管理、社会保障和社会组织" and table.sector_names["42"].startswith("Public")
    assert any("import proportionality" in note for note in table.meta.notes)
    english = read_ceads(EXCERPT, import_structure=even_import_structure())
    np.testing.assert_allclose(table.x, english.x)
    np.testing.assert_allclose(table.gdp(), english.gdp())
    # total imports agree with the import-row sheet; their product split follows the rows' import shares
    assert table.Zm.sum() + table.Ym.sum() == pytest.approx(english.Zm.sum() + english.Ym.sum(), rel=1e-9)
    np.testing.assert_allclose(table.Zm.sum(0) + table.Z.sum(0), english.Zm.sum(0) + english.Z.sum(0), rtol=1e-9)
    engine = engine_for(table)
    np.testing.assert_allclose(engine.solve_T(engine.v + engine.Am.sum(0)), 1.0, atol=1e-12)
    assert "row_imbalance" not in {f.code for f in table.checks}


def test_options():
    with pytest.raises(OptionError, match="households must be"):
        read_ceads(EXCERPT, households="all")
    with pytest.raises(InputError, match="import_structure must be a national non-competitive table"):
        read_ceads(EXCERPT, import_structure=read_ceads(EXCERPT, sheet=CHINESE))
    gap = even_import_structure()
    gap.Zm[:, 5] = 0.0                                  # sector 06 imports nothing in the national table
    with pytest.raises(InputError, match="no imported inputs for some sectors that import here"):
        read_ceads(EXCERPT, import_structure=gap)
    with pytest.raises(ReaderError, match="expected a sheet named 'Table_2015'"):
        read_ceads(EXCERPT, sheet="Table_2015")


# ---------------------------------------------------------------------------------------------- malformed input
@pytest.fixture(scope="module")
def book():
    """The fixture workbook without its second sheet (the malformed copies change the English sheet only)."""
    workbook = load_workbook(EXCERPT)
    del workbook[CHINESE]
    return workbook


def save_changed(book, tmp_path, sheet: str, changes: dict):
    """Save a copy of the fixture with ``changes`` ({cell: value}) applied to ``sheet``; the fixture is restored."""
    ws = book[sheet]
    old = {cell: ws[cell].value for cell in changes}
    for cell, value in changes.items():
        ws[cell] = value
    path = tmp_path / "ceads.xlsx"
    book.save(path)
    for cell, value in old.items():
        ws[cell] = value
    return path


def test_non_numeric_cell_names_row_and_column(book, tmp_path):
    path = save_changed(book, tmp_path, ENGLISH, {"G10": "n/a"})
    with pytest.raises(ReaderError, match=r"sheet 'Table_2017_English Version', row 10, column 'G': non-numeric "
                                          r"cell 'n/a' in the intermediate block"):
        read_ceads(path, import_structure=even_import_structure())


def test_wrong_header(book, tmp_path):
    last = book[ENGLISH].max_column
    export_col = book[ENGLISH].cell(row=2, column=last - 2).column_letter
    path = save_changed(book, tmp_path, ENGLISH, {f"{export_col}2": "Exports to Hong Kong"})
    assert read_ceads(path, import_structure=even_import_structure()).exports.sum() > 0   # still an export column
    path = save_changed(book, tmp_path, ENGLISH, {f"{export_col}2": None})
    with pytest.raises(ReaderError, match=r"expected a column for exports \(Export / 出口"):
        read_ceads(path, import_structure=even_import_structure())
    path = save_changed(book, tmp_path, ENGLISH, {"A133": "Wages"})
    with pytest.raises(ReaderError, match=r"expected the value-added rows .* missing \['COMP'\]"):
        read_ceads(path, import_structure=even_import_structure())


def test_rows_and_columns_must_match(book, tmp_path):
    path = save_changed(book, tmp_path, ENGLISH, {"C6": "03", "C7": "02"})     # swap two sector codes in Beijing
    with pytest.raises(ReaderError, match=r"row 6: rows must list every province's sectors in the same order: "
                                          r"expected \('Beijing', '02'\), found \('Beijing', '03'\)"):
        read_ceads(path, import_structure=even_import_structure())
    path = save_changed(book, tmp_path, ENGLISH, {"AT2": "Tianjin"})         # column block of Hebei renamed
    with pytest.raises(ReaderError, match=r"column 'AT': the intermediate-use columns must match the rows"):
        read_ceads(path, import_structure=even_import_structure())


def test_truncated_workbook(tmp_path):
    (tmp_path / "cut.xlsx").write_bytes(EXCERPT.read_bytes()[:20000])
    with pytest.raises(ReaderError, match="cannot be opened as an .xlsx workbook"):
        read_ceads(tmp_path / "cut.xlsx")
