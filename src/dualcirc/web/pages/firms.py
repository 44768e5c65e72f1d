"""Firm evaluation (亩均效益综合评价; POLICY_SYSTEMS.md 1.4-1.5): the synthetic demonstration registry of
``city.synthetic_firms`` (about 5,000 firms, clearly labelled synthetic) scored, ranked and classed under a shipped
rules preset by ``city.evaluate``.  A bureau evaluates its own registry with ``dualcirc firms``; this page shows what
the evaluation gives, independent of the input-output table chosen above.
"""

from __future__ import annotations

from ... import labels
from ...city import evaluate, load_rules, preset_names, synthetic_firms
from .. import charts
from . import Panel, PageContext, Param, View, page

labels.register({
    "web.firms.class_shares": ("Class shares by pool, latest year (synthetic firms)",
                               "各评价类别的等级占比，最近年份（合成企业）"),
    "web.firms.firms": ("Rated firms by pool and rank (synthetic firms)", "参评企业按类别与排名（合成企业）"),
    "web.firms.status": ("Rated, not rated and why", "参评、不定等级及原因"),
    "web.param.rules": ("Rules preset", "评价办法预设"),
    "web.step.firms": ("firm evaluation", "企业评价"),
})
HEADERS = {c: f"city.col.{c}" for c in ("pool", "status", "class", "managed_as", "score", "rank", "pool_size",
                                         "percentile", "reason", "firms", "share")}
HEADERS.update({c: f"city.field.{c}" for c in ("firm_id", "name", "industry", "park", "land_mu")})
PRESETS = tuple(preset_names("rules"))
labels.register({f"web.rules.{name}": (found.title("en"), found.title("zh"))
                 for name, found in ((n, load_rules(n)) for n in PRESETS)})
SHOWN = ("firm_id", "year", "name", "industry", "park", "land_mu", "pool", "class", "score", "rank", "pool_size")


def _evaluation(preset: str):
    """The synthetic registry's latest year under ``preset`` (earlier years as reference records, for benchmarks
    that refer to the previous year)."""
    records = synthetic_firms()
    years = records.firms["year"]
    latest = int(years.max())
    return evaluate(records.firms[years == latest], load_rules(preset),
                    events=records.events[records.events["year"] == latest], reference=records.firms[years < latest])


@page("firms", order=80, title=("Firm evaluation", "亩均效益评价"),
      intro=("Per-mu (亩均) comprehensive evaluation of firms under a published rules preset: indicator points, "
             "score, rank within the pool and class (POLICY_SYSTEMS.md 1.4-1.5). Shown on the synthetic "
             "demonstration registry; evaluate a real registry with `dualcirc firms`.",
             "按已发布的评价办法预设对企业进行亩均效益综合评价：指标得分、综合得分、类内排名与等级"
             "（POLICY_SYSTEMS.md 1.4-1.5）。此处使用合成的演示企业库；真实企业库请用 `dualcirc firms` 评价。"),
      params=(Param("rules", "web.param.rules", "choice", default="jiangsu-huaian-2024", choices=PRESETS,
                    choice_prefix="web.rules."),))
def firms(ctx: PageContext) -> list[Panel]:
    preset = ctx.params["rules"]
    ctx.progress("web.step.firms", 0, 1)
    evaluation = ctx.memo.get(("firms", preset), lambda: _evaluation(preset))
    ctx.progress("web.step.firms", 1, 1)
    shares = evaluation.class_shares()
    rated = evaluation.firms[evaluation.firms["status"] == "rated"]
    rated = rated.sort_values(["pool", "rank"], kind="stable", ignore_index=True)[list(SHOWN)]
    rated.attrs = dict(shares.attrs, unit="points")
    status = evaluation.status_counts()

    def shares_figure(view: View):
        pools = list(dict.fromkeys(shares["pool"]))
        classes = list(dict.fromkeys(shares["class"]))
        series = {evaluation.rules.class_label(c, view.lang) if c != "-" else "-":
                  [float(shares[(shares["pool"] == p) & (shares["class"] == c)]["share"].sum()) for p in pools]
                  for c in classes}
        return charts.stacked_bars([evaluation.rules.pool(p).label(view.lang) for p in pools], series,
                                   title=evaluation.rules.title(view.lang), value_title=view.t("city.col.share"))

    return [Panel("class_shares", "web.firms.class_shares", shares, shares_figure, headers=HEADERS),
            Panel("firms", "web.firms.firms", rated, headers=HEADERS),
            Panel("status", "web.firms.status", status, translate={"status": "city.status.", "reason": "city.reason."},
                  headers=HEADERS)]
