"""Industrial transfer, SDA and the five trends (METHODS.md section 7): identities I21-I23 of 9.1 on random tables
(hypothesis; negative inventories and zero-output cells) and on the real WIOD 2013 tables (1995 vs 2011, built-in)
and the long-run WIOD (shared data).  The WIOD tables carry no emissions, so greening (I23) runs on random tables
with a CO2 satellite."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import measure_checks
from shared_paths import shared_file
from dualcirc import datasets
from dualcirc.engine import engine_for
from dualcirc.errors import InputError, OptionError
from dualcirc.measures import core, transfer as tr, vat
from dualcirc.tables.model import IOTable, Satellite
from dualcirc.testing import random_icio

RTOL_REAL = 1e-8      # n <= 10^4
SETTINGS = settings(max_examples=15, deadline=None, database=None)


close = partial(measure_checks.close, nan_ok=False)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.fixture(scope="module")
def wiod():
    """The built-in WIOD 2013 tables of 1995 and 2011, loaded once so that their engines are shared."""
    return {year: datasets.load("wiod2013", year) for year in (1995, 2011)}


@st.composite
def table_pairs(draw):
    """Two random table-years with the same regions, sectors and categories."""
    G, N = draw(st.integers(2, 4)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 10_000))
    neg = draw(st.booleans())
    zeros = draw(st.integers(0, min(2, G * N - G)))
    return (random_icio(G, N, seed=seed, negative_inventories=neg, zero_output_cells=zeros),
            random_icio(G, N, seed=seed + 1, negative_inventories=neg, zero_output_cells=zeros))


def effects(result: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """SDA result wide: rows (region, sector) in table order, columns the effects."""
    wide = result.pivot_table(index=["region", "sector"], columns="effect", values=column, sort=False,
                              observed=True)
    return wide


# ---------------------------------------------------------------------------------------------------------------
# 7.1 shares and shift-share (I22)

@st.composite
def panels(draw):
    R, J = draw(st.integers(2, 5)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    X0, X1 = rng.random((R, J)) * 100, rng.random((R, J)) * 100
    X0[rng.random((R, J)) < 0.2] = 0.0          # region-sectors absent at the start (whole sectors: new)
    X1[rng.random((R, J)) < 0.1] = 0.0          # ... or at the end
    rows = [{"year": year, "region": f"R{r}", "sector": f"S{j}", "value": X[r, j]}
            for year, X in ((2000, X0), (2010, X1)) for r in range(R) for j in range(J)]
    return pd.DataFrame(rows)


@given(panels())
@SETTINGS
def test_shift_share_identities(levels):
    res = tr.shift_share(levels, 2000, 2010, homothetic=True)
    c = res.cells.pivot(index=["region", "sector"], columns="indicator", values="value")
    sector = c.index.get_level_values("sector")
    existing = c["level_start"].groupby(level="sector").sum() != 0         # sectors present at the start
    ok = np.asarray(existing.reindex(sector))
    by_sector = c[ok].groupby(level="sector")
    close(by_sector["transfer"].sum(), 0.0, rtol=1e-12 * max(1.0, c["level_end"].abs().max()))
    close(by_sector["share_change"].sum(), 0.0)
    close(by_sector["share_start"].sum(), 1.0)
    ends = c.groupby(level="sector")["level_end"].sum() != 0
    close(c.groupby(level="sector")["share_end"].sum()[ends], 1.0)
    close(c["national_growth_effect"][ok] + c["industry_mix_effect"][ok] + c["competitive_effect"][ok],
          c["level_change"][ok])
    close(c["competitive_effect"][ok], c["transfer"][ok])
    present = ok & (c["level_start"] != 0).to_numpy()
    close(c["homothetic_competitive_effect"][present] + c["allocation_effect"][present],
          c["competitive_effect"][present])
    both = ok & np.asarray(ends.reindex(sector))
    close(c["speed_pp_per_year"][both], 100 * c["share_change"][both] / 10)
    assert c["share_start"][~ok].isna().all() and c["transfer"][~ok].isna().all()      # new sectors: levels only
    ti = res.sectors[res.sectors["indicator"] == "transfer_intensity"].set_index("sector")["value"]
    assert ti[~(existing & ends)].isna().all()
    ti = ti[existing & ends]
    close(ti, 0.5 * c["share_change"].abs().groupby(level="sector").sum().reindex(ti.index) / 10)
    net = res.regions[res.regions["indicator"] == "net_transfer"].set_index("region")["value"]
    close(net.sum(), 0.0, rtol=1e-9)


def test_shift_share_hand_example():
    """Two regions, one sector: 60/40 -> 90/110 (total 100 -> 200)."""
    levels = pd.DataFrame({"year": [2000, 2000, 2010, 2010], "region": ["A", "B", "A", "B"], "sector": "m",
                           "value": [60.0, 40.0, 90.0, 110.0]})
    c = tr.shift_share(levels, 2000, 2010).cells.pivot(index="region", columns="indicator", values="value")
    close(c["share_change"], [-0.15, 0.15])
    close(c["transfer"], [90 - 0.6 * 200, 110 - 0.4 * 200])            # -30 and +30
    close(c["speed_pp_per_year"], [-1.5, 1.5])
    close(c["national_growth_effect"], [60.0, 40.0])                    # g = 1
    close(c["industry_mix_effect"], [0.0, 0.0])                         # one sector: g_j = g


def test_shift_share_new_sector_and_mismatch():
    levels = pd.DataFrame({"year": [2000, 2000, 2010, 2010], "region": ["A", "B", "A", "B"], "sector": "new",
                           "value": [0.0, 0.0, 5.0, 7.0]})
    c = tr.shift_share(levels, 2000, 2010).cells.pivot(index="region", columns="indicator", values="value")
    assert c["share_start"].isna().all() and c["transfer"].isna().all()
    close(c["level_change"], [5.0, 7.0])
    bad = pd.concat([levels, pd.DataFrame({"year": [2010], "region": ["C"], "sector": ["new"], "value": [1.0]})])
    with pytest.raises(InputError, match="concordance"):
        tr.shift_share(bad, 2000, 2010)
    with pytest.raises(OptionError):
        tr.shift_share(levels, 2010, 2000)


def test_sector_levels_from_tables_and_groups():
    t0, t1 = random_icio(3, 3, seed=1), random_icio(3, 3, seed=2)
    levels = tr.sector_levels({2000: t0, 2010: t1}, "va", groups={"AB": ["S01", "S02"]})
    close(levels[levels["year"] == 2000]["value"], t0.va.reshape(3, 3)[:, :2].sum(1))
    assert set(levels["sector"]) == {"AB"}
    emp = tr.sector_levels({2000: t0}, "employment")
    close(emp["value"], t0.satellites["employment"].values)
    with pytest.raises(OptionError, match="measure"):
        tr.sector_levels({2000: t0}, "nonsense")
    with pytest.raises(InputError, match="share a year"):
        tr.sector_levels([t0, t1])                                         # both random tables say 2020


# ---------------------------------------------------------------------------------------------------------------
# 7.2 SDA (I21)

def _sequential(f, phi0, phi1, order):
    """Sequential decomposition in ``order``: factors already passed at tau_1, the rest at tau_0."""
    state = list(phi0)
    out = [0.0] * len(phi0)
    for j in order:
        before = f(state)
        state[j] = phi1[j]
        out[j] = f(state) - before
    return out


def test_order_weights_equal_brute_force_averages():
    """'exact' = the mean over all k! orders, 'polar' = the mean of orders 1..k and k..1 (METHODS.md 7.2)."""
    rng = np.random.default_rng(3)
    k = 4
    phi0, phi1 = list(rng.random((k, 5))), list(rng.random((k, 5)))

    def f(phis):            # multilinear, and one non-linear term: the averages must hold for any f
        return np.prod(phis, axis=0) + phis[0] ** 2 * phis[2]

    def evaluate(mask):
        return f([phi1[j] if mask >> j & 1 else phi0[j] for j in range(k)])

    perms = list(itertools.permutations(range(k)))
    brute = np.mean([_sequential(f, phi0, phi1, p) for p in perms], axis=0)
    close(np.array(tr._attribute(evaluate, k, "exact")), brute)
    forms = [_sequential(f, phi0, phi1, range(k)), _sequential(f, phi0, phi1, range(k - 1, -1, -1))]
    for form in forms:                                   # each polar form alone is exact
        close(np.sum(form, axis=0), evaluate(2 ** k - 1) - evaluate(0))
    close(np.array(tr._attribute(evaluate, k, "polar")), np.mean(forms, axis=0))
    close(np.array(tr._attribute(evaluate, k, "exact")).sum(0), evaluate(2 ** k - 1) - evaluate(0))


@given(table_pairs(), st.sampled_from(["va", "output", "co2"]), st.sampled_from(["split", "merged"]))
@SETTINGS
def test_sda_effects_add_up_for_both_methods(pair, measure, categories):
    t0, t1 = pair
    polar = tr.sda(t0, t1, measure=measure, method="polar", categories=categories)
    exact = tr.sda(t0, t1, measure=measure, method="exact", categories=categories)
    for result in (polar, exact):
        wide = effects(result)
        total = wide.pop("total_change")
        close(wide.sum(1), total)
    wp, we = effects(polar), effects(exact)
    close(wp["total_change"], we["total_change"])
    close(effects(polar, "gap"), (wp - we).reindex(columns=effects(polar, "gap").columns))
    values = {"va": lambda t: t.va, "output": lambda t: t.x, "co2": lambda t: t.satellites["co2"].values}[measure]
    active = (t0.x > 0) & (t1.x > 0)
    close(wp["total_change"].to_numpy()[active], (values(t1) - values(t0))[active])


@given(table_pairs())
@SETTINGS
def test_delta_L_identities(pair):
    """I21: L1 - L0 = L1 dA L0 = L0 dA L1 = 1/2 [L1 dA L0 + L0 dA L1] (METHODS.md 7.2)."""
    t0, t1 = pair
    e0, e1 = engine_for(t0), engine_for(t1)
    L0, L1, dA = e0.L, e1.L, e1.A - e0.A
    close(L1 @ dA @ L0, L1 - L0)
    close(L0 @ dA @ L1, L1 - L0)


def _from_coefficients(base: IOTable, A: np.ndarray, Yfull: np.ndarray, co2_per_output=None) -> IOTable:
    """A table with technical coefficients A and final demand Yfull on the base table's labels (x = L y)."""
    x = np.linalg.solve(np.eye(base.n) - A, Yfull.sum((1, 2)))
    sats = {}
    if co2_per_output is not None:
        sats["co2"] = Satellite("co2", co2_per_output * x, "kt CO2")
    return IOTable.from_arrays(A * x[None, :], Yfull, x, regions=base.regions, sectors=base.sectors,
                               fd_categories=base.fd_categories, satellites=sats)


