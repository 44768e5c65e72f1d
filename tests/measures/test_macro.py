"""Macro indicators (METHODS.md section 5): identities I19, the section's test cases, bad input, and the figures
quoted in Chinese policy debate (docs/macro_reconciliation.md) recomputed from the built-in data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dualcirc.datasets.macro import load_macro
from dualcirc.errors import InputError, OptionError
from dualcirc.measures.macro import (growth_contributions, provincial_trade_dependence, required_growth,
                                     share_target_growth, trade_dependence, years_to_target)
from dualcirc.tables.macro import MacroSeries


def series(code, by_year, *, economy="X", basis="constant", currency="CNY", scale=1.0, source="test source",
           coverage=None, unit="unit"):
    return MacroSeries.from_years(code, economy, by_year, unit=unit, source=source, currency=currency, scale=scale,
                                  price_basis=basis, coverage=coverage)


def wide(df: pd.DataFrame, column: str) -> pd.DataFrame:
    return df.pivot(index=["economy", "year"], columns="component", values=column)


# ================================================================================== 5.2 contributions
def test_methods_test_case_60_30_10():
    """METHODS.md 5.2: GDP 100->105, C 50->53, I 40->41.5, NX 10->10.5."""
    out = growth_contributions(series("gdp", {2000: 100, 2001: 105}),
                               {"C": series("c", {2000: 50, 2001: 53}), "I": series("i", {2000: 40, 2001: 41.5}),
                                "NX": series("nx", {2000: 10, 2001: 10.5})})
    got = out.set_index("component")
    assert got["contribution_pct"].to_dict() == pytest.approx({"C": 60.0, "I": 30.0, "NX": 10.0}, abs=1e-12)
    assert got["pull_pp"].to_dict() == pytest.approx({"C": 3.0, "I": 1.5, "NX": 0.5}, abs=1e-12)
    assert "additivity_residual" not in set(out["component"])
    assert out.attrs["method"].endswith("(METHODS.md 5.2)")


@pytest.mark.parametrize("seed", range(5))
def test_identities_for_chain_linked_volumes(seed):
    """I19: contributions (with the residual) sum to 100 %, pulls to the growth rate, pull = contribution * g."""
    rng = np.random.default_rng(seed)
    years = range(2000, 2012)
    parts = {k: rng.uniform(10, 50, len(years)).cumsum() for k in ("C", "I", "NX")}
    total = sum(parts.values()) * rng.uniform(0.97, 1.03, len(years))  # not additive: chain-linked
    out = growth_contributions(series("gdp", dict(zip(years, total)), basis="chain_linked"),
                               {k: series(k, dict(zip(years, v)), basis="chain_linked") for k, v in parts.items()})
    sums = out.groupby("year")[["contribution_pct", "pull_pp"]].sum()
    growth = out.groupby("year")["gdp_growth_pct"].first()
    np.testing.assert_allclose(sums["contribution_pct"], 100.0, rtol=1e-12)
    np.testing.assert_allclose(sums["pull_pp"], growth, rtol=1e-12)
    np.testing.assert_allclose(out["pull_pp"], out["contribution_pct"] * out["gdp_growth_pct"] / 100, rtol=1e-12)
    assert (out[out["component"] == "additivity_residual"]["increment"].abs() > 0).all()


def test_index_input_at_previous_year_prices_matches_volume_differences():
    """Levels with indices (previous year = 100) give dK = K(t-1) (I(t) - 1): the same as previous-year-price
    volumes built by hand."""
    k = {"A": [10.0, 12.0, 15.0], "B": [30.0, 33.0, 36.0]}
    idx = {"A": [100.0, 104.0, 103.0], "B": [100.0, 101.0, 102.0]}
    gdp = [a + b for a, b in zip(k["A"], k["B"])]
    d_total = [gdp[t - 1] * (sum(k[c][t - 1] * idx[c][t] for c in k) / gdp[t - 1]) / 100 - gdp[t - 1]
               for t in (1, 2)]
    total_idx = [100.0] + [100 * (1 + d / gdp[t - 1]) for t, d in zip((1, 2), d_total)]
    years = (2010, 2011, 2012)
    out = growth_contributions(
        series("gdp", dict(zip(years, gdp)), basis="current"),
        {c: series(c, dict(zip(years, v)), basis="current") for c, v in k.items()},
        total_index=series("gdp_idx", dict(zip(years, total_idx)), basis="index_prev100", currency=None),
        component_indices={c: series(c + "_idx", dict(zip(years, v)), basis="index_prev100", currency=None)
                           for c, v in idx.items()})
    inc = wide(out, "increment")
    np.testing.assert_allclose(inc["A"], [10 * 0.04, 12 * 0.03], rtol=1e-12)
    np.testing.assert_allclose(inc["B"], [30 * 0.01, 33 * 0.02], rtol=1e-12)
    np.testing.assert_allclose(inc["additivity_residual"], 0.0, atol=1e-12)


def test_flat_total_gives_nan_contributions_but_defined_pulls():
    out = growth_contributions(series("gdp", {1: 100, 2: 100}, basis="chain_linked"),
                               {"C": series("c", {1: 60, 2: 62}, basis="chain_linked"),
                                "I": series("i", {1: 40, 2: 38}, basis="chain_linked")})
    assert out["contribution_pct"].isna().all()
    pulls = out.set_index("component")["pull_pp"].to_dict()
    assert pulls == pytest.approx({"C": 2.0, "I": -2.0, "additivity_residual": 0.0})


def test_several_economies_are_handled_separately():
    a = {"gdp": {1: 100, 2: 110}, "c": {1: 60, 2: 64}, "i": {1: 40, 2: 46}}
    b = {"gdp": {1: 50, 2: 49}, "c": {1: 30, 2: 31}, "i": {1: 20, 2: 18}}

    def both(code):
        return MacroSeries(code, pd.concat([series(code, a[code], economy="A").values,
                                            series(code, b[code], economy="B").values]),
                           unit="u", source="s", currency="CNY", price_basis="constant")

    out = growth_contributions(both("gdp"), {"C": both("c"), "I": both("i")})
    got = out.set_index(["economy", "component"])["contribution_pct"]
    assert got[("A", "C")] == pytest.approx(40.0) and got[("A", "I")] == pytest.approx(60.0)
    assert got[("B", "C")] == pytest.approx(-100.0) and got[("B", "I")] == pytest.approx(200.0)


def test_sectoral_contributions_reproduce_nbs_with_quinquennial_base_years():
    """NBS 三次产业贡献率 2001-2018 are reproduced to 1e-9 pp from value added and volume indices when increments
    are valued at the prices of the latest year ending in 0 or 5 (docs/macro_reconciliation.md); the 2019 row of
    the source is rounded to one decimal (indices 103.1/104.9/107.2/106.0), so it agrees to 0.5 pp only."""
    nbs = load_macro("nbs_national")
    sectors = ("primary", "secondary", "tertiary")
    kwargs = dict(total_index=nbs.series("gdp_idx_prev100"),
                  component_indices={s: nbs.series(f"{s}_idx_prev100") for s in sectors})
    components = {s: nbs.series(f"va_{s}") for s in sectors}
    published = (nbs.values[nbs.values["series"].isin([f"contrib_{s}_pct" for s in sectors])]
                 .pivot(index="year", columns="series", values="value"))
    published.columns = [c.split("_")[1] for c in published.columns]
    nbs_way = wide(growth_contributions(nbs.series("gdp_100m_cny"), components, base_years="quinquennial",
                                        **kwargs), "contribution_pct").droplevel("economy")
    gap = (nbs_way[list(sectors)] - published.loc[2001:]).abs().max(axis=1)
    assert gap.loc[:2018].max() < 1e-9
    assert gap.loc[2019] < 0.5
    explicit = wide(growth_contributions(nbs.series("gdp_100m_cny"), components, base_years=[2000, 2005, 2010, 2015],
                                         **kwargs), "contribution_pct").droplevel("economy")
    pd.testing.assert_frame_equal(explicit, nbs_way)
    previous_year = wide(growth_contributions(nbs.series("gdp_100m_cny"), components, **kwargs),
                         "contribution_pct").droplevel("economy")
    previous_gap = (previous_year[list(sectors)] - published.loc[2001:]).abs().max(axis=1)
    assert (previous_gap.idxmax(), round(previous_gap.max(), 1)) == (2015, 4.3)
    assert previous_gap.loc[[2001, 2006, 2011, 2016]].max() < 1e-9  # the years right after a base year coincide


def test_contribution_bad_input():
    gdp = series("gdp", {1: 100, 2: 105})
    c, i = series("c", {1: 50, 2: 53}), series("i", {1: 49, 2: 52})
    with pytest.raises(InputError, match="chain_linked"):
        growth_contributions(gdp, {"C": c, "I": i})  # 50 + 49 != 100
    with pytest.raises(InputError, match="volume indices"):
        growth_contributions(series("gdp", {1: 100, 2: 105}, basis="current"), {"C": series("c", {1: 1, 2: 2},
                                                                                            basis="current")})
    with pytest.raises(InputError, match="reserved"):
        growth_contributions(gdp, {"additivity_residual": c})
    with pytest.raises(InputError, match="same economies and years"):
        growth_contributions(gdp, {"C": series("c", {1: 50, 2: 53, 3: 54})})
    with pytest.raises(InputError, match="both total_index"):
        growth_contributions(gdp, {"C": c}, total_index=series("x", {1: 100, 2: 101}, basis="index_prev100"))
    with pytest.raises(InputError, match="precedes the first year"):
        lv = series("gdp", {2003: 1, 2004: 2, 2005: 3}, basis="current")
        ix = series("gi", {2003: 100, 2004: 101, 2005: 102}, basis="index_prev100")
        growth_contributions(lv, {"C": lv}, total_index=ix, component_indices={"C": ix}, base_years="quinquennial")
    with pytest.raises(OptionError):
        lv = series("gdp", {2000: 1, 2001: 2}, basis="current")
        ix = series("gi", {2000: 100, 2001: 101}, basis="index_prev100")
        growth_contributions(lv, {"C": lv}, total_index=ix, component_indices={"C": ix}, base_years="decennial")


# ================================================================================== 5.3 targets
def value(df, indicator):
    return df.set_index("indicator").loc[indicator, "value"]


def test_doubling_in_15_years_needs_4_729_percent():
    """METHODS.md 5.3 test case and identity X0 (1 + g*)^(T - t0) = X_T."""
    out = required_growth(1.0, 2.0, base_year=2020, target_year=2035)
    g = value(out, "required_cagr")
    assert round(g, 3) == 4.729
    assert (1 + g / 100) ** 15 == pytest.approx(2.0, rel=1e-14)
    assert value(years_to_target(1.0, 2.0, rate_pct=g), "years_to_target") == pytest.approx(15.0, rel=1e-12)


def test_shortfall_at_current_rate():
    out = required_growth(100.0, 200.0, base_year=2020, target_year=2035, current_rate_pct=4.0)
    projected = 100 * 1.04 ** 15
    assert value(out, "projected_level_at_target_year") == pytest.approx(projected)
    assert value(out, "level_shortfall_at_target_year") == pytest.approx(200 - projected)
    assert value(out, "rate_shortfall_pp") == pytest.approx(value(out, "required_cagr") - 4.0)
    assert value(out, "years_to_target") == pytest.approx(math.log(2) / math.log(1.04))
    never = required_growth(100.0, 200.0, base_year=2020, target_year=2035, current_rate_pct=-1.0)
    assert math.isnan(value(never, "years_to_target"))


def test_per_capita_real_and_nominal_targets():
    per_capita = required_growth(1.0, 2.0, base_year=2020, target_year=2035, per_capita=True,
                                 population_growth_pct=0.5, inflation_pct=2.0)
    g = value(per_capita, "required_cagr") / 100
    assert value(per_capita, "required_total_growth") == pytest.approx(100 * ((1 + g) * 1.005 - 1))
    assert value(per_capita, "required_nominal_growth") == pytest.approx(100 * ((1 + g) * 1.02 - 1))
    total = required_growth(1.0, 2.0, base_year=2020, target_year=2035, population_growth_pct=0.5)
    assert value(total, "required_per_capita_growth") == pytest.approx(100 * ((1 + g) / 1.005 - 1))


def test_share_target():
    """g_sector = (1 + g_GDP)(s_T / s_0)^(1/n) - 1; a constant share needs the GDP rate."""
    out = share_target_growth(27.0, 30.0, base_year=2020, target_year=2030, gdp_growth_pct=5.0)
    assert value(out, "required_sector_growth") == pytest.approx(100 * (1.05 * (30 / 27) ** 0.1 - 1))
    steady = share_target_growth(27.0, 27.0, base_year=2020, target_year=2030, gdp_growth_pct=5.0)
    assert value(steady, "required_sector_growth") == pytest.approx(5.0)
    with pytest.raises(InputError, match="exceeds 100"):
        share_target_growth(27.0, 130.0, base_year=2020, target_year=2030, gdp_growth_pct=5.0)


def test_target_bad_input_messages():
    with pytest.raises(InputError, match="allow_decline=True"):
        required_growth(100, 80, base_year=2020, target_year=2030)
    decline = required_growth(100, 80, base_year=2020, target_year=2030, allow_decline=True)
    assert value(decline, "required_cagr") < 0
    with pytest.raises(InputError, match="no time to grow"):
        required_growth(1, 2, base_year=2020, target_year=2020)
    with pytest.raises(InputError, match="before base_year"):
        required_growth(1, 2, base_year=2020, target_year=2010)
    with pytest.raises(InputError, match="must be positive"):
        required_growth(0, 2, base_year=2020, target_year=2030)
    with pytest.raises(InputError, match="must be positive"):
        required_growth(-5, 2, base_year=2020, target_year=2030, allow_decline=True)
    with pytest.raises(InputError, match=r"target: non-numeric value '2 trillion'"):
        required_growth(1, "2 trillion", base_year=2020, target_year=2030)
    with pytest.raises(InputError, match="exceed -100"):
        required_growth(1, 2, base_year=2020, target_year=2030, inflation_pct=-100)
    with pytest.raises(InputError, match="never reaches"):
        years_to_target(1, 2, rate_pct=0)
    with pytest.raises(InputError, match="never reaches"):
        years_to_target(1, 2, rate_pct=-3)


# ================================================================================== 5.1 trade dependence
def trade_inputs(**overrides):
    args = dict(exports=series("ex", {2018: 30.0, 2019: 33.0}, basis="current", currency="USD", source="customs",
                               coverage="goods"),
                imports=series("im", {2018: 20.0, 2019: 22.0}, basis="current", currency="USD", source="customs",
                               coverage="goods"),
                gdp=series("gdp", {2018: 700.0, 2019: 770.0}, basis="current", currency="CNY", source="NA"),
                exchange_rate=series("xr", {2018: 700.0, 2019: 690.0}, basis="current", currency="CNY/USD",
                                     scale=0.01, source="rates"))
    args.update(overrides)
    return args


def test_trade_dependence_identity_and_conversion():
    out = trade_dependence(**trade_inputs())
    got = out.set_index(["year", "indicator"])["value"]
    assert got[(2018, "gross_trade_dependence")] == pytest.approx(100 * 50 * 7.0 / 700)
    assert got[(2019, "gross_trade_dependence")] == pytest.approx(100 * 55 * 6.9 / 770)
    for year in (2018, 2019):
        assert got[(year, "gross_trade_dependence")] == pytest.approx(
            got[(year, "gross_export_dependence")] + got[(year, "gross_import_dependence")], rel=1e-14)
    record = out.attrs["options"]["exchange_rate"]
    assert record["values"] == {"X": {2018: 7.0, 2019: 6.9}} and record["unit"].startswith("CNY/USD")
    assert out.attrs["options"]["coverage"] == "goods"
    inverse = trade_inputs(exchange_rate=series("xr", {2018: 1 / 7.0, 2019: 1 / 6.9}, basis="current",
                                                currency="USD/CNY", source="rates"))
    pd.testing.assert_series_equal(trade_dependence(**inverse)["value"], out["value"])


def test_trade_dependence_refuses_mixed_inputs():
    with pytest.raises(InputError, match="never mix sources"):
        trade_dependence(**trade_inputs(imports=series("im", {2018: 20.0, 2019: 22.0}, basis="current",
                                                       currency="USD", source="balance of payments",
                                                       coverage="goods")))
    with pytest.raises(InputError, match="same coverage"):
        trade_dependence(**trade_inputs(imports=series("im", {2018: 20.0, 2019: 22.0}, basis="current",
                                                       currency="USD", source="customs",
                                                       coverage="goods_and_services")))
    with pytest.raises(InputError, match="pass exchange_rate"):
        trade_dependence(**trade_inputs(exchange_rate=None))
    with pytest.raises(InputError, match="expected CNY/USD or USD/CNY"):
        trade_dependence(**trade_inputs(exchange_rate=series("xr", {2018: 1.0, 2019: 1.0}, basis="current",
                                                             currency="EUR/USD", source="rates")))
    with pytest.raises(InputError, match="current-price"):
        trade_dependence(**trade_inputs(gdp=series("gdp", {2018: 700.0, 2019: 770.0}, currency="CNY")))
    with pytest.raises(InputError, match="no value for"):
        trade_dependence(**trade_inputs(gdp=series("gdp", {2019: 770.0}, basis="current", currency="CNY")))


def test_trade_dependence_nonpositive_gdp():
    bad_gdp = series("gdp", {2018: 0.0, 2019: 770.0}, basis="current", currency="CNY")
    with pytest.raises(InputError, match=r"zero or negative for \[\('X', 2018\)\]"):
        trade_dependence(**trade_inputs(gdp=bad_gdp))
    out = trade_dependence(**trade_inputs(gdp=bad_gdp), nonpositive_gdp="nan")
    ratios = out[out["indicator"] == "gross_trade_dependence"].set_index("year")["value"]
    assert math.isnan(ratios[2018]) and ratios[2019] > 0


# ================================================================================== policy figures
# Published figures and first-release inputs, with where they were published (docs/macro_reconciliation.md):
GDP_2006_VERIFIED = 210871        # 100m CNY, NBS announcement of 2007-07-11 (initial verification of 2006 GDP)
GDP_2006_PRELIMINARY = 209407     # 100m CNY, NBS preliminary estimate (13l.net/l/646820271655471805.html)
GDP_2019_FINAL = 986515           # 100m CNY, NBS final verification of 2019 GDP (Xinhua, 2020-12-30)
GDP_2019_FIFTH_CENSUS = 1005872.4  # 100m CNY, NBS export after the 5th economic census (AfterMaxQ/...@5f6d7d77)
GDP_2019_FIRST = 990865           # 100m CNY, NBS statistical communique on 2019, 2020-02-28
TRADE_2019_FIRST = 315400         # 100m CNY, GACC press conference 2020-01-14: "31.54 万亿元"
GDP_1978_NBS = 3679               # 100m CNY, NBS report on 40 years of reform and opening (Xinhua, 2018-08-27)
CONTRIB_2019_FIRST = {"cons": 57.8, "gcf": 31.2, "nx": 11.0}  # NBS statistical communique on 2019


def nbs_trade_dependence(currency="100m_cny"):
    nbs = load_macro("nbs_national")
    rate = nbs.series("cny_per_100usd") if currency == "mn_usd" else None
    out = trade_dependence(nbs.series(f"goods_exports_{currency}"), nbs.series(f"goods_imports_{currency}"),
                           nbs.series("gdp_100m_cny"), exchange_rate=rate)
    return out.pivot(index="year", columns="indicator", values="value")


def test_trade_dependence_2006_peak_and_2019():
    td = nbs_trade_dependence()
    ratio = td["gross_trade_dependence"]
    assert ratio.idxmax() == 2006
    assert round(ratio[2006], 1) == 64.2          # revised GDP (current NBS series)
    assert round(ratio[2019], 1) == 32.0          # PROVENANCE.md section 2
    trade_2006 = td.loc[2006, "exports_level"] + td.loc[2006, "imports_level"]
    assert round(100 * trade_2006 / GDP_2006_VERIFIED, 1) == 66.9   # the quoted peak: same trade, 2007 GDP vintage
    assert round(100 * trade_2006 / GDP_2006_PRELIMINARY, 1) == 67.3
    assert round(100 * TRADE_2019_FIRST / GDP_2019_FIRST, 1) == 31.8  # the quoted 2019 figure: first releases
    trade_2019 = td.loc[2019, "exports_level"] + td.loc[2019, "imports_level"]
    assert round(100 * trade_2019 / GDP_2019_FIRST, 1) == 31.9
    assert round(100 * TRADE_2019_FIRST / GDP_2019_FINAL, 1) == 32.0
    assert round(100 * trade_2019 / GDP_2019_FIFTH_CENSUS, 1) == 31.4
    in_usd = nbs_trade_dependence("mn_usd")["gross_trade_dependence"]
    assert (round(in_usd[2006], 1), round(in_usd[2019], 1)) == (64.0, 32.0)


def test_trade_dependence_1978_from_wdi():
    wdi = load_macro("wdi_china")
    out = trade_dependence(wdi.series("NE.EXP.GNFS.CD"), wdi.series("NE.IMP.GNFS.CD"), wdi.series("NY.GDP.MKTP.CD"))
    ratio = out[out["indicator"] == "gross_trade_dependence"].set_index("year")["value"]
    assert (round(ratio[1978], 1), round(ratio[2006], 1), round(ratio[2019], 1)) == (15.4, 64.5, 35.9)
    trade_usd = out[(out["year"] == 1978) & out["indicator"].isin(["exports_level", "imports_level"])]["value"].sum()
    xr_1978 = load_macro("pwt").series("xr", economies=["CHN"], years=[1978]).values.iloc[0]
    gdp_usd_official_rate = GDP_1978_NBS * 1e8 / xr_1978
    assert round(100 * trade_usd / gdp_usd_official_rate, 1) == 10.6
    shares = out[(out["year"] == 1978)].set_index("indicator")["value"]
    assert round(100 * shares["exports_level"] / gdp_usd_official_rate, 1) == 4.9
    assert round(100 * shares["imports_level"] / gdp_usd_official_rate, 1) == 5.6
    implied_rate = GDP_1978_NBS * 1e8 / wdi.series("NY.GDP.MKTP.CD", years=[1978]).values.iloc[0]
    assert round(implied_rate, 2) == 2.46 and round(xr_1978, 4) == 1.6836


def test_2019_demand_contributions_revised_vs_first_release():
    nbs = load_macro("nbs_national")
    v = nbs.values[nbs.values["year"] == 2019].set_index("series")["value"]
    revised = {k: round(v[f"contrib_{k}_pct"], 1) for k in CONTRIB_2019_FIRST}
    assert revised == {"cons": 58.6, "gcf": 28.9, "nx": 12.6}
    assert sum(v[f"contrib_{k}_pct"] for k in CONTRIB_2019_FIRST) == pytest.approx(100.0, abs=1e-9)
    growth = sum(v[f"pull_{k}_pp"] for k in CONTRIB_2019_FIRST)
    for k in CONTRIB_2019_FIRST:
        assert v[f"pull_{k}_pp"] == pytest.approx(v[f"contrib_{k}_pct"] * growth / 100, rel=1e-9)
    assert sum(CONTRIB_2019_FIRST.values()) == pytest.approx(100.0)


def test_provincial_trade_dependence():
    out = provincial_trade_dependence()
    ratios = out[out["indicator"] == "gross_trade_dependence"]
    assert ratios["economy"].nunique() == 31 and sorted(ratios["year"].unique()) == list(range(2000, 2020))
    assert ratios.set_index(["economy_name", "year"])["value"].notna().all()
    record = out.attrs["options"]["exchange_rate"]
    assert set(record["values"]) == set(ratios["economy"]) and record["values"]["110000"][2019] == 6.8985
    # provinces add up to the national goods trade in CNY within 1.1 % (the national CNY series is not converted at
    # the annual average rate)
    levels = out[out["indicator"].isin(["exports_level", "imports_level"])].groupby("year")["value"].sum()
    national = nbs_trade_dependence()
    np.testing.assert_allclose(levels, national["exports_level"] + national["imports_level"], rtol=0.011)
    usd = load_macro("nbs_provincial").series("trade_firm_loc_total").values.groupby(level="year").sum() / 1e3
    national_usd = load_macro("nbs_national").series("goods_trade_total_mn_usd").values.droplevel("economy")
    np.testing.assert_allclose(usd, national_usd, rtol=0.0012)
    in_2019 = ratios[ratios["year"] == 2019].set_index("economy_name")["value"].round(1)
    assert in_2019.nlargest(3).to_dict() == {"上海市": 89.7, "北京市": 81.1, "广东省": 66.2}


def test_provincial_trade_by_destination_and_source():
    provinces, nbs = load_macro("nbs_provincial"), load_macro("nbs_national")
    exports, imports = provinces.series("trade_dest_src_exports"), provinces.series("trade_dest_src_imports")
    rate = nbs.series("cny_per_100usd").for_economies(exports.economies)
    out = trade_dependence(exports, imports, provinces.series("grp"), exchange_rate=rate)
    got = out[(out["indicator"] == "gross_trade_dependence") & (out["year"] == 2019)].set_index("economy")["value"]
    assert got[["110000", "310000", "440000"]].round(1).tolist() == [21.9, 86.0, 75.7]
