"""The city report: an evaluation (class shares, benchmarks, rankings, transitions), the policy ledger, the
screening lists and the audit trail as one HTML page and one xlsx workbook, written with the block, chart and
folder helpers of :mod:`dualcirc.report` (same look, same folder policy, bilingual headers in the workbook).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from plotly.offline import get_plotlyjs

from .. import __version__, labels
from ..errors import OptionError
from ..labels import LANGS, bilingual
from ..report.build import MANIFEST, check_out_folder, replace_atomically
from ..report.charts import ranked_bars, stacked_bars
from ..report.framework import Block
from ..report.html import section_html
from ..report.xlsx import autosize, write_block, write_section_sheet
from .evaluate import Evaluation, class_transitions, transition_matrix
from .policy import Policy, apply_policy, describe, policy_summary
from .rules import STANDARD_INDICATORS
from .screening import Screening, Targets, freed_land, rd_coverage, screen, target_gaps, upgrade_candidates

HTML_FILE = "firms-report.html"
XLSX_FILE = "firms-report.xlsx"
_BOLD = Font(bold=True)

labels.register({
    "city.report.title": ("Firm mu-efficiency evaluation", "企业亩均效益综合评价"),
    "city.report.synthetic": ("SYNTHETIC DATA: the firms in this report are generated, not real.",
                              "合成数据：本报告中的企业为程序生成，并非真实企业。"),
    "city.fact.jurisdiction": ("Jurisdiction", "地区"), "city.fact.rules": ("Rules", "评价办法"),
    "city.fact.version": ("Rules version (digest)", "办法版本（摘要）"), "city.fact.year": ("Evaluation year", "评价年度"),
    "city.fact.data": ("Data", "数据"), "city.fact.firms": ("Firm-years evaluated / rated", "评价企业数 / 参评企业数"),
    "city.fact.policy": ("Policy", "差别化政策"), "city.fact.screening": ("Screening", "排查标准"),
    "city.fact.targets": ("Targets", "目标"), "city.report.sources": ("Sources", "来源"),
    "city.report.notes": ("Notes on the rules", "办法说明"),
    "city.section.classes": ("Classes by pool", "分类结果"),
    "city.section.classes.intro": ("Share of each class among the rated firms of each pool; firms not rated and why.",
                                   "各评价类别中各等级企业占比；不定等级和不在评价范围的企业及原因。"),
    "city.section.benchmarks": ("Benchmarks", "基准值"),
    "city.section.benchmarks.intro": ("The benchmark of every indicator in every pool and the pool statistics behind it.",
                                      "各类别各指标的基准值及其依据的类内统计值。"),
    "city.section.ranking": ("Ranking", "企业排名"),
    "city.section.ranking.intro": ("Firms by pool and rank with the points of each indicator (the workbook lists all).",
                                   "按类别和排名列出企业及各指标得分（工作簿列出全部企业）。"),
    "city.section.transitions": ("Class transitions", "等级变动"),
    "city.section.transitions.intro": ("How firms moved between classes since the previous evaluation.",
                                       "与上一年度评价相比企业等级的变动。"),
    "city.section.policy": ("Differentiated policies", "差别化政策"),
    "city.section.policy.intro": ("What each class pays or receives under the policy file.",
                                  "按政策文件各等级企业应缴加价、削减指标和用地待遇。"),
    "city.section.screening": ("Screening and monitors", "排查与监测"),
    "city.section.screening.intro": ("Low-efficiency firms and the land they hold, 小升规 candidates, R&D coverage, targets.",
                                     "低效企业及其用地、小升规培育对象、规上企业研发活动覆盖率、目标差距。"),
    "city.section.audit": ("Audit trail", "评分明细"),
    "city.section.audit.intro": ("Every point of every firm with the rule that produced it (the workbook lists all).",
                                 "每家企业每一项得分及其计算规则（工作簿列出全部）。"),
    "city.block.shares": ("Class shares by pool", "各类别等级占比"),
    "city.block.status": ("Firms rated, not rated and out of scope", "参评、不定等级及评价范围外企业"),
    "city.block.benchmarks": ("Benchmarks by pool and indicator", "各类别指标基准值"),
    "city.block.points_by_class": ("Average points per indicator by class", "各等级企业各指标平均得分"),
    "city.block.ranking": ("Firms by rank", "企业排名"),
    "city.block.transition_matrix": ("Firms by class in both years", "两年等级对照"),
    "city.block.moves": ("Firms whose class changed", "等级变动企业"),
    "city.block.policy_summary": ("Policy totals by measure and class", "各措施各等级合计"),
    "city.block.policy_ledger": ("Policy ledger by firm", "企业政策台账"),
    "city.block.freed_land": ("Low-efficiency firms and the land they hold", "低效企业及其用地"),
    "city.block.flags": ("Firms flagged by the screening", "排查名单"),
    "city.block.upgrade": ("小升规 candidates", "小升规培育对象"),
    "city.block.rd_coverage": ("R&D coverage of 规上 firms", "规上企业研发活动覆盖率"),
    "city.block.targets": ("Targets and the growth needed", "目标及所需增速"),
    "city.block.audit": ("Audit trail", "评分明细"),
    "city.axis.share": ("share of rated firms", "占参评企业比重"), "city.axis.points": ("points", "得分"),
    "city.axis.firms": ("firms", "企业数"), "city.axis.land": ("land (mu)", "用地（亩）"),
})


@dataclass
class CitySection:
    key: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"city.section.{self.key}"

    @property
    def intro(self) -> str:
        return f"city.section.{self.key}.intro"


@dataclass
class CityReport:
    """A built city report, ready for the writers."""

    evaluation: Evaluation
    lang: str
    year: int
    facts: list[tuple[str, str]]
    sections: list[CitySection]
    sources: list[str]
    notes: list[str]
    synthetic: bool
    created: str

    def t(self, key: str) -> str:
        return labels.t(key, self.lang)


def _framed(data: pd.DataFrame, source: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``data`` with its columns renamed to label keys, missing values as NaN (an empty cell in either writer)
    and the provenance of ``source``."""
    out = data.loc[:, list(columns)].rename(columns=columns).reset_index(drop=True)
    out = out.astype(object).where(out.notna(), np.nan)
    for column in ("year", "city.col.base_year", "city.col.target_year", "city.col.projected_year"):
        if column in out:  # years are labels, not quantities
            out[column] = [v if isinstance(v, float) else str(v) for v in out[column]]
    out.attrs.update(source.attrs)
    return out


