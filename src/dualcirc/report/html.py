"""The HTML writer: one self-contained page, plotly.js embedded once, every figure with its provenance."""

from __future__ import annotations

import math
import numbers
from html import escape
from importlib.resources import files
from string import Template
from typing import Callable, Sequence

from plotly.offline import get_plotlyjs

from .framework import Block, ReportDocument, diagnostic_label, provenance_items

#: rows of each data table shown on the page (the xlsx file holds all of them)
ROWS_SHOWN = 15


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def format_value(value, column: str = "") -> str:
    """Numbers as a reader wants them: counts as whole numbers, thousands separators for levels, four decimals
    for ratios; years (any column whose name contains 'year') as plain digits."""
    if "year" in str(column).lower() and is_number(value) and not math.isnan(value) and float(value).is_integer():
        return str(int(value))
    if not is_number(value):
        return escape(str(value))
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    if math.isnan(value):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4f}"


def table_html(block: Block, t: Callable[[str], str]) -> str:
    """The first rows of a block's data as an HTML table, labels translated by ``t``."""
    data = block.data
    head = "".join(f"<th>{escape(t(str(c)))}</th>" for c in data.columns)
    rows = []
    for record in data.head(ROWS_SHOWN).itertuples(index=False):
        cells = []
        for column, value in zip(data.columns, record):
            if column in block.translate:
                value = t(str(value))
            cells.append(f"<td class=\"num\">{format_value(value, column)}</td>" if is_number(value)
                         else f"<td>{format_value(value, column)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    shown = f"{min(len(data), ROWS_SHOWN)} / {len(data)} {escape(t('report.rows_shown'))}"
    return (f"<details><summary>{shown}</summary><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></details>")


def block_html(block: Block, t: Callable[[str], str], div_id: str) -> str:
    """One block (caption, figure, provenance line, table) as HTML, labels translated by ``t``."""
    parts = [f"<figure class=\"block\"><figcaption>{escape(t(block.caption))}</figcaption>"]
    if block.figure is not None:
        parts.append(block.figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                                          config={"displaylogo": False, "responsive": True}))
    provenance = "; ".join(f"{escape(t(key))}: {escape(t(value) if value else t('report.prov.none'))}"
                           for key, value in provenance_items(block.data))
    parts.append(f"<p class=\"provenance\">{provenance}</p>")
    parts.append(table_html(block, t))
    parts.append("</figure>")
    return "".join(parts)


def section_html(key: str, title: str, intro: str, blocks: Sequence[Block], t: Callable[[str], str],
                 skipped: bool = False) -> str:
    """A section of a page: its title and introduction (label keys), the 'not applicable' note when ``skipped``,
    then its blocks."""
    body = [f"<section id=\"{key}\"><h2>{escape(t(title))}</h2>", f"<p>{escape(t(intro))}</p>"]
    if skipped:
        body.append(f"<p class=\"skipped\">{escape(t('report.skipped'))}</p>")
    body += [block_html(block, t, div_id=f"fig-{key}-{i + 1}") for i, block in enumerate(blocks)]
    body.append("</section>")
    return "".join(body)


def _footer_html(doc: ReportDocument) -> str:
    ctx = doc.context
    checks = [f"<li class=\"{'warning' if f.level == 'warning' else 'info'}\">{escape(f.message)}</li>"
              for f in ctx.table.checks]
    diagnostics = [f"<li>{escape(diagnostic_label(k, ctx.lang))}: {v:.3e}</li>" for k, v in doc.diagnostics.items()]
    return (f"<h3>{escape(ctx.t('report.fact.checks'))}</h3><ul>{''.join(checks) or '<li>-</li>'}</ul>"
            f"<h3>{escape(ctx.t('report.fact.diagnostics'))}</h3><ul>{''.join(diagnostics)}</ul>")


def render_html(doc: ReportDocument) -> str:
    """The whole report page as one string (about 5 MB, most of it plotly.js)."""
    ctx = doc.context
    template = Template(files("dualcirc.report").joinpath("templates/report.html").read_text(encoding="utf-8"))
    title = f"{ctx.t('report.title')}: {ctx.economy_label}, {ctx.table.meta.label()}"
    meta = "".join(f"<dt>{escape(ctx.t(k))}</dt><dd>{escape(v)}</dd>" for k, v in doc.facts())
    toc = "".join(f"<li><a href=\"#{r.section.key}\">{escape(ctx.t(r.section.title))}</a></li>"
                  for r in doc.results)
    return template.substitute(
        lang="zh-CN" if ctx.lang == "zh" else "en", version=escape(doc.version), title=escape(title),
        plotlyjs=get_plotlyjs(), meta=meta, toc=toc,
        sections="\n".join(section_html(r.section.key, r.section.title, r.section.intro, r.blocks, ctx.t, r.skipped)
                            for r in doc.results), footer=_footer_html(doc))
