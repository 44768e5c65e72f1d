"""Value added in trade (METHODS.md section 2): VA absorption and Johnson-Noguera VAX, HIY vertical
specialisation, Koopman-Wang-Wei (2014), Wang-Wei-Zhu (2013/2018), Borin-Mancini (2019, 2023) in the exporter,
world, self and importer perspectives, and Los-Timmer-de Vries (2016) hypothetical extraction.

Every decomposition is computed from the cell forms of METHODS.md (n x G arrays built from products with the one
explicit Leontief inverse of the table's engine, the routing operator R and the exporter-pick operator P of 0.3);
the terms are computed explicitly and their sums are asserted against gross exports (8.1).  Results are tidy
long tables (columns exporter, importer, sector, term, value, unit) with provenance in ``attrs``.

``groups={"EU": [...]}`` treats each group as one exporter (0.6-6; see :mod:`dualcirc.measures.perimeter`);
member cells are summed by sector when results are printed.  VA absorption, VAX, KWW and country LTV need only
solves with the LU factors and never form the n x n Leontief inverse; ``low_memory=True`` (8.2) avoids it also
where only the blocks L_ss inside exporter units are needed (VS, WWZ, Borin-Mancini exporter/source), streaming
them from solves instead; the Borin-Mancini world perspective needs solves only.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import labels
from ..engine.leontief import engine_for, safe_divide
from ..errors import InputError, OptionError
from ..tables.model import IOTable
from .perimeter import TradeContext, serial_blas, trade_context
from .result import tidy

Groups = Mapping[str, Sequence[str]] | None

#: aggregation levels of a bilateral-sector result (exporter x sector x importer)
LEVELS = ("bilateral_sector", "sector", "bilateral", "country")

WWZ_TERMS = ("DVA_FIN", "DVA_INT", "DVA_INTrexI1", "DVA_INTrexF", "DVA_INTrexI2", "RDV_FIN", "RDV_FIN2",
             "RDV_INT", "DDC_FIN", "DDC_INT", "MVA_FIN", "MVA_INT", "MDC", "OVA_FIN", "OVA_INT", "ODC")
KWW_TERMS = ("DVA_FIN", "DVA_INT", "DVA_INTrex", "RDV_FIN", "RDV_INT", "DDC", "FVA_FIN", "FVA_INT", "FDC")
#: WWZ terms summed into each KWW term (METHODS.md 2.4, mapping to KWW)
WWZ_TO_KWW = {
    "DVA_FIN": ("DVA_FIN",), "DVA_INT": ("DVA_INT", "DVA_INTrexI1"), "DVA_INTrex": ("DVA_INTrexF", "DVA_INTrexI2"),
    "RDV_FIN": ("RDV_FIN", "RDV_FIN2"), "RDV_INT": ("RDV_INT",), "DDC": ("DDC_FIN", "DDC_INT"),
    "FVA_FIN": ("MVA_FIN", "OVA_FIN"), "FVA_INT": ("MVA_INT", "OVA_INT"), "FDC": ("MDC", "ODC"),
}
BM_TERMS = ("GEXP", "DC", "DVA", "VAX", "DAVAX", "REF", "DDC", "FC", "FVA", "FDC", "GVC", "GVCB", "GVCF")
BM_SUBTERMS = ("DAVAX1", "DAVAX2", "REX", "REX1", "REX2", "REX3", "REF1", "REF2")
BM_SINK_TERMS = ("GEXP", "DC", "DVA", "VAX", "VAXIM", "REF", "DDC", "FC", "FVA", "FDC")
BM_NINE_TERMS = ("GEXP", "DC", "DVA", "VAX", "REF", "DDC", "FC", "FVA", "FDC")
BM_IMPORT_TERMS = ("GIMP", "VA", "DC")
#: unit of share and ratio terms
RATIO_UNIT = "ratio"

labels.register({
    "vat.column.exporter": ("Exporter", "出口方"),
    "vat.column.importer": ("Importer", "进口方"),
    "vat.column.term": ("Term", "分项"),
    # 2.1
    "vat.jn.VA_ABSORBED": ("Value added absorbed by final demand of the destination", "被目的地最终需求吸收的增加值"),
    "vat.jn.VAX": ("Value-added exports (absorbed abroad)", "增加值出口（被国外吸收）"),
    "vat.jn.EX": ("Gross exports", "总出口"),
    "vat.jn.VAX_RATIO": ("VAX ratio (VAX / gross exports)", "增加值出口率（VAX/总出口）"),
    "vat.jn.VAM": ("Value-added imports", "增加值进口"),
    "vat.jn.IM": ("Gross imports", "总进口"),
    # 2.2
    "vat.hiy.VS": ("Vertical specialisation: import content of exports (= BM GVCB)", "垂直专业化：出口的进口含量（=BM后向GVC）"),
    "vat.hiy.VS_SHARE": ("VS share of gross exports", "垂直专业化率"),
    "vat.hiy.VS1": ("VS1: domestic VA in partners' exports (with double counting)", "VS1：伙伴出口中的本国增加值（含重复计算）"),
    "vat.hiy.VS1_KWW": ("VS1 in KWW terms (T3+T4+T5+T6; mapping to be verified against KWW 2014)",
                        "KWW口径VS1（T3+T4+T5+T6；映射待与原文核对）"),
    "vat.hiy.VS1_STAR": ("VS1* returned domestic content (T4+T5+T6; mapping to be verified)",
                         "VS1*返回的国内成分（T4+T5+T6；映射待核对）"),
    # 2.3
    "vat.kww.DVA_FIN": ("Domestic VA in final-goods exports", "最终品出口中的国内增加值"),
    "vat.kww.DVA_INT": ("Domestic VA in intermediates absorbed by direct importers", "被直接进口国吸收的中间品国内增加值"),
    "vat.kww.DVA_INTrex": ("Domestic VA in intermediates re-exported to third countries", "经直接进口国再出口至第三国的国内增加值"),
    "vat.kww.RDV_FIN": ("Returned domestic VA in final-goods imports", "经最终品进口返回的国内增加值"),
    "vat.kww.RDV_INT": ("Returned domestic VA in intermediate imports", "经中间品进口返回的国内增加值"),
    "vat.kww.DDC": ("Domestic double counting", "国内重复计算"),
    "vat.kww.FVA_FIN": ("Foreign VA in final-goods exports", "最终品出口中的国外增加值"),
    "vat.kww.FVA_INT": ("Foreign VA in intermediate exports", "中间品出口中的国外增加值"),
    "vat.kww.FDC": ("Foreign double counting", "国外重复计算"),
    # 2.4
    "vat.wwz.DVA_FIN": ("Domestic VA in final-goods exports", "最终品出口中的国内增加值"),
    "vat.wwz.DVA_INT": ("Domestic VA in intermediates absorbed by the direct importer", "被直接进口国吸收的中间品国内增加值"),
    "vat.wwz.DVA_INTrexI1": ("Domestic VA in intermediates re-exported by the direct importer as intermediates, "
                             "absorbed in third countries", "直接进口国以中间品再出口并被第三国吸收的国内增加值"),
    "vat.wwz.DVA_INTrexF": ("Domestic VA in intermediates re-exported by the direct importer in final goods",
                            "直接进口国以最终品再出口的国内增加值"),
    "vat.wwz.DVA_INTrexI2": ("Domestic VA in intermediates re-exported as intermediates and exported onward in "
                             "final goods by third countries", "经第三国加工后以最终品再出口的国内增加值"),
    "vat.wwz.RDV_FIN": ("Returned domestic VA in final goods from the direct importer", "经直接进口国最终品返回的国内增加值"),
    "vat.wwz.RDV_FIN2": ("Returned domestic VA in final goods from third countries", "经第三国最终品返回的国内增加值"),
    "vat.wwz.RDV_INT": ("Returned domestic VA in intermediate imports", "经中间品进口返回的国内增加值"),
    "vat.wwz.DDC_FIN": ("Domestic double counting, final-goods exports production", "最终品出口生产的国内重复计算"),
    "vat.wwz.DDC_INT": ("Domestic double counting, intermediate-exports production", "中间品出口生产的国内重复计算"),
    "vat.wwz.MVA_FIN": ("Direct importer's VA in final-goods exports", "最终品出口中的直接进口国增加值"),
    "vat.wwz.MVA_INT": ("Direct importer's VA in intermediate exports", "中间品出口中的直接进口国增加值"),
    "vat.wwz.MDC": ("Double-counted direct importer's VA", "直接进口国增加值的重复计算"),
    "vat.wwz.OVA_FIN": ("Third countries' VA in final-goods exports", "最终品出口中的第三国增加值"),
    "vat.wwz.OVA_INT": ("Third countries' VA in intermediate exports", "中间品出口中的第三国增加值"),
    "vat.wwz.ODC": ("Double-counted third countries' VA", "第三国增加值的重复计算"),
    # 2.5
    "vat.bm.GEXP": ("Gross exports", "总出口"),
    "vat.bm.DC": ("Domestic content", "国内成分"),
    "vat.bm.DVA": ("Domestic value added", "国内增加值"),
    "vat.bm.VAX": ("Domestic VA absorbed abroad", "被国外吸收的国内增加值"),
    "vat.bm.DAVAX": ("Domestic VA directly absorbed by the importer", "被直接进口国直接吸收的国内增加值"),
    "vat.bm.DAVAX1": ("DAVAX in final goods", "最终品形式的DAVAX"),
    "vat.bm.DAVAX2": ("DAVAX in intermediates processed by the importer for its own final demand",
                      "被进口国加工用于本国最终需求的中间品DAVAX"),
    "vat.bm.REX": ("Domestic VA re-exported (absorbed abroad after further crossings)", "再出口的国内增加值"),
    "vat.bm.REX1": ("Re-exported in final goods by the direct importer", "直接进口国以最终品再出口"),
    "vat.bm.REX2": ("Re-exported, absorbed in third countries after further crossings", "多次跨境后被第三国吸收"),
    "vat.bm.REX3": ("Re-exported, absorbed in the direct importer after further crossings", "多次跨境后被直接进口国吸收"),
    "vat.bm.REF": ("Reflection: domestic VA returning home", "返回国内的增加值"),
    "vat.bm.REF1": ("Reflection in final goods from the direct importer", "经直接进口国最终品返回"),
    "vat.bm.REF2": ("Reflection via further intermediate trade", "经进一步中间品贸易返回"),
    "vat.bm.VAXIM": ("Domestic VA absorbed by the direct importer, incl. re-processing (sink)",
                     "被直接进口国吸收的国内增加值（含再加工，汇点法）"),
    "vat.bm.DDC": ("Domestic double counting", "国内重复计算"),
    "vat.bm.FC": ("Foreign content", "国外成分"),
    "vat.bm.FVA": ("Foreign value added", "国外增加值"),
    "vat.bm.FDC": ("Foreign double counting", "国外重复计算"),
    "vat.bm.GVC": ("GVC-related trade (gross exports - DAVAX)", "全球价值链相关贸易（总出口-DAVAX）"),
    "vat.bm.GVCB": ("Backward GVC participation (FC + DDC)", "后向全球价值链参与（FC+DDC）"),
    "vat.bm.GVCF": ("Forward GVC participation (REX + REF)", "前向全球价值链参与（REX+REF）"),
    "vat.bm_imports.GIMP": ("Gross imports", "总进口"),
    "vat.bm_imports.VA": ("Value added in imports", "进口中的增加值"),
    "vat.bm_imports.DC": ("Double counting in imports", "进口中的重复计算"),
    # 2.6
    "vat.ltv.DVA_LTV": ("Domestic VA in exports by hypothetical extraction (bilateral: non-additive)",
                        "假设抽取法出口国内增加值（双边：不可加）"),
})


# ---------------------------------------------------------------------------------------------------------------
# Tidy output

def check_choice(name: str, value, allowed: Sequence) -> None:
    """OptionError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise OptionError(f"{name} must be one of {tuple(allowed)}, not {value!r}")