def test_sda_effect_is_zero_when_its_factor_is_unchanged():
    base = random_icio(3, 3, seed=11, negative_inventories=False)
    e = engine_for(base)
    A, Y = e.A, base.Y
    f = base.satellites["co2"].values / base.x
    t0 = _from_coefficients(base, A, Y, f)
    # final demand scaled uniformly: only the level effect
    r = effects(tr.sda(t0, _from_coefficients(base, A, 1.3 * Y, f), measure="va"))
    others = r.drop(columns=["fd_level", "total_change"]).to_numpy()
    assert np.abs(others).max() <= 1e-10 * np.abs(r["total_change"]).max()
    # emission intensities only
    r = effects(tr.sda(t0, _from_coefficients(base, A, Y, 2 * f), measure="co2"))
    close(r["intensity"], r["total_change"])
    # whole columns of A scaled: origin shares unchanged, so no trade-pattern effect
    k = np.random.default_rng(0).uniform(0.8, 1.2, base.n)
    r = effects(tr.sda(t0, _from_coefficients(base, A * k[None, :], Y, f), measure="output"))
    close(r["trade_intermediate"], 0.0)
    close(r["technology"], r["total_change"])
    # origin shares of each input swapped between regions, totals kept: no technology effect
    G, N = base.G, base.N
    A_swapped = A.reshape(G, N, -1)[[1, 0, 2]].reshape(base.n, base.n)
    r = effects(tr.sda(t0, _from_coefficients(base, A_swapped, Y, f), measure="output"))
    close(r["technology"], 0.0)
    close(r["trade_intermediate"], r["total_change"])


