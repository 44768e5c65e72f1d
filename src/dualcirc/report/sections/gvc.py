"""Report section: the economy in global value chains (METHODS.md 2.5.1, 3.1-3.3).

* participation over time: WWYZ (2017a) forward and backward GVC participation, simple and complex (3.2);
* position over time: the Koopman, Powers, Wang & Wei (2010) position index (3.1) and the WWYZ (2017b) GVC
  position index PLv_GVC / PLy_GVC (3.3);
* main partners: Borin-Mancini (2023) exporter/source DVA and FVA in the exports to each partner (2.5.1);
* top sectors: the same decomposition by exporting sector.

"Over time" is every year of the built-in dataset the report's table comes from (WIOD 2013: 1995, 2000, 2005,
2011); for a user's table it is the table's own year.  The measures of the other years need one LU
factorisation each and no Leontief inverse (Koopman's country indices come from the KWW country forms, which
need solves only; METHODS.md 8.1), so the series stays within a few seconds.
"""

from __future__ import annotations

import pandas as pd

from ... import datasets, labels
from ...engine.leontief import safe_divide
from ...measures import gvc, vat
from ...measures.result import tidy
from ...tables.model import IOTable
from .. import charts
from ..framework import Block, ReportContext, section

PARTICIPATION = ("F_GVCPT", "F_GVCPT_S", "F_GVCPT_C", "B_GVCPT", "B_GVCPT_S", "B_GVCPT_C")
KOOPMAN = ("POSITION", "PARTICIPATION", "IV_SHARE", "FV_SHARE")
LENGTH = ("GVCPS", "PLv_GVC", "PLy_GVC")
RATIO, STAGES = "report.unit.ratio", "report.unit.stages"

labels.register({
    "report.cap.gvc_participation": ("GVC participation over time (WWYZ 2017a)", "全球价值链参与度的变化（WWYZ 2017a）"),
    "report.cap.gvc_position": ("GVC position over time (Koopman et al. 2010; WWYZ 2017b)",
                                "全球价值链位置的变化（Koopman等 2010；WWYZ 2017b）"),
    "report.cap.gvc_partners": ("Domestic and foreign value added in exports, main partners (Borin-Mancini)",
                                "出口中的国内与国外增加值：主要伙伴（Borin-Mancini）"),
    "report.cap.gvc_sectors": ("Domestic and foreign value added in exports, top exporting sectors (Borin-Mancini)",
                               "出口中的国内与国外增加值：主要出口部门（Borin-Mancini）"),
    "report.panel.forward": ("Forward (share of value added)", "前向（占增加值比重）"),
    "report.panel.backward": ("Backward (share of final output)", "后向（占最终产品比重）"),
    "report.series.simple": ("Simple GVC", "简单全球价值链"),
    "report.series.complex": ("Complex GVC", "复杂全球价值链"),
    "report.series.total": ("All GVC", "全球价值链合计"),
    "report.col.partner_name": ("Partner name", "伙伴名称"),
    "report.ind.double_counting": ("Double counting (DDC + FDC)", "重复计算（DDC+FDC）"),
    "report.col.dva_share": ("DVA share of gross exports", "出口国内增加值率"),
    "report.col.gvc_share": ("GVC-related share of gross exports", "全球价值链相关出口占比"),
    "report.unit.stages": ("stages (position index: ratio)", "阶段数（位置指数：比率）"),
})


def series_tables(table: IOTable) -> list[IOTable]:
    """The table-years of the series: every year of the built-in dataset ``table`` is a year of
    (:func:`dualcirc.datasets.series_of`, ``table`` itself in its year), else ``table`` alone."""
    return list(datasets.series_of(table).values()) or [table]


def _values(result: pd.DataFrame, economy: str, terms: tuple[str, ...]) -> dict[str, float]:
    rows = result[(result["region"] == economy) & result["term"].isin(terms)]
    return dict(zip(rows["term"].astype(str), rows["value"].astype(float)))