def _check_level(level: str, allowed: Sequence[str] = LEVELS) -> None:
    check_choice("level", level, allowed)


def _aggregate(ctx: TradeContext, arrays: Mapping[str, np.ndarray], level: str) -> dict[str, np.ndarray]:
    """Sum n x G' (cell x partner unit) arrays to ``level``: (G',N,G'), (G',N), (G',G') or (G',)."""
    Gu, N = ctx.Gu, ctx.N
    out = {}
    for name, arr in arrays.items():
        a = ctx.unit_sector_sum(arr).reshape(Gu, N, Gu)
        out[name] = {"bilateral_sector": a, "sector": a.sum(2), "bilateral": a.sum(1), "country": a.sum((1, 2))}[level]
    return out


def _frame(ctx: TradeContext, values: Mapping[str, np.ndarray], level: str, *, own: bool = False,
           ratios: Sequence[str] = ()) -> pd.DataFrame:
    """Long table from arrays shaped by level ((G',N,G'), (G',N), (G',G'), (G',)); drops exporter = importer
    unless ``own``.  Terms in ``ratios`` get the unit 'ratio', the others the table's monetary unit.  Columns are
    categoricals (cheap for millions of rows)."""
    terms = list(values)
    V = np.stack([values[t] for t in terms], axis=-1)  # level shape + (T,)
    Gu, N, T = ctx.Gu, ctx.N, len(terms)
    ex = np.arange(Gu)
    if level == "bilateral_sector":
        e, s, r = np.meshgrid(ex, np.arange(N), ex, indexing="ij")
    elif level == "sector":
        e, s = np.meshgrid(ex, np.arange(N), indexing="ij")
        r = np.full(e.shape, -1)
    elif level == "bilateral":
        e, r = np.meshgrid(ex, ex, indexing="ij")
        s = np.full(e.shape, -1)
    else:
        e, s, r = ex, np.full(Gu, -1), np.full(Gu, -1)
    keep = np.ones(e.shape, bool) if own else (e != r)
    e, s, r, V = e[keep], s[keep], r[keep], V[keep]
    names = pd.Index(ctx.per.names)
    unit_codes = np.array([t in ratios for t in terms], dtype=np.int8)
    return pd.DataFrame({
        "exporter": pd.Categorical.from_codes(np.repeat(e, T), categories=names),
        "importer": pd.Categorical.from_codes(np.repeat(r, T), categories=names),
        "sector": pd.Categorical.from_codes(np.repeat(s, T), categories=pd.Index(ctx.table.sectors)),
        "term": pd.Categorical.from_codes(np.tile(np.arange(T), e.size), categories=pd.Index(terms)),
        "value": V.reshape(-1),
        "unit": pd.Categorical.from_codes(np.tile(unit_codes, e.size), categories=pd.Index([ctx.table.meta.unit,
                                                                                               RATIO_UNIT])),
    })


