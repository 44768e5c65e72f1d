"""Identities I3 and I8-I15 of METHODS.md 9.1 on random inter-country tables (hypothesis), with negative
inventories and zero-output cells, against independent reference forms written here with explicit blocks and
explicit inverses: the block formulas of 2.4, hypothetical extractions for LTV / self / importer, and the
export-extracted inverse L^{not s} for psi and the sink approach."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

import measure_checks
from measure_checks import SETTINGS, tables
from dualcirc.engine import engine_for
from dualcirc.errors import OptionError
from dualcirc.measures import gvc, vat
from dualcirc.measures.perimeter import trade_context
from dualcirc.testing import random_icio

close = partial(measure_checks.close, nan_ok=False)


def _columns(df):
    """Plain arrays of a tidy result (pandas copies ``attrs`` on every operation, which dominates small tests)."""
    return {c: (df[c].cat.codes.to_numpy() if c != "value" else df[c].to_numpy()) for c in df.columns if c != "unit"}


def by_term(df, key="exporter"):
    """{term: array over the key's categories (table order)} of a country-level tidy result."""
    cols = _columns(df)
    size = len(df[key].cat.categories)
    out = {}
    for i, term in enumerate(df["term"].cat.categories):
        m = cols["term"] == i
        a = np.full(size, np.nan)
        a[cols[key][m]] = cols["value"][m]
        out[term] = a
    return out


def cube(df, t):
    """Bilateral-sector result as {term: (G, N, G) array} with zeros on exporter = importer."""
    cols = _columns(df)
    out = {}
    for i, term in enumerate(df["term"].cat.categories):
        m = cols["term"] == i
        a = np.zeros((t.G, t.N, t.G))
        a[cols["exporter"][m], cols["sector"][m], cols["importer"][m]] = cols["value"][m]
        out[term] = a
    return out


class Dense:
    """Explicit objects of a small table (reference only): A, L, L^D blocks, v, x, y, Y blocks."""

    def __init__(self, t):
        self.t, self.G, self.N, self.n = t, t.G, t.N, t.n
        x = t.x
        self.x = x
        self.A = np.where(x[None, :] > 0, t.Z / np.where(x > 0, x, 1.0)[None, :], 0.0)
        self.v = np.where(x > 0, t.va / np.where(x > 0, x, 1.0), 0.0)
        self.L = np.linalg.inv(np.eye(self.n) - self.A)
        self.Y2 = t.Y2
        self.y = t.Y2.sum(1)
        G, N = self.G, self.N
        self.A4, self.L4 = self.A.reshape(G, N, G, N), self.L.reshape(G, N, G, N)
        self.Y3, self.x2, self.v2 = self.Y2.reshape(G, N, G), x.reshape(G, N), self.v.reshape(G, N)
        self.LD = [np.linalg.inv(np.eye(N) - self.A4[s, :, s, :]) for s in range(G)]
        self.Phi = np.array([[self.v2[u] @ self.L4[u, :, s, :] for s in range(G)] for u in range(G)])  # [u, s, :]
        self.phiD = np.array([self.Phi[s, s] for s in range(G)])
        self.phiF = self.Phi.sum(0) - self.phiD
        self.lam = np.array([self.v2[s] @ self.LD[s] for s in range(G)])
        self.E3 = np.array([[self.A4[s, :, r, :] @ self.x2[r] + self.Y3[s, :, r] if r != s else np.zeros(N)
                             for r in range(G)] for s in range(G)]).transpose(0, 2, 1)
        self.e2 = self.E3.sum(2)

    def cells(self, s):
        return np.arange(s * self.N, (s + 1) * self.N)

    def solve_extracted(self, A_new, y_new):
        return np.linalg.solve(np.eye(self.n) - A_new, y_new)

    def L_not(self, s):
        """Inverse with all of s's export blocks A_{s, r != s} removed."""
        A = self.A.copy()
        others = np.setdiff1d(np.arange(self.n), self.cells(s))
        A[np.ix_(self.cells(s), others)] = 0.0
        return np.linalg.inv(np.eye(self.n) - A)


def wwz_blocks(d: Dense) -> dict[str, np.ndarray]:
    """The 16 WWZ terms from the 'term for [q in s, r]' column of METHODS.md 2.4, block by block."""
    G, N, L4, Y3, lam = d.G, d.N, d.L4, d.Y3, d.lam
    out = {k: np.zeros((G, N, G)) for k in vat.WWZ_TERMS}
    zero = np.zeros(N)
    for s in range(G):
        for r in range(G):
            if r == s:
                continue
            Asr, third = d.A4[s, :, r, :], [u for u in range(G) if u not in (s, r)]
            val = {
                "DVA_FIN": d.phiD[s] * Y3[s, :, r],
                "DVA_INT": lam[s] * (Asr @ L4[r, :, r, :] @ Y3[r, :, r]),
                "DVA_INTrexI1": lam[s] * (Asr @ sum((L4[r, :, u, :] @ Y3[u, :, u] for u in third), zero)),
                "DVA_INTrexF": lam[s] * (Asr @ L4[r, :, r, :] @ sum((Y3[r, :, u] for u in third), zero)),
                "DVA_INTrexI2": lam[s] * (Asr @ sum((L4[r, :, u, :] @ sum((Y3[u, :, w] for w in range(G)
                                                                          if w not in (s, u)), zero)
                                                     for u in third), zero)),
                "RDV_FIN": lam[s] * (Asr @ L4[r, :, r, :] @ Y3[r, :, s]),
                "RDV_FIN2": lam[s] * (Asr @ sum((L4[r, :, u, :] @ Y3[u, :, s] for u in third), zero)),
                "RDV_INT": lam[s] * (Asr @ L4[r, :, s, :] @ Y3[s, :, s]),
                "DDC_FIN": lam[s] * (Asr @ L4[r, :, s, :] @ sum((Y3[s, :, u] for u in range(G) if u != s), zero)),
                "DDC_INT": (d.phiD[s] - lam[s]) * (Asr @ d.x2[r]),
                "MVA_FIN": d.Phi[r, s] * Y3[s, :, r],
                "MVA_INT": d.Phi[r, s] * (Asr @ d.LD[r] @ Y3[r, :, r]),
                "MDC": d.Phi[r, s] * (Asr @ d.LD[r] @ d.e2[r]),
                "OVA_FIN": (d.phiF[s] - d.Phi[r, s]) * Y3[s, :, r],
                "OVA_INT": (d.phiF[s] - d.Phi[r, s]) * (Asr @ d.LD[r] @ Y3[r, :, r]),
                "ODC": (d.phiF[s] - d.Phi[r, s]) * (Asr @ d.LD[r] @ d.e2[r]),
            }
            for k, a in val.items():
                out[k][s, :, r] = a
    return out


# ------------------------------------------------------------------------------------------------ I3 (0.4)
@SETTINGS
@given(t=tables())
def test_I3_extraction_blocks(t):
    d, ctx = Dense(t), trade_context(t)
    for s in range(t.G):
        c, others = d.cells(s), np.setdiff1d(np.arange(t.n), d.cells(s))
        M_s = d.A[np.ix_(c, others)] @ d.L[np.ix_(others, c)]
        close(ctx.F_blocks[s], np.eye(t.N) + M_s)                                   # F_s = I + M_s
        close(d.L[np.ix_(c, c)], d.LD[s] @ (np.eye(t.N) + M_s))                     # L_ss = L^D_ss (I + M_s)
        Lnot = d.L_not(s)
        close(Lnot[:, c], d.L[:, c] @ np.linalg.inv(np.eye(t.N) + M_s))             # L^{not s}_.s
        close(Lnot[np.ix_(c, c)], d.LD[s])                                           # L^{not s}_ss = L^D_ss


# ------------------------------------------------------------------------------------------------ I8 (2.1)
@SETTINGS
@given(t=tables())
def test_I8_va_absorption_and_vax(t):
    vaod = vat.va_absorption(t).pivot(index="exporter", columns="importer", values="value")
    vaod = vaod.loc[list(t.regions), list(t.regions)].to_numpy()
    close(vaod.sum(1), t.gdp())
    close(vaod.sum(0), t.Y2.sum(0))
    vx = by_term(vat.vax(t))
    close(vx["VAX"] - vx["VAM"], vx["EX"] - vx["IM"])
    close(vx["VAX"].sum(), vx["VAM"].sum())
    close(vx["VAX"], vaod.sum(1) - np.diag(vaod))


# ------------------------------------------------------------------------------------------------ I9, I10 (2.2-2.3)
@SETTINGS
@given(t=tables())
def test_I9_I10_kww_and_hiy(t):
    d, ctx = Dense(t), trade_context(t)
    k = by_term(vat.kww(t))
    ex = d.e2.sum(1)
    close(sum(k.values()), ex)                                                      # sum = EX
    vx = by_term(vat.vax(t))
    close(k["DVA_FIN"] + k["DVA_INT"] + k["DVA_INTrex"], vx["VAX"])                # T1..T3 = VAX
    dva = np.array([d.lam[s] @ d.e2[s] for s in range(t.G)])
    close(k["DVA_FIN"] + k["DVA_INT"] + k["DVA_INTrex"] + k["RDV_FIN"] + k["RDV_INT"], dva)   # = v' L^D e
    close(k["DVA_INTrex"], vx["VAX"] - k["DVA_FIN"] - k["DVA_INT"])               # closed-form T3 = residual
    ddc = np.array([d.v2[s] @ (d.L4[s, :, s, :] - d.LD[s]) @ d.e2[s] for s in range(t.G)])
    close(k["DDC"], ddc)                                                            # T6 = v'(L_ss - L^D_ss) e
    close(k["FVA_FIN"] + k["FVA_INT"] + k["FDC"], np.array([d.phiF[s] @ d.e2[s] for s in range(t.G)]))
    vs = by_term(vat.vertical_specialisation(t))
    bm = by_term(vat.borin_mancini(t, level="country"))
    close(vs["VS"], bm["FC"] + bm["DDC"])                                           # HIY VS = GVCB
    close(vs["VS"], ex - dva)
    close(vs["VS"], bm["GVCB"])
    vs1 = np.array([sum(d.v2[s] @ d.L4[s, :, r, :] @ d.e2[r] for r in range(t.G) if r != s) for s in range(t.G)])
    close(vs["VS1"], vs1)
    assert np.isfinite(ctx.e).all()


# ------------------------------------------------------------------------------------------------ I11 (2.4)
@SETTINGS
@given(t=tables())
def test_I11_wwz_operator_forms_equal_block_forms(t):
    d = Dense(t)
    mine = cube(vat.wwz(t), t)
    ref = wwz_blocks(d)
    for term in vat.WWZ_TERMS:
        close(mine[term], ref[term])
    close(sum(mine.values()), d.E3)                                                 # 16 terms = E per cell
    YF = d.Y3.copy()
    YF[np.arange(t.G), :, np.arange(t.G)] = 0.0
    close(mine["DVA_FIN"] + mine["MVA_FIN"] + mine["OVA_FIN"], YF)                  # final terms = Y^F
    k = by_term(vat.kww(t))
    for kww_term, parts in vat.WWZ_TO_KWW.items():                                 # mapping to KWW
        close(sum(mine[p] for p in parts).sum((1, 2)), k[kww_term])


# ------------------------------------------------------------------------------------------------ I12 (2.5.1)
@SETTINGS
@given(t=tables())
def test_I12_bm_source_tree_and_psi(t):
    d = Dense(t)
    b = cube(vat.borin_mancini(t, subterms=True), t)
    close(b["DC"] + b["FC"], b["GEXP"])
    close(b["DVA"] + b["DDC"], b["DC"])
    close(b["VAX"] + b["REF"], b["DVA"])
    close(b["DAVAX"] + b["REX"], b["VAX"])
    close(b["FVA"] + b["FDC"], b["FC"])
    close(b["GEXP"] - b["DAVAX"], b["GVC"])
    close(b["GVCB"] + b["GVCF"], b["GVC"])
    close(b["DAVAX1"] + b["DAVAX2"], b["DAVAX"])
    close(b["REX1"] + b["REX2"] + b["REX3"], b["REX"])
    close(b["REF1"] + b["REF2"], b["REF"])
    close(b["GEXP"], d.E3)
    for s in range(t.G):                                                            # psi = explicit L^{not s}
        Lnot = d.L_not(s)
        c = d.cells(s)
        psi = sum(d.v2[u] @ Lnot[np.ix_(d.cells(u), c)] for u in range(t.G) if u != s)
        close(b["FVA"][s], psi[:, None] * d.E3[s])
    country = by_term(vat.borin_mancini(t, level="country"))
    k, vx = by_term(vat.kww(t)), by_term(vat.vax(t))
    close(country["VAX"], vx["VAX"])
    close(country["DVA"], sum(k[x] for x in ("DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT")))
    close(country["REF"], k["RDV_FIN"] + k["RDV_INT"])
    close(country["DDC"], k["DDC"])
    close(country["FC"], k["FVA_FIN"] + k["FVA_INT"] + k["FDC"])


@SETTINGS
@given(t=tables())
def test_I12_bm_origin_sector_view_against_blocks(t):
    """sector_view='origin' (2.5.1): domestic terms v-hat_s L^D_ss b (here DVA and VAX), DC = v-hat_s L_ss E, FC
    and FVA by foreign origin sector from L_ts and the explicit export-extracted inverse; country totals of every
    term equal the exporting view."""
    d = Dense(t)
    G, N = d.G, d.N
    origin = cube(vat.borin_mancini(t, sector_view="origin", subterms=True), t)
    LY3 = (d.L @ d.Y2).reshape(G, N, G)
    want = {k: np.zeros((G, N, G)) for k in ("DVA", "VAX", "DC", "FC", "FVA")}
    for s in range(G):
        Lnot4 = d.L_not(s).reshape(G, N, G, N)
        for r in range(G):
            if r == s:
                continue
            e = d.E3[s, :, r]
            vax_bracket = d.Y3[s, :, r] + d.A4[s, :, r, :] @ (d.x2[r] - LY3[r, :, s])
            want["DVA"][s, :, r] = d.v2[s] * (d.LD[s] @ e)
            want["VAX"][s, :, r] = d.v2[s] * (d.LD[s] @ vax_bracket)
            want["DC"][s, :, r] = d.v2[s] * (d.L4[s, :, s, :] @ e)
            want["FC"][s, :, r] = sum(d.v2[u] * (d.L4[u, :, s, :] @ e) for u in range(G) if u != s)
            want["FVA"][s, :, r] = sum(d.v2[u] * (Lnot4[u, :, s, :] @ e) for u in range(G) if u != s)
    for term, ref in want.items():
        close(origin[term], ref)
    exporting = by_term(vat.borin_mancini(t, level="country", subterms=True))
    for term, values in by_term(vat.borin_mancini(t, level="country", sector_view="origin", subterms=True)).items():
        close(values, exporting[term])


# ------------------------------------------------------------------------------------------------ I13 (2.5.2)
def sink_reference(d: Dense) -> dict[str, np.ndarray]:
    """Sink DVA, FVA, REF and VAXIM from the formulas of 2.5.2 with x~ from the explicit L^{not s}."""
    G, N = d.G, d.N
    out = {k: np.zeros((G, N, G)) for k in ("DVA", "FVA", "REF", "VAXIM")}
    for s in range(G):
        Lnot, c = d.L_not(s), d.cells(s)
        y_not = d.y.copy()
        y_not[c] -= d.Y3[s].sum(1) - d.Y3[s, :, s]                                  # s's final exports removed
        xt_s = Lnot @ y_not
        xt_ss = Lnot @ d.Y2[:, s]
        for r in range(G):
            if r == s:
                continue
            cr = d.cells(r)

            def sigma(w):
                return (d.A @ w)[cr] - d.A4[r, :, r, :] @ w[cr]

            Asr = d.A4[s, :, r, :]
            core = d.Y3[s, :, r] + Asr @ d.LD[r] @ (d.y[cr] + sigma(xt_s))
            out["DVA"][s, :, r] = d.phiD[s] * core
            out["FVA"][s, :, r] = d.phiF[s] * core
            out["REF"][s, :, r] = d.phiD[s] * (Asr @ d.LD[r] @ (d.Y3[r, :, s] + sigma(xt_ss)))
            Y_r = d.Y2[:, r].copy()
            Y_r[c] = 0.0                                                            # Y_sr removed (t = r)
            out["VAXIM"][s, :, r] = d.phiD[s] * (d.Y3[s, :, r] + Asr @ d.LD[r] @ (d.Y3[r, :, r] + sigma(Lnot @ Y_r)))
    return out


@SETTINGS
@given(t=tables())
def test_I13_bm_sink(t):
    d = Dense(t)
    snk = cube(vat.borin_mancini(t, approach="sink"), t)
    src = cube(vat.borin_mancini(t), t)
    ref = sink_reference(d)
    for term in ("DVA", "FVA", "REF", "VAXIM"):
        close(snk[term], ref[term])
    close(snk["DC"], src["DC"])
    close(snk["FC"], src["FC"])
    for term in ("DVA", "VAX", "REF", "FVA"):
        close(snk[term].sum((1, 2)), src[term].sum((1, 2)))


@SETTINGS
@given(t=tables(negative=False))
def test_I13_I14_orderings_on_non_negative_tables(t):
    snk = cube(vat.borin_mancini(t, approach="sink"), t)
    src = cube(vat.borin_mancini(t), t)
    slf = cube(vat.borin_mancini(t, perspective="self"), t)
    tol = 1e-10 * max(1.0, np.abs(src["GEXP"]).max())
    assert (src["DAVAX"] <= snk["VAXIM"] + tol).all() and (snk["VAXIM"] <= snk["VAX"] + tol).all()
    assert (slf["DVA"] >= src["DVA"] - tol).all() and (slf["DVA"] >= snk["DVA"] - tol).all()


# ------------------------------------------------------------------------------------------------ I14, I15 (2.5.4, 2.6)
@SETTINGS
@given(t=tables())
def test_I14_self_dva_equals_single_flow_extraction(t):
    d = Dense(t)
    bil = cube(vat.borin_mancini(t, perspective="self"), t)
    sec = vat.borin_mancini(t, perspective="self", level="sector")
    sec = sec[sec.term == "DVA"].set_index(["exporter", "sector"])["value"]
    for s in range(t.G):
        c = d.cells(s)
        others = np.setdiff1d(np.arange(t.n), c)
        for i in range(t.N):
            q = s * t.N + i
            A, y = d.A.copy(), d.y.copy()
            A[q, others] = 0.0
            y[q] -= d.Y3[s, i].sum() - d.Y3[s, i, s]
            loss = d.v[c] @ (d.x - d.solve_extracted(A, y))[c]
            close(sec[(t.regions[s], t.sectors[i])], loss)
            for r in range(t.G):
                if r == s:
                    continue
                A, y = d.A.copy(), d.y.copy()
                A[q, d.cells(r)] = 0.0
                y[q] -= d.Y3[s, i, r]
                close(bil["DVA"][s, i, r], d.v[c] @ (d.x - d.solve_extracted(A, y))[c])


@SETTINGS
@given(t=tables())
def test_I15_ltv_woodbury_equals_explicit_extraction(t):
    d = Dense(t)
    country = by_term(vat.ltv(t))["DVA_LTV"]
    k = by_term(vat.kww(t))
    close(country, sum(k[x] for x in ("DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT")))
    bil = vat.ltv(t, level="bilateral").set_index(["exporter", "importer"])["value"]
    gdp = t.gdp()
    for s in range(t.G):
        c, others = d.cells(s), np.setdiff1d(np.arange(t.n), d.cells(s))
        A, y = d.A.copy(), d.y.copy()                                               # no exports at all
        A[np.ix_(c, others)] = 0.0
        y[c] -= d.Y3[s].sum(1) - d.Y3[s, :, s]
        close(country[s], gdp[s] - d.v[c] @ d.solve_extracted(A, y)[c])
        close(gdp[s] - country[s], d.v2[s] @ d.LD[s] @ d.Y3[s, :, s])              # = V_D (3.2)
        for r in range(t.G):
            if r == s:
                continue
            A, y = d.A.copy(), d.y.copy()
            A[np.ix_(c, d.cells(r))] = 0.0
            y[c] -= d.Y3[s, :, r]
            close(bil[(t.regions[s], t.regions[r])], gdp[s] - d.v[c] @ d.solve_extracted(A, y)[c])


# ------------------------------------------------------------------------------------------------ 2.5.3, 2.5.5
@SETTINGS
@given(t=tables())
def test_world_and_importer_perspectives(t):
    d = Dense(t)
    src = by_term(vat.borin_mancini(t, level="country"))
    for approach in ("source", "sink"):
        w = by_term(vat.borin_mancini(t, perspective="world", approach=approach, level="country"))
        for term in ("GEXP", "DC", "DVA", "VAX", "REF", "DDC", "FC"):
            close(w[term], src[term])
        close(w["FVA"] + w["FDC"], w["FC"])
    imp = by_term(vat.borin_mancini(t, perspective="importer", level="country"), "importer")
    close(imp["GIMP"].sum(), src["GEXP"].sum())                                     # sum GIMP = sum GEXP
    close(imp["VA"] + imp["DC"], imp["GIMP"])
    for r in range(t.G):                                                            # VA = explicit extraction
        cr, others = d.cells(r), np.setdiff1d(np.arange(t.n), d.cells(r))
        A, y = d.A.copy(), d.y.copy()
        A[np.ix_(others, cr)] = 0.0
        y[others] -= d.Y2[others, r]
        close(imp["VA"][r], d.v @ (d.x - d.solve_extracted(A, y)))


# ------------------------------------------------------------------------------------------------ zero policy
def test_zero_output_cells_give_zero_terms_and_nan_shares():
    t = random_icio(3, 3, seed=4, zero_output_cells=2, satellites=False)
    zero = np.flatnonzero(t.x == 0)
    df = vat.wwz(t)
    rows = df[(df.exporter.astype(str) + "/" + df.sector.astype(str)).isin(
        [f"{t.cells[q][0]}/{t.cells[q][1]}" for q in zero])]
    assert len(rows) and (rows["value"] == 0).all()
    vs = vat.vertical_specialisation(t, level="sector")
    shares = vs[vs.term == "VS_SHARE"].set_index(["exporter", "sector"])["value"]
    for q in zero:
        assert np.isnan(shares[t.cells[q]])
    assert not np.isinf(vs["value"]).any()


# ------------------------------------------------------------------------------------------------ 8.2 low_memory
LOW_MEMORY_CASES = {
    "vs": lambda t, **kw: vat.vertical_specialisation(t, **kw),
    "vs_sector": lambda t, **kw: vat.vertical_specialisation(t, level="sector", **kw),
    "wwz": lambda t, **kw: vat.wwz(t, **kw),
    "bm": lambda t, **kw: vat.borin_mancini(t, subterms=True, **kw),
    "bm_origin": lambda t, **kw: vat.borin_mancini(t, sector_view="origin", subterms=True, **kw),
    "koopman": lambda t, **kw: gvc.koopman_position(t, fv="fva_bm", **kw),
}


@pytest.mark.parametrize("name", sorted(LOW_MEMORY_CASES))
@pytest.mark.parametrize("groups", [None, {"AB": ["R01", "R03"]}], ids=["regions", "group"])
def test_low_memory_equals_default_and_never_forms_L(name, groups):
    """8.2: low_memory=True (solves and streamed column blocks) gives the default path's numbers without ever
    forming the n x n Leontief inverse."""
    run = LOW_MEMORY_CASES[name]
    t = random_icio(4, 3, seed=17, negative_inventories=True, zero_output_cells=1)
    low = run(t, groups=groups, low_memory=True)
    assert "L" not in engine_for(t).__dict__
    default = run(t, groups=groups)
    assert "L" in engine_for(t).__dict__                    # the default path takes the blocks from L
    pd.testing.assert_frame_equal(low.drop(columns="value"), default.drop(columns="value"))
    close(np.nan_to_num(low["value"].to_numpy()), np.nan_to_num(default["value"].to_numpy()))
    assert np.array_equal(np.isnan(low["value"].to_numpy()), np.isnan(default["value"].to_numpy()))


def test_solve_only_measures_never_form_L():
    """8.1: VA absorption, VAX, KWW, country LTV, the country Koopman indices, the Borin-Mancini world perspective
    and the WWYZ measures need only solves with the LU factors."""
    t = random_icio(4, 3, seed=18, negative_inventories=True, zero_output_cells=1)
    vat.va_absorption(t, level="cell", groups={"AB": ["R01", "R02"]})
    vat.vax(t, level="bilateral_sector")
    vat.kww(t)
    vat.ltv(t)
    gvc.koopman_position(t, fv="fva_kww")
    vat.borin_mancini(t, perspective="world", approach="sink", groups={"AB": ["R01", "R02"]})
    vat.borin_mancini(t, perspective="world")
    gvc.wwyz_participation(t)
    gvc.production_length(t, split=True)
    assert "lu" in engine_for(t).__dict__ and "L" not in engine_for(t).__dict__


@pytest.mark.parametrize("call", [
    lambda t: vat.borin_mancini(t, approach="sink", low_memory=True),
    lambda t: vat.borin_mancini(t, perspective="self", low_memory=True),
    lambda t: vat.borin_mancini(t, perspective="importer", low_memory=True),
])
def test_low_memory_refused_where_off_diagonal_blocks_are_needed(call):
    with pytest.raises(OptionError, match="low_memory"):
        call(random_icio(3, 2, seed=1))


def test_origin_view_only_for_exporter_source():
    t = random_icio(3, 2, seed=1)
    for kwargs in ({"approach": "sink"}, {"perspective": "world"}):
        with pytest.raises(OptionError, match="sector_view='origin'"):
            vat.borin_mancini(t, sector_view="origin", **kwargs)
    with pytest.raises(OptionError, match="sector_view must be"):
        vat.borin_mancini(t, sector_view="importing")
    df = vat.borin_mancini(t, sector_view="origin", level="sector")
    assert df.attrs["options"]["sector_view"] == "origin" and "origin-sector view" in df.attrs["method"]
