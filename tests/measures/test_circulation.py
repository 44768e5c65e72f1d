"""Dual-circulation accounts (METHODS.md 4): the identities of 4.1-4.4 as tests on random tables with negative
inventories (hypothesis), on national MRIOs with an open foreign sector, against explicit inverses of the masked
matrices, and on real tables: WIOD 2013 (2011), China's NBS split tables 2017/2018/2020 and competitive tables
converted by 1.7, the CEADs excerpt (provinces of CHN) and the OECD ICIO excerpt with split countries (CN1/CN2 of
CHN).  The built-in WIOD series is recomputed from ../shared/data for a few years."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from measure_checks import RTOL, SETTINGS, close
from shared_paths import REPO, shared_file
from dualcirc import datasets
from dualcirc.engine.leontief import engine_for
from dualcirc.errors import InputError, OptionError, TableWarning
from dualcirc.measures import circulation as circ
from dualcirc.readers.ceads import read_ceads
from dualcirc.readers.nbs import read_nbs
from dualcirc.readers.oecd_icio import read_oecd_icio
from dualcirc.readers.wiod import read_wiod2013
from dualcirc.tables.model import IOTable
from dualcirc.testing import open_economy, random_icio

REAL_RTOL = 1e-8                  # n <= 10^4
CEADS = REPO / "tests" / "fixtures" / "ceads_mrio_2017_excerpt.xlsx"
ICIO = REPO / "tests" / "fixtures" / "oecd_icio2021_excerpt" / "ICIO2021_2018.csv"


def terms(df: pd.DataFrame, names=None) -> pd.DataFrame:
    """Economy x term table of a total-level result (in the order of ``names``)."""
    wide = df.pivot(index="region", columns="term", values="value")
    return wide.reindex(list(names)) if names is not None else wide


def with_nations(table: IOTable, nations: dict[str, str]) -> IOTable:
    return replace(table, nations=nations)


@st.composite
def icios(draw, negative: bool = True, zero_output: bool = True):
    G = draw(st.integers(2, 5))
    N = draw(st.integers(1, 3))
    zeros = draw(st.integers(0, min(2, G * N - G))) if zero_output else 0
    return random_icio(G, N, seed=draw(st.integers(0, 10_000)), negative_inventories=negative,
                       zero_output_cells=zeros, satellites=False)


@st.composite
def national_mrios(draw):
    """A closed ICIO with its last region cut out: the rest of the world outside the model (METHODS.md 4.3)."""
    closed = draw(icios())
    table = open_economy(closed, outside=closed.G - 1)
    return with_nations(table, dict.fromkeys(table.regions, "NAT"))


def assert_absorption_identities(table: IOTable, perimeter: str = "region", rtol: float = RTOL) -> pd.DataFrame:
    """DD + DF = GDP, DD + FD = FE, DF - FD = EX - IM (METHODS.md 4.1) for every economy; returns the terms."""
    units = circ.economy_units(table, perimeter)
    wide = terms(circ.absorption(table, perimeter=perimeter), units.names)
    close(wide["DD"] + wide["DF"], wide["GDP"], rtol)
    close(wide["DD"] + wide["FD"], wide["FE"], rtol)
    close(wide["DF"] - wide["FD"], wide["EX"] - wide["IM"], rtol)
    close(wide["GDP"], table.gdp() @ units.U, rtol)
    return wide


def assert_nested_identities(table: IOTable, rtol: float = RTOL, nonnegative: bool = False) -> pd.DataFrame:
    """(a) sums to GDP_r, (b) C1 + C2 + C3 rows = va (>= 0 for non-negative tables), (c) sums to FE_r (4.3)."""
    wide = terms(circ.nested(table), table.regions)
    close(wide[["A_OWN", "A_OTHER_REGIONS", "A_ABROAD"]].sum(axis=1), wide["GDP"], rtol)
    close(wide[["S_OWN", "S_OTHER_REGIONS", "S_ABROAD"]].sum(axis=1), wide["FE"], rtol)
    parts = circ.border_crossing(table)
    close(parts.sum(axis=1), table.va, rtol)
    close(wide[["C1", "C2", "C3"]].sum(axis=1), table.gdp(), rtol)
    if nonnegative:
        assert parts.min() >= -rtol * np.abs(table.va).max()
    return wide


# ------------------------------------------------------------------------------------------------ properties
@SETTINGS
@given(icios())
def test_absorption_and_production_reconcile_on_random_tables(table):
    wide = assert_absorption_identities(table)
    prod = terms(circ.production(table), table.regions)
    close(prod["DD"], wide["DD"])                                       # DD = V_D + REF (4.1, 2.7)
    close(prod["DF"], wide["DF"])                                       # DF = V_RT + V_GVC_S + REX = VAX
    close(prod[["V_D", "V_RT", "V_GVC_S", "REX", "REF"]].sum(axis=1), prod["GDP"])
    close(prod[["Y_D", "Y_RT", "Y_GVC_S", "Y_GVC_C"]].sum(axis=1), prod["Y_FINAL"])
    active = prod[prod["GDP"] != 0]                                     # a region of zero-output cells has NaN shares
    close(active[[f"{c}_GDP" for c in circ.COMPONENTS]].sum(axis=1), np.ones(len(active)))
    close(active["DOMESTIC_SHARE"] + active["INTERNATIONAL_SHARE"], np.ones(len(active)))


@SETTINGS
@given(icios())
def test_sector_and_category_views_add_up_to_the_totals(table):
    total = terms(circ.absorption(table), table.regions)
    sector = circ.absorption(table, by="sector").groupby(["region", "term"], sort=False)["value"].sum().unstack()
    for term in ("GDP", "DD", "DF", "FD"):
        close(sector[term].reindex(list(table.regions)), total[term])
    cat = circ.absorption(table, by="category")
    for term in ("FE", "DD", "DF", "FD"):
        rows = cat[cat["term"] == term]
        parts = rows[rows["category"] != circ.ALL].groupby("region", sort=False)["value"].sum()
        close(parts.reindex(list(table.regions)), total[term])
        close(rows[rows["category"] == circ.ALL].set_index("region")["value"].reindex(list(table.regions)),
              total[term])


@SETTINGS
@given(icios())
def test_inventories_excluded_from_shares_only(table):
    kept = terms(circ.absorption(table), table.regions)
    excl = terms(circ.absorption(table, inventories="exclude_from_shares"), table.regions)
    for level in ("GDP", "FE", "DD", "DF", "FD"):
        close(excl[level], kept[level])                                 # levels keep INVNT (identities hold)
    active = excl[excl["GDP"] != 0]
    close(active["DD_GDP"] + active["DF_GDP"], np.ones(len(active)))
    close(excl["DD_FE"] + excl["FD_FE"], np.ones(table.G))
    k = table.fd_categories.index("INVNT")
    close(excl["INVNT_FE"], table.Y[:, :, k].sum(0))
    close(active["DD_GDP"], ((kept["DD"] - excl["INVNT_DD"]) / (kept["GDP"] - excl["INVNT_GDP"]))[active.index])
    cat = circ.absorption(table, by="category", inventories="exclude_from_shares")
    assert not ((cat["category"] == "INVNT") & (cat["unit"] == "ratio")).any()
    alls = terms(cat[cat["category"] == circ.ALL], table.regions)
    close(alls["DD_GDP"], excl["DD_GDP"])
    close(alls["FD_FE"], excl["FD_FE"])


@SETTINGS
@given(national_mrios())
def test_national_mrio_identities(table):
    """Exports and imports outside the model (METHODS.md 4.3): the account, VA content v'L + a^M'L = u', and the
    national border is the only border to the rest of the world, so (a) abroad = (b) C3."""
    eng = engine_for(table)
    close(eng.solve_T(eng.v + eng.Am.sum(0))[eng.active], np.ones(int(eng.active.sum())))
    assert_absorption_identities(table)
    nested = assert_nested_identities(table)
    close(nested["A_ABROAD"], nested["C3"])
    close(nested["S_ABROAD"], nested["S_IMPORT_CONTENT"] + nested["S_IMPORTED_FINAL"])
    nation = assert_absorption_identities(table, "nation")                 # the whole table is one economy
    close(nation["DF"], [(eng.v * eng.solve(table.exports)).sum()])
    close(nation["FD"], [(eng.Am.sum(0) @ eng.solve(table.Y2)).sum() + table.Ym.sum()])


@SETTINGS
@given(icios(negative=False), st.data())
def test_border_crossing_against_explicit_masked_inverses(table, data):
    """C1, C2, C3 from the block solves equal v̂ L^P ŷ^P, v̂ (L^N ŷ^N - L^P ŷ^P), v̂ (L ŷ - L^N ŷ^N) with explicit
    inverses of I - A o M^P and I - A o M^N; all >= 0 on a non-negative table (METHODS.md 4.3(b))."""
    nations = data.draw(st.lists(st.sampled_from("XYZ"), min_size=table.G, max_size=table.G))
    table = with_nations(table, dict(zip(table.regions, nations)))
    own = table.region_of_cell
    nation = np.array(nations)[own]
    MP, MN = own[:, None] == own[None, :], nation[:, None] == nation[None, :]
    A, v, Y = engine_for(table).A, engine_for(table).v, table.Y2
    inv = lambda M: np.linalg.inv(np.eye(table.n) - A * M)              # noqa: E731
    yP = Y[np.arange(table.n), own]
    yN = (Y * (np.array(nations)[None, :] == nation[:, None])).sum(axis=1)
    want = np.column_stack([v * (inv(MP) @ yP), v * (inv(MN) @ yN - inv(MP) @ yP),
                            v * (inv(np.ones_like(MP)) @ table.y - inv(MN) @ yN)])
    got = circ.border_crossing(table)
    close(got, want)
    assert got.min() >= -RTOL * np.abs(table.va).max()
    assert_nested_identities(table, nonnegative=True)


def test_absorption_against_explicit_inverse():
    table = random_icio(4, 3, seed=3)
    L = np.linalg.inv(np.eye(table.n) - engine_for(table).A)
    vaod = ((engine_for(table).v[:, None] * (L @ table.Y2)).reshape(4, 3, 4)).sum(axis=1)
    account = circ.va_absorption_account(table)
    close(account["VAOD"], vaod)
    close(account["dd"], np.diag(vaod))
    cat = circ.absorption(table, by="category", economies="R02")
    k = table.fd_categories.index("GFCF")
    gfcf = (engine_for(table).v[:, None] * (L @ table.Y[:, :, k])).reshape(4, 3, 4).sum(axis=1)
    row = cat[(cat["category"] == "GFCF") & (cat["term"] == "DD")]["value"].item()
    assert row == pytest.approx(gfcf[1, 1], rel=RTOL)


# ------------------------------------------------------------------------------------------------ options and errors
def test_production_options_split_returned_value_added():
    table = random_icio(3, 2, seed=4)
    absorbed = terms(circ.production(table), table.regions)
    pure = terms(circ.production(table, domestic="pure"), table.regions)
    separate = terms(circ.production(table, domestic="pure", returned="separate"), table.regions)
    close(absorbed["DOMESTIC_SHARE"], absorbed["DD"] / absorbed["GDP"])
    close(pure["DOMESTIC_SHARE"], pure["V_D"] / pure["GDP"])
    close(pure["INTERNATIONAL"], pure["GDP"] - pure["V_D"])           # 1 - V_D/GDP = DVA/GDP
    close(separate["RETURNED_SHARE"], separate["REF"] / separate["GDP"])
    close(separate[["DOMESTIC_SHARE", "INTERNATIONAL_SHARE", "RETURNED_SHARE"]].sum(axis=1), np.ones(3))
    assert "RETURNED" not in absorbed.columns
    df = circ.production(table, domestic="pure")
    assert df.attrs["options"]["returned"] == "international"
    with pytest.raises(OptionError, match="counts returned value added as domestic"):
        circ.production(table, returned="international")
    with pytest.raises(OptionError, match="contradicts"):
        circ.production(table, domestic="pure", returned="domestic")
    with pytest.raises(OptionError, match="domestic must be"):
        circ.production(table, domestic="all")


def test_bad_input_is_named():
    table = random_icio(3, 2, seed=5)
    with pytest.raises(InputError, match="unknown economy 'CHN'.*R01"):
        circ.absorption(table, economies="CHN")
    with pytest.raises(InputError, match="needs regions assigned to nations"):
        circ.nested(table)
    with pytest.raises(InputError, match="needs regions assigned to nations"):
        circ.border_crossing(table)
    for options, message in (({"perimeter": "nation"}, "perimeter='nation' needs"), ({"by": "product"}, "by must be"),
                             ({"inventories": "drop"}, "inventories must be")):
        with pytest.raises(OptionError, match=message):
            circ.absorption(table, **options)
    national = datasets.load("china_nbs42", 2020)
    with pytest.raises(InputError, match="production view .* needs an inter-country table"):
        circ.production(national)
    no_inventories = IOTable.from_arrays(np.full((2, 2), 1.0), np.full((2, 1), 5.0), regions=["A"], sectors=["a", "b"])
    with pytest.raises(OptionError, match="needs an INVNT"):
        circ.absorption(no_inventories, inventories="exclude_from_shares")
    with pytest.raises(InputError, match="no economy"):
        circ.wiod_series("XXX")
    with pytest.raises(InputError, match="'year' column"):
        circ.peak_years(circ.absorption(table))


def test_nation_hint_when_a_nation_is_asked_on_the_region_perimeter():
    table = with_nations(random_icio(3, 2, seed=6), {"R01": "N1", "R02": "N1", "R03": "N2"})
    with pytest.raises(InputError, match="use perimeter='nation'"):
        circ.absorption(table, economies="N1")
    assert set(circ.absorption(table, economies="N1", perimeter="nation")["region"]) == {"N1"}


# ------------------------------------------------------------------------------------------------ presets
def test_every_preset_records_its_options_and_status():
    table = random_icio(3, 2, seed=8)
    nested_table = with_nations(table, {"R01": "N1", "R02": "N1", "R03": "N2"})
    listing = circ.presets()
    assert list(listing["name"]) == list(circ.PRESETS)
    for name, preset in circ.PRESETS.items():
        needs_nations = any(p.view == "nested" for p in preset.parts)
        df = circ.run_preset(nested_table if needs_nations else table, name, economies="R01")
        assert set(df["term"]) == {t for p in preset.parts for t in p.terms}, name
        assert df.attrs["preset"]["status"] == preset.status == df.attrs["options"]["status"]
        assert df.attrs["preset"]["parts"][0]["options"] == dict(preset.parts[0].options)
        assert df["region"].eq("R01").all()
    lu = circ.run_preset(table, "lu2020").pivot(index="region", columns="term", values="value")
    close(lu["DOMESTIC_SHARE"], lu["V_D"] / lu["GDP"])
    assert circ.run_preset(table, "lu2020").attrs["options"]["production_options"] == {
        "domestic": "pure", "returned": "international"}
    with pytest.raises(OptionError, match="unknown preset"):
        circ.run_preset(table, "xu2020")
    with pytest.raises(InputError, match="nations"):
        circ.run_preset(table, "lu2022")
    with pytest.raises(OptionError, match="drop perimeter='nation'"):
        circ.run_preset(nested_table, "li2016", perimeter="nation")


# ------------------------------------------------------------------------------------------------ trade dependence
def test_trade_dependence_over_tables():
    tables = [random_icio(3, 2, seed=s).with_meta(year=2000 + s) for s in range(3)]
    df = circ.trade_dependence(tables)
    assert sorted(df["year"].unique()) == [2000, 2001, 2002]
    for year, rows in df.groupby("year"):
        wide = terms(rows.drop(columns="year"), tables[0].regions)
        close(wide["TD"], wide["EX_GDP"] + wide["IM_GDP"])
        close(wide["VAX"] - wide["VAM"], wide["EX"] - wide["IM"])         # the trade balance is invariant
        close(wide["GAP_RATIO"], wide["TD_VA"] / wide["TD"])
    peaks = circ.peak_years(df, ("TD",))
    best = df[df["term"] == "TD"].sort_values("value").groupby("region").tail(1).set_index("region")["year"]
    assert peaks.set_index("region")["year"].to_dict() == best.to_dict()


def test_nonpositive_gdp_gives_nan_dependence():
    ex, im, gdp = np.array([1.0, 1.0]), np.array([2.0, 2.0]), np.array([0.0, -3.0])
    ratios = circ._dependence_ratios(ex, im, ex, im, gdp)
    assert np.isnan(ratios["TD"]).all() and np.isnan(ratios["TD_VA"]).all()


# ------------------------------------------------------------------------------------------------ nested tables
@pytest.fixture(scope="module")
def ceads():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        return read_ceads(CEADS, import_structure=datasets.load("china_nbs42", 2020))


def test_ceads_provinces_nested_in_china(ceads):
    eng = engine_for(ceads)
    close(eng.solve_T(eng.v + eng.Am.sum(0)), np.ones(ceads.n), 1e-12)    # v'L + a^M'L = u'
    nested = assert_nested_identities(ceads, REAL_RTOL)
    close(nested["A_ABROAD"], nested["C3"], REAL_RTOL)
    assert (nested[["A_OWN_SHARE", "A_OTHER_REGIONS_SHARE", "A_ABROAD_SHARE"]].to_numpy() > 0).all()
    assert_absorption_identities(ceads, rtol=REAL_RTOL)
    china = assert_absorption_identities(ceads, "nation", REAL_RTOL)
    assert china.index.tolist() == ["CHN"]
    close(china["DF"], [nested["A_ABROAD"].sum()], REAL_RTOL)            # China's DF = the provinces' VA abroad
    close(china["FD"], [nested["S_ABROAD"].sum()], REAL_RTOL)
    lu = circ.run_preset(ceads, "lu2022")
    assert lu.attrs["preset"]["status"] == "verified (abstract)"


def test_icio_with_split_countries():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        kept = read_oecd_icio(ICIO, split_countries="keep")
        merged = read_oecd_icio(ICIO)
    assert_nested_identities(kept, REAL_RTOL)
    nation = assert_absorption_identities(kept, "nation", REAL_RTOL)
    # the nations' aggregates equal the merged table's countries; DD, DF, FD differ by aggregation bias only, since
    # merging sums the split blocks into one technology per sector while the nation perimeter keeps them
    whole = assert_absorption_identities(merged, rtol=REAL_RTOL)
    for term in ("GDP", "FE", "EX", "IM"):
        close(nation[term].reindex(list(merged.regions)), whole[term], REAL_RTOL)
    close(nation["DD_GDP"].reindex(list(merged.regions)), whole["DD_GDP"], 0.02)
    prod = terms(circ.production(kept, perimeter="nation"), nation.index)
    close(prod["DD"], nation["DD"], REAL_RTOL)
    close(prod["DF"], nation["DF"], REAL_RTOL)
    region = terms(circ.nested(kept), kept.regions)
    close(region.loc[["CHN", "CN1", "CN2"], "A_ABROAD"].sum(), nation.loc["CHN", "DF"], REAL_RTOL)  # scalars


# ------------------------------------------------------------------------------------------------ real tables
@pytest.fixture(scope="module")
def wiod2011():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        return read_wiod2013(shared_file("wiod2013", "wiot_2011.parquet"))


@pytest.mark.realdata
def test_wiod_2011_identities_and_china(wiod2011):
    wide = assert_absorption_identities(wiod2011, rtol=REAL_RTOL)
    prod = terms(circ.production(wiod2011), wiod2011.regions)
    close(prod["DD"], wide["DD"], REAL_RTOL)
    close(prod["DF"], wide["DF"], REAL_RTOL)
    chn = wide.loc["CHN"]
    # PROVENANCE.md 0: China 2011 VA 7.39 trn USD, exports 2.08, imports 1.79
    assert (round(chn["GDP"] / 1e6, 2), round(chn["EX"] / 1e6, 2), round(chn["IM"] / 1e6, 2)) == (7.39, 2.08, 1.79)
    assert chn["DD_GDP"] == pytest.approx(0.7870, abs=5e-5)
    assert prod.loc["CHN", "V_D_GDP"] == pytest.approx(0.7815, abs=5e-5)
    excl = terms(circ.absorption(wiod2011, economies="CHN", inventories="exclude_from_shares"))
    assert excl.loc["CHN", "INVNT_FE"] == pytest.approx(wiod2011.Y[:, wiod2011.region_index("CHN"),
                                                                   wiod2011.fd_categories.index("INVNT")].sum())


@pytest.mark.realdata
@pytest.mark.parametrize("year", [2017, 2018, 2020])
def test_nbs_national_circulation(year):
    """National tables: DD = VA absorbed by domestic final demand, DF = VA in exports (METHODS.md 4.1, 1.7)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        split = read_nbs(shared_file("io", "china_nbs", f"china_{year}_42_noncompetitive.csv.gz"))
        sectors = {2017: 149, 2018: 153, 2020: 153}[year]
        converted = read_nbs(shared_file("io", "china_nbs", f"china_{year}_{sectors}.csv.gz"))
    results = {}
    for kind, table in (("split", split), ("competitive", converted)):
        eng = engine_for(table)
        close(eng.solve_T(eng.v + eng.Am.sum(0))[eng.active], np.ones(int(eng.active.sum())), REAL_RTOL)
        wide = assert_absorption_identities(table, rtol=REAL_RTOL).loc["CHN"]
        close(wide["DF"], (eng.v * eng.solve(table.exports)).sum(), REAL_RTOL)
        assert wide["DF_OUTSIDE"] == wide["DF"]
        results[kind] = wide
    # the two tables of the year describe the same economy: VA shares agree to 0.2 points (docs/circulation.md)
    assert results["split"]["DD_GDP"] == pytest.approx(results["competitive"]["DD_GDP"], abs=0.005)
    assert 0.8 < results["split"]["DD_GDP"] < 0.9