def _result(ctx: TradeContext, df: pd.DataFrame, method: str, options: dict) -> pd.DataFrame:
    opts = dict(options)
    if ctx.per.groups:
        opts["groups"] = {name: list(members) for name, members in ctx.per.groups}
    return tidy(df, method=method, table=ctx.table, options=opts)


def _assert_sum(parts: np.ndarray, total: np.ndarray, what: str) -> None:
    """Closed-form terms must add up (METHODS.md 8.1); a failure means a bug or a numerically unstable table."""
    scale = max(1.0, float(np.abs(total).max(initial=0.0)))
    gap = float(np.abs(parts - total).max(initial=0.0))
    if gap > 1e-8 * scale:
        raise AssertionError(f"{what}: the terms do not add up (max gap {gap:.3e} on a scale of {scale:.3e})")


# ---------------------------------------------------------------------------------------------------------------
# 2.1 VA absorption and Johnson-Noguera VAX

def va_absorption(table: IOTable, *, level: str = "country", groups: Groups = None) -> pd.DataFrame:
    """VA of each origin absorbed by final demand of each destination (METHODS.md 2.1; Johnson & Noguera 2012).

    ``level='cell'`` gives the cell matrix V = v-hat L Y (origin cell x destination, exporter = origin region);
    ``'country'`` gives VAOD = D' v-hat L Y, including the diagonal (VA absorbed at home).
    """
    _check_level(level, ("cell", "country"))
    ctx = trade_context(table, groups)
    absorbed = {"VA_ABSORBED": ctx.v[:, None] * ctx.LY}
    agg = _aggregate(ctx, absorbed, "bilateral_sector" if level == "cell" else "bilateral")
    df = _frame(ctx, agg, "bilateral_sector" if level == "cell" else "bilateral", own=True)
    return _result(ctx, df, "VA absorption matrix (METHODS.md 2.1)", {"level": level})


def vax(table: IOTable, *, level: str = "country", groups: Groups = None, zero_div: str = "nan") -> pd.DataFrame:
    """Johnson-Noguera value-added exports VAX, gross exports EX and the VAX ratio (METHODS.md 2.1).

    Bilateral-sector VAX is by *origin* sector while EX is by exporting sector, as Johnson & Noguera (2012)
    define it; the country level adds VA imports VAM and gross imports IM (VAX - VAM = EX - IM).
    """
    _check_level(level)
    ctx = trade_context(table, groups)
    arrays = {"VAX": ctx.off(ctx.v[:, None] * ctx.LY), "EX": ctx.E}
    agg = _aggregate(ctx, arrays, level)
    agg["VAX_RATIO"] = safe_divide(agg["VAX"], agg["EX"], zero_div)
    if level == "country":
        bil = _aggregate(ctx, arrays, "bilateral")
        agg["VAM"] = bil["VAX"].sum(0)
        agg["IM"] = bil["EX"].sum(0)
    return _result(ctx, _frame(ctx, agg, level, ratios=("VAX_RATIO",)), "Johnson-Noguera VAX (METHODS.md 2.1)",
                   {"level": level, "vax_sector": "origin sector", "ex_sector": "exporting sector"})


# ---------------------------------------------------------------------------------------------------------------
# 2.2 HIY vertical specialisation

