"""Report sections on chain security (METHODS.md 6.3, 6.4; POLICY_SYSTEMS.md 2.2): the economy's ranked chokepoints,
one disruption scenario (its top chokepoint cut by half, in the four shock models) and the chain map of its
largest key sector.  The figures come from :mod:`dualcirc.measures.risk` and :mod:`dualcirc.measures.chain` on the
report's shared engine; these sections only choose, rank and draw.
"""

from __future__ import annotations

import pandas as pd

from ... import labels
from ...measures import chain, core, risk
from ...measures.result import tidy
from .. import charts
from ..framework import Block, ReportContext, section

#: share of the supply cut in the report's disruption scenario
SCENARIO_THETA = 0.5

labels.register({
    "report.cap.chokepoints": ("Chokepoint scores of the economy's imports by source and product, top candidates",
                               "本经济体分来源地、分产品进口的卡脖子得分（排名靠前者）"),
    "report.cap.shock": ("GDP loss of the economy and of all regions when its top chokepoint supply is cut by half",
                         "最关键供应削减一半时本经济体与全部地区的 GDP 损失"),
    "report.cap.chain": ("Chain map of the economy's largest key sector: upstream, downstream and candidates",
                         "本经济体最大关键部门的产业链图谱：上游、下游与补链/延链/强链候选"),
    "report.col.scenario": ("Scenario", "情景"),
    "report.ind.gdp_loss_share_economy": ("GDP loss, share of the economy's GDP", "本经济体 GDP 损失比重"),
})


def _top_chokepoints(ctx: ReportContext) -> pd.DataFrame:
    """The economy's top chokepoints, computed once per report for the chokepoint and shock sections."""
    return ctx.shared("risk.top_chokepoints", lambda: risk.rank_chokepoints(
        risk.chokepoints(ctx.table, ctx.economy, engine=ctx.engine), top=ctx.top))


@section("chokepoints", order=60,
         title=("Chokepoints (卡脖子)", "卡脖子环节"),
         intro=("Each (source, product) the economy buys from abroad is scored on dependence D (the source's share of "
                "the economy's use of the product), concentration H (normalised HHI of the foreign sources), low "
                "substitutability S (1 − self-sufficiency) and criticality C (the economy's GDP loss if that supply is "
                "cut, forward Ghosh extraction, min–max scaled); the score is their geometric mean (METHODS.md 6.3, "
                "D18). All components point the same way: higher = riskier. Where imports have one foreign source "
                "(national tables), H is not identified and left out.",
                "对本经济体从国外购买的每一（来源地，产品）组合计算：依赖度 D（该来源地占本经济体该产品使用的比重）、"
                "集中度 H（国外来源的标准化 HHI）、低可替代性 S（1 − 自给率）与关键性 C（断供时本经济体 GDP 损失，"
                "Ghosh 前向抽取，最小–最大标准化）；综合得分为其几何平均（METHODS.md 6.3、D18）。各分项方向一致："
                "越高风险越大。进口只有一个国外来源（国家表）时 H 无法识别，不参与计算。"))
def chokepoints_section(ctx: ReportContext) -> list[Block] | None:
    ranking = _top_chokepoints(ctx)
    if ranking.empty:
        return None
    columns = ["chokepoint_score", *risk.COMPONENTS]
    long = ranking.melt(id_vars=["importer", "rank", "source", "product"], value_vars=columns,
                        var_name="indicator", value_name="value")
    long.insert(4, "report.col.sector_name", [ctx.sector_name(p) for p in long["product"]])
    data = tidy(long.rename(columns={"importer": "region"}), method=ranking.attrs["method"], table=ctx.table,
                unit="index in [0, 1]", options=ranking.attrs["options"])
    names = [f"{ctx.region_name(s) if s != risk.IMPORTS else ctx.t(risk.IMPORTS)} · {ctx.sector_name(p)}"[:48]
             for s, p in zip(ranking["source"], ranking["product"])]
    fig = charts.ranked_bars(names, ranking["chokepoint_score"].tolist(), highlight=None,
                             title=ctx.economy_title("report.cap.chokepoints"),
                             value_title=ctx.t("chokepoint_score"))
    return [Block("report.cap.chokepoints", data, fig, translate=("indicator",))]


@section("supply_shock", order=61,
         title=("A disruption scenario", "断供情景模拟"),
         intro=("The supply of the economy's top chokepoint is cut by half and the loss is computed in four models "
                "that answer different questions (METHODS.md 6.4): demand-driven Leontief (the economy's final "
                "purchases of it fall), supply-driven Ghosh (an upper bound with no substitution: Oosterhaven 1988; "
                "Dietzenbacher 1997), the mixed bottleneck model (users cannot produce without the input; the "
                "bottleneck spreads to a fixed point) and backward hypothetical extraction of the flows.",
                "将本经济体最关键的供应削减一半，在四个回答不同问题的模型中计算损失（METHODS.md 6.4）：需求驱动的 "
                "Leontief 模型（本经济体对其最终购买减少）、供给驱动的 Ghosh 模型（无替代情形下的上限；Oosterhaven "
                "1988；Dietzenbacher 1997）、混合瓶颈模型（缺少投入则无法生产，瓶颈扩散至不动点）以及流量的后向假设"
                "抽取。"))
