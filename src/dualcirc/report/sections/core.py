"""Report sections from the core measures (METHODS.md 1.4, 1.5): multipliers and key sectors of the economy.

The figures come from :mod:`dualcirc.measures.core` on the report's shared engine; these sections only select the
economy's sectors, rank them and draw them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import labels
from ...measures import core
from ...measures.result import region_long, region_wide, tidy
from .. import charts
from ..framework import Block, ReportContext, section

#: linkage options of the key-sector section: normalised within the economy on its local inverse L^D_ss
LINKAGE_OPTIONS = {"scope": "domestic", "forward_basis": "ghosh"}

labels.register({
    "report.cap.multipliers": ("Output multiplier and own-economy value-added content, top sectors",
                               "产出乘数与本经济体增加值含量（排名靠前的部门）"),
    "report.cap.key_sectors": ("Backward and forward linkages of the economy's sectors",
                               "本经济体各部门的影响力系数与感应度系数"),
})


def _economy_rows(ctx: ReportContext, result: pd.DataFrame, indicators: tuple[str, ...]) -> pd.DataFrame:
    """The economy's rows of a core result, wide by indicator (index: sector, in table order)."""
    return region_wide(result, ctx.economy, indicators, ctx.table.sectors)


def _long(ctx: ReportContext, wide: pd.DataFrame) -> pd.DataFrame:
    """Back to long form (region, rank, sector, sector name, indicator, value) in the order of ``wide``."""
    wide = wide.assign(**{"report.col.rank": np.arange(1, len(wide) + 1)})
    long = region_long(wide, ctx.economy, keep=("report.col.rank",))
    long.insert(3, "report.col.sector_name", [ctx.sector_name(s) for s in long["sector"]])
    return long


@section("multipliers", order=10,
         title=("Output and value-added multipliers", "产出乘数与增加值乘数"),
         intro=("Output generated in the whole table per unit of final demand for each sector of the economy "
                "(u'L), and the economy's own value added in it (φ^D, the domestic content; METHODS.md 1.4; "
                "Miller & Blair 2009, ch. 6). Sectors are ranked by the output multiplier.",
                "本经济体各部门每单位最终需求在全表引致的总产出（u'L），以及其中本经济体自身的增加值（φ^D，"
                "国内增加值含量；METHODS.md 1.4；Miller & Blair 2009 第6章）。部门按产出乘数排序。"))
def multipliers_section(ctx: ReportContext) -> list[Block]:
    table, engine = ctx.table, ctx.engine
    output = core.output_multipliers(table, engine=engine)
    value_added = core.value_added_multipliers(table, split=True, engine=engine)
    wide = pd.concat([_economy_rows(ctx, output, ("output_multiplier",)),
                      _economy_rows(ctx, value_added, ("va_domestic_content", "va_multiplier"))], axis=1)
    wide = wide.sort_values("output_multiplier", ascending=False, na_position="last", kind="stable")
    data = tidy(_long(ctx, wide), method=f"{output.attrs['method']}; {value_added.attrs['method']}", table=table,
                unit=f"{table.meta.unit} per {table.meta.unit} of final demand",
                options={**output.attrs["options"], **value_added.attrs["options"], "economy": ctx.economy,
                         "ranked_by": "output_multiplier"})
    top = wide.head(ctx.top)
    names = [ctx.sector_name(s) for s in top.index]
    fig = charts.paired_hbars(names, (ctx.t("output_multiplier"), top["output_multiplier"]),
                              (ctx.t("va_domestic_content"), top["va_domestic_content"]),
                              title=ctx.economy_title("report.cap.multipliers"))
    return [Block("report.cap.multipliers", data, fig, translate=("indicator",))]


@section("key_sectors", order=20,
         title=("Key sectors", "关键部门"),
         intro=("Rasmussen-Hirschman backward linkage (power of dispersion, 影响力系数) and forward linkage "
                "(sensitivity of dispersion, 感应度系数, Ghosh basis) of the economy's sectors, each normalised so "
                "that the mean over the economy's active sectors is 1 (METHODS.md 1.5). Key sectors have both "
                "above 1.",
                "本经济体各部门的 Rasmussen-Hirschman 影响力系数（后向关联）与感应度系数（前向关联，Ghosh 口径），"
                "均以本经济体有效部门的均值为 1 进行标准化（METHODS.md 1.5）。两者均大于 1 的为关键部门。"))
def key_sectors_section(ctx: ReportContext) -> list[Block]:
    table = ctx.table
    result = core.linkages(table, engine=ctx.engine, **LINKAGE_OPTIONS)
    wide = _economy_rows(ctx, result, ("backward_linkage", "forward_linkage", "key_sector_class"))
    wide = wide.sort_values("backward_linkage", ascending=False, na_position="last", kind="stable")
    data = tidy(_long(ctx, wide), method=result.attrs["method"], table=table, unit="report.unit.index",
                options={**result.attrs["options"], "economy": ctx.economy, "ranked_by": "backward_linkage"})
    shown = wide.dropna(subset=["backward_linkage", "forward_linkage"])
    fig = charts.quadrant_scatter(shown["backward_linkage"].tolist(), shown["forward_linkage"].tolist(),
                                  [ctx.sector_name(s) for s in shown.index], shown["key_sector_class"].tolist(),
                                  names={float(c): ctx.t(f"key_sector_class_{c}") for c in (1, 2, 3, 4)},
                                  title=ctx.economy_title("report.cap.key_sectors"),
                                  x_title=ctx.t("backward_linkage"), y_title=ctx.t("forward_linkage"))
    return [Block("report.cap.key_sectors", data, fig, translate=("indicator",))]
