"""Report section: gross trade dependence (EX + IM) / GDP from the table itself (METHODS.md 0.4, 4.4, 5.1).

Gross exports and imports come from :func:`dualcirc.measures.circulation.gross_trade`: E = (Z D + Y) ⊙ (1 − D)
(METHODS.md 0.4), plus the export vector and imported intermediates and final goods (Zm, Ym) of tables with an open
foreign sector.  The source of EX, IM and GDP is the table (goods and services at basic prices), never customs data
(D15).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import labels
from ...measures.circulation import gross_trade
from ...measures.result import tidy
from .. import charts
from ..framework import Block, ReportContext, section

METHOD = "gross trade dependence (EX+IM)/GDP from the IO table (METHODS.md 4.4, 5.1)"

labels.register({
    "report.ind.exports": ("Gross exports (EX)", "总出口（EX）"),
    "report.ind.imports": ("Gross imports (IM)", "总进口（IM）"),
    "report.ind.trade_dependence": ("Trade dependence ((EX+IM)/GDP)", "外贸依存度（(EX+IM)/GDP）"),
    "report.ind.export_dependence": ("Export dependence (EX/GDP)", "出口依存度（EX/GDP）"),
    "report.ind.import_dependence": ("Import dependence (IM/GDP)", "进口依存度（IM/GDP）"),
    "report.cap.trade_dependence": ("Gross trade dependence, all regions", "各地区外贸依存度"),
})


@section("trade_dependence", order=40,
         title=("Gross trade dependence", "外贸依存度"),
         intro=("Gross exports plus imports of goods and services relative to GDP, all three taken from the "
                "input-output table (basic prices; METHODS.md 4.4 and 5.1). Compare with the value-added based "
                "dependence in the previous section: gross flows count intermediate inputs more than once.",
                "货物和服务总出口与总进口之和相对于GDP的比率，三者均取自投入产出表（基本价格；METHODS.md 4.4、5.1）。"
                "可与上一节基于增加值的依存度比较：总值贸易会重复计算中间投入。"))
def trade_dependence_section(ctx: ReportContext) -> list[Block] | None:
    table = ctx.table
    exports, imports = gross_trade(table)
    if not np.any(exports) and not np.any(imports):
        return None
    gdp = table.gdp()
    with np.errstate(divide="ignore", invalid="ignore"):
        td = np.where(gdp > 0, (exports + imports) / gdp, np.nan)  # GDP <= 0 gives NaN (METHODS.md 4.4)
        ex_dep = np.where(gdp > 0, exports / gdp, np.nan)
        im_dep = np.where(gdp > 0, imports / gdp, np.nan)
    unit, ratio = table.meta.unit, "report.unit.ratio"
    order = np.argsort(-np.nan_to_num(td, nan=-np.inf), kind="stable")
    rows = []
    for j in order:
        r = table.regions[j]
        rows += [(r, "report.ind.trade_dependence", td[j], ratio),
                 (r, "report.ind.export_dependence", ex_dep[j], ratio),
                 (r, "report.ind.import_dependence", im_dep[j], ratio),
                 (r, "report.ind.exports", exports[j], unit), (r, "report.ind.imports", imports[j], unit),
                 (r, "report.ind.gdp", gdp[j], unit)]
    data = tidy(pd.DataFrame(rows, columns=["region", "indicator", "value", "unit"]), method=METHOD, table=table,
                unit="report.unit.see_column", options={"source_of_EX_IM_GDP": "IO table", "economy": ctx.economy})
    regions = [table.regions[j] for j in order]
    title = (f"{ctx.t('report.cap.trade_dependence')} "
             f"({ctx.region_name(ctx.economy)}: {td[ctx.economy_index]:.1%})")
    series = {ctx.t("report.ind.export_dependence"): ex_dep[order],
              ctx.t("report.ind.import_dependence"): im_dep[order]}
    fig = charts.stacked_bars([ctx.region_name(r) for r in regions], series, title=title, value_title=ctx.t(ratio))
    return [Block("report.cap.trade_dependence", data, fig, translate=("indicator", "unit"))]