def supply_shock_section(ctx: ReportContext) -> list[Block] | None:
    ranking = _top_chokepoints(ctx)
    if ranking.empty:
        return None
    top = ranking.iloc[0]
    name = f"{top['source']} {top['product']} -{SCENARIO_THETA:.0%}"
    scenario = risk.make_shock(ctx.table, name, top["source"], products=[top["product"]], theta=SCENARIO_THETA,
                               importers=[ctx.economy])
    totals = risk.simulate_shocks(ctx.table, scenario, engine=ctx.engine).totals
    shown = totals[totals["region"].isin([ctx.economy, "risk.region.total"])
                   & totals["indicator"].isin(["output_loss", "gdp_loss", "gdp_loss_share", "employment_loss"])]
    data = tidy(shown.rename(columns={"shock": "report.col.scenario"}).reset_index(drop=True),
                method=totals.attrs["method"], table=ctx.table, unit=ctx.table.meta.unit,
                options=totals.attrs["options"])
    economy = shown[(shown["region"] == ctx.economy) & (shown["indicator"] == "gdp_loss_share")]
    fig = charts.ranked_bars([ctx.t(f"shock_{m}") for m in economy["model"]], economy["value"].tolist(),
                             highlight=None, title=f"{ctx.region_name(ctx.economy)}: {name}",
                             value_title=ctx.t("report.ind.gdp_loss_share_economy"))
    return [Block("report.cap.shock", data, fig, translate=("indicator", "region"))]


def _target_sector(ctx: ReportContext) -> str:
    """The economy's key sector (class I, domestic linkages) with the largest gross output; the largest sector
    when none is key."""
    result = core.linkages(ctx.table, scope="domestic", engine=ctx.engine)
    classes = result[(result["region"] == ctx.economy) & (result["indicator"] == "key_sector_class")]
    output = pd.Series(ctx.table.x.reshape(ctx.table.G, ctx.table.N)[ctx.economy_index], index=ctx.table.sectors)
    key = classes.loc[classes["value"] == 1.0, "sector"].tolist()
    return str(output[key].idxmax() if key else output.idxmax())


@section("chain_map", order=62,
         title=("Chain map of a key industry (产业链图谱)", "关键产业链图谱"),
         intro=("Upstream suppliers (total requirements, L − I) and downstream users (total forward linkages of the "
                "Ghosh inverse, G − I) of the economy's largest key sector, with candidates to fill (补链: strong "
                "inputs sourced mostly outside, location quotient < 1), extend (延链: strong users with LQ < 1) and "
                "strengthen (强链: strong links with LQ > 1 and above-average multipliers), each with its reason "
                "(POLICY_SYSTEMS.md 2.2). LQs compare the economy with the world (or its nation); in a national table "
                "they are all 1, so supply local LQs to screen a region.",
                "本经济体最大关键部门的上游供应（完全消耗系数 L − I）与下游使用（Ghosh 逆的完全分配系数 G − I），"
                "以及补链（投入需求强、主要来自区外、区位商 < 1）、延链（下游需求强、区位商 < 1）与强链（关联强、"
                "区位商 > 1、乘数高于平均）候选及其理由（POLICY_SYSTEMS.md 2.2）。区位商以世界（或所属国家）为参照；"
                "国家表中区位商均为 1，需提供地方区位商进行筛选。"))
def chain_map_section(ctx: ReportContext) -> list[Block] | None:
    target = _target_sector(ctx)
    result = chain.chain_map(ctx.table, target, ctx.economy, top=ctx.top, engine=ctx.engine)
    reason = "reason_zh" if ctx.lang == "zh" else "reason"
    table = pd.DataFrame({"sector": result.candidates["sector"],
                          "report.col.sector_name": [ctx.sector_name(s) for s in result.candidates["sector"]],
                          "chain.col.kind": "chain." + result.candidates["kind"],
                          "location_quotient": result.candidates["location_quotient"],
                          "strength_index": result.candidates["strength_index"],
                          "chain.col.reason": result.candidates[reason]})
    translate: tuple[str, ...] = ("chain.col.kind",)
    if table.empty:  # no candidate at these thresholds (always so in a national table): show the strongest links
        table = result.sectors[["sector", "upstream_requirement", "downstream_forward", "location_quotient"]]
        table = table.sort_values("upstream_requirement", ascending=False).head(ctx.top)
        translate = ()
    data = tidy(table.reset_index(drop=True), method=result.nodes.attrs["method"], table=ctx.table,
                unit="coefficients per unit of output; LQ and indices relative to the mean",
                options={**result.nodes.attrs["options"], "target": f"{ctx.economy}/{target}"})
    names = {s: ctx.sector_name(s) for s in ctx.table.sectors}
    fig = chain.chain_figure(result, lang=ctx.lang, names=names)
    return [Block("report.cap.chain", data, fig, translate=translate)]
