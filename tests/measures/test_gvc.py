"""GVC participation and position (METHODS.md 3): regression values of 9.2 on the leather table, identities
I16-I17 on random tables against explicit n x n matrices, Koopman et al. (2010) options, the Antras-Chor and
open-economy corrections, and the identities on the real WIOD 2013 table for 2011."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given

from shared_paths import shared_file
from fixtures import leather as lf
from measure_checks import SETTINGS, close, tables
from dualcirc.errors import InputError, OptionError, TableWarning
from dualcirc.measures import gvc, vat
from dualcirc.tables.model import IOTable
from dualcirc.testing import random_icio


def terms(df, key="region"):
    """{term: values in row order} of a tidy gvc result (cells or regions in table order)."""
    out = {}
    codes = df["term"].cat.codes.to_numpy()
    values = df["value"].to_numpy()
    for i, term in enumerate(df["term"].cat.categories):
        out[term] = values[codes == i]
    return out


def by_exporter(df):
    codes, tcodes, values = df["exporter"].cat.codes.to_numpy(), df["term"].cat.codes.to_numpy(), df["value"].to_numpy()
    size = len(df["exporter"].cat.categories)
    out = {}
    for i, term in enumerate(df["term"].cat.categories):
        a = np.zeros(size)
        np.add.at(a, codes[tcodes == i], values[tcodes == i])
        out[term] = a
    return out


class Explicit:
    """n x n objects of a small table for reference forms."""

    def __init__(self, t):
        x = t.x
        active = x > 0
        self.t, self.n, self.x, self.active = t, t.n, x, active
        self.A = np.where(active[None, :], t.Z / np.where(active, x, 1.0)[None, :], 0.0)
        self.v = np.where(active, t.va / np.where(active, x, 1.0), 0.0)
        self.L = np.linalg.inv(np.eye(t.n) - self.A)
        same = t.region_of_cell[:, None] == t.region_of_cell[None, :]
        self.AF = np.where(same, 0.0, self.A)
        self.LD = np.linalg.inv(np.eye(t.n) - np.where(same, self.A, 0.0))
        Y = t.Y2
        own = Y[np.arange(t.n), t.region_of_cell]
        self.yD, self.y = own, Y.sum(1)
        self.yF = self.y - own


# ------------------------------------------------------------------------------------------ 9.2 regression
def test_leather_regression_values():
    t = lf.leather_table()
    w = terms(gvc.wwyz_participation(t, level="country"))
    arg = 0   # Argentina is the first region
    for name, value in lf.WWYZ_ARGENTINA.items():
        got = w["F_VA"][arg] if name == "GDP" else w[f"F_{name}"][arg]
        assert got == pytest.approx(value, abs=5e-7)
    st_ = terms(gvc.production_stages(t))
    assert st_["U"][0] == pytest.approx(lf.UPSTREAMNESS_CELL1, abs=5e-7)
    assert st_["D"][0] == pytest.approx(lf.DOWNSTREAMNESS_CELL1, abs=5e-7)
    pl = terms(gvc.production_length(t))
    close(pl["PLv"], st_["U"])
    close(pl["PLy"], st_["D"])


# ------------------------------------------------------------------------------------------ I16 (3.2)
@SETTINGS
@given(t=tables())
def test_I16_wwyz_parts_against_explicit_matrices(t):
    e = Explicit(t)
    v, LD, AF, L = np.diag(e.v), e.LD, e.AF, e.L
    parts = {
        "V_D": v @ LD @ np.diag(e.yD),
        "V_RT": v @ LD @ np.diag(e.yF),
        "V_GVC_S": v @ LD @ AF @ LD @ np.diag(e.yD),
        "V_GVC_C": v @ LD @ AF @ (L @ np.diag(e.y) - LD @ np.diag(e.yD)),
    }
    close(sum(parts.values()), v @ L @ np.diag(e.y))                                # 4 parts = v L y
    w = terms(gvc.wwyz_participation(t))
    for name, M in parts.items():
        close(w[f"F_{name}"], M.sum(1))
        close(w[f"B_{name}"], M.sum(0))
    close(sum(w[f"F_{k}"] for k in parts), t.va)                                    # rows = va
    close(sum(w[f"B_{k}"] for k in parts), e.y)                                     # columns = y


@SETTINGS
@given(t=tables())
def test_I16_country_links_to_bm_and_vaod(t):
    w = terms(gvc.wwyz_participation(t, level="country"))
    bm = by_exporter(vat.borin_mancini(t, level="country"))
    close(w["F_V_RT"] + w["F_V_GVC_S"], bm["DAVAX"])
    close(w["F_V_GVC_C"], bm["GVCF"])
    close(w["F_V_D"], t.gdp() - bm["DVA"])
    vaod = vat.va_absorption(t).pivot(index="exporter", columns="importer", values="value")
    close(np.diag(vaod.loc[list(t.regions), list(t.regions)].to_numpy()), w["F_V_D"] + bm["REF"])
    with np.errstate(invalid="ignore", divide="ignore"):
        close(w["F_GVCPT"], np.where(w["F_VA"] != 0, (w["F_V_GVC_S"] + w["F_V_GVC_C"]) / w["F_VA"], np.nan))


def _ratio(num, den):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)


@SETTINGS
@given(t=tables(negative=True))
def test_wwyz_inventories_excluded_from_shares(t):
    """0.6-4 'exclude_from_shares': levels as with 'keep' (identities hold); shares are those of final demand
    without INVNT, against explicit matrices; the inventory parts are reported separately."""
    e = Explicit(t)
    keep = terms(gvc.wwyz_participation(t))
    excl = terms(gvc.wwyz_participation(t, inventories="exclude_from_shares"))
    shares = ("F_GVCPT", "F_GVCPT_S", "F_GVCPT_C", "F_PURE_DOMESTIC",
              "B_GVCPT", "B_GVCPT_S", "B_GVCPT_C", "B_PURE_DOMESTIC")
    for name, values in keep.items():
        if name not in shares:
            close(excl[name], values)
    stock = t.Y[:, :, t.fd_categories.index("INVNT")]
    Y = t.Y2 - stock
    own = Y[np.arange(t.n), t.region_of_cell]
    y = Y.sum(1)
    v, LD, AF, L = np.diag(e.v), e.LD, e.AF, e.L
    parts = {"D": v @ LD @ np.diag(own), "S": v @ LD @ AF @ LD @ np.diag(own),
             "C": v @ LD @ AF @ (L @ np.diag(y) - LD @ np.diag(own))}
    va_rest = e.v * (L @ y)
    close(excl["F_VA_INVNT"], e.v * (L @ stock.sum(1)))
    close(excl["F_VA_INVNT"] + va_rest, t.va)
    close(excl["B_Y_INVNT"], stock.sum(1))
    close(excl["F_GVCPT_S"], _ratio(parts["S"].sum(1), va_rest))
    close(excl["F_GVCPT"], _ratio(parts["S"].sum(1) + parts["C"].sum(1), va_rest))
    close(excl["F_PURE_DOMESTIC"], _ratio(parts["D"].sum(1), va_rest))
    close(excl["B_GVCPT_C"], _ratio(parts["C"].sum(0), y))
    close(excl["B_GVCPT"], _ratio(parts["S"].sum(0) + parts["C"].sum(0), y))
    for name in shares:       # every other entry of final demand is non-negative, so the shares stay in [0, 1]
        ok = ~np.isnan(excl[name])
        assert (excl[name][ok] >= -1e-12).all() and (excl[name][ok] <= 1 + 1e-12).all()


def test_wwyz_inventories_country_level_and_needs_invnt():
    t = random_icio(3, 2, seed=8, negative_inventories=True)
    cell = terms(gvc.wwyz_participation(t, inventories="exclude_from_shares"))
    country = gvc.wwyz_participation(t, level="country", inventories="exclude_from_shares")
    assert country.attrs["options"]["inventories"] == "exclude_from_shares"
    c = terms(country)
    num = (cell["F_GVCPT"] * (cell["F_VA"] - cell["F_VA_INVNT"])).reshape(3, 2).sum(1)
    close(c["F_GVCPT"], num / (c["F_VA"] - c["F_VA_INVNT"]))
    with pytest.raises(OptionError, match="needs an INVNT"):
        gvc.wwyz_participation(lf.leather_table(), inventories="exclude_from_shares")


# ------------------------------------------------------------------------------------------ I17 (3.3-3.4)
@SETTINGS
@given(t=tables())
def test_I17_production_length_against_explicit_matrices(t):
    e = Explicit(t)
    v, LD, AF, L, A = np.diag(e.v), e.LD, e.AF, e.L, e.A
    AD = A - AF
    Xv = v @ L @ L @ np.diag(e.y)
    X = {"D": v @ LD @ LD @ np.diag(e.yD), "RT": v @ LD @ LD @ np.diag(e.yF),
         "GVC": v @ LD @ LD @ AF @ L @ np.diag(e.y) + v @ LD @ AF @ L @ L @ np.diag(e.y)}
    close(X["D"] + X["RT"] + X["GVC"], Xv)
    split = {"GVC_D": v @ LD @ LD @ AF @ L @ np.diag(e.y), "GVC_CB": v @ L @ AF @ L @ np.diag(e.y),
             "GVC_F": v @ LD @ AF @ L @ AD @ L @ np.diag(e.y)}
    close(split["GVC_CB"] + split["GVC_F"], v @ LD @ AF @ L @ L @ np.diag(e.y))    # ADB split
    w = terms(gvc.wwyz_participation(t))
    V = {"D": w["F_V_D"], "RT": w["F_V_RT"], "GVC": w["F_V_GVC_S"] + w["F_V_GVC_C"]}
    Vc = {"D": w["B_V_D"], "RT": w["B_V_RT"], "GVC": w["B_V_GVC_S"] + w["B_V_GVC_C"]}
    pl = terms(gvc.production_length(t, split=True))

    def ratio(a, b):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)

    close(pl["PLv"], ratio(Xv.sum(1), t.va))
    close(pl["PLy"], ratio(Xv.sum(0), e.y))
    for k in X:
        close(pl[f"PLv_{k}"], ratio(X[k].sum(1), V[k]), rtol=1e-9)
        close(pl[f"PLy_{k}"], ratio(X[k].sum(0), Vc[k]), rtol=1e-9)
    for k in split:
        close(pl[f"PLv_{k}"], ratio(split[k].sum(1), V["GVC"]), rtol=1e-9)
    close(pl["GVCPS"], ratio(pl["PLv_GVC"], pl["PLy_GVC"]), rtol=1e-9)
    active = e.active
    close(pl["PLv"][active], (L @ e.x)[active] / e.x[active])                       # PLv = (L x) / x
    B = np.where(active[:, None], t.Z / np.where(active, e.x, 1.0)[:, None], 0.0)
    Ggh = np.linalg.inv(np.eye(t.n) - B)
    close(pl["PLv"][active], Ggh.sum(1)[active])                                    # = G u
    close(pl["PLy"][active], L.sum(0)[active])                                      # PLy = u' L
    close(np.nansum(t.va * pl["PLv"]), e.x.sum())                                   # va' PLv = u' x
    close(np.nansum(e.y * pl["PLy"]), e.x.sum())                                    # y' PLy = u' x


@SETTINGS
@given(t=tables(negative=False))
def test_I17_upstreamness_downstreamness_identities(t):
    s = terms(gvc.production_stages(t))
    active = t.x > 0
    assert np.isnan(s["U"][~active]).all() and np.isnan(s["D"][~active]).all()
    assert (s["U"][active] >= 1 - 1e-12).all() and (s["D"][active] >= 1 - 1e-12).all()
    close(np.nansum(t.va * s["U"]), t.x.sum())                                      # va' U = u' x
    close(np.nansum(t.y * s["D"]), t.x.sum())                                       # y' D = u' x


def test_production_length_country_aggregates_numerators_and_denominators():
    t = random_icio(3, 2, seed=8)
    w = terms(gvc.wwyz_participation(t))
    cell, country = terms(gvc.production_length(t)), terms(gvc.production_length(t, level="country"))
    va = t.va.reshape(3, 2)
    close(country["PLv"], (cell["PLv"].reshape(3, 2) * va).sum(1) / va.sum(1))
    gvc_den = (w["F_V_GVC_S"] + w["F_V_GVC_C"]).reshape(3, 2)
    close(country["PLv_GVC"], (cell["PLv_GVC"].reshape(3, 2) * gvc_den).sum(1) / gvc_den.sum(1))
    assert country["PLv"].size == 3


# ------------------------------------------------------------------------------------------ 3.1
def test_koopman_options_and_identities():
    t = random_icio(4, 3, seed=2, negative_inventories=False)
    kww = by_exporter(vat.kww(t))
    base = terms(gvc.koopman_position(t))
    close(base["IV"], kww["DVA_INTrex"])                                            # IV = T3
    close(base["FV"], kww["FVA_FIN"] + kww["FVA_INT"] + kww["FDC"])                  # FV = T7+T8+T9
    close(base["PARTICIPATION"], (base["IV"] + base["FV"]) / base["EX"])
    close(base["POSITION"], np.log(1 + base["IV"] / base["EX"]) - np.log(1 + base["FV"] / base["EX"]))
    assert (np.abs(base["POSITION"]) < np.log(2)).all()
    wide = terms(gvc.koopman_position(t, iv="wwz_3to5", fv="fva_kww"))
    wwz = by_exporter(vat.wwz(t, level="country"))
    close(wide["IV"], base["IV"] + wwz["DVA_INTrexI1"])
    assert (wide["IV"] > base["IV"]).all()
    close(wide["FV"], kww["FVA_FIN"] + kww["FVA_INT"])
    bm = by_exporter(vat.borin_mancini(t, level="country"))
    close(terms(gvc.koopman_position(t, fv="fva_bm"))["FV"], bm["FVA"])
    sector = terms(gvc.koopman_position(t, level="sector"))
    close(sector["IV"].reshape(4, 3).sum(1), base["IV"])
    close(sector["FV"].reshape(4, 3).sum(1), base["FV"])
    df = gvc.koopman_position(t, iv="wwz_3to5")
    assert df.attrs["options"]["iv"] == "wwz_3to5" and list(df.columns) == ["region", "sector", "term", "value", "unit"]


@pytest.mark.parametrize("call, message", [
    (lambda t: gvc.koopman_position(t, iv="t2"), "iv must be"),
    (lambda t: gvc.koopman_position(t, fv="vs"), "fv must be"),
    (lambda t: gvc.wwyz_participation(t, level="sector"), "level must be"),
    (lambda t: gvc.wwyz_participation(t, inventories="drop"), "inventories must be"),
    (lambda t: gvc.production_stages(t, correction="closed"), "correction must be"),
    (lambda t: gvc.production_stages(t, inventories="drop"), "inventories must be"),
    (lambda t: gvc.production_stages(t, correction="open_economy"), "single-country"),
])
def test_gvc_bad_options(call, message):
    with pytest.raises(OptionError, match=message):
        call(random_icio(2, 2, seed=1))


# ------------------------------------------------------------------------------------------ 3.4 corrections
def test_antras_chor_net_inventory_correction_by_hand():
    t = random_icio(3, 2, seed=3, negative_inventories=True)
    k = t.fd_categories.index("INVNT")
    N = t.Y[:, :, k].sum(1)
    f = t.x / (t.x - N)
    Z = t.Z * f[:, None]
    B = Z / t.x[:, None]
    A = Z / t.x[None, :]
    got = terms(gvc.production_stages(t, inventories="antras_chor"))
    close(got["U"], np.linalg.solve(np.eye(t.n) - B, np.ones(t.n)))
    close(got["D"], np.linalg.solve((np.eye(t.n) - A).T, np.ones(t.n)))
    plain = terms(gvc.production_stages(t))
    assert not np.allclose(got["U"], plain["U"])
    zeroed = terms(gvc.production_stages(t, inventories="antras_chor", zero_negative=True))
    Zz = np.maximum(Z, 0.0)
    close(zeroed["U"], np.linalg.solve(np.eye(t.n) - Zz / t.x[:, None], np.ones(t.n)))


def test_antras_chor_warns_where_inventories_exceed_output_and_needs_invnt():
    Z = np.array([[1.0, 0.0], [0.5, 1.0]])
    Y = np.array([[[-2.0, 5.0]], [[3.0, 0.5]]])               # cell a: x = 4, inventories 5 -> x - N < 0
    t = IOTable.from_arrays(Z, Y, regions=["R"], sectors=["a", "b"], fd_categories=["HFCE", "INVNT"],
                            x_policy="rowsum")
    with pytest.warns(TableWarning, match="x - inventories <= 0"):
        got = terms(gvc.production_stages(t, inventories="antras_chor"))
    factor = np.array([1.0, t.x[1] / (t.x[1] - 0.5)])
    close(got["U"], np.linalg.solve(np.eye(2) - (Z * factor[:, None]) / t.x[:, None], np.ones(2)))
    plain = IOTable.from_arrays(Z, Y.sum(2, keepdims=True), regions=["R"], sectors=["a", "b"], x_policy="rowsum")
    with pytest.raises(OptionError, match="INVNT"):
        gvc.production_stages(plain, inventories="antras_chor")


def _national():
    Z = np.array([[20.0, 10.0], [5.0, 15.0]])
    Zm = np.array([[4.0, 2.0], [1.0, 3.0]])
    Y = np.array([[[30.0]], [[25.0]]])
    ex = np.array([16.0, 5.0])
    Ym = np.array([[[6.0]], [[2.0]]])
    t = IOTable.from_arrays(Z, Y, regions=["CHN"], sectors=["a", "b"], exports=ex, Zm=Zm, Ym=Ym, x_policy="rowsum")
    return t, Z, Zm, ex, Ym


def test_open_economy_upstreamness_by_hand():
    t, Z, Zm, ex, Ym = _national()
    absorption = t.x - ex + Zm.sum(1) + Ym.sum((1, 2))
    delta = (Z + Zm) / absorption[:, None]
    got = terms(gvc.production_stages(t, correction="open_economy"))
    close(got["U"], np.linalg.solve(np.eye(2) - delta, np.ones(2)))
    plain = terms(gvc.production_stages(t))
    assert not np.allclose(got["U"], plain["U"])
    country = terms(gvc.production_stages(t, level="country", weights_u="exports"))
    close(country["U"], [(plain["U"] * ex).sum() / ex.sum()])


def test_open_economy_refuses_non_positive_absorption():
    Z = np.array([[1.0, 0.0], [0.0, 1.0]])
    # cell a: an inventory draw-down (-1.5) exported on top of output: x - ex + im = 1 - 1.5 < 0
    t = IOTable.from_arrays(Z, np.array([[[-1.5]], [[1.0]]]), regions=["X"], sectors=["a", "b"],
                            exports=np.array([10.0, 0.0]), Zm=np.zeros((2, 2)), Ym=np.zeros((2, 1, 1)),
                            x_policy="rowsum")
    with pytest.raises(InputError, match="x - ex \\+ im <= 0"):
        gvc.production_stages(t, correction="open_economy")


def test_stages_country_weights():
    t = random_icio(3, 2, seed=6, zero_output_cells=1)
    cell = terms(gvc.production_stages(t))
    active = t.x > 0
    country = terms(gvc.production_stages(t, level="country", weights_d="output"))
    U, D = np.where(active, cell["U"], 0.0).reshape(3, 2), np.where(active, cell["D"], 0.0).reshape(3, 2)
    x = t.x.reshape(3, 2)
    close(country["U"], (U * x).sum(1) / x.sum(1))
    close(country["D"], (D * x).sum(1) / x.sum(1))
    close(country["U_OVER_D"], country["U"] / country["D"])


# ------------------------------------------------------------------------------------------ real table
@pytest.fixture(scope="module")
def wiod():
    from dualcirc.readers.wiod import read_wiod2013
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = read_wiod2013(shared_file("wiod2013", "wiot_2011.parquet"))
    return {"table": t,
            "wwyz": terms(gvc.wwyz_participation(t, level="country")),
            "length": terms(gvc.production_length(t, split=True)),
            "stages": terms(gvc.production_stages(t)),
            "bm": by_exporter(vat.borin_mancini(t, level="country")),
            "kpww": terms(gvc.koopman_position(t))}


@pytest.mark.realdata
def test_wiod_gvc_identities(wiod):
    t, w, bm, pl, s = wiod["table"], wiod["wwyz"], wiod["bm"], wiod["length"], wiod["stages"]
    close(w["F_V_D"] + w["F_V_RT"] + w["F_V_GVC_S"] + w["F_V_GVC_C"], t.gdp(), rtol=1e-8)
    close(w["F_V_RT"] + w["F_V_GVC_S"], bm["DAVAX"], rtol=1e-8)
    close(w["F_V_GVC_C"], bm["GVCF"], rtol=1e-8)
    close(w["F_V_D"], t.gdp() - bm["DVA"], rtol=1e-8)
    close(pl["PLv"], s["U"], rtol=1e-8)
    has_y = t.y != 0                                                 # PLy = u'X_v / y is NaN where y = 0
    assert np.isnan(pl["PLy"][~has_y]).all()
    close(pl["PLy"][has_y], s["D"][has_y], rtol=1e-8)
    close(np.nansum(t.va * pl["PLv"]), t.x.sum(), rtol=1e-8)
    close(np.nansum(t.y * pl["PLy"]), t.x.sum(), rtol=1e-8)
    close(pl["PLv_GVC_D"] + pl["PLv_GVC_CB"] + pl["PLv_GVC_F"], pl["PLv_GVC"], rtol=1e-8)
    active = t.x > 0
    assert (s["U"][active] >= 1 - 1e-9).all() and (s["D"][active] >= 1 - 1e-9).all()
    assert (t.x == 0).sum() == np.isnan(s["U"]).sum() > 0          # zero-output cells are NaN, never inf
    chn = list(t.regions).index("CHN")
    assert 0.0 < w["F_GVCPT"][chn] < 1.0 and 0.0 < w["B_GVCPT"][chn] < 1.0
    k = wiod["kpww"]
    assert (np.abs(k["POSITION"]) < np.log(2)).all()
