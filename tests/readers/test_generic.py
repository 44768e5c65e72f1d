"""Generic CSV/Parquet reader: wide and long layouts, round trips and precise errors."""
import warnings

import numpy as np
import pandas as pd
import pytest

from dualcirc import OptionError, ReaderError, TableWarning
from dualcirc.readers import detect_layout, read_table
from dualcirc.readers.generic import read_generic
from dualcirc.testing import random_icio


@pytest.fixture(scope="module")
def source():
    return random_icio(3, 2, seed=11, satellites=False)


def wide_frame(t) -> pd.DataFrame:
    cells = [f"{r}|{s}" for r, s in t.cells]
    fd = [f"{r}|{c}" for r in t.regions for c in t.fd_categories]
    body = pd.DataFrame(np.hstack([t.Z, t.Y.reshape(t.n, -1)]), columns=cells + fd)
    body.insert(0, "sector", [s for _, s in t.cells])
    body.insert(0, "region", [r for r, _ in t.cells])
    body["x"] = t.x
    primary = pd.DataFrame(t.W, columns=cells)
    primary.insert(0, "sector", list(t.va_rows))
    primary.insert(0, "region", "")
    return pd.concat([body, primary], ignore_index=True)


def long_frame(t) -> pd.DataFrame:
    rows = []
    for p, (r, s) in enumerate(t.cells):
        rows += [(r, s, r2, s2, t.Z[p, q]) for q, (r2, s2) in enumerate(t.cells)]
        rows += [(r, s, d, c, t.Y[p, g, k]) for g, d in enumerate(t.regions) for k, c in enumerate(t.fd_categories)]
        rows.append((r, s, "", "x", t.x[p]))
    rows += [("", name, r, s, t.W[k, q]) for k, name in enumerate(t.va_rows) for q, (r, s) in enumerate(t.cells)]
    return pd.DataFrame(rows, columns=["from_region", "from_sector", "to_region", "to_sector", "value"])


def assert_same(a, b):
    assert a.regions == b.regions and a.sectors == b.sectors and a.fd_categories == b.fd_categories
    assert a.va_rows == b.va_rows
    for name in ("Z", "Y", "W", "x"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-14, atol=1e-10)  # DISC: float noise


@pytest.mark.parametrize("layout, suffix", [("wide", ".csv"), ("wide", ".parquet"), ("long", ".csv"),
                                            ("long", ".parquet")])
