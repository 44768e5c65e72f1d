"""GVC participation and position (METHODS.md section 3): Koopman, Powers, Wang & Wei (2010) participation and
position; Wang, Wei, Yu & Zhu (2017a) production decomposition and forward/backward participation; Wang, Wei, Yu
& Zhu (2017b) production length and the GVC position index; upstreamness and downstreamness (Antras, Chor,
Fally & Hillberry 2012; Antras & Chor 2013, 2018; Fally 2012; Miller & Temurshoev 2017).

Production measures need only products with the Leontief inverse, so they use the engine's solves and never
form L (8.1).  Results are tidy long tables with columns region, sector, term, value, unit; ``level='country'``
aggregates numerators and denominators separately before dividing.
"""

from __future__ import annotations

import warnings
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import labels
from ..engine.leontief import engine_for, safe_divide
from ..errors import InputError, OptionError, TableWarning
from ..tables.model import IOTable
from .perimeter import TradeContext, trade_context
from .result import tidy
from .vat import RATIO_UNIT, check_choice, kww_country_terms, wwz_arrays

Groups = Mapping[str, Sequence[str]] | None
#: unit of production lengths, upstreamness and downstreamness
STAGES = "stages"

labels.register({
    # 3.1
    "gvc.kpww.IV": ("Indirect VA exports (re-exported by the direct importer)", "间接增加值出口"),
    "gvc.kpww.FV": ("Foreign VA in gross exports", "出口中的国外增加值"),
    "gvc.kpww.EX": ("Gross exports", "总出口"),
    "gvc.kpww.IV_SHARE": ("IV share of gross exports", "间接增加值出口率"),
    "gvc.kpww.FV_SHARE": ("FV share of gross exports", "国外增加值率"),
    "gvc.kpww.PARTICIPATION": ("GVC participation (IV + FV) / EX", "全球价值链参与度"),
    "gvc.kpww.POSITION": ("GVC position ln(1 + IV/EX) - ln(1 + FV/EX)", "全球价值链地位指数"),
    # 3.2
    "gvc.wwyz.F_VA": ("Value added (forward, by VA origin)", "增加值（前向，按来源）"),
    "gvc.wwyz.F_V_D": ("Pure domestic production (forward)", "纯国内生产（前向）"),
    "gvc.wwyz.F_V_RT": ("Traditional final-goods trade (forward)", "传统最终品贸易（前向）"),
    "gvc.wwyz.F_V_GVC_S": ("Simple GVC production (forward)", "简单全球价值链生产（前向）"),
    "gvc.wwyz.F_V_GVC_C": ("Complex GVC production (forward)", "复杂全球价值链生产（前向）"),
    "gvc.wwyz.F_GVCPT": ("Forward GVC participation", "前向全球价值链参与度"),
    "gvc.wwyz.F_GVCPT_S": ("Forward GVC participation, simple", "前向简单全球价值链参与度"),
    "gvc.wwyz.F_GVCPT_C": ("Forward GVC participation, complex", "前向复杂全球价值链参与度"),
    "gvc.wwyz.F_PURE_DOMESTIC": ("Pure domestic share of VA (inner circulation, forward)", "纯国内增加值占比（前向）"),
    "gvc.wwyz.B_Y": ("Final output (backward, by final-goods producer)", "最终产品（后向，按生产者）"),
    "gvc.wwyz.B_V_D": ("Pure domestic production (backward)", "纯国内生产（后向）"),
    "gvc.wwyz.B_V_RT": ("Traditional final-goods trade (backward)", "传统最终品贸易（后向）"),
    "gvc.wwyz.B_V_GVC_S": ("Simple GVC production (backward)", "简单全球价值链生产（后向）"),
    "gvc.wwyz.B_V_GVC_C": ("Complex GVC production (backward)", "复杂全球价值链生产（后向）"),
    "gvc.wwyz.B_GVCPT": ("Backward GVC participation", "后向全球价值链参与度"),
    "gvc.wwyz.B_GVCPT_S": ("Backward GVC participation, simple", "后向简单全球价值链参与度"),
    "gvc.wwyz.B_GVCPT_C": ("Backward GVC participation, complex", "后向复杂全球价值链参与度"),
    "gvc.wwyz.B_PURE_DOMESTIC": ("Pure domestic share of final output (backward)", "纯国内生产占比（后向）"),
    "gvc.wwyz.F_VA_INVNT": ("Value added absorbed in inventory changes (forward; left out of the shares)",
                            "被存货变动吸收的增加值（前向；不计入比重）"),
    "gvc.wwyz.B_Y_INVNT": ("Inventory changes in final output (backward; left out of the shares)",
                           "最终产品中的存货变动（后向；不计入比重）"),
    # 3.3
    "gvc.length.PLv": ("Production length, forward (VA to final use)", "前向生产长度"),
    "gvc.length.PLy": ("Production length, backward (primary inputs to final good)", "后向生产长度"),
    "gvc.length.PLv_D": ("Forward length, pure domestic", "前向长度：纯国内"),
    "gvc.length.PLv_RT": ("Forward length, traditional trade", "前向长度：传统贸易"),
    "gvc.length.PLv_GVC": ("Forward length, GVC", "前向长度：全球价值链"),
    "gvc.length.PLy_D": ("Backward length, pure domestic", "后向长度：纯国内"),
    "gvc.length.PLy_RT": ("Backward length, traditional trade", "后向长度：传统贸易"),
    "gvc.length.PLy_GVC": ("Backward length, GVC", "后向长度：全球价值链"),
    "gvc.length.GVCPS": ("GVC position index PLv_GVC / PLy_GVC (> 1: upstream)", "全球价值链位置指数（>1偏上游）"),
    "gvc.length.PLv_GVC_D": ("GVC forward length: domestic segment", "全球价值链前向长度：国内段"),
    "gvc.length.PLv_GVC_CB": ("GVC forward length: border crossing", "全球价值链前向长度：跨境段"),
    "gvc.length.PLv_GVC_F": ("GVC forward length: foreign segment", "全球价值链前向长度：国外段"),
    # 3.4
    "gvc.stages.U": ("Upstreamness (output upstreamness OU; Fally distance to final demand)", "上游度（产出上游度）"),
    "gvc.stages.D": ("Downstreamness (input downstreamness ID; Fally number of stages)", "下游度（投入下游度）"),
    "gvc.stages.U_OVER_D": ("Relative position OU / ID", "相对位置（上游度/下游度）"),
})


