"""ADB MRIO reader on an excerpt of the 72-economy 2022 workbook (tests/fixtures/make_adb_excerpt.py)."""
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from dualcirc import ReaderError, TableWarning
from dualcirc.engine.leontief import engine_for
from dualcirc.readers import detect_layout
from dualcirc.readers.adb import read_adb_mrio

from shared_paths import shared_file

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "adb_mrio_excerpt" / "ADB-MRIO-2022_June2023.xlsx"
SUMMARY_INDEX = {"PRC": 8, "USA": 43, "VIE": 48}    # mrio index of the economies in adb_mrio_countries_dict.csv


@pytest.fixture(scope="module")
def table():
    return read_adb_mrio(FIXTURE)


def test_shapes_labels_and_metadata(table):
    assert table.regions == ("PRC", "USA", "VIE", "RoW")
    assert table.sectors == tuple(f"c{i}" for i in range(1, 36))
    assert table.fd_categories[:5] == ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT")
    assert table.va_rows[:6] == ("TLS", "CIF_FOB", "PURR", "PURNR", "VA", "ITM")
    assert table.meta.year == 2022 and table.meta.edition == "72 economies" and table.meta.unit == "million USD"
    assert any("3 of the 72 economies" in n for n in table.meta.notes)
    assert table.sector_names["c1"] == "Agriculture, hunting, forestry and fishing"
    assert table.sector_names_zh["c1"] == "农林牧渔业" and len(table.sector_names_zh) == 35
    assert detect_layout(FIXTURE).name == "adb_mrio"


