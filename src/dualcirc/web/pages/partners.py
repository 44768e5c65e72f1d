"""Value-added trade between the economy and its partners (METHODS.md 2.1; Johnson & Noguera 2012): the economy's
value added absorbed in each partner and each partner's value added absorbed in the economy, from the VA
absorption matrix ``vat.va_absorption``, beside the economy's VAX ratio from ``vat.vax``.
"""

from __future__ import annotations

import pandas as pd

from ... import labels
from ...errors import InputError
from ...measures import vat
from ...measures.result import tidy
from .. import charts
from . import Panel, PageContext, Param, View, page

labels.register({
    "web.partners.flows": ("Value added exchanged with each partner (absorbed by final demand)",
                           "与各伙伴交换的增加值（被最终需求吸收）"),
    "web.partners.va_exported": ("Own VA absorbed in the partner", "被伙伴吸收的本国增加值"),
    "web.partners.va_imported": ("Partner's VA absorbed at home", "本国吸收的伙伴增加值"),
    "web.partners.net": ("Net VA trade (exported − imported)", "增加值贸易差额（出口−进口）"),
    "web.partners.vax": ("Value-added exports and gross exports of the economy", "本经济体的增加值出口与总出口"),
    "web.partners.not_applicable": ("Value-added trade between partners needs an inter-country table; this table "
                                    "keeps foreign trade outside the model.",
                                    "伙伴间增加值贸易需要国家间投入产出表；该表的对外贸易在模型之外。"),
    "web.param.top": ("Partners shown in the chart", "图中显示的伙伴数"),
    "web.step.va_absorption": ("VA absorption matrix", "增加值吸收矩阵"),
})


@page("partners", order=20, title=("Value-added trade", "增加值贸易"),
      intro=("Where the economy's value added is finally absorbed and whose value added its final demand absorbs, "
             "partner by partner, from the value-added absorption matrix D'v̂LY (METHODS.md 2.1).",
             "基于增加值吸收矩阵 D'v̂LY（METHODS.md 2.1），逐个伙伴给出本经济体增加值的最终吸收地，以及本经济体"
             "最终需求所吸收的各伙伴增加值。"),
      params=(Param("top", "web.param.top", "number", default=15, minimum=3, maximum=40, step=1),))
def partners(ctx: PageContext) -> list[Panel]:
    table, economy = ctx.table, ctx.economy
    if table.has_open_foreign_sector or table.G < 2:
        empty = tidy(pd.DataFrame(columns=["partner", "value"]), method="-", table=table)
        return [Panel("flows", "web.partners.flows", empty, note="web.partners.not_applicable")]
    ctx.progress("web.step.va_absorption", 0, 2)
    matrix = ctx.per_table(ctx.entry, "partners.va_absorption", lambda t: vat.va_absorption(t, level="country"))
    ctx.progress("web.step.va_absorption", 1, 2)
    ratios = ctx.per_table(ctx.entry, "partners.vax", lambda t: vat.vax(t, level="country"))
    exported = matrix[(matrix["exporter"] == economy) & (matrix["importer"] != economy)].set_index("importer")
    imported = matrix[(matrix["importer"] == economy) & (matrix["exporter"] != economy)].set_index("exporter")
    if exported.empty:
        raise InputError(f"{economy} has no partner in {table!r}")
    flows = pd.DataFrame({"partner": exported.index.astype(str),
                          "web.partners.va_exported": exported["value"].to_numpy(float),
                          "web.partners.va_imported": imported["value"].reindex(exported.index).to_numpy(float)})
    flows["web.partners.net"] = flows["web.partners.va_exported"] - flows["web.partners.va_imported"]
    flows = flows.sort_values("web.partners.va_exported", ascending=False, kind="stable", ignore_index=True)
    flows = tidy(flows, method=matrix.attrs["method"], table=table, unit=table.meta.unit,
                 options={**matrix.attrs["options"], "economy": economy, "ranked_by": "va_exported"})
    top = int(ctx.params["top"])

    def flows_figure(view: View):
        shown = flows.head(top)
        return charts.grouped_hbars([view.region(p) for p in shown["partner"]],
                                    {view.t("web.partners.va_exported"): shown["web.partners.va_exported"],
                                     view.t("web.partners.va_imported"): shown["web.partners.va_imported"]},
                                    title=f"{view.region(economy)}: {view.t('web.partners.flows')}",
                                    value_title=table.meta.unit)

    own = ratios[ratios["exporter"] == economy][["exporter", "term", "value", "unit"]].reset_index(drop=True)
    own = tidy(own.rename(columns={"exporter": "region"}), method=ratios.attrs["method"], table=table,
               unit=ratios.attrs.get("unit"), options={**ratios.attrs["options"], "economy": economy})
    ctx.progress("web.step.va_absorption", 2, 2)
    return [Panel("flows", "web.partners.flows", flows, flows_figure, names={"partner": "region"}),
            Panel("vax", "web.partners.vax", own, translate={"term": "vat.jn."}, names={"region": "region"})]