def _cell_frame(table: IOTable, values: Mapping[str, np.ndarray], *, units: Mapping[str, str],
                regions: Sequence[str] | None = None, sectors: bool = True) -> pd.DataFrame:
    """Long table of cell vectors (``sectors=True``) or region vectors: columns region, sector, term, value, unit.

    ``units`` gives the unit of terms that are not in the table's monetary unit (shares, stages)."""
    terms = list(values)
    V = np.stack([np.asarray(values[t], float) for t in terms], axis=1)
    rows = V.shape[0]
    regions = list(regions if regions is not None else table.regions)
    if sectors:
        reg = np.repeat(np.arange(len(regions)), table.N)
        sec = np.tile(np.arange(table.N), len(regions))
    else:
        reg, sec = np.arange(rows), np.full(rows, -1)
    unit_names = pd.Index([table.meta.unit] + sorted(set(units.values()) - {table.meta.unit}))
    unit_codes = np.array([unit_names.get_loc(units.get(t, table.meta.unit)) for t in terms], np.int8)
    T = len(terms)
    return pd.DataFrame({
        "region": pd.Categorical.from_codes(np.repeat(reg, T), categories=pd.Index(regions)),
        "sector": pd.Categorical.from_codes(np.repeat(sec, T), categories=pd.Index(table.sectors)),
        "term": pd.Categorical.from_codes(np.tile(np.arange(T), rows), categories=pd.Index(terms)),
        "value": V.reshape(-1),
        "unit": pd.Categorical.from_codes(np.tile(unit_codes, rows), categories=unit_names),
    })


def _options(options: dict, ctx: TradeContext) -> dict:
    """Options for the provenance, with the country groups of the perimeter."""
    if ctx.per.groups:
        options["groups"] = {name: list(members) for name, members in ctx.per.groups}
    return options


