"""Sectors and key sectors of the economy (METHODS.md 1.4, 1.5; Miller & Blair 2009, ch. 6 and 12): output
multipliers and the economy's own value-added content from ``core.output_multipliers`` and
``core.value_added_multipliers``, and Rasmussen-Hirschman linkages with the key-sector classes from
``core.linkages`` (normalised within the economy, Ghosh forward basis, as the report does).
"""

from __future__ import annotations

import pandas as pd

from ... import labels
from ...measures import core
from ...measures.result import region_long, region_wide, tidy
from ...report import charts as report_charts
from ...report.sections.core import LINKAGE_OPTIONS
from . import Panel, PageContext, Param, View, page

labels.register({
    "web.sectors.multipliers": ("Output multiplier and own value-added content by sector",
                                "各部门产出乘数与本经济体增加值含量"),
    "web.sectors.key_sectors": ("Backward and forward linkages: key sectors", "影响力系数与感应度系数：关键部门"),
    "web.param.sectors_top": ("Sectors shown in the chart", "图中显示的部门数"),
    "web.step.multipliers": ("multipliers", "乘数"),
    "web.step.linkages": ("linkages", "关联系数"),
})

MULTIPLIERS = ("output_multiplier", "va_domestic_content", "va_multiplier")
LINKAGES = ("backward_linkage", "forward_linkage", "key_sector_class")


@page("sectors", order=30, title=("Sectors and key sectors", "部门与关键部门"),
      intro=("Output generated per unit of final demand for each sector (u'L), the economy's own value added in "
             "it, and the Rasmussen-Hirschman backward and forward linkages; key sectors have both above 1 "
             "(METHODS.md 1.4, 1.5).",
             "各部门每单位最终需求引致的总产出（u'L）及其中本经济体的增加值，以及 Rasmussen-Hirschman 影响力系数与"
             "感应度系数；两者均大于 1 的为关键部门（METHODS.md 1.4、1.5）。"),
      params=(Param("top", "web.param.sectors_top", "number", default=12, minimum=3, maximum=60, step=1),))
def sectors(ctx: PageContext) -> list[Panel]:
    table, economy = ctx.table, ctx.economy
    ctx.progress("web.step.multipliers", 0, 2)
    output = ctx.per_table(ctx.entry, "sectors.output", lambda t: core.output_multipliers(t))
    value_added = ctx.per_table(ctx.entry, "sectors.va", lambda t: core.value_added_multipliers(t, split=True))
    ctx.progress("web.step.linkages", 1, 2)
    linkage = ctx.per_table(ctx.entry, "sectors.linkages", lambda t: core.linkages(t, **LINKAGE_OPTIONS))
    ctx.progress("web.step.linkages", 2, 2)

    mult = pd.concat([region_wide(output, economy, ("output_multiplier",), table.sectors),
                      region_wide(value_added, economy, ("va_domestic_content", "va_multiplier"), table.sectors)],
                     axis=1)
    mult = mult.sort_values("output_multiplier", ascending=False, na_position="last", kind="stable")
    mult_data = tidy(region_long(mult, economy), method=f"{output.attrs['method']}; {value_added.attrs['method']}",
                     table=table, unit=f"{table.meta.unit} per {table.meta.unit} of final demand",
                     options={**output.attrs["options"], **value_added.attrs["options"], "economy": economy})
    top = int(ctx.params["top"])

    def multipliers_figure(view: View):
        shown = mult.head(top)
        return report_charts.paired_hbars([view.sector(s) for s in shown.index],
                                          (view.t("output_multiplier"), shown["output_multiplier"]),
                                          (view.t("va_domestic_content"), shown["va_domestic_content"]),
                                          title=f"{view.region(economy)}: {view.t('web.sectors.multipliers')}")

    links = region_wide(linkage, economy, LINKAGES, table.sectors)
    links = links.sort_values("backward_linkage", ascending=False, na_position="last", kind="stable")
    link_data = tidy(region_long(links, economy), method=linkage.attrs["method"], table=table, unit="report.unit.index",
                     options={**linkage.attrs["options"], "economy": economy})

    def linkages_figure(view: View):
        shown = links.dropna(subset=["backward_linkage", "forward_linkage"])
        return report_charts.quadrant_scatter(
            shown["backward_linkage"].tolist(), shown["forward_linkage"].tolist(),
            [view.sector(s) for s in shown.index], shown["key_sector_class"].tolist(),
            names={float(c): view.t(f"key_sector_class_{c}") for c in (1, 2, 3, 4)},
            title=f"{view.region(economy)}: {view.t('web.sectors.key_sectors')}",
            x_title=view.t("backward_linkage"), y_title=view.t("forward_linkage"))

    return [Panel("multipliers", "web.sectors.multipliers", mult_data, multipliers_figure,
                  translate={"indicator": ""}, names={"region": "region", "sector": "sector"}),
            Panel("key_sectors", "web.sectors.key_sectors", link_data, linkages_figure,
                  translate={"indicator": ""}, names={"region": "region", "sector": "sector"})]