# ------------------------------------------------------------------------------------------------ built-in series
def test_builtin_series_has_every_year_and_region():
    series = circ.wiod_series()
    assert sorted(series["year"].unique()) == list(range(1995, 2012))
    assert series["region"].nunique() == 41
    wide = series.pivot_table(index=["year", "region"], columns="term", values="value")
    close(wide["DD"] + wide["DF"], wide["GDP"], REAL_RTOL)
    close(wide["DD"] + wide["FD"], wide["FE"], REAL_RTOL)
    close(wide["DF"] - wide["FD"], wide["EX"] - wide["IM"], REAL_RTOL)
    assert "sha256" in series.attrs["options"]["files"]
    peaks = circ.peak_years(circ.wiod_series(["CHN", "USA", "JPN", "KOR", "DEU"])).set_index(["region", "term"])
    assert peaks.loc[("CHN", "TD"), "year"] == 2006 and peaks.loc[("CHN", "TD_VA"), "year"] == 2006


@pytest.mark.realdata
@pytest.mark.parametrize("year", [1995, 2003, 2011])
def test_builtin_series_recomputed_from_shared_data(year):
    """scripts/build_circulation_series.py: the shipped rows equal a fresh computation from the source file
    (12 significant digits; the floating-point order of the threaded BLAS may differ between runs)."""
    import hashlib
    path = shared_file("wiod2013", f"wiot_{year}.parquet")
    files = circ.wiod_series().attrs["options"]["files"]
    assert f"wiod2013/wiot_{year}.parquet sha256={hashlib.sha256(path.read_bytes()).hexdigest()}" in files
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        fresh = circ.series_levels(read_wiod2013(path))
    shipped, _ = circ._series_file()
    shipped = shipped[shipped["year"] == year].reset_index(drop=True)
    assert list(shipped["region"]) == list(fresh["region"])
    np.testing.assert_allclose(shipped[list(circ.SERIES_LEVELS)].to_numpy(), fresh[list(circ.SERIES_LEVELS)].to_numpy(),
                               rtol=1e-12, atol=1e-9)


def test_every_term_has_a_label_in_both_languages():
    from dualcirc import labels
    table = with_nations(random_icio(3, 2, seed=1), {"R01": "A", "R02": "A", "R03": "B"})
    results = [circ.absorption(table, inventories="exclude_from_shares"), circ.absorption(table, by="category"),
               circ.absorption(datasets.load("china_nbs42", 2020)), circ.nested(table), circ.trade_dependence(table),
               circ.production(table, domestic="pure", returned="separate"), circ.wiod_series("CHN")]
    catalogue = labels.catalogue()
    for term in set().union(*(set(df["term"]) for df in results)):
        entry = catalogue[f"circ.{term}"]
        assert entry["en"].strip() and entry["zh"].strip(), term
    for preset in circ.PRESETS:
        assert catalogue[f"circ.preset.{preset}"]["zh"]