def vertical_specialisation(table: IOTable, *, level: str = "country", groups: Groups = None,
                            zero_div: str = "nan", low_memory: bool = False) -> pd.DataFrame:
    """Hummels-Ishii-Yi VS and VS1 (METHODS.md 2.2; Hummels, Ishii & Yi 2001; KWW 2014 for the ICIO mapping).

    ICIO: VS_s = u' A^F_s L^D_ss e_s by exporting sector (equal to BM GVCB = FC + DDC, *not* FVA; decision D9);
    VS1_s = sum_{r != s} v_s' L_sr e_r (TiVA style, with double counting).  At the country level the KWW-term
    versions VS1_KWW = T3+T4+T5+T6 and VS1_STAR = T4+T5+T6 are added, flagged as a mapping to be verified against
    KWW (2014, Fig. 1) (decision D10).  National tables (one region, imports outside the model) use
    VS = u' A^M (I - A^D)^-1 ex.
    """
    if table.is_national and table.has_open_foreign_sector:
        return _vs_national(table, level, zero_div)
    _check_level(level, ("sector", "country"))
    ctx = trade_context(table, groups, low_memory)
    cells = {"VS": ctx.apply_LD_T(ctx.AF.sum(0)) * ctx.e, "EX": ctx.e,
             "VS1": ctx.v * (ctx.L_dot(ctx.e) - ctx.blk_L(ctx.e))}
    if level == "sector":
        agg = {k: ctx.unit_sector_sum(c).reshape(ctx.Gu, ctx.N) for k, c in cells.items()}
    else:
        agg = {k: c @ ctx.D for k, c in cells.items()}
    agg["VS_SHARE"] = safe_divide(agg["VS"], agg["EX"], zero_div)
    options = {"level": level, "vs_equals": "GVCB = FC + DDC (not FVA)"}
    if level == "country":
        kww_terms = kww_country_terms(ctx)
        agg["VS1_KWW"] = kww_terms["DVA_INTrex"] + kww_terms["RDV_FIN"] + kww_terms["RDV_INT"] + kww_terms["DDC"]
        agg["VS1_STAR"] = kww_terms["RDV_FIN"] + kww_terms["RDV_INT"] + kww_terms["DDC"]
        options["vs1_kww_mapping"] = "KWW (2014, Fig. 1) as read for METHODS.md 2.2; verify before publishing"
    return _result(ctx, _frame(ctx, agg, level, ratios=("VS_SHARE",)), "HIY vertical specialisation (METHODS.md 2.2)",
                   options)


def _vs_national(table: IOTable, level: str, zero_div: str) -> pd.DataFrame:
    """HIY VS of a national non-competitive table: u' A^M (I - A^D)^-1 ex by exporting sector."""
    _check_level(level, ("sector", "country"))
    if table.Zm is None or table.exports is None:
        raise InputError(f"{table!r}: HIY VS of a national table needs imported intermediates (Zm) and exports")
    eng = engine_for(table)
    vs = eng.solve_T(eng.Am.sum(0)) * table.exports
    ex = table.exports
    if level == "country":
        vs, ex = np.array([vs.sum()]), np.array([ex.sum()])
        index = {"exporter": [table.regions[0]], "sector": [None]}
    else:
        index = {"exporter": [table.regions[0]] * table.N, "sector": list(table.sectors)}
    parts = (("VS", vs, table.meta.unit), ("EX", ex, table.meta.unit),
             ("VS_SHARE", safe_divide(vs, ex, zero_div), RATIO_UNIT))
    df = pd.concat([pd.DataFrame({**index, "importer": None, "term": term, "value": val, "unit": unit})
                    for term, val, unit in parts], ignore_index=True)
    df = df[["exporter", "importer", "sector", "term", "value", "unit"]]
    return tidy(df, method="HIY vertical specialisation, national table (METHODS.md 2.2)", table=table,
                options={"level": level})


# ---------------------------------------------------------------------------------------------------------------
# 2.3 KWW

def kww_country_terms(ctx: TradeContext) -> dict[str, np.ndarray]:
    """The nine KWW terms by exporting unit from the cell forms of METHODS.md 2.3 (sum asserted).

    Only country sums are needed, and for each unit s, sum_{i in s} v_i (L_ss X_s)_i = phi^D_s' X_s, so the
    L^blk parts of the cell forms become phi^D-weighted sums and the terms need nothing but solves L X and the
    content coefficients (no Leontief inverse); L^off X = L X - L^blk X.
    """
    v, phiD, phiF, D, Gu = ctx.v, ctx.phiD, ctx.phiF, ctx.D, ctx.Gu
    AFX = ctx.AF @ ctx.apply_LD(np.hstack([ctx.YD, ctx.spread(ctx.e)]))     # A^F L^D (Y^D | e-hat D)
    LAFX = ctx.L_dot(AFX)
    LyF, dp_LYF = ctx.LYF.sum(1), ctx.dp(ctx.LYF)                           # dp(L^blk Y^F) = 0

    def returned(half: slice) -> np.ndarray:                                # v o dp(L^off A^F L^D (.))
        return v * ctx.dp(LAFX[:, half]) - phiD * ctx.dp(AFX[:, half])

    cells = {
        "DVA_FIN": phiD * ctx.yF,
        "DVA_INT": v * ctx.LYD.sum(1) - phiD * ctx.yD,
        "DVA_INTrex": v * (LyF - dp_LYF) - phiD * ctx.yF,
        "RDV_FIN": v * dp_LYF,
        "RDV_INT": returned(slice(None, Gu)),
        "DDC": returned(slice(Gu, None)),
        "FVA_FIN": phiF * ctx.yF,
        "FVA_INT": phiF * AFX[:, :Gu].sum(1),
        "FDC": phiF * AFX[:, Gu:].sum(1),
    }
    out = {k: c @ D for k, c in cells.items()}
    _assert_sum(sum(out.values()), ctx.e @ D, "KWW (METHODS.md 2.3)")
    return out


