"""Overview of an economy over the dataset's years: trade dependence (gross and value added, METHODS.md 4.4),
the circulation shares of the absorption account (4.1; Johnson & Noguera 2012) and GVC participation and position
(3.1; Koopman, Powers, Wang & Wei 2010), with every economy of the table compared in the chosen year.

Each table-year's results are computed for all economies at once (``circulation.trade_dependence``,
``circulation.absorption``, ``gvc.koopman_position``) and memoised, so switching economy reuses them.
"""

from __future__ import annotations

import pandas as pd

from ... import labels
from ...errors import InputError
from ...measures import circulation, gvc
from ...measures.result import tidy
from ...report import charts as report_charts
from .. import charts
from . import Panel, PageContext, View, page

DEPENDENCE_TERMS = ("TD", "TD_VA", "EX_GDP", "VAX_GDP")
SHARE_TERMS = ("DD_GDP", "DF_GDP")
POSITION_TERMS = ("POSITION", "PARTICIPATION")

labels.register({
    "web.overview.dependence": ("Trade dependence over time, gross and value added",
                                "外贸依存度的变化：总值与增加值口径"),
    "web.overview.circulation": ("Domestic and international circulation shares of GDP over time",
                                 "国内循环与国际循环占GDP比重的变化"),
    "web.overview.position": ("GVC participation and position over time", "全球价值链参与度与地位指数的变化"),
    "web.overview.compare": ("International-circulation share of GDP, all economies in the year",
                             "当年各经济体国际循环占GDP比重"),
    "web.overview.no_position": ("GVC participation and position need an inter-country table; this table keeps "
                                 "foreign trade outside the model.",
                                 "全球价值链参与度与地位指数需要国家间投入产出表；该表的对外贸易在模型之外。"),
    "web.step.dependence": ("trade dependence", "外贸依存度"),
    "web.step.absorption": ("absorption account", "增加值吸收账户"),
    "web.step.position": ("GVC position", "全球价值链地位"),
})


def _position(table) -> pd.DataFrame | None:
    """Koopman et al. position of every economy, or None for tables with foreign trade outside the model."""
    try:
        return gvc.koopman_position(table)
    except InputError:
        if table.has_open_foreign_sector:
            return None
        raise


def _economy_rows(frame: pd.DataFrame, economy: str, year, terms) -> pd.DataFrame:
    rows = frame[(frame["region"] == economy) & frame["term"].isin(terms)][["region", "term", "value", "unit"]]
    return rows.assign(year=year)[["year", "region", "term", "value", "unit"]]


def _over_years(frames: list[pd.DataFrame], template: pd.DataFrame, table, options: dict) -> pd.DataFrame:
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["year", "region", "term", "value", "unit"])
    return tidy(data, method=template.attrs.get("method", ""), table=table, unit=template.attrs.get("unit"),
                options={**template.attrs.get("options", {}), **options})


def _series(data: pd.DataFrame, terms, view: View, prefix: str) -> tuple[list, dict[str, list[float]]]:
    """Years and one series of values per term (in the view's language) from long rows of one economy."""
    wide = data.assign(term=data["term"].astype(str)).pivot_table(index="year", columns="term", values="value",
                                                                   aggfunc="first", sort=True)
    return list(wide.index), {view.t(f"{prefix}{t}"): wide[t].tolist() for t in terms if t in wide.columns}


@page("overview", order=10, title=("Overview", "概览"),
      intro=("Trade dependence, domestic and international circulation and GVC position of the economy over the "
             "years of the dataset, computed from the input-output tables (METHODS.md 3.1, 4.1, 4.4).",
             "基于投入产出表计算的该经济体外贸依存度、国内国际循环与全球价值链地位在数据集各年份的变化"
             "（METHODS.md 3.1、4.1、4.4）。"))