# ---------------------------------------------------------------------------------------------------------------
# 3.1 Koopman, Powers, Wang & Wei (2010)

def koopman_position(table: IOTable, *, iv: str = "kww_t3", fv: str = "fc", level: str = "country",
                     groups: Groups = None, zero_div: str = "nan", low_memory: bool = False) -> pd.DataFrame:
    """GVC participation (IV + FV)/EX and position ln(1 + IV/EX) - ln(1 + FV/EX) (METHODS.md 3.1; decision D8).

    ``iv='kww_t3'`` (default): IV = KWW T3 = WWZ DVA_INTrexF + DVA_INTrexI2; ``'wwz_3to5'`` adds DVA_INTrexI1.
    ``fv='fc'`` (default): FV = KWW T7+T8+T9 (HIY VS in VA terms, = WWZ terms 11-16); ``'fva_kww'``: T7+T8
    (terms 11, 12, 14, 15); ``'fva_bm'``: Borin-Mancini exporter/source FVA.  Sector level uses the WWZ
    exporting-sector terms summed over partners; the country level is their sum, equal to the KWW forms, which
    are used directly where they suffice (IV = T3: solves only, no Leontief inverse).
    ``low_memory=True``: see :mod:`dualcirc.measures.perimeter` (METHODS.md 8.2).
    """
    check_choice("iv", iv, ("kww_t3", "wwz_3to5"))
    check_choice("fv", fv, ("fc", "fva_kww", "fva_bm"))
    check_choice("level", level, ("sector", "country"))
    ctx = trade_context(table, groups, low_memory)
    if level == "country" and iv == "kww_t3":
        t = kww_country_terms(ctx)
        kww_fv = {"fc": ("FVA_FIN", "FVA_INT", "FDC"), "fva_kww": ("FVA_FIN", "FVA_INT")}
        fv_country = (ctx.psi * ctx.e) @ ctx.D if fv == "fva_bm" else sum(t[k] for k in kww_fv[fv])
        vals = {"IV": t["DVA_INTrex"], "FV": fv_country, "EX": ctx.e @ ctx.D}
    else:
        w = {k: a.sum(1) for k, a in wwz_arrays(ctx).items()}
        iv_cell = w["DVA_INTrexF"] + w["DVA_INTrexI2"] + (w["DVA_INTrexI1"] if iv == "wwz_3to5" else 0.0)
        if fv == "fva_bm":
            fv_cell = ctx.psi * ctx.e
        else:
            fv_cell = w["MVA_FIN"] + w["MVA_INT"] + w["OVA_FIN"] + w["OVA_INT"]
            if fv == "fc":
                fv_cell = fv_cell + w["MDC"] + w["ODC"]
        cells = {"IV": iv_cell, "FV": fv_cell, "EX": ctx.e}
        if level == "sector":
            vals = {k: ctx.unit_sector_sum(c) for k, c in cells.items()}
        else:
            vals = {k: c @ ctx.D for k, c in cells.items()}
    iv_share = safe_divide(vals["IV"], vals["EX"], zero_div)
    fv_share = safe_divide(vals["FV"], vals["EX"], zero_div)
    vals.update({"IV_SHARE": iv_share, "FV_SHARE": fv_share, "PARTICIPATION": iv_share + fv_share,
                 "POSITION": np.log1p(iv_share) - np.log1p(fv_share)})
    df = _cell_frame(table, vals, units=dict.fromkeys(("IV_SHARE", "FV_SHARE", "PARTICIPATION", "POSITION"),
                                                      RATIO_UNIT),
                     regions=ctx.per.names, sectors=level == "sector")
    return tidy(df, method="Koopman-Powers-Wang-Wei 2010 participation and position (METHODS.md 3.1)", table=table,
                options=_options({"iv": iv, "fv": fv, "level": level}, ctx))


# ---------------------------------------------------------------------------------------------------------------
# 3.2 WWYZ production decomposition

