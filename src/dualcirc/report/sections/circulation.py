"""Report section: value added absorbed at home and abroad (METHODS.md 2.1, 4.1, 4.3(a, c), 4.4).

The account comes from the VA absorption matrix VAOD = D' v̂ L Y (Johnson & Noguera 2012): for inter-country
tables from :func:`dualcirc.measures.vat.va_absorption`; for tables with an open foreign sector (national tables
and national MRIOs: ``exports``, ``Zm``, ``Ym``), which that function does not take, by one multi-right-hand-side
solve ``L Y`` (no inverse), with the VA absorbed outside the table v_s'(L ex)_s and the foreign VA absorbed at
home = the import content a^M'L Y_{:,r} plus the imported final goods u'Y^M_{:,r} (METHODS.md 4.3(a, c)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import labels
from ...engine import Engine
from ...measures import vat
from ...measures.result import tidy
from ...tables.model import IOTable
from .. import charts
from ..framework import Block, ReportContext, section

METHOD = "VA absorption account D'v̂LY (METHODS.md 2.1, 4.1, 4.3)"

labels.register({
    "report.ind.final_expenditure": ("Final expenditure", "最终支出"),
    "report.ind.va_home": ("Domestic VA absorbed at home (DD)", "国内吸收的本国增加值（DD）"),
    "report.ind.va_abroad": ("Domestic VA absorbed abroad (DF)", "国外吸收的本国增加值（DF）"),
    "report.ind.va_abroad_outside": ("of which: through exports outside the table",
                                     "其中：经表外出口吸收"),
    "report.ind.va_foreign_at_home": ("Foreign VA absorbed at home (FD)", "国内吸收的外国增加值（FD）"),
    "report.ind.share_domestic": ("Domestic-circulation share of GDP (DD/GDP)", "国内循环占GDP比重（DD/GDP）"),
    "report.ind.share_international": ("International-circulation share of GDP (DF/GDP)",
                                       "国际循环占GDP比重（DF/GDP）"),
    "report.ind.self_sufficiency": ("Domestic VA share of final expenditure (DD/FE)",
                                    "最终支出的国内增加值满足率（DD/FE）"),
    "report.ind.import_reliance": ("Foreign VA share of final expenditure (FD/FE)",
                                   "最终支出的国外增加值依赖度（FD/FE）"),
    "report.ind.va_trade_dependence": ("VA-based trade dependence ((DF+FD)/GDP)", "增加值贸易依存度（(DF+FD)/GDP）"),
    "report.dest.outside": ("Exports outside the table", "表外出口"),
    "report.cap.va_account": ("Value-added circulation account", "增加值循环账户"),
    "report.cap.va_destinations": ("Where the economy's value added is absorbed abroad",
                                   "本国增加值在国外的吸收地"),
    "report.cap.va_all_regions": ("International-circulation share of GDP, all regions",
                                  "各地区国际循环占GDP比重"),
})


def va_absorption_account(table: IOTable, engine: Engine) -> dict[str, np.ndarray]:
    """The absorption account of every region (METHODS.md 4.1 and 4.3(a, c)).

    Returns ``VAOD`` (G x G, VA of row region absorbed by final demand of column region) and per-region vectors
    ``gdp``, ``fe`` (final expenditure), ``dd``, ``df`` (absorbed abroad, incl. ``df_outside`` through exports
    outside the table) and ``fd`` (foreign VA absorbed at home).  Identities: dd + df = gdp, dd + fd = fe.
    """
    G, N = table.G, table.N
    fe = table.Y2.sum(0)
    df_outside = np.zeros(G)
    imported_at_home = np.zeros(G)
    if table.has_open_foreign_sector:
        LY = engine.solve(table.Y2)
        vaod = (engine.v[:, None] * LY).reshape(G, N, G).sum(1)
        if table.exports is not None:
            df_outside = (engine.v * engine.solve(table.exports)).reshape(G, N).sum(1)
        if engine.Am is not None:
            imported_at_home += engine.Am.sum(0) @ LY
        if table.Ym is not None:
            imported_at_home += table.Ym.sum((0, 2))
            fe = fe + table.Ym.sum((0, 2))
    else:
        long = vat.va_absorption(table, level="country")
        vaod = (long.pivot_table(index="exporter", columns="importer", values="value", observed=False, sort=False)
                .reindex(index=list(table.regions), columns=list(table.regions)).to_numpy())
    dd = np.diag(vaod).copy()
    fd = vaod.sum(0) - dd + imported_at_home
    return {"VAOD": vaod, "gdp": table.gdp(), "fe": fe, "dd": dd, "df": vaod.sum(1) - dd + df_outside,
            "df_outside": df_outside, "fd": fd}


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else float("nan")  # GDP or FE <= 0 gives NaN (METHODS.md 4.4)


@section("va_absorption", order=30,
         title=("Value added absorbed at home and abroad", "增加值的国内与国外吸收"),
         intro=("The economy's GDP split by where its value added is finally absorbed (domestic and international "
                "circulation, demand view), from the value-added absorption matrix D'v̂LY (Johnson & Noguera 2012; "
                "METHODS.md 4.1). Levels are in the table's unit; shares are ratios.",
                "按增加值最终被吸收的地点划分本国GDP（需求视角的国内循环与国际循环），基于增加值吸收矩阵 D'v̂LY"
                "（Johnson & Noguera 2012；METHODS.md 4.1）。水平值采用投入产出表的单位，比重为比率。"))
def va_absorption_section(ctx: ReportContext) -> list[Block]:
    table, s = ctx.table, ctx.economy_index
    acc = va_absorption_account(table, ctx.engine)
    unit, ratio = table.meta.unit, "report.unit.ratio"
    gdp, fe, dd, df, fd = (acc[k][s] for k in ("gdp", "fe", "dd", "df", "fd"))
    rows = [("report.ind.gdp", gdp, unit), ("report.ind.final_expenditure", fe, unit),
            ("report.ind.va_home", dd, unit), ("report.ind.va_abroad", df, unit)]
    if table.exports is not None:
        rows.append(("report.ind.va_abroad_outside", acc["df_outside"][s], unit))
    rows += [("report.ind.va_foreign_at_home", fd, unit),
             ("report.ind.share_domestic", _ratio(dd, gdp), ratio),
             ("report.ind.share_international", _ratio(df, gdp), ratio),
             ("report.ind.self_sufficiency", _ratio(dd, fe), ratio),
             ("report.ind.import_reliance", _ratio(fd, fe), ratio),
             ("report.ind.va_trade_dependence", _ratio(df + fd, gdp), ratio)]
    options = {"economy": ctx.economy, "inventories": "keep", "returned_va": "absorbed at home (DD)"}
    account = tidy(pd.DataFrame([(ctx.economy, k, v, u) for k, v, u in rows],
                                columns=["region", "indicator", "value", "unit"]),
                   method=METHOD, table=table, unit="report.unit.see_column", options=options)
    blocks = [Block("report.cap.va_account", account, translate=("indicator", "unit"))]

    abroad = {r: acc["VAOD"][s, j] for j, r in enumerate(table.regions) if j != s}
    if table.exports is not None:
        abroad[ctx.t("report.dest.outside")] = acc["df_outside"][s]
    if abroad:
        dest = pd.DataFrame({"report.col.destination": list(abroad), "value": list(abroad.values())})
        dest = dest.sort_values("value", ascending=False, kind="stable", ignore_index=True)
        dest["report.col.share"] = [_ratio(v, gdp) for v in dest["value"]]
        dest = tidy(dest, method=METHOD, table=table, unit=unit, options={**options, "share_of": "GDP"})
        top = dest.head(ctx.top)
        fig = charts.ranked_bars([ctx.region_name(r) for r in top["report.col.destination"]], top["value"],
                                 highlight=None,
                                 title=f"{ctx.region_name(ctx.economy)}: {ctx.t('report.cap.va_destinations')}",
                                 value_title=unit)
        blocks.append(Block("report.cap.va_destinations", dest, fig))

    if table.G > 1:
        share = np.array([_ratio(a, b) for a, b in zip(acc["df"], acc["gdp"])])
        order = np.argsort(-np.nan_to_num(share, nan=-np.inf), kind="stable")
        regions = [table.regions[j] for j in order]
        comparison = tidy(pd.DataFrame({"region": regions, "indicator": "report.ind.share_international",
                                        "value": share[order]}),
                          method=METHOD, table=table, unit=ratio, options={"inventories": "keep"})
        fig = charts.ranked_bars([ctx.region_name(r) for r in regions], share[order],
                                 highlight=ctx.region_name(ctx.economy),
                                 title=ctx.t("report.cap.va_all_regions"), value_title=ctx.t(ratio))
        blocks.append(Block("report.cap.va_all_regions", comparison, fig, translate=("indicator", "unit")))
    return blocks