def kww(table: IOTable, *, groups: Groups = None) -> pd.DataFrame:
    """Koopman-Wang-Wei (2014) nine-term decomposition of each exporter's gross exports (METHODS.md 2.3).

    Country level only (decision D4: the cell vectors are by origin sector and do not decompose sector exports;
    use WWZ or BM for detail).  KWW understates FVA (T7+T8) and overstates FDC (decision D3).  Solves only: the
    Leontief inverse is never formed.
    """
    ctx = trade_context(table, groups)
    return _result(ctx, _frame(ctx, kww_country_terms(ctx), "country"), "Koopman-Wang-Wei 2014 (METHODS.md 2.3)",
                   {"level": "country"})


# ---------------------------------------------------------------------------------------------------------------
# 2.4 WWZ

def wwz_arrays(ctx: TradeContext) -> dict[str, np.ndarray]:
    """The 16 WWZ terms as n x G' arrays (exporting cell x importer), vectorised forms of METHODS.md 2.4.

    Shared with the sector-level Koopman et al. (2010) indices of :mod:`dualcirc.measures.gvc`."""
    lam, phiD, phiF = ctx.lam[:, None], ctx.phiD[:, None], ctx.phiF[:, None]
    YF, LYD = ctx.YF, ctx.LYD                          # L Y^D = L y^D-hat D
    LyFD = ctx.L_dot(ctx.spread(ctx.yF))               # L y^F-hat D
    blk_YF = ctx.blk_L(YF)                             # L^blk Y^F
    off_YF = ctx.LYF - blk_YF                          # L^off Y^F
    off_YD = ctx.off(LYD.copy())                       # L^off y^D-hat D
    off_yFD = ctx.off(LyFD.copy())                     # L^off y^F-hat D
    R_dpLYD, R_x, R_LDyD, R_LDe = ctx.R(ctx.dp(LYD), ctx.x, ctx.apply_LD(ctx.yD), ctx.apply_LD(ctx.e))
    PhiT = ctx.Phi.T
    OVA = phiF - PhiT
    P = ctx.P
    return {
        "DVA_FIN": phiD * YF,
        "DVA_INT": lam * R_dpLYD,
        "DVA_INTrexI1": lam * P(off_YD.sum(1)[:, None] - off_YD),
        "DVA_INTrexF": lam * P(blk_YF.sum(1)[:, None] - blk_YF),
        "DVA_INTrexI2": lam * P(off_yFD.sum(1)[:, None] - off_YF - off_yFD),
        "RDV_FIN": lam * P(blk_YF),
        "RDV_FIN2": lam * P(off_YF),
        "RDV_INT": lam * P(LYD),
        "DDC_FIN": lam * P(LyFD),
        "DDC_INT": (phiD - lam) * R_x,
        "MVA_FIN": PhiT * YF,
        "MVA_INT": PhiT * R_LDyD,
        "MDC": PhiT * R_LDe,
        "OVA_FIN": OVA * YF,
        "OVA_INT": OVA * R_LDyD,
        "ODC": OVA * R_LDe,
    }


def wwz(table: IOTable, *, level: str = "bilateral_sector", groups: Groups = None,
        low_memory: bool = False) -> pd.DataFrame:
    """Wang-Wei-Zhu (2013, rev. 2018) 16-term decomposition of bilateral-sector gross exports (METHODS.md 2.4).

    Terms are keyed by name (never by position: R decompr/icio print RDV_INT before RDV_FIN and OVA before MVA).
    Exporting-sector (backward-linkage) view; ``level`` sums the additive terms.  The sum of the 16 terms is
    asserted against E in every cell.
    """
    _check_level(level)
    ctx = trade_context(table, groups, low_memory)
    arrays = wwz_arrays(ctx)
    _assert_sum(sum(arrays.values()), ctx.E, "WWZ (METHODS.md 2.4)")
    df = _frame(ctx, _aggregate(ctx, arrays, level), level)
    return _result(ctx, df, "Wang-Wei-Zhu 2013/2018 (METHODS.md 2.4)", {"level": level, "sector_view": "exporting"})


def wwz_to_kww(result: pd.DataFrame) -> pd.DataFrame:
    """Map a WWZ result to the nine KWW terms at the same level (METHODS.md 2.4: T1 = 1, T2 = 2+3, ...)."""
    term_of = {w: k for k, ws in WWZ_TO_KWW.items() for w in ws}
    df = result.assign(term=result["term"].astype(str).map(term_of))
    keys = ["exporter", "importer", "sector", "term", "unit"]
    out = df.groupby(keys, observed=True, dropna=False, sort=False)["value"].sum().reset_index()
    out["term"] = pd.Categorical(out["term"], categories=list(KWW_TERMS))
    out = out.sort_values(["exporter", "sector", "importer", "term"], kind="stable", ignore_index=True)
    out = out[["exporter", "importer", "sector", "term", "value", "unit"]]
    out.attrs = {**result.attrs, "method": "WWZ mapped to KWW terms (METHODS.md 2.4)"}
    return out


# ---------------------------------------------------------------------------------------------------------------
# 2.5 Borin-Mancini

def _foreign_by_origin(ctx: TradeContext, *Ws: np.ndarray) -> list[np.ndarray]:
    """Foreign content by origin sector (METHODS.md 2.5.1, sector_view='origin'), one n x G' array per W.

    Entry [q, r] for the exporter unit s of cell q holds sum_{t outside s} v_ti (L_ts W_s)_{i, r} with i the
    sector of q; for a group, the values sit in the rows of its first member (member rows are summed when
    printed).  One column block L_.s per unit (streamed under low_memory).
    """
    G, N, k = ctx.G, ctx.N, Ws[0].shape[1]
    stacked = np.hstack(Ws)
    outs = [np.zeros_like(W) for W in Ws]
    for _, idx, L_col in ctx.column_blocks():
        content = ctx.v[:, None] * (L_col @ stacked[idx])
        content[idx] = 0.0                                  # value added of the exporter unit itself
        by_sector = content.reshape(G, N, -1).sum(0)
        for j, out in enumerate(outs):
            out[idx[:N]] = by_sector[:, j * k:(j + 1) * k]
    return outs


