"""Shock simulator (METHODS.md 6.4): the supply of one product from a source region (or all imports, for tables
whose imports lie outside the model) is cut by a share θ for every importer outside the source, and the output and
value-added losses propagate through the table in the model chosen: demand-driven Leontief, supply-driven Ghosh
(the Ghosh caveat applies: Oosterhaven 1988; Dietzenbacher 1997), the mixed bottleneck model, or backward
hypothetical extraction.  Computed by ``risk.make_shock`` and ``risk.simulate_shocks``.
"""

from __future__ import annotations

from ... import labels
from ...measures import risk
from ...measures.result import tidy
from ...report import charts as report_charts
from . import Panel, PageContext, Param, View, page

TOTAL = "risk.region.total"

labels.register({
    "web.shock.summary": ("Losses of the whole table and of the economy", "全表与本经济体的损失"),
    "web.shock.by_region": ("GDP loss by region", "各地区 GDP 损失"),
    "web.shock.by_sector": ("Value-added loss by sector of the economy", "本经济体各部门增加值损失"),
    "web.param.shock_source": ("Source cut", "断供来源地"),
    "web.param.shock_product": ("Product", "产品"),
    "web.param.theta": ("Share of the supply cut (θ)", "断供比例（θ）"),
    "web.param.shock_model": ("Model", "模型"),
    "web.param.top_regions": ("Bars shown in the charts", "图中显示的条数"),
    "web.step.shock": ("shock propagation", "冲击传导"),
})


def _foreign_source(table, economy: str | None) -> str:
    """The first source of the table other than the economy (IMPORTS for a national table)."""
    return next(s for s in risk.sources(table) if s != economy)


@page("shock", order=50, title=("Shock simulator", "冲击模拟"),
      intro=("Cut the supply of a product from a source by a share θ and follow the output and GDP losses through "
             "the table (METHODS.md 6.4). The models answer different questions; the supply-driven (Ghosh) model "
             "keeps allocation shares fixed and reads as an upper bound of forward propagation, not a forecast "
             "(Oosterhaven 1988; Dietzenbacher 1997).",
             "将某来源地某产品的供应削减比例 θ，追踪其在全表中引起的产出与 GDP 损失（METHODS.md 6.4）。不同模型回答"
             "不同问题；供给驱动（Ghosh）模型假定分配系数不变，应视为前向传导的上限而非预测"
             "（Oosterhaven 1988；Dietzenbacher 1997）。"),
      params=(Param("source", "web.param.shock_source", "region", default=_foreign_source, choices=risk.sources),
              Param("product", "web.param.shock_product", "sector"),
              Param("theta", "web.param.theta", "number", default=0.5, minimum=0.0, maximum=1.0, step=0.05),
              Param("model", "web.param.shock_model", "choice", default="mixed", choices=risk.SHOCK_MODELS,
                    choice_prefix="shock_"),
              Param("top", "web.param.top_regions", "number", default=15, minimum=3, maximum=60, step=1)))
def shock(ctx: PageContext) -> list[Panel]:
    table, economy, p = ctx.table, ctx.economy, ctx.params
    ctx.progress("web.step.shock", 0, 1)
    cut = risk.make_shock(table, "web", p["source"], products=p["product"], theta=p["theta"], models=[p["model"]])
    result = risk.simulate_shocks(table, cut)
    ctx.progress("web.step.shock", 1, 1)
    totals, losses = result.totals, result.losses
    method, unit = totals.attrs["method"], table.meta.unit
    options = {**totals.attrs["options"], "economy": economy}

    summary = totals[totals["region"].isin([TOTAL, economy])][["region", "indicator", "value"]]
    summary = tidy(summary.reset_index(drop=True), method=method, table=table, unit=unit, options=options)
    regional = totals[(totals["region"] != TOTAL) & (totals["indicator"] == "gdp_loss")][["region", "indicator",
                                                                                          "value"]]
    regional = tidy(regional.sort_values("value", ascending=False, kind="stable", ignore_index=True),
                    method=method, table=table, unit=unit, options=options)
    sectors = losses[(losses["region"] == economy) & (losses["indicator"] == "va_loss")]
    sectors = tidy(sectors[["region", "sector", "indicator", "value"]].sort_values(
        "value", ascending=False, kind="stable", ignore_index=True), method=method, table=table, unit=unit,
        options=options)
    top = int(p["top"])

    def what(view: View) -> str:
        return f"{view.region(p['source'])} {view.sector(p['product'])}, θ = {p['theta']:g}, " \
               f"{view.t('shock_' + p['model'])}"

    def regions_figure(view: View):
        shown = regional.head(top)
        return report_charts.ranked_bars([view.region(r) for r in shown["region"]], shown["value"].tolist(),
                                         highlight=view.region(economy),
                                         title=f"{view.t('web.shock.by_region')}<br><sub>{what(view)}</sub>",
                                         value_title=unit)

    def sectors_figure(view: View):
        shown = sectors.head(top)
        return report_charts.ranked_bars([view.sector(s) for s in shown["sector"]], shown["value"].tolist(),
                                         highlight=None, title=f"{view.region(economy)}: "
                                         f"{view.t('web.shock.by_sector')}<br><sub>{what(view)}</sub>",
                                         value_title=unit)

    return [Panel("summary", "web.shock.summary", summary, translate={"indicator": ""}, names={"region": "region"}),
            Panel("by_region", "web.shock.by_region", regional, regions_figure, translate={"indicator": ""},
                  names={"region": "region"}),
            Panel("by_sector", "web.shock.by_sector", sectors, sectors_figure, translate={"indicator": ""},
                  names={"region": "region", "sector": "sector"})]