def _wwyz_parts(ctx: TradeContext, Y: np.ndarray | None = None) -> tuple[dict[str, np.ndarray],
                                                                         dict[str, np.ndarray]]:
    """Row (forward) and column (backward) sums of the four parts of v-hat L y-hat (METHODS.md 3.2) for the
    final demand Y (n x G' by destination unit; default: the table's, for which L y = x)."""
    eng, AF, v = ctx.eng, ctx.AF, ctx.v
    if Y is None:
        yD, yF, y, x = ctx.yD, ctx.yF, ctx.y, ctx.x
    else:
        yD, y = ctx.dp(Y), Y.sum(1)
        yF, x = y - yD, eng.solve(y)
    LD_yD, LD_yF = ctx.apply_LD(np.column_stack([yD, yF])).T
    a = ctx.lam                                                     # a' = v' L^D
    aAF = AF.T @ a
    aAFLD = ctx.apply_LD_T(aAF)                                     # a' A^F L^D
    aAFL = eng.solve_T(aAF)                                         # a' A^F L
    forward = {
        "F_V_D": v * LD_yD,
        "F_V_RT": v * LD_yF,
        "F_V_GVC_S": v * ctx.apply_LD(AF @ LD_yD),
        "F_V_GVC_C": v * ctx.apply_LD(AF @ (x - LD_yD)),
    }
    backward = {
        "B_V_D": a * yD,
        "B_V_RT": a * yF,
        "B_V_GVC_S": aAFLD * yD,
        "B_V_GVC_C": aAFL * y - aAFLD * yD,
    }
    return forward, backward


def _inventory_demand(table: IOTable, ctx: TradeContext) -> np.ndarray:
    """The INVNT final-demand category by destination unit (n x G'); OptionError when the table has none."""
    if "INVNT" not in table.fd_categories:
        raise OptionError(f"inventories='exclude_from_shares' needs an INVNT final-demand category; {table!r} has "
                          f"{list(table.fd_categories)}")
    return table.Y[:, :, table.fd_categories.index("INVNT")] @ ctx.per.U


def wwyz_participation(table: IOTable, *, level: str = "cell", groups: Groups = None, inventories: str = "keep",
                       zero_div: str = "nan") -> pd.DataFrame:
    """WWYZ (2017a) production decomposition v-hat L y-hat = V_D + V_RT + V_GVC_S + V_GVC_C (METHODS.md 3.2).

    Forward terms (prefix F_, rows, by VA-origin cell) and backward terms (prefix B_, columns, by final-goods
    producer), levels and participation shares: GVCPT = (V_GVC_S + V_GVC_C) / va (forward) or / y (backward),
    split simple/complex, and the pure-domestic share V_D / va ('inner circulation', 陈普 & 傅元海 2022).  Levels
    are always reported: with negative inventories y can be <= 0 and shares leave [0, 1] or become NaN.
    ``inventories='exclude_from_shares'`` (METHODS.md 0.6-4): INVNT stays in Y for the levels, so the
    identities hold, but the shares are those of final demand without INVNT (numerators from the decomposition
    of that final demand, denominators va - F_VA_INVNT and y - B_Y_INVNT), and the inventory parts are
    reported separately: F_VA_INVNT = v o L y^INVNT (VA absorbed in inventory changes) and B_Y_INVNT.
    """
    check_choice("level", level, ("cell", "country"))
    check_choice("inventories", inventories, ("keep", "exclude_from_shares"))
    ctx = trade_context(table, groups)
    forward, backward = _wwyz_parts(ctx)
    cells = {"F_VA": table.va, **forward, "B_Y": ctx.y, **backward}
    if inventories == "exclude_from_shares":
        stock = _inventory_demand(table, ctx)
        cells["F_VA_INVNT"] = ctx.v * ctx.eng.solve(stock.sum(1))
        cells["B_Y_INVNT"] = stock.sum(1)
        share_forward, share_backward = _wwyz_parts(ctx, ctx.Y - stock)
        share_cells = {**share_forward, **share_backward, "F_VA": cells["F_VA"] - cells["F_VA_INVNT"],
                       "B_Y": cells["B_Y"] - cells["B_Y_INVNT"]}
    else:
        share_cells = cells
    aggregate = (lambda d: d) if level == "cell" else (lambda d: {k: c @ ctx.D for k, c in d.items()})
    vals, base = aggregate(cells), aggregate(share_cells)
    va, y = base["F_VA"], base["B_Y"]
    shares = {
        "F_GVCPT": safe_divide(base["F_V_GVC_S"] + base["F_V_GVC_C"], va, zero_div),
        "F_GVCPT_S": safe_divide(base["F_V_GVC_S"], va, zero_div),
        "F_GVCPT_C": safe_divide(base["F_V_GVC_C"], va, zero_div),
        "F_PURE_DOMESTIC": safe_divide(base["F_V_D"], va, zero_div),
        "B_GVCPT": safe_divide(base["B_V_GVC_S"] + base["B_V_GVC_C"], y, zero_div),
        "B_GVCPT_S": safe_divide(base["B_V_GVC_S"], y, zero_div),
        "B_GVCPT_C": safe_divide(base["B_V_GVC_C"], y, zero_div),
        "B_PURE_DOMESTIC": safe_divide(base["B_V_D"], y, zero_div),
    }
    df = _cell_frame(table, {**vals, **shares}, units=dict.fromkeys(shares, RATIO_UNIT),
                     regions=None if level == "cell" else ctx.per.names, sectors=level == "cell")
    return tidy(df, method="Wang-Wei-Yu-Zhu 2017a production decomposition (METHODS.md 3.2)", table=table,
                options=_options({"level": level, "inventories": inventories}, ctx))


