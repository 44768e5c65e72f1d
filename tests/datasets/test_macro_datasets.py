"""Built-in macro data (dualcirc.datasets.macro): completeness of the metadata, accounting identities of the
series, and that scripts/build_macro.py reproduces the committed files from ../shared/data."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from shared_paths import REPO, shared_file
from dualcirc.datasets.macro import DATA_DIR, load_macro, macro_datasets, macro_metadata, macro_series
from dualcirc.errors import InputError
from dualcirc.tables.macro import META_COLUMNS, PRICE_BASES


def test_datasets_are_small_and_listed():
    assert macro_datasets() == ["nbs_national", "nbs_provincial", "wdi_china", "wdi_gdp", "pwt"]
    assert sum(f.stat().st_size for f in DATA_DIR.iterdir()) < 2.5e6


def test_every_series_has_unit_source_publisher_licence_and_origin():
    meta = macro_metadata()
    assert not meta.duplicated(["dataset", "series"]).any()
    for column in ("name_en", "name_zh", "unit", "source", "publisher", "licence", "origin"):
        assert (meta[column].str.len() > 0).all(), column
    assert set(meta["price_basis"]) <= set(PRICE_BASES)
    monetary = meta[meta["price_basis"].isin(["current", "constant"])]
    assert (monetary["currency"].str.len() > 0).all()
    for name in macro_datasets():
        data = load_macro(name)
        assert set(data.values["series"]) == set(data.series_meta.index)
        assert list(data.series_meta.columns) == list(META_COLUMNS)
        assert set(data.values["economy"]) <= set(data.economies["economy"])


def test_nbs_national_identities():
    """GDP(expenditure) = C + GCF + NX; the three demands' contributions sum to 100 % and each pull is its
    contribution times the same growth rate (NBS 5.2 convention); goods balance = exports - imports."""
    v = load_macro("nbs_national").values.pivot(index="year", columns="series", values="value")
    assert list(v.index) == list(range(2000, 2020))
    np.testing.assert_allclose(v["final_cons"] + v["gcf"] + v["net_exports_gs"], v["gdp_exp_100m_cny"], rtol=1e-12)
    np.testing.assert_allclose(v[["contrib_cons_pct", "contrib_gcf_pct", "contrib_nx_pct"]].sum(axis=1), 100,
                               rtol=1e-9)
    growth = v[["pull_cons_pp", "pull_gcf_pp", "pull_nx_pp"]].sum(axis=1)
    for k in ("cons", "gcf", "nx"):
        np.testing.assert_allclose(v[f"pull_{k}_pp"], v[f"contrib_{k}_pct"] * growth / 100, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(v["goods_exports_100m_cny"] - v["goods_imports_100m_cny"],
                               v["goods_balance_100m_cny"], atol=0.02)


def test_nbs_provincial_coverage_and_totals():
    """31 provinces x 2000-2019; 2017 GRP adds up to 83.21 trn CNY and exports by firm location to 2,263,371 mn USD
    (PROVENANCE.md section 2); expenditure-side GRP is empty for 2018-2019 as at the source."""
    data = load_macro("nbs_provincial")
    assert data.economies.shape[0] == 31 and data.economies["name_zh"].str.len().gt(0).all()
    grp = data.series("grp")
    assert grp.values.groupby(level="economy").size().eq(20).all()
    assert round(grp.values.xs(2017, level="year").sum() / 1e4, 2) == 83.21
    exports = data.series("trade_firm_loc_exports").values.xs(2017, level="year").sum()
    assert round(exports / 1e3) == 2263371
    assert data.series("grp_exp").values.index.get_level_values("year").max() == 2017
    assert grp.unit == "100 million CNY" and grp.scale == 1e8
    assert data.series("trade_firm_loc_exports").unit == "thousand USD"


def test_wdi_and_pwt():
    china = macro_series("wdi_china", "NY.GDP.MKTP.CD").values.droplevel("economy")
    world = macro_series("wdi_gdp", "NY.GDP.MKTP.CD", economies=["CHN"]).values.droplevel("economy")
    np.testing.assert_allclose(china, world.loc[china.index], rtol=6e-8)
    assert load_macro("wdi_gdp").economies.shape[0] == 262
    pwt = load_macro("pwt")
    assert pwt.economies.shape[0] == 183
    shares = pwt.values[(pwt.values["economy"] == "CHN") & (pwt.values["year"] == 2019)].set_index("series")["value"]
    assert shares[["csh_c", "csh_i", "csh_g", "csh_x", "csh_m", "csh_r"]].sum() == pytest.approx(1.0, abs=1e-6)


def test_series_selection_errors():
    with pytest.raises(InputError, match="no built-in macro dataset 'imf'"):
        load_macro("imf")
    with pytest.raises(InputError, match="has no series 'gdp'"):
        macro_series("nbs_national", "gdp")
    with pytest.raises(InputError, match=r"no data for economies \['XXX'\]"):
        macro_series("pwt", "pop", economies=["XXX"])


def _build_module():
    spec = importlib.util.spec_from_file_location("build_macro", REPO / "scripts" / "build_macro.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.realdata
def test_build_script_reproduces_the_committed_data(tmp_path):
    shared_file("macro", "pwt1001.csv.gz")
    _build_module().build(REPO.parent / "shared" / "data", tmp_path)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "values.parquet"),
                                  pd.read_parquet(DATA_DIR / "values.parquet"))
    for name in ("series.csv", "economies.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (DATA_DIR / name).read_text(encoding="utf-8")


@pytest.mark.realdata
def test_values_equal_the_shared_files():
    nbs = pd.read_csv(shared_file("macro", "china_nbs_national_2000_2019.csv")).set_index("year")
    built = load_macro("nbs_national").values.pivot(index="year", columns="series", values="value")
    built.index = built.index.astype(int)
    for column in ("gdp_100m_cny", "goods_trade_total_100m_cny", "cny_per_100usd", "contrib_cons_pct"):
        pd.testing.assert_series_equal(built[column], nbs[column], check_names=False)
    pwt = pd.read_csv(shared_file("macro", "pwt1001.csv.gz"), usecols=["isocode", "year", "rgdpna"]).dropna()
    got = macro_series("pwt", "rgdpna", economies=["USA"]).values.droplevel("economy")
    expected = pwt[pwt["isocode"] == "USA"].set_index("year")["rgdpna"]
    pd.testing.assert_series_equal(got, expected, check_names=False)