def _series(tables: list[IOTable], economy: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Participation and position of ``economy`` in each table-year (long: year, indicator, value, unit) and the
    last results of each measure (for their provenance)."""
    participation, position, last = [], [], {}
    for table in tables:
        if economy not in table.regions:
            continue
        year = str(table.meta.year if table.meta.year is not None else table.meta.label())   # a label, not a number
        last["wwyz"] = gvc.wwyz_participation(table, level="country")
        last["koopman"] = gvc.koopman_position(table)
        last["length"] = gvc.production_length(table, level="country")
        participation += [(year, f"gvc.wwyz.{k}", v, RATIO)
                          for k, v in _values(last["wwyz"], economy, PARTICIPATION).items()]
        position += [(year, f"gvc.kpww.{k}", v, RATIO) for k, v in _values(last["koopman"], economy, KOOPMAN).items()]
        position += [(year, f"gvc.length.{k}", v, RATIO if k == "GVCPS" else STAGES)
                     for k, v in _values(last["length"], economy, LENGTH).items()]
    columns = ["year", "indicator", "value", "unit"]
    return pd.DataFrame(participation, columns=columns), pd.DataFrame(position, columns=columns), last


def _over_time(ctx: ReportContext, long: pd.DataFrame, method: str, options: dict) -> pd.DataFrame:
    """One indicator after the other (in the order computed), years in order, with the provenance."""
    years = list(dict.fromkeys(long["year"]))
    order = {k: i for i, k in enumerate(dict.fromkeys(long["indicator"]))}
    long = long.sort_values("indicator", key=lambda c: c.map(order), kind="stable", ignore_index=True)
    data = tidy(long, method=method, table=ctx.table, unit="report.unit.see_column",
                options={**options, "economy": ctx.economy, "years": years})
    data.attrs["year"] = years
    return data


def _wide(long: pd.DataFrame) -> pd.DataFrame:
    return long.pivot(index="year", columns="indicator", values="value").reindex(list(dict.fromkeys(long["year"])))


def _bm_of_economy(ctx: ReportContext) -> pd.DataFrame:
    """Borin-Mancini exporter/source terms of the economy's exports, by partner and sector."""
    result = vat.borin_mancini(ctx.table, level="bilateral_sector")
    own = result[result["exporter"] == ctx.economy]
    own.attrs = result.attrs
    return own


def _decomposition_table(ctx: ReportContext, own: pd.DataFrame, by: str) -> pd.DataFrame:
    """GEXP, DVA, FVA, double counting and GVC terms summed by partner or by sector (wide; label-key columns)."""
    terms = ("GEXP", "DVA", "FVA", "DDC", "FDC", "GVC", "GVCB", "GVCF")
    wide = own[own["term"].isin(terms)].pivot_table(index=by, columns="term", values="value", aggfunc="sum",
                                                    observed=True)
    wide = wide.sort_values("GEXP", ascending=False, kind="stable")
    out = pd.DataFrame({by: wide.index.astype(str)})
    if by == "importer":
        out["report.col.partner_name"] = [ctx.region_name(r) for r in out[by]]
    else:
        out["report.col.sector_name"] = [ctx.sector_name(s) for s in out[by]]
    for term in ("GEXP", "DVA", "FVA"):
        out[f"vat.bm.{term}"] = wide[term].to_numpy()
    out["report.ind.double_counting"] = (wide["DDC"] + wide["FDC"]).to_numpy()
    if by == "importer":
        out["report.col.dva_share"] = safe_divide(wide["DVA"].to_numpy(), wide["GEXP"].to_numpy())
    else:
        out["vat.bm.GVCB"], out["vat.bm.GVCF"] = wide["GVCB"].to_numpy(), wide["GVCF"].to_numpy()
        out["report.col.gvc_share"] = safe_divide(wide["GVC"].to_numpy(), wide["GEXP"].to_numpy())
    return out.rename(columns={"importer": "partner"})


def _content_bars(ctx: ReportContext, data: pd.DataFrame, names: str, caption: str):
    top = data.head(ctx.top)
    series = {ctx.t(k): top[k] for k in ("vat.bm.DVA", "vat.bm.FVA", "report.ind.double_counting")}
    return charts.stacked_bars(list(top[names]), series, title=ctx.economy_title(caption),
                               value_title=ctx.table.meta.unit)


@section("gvc", order=45,
         title=("Global value chains: participation, position, partners and sectors",
                "全球价值链：参与度、位置、伙伴与部门"),
         intro=("How the economy takes part in global value chains. Participation: the shares of its value added "
                "(forward) and of its final output (backward) produced in simple (one border crossing) and complex "
                "GVC activities (Wang, Wei, Yu & Zhu 2017a; METHODS.md 3.2). Position: Koopman et al. (2010), "
                "ln(1 + IV/EX) − ln(1 + FV/EX) (3.1), and the WWYZ (2017b) index PLv_GVC/PLy_GVC, above 1 when "
                "upstream (3.3). Both over every year of the built-in dataset (the table's own year for a user's "
                "table). Partners and sectors: the Borin-Mancini (2023) exporter/source decomposition of gross "
                "exports into domestic value added, foreign value added and double counting (2.5.1).",
                "本经济体参与全球价值链的方式。参与度：本国增加值（前向）与最终产品（后向）中经由简单（跨境一次）与复杂"
                "全球价值链活动生产的比重（Wang, Wei, Yu & Zhu 2017a；METHODS.md 3.2）。位置：Koopman等（2010）指数 "
                "ln(1 + IV/EX) − ln(1 + FV/EX)（3.1），以及WWYZ（2017b）位置指数 PLv_GVC/PLy_GVC，大于1表示偏上游"
                "（3.3）。两者均覆盖内置数据集的全部年份（用户自带投入产出表则为其所属年份）。伙伴与部门：按 "
                "Borin-Mancini（2023）出口方/来源法将总出口分解为国内增加值、国外增加值与重复计算（2.5.1）。"))
def gvc_section(ctx: ReportContext) -> list[Block] | None:
    table = ctx.table
    if table.G < 2 or table.has_open_foreign_sector:
        return None  # the decompositions need an inter-country table (METHODS.md 2)
    participation, position, last = _series(series_tables(table), ctx.economy)
    name = ctx.region_name(ctx.economy)
    blocks = []

    data = _over_time(ctx, participation, last["wwyz"].attrs["method"], last["wwyz"].attrs["options"])
    wide = _wide(participation)
    panels = {ctx.t(panel): {ctx.t(f"report.series.{kind}"): wide[f"gvc.wwyz.{side}_GVCPT{suffix}"]
                             for kind, suffix in (("simple", "_S"), ("complex", "_C"), ("total", ""))}
              for panel, side in (("report.panel.forward", "F"), ("report.panel.backward", "B"))}
    fig = charts.line_panels(list(wide.index), panels, title=f"{name}: {ctx.t('report.cap.gvc_participation')}",
                             y_titles=(ctx.t(RATIO),))
    blocks.append(Block("report.cap.gvc_participation", data, fig, translate=("indicator", "unit")))

    method = f"{last['koopman'].attrs['method']}; {last['length'].attrs['method']}"
    data = _over_time(ctx, position, method, {**last["koopman"].attrs["options"], **last["length"].attrs["options"]})
    wide = _wide(position)
    panels = {ctx.t(f"gvc.{key}"): {name: wide[f"gvc.{key}"]} for key in ("kpww.POSITION", "length.GVCPS")}
    fig = charts.line_panels(list(wide.index), panels, title=f"{name}: {ctx.t('report.cap.gvc_position')}")
    blocks.append(Block("report.cap.gvc_position", data, fig, translate=("indicator", "unit")))

    own = _bm_of_economy(ctx)
    options = {**own.attrs["options"], "economy": ctx.economy, "ranked_by": "GEXP"}
    for by, caption, names in (("importer", "report.cap.gvc_partners", "report.col.partner_name"),
                               ("sector", "report.cap.gvc_sectors", "report.col.sector_name")):
        data = tidy(_decomposition_table(ctx, own, by), method=own.attrs["method"], table=table,
                    unit=table.meta.unit, options=options)
        blocks.append(Block(caption, data, _content_bars(ctx, data, names, caption)))
    return blocks