def test_sda_needs_one_classification_and_common_classification_provides_it():
    t0 = random_icio(3, 3, seed=4)
    t1 = random_icio(3, 4, seed=5)
    with pytest.raises(InputError, match="common_classification"):
        tr.sda(t0, t1)
    merge = {"S01": "S01", "S02": "S02", "S03": "S03", "S04": "S03"}
    a0, a1 = tr.common_classification(t0, t1, sectors1=merge)
    assert a1.sectors == a0.sectors
    wide = effects(tr.sda(a0, a1))
    close(wide.drop(columns="total_change").sum(1), wide["total_change"])
    reordered = tr.common_classification(t0, t0, regions1={"R03": "R03", "R01": "R01", "R02": "R02"})[1]
    assert reordered.regions == t0.regions
    with pytest.raises(InputError, match="still differ"):
        tr.common_classification(t0, t1)
    with pytest.raises(OptionError):
        tr.sda(t0, t0, method="lmdi")


def test_sda_refuses_factors_that_cannot_reproduce_final_demand():
    t0 = random_icio(2, 2, seed=6, negative_inventories=False)
    Y = t0.Y.copy()
    k = t0.fd_categories.index("INVNT")
    Y[:, 0, k] = 0.0
    Y[0, 0, k], Y[1, 0, k] = 2.0, -2.0           # entries cancel to a zero category total
    t1 = IOTable.from_arrays(t0.Z, Y, fd_categories=t0.fd_categories, regions=t0.regions, sectors=t0.sectors,
                             x_policy="rowsum")
    with pytest.raises(InputError, match="merge the categories"):
        tr.sda(t0, t1)
    wide = effects(tr.sda(t0, t1, categories="merged"))
    close(wide.drop(columns="total_change").sum(1), wide["total_change"])