def test_balance_and_blank_cells_are_zero(table):
    np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)), table.x, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(table.Z.sum(0) + table.va, table.x, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(engine_for(table).solve(table.y), table.x, rtol=1e-8, atol=1e-6)
    assert not table.W[table.va_rows.index("CIF_FOB")].any()          # written as ' ' by ADB: zeros
    zero = table.x == 0                                                # e.g. PRC/c35 has no output in 2022
    assert zero.any() and not table.Z[zero].any()


def test_values_are_the_workbook_cells(table):
    ws = load_workbook(FIXTURE, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    codes, econ = rows[6], rows[5]
    col = next(j for j in range(len(codes)) if codes[j] == "c14" and econ[j] == "VIE")
    row = next(i for i, r in enumerate(rows) if r[2] == "PRC" and r[3] == "c9")
    p, q = table.regions.index("PRC") * 35 + 8, table.regions.index("VIE") * 35 + 13
    assert table.Z[p, q] == rows[row][col]
    fd = next(j for j in range(len(codes)) if codes[j] == "F4" and econ[j] == "USA")
    assert table.Y[p, table.regions.index("USA"), table.fd_categories.index("GFCF")] == rows[row][fd]


def test_excerpt_matches_the_adb_summary_for_included_economies(table):
    """Bonus realism check: cell x, va and exports e equal the derived ADB summary (PROVENANCE.md 1g)."""
    summary = pd.read_csv(shared_file("io", "adb_mrio_derived", "adb_mrio_summary_72eco_2017_2022.csv.gz"))
    summary = summary[summary.t == 2022]
    foreign = table.region_of_cell[:, None] != np.arange(table.G)[None, :]
    Zr = table.Z.reshape(table.n, table.G, table.N).sum(2)
    e = (Zr * foreign).sum(1) + (table.Y2 * foreign).sum(1)
    for g, economy in enumerate(table.regions[:3]):
        ref = summary[summary.s == SUMMARY_INDEX[economy]].sort_values("i")
        cells = slice(g * 35, (g + 1) * 35)
        scale = ref.x.max()
        np.testing.assert_allclose(table.x[cells], ref.x, rtol=0, atol=1e-9 * scale)
        np.testing.assert_allclose(table.va[cells], ref.va, rtol=0, atol=1e-9 * scale)
        np.testing.assert_allclose(e[cells], ref.e, rtol=0, atol=1e-9 * scale)


# ------------------------------------------------------------------ malformed inputs, on a cut-down workbook
HEADER = 7                     # title rows, descriptions, economy codes, item codes (1-based: codes in row 7)


@pytest.fixture(scope="module")
def mini_rows():
    """The fixture's layout cut to PRC and USA x c1..c3 (values unbalanced: only the structure matters here)."""
    rows = [list(r) for r in load_workbook(FIXTURE, read_only=True).worksheets[0].iter_rows(values_only=True)]
    econ, codes = rows[HEADER - 2], rows[HEADER - 1]
    wanted = ("c1", "c2", "c3", "F1", "F2", "F3", "F4", "F5")
    keep_cols = [0, 1, 2, 3] + [j for j in range(4, len(codes))
                                if (econ[j] in ("PRC", "USA") and codes[j] in wanted) or econ[j] == "ToT"]
    keep_rows = [i for i, r in enumerate(rows) if i < HEADER or r[2] == "ToT" or r[2] is None
                 or (r[2] in ("PRC", "USA") and r[3] in ("c1", "c2", "c3"))]
    return [[rows[i][j] for j in keep_cols] for i in keep_rows]


def save(rows, tmp_path, name="ADB-MRIO-2022_June2023.xlsx"):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ADB MRIO 2022")
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def read_unbalanced(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        return read_adb_mrio(path)


def test_cut_down_workbook_reads(mini_rows, tmp_path):
    t = read_unbalanced(save(mini_rows, tmp_path))
    assert t.regions == ("PRC", "USA") and t.sectors == ("c1", "c2", "c3")


def test_legacy_layout_with_an_extra_code_row(mini_rows, tmp_path):
    width = len(mini_rows[0])
    legacy = mini_rows[:4] + [[None] * 4 + [f"{k:04d}" for k in range(width - 4)]] + mini_rows[4:]
    a, b = read_unbalanced(save(mini_rows, tmp_path)), read_unbalanced(save(legacy, tmp_path, "ADB-MRIO-2022-x.xlsx"))
    np.testing.assert_array_equal(a.Z, b.Z)
    np.testing.assert_array_equal(a.x, b.x)


def test_non_numeric_cell_names_sheet_row_and_column(mini_rows, tmp_path):
    rows = [list(r) for r in mini_rows]
    rows[HEADER + 1][5] = "n.a."                     # Excel row 9, column F
    with pytest.raises(ReaderError, match="non-numeric cell 'n.a.'") as err:
        read_adb_mrio(save(rows, tmp_path))
    assert err.value.sheet == "ADB MRIO 2022" and err.value.row == 9 and err.value.column == "F (PRC c2)"


def test_missing_header_and_total_rows(mini_rows, tmp_path):
    with pytest.raises(ReaderError, match="no sheet has an ADB MRIO header"):
        read_adb_mrio(save(mini_rows[:HEADER - 1] + mini_rows[HEADER:], tmp_path))
    with pytest.raises(ReaderError, match=r"value-added row \(code r64\) is missing"):
        read_adb_mrio(save([r for r in mini_rows if r[3] != "r64"], tmp_path))
    with pytest.raises(ReaderError, match="unexpected row code 'r65'") as err:
        read_adb_mrio(save([r[:3] + ["r65"] + r[4:] if r[3] == "r64" else r for r in mini_rows], tmp_path))
    assert err.value.column == "D"


def test_inconsistent_label_counts(mini_rows, tmp_path):
    with pytest.raises(ReaderError, match="inconsistent label counts: 6 cell rows but 5"):
        read_adb_mrio(save([r[:4] + r[5:] for r in mini_rows], tmp_path))
    with pytest.raises(ReaderError, match="region 'USA' has 2 of the 3 sectors"):
        read_adb_mrio(save(mini_rows[:HEADER + 3] + mini_rows[HEADER + 4:], tmp_path))


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "ADB-MRIO-2022.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(ReaderError, match="cannot open the workbook"):
        read_adb_mrio(bad)