# ---------------------------------------------------------------------------------------------------------------
# 3.3 WWYZ production length

def _length_parts(ctx: TradeContext, split: bool) -> tuple[dict, dict, dict, dict]:
    """Numerators (X_v pieces) and denominators (V pieces) by rows and by columns (METHODS.md 3.3)."""
    eng, AF, v, x = ctx.eng, ctx.AF, ctx.v, ctx.x
    forward, backward = _wwyz_parts(ctx)
    LD, LDT = ctx.apply_LD, ctx.apply_LD_T
    LDLD_y = LD(LD(np.column_stack([ctx.yD, ctx.yF])))
    Lx = eng.solve(x)
    AFx = AF @ x
    LDLD_AFx = LD(LD(AFx))
    rows_num = {
        "PLv": v * Lx,
        "PLv_D": v * LDLD_y[:, 0],
        "PLv_RT": v * LDLD_y[:, 1],
        "PLv_GVC": v * (LDLD_AFx + LD(AF @ Lx)),
    }
    rows_den = {"PLv": ctx.table.va, "PLv_D": forward["F_V_D"], "PLv_RT": forward["F_V_RT"],
                "PLv_GVC": forward["F_V_GVC_S"] + forward["F_V_GVC_C"]}
    if split:
        AD_x = ctx.A @ x - AFx
        rows_num.update({"PLv_GVC_D": v * LDLD_AFx,
                         "PLv_GVC_CB": v * eng.solve(AFx),
                         "PLv_GVC_F": v * LD(AF @ eng.solve(AD_x))})
        rows_den.update({k: rows_den["PLv_GVC"] for k in ("PLv_GVC_D", "PLv_GVC_CB", "PLv_GVC_F")})
    lam = ctx.lam
    vLDLD = LDT(lam)                                                # v' L^D L^D
    aAFL = eng.solve_T(AF.T @ lam)                                  # v' L^D A^F L
    cols_num = {
        "PLy": eng.solve_T(eng.va_multipliers) * ctx.y,
        "PLy_D": vLDLD * ctx.yD,
        "PLy_RT": vLDLD * ctx.yF,
        "PLy_GVC": (eng.solve_T(AF.T @ vLDLD) + eng.solve_T(aAFL)) * ctx.y,
    }
    cols_den = {"PLy": ctx.y, "PLy_D": backward["B_V_D"], "PLy_RT": backward["B_V_RT"],
                "PLy_GVC": backward["B_V_GVC_S"] + backward["B_V_GVC_C"]}
    return rows_num, rows_den, cols_num, cols_den