def test_io_transfer_is_the_trade_pattern_part_of_the_output_sda():
    t0, t1 = random_icio(3, 2, seed=8), random_icio(3, 2, seed=9)
    out = tr.io_transfer(t0, t1)
    sda = tr.sda(t0, t1, measure="output", categories="merged")
    by = sda.pivot_table(index="region", columns="effect", values="value", aggfunc="sum", observed=True)
    moved = out[out["indicator"] == "io_transfer"].set_index("region")["value"]
    close(moved, (by["trade_intermediate"] + by["fd_sourcing"]).reindex(moved.index))
    close(out.attrs["options"]["sum_over_regions"], moved.sum())


def test_sda_on_wiod_1995_2011_china_value_added(wiod):
    """Real tables: every cell adds up for both methods; China's total is its VA change in the tables."""
    t0, t1 = wiod[1995], wiod[2011]
    for method in tr.METHODS:
        result = tr.sda(t0, t1, measure="va", method=method)
        wide = effects(result)
        close(wide.drop(columns="total_change").sum(1), wide["total_change"], RTOL_REAL)
        chn = result[result["region"] == "CHN"].groupby("effect", observed=True)["value"].sum()
        china = t0.region_index("CHN")
        change = t1.va.reshape(t1.G, t1.N)[china].sum() - t0.va.reshape(t0.G, t0.N)[china].sum()
        assert abs(chn["total_change"] - change) <= 1e-6 * change
        assert chn["fd_level"] > 0.5 * change          # world final-demand growth drives most of it


# ---------------------------------------------------------------------------------------------------------------
# 7.6 greening (I23) - random tables: the WIOD 2013 tables carry no emissions

@given(st.integers(2, 4), st.integers(1, 3), st.integers(0, 10_000), st.booleans())
@SETTINGS
def test_emissions_identities(G, N, seed, negative):
    t = random_icio(G, N, seed=seed, negative_inventories=negative, zero_output_cells=min(1, G * N - G))
    lv = tr.emissions_in_trade({2000: t}, "co2").levels.pivot(index="region", columns="indicator", values="value")
    lv = lv.reindex(list(t.regions))
    close(lv["cba"], lv["pba"] - lv["eee"] + lv["eei"])
    close(lv["cba"].sum(), lv["pba"].sum())
    close(lv["pba"] - lv["household_direct"], lv["eebt_exports"] + lv["eebt_domestic_final"])
    fp = core.footprints(t, "co2").pivot(index="region", columns="account", values="value").reindex(list(t.regions))
    close(lv["cba"], fp["consumption_based"])
    close(lv["pba"], fp["production_based"])


