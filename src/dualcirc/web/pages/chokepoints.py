"""Chokepoints (卡脖子) of the economy (METHODS.md 6.3, decision D18): every product the economy buys from each
foreign source scored by dependence, concentration, low substitutability and criticality, ranked; computed by
``risk.chokepoints`` and ``risk.rank_chokepoints``.  Criticality uses the forward (Ghosh) extraction, so the Ghosh
caveat applies (Oosterhaven 1988; Dietzenbacher 1997).
"""

from __future__ import annotations

from ... import labels
from ...measures import risk
from .. import charts
from . import Panel, PageContext, Param, View, page

labels.register({
    "web.chokepoints.ranked": ("Chokepoints of the economy: sources and products ranked by the score",
                               "本经济体的卡脖子清单：按综合得分排序的来源地与产品"),
    "web.param.substitutability": ("Low substitutability measured by", "低可替代性的测度"),
    "web.param.substitutability.a": ("1 − self-sufficiency", "1 − 自给率"),
    "web.param.substitutability.b": ("source's share of world exports", "来源地占世界出口份额"),
    "web.param.substitutability.c": ("imports / exports (EC ratio)", "进口/出口（欧盟比率）"),
    "web.param.chokepoints_top": ("Chokepoints shown in the chart", "图中显示的卡脖子项数"),
    "web.step.chokepoints": ("chokepoint scores", "卡脖子得分"),
})


@page("chokepoints", order=40, title=("Chokepoints", "卡脖子环节"),
      intro=("Products the economy buys from each foreign source, scored by dependence D, concentration H, low "
             "substitutability S and criticality C (the GDP loss if the supply were cut, forward extraction) and "
             "ranked by their weighted geometric mean (METHODS.md 6.3). Read criticality as an upper bound "
             "(Ghosh caveat).",
             "本经济体从各国外来源地购买的产品，按依赖度 D、集中度 H、低可替代性 S 与关键性 C（断供时的 GDP 损失，"
             "前向抽取）评分，并按加权几何平均排序（METHODS.md 6.3）。关键性应视为上限（Ghosh 模型的局限）。"),
      params=(Param("substitutability", "web.param.substitutability", "choice", default="a",
                    choices=risk.SUBSTITUTABILITY),
              Param("top", "web.param.chokepoints_top", "number", default=15, minimum=5, maximum=50, step=1)))
def chokepoints(ctx: PageContext) -> list[Panel]:
    economy, substitutability = ctx.economy, ctx.params["substitutability"]
    ctx.progress("web.step.chokepoints", 0, 1)
    scores = ctx.per_table(ctx.entry, f"chokepoints.{economy}.{substitutability}",
                           lambda t: risk.chokepoints(t, economy, substitutability=substitutability))
    ranked = risk.rank_chokepoints(scores)
    ctx.progress("web.step.chokepoints", 1, 1)
    top = int(ctx.params["top"])

    def ranked_figure(view: View):
        shown = ranked.head(top)
        names = [f"{view.region(s)} · {view.sector(p)}" for s, p in zip(shown["source"], shown["product"])]
        return charts.grouped_hbars(names, {view.t("chokepoint_score"): shown["chokepoint_score"]},
                                    title=f"{view.region(economy)}: {view.t('web.chokepoints.ranked')}",
                                    value_title=view.t("chokepoint_score"))

    return [Panel("ranked", "web.chokepoints.ranked", ranked, ranked_figure,
                  names={"importer": "region", "source": "region", "product": "sector"})]
