"""Report sections on dual circulation (METHODS.md 2.1, 4.1-4.4, 4.6).

* ``va_absorption``: value added absorbed at home and abroad, from the absorption account
  :func:`dualcirc.measures.circulation.va_absorption_account` (VAOD = D' v̂ L Y, Johnson & Noguera 2012; tables with
  an open foreign sector add the VA in exports outside the table and the import content and imported final goods);
* ``circulation_views``: the economy's GDP in the absorption and the production view side by side (4.2) and by the
  final-demand category that absorbs it (4.1);
* ``circulation_series``: the shares over 1995-2011 from the built-in WIOD series
  (:func:`dualcirc.measures.circulation.wiod_series`);
* ``dependence_comparison``: gross vs value-added trade dependence of CHN, USA, JPN, KOR and DEU with the peak
  years (4.4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import labels
from ...measures import circulation as circ
from ...measures.circulation import va_absorption_account
from ...measures.result import tidy
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
                                 title=ctx.economy_title("report.cap.va_destinations"),
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


# ------------------------------------------------------------------------------------------------ 4.1-4.2 views
#: the parts of GDP in the production view (borders crossed) and in the absorption view (DD = V_D + REF, DF)
PRODUCTION_ORDER = circ.COMPONENTS
ABSORPTION_PARTS = ("DD", "DF")
METHOD_VIEWS = ("production view (WWYZ 2017a, Borin-Mancini REF/REX) and absorption view (VAOD) of GDP "
                "(METHODS.md 4.1, 4.2)")
#: economies of the cross-country comparison (METHODS.md 4.4)
COMPARED = ("CHN", "USA", "JPN", "KOR", "DEU")

labels.register({
    "report.cap.circulation_views": ("GDP in the production view and in the absorption view",
                                     "生产视角与吸收视角下的GDP构成"),
    "report.view.production": ("Production view (borders crossed)", "生产视角（跨境次数）"),
    "report.view.absorption": ("Absorption view (DD = V_D + REF | DF)", "吸收视角（DD = V_D + REF | DF）"),
    "report.cap.circulation_categories": ("GDP by the final demand that absorbs it", "按吸收最终需求划分的GDP"),
    "report.cap.circulation_series": ("Production components of GDP over time (WIOD 2013)",
                                      "GDP生产构成的变化（WIOD 2013）"),
    "report.cap.dependence_comparison": ("Gross vs value-added trade dependence, with peak years (WIOD 2013)",
                                         "总值与增加值外贸依存度及峰值年份（WIOD 2013）"),
    "report.col.view": ("View", "视角"),
    "report.col.peak_year": ("Peak year", "峰值年份"),
})


def _shares_of(result: pd.DataFrame, economy: str) -> dict[str, float]:
    rows = result[result["region"] == economy]
    return dict(zip(rows["term"], rows["value"]))


@section("circulation_views", order=41,
         title=("Domestic and international circulation: absorption and production views",
                "国内循环与国际循环：吸收视角与生产视角"),
         intro=("The economy's GDP split by the borders its value added crosses in production (WWYZ 2017a: pure "
                "domestic V_D, traditional final-goods trade V_RT, simple GVC V_GVC_S, complex GVC absorbed abroad REX "
                "or returning home REF; Borin & Mancini 2019) and the same parts regrouped by where they are absorbed: "
                "DD = V_D + REF at home, DF = V_RT + V_GVC_S + REX abroad (METHODS.md 4.2). The second chart splits "
                "DD and DF by the final-demand category that absorbs them (v̂ L Y by category, METHODS.md 4.1).",
                "按生产中增加值跨越国界的次数划分本经济体GDP（WWYZ 2017a：纯国内生产V_D、传统最终品贸易V_RT、简单GVC "
                "V_GVC_S、复杂GVC中被国外吸收的REX与返回国内的REF；Borin & Mancini 2019），并按吸收地重新组合："
                "国内吸收DD = V_D + REF，国外吸收DF = V_RT + V_GVC_S + REX（METHODS.md 4.2）。第二张图按吸收增加值的"
                "最终需求类别划分DD与DF（按类别的 v̂ L Y，METHODS.md 4.1）。"))
def circulation_views_section(ctx: ReportContext) -> list[Block]:
    table, economy, ratio = ctx.table, ctx.economy, "report.unit.ratio"
    blocks = []
    if not table.has_open_foreign_sector:
        production = _shares_of(circ.production(table, economies=economy), economy)
        absorption = _shares_of(circ.absorption(table, economies=economy), economy)
        views = {"report.view.production": {c: production[f"{c}_GDP"] for c in PRODUCTION_ORDER},
                 "report.view.absorption": {c: absorption[f"{c}_GDP"] for c in ABSORPTION_PARTS}}
        data = tidy(pd.DataFrame([(economy, view, f"circ.{part}_GDP", share) for view, parts in views.items()
                                  for part, share in parts.items()],
                                 columns=["region", "report.col.view", "indicator", "value"]),
                    method=METHOD_VIEWS, table=table, unit=ratio,
                    options={"economy": economy, "domestic": "absorbed", "returned": "domestic"})
        fig = charts.stacked_shares([ctx.t(view) for view in views],
                                    {ctx.t(f"circ.{part}"): [parts.get(part, 0.0) for parts in views.values()]
                                     for part in (*PRODUCTION_ORDER, *ABSORPTION_PARTS)},
                                    title=ctx.economy_title("report.cap.circulation_views"),
                                    value_title=ctx.t(ratio), horizontal=True)
        blocks.append(Block("report.cap.circulation_views", data, fig,
                            translate=("report.col.view", "indicator")))
    by_category = circ.absorption(table, economies=economy, by="category")
    rows = by_category[(by_category["term"].isin(["DD_GDP", "DF_GDP"])) & (by_category["category"] != circ.ALL)]
    data = tidy(pd.DataFrame({"region": rows["region"], "fd_category": rows["category"],
                              "indicator": "circ." + rows["term"], "value": rows["value"]}).reset_index(drop=True),
                method=by_category.attrs["method"], table=table, unit=ratio,
                options={**by_category.attrs["options"], "economy": economy})
    wide = rows.pivot(index="category", columns="term", values="value").reindex(
        list(dict.fromkeys(rows["category"])))
    names = [ctx.t(f"circ.category.{c}") if c in (circ.EXPORTS_OUTSIDE, circ.ALL) else c for c in wide.index]
    fig = charts.stacked_shares(names, {ctx.t("circ.DD_GDP"): wide["DD_GDP"], ctx.t("circ.DF_GDP"): wide["DF_GDP"]},
                                title=ctx.economy_title("report.cap.circulation_categories"),
                                value_title=ctx.t(ratio))
    blocks.append(Block("report.cap.circulation_categories", data, fig, translate=("indicator",)))
    return blocks


# ------------------------------------------------------------------------------------------------ built-in series
@section("circulation_series", order=42,
         title=("Dual circulation over time, 1995-2011", "双循环的演变（1995-2011年）"),
         intro=("Shares of the economy's GDP by production component, with the domestic-circulation share DD/GDP as a "
                "line, from the built-in series derived from the WIOD 2013 world tables of every year 1995-2011 "
                "(scripts/build_circulation_series.py; Timmer et al. 2015). Shown for the economies of WIOD 2013.",
                "本经济体GDP按生产构成的比重及国内循环比重DD/GDP（折线），数据为基于WIOD 2013年版1995-2011年各年世界投入产出表"
                "计算的内置序列（scripts/build_circulation_series.py；Timmer et al. 2015）。仅适用于WIOD 2013所含经济体。"))
def circulation_series_section(ctx: ReportContext) -> list[Block] | None:
    series = circ.wiod_series()
    if ctx.economy not in set(series["region"]):
        return None
    own = series[series["region"] == ctx.economy]
    terms = [f"{c}_GDP" for c in PRODUCTION_ORDER] + ["DD_GDP"]
    rows = own[own["term"].isin(terms)]
    data = tidy(pd.DataFrame({"year": rows["year"], "region": rows["region"], "indicator": "circ." + rows["term"],
                              "value": rows["value"]}).reset_index(drop=True),
                method=series.attrs["method"], unit="report.unit.ratio",
                options={"economy": ctx.economy, "script": series.attrs["options"]["script"]})
    data.attrs.update({"source": series.attrs["source"], "citation": series.attrs["citation"]})
    wide = rows.pivot(index="year", columns="term", values="value")
    fig = charts.stacked_shares(list(wide.index), {ctx.t(f"circ.{c}"): wide[f"{c}_GDP"] for c in PRODUCTION_ORDER},
                                line=(ctx.t("circ.DD_GDP"), wide["DD_GDP"]),
                                title=ctx.economy_title("report.cap.circulation_series"),
                                value_title=ctx.t("report.unit.ratio"))
    return [Block("report.cap.circulation_series", data, fig, translate=("indicator",))]


@section("dependence_comparison", order=43,
         title=("Trade dependence: gross vs value added, 1995-2011", "外贸依存度：总值与增加值（1995-2011年）"),
         intro=("Gross trade dependence (EX + IM)/GDP against value-added trade dependence (VAX + VAM)/GDP for China, "
                "the United States, Japan, Korea and Germany (and the report's economy), from the built-in WIOD 2013 "
                "series; every line's peak year is marked (METHODS.md 4.4). Gross flows count intermediate inputs "
                "every time they cross a border, so the value-added ratio is lower.",
                "中国、美国、日本、韩国、德国（及本报告经济体）的总值外贸依存度 (EX + IM)/GDP 与增加值外贸依存度 "
                "(VAX + VAM)/GDP，数据为内置WIOD 2013序列，并标出各曲线的峰值年份（METHODS.md 4.4）。总值贸易在中间品每次"
                "跨境时都重复计算，因此增加值口径的比率较低。"))
def dependence_comparison_section(ctx: ReportContext) -> list[Block]:
    series = circ.wiod_series()
    economies = list(COMPARED) + ([ctx.economy] if ctx.economy in set(series["region"]) - set(COMPARED) else [])
    chosen = series[series["region"].isin(economies) & series["term"].isin(["TD", "TD_VA"])]
    peaks = circ.peak_years(chosen)
    data = tidy(pd.DataFrame({"region": peaks["region"], "indicator": "circ." + peaks["term"],
                              "report.col.peak_year": peaks["year"], "value": peaks["value"]}),
                method=peaks.attrs["method"], unit="report.unit.ratio",
                options={"economies": economies, "script": series.attrs["options"]["script"]})
    data.attrs.update({"source": series.attrs["source"], "citation": series.attrs["citation"]})
    wide = chosen.pivot_table(index="year", columns=["region", "term"], values="value")
    pairs = {ctx.region_name(r): (wide[(r, "TD")].tolist(), wide[(r, "TD_VA")].tolist()) for r in economies}
    fig = charts.paired_lines_with_peaks(list(wide.index), pairs, (ctx.t("circ.TD"), ctx.t("circ.TD_VA")),
                                         title=ctx.t("report.cap.dependence_comparison"),
                                         y_title=ctx.t("report.unit.ratio"),
                                         highlight=ctx.region_name(ctx.economy))
    return [Block("report.cap.dependence_comparison", data, fig, translate=("indicator",))]
