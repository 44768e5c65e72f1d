"""Industrial transfer between regions (METHODS.md 7.1; Dunn 1960): each region's share of every sector's world
total in the dataset's first year and in the year shown, the transfer amount (+ transferred in, − out), its speed
and the sectors' transfer intensity, from ``transfer.sector_levels`` and ``transfer.shift_share``.  Tables are
compared as given: results on current-price tables are nominal.
"""

from __future__ import annotations

import pandas as pd

from ... import labels
from ...measures import transfer
from ...measures.result import tidy
from ...report import charts as report_charts
from . import Panel, PageContext, Param, View, page

labels.register({
    "web.transfer.regions": ("Net transfer by region", "各地区净转移量"),
    "web.transfer.sectors": ("Transfer into and out of the economy by sector", "本经济体各部门的转入与转出"),
    "web.transfer.intensity": ("Transfer intensity of the sectors", "各部门转移强度"),
    "web.transfer.one_year": ("Industrial transfer compares two years: choose a later year of a dataset with "
                              "several years.", "产业转移需比较两个年份：请选择多年份数据集中较晚的年份。"),
    "web.param.transfer_measure": ("Measured by", "测度口径"),
    "web.param.transfer_measure.output": ("gross output", "总产出"),
    "web.param.transfer_measure.va": ("value added", "增加值"),
    "web.param.transfer_top": ("Bars shown in the charts", "图中显示的条数"),
    "web.step.transfer": ("shift-share", "偏离份额分析"),
})
HEADERS = {"start": "transfer.column.start", "end": "transfer.column.end"}
SECTOR_INDICATORS = ("share_start", "share_end", "share_change", "transfer", "speed_pp_per_year")


def _rows(frame: pd.DataFrame, origin: pd.DataFrame, **options) -> pd.DataFrame:
    out = tidy(frame.reset_index(drop=True), method=origin.attrs.get("method", ""), unit=origin.attrs.get("unit"),
               options={**origin.attrs.get("options", {}), **options})
    out.attrs.update({k: origin.attrs.get(k, "") for k in ("source", "citation", "year")})
    return out


@page("transfer", order=70, title=("Industrial transfer", "产业转移"),
      intro=("How the regions' shares of each sector's world total moved between the dataset's first year and "
             "the year shown: transfer amounts (+ in, − out), speed and the sectors' transfer intensity "
             "(METHODS.md 7.1). Current-price tables give nominal results.",
             "数据集首年与所选年份之间各地区占各部门世界总量比重的变化：转移量（正为承接、负为转出）、转移速度"
             "及各部门转移强度（METHODS.md 7.1）。现价表的结果为名义值。"),
      params=(Param("measure", "web.param.transfer_measure", "choice", default="va", choices=("output", "va")),
              Param("top", "web.param.transfer_top", "number", default=15, minimum=3, maximum=60, step=1)))
def transfer_page(ctx: PageContext) -> list[Panel]:
    economy, measure, top = ctx.economy, ctx.params["measure"], int(ctx.params["top"])
    entries = [e for e in ctx.years() if e.year is not None and ctx.entry.year is not None
               and e.year <= ctx.entry.year]
    if len(entries) < 2:
        empty = tidy(pd.DataFrame(columns=["region", "indicator", "value"]), method="-", table=ctx.table)
        return [Panel("regions", "web.transfer.regions", empty, note="web.transfer.one_year")]
    start, end = entries[0], entries[-1]
    ctx.progress("web.step.transfer", 0, 1)
    levels = transfer.sector_levels({e.year: ctx.catalog.table(e) for e in (start, end)}, measure)
    result = transfer.shift_share(levels, start.year, end.year)
    ctx.progress("web.step.transfer", 1, 1)
    period = f"{start.year}–{end.year}"

    regions = result.regions[result.regions["indicator"] == "net_transfer"]
    regions = _rows(regions.sort_values("value", ascending=False, kind="stable"), result.regions)
    cells = result.cells
    own = cells[(cells["region"] == economy) & cells["indicator"].isin(SECTOR_INDICATORS)]
    own = _rows(own, cells, economy=economy)
    moved = own[own["indicator"] == "transfer"].sort_values("value", ascending=False, kind="stable")
    intensity = result.sectors[result.sectors["indicator"] == "transfer_intensity"]
    intensity = _rows(intensity.sort_values("value", ascending=False, kind="stable"), result.sectors)

    def regions_figure(view: View):
        shown = pd.concat([regions.head(top), regions.tail(top)]).drop_duplicates("region")
        return report_charts.ranked_bars([view.region(r) for r in shown["region"]], shown["value"].tolist(),
                                         highlight=view.region(economy),
                                         title=f"{view.t('web.transfer.regions')} ({period})",
                                         value_title=view.t(f"web.param.transfer_measure.{measure}"))

    def sectors_figure(view: View):
        shown = pd.concat([moved.head(top), moved.tail(top)]).drop_duplicates("sector")
        return report_charts.ranked_bars([view.sector(s) for s in shown["sector"]], shown["value"].tolist(),
                                         highlight=None, title=f"{view.region(economy)}: "
                                         f"{view.t('web.transfer.sectors')} ({period})",
                                         value_title=view.t(f"web.param.transfer_measure.{measure}"))

    def intensity_figure(view: View):
        shown = intensity.head(top)
        return report_charts.ranked_bars([view.sector(s) for s in shown["sector"]], shown["value"].tolist(),
                                         highlight=None, title=f"{view.t('web.transfer.intensity')} ({period})",
                                         value_title=view.t("transfer.transfer_intensity"))

    return [Panel("regions", "web.transfer.regions", regions, regions_figure, translate={"indicator": "transfer."},
                  names={"region": "region"}, headers=HEADERS),
            Panel("sectors", "web.transfer.sectors", own, sectors_figure, translate={"indicator": "transfer."},
                  names={"region": "region", "sector": "sector"}, headers=HEADERS),
            Panel("intensity", "web.transfer.intensity", intensity, intensity_figure,
                  translate={"indicator": "transfer."}, names={"sector": "sector"}, headers=HEADERS)]