def build_city_report(evaluation: Evaluation, *, lang: str = "en", history: pd.DataFrame | None = None,
                      records: pd.DataFrame | None = None, policy: Policy | None = None,
                      screening: Screening | None = None, targets: Targets | None = None,
                      target_year: int | None = None, synthetic: bool = False, data_source: str = "") -> CityReport:
    """Assemble the report of ``evaluation`` (its latest year).  ``history`` (firm_id, year, class, managed_as of
    earlier evaluations) feeds transitions and consecutive-year policy rules; ``records`` (firm-year records up to
    the year) feed the screening, the 小升规 monitor, R&D coverage and the targets."""
    if lang not in LANGS:
        raise OptionError(f"language must be one of {LANGS}, not {lang!r}")
    rules = evaluation.rules
    year = int(evaluation.firms["year"].max())
    current = evaluation.firms[["firm_id", "year", "class", "managed_as"]]
    past = history[history["year"] < year] if history is not None else current.iloc[:0]
    full_history = pd.concat([past, current[current["year"] == year]], ignore_index=True)

    sections = [_classes_section(evaluation, lang), _benchmarks_section(evaluation, lang),
                _ranking_section(evaluation, year, lang)]
    previous = full_history[full_history["year"] == year - 1]
    if len(previous):
        sections.append(_transitions_section(evaluation, full_history, year, lang))
    if policy is not None:
        sections.append(policy_section(policy, full_history, records if records is not None else evaluation.firms,
                                       year, lang))
    if records is not None and (screening is not None or targets is not None):
        sections.append(screening_section(records, year, screening, targets, lang, target_year))
    explained = evaluation.explain(lang)
    explained = explained.assign(_order=np.arange(len(explained))).sort_values(
        ["year", "firm_id", "_order"], kind="stable")
    names = {k: i.label(lang) for k, i in rules.indicators.items()}
    explained["item"] = explained["item"].astype(str).map(lambda k: names.get(k, k))
    sections.append(CitySection("audit", [Block("city.block.audit", _framed(explained, evaluation.audit, {
        "firm_id": "city.field.firm_id", "year": "year", "item": "city.col.item", "value": "city.col.value",
        "benchmark": "city.col.benchmark", "weight": "city.col.weight", "points": "city.col.points",
        "reason": "city.col.reason"}))]))

    rated = int((evaluation.firms["status"] == "rated").sum())
    facts = [("city.fact.jurisdiction", rules.jurisdiction.name(lang)), ("city.fact.rules", rules.title(lang)),
             ("city.fact.version", f"{rules.version or '-'} ({rules.digest})"), ("city.fact.year", str(year)),
             ("city.fact.data", data_source or "-"), ("city.fact.firms", f"{len(evaluation.firms)} / {rated}")]
    sources = [s.line() for s in rules.sources]
    for key, doc in (("city.fact.policy", policy), ("city.fact.screening", screening), ("city.fact.targets", targets)):
        if doc is not None:
            facts.append((key, doc.title(lang)))
            sources += [s.line() for s in doc.sources]
    notes = list(rules.notes) + (describe(policy, lang) if policy is not None else [])
    created = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    facts += [("report.fact.generated", created), ("report.fact.generator", f"dualcirc {__version__}")]
    return CityReport(evaluation, lang, year, facts, sections, list(dict.fromkeys(sources)), notes, synthetic,
                      created)