def test_emissions_bilateral_and_errors(wiod):
    t = random_icio(3, 2, seed=21)
    res = tr.emissions_in_trade({2000: t}, "co2")
    eebt = res.detail.pivot(index="exporter", columns="importer", values="value").reindex(index=list(t.regions),
                                                                                          columns=list(t.regions))
    lv = res.levels.pivot(index="region", columns="indicator", values="value").reindex(list(t.regions))
    close(np.diag(eebt.to_numpy()), 0.0)
    close(eebt.sum(1), lv["eebt_exports"])
    with pytest.raises(OptionError, match="no satellite"):
        tr.emissions_in_trade({2011: wiod[2011]}, "co2")


@pytest.mark.parametrize("emissions, gdp, expected", [
    (-0.1, 0.2, "strong_decoupling"), (0.05, 0.2, "weak_decoupling"), (0.2, 0.2, "expansive_coupling"),
    (0.4, 0.2, "expansive_negative_decoupling"), (0.1, -0.2, "strong_negative_decoupling"),
    (-0.4, -0.2, "recessive_decoupling"), (-0.2, -0.2, "recessive_coupling"), (-0.05, -0.2, "weak_negative_decoupling"),
    (0.1, 0.0, "undefined")])
def test_tapio_classes(emissions, gdp, expected):
    assert tr.tapio_class(emissions, gdp) == expected


def test_decoupling_uses_pba_and_gdp_growth():
    ts = {2000: random_icio(3, 2, seed=1), 2005: random_icio(3, 2, seed=2)}
    out = tr.decoupling(ts, "co2")
    lv = tr.emissions_in_trade(ts, "co2").levels.pivot_table(index=["region", "year"], columns="indicator",
                                                              values="value")
    r = out[(out["region"] == "R01")].set_index("indicator")
    close(r.loc["emissions_growth", "value"], lv.loc[("R01", 2005), "pba"] / lv.loc[("R01", 2000), "pba"] - 1)
    close(r.loc["gdp_growth", "value"], lv.loc[("R01", 2005), "gdp"] / lv.loc[("R01", 2000), "gdp"] - 1)
    assert r["tapio_class"].iloc[0] == "transfer.tapio." + tr.tapio_class(r.loc["emissions_growth", "value"],
                                                                          r.loc["gdp_growth", "value"])


# ---------------------------------------------------------------------------------------------------------------
# 7.3 regionalisation

def test_regionalisation_shares_and_whole_world_bloc():
    ts = {2000: random_icio(4, 2, seed=31), 2005: random_icio(4, 2, seed=32)}
    part = tr.regionalisation(ts, ["R01", "R02"]).levels
    shares = part[part["unit"] == "ratio"]["value"]
    assert ((shares >= 0) & (shares <= 1)).all()
    world = tr.regionalisation(ts, list(ts[2000].regions)).levels.set_index(["year", "indicator"])["value"]
    for key in ("intra_va_exports_share", "intra_fva_share", "intra_gvc_trade_share", "regional_chain_index"):
        close(world.xs(key, level="indicator"), 1.0)
    with pytest.raises(OptionError, match="rest of the world"):
        tr.regionalisation(ts, ["R01", "ROW"])


def test_regionalisation_levels_agree_with_borin_mancini():
    t = random_icio(4, 3, seed=33, zero_output_cells=1)
    lv = tr.regionalisation({2000: t}, ["R01", "R03"]).levels.set_index("indicator")["value"]
    bm = vat.borin_mancini(t, level="country").pivot(index="exporter", columns="term", values="value")
    members = bm.loc[["R01", "R03"]]
    close(lv["fva"], members["FVA"].sum())                 # sum_t FVA_{t->s} = BM FVA_s
    close(lv["gvc_trade"], members["GVC"].sum())
    close(lv["members_exports"], members["GEXP"].sum())
    vaod = vat.va_absorption(t).pivot(index="exporter", columns="importer", values="value")
    close(lv["intra_va_exports"], vaod.loc["R01", "R03"] + vaod.loc["R03", "R01"])