def overview(ctx: PageContext) -> list[Panel]:
    entries = ctx.years()
    steps = 3 * len(entries)
    dependence, shares, positions = [], [], []
    chosen = {}
    for k, entry in enumerate(entries):
        ctx.progress("web.step.dependence", 3 * k, steps)
        dep = ctx.per_table(entry, "overview.dependence", lambda t: circulation.trade_dependence(t))
        ctx.progress("web.step.absorption", 3 * k + 1, steps)
        acc = ctx.per_table(entry, "overview.absorption", lambda t: circulation.absorption(t))
        ctx.progress("web.step.position", 3 * k + 2, steps)
        pos = ctx.per_table(entry, "overview.position", _position)
        dependence.append(_economy_rows(dep, ctx.economy, entry.year, dep["term"].unique()))
        shares.append(_economy_rows(acc, ctx.economy, entry.year, acc["term"].unique()))
        if pos is not None:
            positions.append(_economy_rows(pos, ctx.economy, entry.year, pos["term"].unique()))
        if entry == ctx.entry:
            chosen = {"dependence": dep, "absorption": acc, "position": pos}
    ctx.progress("web.step.absorption", steps, steps)
    economy, table = ctx.economy, ctx.table
    options = {"economy": economy, "years": [e.year for e in entries]}

    dep_data = _over_years(dependence, chosen["dependence"], table, options)
    share_data = _over_years(shares, chosen["absorption"], table, options)

    def dependence_figure(view: View):
        years, series = _series(dep_data, DEPENDENCE_TERMS, view, "circ.")
        return charts.lines_over_years(years, series, title=f"{view.region(economy)}: "
                                       f"{view.t('web.overview.dependence')}", value_title=view.t("report.unit.ratio"))

    def share_figure(view: View):
        years, series = _series(share_data, SHARE_TERMS, view, "circ.")
        return report_charts.stacked_bars([str(y) for y in years], series, title=f"{view.region(economy)}: "
                                          f"{view.t('web.overview.circulation')}",
                                          value_title=view.t("report.unit.ratio"))

    panels = [Panel("dependence", "web.overview.dependence", dep_data, dependence_figure, translate={"term": "circ."},
                    names={"region": "region"}),
              Panel("circulation", "web.overview.circulation", share_data, share_figure,
                    translate={"term": "circ."}, names={"region": "region"})]

    if chosen["position"] is None:
        panels.append(Panel("position", "web.overview.position", _over_years([], chosen["dependence"], table, {}),
                            note="web.overview.no_position"))
    else:
        pos_data = _over_years(positions, chosen["position"], table, options)

        def position_figure(view: View):
            years, series = _series(pos_data, POSITION_TERMS, view, "gvc.kpww.")
            return charts.lines_over_years(years, series, title=f"{view.region(economy)}: "
                                           f"{view.t('web.overview.position')}",
                                           value_title=view.t("report.unit.ratio"))
        panels.append(Panel("position", "web.overview.position", pos_data, position_figure,
                            translate={"term": "gvc.kpww."}, names={"region": "region"}))

    if table.G > 1:
        acc = chosen["absorption"]
        compare = acc[acc["term"] == "DF_GDP"][["region", "term", "value", "unit"]]
        compare = compare.sort_values("value", ascending=False, na_position="last", kind="stable",
                                      ignore_index=True)
        compare = tidy(compare, method=acc.attrs.get("method", ""), table=table, unit=acc.attrs.get("unit"),
                       options={**acc.attrs.get("options", {}), "ranked_by": "DF_GDP"})

        def compare_figure(view: View):
            names = [view.region(r) for r in compare["region"]]
            return report_charts.ranked_bars(names, compare["value"].tolist(), highlight=view.region(economy),
                                             title=f"{view.t('web.overview.compare')} ({ctx.entry.year})",
                                             value_title=view.t("report.unit.ratio"))
        panels.append(Panel("compare", "web.overview.compare", compare, compare_figure, translate={"term": "circ."},
                            names={"region": "region"}))
    return panels