def production_length(table: IOTable, *, level: str = "cell", split: bool = False, groups: Groups = None,
                      zero_div: str = "nan") -> pd.DataFrame:
    """WWYZ (2017b) average production length and the GVC position index (METHODS.md 3.3).

    X_v = v-hat L L y-hat.  PLv = X_v u / va = (L x) / x (equals Ghosh upstreamness), PLy = u' X_v / y' = u' L
    (equals downstreamness); segments D, RT and GVC by rows and by columns; GVCPS = PLv_GVC / PLy_GVC (> 1:
    relatively upstream).  ``split=True`` adds the optional 3-part split of the forward GVC length (domestic,
    border-crossing and foreign segments, as in the ADB scripts; decision D11).  Country level divides summed
    numerators by summed denominators.
    """
    check_choice("level", level, ("cell", "country"))
    ctx = trade_context(table, groups)
    rows_num, rows_den, cols_num, cols_den = _length_parts(ctx, split)
    nums, dens = {**rows_num, **cols_num}, {**rows_den, **cols_den}
    if level == "country":
        nums = {k: c @ ctx.D for k, c in nums.items()}
        dens = {k: c @ ctx.D for k, c in dens.items()}
    vals = {k: safe_divide(nums[k], dens[k], zero_div) for k in nums}
    vals["GVCPS"] = safe_divide(vals["PLv_GVC"], vals["PLy_GVC"], zero_div)
    order = ["PLv", "PLy", "PLv_D", "PLv_RT", "PLv_GVC", "PLy_D", "PLy_RT", "PLy_GVC", "GVCPS"]
    order += [k for k in ("PLv_GVC_D", "PLv_GVC_CB", "PLv_GVC_F") if k in vals]
    df = _cell_frame(table, {k: vals[k] for k in order}, units=dict.fromkeys(order, STAGES),
                     regions=None if level == "cell" else ctx.per.names, sectors=level == "cell")
    return tidy(df, method="Wang-Wei-Yu-Zhu 2017b production length (METHODS.md 3.3)", table=table, unit=STAGES,
                options=_options({"level": level, "split": split}, ctx))


# ---------------------------------------------------------------------------------------------------------------
# 3.4 Upstreamness and downstreamness

def _antras_chor_table(table: IOTable, zero_negative: bool) -> IOTable:
    """Net-inventory correction (Antras & Chor 2018; METHODS.md 3.4): drop INVNT, rescale rows by x/(x - N)."""
    if "INVNT" not in table.fd_categories:
        raise OptionError(f"inventories='antras_chor' needs an INVNT final-demand category; {table!r} has "
                          f"{list(table.fd_categories)}")
    k = table.fd_categories.index("INVNT")
    inventories = table.Y[:, :, k].sum(1)
    net = table.x - inventories
    bad = (net <= 0) & (table.x > 0)
    if bad.any():
        cells = [f"{table.cells[q][0]}/{table.cells[q][1]}" for q in np.flatnonzero(bad)[:8]]
        warnings.warn(f"Antras-Chor correction: x - inventories <= 0 in {int(bad.sum())} cell(s) ({', '.join(cells)}); "
                      "factor 1 used there (METHODS.md 3.4)", TableWarning, stacklevel=3)
    factor = np.where((net > 0) & (table.x > 0), table.x / np.where(net > 0, net, 1.0), 1.0)
    keep = [c for c in range(len(table.fd_categories)) if c != k]
    Z = table.Z * factor[:, None]
    Y = table.Y[:, :, keep] * factor[:, None, None]
    exports = None if table.exports is None else table.exports * factor
    if zero_negative:
        Z, Y = np.maximum(Z, 0.0), np.maximum(Y, 0.0)
        exports = None if exports is None else np.maximum(exports, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)   # rows rebalanced by construction; zeroing leaves a DISC gap
        return IOTable.from_arrays(
            Z, Y, table.x, regions=table.regions, sectors=table.sectors,
            fd_categories=[table.fd_categories[c] for c in keep], exports=exports, Zm=table.Zm,
            Ym=None if table.Ym is None else table.Ym[:, :, keep], meta=table.meta, x_policy="given")


