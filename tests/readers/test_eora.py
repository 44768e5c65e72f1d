"""Eora26 reader on an excerpt in worldmrio.com's layout (tests/fixtures/make_eora_excerpt.py)."""
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dualcirc import OptionError, ReaderError, TableWarning
from dualcirc.engine.leontief import engine_for
from dualcirc.readers import detect_layout
from dualcirc.readers.eora import read_eora26

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "eora26_excerpt" / "Eora26_2015_bp"


def raw(kind):
    return np.loadtxt(FOLDER / f"Eora26_2015_bp_{kind}.txt", delimiter="\t", ndmin=2)


@pytest.fixture(scope="module")
def table():
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        return read_eora26(FOLDER)


def test_shapes_labels_and_metadata(table):
    assert table.regions == ("CHN", "DEU", "USA") and table.N == 26
    assert table.sectors[0] == "Agriculture" and table.sectors[-1] == "Re-export & Re-import"
    assert table.sector_names_zh["Agriculture"] == "农业" and len(table.sector_names_zh) == 26
    assert table.fd_categories == ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DISC")
    assert table.va_rows[:7] == ("D1", "D29", "D39", "B2n", "B3n", "K1", "ROW")
    assert (table.meta.source, table.meta.year, table.meta.unit) == ("Eora26", 2015, "thousand USD")
    assert detect_layout(FOLDER).name == "eora26"


def test_rest_of_world_account_is_kept_as_discrepancy_and_primary_input(table):
    T, FD = raw("T"), raw("FD")
    n = table.n
    np.testing.assert_allclose(table.x, T[:n].sum(1) + FD[:n].sum(1), rtol=1e-12)    # the file's output, kept
    disc = table.Y[:, :, table.fd_categories.index("DISC")]
    np.testing.assert_allclose(disc.sum(1), T[:n, n] + FD[:n, -6:].sum(1), rtol=1e-12)
    np.testing.assert_array_equal(disc[np.arange(n), table.region_of_cell], disc.sum(1))   # own region
    np.testing.assert_allclose(table.W[table.va_rows.index("ROW")], T[n, :n])
    assert any("ROW" in note for note in table.meta.notes)


def test_balance_and_valuables_join_inventories(table):
    np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)), table.x, rtol=1e-12)
    np.testing.assert_allclose(table.Z.sum(0) + table.va, table.x, rtol=1e-8)
    np.testing.assert_allclose(engine_for(table).solve(table.y), table.x, rtol=1e-8)
    FD = raw("FD")
    np.testing.assert_allclose(table.Y[:, 0, table.fd_categories.index("INVNT")], FD[:-1, 4] + FD[:-1, 5])


def test_satellites_with_units_and_household_stressors(table):
    sats = table.satellites
    assert list(sats) == ["Energy Usage: Natural Gas", "Energy Usage: Coal",
                          "I-GHG-CO2 emissions: Public electricity and heat production"]
    assert sats["Energy Usage: Coal"].unit == "TJ"
    co2 = sats["I-GHG-CO2 emissions: Public electricity and heat production"]
    assert co2.unit == "Gg"
    np.testing.assert_allclose(co2.values, raw("Q")[2, :-1])
    np.testing.assert_allclose(co2.household, raw("QY")[2, [0, 6, 12]])


def test_zip_with_labels_in_indices_zip(tmp_path, table):
    archive = tmp_path / "Eora26_2015_bp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in FOLDER.glob("Eora26_*.txt"):
            zf.write(f, f.name)
    with zipfile.ZipFile(tmp_path / "indices.zip", "w") as zf:
        for f in FOLDER.glob("labels_*.txt"):
            zf.write(f, f.name)
    z = read_eora26(archive)
    np.testing.assert_array_equal(z.Z, table.Z)
    assert z.satellites.keys() == table.satellites.keys()
    assert detect_layout(archive).name == "eora26"


def copy(tmp_path):
    folder = tmp_path / "Eora26_2015_bp"
    shutil.copytree(FOLDER, folder)
    return folder


def test_year_and_price_selection(tmp_path):
    folder = copy(tmp_path)
    shutil.copy(folder / "Eora26_2015_bp_T.txt", folder / "Eora26_2016_bp_T.txt")
    with pytest.raises(ReaderError, match=r"2 Eora26 tables \(years \[2015, 2016\]\)"):
        read_eora26(folder)
    assert read_eora26(folder, year=2015).meta.year == 2015
    with pytest.raises(ReaderError, match="no Eora26 table"):
        read_eora26(folder, year=2015, price="pp")
    with pytest.raises(OptionError):
        read_eora26(folder, price="basic")


def test_inconsistent_label_counts(tmp_path):
    folder = copy(tmp_path)
    labels = (folder / "labels_T.txt").read_text().splitlines(keepends=True)
    (folder / "labels_T.txt").write_text("".join(labels[:-2] + labels[-1:]))          # one label line lost
    with pytest.raises(ReaderError, match="inconsistent label counts: the matrix is 79 x 79 but the label files "
                                          "describe 78 x 78"):
        read_eora26(folder)
    renamed = labels[:]
    renamed[5] = renamed[5].replace("Wood and Paper", "Wood & Paper")
    (folder / "labels_T.txt").write_text("".join(renamed))
    with pytest.raises(ReaderError, match=r"region 'CHN' has 26 of the 27 sectors \(missing \['Wood and Paper'\]"):
        read_eora26(folder)
    renamed[5] = labels[4]
    (folder / "labels_T.txt").write_text("".join(renamed))
    with pytest.raises(ReaderError, match="cell CHN/Textiles and Wearing Apparel appears 2 times"):
        read_eora26(folder)


def test_truncated_and_non_numeric_matrices(tmp_path):
    folder = copy(tmp_path)
    T = (folder / "Eora26_2015_bp_T.txt").read_text().splitlines()
    (folder / "Eora26_2015_bp_T.txt").write_text("\n".join(T[:40]) + "\n")
    with pytest.raises(ReaderError, match="the matrix is 40 x 79"):
        read_eora26(folder)
    bad = T[:]
    cells = bad[3].split("\t")
    cells[7] = "NaNx"
    bad[3] = "\t".join(cells)
    (folder / "Eora26_2015_bp_T.txt").write_text("\n".join(bad) + "\n")
    with pytest.raises(ReaderError, match="non-numeric cell 'NaNx'") as err:
        read_eora26(folder)
    assert err.value.row == 4 and err.value.column == "8" and err.value.file.endswith("Eora26_2015_bp_T.txt")


def test_missing_label_file_and_malformed_label_line(tmp_path):
    folder = copy(tmp_path)
    (folder / "labels_FD.txt").unlink()
    with pytest.raises(ReaderError, match="labels_FD.txt is missing"):
        read_eora26(folder)
    folder = copy(tmp_path / "b")
    (folder / "labels_VA.txt").write_text("Primary Inputs\n")
    with pytest.raises(ReaderError, match="expected 2 tab-separated fields, found 1") as err:
        read_eora26(folder)
    assert err.value.row == 1
