"""Report section: contributions of demand and of the industries to China's real GDP growth (METHODS.md 5.2), from
the built-in NBS series through :mod:`dualcirc.measures.macro_china`.  Shown when the report describes China."""

from __future__ import annotations

import pandas as pd

from ... import labels
from ...measures import macro_china
from ...measures.macro import RESIDUAL
from ...measures.result import tidy
from .. import charts
from ..framework import Block, ReportContext, section

#: the economy the built-in national-accounts series describe
CHINA = "CHN"

labels.register({
    "report.cap.demand_pulls": ("Pull of the three demands on real GDP growth (published by NBS)",
                                "三大需求对GDP增长的拉动（国家统计局公布）"),
    "report.cap.industry_contributions": ("Contribution of the three industries to real GDP growth (recomputed)",
                                          "三次产业对GDP增长的贡献率（重新计算）"),
    "report.unit.pp": ("percentage points", "百分点"),
    "report.unit.pct": ("%", "%"),
})


def _block(ctx: ReportContext, df: pd.DataFrame, value: str, caption: str, unit: str, with_growth: bool) -> Block:
    """The rows of a contributions result and a stacked bar chart of ``value`` by year (residual rows shown in the
    data only)."""
    data = tidy(df[["year", "component", value, "gdp_growth_pct"]].reset_index(drop=True), method=df.attrs["method"],
                unit=unit, options=df.attrs["options"])
    data.attrs["source"] = df.attrs.get("source", "")
    charted = df[df["component"] != RESIDUAL]
    wide = charted.pivot(index="year", columns="component", values=value)
    growth = charted.groupby("year")["gdp_growth_pct"].first()
    fig = charts.stacked_shares(list(wide.index), {ctx.t(c): wide[c] for c in wide.columns},
                                line=(ctx.t("gdp_growth_pct"), growth) if with_growth else None,
                                title=ctx.t(caption), value_title=ctx.t(unit))
    return Block(caption, data, fig, translate=("component",))


@section("macro_contributions", order=50,
         title=("What drives China's growth: demand and industries", "中国经济增长的动力：需求与产业"),
         intro=("Contribution rate (贡献率) and pull (拉动) of final consumption, capital formation and net exports to "
                "real GDP growth as NBS publishes them, and the contributions of the three industries recomputed from "
                "value added and volume indices at NBS's quinquennial base-year prices (METHODS.md 5.2; "
                "docs/macro_reconciliation.md). Built-in NBS national accounts, 2001-2019.",
                "最终消费、资本形成与净出口对实际GDP增长的贡献率与拉动（国家统计局公布值），以及按国家统计局五年一换的"
                "基期价格由增加值与物量指数重新计算的三次产业贡献率（METHODS.md 5.2；docs/macro_reconciliation.md）。"
                "数据为内置国家统计局国民核算序列，2001-2019年。"))
def macro_contributions_section(ctx: ReportContext) -> list[Block] | None:
    nation = (ctx.table.nations or {}).get(ctx.economy, ctx.economy)
    if CHINA not in (ctx.economy, nation):
        return None
    return [_block(ctx, macro_china.demand_contributions(), "pull_pp", "report.cap.demand_pulls", "report.unit.pp",
                   with_growth=True),
            _block(ctx, macro_china.industry_contributions(), "contribution_pct", "report.cap.industry_contributions",
                   "report.unit.pct", with_growth=False)]