def _pool_label(evaluation: Evaluation, lang: str):
    labels_ = {p.key: p.label(lang) for p in evaluation.rules.pools}
    return lambda key: labels_.get(key, "-") if isinstance(key, str) else "-"


def _classes_section(evaluation: Evaluation, lang: str) -> CitySection:
    t = partial(labels.t, lang=lang)
    pool_label = _pool_label(evaluation, lang)
    shares = evaluation.class_shares()
    shares = shares.assign(pool=shares["pool"].map(pool_label))
    pools = list(dict.fromkeys(shares["pool"]))
    classes = list(dict.fromkeys(shares["class"]))
    series = {c: [float(shares.loc[(shares["pool"] == p) & (shares["class"] == c), "share"].sum()) for p in pools]
              for c in classes}
    figure = stacked_bars(pools, series, title=t("city.block.shares"), value_title=t("city.axis.share"))
    status = evaluation.status_counts()
    status = status.assign(status=status["status"].map(lambda s: t(f"city.status.{s}")))
    return CitySection("classes", [
        Block("city.block.shares", _framed(shares, shares, {"year": "year", "pool": "city.col.pool",
                                                            "class": "city.col.class", "firms": "city.col.firms",
                                                            "share": "city.col.share"}), figure),
        Block("city.block.status", _framed(status, status, {"year": "year", "status": "city.col.status",
                                                            "class": "city.col.class", "reason": "city.col.reason",
                                                            "firms": "city.col.firms"}))])


def _benchmarks_section(evaluation: Evaluation, lang: str) -> CitySection:
    bench = evaluation.benchmarks
    indicators = evaluation.rules.indicators
    bench = bench.assign(pool=bench["pool"].map(_pool_label(evaluation, lang)),
                         unit=bench["indicator"].map(lambda k: indicators[k].unit(lang)),
                         indicator=bench["indicator"].map(lambda k: indicators[k].label(lang)))
    return CitySection("benchmarks", [Block("city.block.benchmarks", _framed(bench, evaluation.benchmarks, {
        "year": "year", "pool": "city.col.pool", "indicator": "city.col.indicator", "unit": "city.col.unit",
        "rule": "city.col.rule", "reference_year": "city.col.base_year", "pool_statistic": "city.col.statistic",
        "benchmark": "city.col.benchmark", "low": "city.col.low", "high": "city.col.high",
        "firms_with_value": "city.col.valid"}))])


