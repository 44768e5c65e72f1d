"""Report sections on industrial transfer and the trends (METHODS.md 7): the economy's shares of world value added
by sector over the years and the transfer between the first and the report's year (7.1), the structural
decomposition of its value-added change (7.2), and the service and digital content of its manufacturing (7.5, 7.7).

The first two need earlier years: they run when the report's table is a year of a built-in dataset (the earlier
years of that dataset are loaded), and are skipped otherwise.  The figures come from
:mod:`dualcirc.measures.transfer`; these sections only select the economy and draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import datasets, labels
from ...errors import OptionError
from ...measures import transfer as tr
from ...measures.result import tidy
from ...tables.model import IOTable
from .. import charts
from ..framework import Block, ReportContext, section

labels.register({
    "report.cap.transfer_shares": ("The economy's share of world value added by sector", "本经济体各部门占世界增加值的份额"),
    "report.cap.transfer_amounts": ("Transfer into (+) or out of (-) the economy by sector", "本经济体各部门产业转入（+）或转出（-）"),
    "report.cap.sda": ("Structural decomposition of the change in the economy's value added", "本经济体增加值变化的结构分解"),
    "report.cap.servitisation": ("Service and digital content of the economy's manufacturing", "本经济体制造业的服务与数字含量"),
    "transfer.share_of_world": ("Share of world value added of the sector", "占世界该部门增加值比重"),
})


def dataset_years(table: IOTable) -> dict[int, IOTable]:
    """The years of the table's built-in dataset up to the table's own (the table itself for its year); empty when
    the table is not a built-in dataset-year (:func:`dualcirc.datasets.series_of`)."""
    years = {year: t for year, t in datasets.series_of(table).items() if year <= table.meta.year}
    return years if len(years) > 1 else {}


@section("transfer_shares", order=70,
         title=("Industrial transfer", "产业转移"),
         intro=("The economy's share of world value added in every sector for each year of the built-in dataset up to "
                "the report's year, and the transfer between the first and the last year: T = Δσ · world value added "
                "of the sector at the end (positive: transferred in, 承接; METHODS.md 7.1; Dunn 1960). Current "
                "prices: shares move with exchange rates as well as with production.",
                "本经济体各部门在内置数据集各年（至报告年份）占世界增加值的份额，以及首末年之间的产业转移量：T = 份额变化 × "
                "末年世界该部门增加值（正为承接，负为转出；METHODS.md 7.1；Dunn 1960）。现价数据：份额变化同时反映汇率与生产变化。"))
def transfer_shares_section(ctx: ReportContext) -> list[Block] | None:
    years = dataset_years(ctx.table)
    if len(years) < 2:
        return None
    levels = tr.sector_levels(years, "va")
    first, last = min(years), max(years)
    totals = levels.groupby(["year", "sector"], sort=False)["value"].transform("sum")
    shares = levels.assign(value=np.where(totals != 0, levels["value"] / totals.where(totals != 0, 1.0), np.nan))
    own = shares[shares["region"] == ctx.economy]
    sectors = list(ctx.table.sectors)
    wide = own.pivot(index="sector", columns="year", values="value").reindex(sectors)
    data = tidy(pd.DataFrame({"region": ctx.economy, "sector": own["sector"].to_numpy(),
                              "report.col.sector_name": [ctx.sector_name(s) for s in own["sector"]],
                              "year": own["year"].to_numpy(), "indicator": "transfer.share_of_world",
                              "value": own["value"].to_numpy()}),
                method="shares of world value added by sector (METHODS.md 7.1)", table=ctx.table,
                unit="report.unit.ratio", options={"economy": ctx.economy, "years": list(years), "prices": tr.PRICES})
    names = [ctx.sector_name(s) for s in sectors]
    heat = charts.heatmap(list(wide.columns), names, wide.to_numpy().tolist(),
                          title=ctx.economy_title("report.cap.transfer_shares"),
                          value_title=ctx.t("report.unit.ratio"))
    result = tr.shift_share(levels, first, last)
    cells = result.cells[(result.cells["region"] == ctx.economy)
                         & result.cells["indicator"].isin(["transfer", "speed_pp_per_year", "share_change"])]
    amounts = cells.pivot(index="sector", columns="indicator", values="value").reindex(sectors)
    ranked = amounts.sort_values("transfer", ascending=False, na_position="last")
    period = tidy(pd.DataFrame({"region": ctx.economy, "sector": cells["sector"].to_numpy(),
                                "report.col.sector_name": [ctx.sector_name(s) for s in cells["sector"]],
                                "transfer.column.start": first, "transfer.column.end": last,
                                "indicator": "transfer." + cells["indicator"].to_numpy(),
                                "value": cells["value"].to_numpy(), "unit": cells["unit"].to_numpy()}),
                  method=result.cells.attrs["method"], table=ctx.table, unit="report.unit.see_column",
                  options={**result.cells.attrs["options"], "economy": ctx.economy})
    bars = charts.ranked_bars([ctx.sector_name(s) for s in ranked.index], ranked["transfer"].tolist(), highlight=None,
                              title=f"{ctx.economy_title('report.cap.transfer_amounts')} ({first}-{last})",
                              value_title=ctx.table.meta.unit)
    return [Block("report.cap.transfer_shares", data, heat, translate=("indicator",)),
            Block("report.cap.transfer_amounts", period, bars, translate=("indicator",))]


@section("sda", order=71,
         title=("Structural decomposition of value added", "增加值结构分解"),
         intro=("The change in the economy's value added from the first year of the built-in dataset to the report's "
                "year, split into the effects of value added per unit of output, technology (input coefficients), "
                "the origin of inputs, the level, category mix, product mix and origin of final demand "
                "(additive SDA, average of the two polar decompositions; Dietzenbacher & Los 1998; METHODS.md 7.2). "
                "The gap to the average over all orders is shown beside each effect. Current prices.",
                "本经济体增加值从内置数据集首年到报告年份的变化，分解为单位产出增加值、技术（投入系数）、中间投入来源、最终需求"
                "规模、类别结构、产品结构和来源结构等效应（加法结构分解，两极分解平均；Dietzenbacher & Los 1998；"
                "METHODS.md 7.2）。每项效应旁列出与全排列平均的差异。现价数据。"))
def sda_section(ctx: ReportContext) -> list[Block] | None:
    years = dataset_years(ctx.table)
    if len(years) < 2:
        return None
    first = min(years)
    result = tr.sda(years[first], ctx.table, measure="va")
    own = (result[result["region"] == ctx.economy].groupby("effect", observed=True)[["value", "gap"]].sum()
           .reset_index())
    data = tidy(pd.DataFrame({"region": ctx.economy, "indicator": "transfer." + own["effect"].astype(str),
                              "value": own["value"].to_numpy(), "transfer.column.gap": own["gap"].to_numpy(),
                              "transfer.column.start": first, "transfer.column.end": ctx.table.meta.year}),
                method=result.attrs["method"], table=ctx.table, unit=result.attrs["unit"],
                options={**result.attrs["options"], "economy": ctx.economy})
    parts = own[own["effect"] != "total_change"]
    fig = charts.waterfall([ctx.t(f"transfer.{e}") for e in parts["effect"].astype(str)], parts["value"].tolist(),
                           total=ctx.t("transfer.total_change"),
                           title=f"{ctx.economy_title('report.cap.sda')} ({first}-{ctx.table.meta.year})",
                           value_title=ctx.table.meta.unit)
    return [Block("report.cap.sda", data, fig, translate=("indicator",))]


@section("servitisation_digital", order=72,
         title=("Servitisation and digital content of manufacturing", "制造业服务化与数字化"),
         intro=("For each manufacturing sector of the economy: the value added of service sectors in its gross "
                "exports, counted once (Borin-Mancini; decision D19), or in its final output when the table keeps "
                "trade outside the model; its complete input share of services; and the value added of digital sectors "
                "in its final output (METHODS.md 7.5, 7.7). Sector sets follow ISIC (services G-U, digital 26 and "
                "58-63, or the closest groups of the table's list).",
                "本经济体各制造业部门：出口中服务部门的增加值（Borin-Mancini 口径，无重复计算；决策 D19；若表外贸易则改用最终产品），"
                "服务投入的完全消耗占比，以及最终产品中数字部门的增加值占比（METHODS.md 7.5、7.7）。部门集合按 ISIC 划分"
                "（服务业 G-U，数字部门 26 与 58-63，或该表中最接近的部门组）。"))
def servitisation_section(ctx: ReportContext) -> list[Block] | None:
    year = ctx.table.meta.year or 0
    try:
        services = tr.servitisation({year: ctx.table})
        digital = tr.digital_intensity({year: ctx.table})
    except OptionError:
        return None                                      # a sector list without known service / digital sets
    exported = "exports_va_share" if "exports_va_share" in set(services.detail["indicator"]) else "va_share"
    keys = [(services.detail, exported), (services.detail, "complete_share"), (digital.detail, "va_share")]
    columns = ["transfer.services_in_exports" if exported == "exports_va_share" else "transfer.services_in_final",
               "transfer.services_complete_share", "transfer.digital_va_share"]
    frames = []
    for (detail, key), column in zip(keys, columns):
        rows = detail[(detail["region"] == ctx.economy) & (detail["indicator"] == key)]
        frames.append(rows.set_index("sector")["value"].rename(column))
    wide = pd.concat(frames, axis=1, join="inner").sort_values(columns[0], ascending=False, na_position="last")
    long = wide.reset_index().melt(id_vars="sector", var_name="indicator", value_name="value")
    long.insert(0, "region", ctx.economy)
    long.insert(2, "report.col.sector_name", [ctx.sector_name(s) for s in long["sector"]])
    data = tidy(long, method=f"{services.detail.attrs['method']}; {digital.detail.attrs['method']}", table=ctx.table,
                unit="report.unit.ratio", options={"economy": ctx.economy,
                                                   "services": services.detail.attrs["options"]["sector_sets"],
                                                   "digital": digital.detail.attrs["options"]["sector_sets"]})
    names = [ctx.sector_name(s) for s in wide.index]
    fig = charts.paired_hbars(names, (ctx.t(columns[0]), wide[columns[0]]), (ctx.t(columns[2]), wide[columns[2]]),
                              title=ctx.economy_title("report.cap.servitisation"))
    return [Block("report.cap.servitisation", data, fig, translate=("indicator",))]


labels.register({
    "transfer.services_in_exports": ("Services VA in the sector's gross exports (BM)", "出口中的服务业增加值占比（BM）"),
    "transfer.services_in_final": ("Services VA in the sector's final output", "最终产品中的服务业增加值占比"),
    "transfer.services_complete_share": ("Complete input share of services", "服务投入完全消耗占比"),
    "transfer.digital_va_share": ("Digital VA in the sector's final output", "最终产品中的数字部门增加值占比"),
})
