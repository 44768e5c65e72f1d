"""OECD ICIO reader on excerpts of the 2021, 2023 and 2025 layouts (tests/fixtures/make_icio_excerpts.py)."""
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dualcirc import OptionError, ReaderError, TableWarning
from dualcirc.engine.leontief import engine_for
from dualcirc.readers import detect_layout, read_table
from dualcirc.readers.oecd_icio import detect_edition, read_oecd_icio

FIX = Path(__file__).resolve().parents[1] / "fixtures"
F2021 = FIX / "oecd_icio2021_excerpt" / "ICIO2021_2018.csv"
F2023 = FIX / "oecd_icio2023_excerpt" / "2020.csv"
F2025 = FIX / "oecd_icio2025_excerpt" / "2022_SML.csv"


def read_quietly(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        return read_oecd_icio(path, **kw)


def raw(path):
    return pd.read_csv(path, index_col=0)


def assert_balanced(t):
    np.testing.assert_allclose(t.Z.sum(1) + t.Y.sum((1, 2)), t.x, rtol=1e-12)
    np.testing.assert_allclose(t.Z.sum(0) + t.va, t.x, rtol=1e-12)
    np.testing.assert_allclose(engine_for(t).solve(t.y), t.x, rtol=1e-9)


COUNTRIES = ("AUS", "MEX", "USA", "CHN", "ROW")
COUNTRIES_2025 = ("AGO", "AUS", "CHN", "MEX", "USA", "ROW")


@pytest.mark.parametrize("path, edition, year, regions, sectors", [
    (F2021, "2021 edition", 2018, COUNTRIES, ("01T02", "05T06", "10T12", "26", "45T47", "84")),
    (F2023, "2023 edition", 2020, COUNTRIES, ("A01_02", "B05_06", "C10T12", "C24", "C26", "G")),
    (F2025, "2025 edition", 2022, COUNTRIES_2025, ("A01", "A02", "B06", "C24A", "C301", "G")),
])
def test_each_edition_reads_with_labels_shapes_and_balance(path, edition, year, regions, sectors):
    t = read_quietly(path)
    assert t.meta.edition == edition and t.meta.year == year and t.meta.unit == "million USD"
    assert t.regions == regions and t.sectors == sectors
    assert t.Z.shape == (len(regions) * 6, len(regions) * 6)
    assert t.fd_categories[:6] == ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
    assert t.va_rows[:2] == ("TLS", "VA")
    assert set(t.sector_names) == set(sectors) and all(t.sector_names_zh[s] for s in sectors)
    assert_balanced(t)
    # rounding residuals of the published values are absorbed silently, and they are tiny
    if "DISC" in t.fd_categories:
        assert np.abs(t.Y[:, :, t.fd_categories.index("DISC")]).max() < 1e-6


def test_values_are_the_publishers_cells():
    t = read_quietly(F2023)
    df = raw(F2023)
    p, q = t.regions.index("USA") * t.N + t.sectors.index("C26"), t.regions.index("CHN") * t.N + t.sectors.index("G")
    assert t.Z[p, q] == df.loc["USA_C26", "CHN_G"]
    assert t.Y[p, t.regions.index("CHN"), t.fd_categories.index("GFCF")] == df.loc["USA_C26", "CHN_GFCF"]
    assert t.x[p] == df.loc["USA_C26", "OUT"]
    assert t.W[t.va_rows.index("VA"), q] == df.loc["VA", "CHN_G"]


def test_split_blocks_are_merged_into_china_and_mexico_preserving_totals():
    t = read_quietly(F2021)
    df = raw(F2021)
    cells = [c for c in df.index if "_" in c]
    assert set(t.regions) == {"AUS", "MEX", "USA", "CHN", "ROW"}
    for nation, parts in (("CHN", ("CN1", "CN2")), ("MEX", ("MX1", "MX2"))):
        for i, s in enumerate(t.sectors):
            q = t.regions.index(nation) * t.N + i
            rows = [f"{nation}_{s}"] + [f"{p}_{s}" for p in parts]
            assert t.x[q] == pytest.approx(df.loc[rows, "TOTAL"].sum(), rel=1e-12)       # CN1 + CN2 (+ CHN) = CHN
            assert t.va[q] == pytest.approx(df.loc[["TAXSUB", "VALU"], rows].to_numpy().sum(), rel=1e-9)
            assert t.Z[q].sum() == pytest.approx(df.loc[rows, cells].to_numpy().sum(), rel=1e-12)
            assert t.Z[:, q].sum() == pytest.approx(df.loc[cells, rows].to_numpy().sum(), rel=1e-12)
    assert t.x.sum() == pytest.approx(df.loc[cells, "TOTAL"].sum(), rel=1e-12)
    assert t.Z.sum() == pytest.approx(df.loc[cells, cells].to_numpy().sum(), rel=1e-12)
    assert any("merged" in n for n in t.meta.notes)


def test_keep_split_blocks_as_regions_with_nations():
    merged = read_quietly(F2021)
    kept = read_oecd_icio(F2021, split_countries="keep")
    assert kept.regions == ("AUS", "MEX", "USA", "CHN", "ROW", "MX1", "MX2", "CN1", "CN2")
    assert kept.nations["CN1"] == kept.nations["CN2"] == kept.nations["CHN"] == "CHN"
    assert kept.nations["MX2"] == "MEX" and kept.nations["USA"] == "USA"
    chn = kept.region_index("CHN")
    assert not kept.x.reshape(kept.G, kept.N)[chn].any()       # the publisher's zero CHN block stays (buyer only)
    x_by_nation = pd.Series(kept.x.reshape(kept.G, kept.N).sum(1), index=kept.regions).groupby(kept.nations).sum()
    np.testing.assert_allclose(x_by_nation[list(merged.regions)], merged.x.reshape(merged.G, merged.N).sum(1))
    assert kept.Y[:, chn].sum() == pytest.approx(merged.Y[:, merged.region_index("CHN")].sum())
    assert_balanced(kept)


def test_keep_adds_the_nation_as_final_demand_buyer_when_the_file_has_only_split_blocks(tmp_path):
    df = raw(F2021)
    drop = [c for c in df.index if c.startswith(("CHN_", "MEX_"))]
    path = tmp_path / "ICIO2021_2018.csv"
    df.drop(index=drop, columns=drop).to_csv(path)
    kept = read_oecd_icio(path, split_countries="keep")
    assert kept.regions[-2:] == ("MEX", "CHN") and kept.nations["CN2"] == "CHN"
    merged = read_quietly(path)
    assert merged.regions == ("AUS", "USA", "ROW", "MEX", "CHN")
    np.testing.assert_allclose(merged.x.sum(), kept.x.sum())


def test_split_countries_option_is_checked():
    with pytest.raises(OptionError, match="split_countries"):
        read_oecd_icio(F2021, split_countries="split")


def test_edition_detection_from_labels():
    assert detect_edition(["01T02", "26"], {"TAXSUB", "VALU", "OUTPUT"}) == "2021"
    assert detect_edition(["A01_02", "C24"], {"TLS", "VA", "OUT"}) == "2023"
    assert detect_edition(["A01", "C301"], {"TLS", "VA", "OUT"}) == "2025"
    assert detect_edition(["C26", "G"], {"TLS", "VA", "OUT"}) == "2023/2025"      # codes common to both
    assert detect_edition(["01T03"], {"TAXSUB"}) == ""                           # 2018 edition: not catalogued


def test_zip_bundle_folder_and_year_selection(tmp_path):
    bundle = tmp_path / "ICIO_2015-2018.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(F2021, "ICIO2021_2018.csv")
        zf.write(F2021, "ICIO2021_2017.csv")
    with pytest.raises(ReaderError, match="pass year"):
        read_oecd_icio(bundle)
    t = read_oecd_icio(bundle, year=2018)
    assert t.meta.year == 2018 and t.meta.file.endswith("ICIO2021_2018.csv")
    np.testing.assert_array_equal(t.Z, read_quietly(F2021).Z)
    assert read_oecd_icio(F2023.parent).meta.year == 2020
    with pytest.raises(ReaderError, match="no ICIO CSV file for 2019"):
        read_oecd_icio(bundle, year=2019)
    with pytest.raises(ReaderError, match="2020, not 2021"):
        read_oecd_icio(F2023, year=2021)


def test_registered_layout_detects_each_edition_and_reads_through_read_table():
    for path in (F2021, F2023, F2025, F2023.parent):
        assert detect_layout(path).name == "oecd_icio"
    assert read_table(F2025).regions[0] == "AGO"


# ------------------------------------------------------------------ malformed inputs
def lines(path):
    return path.read_text().splitlines()


def test_truncated_or_damaged_file_names_the_row(tmp_path):
    text = lines(F2023)
    cut = tmp_path / "2020.csv"
    cut.write_text("\n".join(text[:12] + [text[12][: len(text[12]) // 2]]) + "\n")
    with pytest.raises(ReaderError, match="is the file truncated") as err:
        read_oecd_icio(cut)
    assert err.value.file == str(cut)
    damaged = text[:5] + [text[5][: len(text[5]) // 2]] + text[6:]      # one short line inside the table
    cut.write_text("\n".join(damaged) + "\n")
    with pytest.raises(ReaderError, match=r"empty cell in the final demand \(AUS_C26\)") as err:
        read_oecd_icio(cut)
    assert err.value.row == 6 and err.value.column == "AUS_NPISH"


def test_wrong_header_is_rejected(tmp_path):
    bad = tmp_path / "2020.csv"
    bad.write_text("country,sector,value\nAUS,A01,1\n")
    with pytest.raises(ReaderError, match="unexpected row label 'AUS'") as err:
        read_oecd_icio(bad)
    assert err.value.row == 2
    with pytest.raises(ReaderError, match="not recognised"):
        detect_layout(bad)


def test_non_numeric_cell_names_row_and_column(tmp_path):
    df = raw(F2023)
    df = df.astype(object)
    df.loc["MEX_C26", "USA_G"] = "n/a"
    bad = tmp_path / "2020.csv"
    df.to_csv(bad)
    with pytest.raises(ReaderError, match="non-numeric cell 'n/a'") as err:
        read_oecd_icio(bad)
    assert err.value.column == "USA_G" and err.value.row == list(df.index).index("MEX_C26") + 2


def test_inconsistent_label_counts(tmp_path):
    df = raw(F2023)
    bad = tmp_path / "2020.csv"
    df.drop(columns=["USA_C24"]).to_csv(bad)
    with pytest.raises(ReaderError, match=r"inconsistent label counts: 30 cell rows but 29 .*USA_C24"):
        read_oecd_icio(bad)
    df.drop(index=["USA_C24"], columns=["USA_C24"]).to_csv(bad)
    with pytest.raises(ReaderError, match="region 'USA' has 5 of the 6 sectors"):
        read_oecd_icio(bad)
    df.drop(columns=["OUT"]).to_csv(bad)
    with pytest.raises(ReaderError, match="gross-output column is missing"):
        read_oecd_icio(bad)
    df.rename(columns={"AUS_HFCE": "AUS_XXX"}).to_csv(bad)
    with pytest.raises(ReaderError, match="column 'AUS_XXX' is neither") as err:
        read_oecd_icio(bad)
    assert err.value.column == "AUS_XXX"


def test_missing_file_in_folder(tmp_path):
    shutil.copy(F2023, tmp_path / "notes.txt")
    with pytest.raises(ReaderError, match="no ICIO CSV file"):
        read_oecd_icio(tmp_path)