def _ranking_section(evaluation: Evaluation, year: int, lang: str) -> CitySection:
    t = partial(labels.t, lang=lang)
    rules = evaluation.rules
    firms = evaluation.firms[(evaluation.firms["year"] == year) & (evaluation.firms["status"] == "rated")]
    order = {p.key: i for i, p in enumerate(rules.pools)}
    firms = firms.assign(_order=firms["pool"].map(order)).sort_values(["_order", "rank"])
    blocks = []
    for pool in rules.pools:
        mine = firms[firms["pool"] == pool.key]
        if mine.empty or pool.classes is None:
            continue
        points = {s.indicator.label(lang): [float(mine.loc[mine["class"] == c, f"points:{s.indicator.key}"].mean())
                                            for c in pool.classes.classes] for s in pool.indicators}
        figure = stacked_bars(list(pool.classes.classes), points,
                              title=f"{t('city.block.points_by_class')}: {pool.label(lang)}",
                              value_title=t("city.axis.points"))
        table = pd.DataFrame({"class": list(pool.classes.classes), **points})
        table.attrs.update(evaluation.firms.attrs)
        blocks.append(Block("city.block.points_by_class", table.rename(columns={"class": "city.col.class"}), figure))
    columns = {"pool": "city.col.pool", "rank": "city.col.rank", "firm_id": "city.field.firm_id",
               "name": "city.field.name", "park": "city.field.park", "class": "city.col.class",
               "score": "city.col.score"}
    for key, indicator in rules.indicators.items():
        columns[f"points:{key}"] = f"city.indicator.{key}" if key in STANDARD_INDICATORS else indicator.label(lang)
    columns["adjustment"] = "city.col.adjustment"
    table = firms.assign(pool=firms["pool"].map(_pool_label(evaluation, lang)))
    blocks.append(Block("city.block.ranking", _framed(table, evaluation.firms, columns)))
    return CitySection("ranking", blocks)


def _transitions_section(evaluation: Evaluation, history: pd.DataFrame, year: int, lang: str) -> CitySection:
    t = partial(labels.t, lang=lang)
    order = list(dict.fromkeys(c for p in evaluation.rules.pools if p.classes for c in p.classes.classes))
    moves = class_transitions(history, year - 1, year, order)
    matrix = transition_matrix(moves)
    matrix.attrs.update(evaluation.firms.attrs, unit="firms; share of the class before")
    before = list(dict.fromkeys(matrix["from_class"]))
    series = {c: [float(matrix.loc[(matrix["from_class"] == b) & (matrix["to_class"] == c), "firms"].sum())
                  for b in before] for c in dict.fromkeys(matrix["to_class"])}
    figure = stacked_bars(before, series, title=t("city.block.transition_matrix"), value_title=t("city.axis.firms"))
    changed = moves[moves["change"].isin(["up", "down", "entered", "left"])]
    changed = changed.assign(change=changed["change"].map(lambda c: t(f"city.change.{c}")))
    changed.attrs.update(matrix.attrs)
    return CitySection("transitions", [
        Block("city.block.transition_matrix", _framed(matrix, matrix, {
            "from_class": "city.col.from_class", "to_class": "city.col.to_class", "firms": "city.col.firms",
            "share": "city.col.share"}), figure),
        Block("city.block.moves", _framed(changed, matrix, {
            "firm_id": "city.field.firm_id", "from_class": "city.col.from_class", "to_class": "city.col.to_class",
            "change": "city.col.change"}))])