def _open_economy_upstreamness(table: IOTable) -> np.ndarray:
    """U = (I - Delta)^-1 u with delta_pq = z_pq / (x_p - ex_p + im_p) (Antras et al. 2012; single-country table).

    z is total use (domestic + imported, the competitive-table flows of the paper) and im_p the imports of
    product p (intermediate and final).
    """
    if not table.is_national or table.exports is None:
        raise OptionError("the open-economy correction is for single-country tables with an export column; in an "
                          "inter-country table trade is explicit and no correction is needed (decision D12)")
    Z = table.Z + (table.Zm if table.Zm is not None else 0.0)
    imports = np.zeros(table.n)
    if table.Zm is not None:
        imports += table.Zm.sum(1)
    if table.Ym is not None:
        imports += table.Ym.sum((1, 2))
    absorption = table.x - table.exports + imports
    active = table.x > 0
    bad = np.flatnonzero(active & (absorption <= 0))
    if bad.size:
        cells = ", ".join(f"{table.cells[q][1]} (x - ex + im = {absorption[q]:g})" for q in bad[:8])
        raise InputError(f"open-economy upstreamness: domestic absorption x - ex + im <= 0 for {cells}; the "
                         "correction is undefined there (METHODS.md 3.4)")
    delta = Z / np.where(active, absorption, 1.0)[:, None]
    delta[~active] = 0.0
    U = np.linalg.solve(np.eye(table.n) - delta, np.ones(table.n))
    U[~active] = np.nan
    return U


def production_stages(table: IOTable, *, correction: str | None = None, inventories: str = "keep",
                      zero_negative: bool = False, level: str = "cell", weights_u: str = "output",
                      weights_d: str = "final") -> pd.DataFrame:
    """Upstreamness U and downstreamness D (METHODS.md 3.4; decisions D12, D13).

    U = G u = (L x) / x: output upstreamness OU (Miller & Temurshoev 2017), Fally's distance to final demand and
    Antras et al. (2012) upstreamness, which needs no trade correction in an inter-country table.
    D' = u' L: input downstreamness ID and Fally's number of stages.  U_OVER_D = OU / ID.
    ``correction='open_economy'``: the Antras et al. (2012) correction for single-country tables.
    ``inventories='antras_chor'``: net-inventory correction (Antras & Chor 2018), with ``zero_negative`` zeroing
    negative entries as their replication code does (default off).
    ``level='country'`` weights U by output (``weights_u='output'``) or exports (``'exports'``: e'U / u'e) and D
    by final demand (``weights_d='final'``) or output; zero-output cells are NaN and left out.
    """
    check_choice("correction", correction, (None, "open_economy"))
    check_choice("inventories", inventories, ("keep", "antras_chor"))
    check_choice("level", level, ("cell", "country"))
    check_choice("weights_u", weights_u, ("output", "exports"))
    check_choice("weights_d", weights_d, ("final", "output"))
    work = _antras_chor_table(table, zero_negative) if inventories == "antras_chor" else table
    eng = engine_for(work)
    active = table.x > 0
    if correction == "open_economy":
        U = _open_economy_upstreamness(work)
    else:
        U = safe_divide(eng.solve(work.x), work.x)
    D = eng.solve_T(np.ones(work.n))
    D[~active] = np.nan
    vals = {"U": U, "D": D}
    if level == "country":
        exports = table.exports if table.has_open_foreign_sector else trade_context(table).e
        wu = table.x if weights_u == "output" else exports
        wd = table.y if weights_d == "final" else table.x
        region = np.repeat(np.eye(table.G), table.N, axis=0)
        vals = {"U": safe_divide(np.where(active, U * wu, 0.0) @ region, np.where(active, wu, 0.0) @ region),
                "D": safe_divide(np.where(active, D * wd, 0.0) @ region, np.where(active, wd, 0.0) @ region)}
    vals["U_OVER_D"] = safe_divide(vals["U"], vals["D"])
    df = _cell_frame(table, vals, units={"U": STAGES, "D": STAGES, "U_OVER_D": RATIO_UNIT}, sectors=level == "cell")
    return tidy(df, method="Upstreamness and downstreamness (METHODS.md 3.4)", table=table, unit=STAGES,
                options={"correction": correction, "inventories": inventories, "zero_negative": zero_negative,
                         "level": level, "weights_u": weights_u, "weights_d": weights_d})