def test_regionalisation_rcep_on_wiod(wiod):
    res = tr.regionalisation(wiod, "RCEP")
    assert res.levels.attrs["options"]["members"][1995] == ["AUS", "CHN", "IDN", "JPN", "KOR"]
    shares = res.levels[res.levels["unit"] == "ratio"]["value"]
    assert ((shares > 0) & (shares < 1)).all()
    assert set(res.trend["statistic"]) == {"first", "last", "change_pp", "annual_change_pp", "slope_pp"}


# ---------------------------------------------------------------------------------------------------------------
# 7.5 / 7.7 servitisation and digital content

def test_sector_content_identities_against_explicit_forms():
    t = random_icio(3, 4, seed=41, zero_output_cells=1)
    e = engine_for(t)
    S, rest = ["S01", "S03"], ["S02", "S04"]
    a = tr.sector_content({2000: t}, S).detail
    b = tr.sector_content({2000: t}, rest).detail

    def cell(frame, key):
        return frame[frame["indicator"] == key]["value"].to_numpy()

    active = e.active
    # services and non-services VA in exports add up to BM DVA + FVA (no double counting) and TiVA to e
    bm = vat.borin_mancini(t, level="sector").pivot_table(index=["exporter", "sector"], columns="term",
                                                        values="value", observed=True, sort=False)
    dva_fva = (bm["DVA"] + bm["FVA"]).reindex(pd.MultiIndex.from_tuples(list(t.cells))).to_numpy()
    close((cell(a, "exports_va") + cell(b, "exports_va"))[active], dva_fva[active])
    close((cell(a, "exports_tiva") + cell(b, "exports_tiva"))[active], cell(a, "exports")[active])
    # VA shares of final output: the two sets add up to v'L = 1; domestic + foreign = total
    close((cell(a, "va_share") + cell(b, "va_share"))[active], 1.0)
    close((cell(a, "va_share_domestic") + cell(a, "va_share_foreign"))[active], cell(a, "va_share")[active])
    # explicit forms: direct share from Z, complete share from L - I
    in_S = np.tile(np.isin(t.sectors, S), t.G)
    Zbar = t.Z.reshape(t.G, t.N, t.n).sum(0)
    direct = Zbar[np.isin(t.sectors, S)].sum(0) / Zbar.sum(0)
    close(cell(a, "direct_share")[active], direct[active])
    LI = e.L - np.eye(t.n)
    close(cell(a, "complete_share")[active], (LI[in_S].sum(0) / LI.sum(0))[active])
    shares = cell(a, "complete_share")[active]
    assert ((shares >= 0) & (shares <= 1)).all()


def test_servitisation_and_digital_on_wiod(wiod):
    serv = tr.servitisation(wiod)
    chn = serv.levels[serv.levels["region"] == "CHN"].pivot(index="indicator", columns="year", values="value")
    ratios = chn.loc[["direct_share", "complete_share", "va_share", "exports_va_share", "exports_tiva_share"]]
    assert ((ratios > 0) & (ratios < 1)).all().all()
    assert set(serv.detail["sector"]) == {f"c{k}" for k in range(3, 17)}          # manufacturing users only
    dig = tr.digital_intensity(wiod[2011])
    va = dig.detail[dig.detail["indicator"] == "va_share"]["value"].dropna()
    assert ((va >= 0) & (va <= 1)).all()
    assert "ISIC Rev. 3" in dig.levels.attrs["options"]["sector_sets"]


# ---------------------------------------------------------------------------------------------------------------
# 7.4 speed, hollowing-out and the trend break

def test_transfer_speed_mean_lies_between_sector_intensities():
    ts = {2000 + 5 * k: random_icio(3, 3, seed=50 + k) for k in range(3)}
    out = tr.transfer_speed(ts, sectors=["S01", "S02"])
    for (measure, start), part in out.groupby(["measure", "start"]):
        ti = part[part["indicator"] == "transfer_intensity"]["value"]
        mean = part[part["indicator"] == "transfer_intensity_mean"]["value"].item()
        assert ti.min() - 1e-15 <= mean <= ti.max() + 1e-15
    assert set(out["measure"]) == {"output", "va"}
    still = tr.transfer_speed({2000: ts[2000], 2005: replace(ts[2000], x=ts[2000].x * 2, W=ts[2000].W * 2)},
                              sectors=["S01"])
    close(still["value"], 0.0)