def policy_section(policy: Policy, history: pd.DataFrame, records: pd.DataFrame, year: int,
                   lang: str = "en") -> CitySection:
    """The policy totals and the per-firm ledger of ``year`` (see :func:`dualcirc.city.policy.apply_policy`)."""
    ledger = apply_policy(policy, history, records, year, lang)
    return CitySection("policy", [
        Block("city.block.policy_summary", _framed(policy_summary(ledger), ledger, {
            "measure": "city.col.measure", "class": "city.col.class", "firms": "city.col.firms",
            "usage": "city.col.usage", "amount": "city.col.amount", "amount_unit": "city.col.amount_unit"})),
        Block("city.block.policy_ledger", _framed(ledger, ledger, {
            "firm_id": "city.field.firm_id", "class": "city.col.class",
            "consecutive_years": "city.col.consecutive_years", "measure": "city.col.measure",
            "usage": "city.col.usage", "usage_unit": "city.col.usage_unit", "rate": "city.col.rate",
            "rate_unit": "city.col.rate_unit", "amount": "city.col.amount", "amount_unit": "city.col.amount_unit",
            "status": "city.col.eligibility", "rule": "city.col.rule"}))])


def screening_section(records: pd.DataFrame, year: int, screening: Screening | None, targets: Targets | None,
                      lang: str = "en", target_year: int | None = None) -> CitySection:
    """Low-efficiency lists and freed land (with a screening file), 小升规 candidates, R&D coverage by park, and the
    growth needed for each target (with a targets file; by ``target_year``, default the file's) in ``year``."""
    t = partial(labels.t, lang=lang)
    blocks = []
    if screening is not None:
        flags = screen(records, screening, year)
        land = freed_land(flags, screening, lang)
        figure = ranked_bars(list(land["label"]), list(land["land_mu"]), highlight=land["label"].iloc[-1],
                             title=t("city.block.freed_land"), value_title=t("city.axis.land"))
        blocks += [Block("city.block.freed_land", _framed(land, land, {"label": "city.col.test",
                                                                       "firms": "city.col.firms",
                                                                       "land_mu": "city.col.land_freed"}), figure),
                   Block("city.block.flags", _framed(flags.assign(flag=flags["flag"].map(
                       lambda f: t(f"city.flag.{f}"))), flags, {
                       "firm_id": "city.field.firm_id", "name": "city.field.name", "park": "city.field.park",
                       "land_mu": "city.field.land_mu", "test": "city.col.test", "value": "city.col.value",
                       "threshold": "city.col.threshold", "flag": "city.col.flag"}))]
    upgrade = upgrade_candidates(records, year)
    blocks.append(Block("city.block.upgrade", _framed(upgrade, upgrade, {
        "firm_id": "city.field.firm_id", "name": "city.field.name", "park": "city.field.park",
        "revenue": "city.col.revenue", "growth": "city.col.growth", "growth_years": "city.col.growth_years",
        "projected_year": "city.col.projected_year"})))
    coverage = rd_coverage(records, year, by="park")
    coverage = coverage.assign(group=coverage["group"].replace({"all": t("city.group.all")}))
    blocks.append(Block("city.block.rd_coverage", _framed(coverage, coverage, {
        "group": "city.col.group", "above_scale_firms": "city.col.above_scale_firms", "with_rd": "city.col.with_rd",
        "rd_no_data": "city.col.rd_no_data", "coverage": "city.col.coverage"})))
    if targets is not None:
        gaps = target_gaps(records, targets, year, target_year=target_year, lang=lang)
        gaps = gaps.assign(indicator=gaps["indicator"].map(lambda k: t(f"city.indicator.{k}")))
        blocks.append(Block("city.block.targets", _framed(gaps, gaps, {
            "indicator": "city.col.indicator", "unit": "city.col.unit", "base_year": "city.col.base_year",
            "base_value": "city.col.base_value", "target": "city.col.target", "target_year": "city.col.target_year",
            "required_growth": "city.col.required_growth", "reached": "city.col.reached"})))
    return CitySection("screening", blocks)