def _bm_source_arrays(ctx: TradeContext, subterms: bool, sector_view: str = "exporting",
                      exporter_fva: bool = True) -> dict[str, np.ndarray]:
    """Exporter perspective, source approach (METHODS.md 2.5.1), n x G' arrays; without FVA and FDC when
    ``exporter_fva`` is False (the world perspective replaces them and then needs no block of L).

    Every domestic term is a bracket b (n x G') scaled by the exporting cell's lambda_q (sector_view
    'exporting') or spread over origin sectors as v-hat_s L^D_ss b ('origin'); DC, FC and FVA by origin use
    v-hat_s L_ss E, v-hat_t L_ts E and v-hat_t L_ts (I + M_s)^-1 E.  Country totals are the same in both views.
    """
    E = ctx.E
    R_LDyD, R_x = ctx.R(ctx.apply_LD(ctx.yD), ctx.x)
    P_LY = ctx.P(ctx.LY)
    brackets = {"DVA": E, "DAVAX1": ctx.YF, "DAVAX2": R_LDyD, "VAX": ctx.YF + R_x - P_LY, "REF": P_LY}
    if subterms:
        LDYF = ctx.apply_LD(ctx.YF)
        H = ctx.apply_LD(ctx.AF @ ctx.LY)              # L^D A^F L Y
        P_LDYF, P_H = ctx.P(LDYF), ctx.P(H)
        R_LDyF, R_Hu, R_dpH = ctx.R(LDYF.sum(1), H.sum(1), ctx.dp(H))
        brackets.update({"REX1": R_LDyF - P_LDYF, "REX2": R_Hu - R_dpH - P_H, "REX3": R_dpH,
                         "REF1": P_LDYF, "REF2": P_H})
    if sector_view == "exporting":
        dom = {k: ctx.lam[:, None] * b for k, b in brackets.items()}
        DC, FC = ctx.phiD[:, None] * E, ctx.phiF[:, None] * E
        FVA = ctx.psi[:, None] * E if exporter_fva else None
    else:
        names = list(brackets)
        spread = ctx.v[:, None] * ctx.apply_LD(np.hstack([brackets[k] for k in names]))
        dom = dict(zip(names, np.split(spread, len(names), axis=1)))
        DC = ctx.v[:, None] * ctx.blk_L(E)
        FC, FVA = _foreign_by_origin(ctx, E, ctx.solve_F(E))
    DVA, VAX, REF = dom["DVA"], dom["VAX"], dom["REF"]
    DAVAX = dom["DAVAX1"] + dom["DAVAX2"]
    REX = VAX - DAVAX
    DDC = DC - DVA
    out = {"GEXP": E, "DC": DC, "DVA": DVA, "VAX": VAX, "DAVAX": DAVAX, "REF": REF, "DDC": DDC, "FC": FC}
    if FVA is not None:
        out.update({"FVA": FVA, "FDC": FC - FVA})
    out.update({"GVC": E - DAVAX, "GVCB": FC + DDC, "GVCF": REX + REF})
    if subterms:
        out.update({"DAVAX1": dom["DAVAX1"], "DAVAX2": dom["DAVAX2"], "REX": REX,
                    **{k: dom[k] for k in ("REX1", "REX2", "REX3", "REF1", "REF2")}})
        _assert_sum(out["REX1"] + out["REX2"] + out["REX3"], REX, "BM REX sub-terms (METHODS.md 2.5.1)")
        _assert_sum(out["REF1"] + out["REF2"], REF, "BM REF sub-terms (METHODS.md 2.5.1)")
    if sector_view == "exporting":
        _assert_sum(DVA + DDC + FC, E, "BM source (METHODS.md 2.5.1)")
    else:   # origin sectors add up to each exporter-partner flow, not to the exporting sector's row
        _assert_sum(ctx.D.T @ (DVA + DDC + FC), ctx.D.T @ E, "BM source, origin-sector view (METHODS.md 2.5.1)")
    _assert_sum(VAX + REF, DVA, "BM source DVA = VAX + REF")
    return out


def _bm_sink_arrays(ctx: TradeContext) -> dict[str, np.ndarray]:
    """Exporter perspective, sink approach with VAXIM (METHODS.md 2.5.2), n x G' arrays.

    x~(s) = x - L_.s F_s^-1 e_s and x~(s,t) = (LY)_.t - L_.s F_s^-1 [(A^F L Y)_st + Y_st] are formed for all s at
    once through F_s^-1 on each exporter's rows and one product with L; the (s, r) pairs of VAXIM need
    (A^F L)_rs blocks, which pick(L, .) gives through A^F L = L - I - A^D L without another n x n product.
    """
    L, E, phiD, phiF = ctx.L, ctx.E, ctx.phiD[:, None], ctx.phiF[:, None]
    AF, Y, YF = ctx.AF, ctx.Y, ctx.YF
    W1 = AF @ ctx.LY                                            # A^F L Y
    z = ctx.solve_F(np.column_stack([ctx.e, ctx.dp(W1)]))       # F_s^-1 e_s | F_s^-1 (A^F L Y)_ss
    Gu = ctx.Gu
    LZ = L @ np.hstack([ctx.spread(z[:, 0]), ctx.spread(z[:, 1])])
    x_s = ctx.x[:, None] - LZ[:, :Gu]                           # x~(s) in column s
    x_ss = ctx.LY - LZ[:, Gu:]                                  # x~(s,s) in column s
    del LZ
    AFX = AF @ np.hstack([x_s, x_ss])
    del x_s, x_ss
    bracket_dva = ctx.apply_LD(ctx.y[:, None] + AFX[:, :Gu])   # L^D_rr [y_r + sigma_r(x~(s))]
    bracket_ref = ctx.apply_LD(Y + AFX[:, Gu:])                # L^D_rr [Y_rs + sigma_r(x~(s,s))]
    del AFX
    # VAXIM: sigma_r(x~(s,r)) = (A^F L Y)_rr - (A^F L)_rs F_s^-1 [(A^F L Y)_sr + Y_sr]
    Zs = ctx.solve_F(W1 + YF)
    T = ctx.pick(L, Zs)
    T -= ctx.blk(ctx.A, T)                                      # (I - A^D) pick(L, .) = pick(A^F L, .) off own unit
    bracket_im = ctx.apply_LD(ctx.yD[:, None] + ctx.dp(W1)[:, None] - T)
    del T, Zs, W1
    core = YF + ctx.P(bracket_dva)
    DC, FC = phiD * E, phiF * E
    DVA, FVA = phiD * core, phiF * core
    REF = phiD * ctx.P(bracket_ref)
    VAXIM = phiD * (YF + ctx.P(bracket_im))
    return {"GEXP": E, "DC": DC, "DVA": DVA, "VAX": DVA - REF, "VAXIM": VAXIM, "REF": REF, "DDC": DC - DVA,
            "FC": FC, "FVA": FVA, "FDC": FC - FVA}


