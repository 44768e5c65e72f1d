"""EXIOBASE 3 reader (through pymrio) on an excerpt in the EXIOBASE 3 layout.

The excerpt is written by tests/fixtures/make_exiobase_excerpt.py.
"""
import json
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import pytest

from dualcirc import ReaderError, TableWarning
from dualcirc.engine.leontief import engine_for
from dualcirc.readers import detect_layout
from dualcirc.readers.exiobase import read_exiobase3

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "exiobase3_excerpt" / "IOT_2022_pxp"


def quiet(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        return read_exiobase3(path)


@pytest.fixture(scope="module")
def table():
    return quiet(FOLDER)


@pytest.fixture(scope="module")
def system():
    return pymrio.parse_exiobase3(FOLDER)


def test_labels_units_and_metadata(table):
    assert table.regions == ("CN", "DE", "US", "WA")
    assert table.sectors[0] == "Paddy rice" and table.sectors[-1] == "Construction work (45)"
    assert table.fd_categories[:5] == ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT")
    assert table.va_rows[:9] == ("T_TLSA", "V_ONTP", "V_WALS", "V_WAMS", "V_WAHS", "V_COFC", "V_RENL", "V_ROYR",
                                 "V_NOPS")
    assert (table.meta.source, table.meta.edition, table.meta.year, table.meta.unit) == (
        "EXIOBASE", "3.8.2 pxp", 2022, "M.EUR")
    assert detect_layout(FOLDER).name == "exiobase3"


def test_arrays_equal_pymrio_and_balance(table, system):
    np.testing.assert_array_equal(table.Z, system.Z.to_numpy())
    np.testing.assert_array_equal(table.x, system.x.to_numpy()[:, 0])
    Y = system.Y.T.groupby(level=0, sort=False).sum().T.to_numpy()
    published = [k for k, c in enumerate(table.fd_categories) if c != "DISC"]   # DISC: rounding of the text files
    np.testing.assert_allclose(table.Y[:, :, published].sum(2), Y, rtol=1e-12)
    np.testing.assert_allclose(table.Z.sum(1) + table.Y.sum((1, 2)), table.x, rtol=1e-9)
    np.testing.assert_allclose(table.Z.sum(0) + table.va, table.x, rtol=1e-9)
    np.testing.assert_allclose(engine_for(table).solve(table.y), table.x, rtol=1e-8)


def test_satellites_units_and_household_stressors(table, system):
    sats = table.satellites
    assert set(sats) == {"Employment: Low-skilled male", "CO2 - combustion - air",
                         "GHG emissions (GWP100) | Problem oriented approach: baseline (CML, 2001) | "
                         "GWP100 (IPCC, 2007)"}
    assert sats["Employment: Low-skilled male"].unit == "1000 p." and sats["CO2 - combustion - air"].unit == "kg"
    co2 = sats["CO2 - combustion - air"]
    np.testing.assert_array_equal(co2.values, system.satellite.F.loc["CO2 - combustion - air"].to_numpy())
    hh = system.satellite.F_Y.loc["CO2 - combustion - air"].groupby(level=0).sum()
    np.testing.assert_allclose(co2.household, hh[list(table.regions)].to_numpy())
    gwp = [s for s in sats.values() if s.unit == "kg CO2 eq."]
    assert len(gwp) == 1 and gwp[0].household.sum() > 0


def test_zip_archive_as_distributed(tmp_path, table):
    archive = tmp_path / "IOT_2022_pxp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in FOLDER.rglob("*"):
            if f.is_file():
                zf.write(f, f"IOT_2022_pxp/{f.relative_to(FOLDER).as_posix()}")
    z = read_exiobase3(archive)
    np.testing.assert_array_equal(z.Z, table.Z)
    assert z.satellites.keys() == table.satellites.keys()
    assert detect_layout(archive).name == "exiobase3"


def with_files(tmp_path, **frames):
    """A copy of the excerpt where the core files are replaced by ``frames`` (name -> DataFrame or None)."""
    folder = tmp_path / "IOT_2022_pxp"
    shutil.copytree(FOLDER, folder)
    params = json.loads((folder / "file_parameters.json").read_text())
    for name, frame in frames.items():
        if frame is None:
            (folder / f"{name}.txt").unlink()
            params["files"].pop(name)
        else:
            frame.to_csv(folder / f"{name}.txt", sep="\t")
            params["files"][name] = {"name": f"{name}.txt", "nr_index_col": str(frame.index.nlevels),
                                     "nr_header": str(frame.columns.nlevels)}
    (folder / "file_parameters.json").write_text(json.dumps(params))
    return folder


def test_coefficients_only_archive(tmp_path, table, system):
    A = system.Z / system.x.to_numpy()[:, 0]
    t = read_exiobase3(with_files(tmp_path, Z=None, A=A))
    np.testing.assert_allclose(t.Z, table.Z, rtol=1e-12)
    t = read_exiobase3(with_files(tmp_path / "b", Z=None, x=None, A=A))
    np.testing.assert_allclose(t.x, table.x, rtol=1e-9)
    assert any("neither Z nor x" in n for n in t.meta.notes)


def test_non_zero_export_column_is_kept_as_disc(tmp_path, system):
    Y = system.Y.copy()
    Y[("DE", "Exports: Total (fob)")] = 1.0
    with pytest.warns(TableWarning, match="columns do not balance"):     # x + 1 leaves inputs unchanged
        t = read_exiobase3(with_files(tmp_path, Y=Y, x=system.x + 1.0))
    assert "DISC" in t.fd_categories and any("Exports" in n for n in t.meta.notes)
    assert t.Y[:, t.region_index("DE"), t.fd_categories.index("DISC")].sum() == pytest.approx(t.n)


def test_unreadable_inputs(tmp_path):
    with pytest.raises(ReaderError, match="pymrio could not read it as EXIOBASE 3"):
        read_exiobase3(tmp_path / "missing")
    folder = with_files(tmp_path)
    (folder / "file_parameters.json").write_text("{not json")
    with pytest.raises(ReaderError, match="JSONDecodeError"):
        read_exiobase3(folder)


def test_non_numeric_cell_names_row_and_column(tmp_path, system):
    Z = system.Z.astype(object)
    Z.iloc[2, 5] = "1.2.3"
    with pytest.raises(ReaderError, match=r"non-numeric cell '1.2.3' in the Z \(rows counted") as err:
        read_exiobase3(with_files(tmp_path, Z=Z))
    assert err.value.row == 3 and err.value.column == "CN | Construction work (45)"


def test_hybrid_units_are_refused(tmp_path):
    folder = with_files(tmp_path)
    unit = pd.read_csv(folder / "unit.txt", sep="\t")
    unit.loc[0, "unit"] = "TJ"
    unit.to_csv(folder / "unit.txt", sep="\t", index=False)
    with pytest.raises(ReaderError, match="mixes units"):
        read_exiobase3(folder)