# ---- writers ---------------------------------------------------------------------------------------------------
def render_html(report: CityReport) -> str:
    """The report page (self-contained, plotly.js embedded once) in the report's language."""
    t = report.t
    template = Template(files("dualcirc.report").joinpath("templates/report.html").read_text(encoding="utf-8"))
    rules = report.evaluation.rules
    title = f"{t('city.report.title')}: {rules.jurisdiction.name(report.lang)}, {report.year}"
    banner = f"<p class=\"warning\"><strong>{escape(t('city.report.synthetic'))}</strong></p>" if report.synthetic \
        else ""
    meta = "".join(f"<dt>{escape(t(k))}</dt><dd>{escape(v)}</dd>" for k, v in report.facts)
    toc = "".join(f"<li><a href=\"#{s.key}\">{escape(t(s.title))}</a></li>" for s in report.sections)
    footer = (f"{banner}<h3>{escape(t('city.report.sources'))}</h3><ul>"
              + "".join(f"<li>{escape(s)}</li>" for s in report.sources)
              + f"</ul><h3>{escape(t('city.report.notes'))}</h3><ul>"
              + "".join(f"<li>{escape(n)}</li>" for n in report.notes) + "</ul>")
    return template.substitute(lang="zh-CN" if report.lang == "zh" else "en", version=escape(__version__),
                               title=escape(title), plotlyjs=get_plotlyjs(), meta=banner + meta, toc=toc,
                               sections="\n".join(section_html(s.key, s.title, s.intro, s.blocks, t)
                                                  for s in report.sections), footer=footer)


def write_tables(path: str | Path, sheets: Mapping[str, Sequence[Block]]) -> Path:
    """A workbook with the given blocks, one sheet per key (bilingual headers, provenance above each table)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, blocks in sheets.items():
        ws, row = wb.create_sheet(name[:31]), 1
        for block in blocks:
            row = write_block(ws, block, row)
        autosize(ws)
    path = Path(path)
    replace_atomically(path, wb.save)
    return path


def write_xlsx(report: CityReport, path: Path) -> None:
    """One sheet per section (title, introduction, then its blocks) and a provenance sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for section in report.sections:
        write_section_sheet(wb, section.key, section.title, section.intro, section.blocks)
    ws = wb.create_sheet("provenance")
    rows = [(bilingual(k), v) for k, v in report.facts]
    if report.synthetic:
        rows.insert(0, (bilingual("city.report.synthetic"), "synthetic"))
    rows += [(bilingual("city.report.sources"), s) for s in report.sources]
    rows += [(bilingual("city.report.notes"), n) for n in report.notes]
    for i, (item, value) in enumerate(rows, start=1):
        ws.cell(i, 1, item).font = _BOLD
        ws.cell(i, 2, value)
    autosize(ws)
    wb.save(path)


@dataclass(frozen=True)
class CityReportFiles:
    html: Path
    xlsx: Path
    manifest: Path


def write_city_report(report: CityReport, out: str | Path, *, force: bool = False) -> CityReportFiles:
    """Write the page, the workbook and the manifest into ``out`` (the folder policy of ``dualcirc report``)."""
    out = Path(out)
    check_out_folder(out, force)
    out.mkdir(parents=True, exist_ok=True)
    html, xlsx, manifest = out / HTML_FILE, out / XLSX_FILE, out / MANIFEST
    page = render_html(report)
    replace_atomically(html, lambda p: p.write_text(page, encoding="utf-8"))
    replace_atomically(xlsx, lambda p: write_xlsx(report, p))
    rules = report.evaluation.rules
    record = {"generator": "dualcirc", "version": __version__, "created": report.created,
              "files": [HTML_FILE, XLSX_FILE], "rules": rules.id, "rules_digest": rules.digest, "year": report.year,
              "lang": report.lang, "synthetic": report.synthetic, "sections": [s.key for s in report.sections]}
    replace_atomically(manifest, lambda p: p.write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                                        encoding="utf-8"))
    return CityReportFiles(html, xlsx, manifest)