def test_round_trip(tmp_path, source, layout, suffix):
    frame = wide_frame(source) if layout == "wide" else long_frame(source)
    path = tmp_path / f"table{suffix}"
    frame.to_csv(path, index=False, float_format="%.17g") if suffix == ".csv" else frame.to_parquet(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        t = read_generic(path, unit="million USD", year=2020)
    assert_same(t, source)
    assert t.meta.edition == f"generic {layout} layout" and t.meta.unit == "million USD" and t.meta.year == 2020
    assert detect_layout(path).name == "generic"
    assert read_table(path).n == source.n


def test_docstring_example_layout_reads(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("region,sector,CHN|agri,CHN|manu,CHN|HFCE,x\n"
                    "CHN,agri,10,20,39,69\n"
                    "CHN,manu,5,40,60,105\n"
                    ",COMP,30,25,,\n"
                    ",TLS,24,20,,\n")
    t = read_generic(path)
    assert t.regions == ("CHN",) and t.sectors == ("agri", "manu") and t.va_rows == ("COMP", "TLS")
    np.testing.assert_allclose(t.va, [54, 45])
    assert t.fd_categories == ("HFCE",)


def test_rowsum_output_option(tmp_path, source):
    frame = wide_frame(source).drop(columns=["x"])
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    with pytest.raises(ReaderError, match="missing gross output: add a column 'x'"):
        read_generic(path)
    np.testing.assert_allclose(read_generic(path, output="rowsum").x, source.x, rtol=1e-12)
    with pytest.raises(OptionError):
        read_generic(path, output="sum")


def test_absent_cells_are_padded_with_a_warning(tmp_path, source):
    frame = wide_frame(source)
    drop = "R02|S02"
    frame = frame[~((frame.region == "R02") & (frame.sector == "S02"))].drop(columns=[drop])
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    with pytest.warns(TableWarning) as caught:       # padding, and the inputs bought from the lost cell
        t = read_generic(path, output="rowsum")
    assert any("padded with zero cells" in str(w.message) for w in caught)
    assert t.n == source.n and t.x[t.region_index("R02") * 2 + 1] == 0


# ------------------------------------------------------------------ wide layout errors
def write(tmp_path, frame, name="t.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False, float_format="%.17g")
    return path


def test_wide_unknown_labels(tmp_path, source):
    frame = wide_frame(source).rename(columns={"R01|HFCE": "R09|HFCE"})
    with pytest.raises(ReaderError, match="unknown region 'R09' in column 'R09|HFCE'") as err:
        read_generic(write(tmp_path, frame))
    assert err.value.column == "R09|HFCE"
    frame = wide_frame(source).rename(columns={"R01|HFCE": "HFCE"})
    with pytest.raises(ReaderError, match="unknown column 'HFCE'"):
        read_generic(write(tmp_path, frame))


def test_wide_duplicated_entries(tmp_path, source):
    frame = wide_frame(source)
    dup = pd.concat([frame.iloc[:3], frame.iloc[[1]], frame.iloc[3:]], ignore_index=True)
    with pytest.raises(ReaderError, match=r"duplicated row for cell R01/S02 \(first at line 3\)") as err:
        read_generic(write(tmp_path, dup))
    assert err.value.row == 5
    path = tmp_path / "dupcol.csv"
    text = write(tmp_path, frame).read_text().splitlines()
    path.write_text("\n".join([text[0] + ",x"] + [line + ",1" for line in text[1:]]) + "\n")
    with pytest.raises(ReaderError, match="column 'x' appears 2 times") as err:
        read_generic(path)
    assert err.value.row == 1


def test_wide_non_numeric_value_names_the_line(tmp_path, source):
    frame = wide_frame(source).astype({"R03|S01": object})
    frame.loc[4, "R03|S01"] = "12,5"
    with pytest.raises(ReaderError, match="non-numeric cell '12,5'") as err:
        read_generic(write(tmp_path, frame))
    assert err.value.row == 6 and err.value.column == "R03|S01"


def test_wide_missing_output_value_names_the_line(tmp_path, source):
    frame = wide_frame(source)
    frame.loc[2, "x"] = np.nan
    with pytest.raises(ReaderError, match="empty cell in the gross output") as err:
        read_generic(write(tmp_path, frame))
    assert err.value.row == 4 and err.value.column == "x"


def test_wide_column_without_row_and_cell_without_column(tmp_path, source):
    frame = wide_frame(source)
    cut = frame[~((frame.region == "R02") & (frame.sector == "S02"))]
    with pytest.raises(ReaderError, match="column 'R02|S02' is intermediate use by cell R02/S02, which has no row"):
        read_generic(write(tmp_path, cut))
    with pytest.raises(ReaderError, match=r"inconsistent label counts: no intermediate-use column for 1 cell\(s\)"):
        read_generic(write(tmp_path, frame.drop(columns=["R03|S01"])))


# ------------------------------------------------------------------ long layout errors
def test_long_errors_name_the_line(tmp_path, source):
    frame = long_frame(source)
    dup = pd.concat([frame, frame.iloc[[7]]], ignore_index=True)
    with pytest.raises(ReaderError, match=r"duplicated entry R01/S01/R01/NPISH \(first at line 9\)") as err:
        read_generic(write(tmp_path, dup))
    assert err.value.row == len(frame) + 2
    bad = frame.copy()
    bad.loc[10, "to_region"] = "R07"
    with pytest.raises(ReaderError, match="unknown region 'R07'") as err:
        read_generic(write(tmp_path, bad))
    assert err.value.row == 12 and err.value.column == "to_region"
    bad = frame.astype({"value": object})
    bad.loc[3, "value"] = "abc"
    with pytest.raises(ReaderError, match="non-numeric cell 'abc'") as err:
        read_generic(write(tmp_path, bad))
    assert err.value.row == 5 and err.value.column == "value"
    no_x = frame[frame.to_sector != "x"]
    with pytest.raises(ReaderError, match=r"missing gross output \('x' entries\) for 6 cell\(s\)"):
        read_generic(write(tmp_path, no_x))
    np.testing.assert_allclose(read_generic(write(tmp_path, no_x), output="rowsum").x, source.x, rtol=1e-12)
    bad = frame.copy()
    bad.loc[len(bad)] = ["", "COMP", "R01", "S09", 1.0]
    with pytest.raises(ReaderError, match="primary input 'COMP' bought by unknown cell R01/S09"):
        read_generic(write(tmp_path, bad))


def test_layout_option_is_checked(tmp_path, source):
    with pytest.raises(OptionError):
        read_generic(write(tmp_path, long_frame(source)), layout="tall")