def test_trend_break_recovers_a_known_break():
    years = np.arange(1990, 2011)
    values = np.where(years <= 2000, 0.30 + 0.004 * (years - 1990), 0.34 - 0.006 * (years - 2000))
    fit = tr.trend_break(years, values)
    assert fit["break_year"] == 2000
    close([fit["slope_before"], fit["slope_after"]], [0.004, -0.006])
    assert np.isnan(fit["f_statistic"])                # exact fit: no residual variance
    noisy = values + np.random.default_rng(1).normal(0, 0.001, years.size)
    fit = tr.trend_break(years, noisy)
    assert abs(fit["break_year"] - 2000) <= 1 and fit["f_statistic"] > 10
    with pytest.raises(InputError):
        tr.trend_break([2000, 2001], [0.1, 0.2])


def test_hollowing_out_on_long_run_wiod():
    from dualcirc.readers.lrwiod import read_lrwiod
    tables = read_lrwiod(shared_file("io", "wiod_longrun", "lrwiod_wiot_1965_2000_every5y.parquet"))
    res = tr.hollowing_out(tables, va="VA")
    shares = res.levels["value"]
    assert ((shares > 0) & (shares < 1)).all()
    usa = res.detail[(res.detail["region"] == "USA") & (res.detail["indicator"] == "manufacturing_va_share")]
    slopes = usa.set_index("statistic")["value"]
    assert slopes["slope_before_pp"] < 0 and slopes["slope_after_pp"] < 0          # US manufacturing share falls
    levels = tr.sector_levels(tables, "VA", groups={"M": res.levels.attrs["options"]["manufacturing"]})
    ss = tr.shift_share(levels, 1965, 2000).cells.pivot(index="region", columns="indicator", values="value")
    close(ss["transfer"].sum(), 0.0, 1e-9)
    assert ss.loc["CHN", "transfer"] > 0 and ss.loc["USA", "transfer"] < 0


def _open(closed: IOTable, outside: int) -> IOTable:
    """A national-MRIO-like table: region ``outside`` cut out, its purchases the export vector and its sales the
    non-competitive imports Zm / Ym of the other regions (METHODS.md 4.3)."""
    G, N, C = closed.G, closed.N, len(closed.fd_categories)
    kept = [g for g in range(G) if g != outside]
    keep = np.concatenate([np.arange(g * N, (g + 1) * N) for g in kept])
    gone = np.arange(outside * N, (outside + 1) * N)
    exports = closed.Z[np.ix_(keep, gone)].sum(1) + closed.Y[keep][:, outside].sum(1)
    return IOTable.from_arrays(closed.Z[np.ix_(keep, keep)], closed.Y[keep][:, kept], closed.x[keep],
                               regions=[closed.regions[g] for g in kept], sectors=closed.sectors,
                               fd_categories=closed.fd_categories, va=closed.W[:, keep], va_rows=closed.va_rows,
                               exports=exports, Zm=closed.Z[np.ix_(gone, keep)],
                               Ym=closed.Y[gone][:, kept].reshape(N, G - 1, C))


def test_sda_and_content_on_tables_with_trade_outside_the_model():
    """Imports are an origin outside the table, exports a destination (EXPORTS): still exact."""
    t0, t1 = _open(random_icio(4, 3, seed=61), 3), _open(random_icio(4, 3, seed=62), 3)
    for method in tr.METHODS:
        wide = effects(tr.sda(t0, t1, method=method))
        close(wide.drop(columns="total_change").sum(1), wide["total_change"])
        close(wide["total_change"], t1.va - t0.va)
    content = tr.sector_content({2000: t0}, ["S01"]).detail
    assert "exports_va" not in set(content["indicator"])              # BM needs every exporter in the table
    va_share = content[content["indicator"] == "va_share"]["value"].to_numpy()
    assert ((va_share >= 0) & (va_share < 1)).all()                   # imports leak: v'L < 1
    with pytest.raises(InputError, match="inter-country"):
        tr.regionalisation({2000: t0}, ["R01", "R02"])