def _self_alpha(ctx: TradeContext) -> np.ndarray:
    """alpha[q, r] = (A_sr L_rs)_qq for every exporting cell q in s and partner r (n x G'), cost n^2."""
    G, N = ctx.G, ctx.N
    a = np.einsum("sirk,rksi->sir", ctx.AF.reshape(G, N, G, N), ctx.L.reshape(G, N, G, N), optimize=False)
    return a.reshape(ctx.n, G) @ ctx.per.U


def _bm_self(ctx: TradeContext, level: str) -> dict[str, np.ndarray]:
    """Self perimeter DVA* (METHODS.md 2.5.4): the flow itself is the perimeter; not additive."""
    alpha = _self_alpha(ctx)
    R_x, = ctx.R(ctx.x)
    vaxe = ctx.YF + R_x - ctx.P(ctx.LY)                # source VAX bracket of each flow
    E = ctx.E
    if level == "sector":
        alpha, vaxe, E = alpha.sum(1), vaxe.sum(1), E.sum(1)
    scale = 1.0 / (1.0 + alpha)
    phiD, phiF = (ctx.phiD, ctx.phiF) if level == "sector" else (ctx.phiD[:, None], ctx.phiF[:, None])
    DC, FC = phiD * E, phiF * E
    DVA, FVA, VAX = DC * scale, FC * scale, phiD * vaxe * scale
    return {"GEXP": E, "DC": DC, "DVA": DVA, "VAX": VAX, "REF": DVA - VAX, "DDC": DC - DVA, "FC": FC, "FVA": FVA,
            "FDC": FC - FVA}


def _bm_world_fva(ctx: TradeContext, approach: str) -> np.ndarray:
    """FVA in the world perspective by exporting unit (METHODS.md 2.5.3; BM 2019 eqs. 52 and 54)."""
    if approach == "source":
        cell = ctx.apply_LD_T(ctx.AF.T @ ctx.lam) * ctx.e
    else:
        d = ctx.yF + ctx.AF @ ctx.apply_LD(ctx.yD)
        R_LDd, = ctx.R(ctx.apply_LD(d))
        cell = ctx.phiF * d + (ctx.Phi.T * R_LDd).sum(1)
    return cell @ ctx.D


def _bm_imports(ctx: TradeContext) -> dict[str, np.ndarray]:
    """Importer perspective (METHODS.md 2.5.5; BM 2019 eq. 51): VA and double counting in each unit's imports.

    VA_r = u' v-hat (x - x-bar) where x-bar extracts r's imports (columns A^F_.r and final imports Y^F_.r), by the
    column-block Woodbury update x-bar = L y-bar - L Delta (I + L_r. Delta)^-1 (L y-bar)_r (one N_r solve per r).
    """
    L, AF, YF, LYF = ctx.L, ctx.AF, ctx.YF, ctx.LYF
    content = ctx.Phi.sum(0)                            # v'L (1 on active cells)
    a = AF.T @ content                                  # v' L A^F
    va = np.empty(ctx.Gu)
    with serial_blas():
        for r, idx in enumerate(ctx.per.cells):
            K = L[idx] @ AF[:, idx]                     # L_r. Delta
            rhs = ctx.x[idx] - LYF[idx, r]              # (L y-bar)_r
            va[r] = content @ YF[:, r] + a[idx] @ np.linalg.solve(np.eye(idx.size) + K, rhs)
    gimp = ctx.E.sum(0)
    return {"GIMP": gimp, "VA": va, "DC": gimp - va}


def borin_mancini(table: IOTable, *, perspective: str = "exporter", approach: str = "source",
                  level: str | None = None, subterms: bool = False, sector_view: str = "exporting",
                  groups: Groups = None, low_memory: bool = False) -> pd.DataFrame:
    """Borin-Mancini (2019, 2023) decomposition of gross exports (METHODS.md 2.5).

    ``perspective``: 'exporter' (default; additive across sectors and partners), 'world' (country level;
    'corrected KWW'), 'self' (the flow itself: sector or bilateral-sector level, not additive; DVA* equals LTV
    extraction of that flow) or 'importer' (gross imports into VA and double counting, country level).
    ``approach``: 'source' (default, recommended by Feas 2023) or 'sink' (adds VAXIM).  ``subterms=True`` adds the
    DAVAX, REX and REF sub-terms of the source approach.  Exporter/source and the world perspective return the
    13 (resp. 9) terms of the tree GEXP = DC + FC, DC = DVA + DDC, DVA = VAX + REF, VAX = DAVAX + REX, FC = FVA +
    FDC, GVC = GEXP - DAVAX = GVCB + GVCF.  ``level`` defaults to 'bilateral_sector' for the exporter and self
    perspectives and to 'country' for the world and importer perspectives.
    ``sector_view`` (exporter/source): 'exporting' (default) puts each term on the exporting sector; 'origin' on
    the sector whose value added it is (domestic terms on the exporter's origin sectors, FC/FVA/FDC on foreign
    origin sectors summed over origin countries, 2.5.1); country totals are identical.  ``low_memory=True``
    (8.2) is offered for exporter/source; the world perspective needs solves only.
    """
    check_choice("perspective", perspective, ("exporter", "world", "self", "importer"))
    check_choice("approach", approach, ("source", "sink"))
    if level is None:
        level = "country" if perspective in ("world", "importer") else "bilateral_sector"
    check_choice("sector_view", sector_view, ("exporting", "origin"))
    source_exporter = perspective == "exporter" and approach == "source"
    if subterms and not source_exporter:
        raise OptionError("sub-terms (DAVAX1/2, REX1-3, REF1/2) exist for the exporter perspective, source approach")
    if sector_view == "origin" and not source_exporter:
        raise OptionError("sector_view='origin' is defined for the exporter perspective, source approach "
                          "(METHODS.md 2.5.1)")
    if low_memory and not (source_exporter or perspective == "world"):
        raise OptionError("low_memory=True is offered for the exporter perspective with the source approach (the "
                          "world perspective never forms the Leontief inverse); the sink approach, the self perimeter "
                          "and the importer perspective need off-diagonal blocks of it")
    ctx = trade_context(table, groups, low_memory)
    options = {"perspective": perspective, "approach": approach, "level": level}
    method = (f"Borin-Mancini {perspective} perspective" + (f", {approach} approach" if perspective in
              ("exporter", "world") else "") + (", origin-sector view" if sector_view == "origin" else "")
              + " (METHODS.md 2.5)")
    if perspective == "exporter":
        _check_level(level)
        arrays = _bm_source_arrays(ctx, subterms, sector_view) if source_exporter else _bm_sink_arrays(ctx)
        if source_exporter:
            options["sector_view"] = sector_view
        if subterms:
            options["subterms"] = True
        df = _frame(ctx, _aggregate(ctx, arrays, level), level)
    elif perspective == "world":
        _check_level(level, ("country",))
        arrays = _bm_source_arrays(ctx, False, exporter_fva=False)
        agg = _aggregate(ctx, {t: arrays[t] for t in BM_NINE_TERMS if t not in ("FVA", "FDC")}, "country")
        agg["FVA"] = _bm_world_fva(ctx, approach)
        agg["FDC"] = agg["FC"] - agg["FVA"]
        agg = {t: agg[t] for t in BM_NINE_TERMS}
        df = _frame(ctx, agg, "country")
    elif perspective == "self":
        _check_level(level, ("sector", "bilateral_sector"))
        if ctx.per.grouped_units:
            raise OptionError("the self perimeter is one flow of one cell and is not additive, so member cells of a "
                              "country group cannot be summed; run it without groups")
        values = _bm_self(ctx, level)
        shape = (ctx.Gu, ctx.N, ctx.Gu) if level == "bilateral_sector" else (ctx.Gu, ctx.N)
        df = _frame(ctx, {k: a.reshape(shape) for k, a in values.items()}, level)
        options.update({"approach": "none (self perimeter)", "additive": False})
    else:
        _check_level(level, ("country",))
        imports = _bm_imports(ctx)
        df = _frame(ctx, imports, "country").rename(columns={"exporter": "importer", "importer": "exporter"})
        df = df[["exporter", "importer", "sector", "term", "value", "unit"]]
        options["approach"] = "none (importer perspective)"
    return _result(ctx, df, method, options)


# ---------------------------------------------------------------------------------------------------------------
# 2.6 Los-Timmer-de Vries

def _ltv_bilateral(ctx: TradeContext) -> np.ndarray:
    """DVA^LTV_sr = GDP_s - v_s' x-bar_s after extracting A_sr and Y_sr, by Woodbury (METHODS.md 2.6), G' x G'.

    With K = A_sr L_rs: DVA_sr = phi^D_s' [Y_sr + (I + K)^-1 A_sr (x_r - L_rs Y_sr)].  The right-hand sides of
    all pairs are R(x) - P(pick(L, Y)); then one exporter at a time, all partners in one batched solve of size N_s.
    """
    L, AF, Y, phiD, U = ctx.L, ctx.AF, ctx.Y, ctx.phiD, ctx.per.U
    G, N, Gu = ctx.G, ctx.N, ctx.Gu
    R_x, = ctx.R(ctx.x)
    rhs = R_x - ctx.P(ctx.pick(L, Y))                  # [q in s, r]: (A_sr (x_r - L_rs Y_sr))_q
    out = np.zeros((Gu, Gu))
    with serial_blas():
        for s, idx in enumerate(ctx.per.cells):
            m = idx.size
            K = np.matmul(AF[idx].reshape(m, G, N).transpose(1, 0, 2), L[:, idx].reshape(G, N, m))  # by region
            if ctx.per.grouped_units:
                K = (U.T @ K.reshape(G, m * m)).reshape(Gu, m, m)                                   # by unit
            sol = np.linalg.solve(np.eye(m)[None] + K, rhs[idx].T[:, :, None])[:, :, 0]            # (G', m)
            out[s] = phiD[idx] @ (Y[idx] + sol.T)
            out[s, s] = 0.0
    return out


def ltv(table: IOTable, *, level: str = "country", groups: Groups = None) -> pd.DataFrame:
    """Los-Timmer-de Vries (2016) domestic VA in exports by hypothetical extraction (METHODS.md 2.6).

    'country': GDP_s minus GDP without any exports, closed form v_s' L^D_ss e_s (= KWW T1..T5 = BM DVA; additive).
    'bilateral': extraction of A_sr and Y_sr by Woodbury; **not additive** across partners (by design).
    'sector' / 'bilateral_sector': extraction of one sector's (sector-partner) flow = BM self DVA* (not additive).
    The country level needs no Leontief inverse; the extractions of single flows need its off-diagonal blocks.
    """
    _check_level(level)
    ctx = trade_context(table, groups)
    if level == "country":
        values = {"DVA_LTV": (ctx.lam * ctx.e) @ ctx.D}
        additive = True
    elif level == "bilateral":
        values = {"DVA_LTV": _ltv_bilateral(ctx)}
        additive = False
    else:
        if ctx.per.grouped_units:
            raise OptionError("sector LTV extracts one cell's flow and is not additive; run it without groups")
        dva = _bm_self(ctx, level)["DVA"]
        shape = (ctx.Gu, ctx.N, ctx.Gu) if level == "bilateral_sector" else (ctx.Gu, ctx.N)
        values = {"DVA_LTV": dva.reshape(shape)}
        additive = False
    df = _frame(ctx, values, level)
    return _result(ctx, df, "Los-Timmer-de Vries 2016 extraction (METHODS.md 2.6)",
                   {"level": level, "additive": additive})
