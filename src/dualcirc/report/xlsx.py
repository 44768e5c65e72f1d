"""The xlsx writer: one sheet per section (bilingual headers, provenance above each table) and a provenance sheet."""

from __future__ import annotations

import math
import numbers
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..labels import LANGS, bilingual
from .framework import Block, ReportDocument, diagnostic_label, provenance_items
from .html import is_number

#: name of the sheet with the table's and the run's provenance
PROVENANCE_SHEET = "provenance"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_GREY = Font(italic=True, color="52606D")


def _cell_value(value):
    """NaN as an empty cell (Excel has no NaN); numpy scalars as Python numbers."""
    if not is_number(value):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    return None if math.isnan(value) else float(value)


def write_block(ws, block: Block, row: int) -> int:
    """Write a block (caption, provenance, bilingual header, rows) from ``row``; return the next free row."""
    ws.cell(row, 1, bilingual(block.caption)).font = _BOLD
    row += 1
    for key, value in provenance_items(block.data):
        ws.cell(row, 1, bilingual(key)).font = _GREY
        ws.cell(row, 2, bilingual(value) if value else "-").font = _GREY
        row += 1
    for j, column in enumerate(block.data.columns, start=1):
        ws.cell(row, j, bilingual(str(column))).font = _BOLD
    row += 1
    for record in block.data.itertuples(index=False):
        for j, (column, value) in enumerate(zip(block.data.columns, record), start=1):
            ws.cell(row, j, bilingual(str(value)) if column in block.translate else _cell_value(value))
        row += 1
    return row + 1


def autosize(ws) -> None:
    """Column widths from the first 200 rows' contents (10 to 60 characters)."""
    for j, column in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)), start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        ws.column_dimensions[get_column_letter(j)].width = min(max(10, width + 2), 60)


def write_section_sheet(wb: Workbook, key: str, title: str, intro: str, blocks: Sequence[Block],
                        skipped: bool = False) -> None:
    """A sheet named after the section ``key``: its title and introduction (label keys, both languages), the 'not
    applicable' note when ``skipped``, then its blocks."""
    ws = wb.create_sheet(key[:31])
    ws.cell(1, 1, bilingual(title)).font = _TITLE
    ws.cell(2, 1, bilingual(intro))
    row = 4
    if skipped:
        ws.cell(row, 1, bilingual("report.skipped"))
    for block in blocks:
        row = write_block(ws, block, row)
    autosize(ws)


def write_xlsx(doc: ReportDocument, path: Path) -> None:
    """Write the report's figures to ``path``; sheet names are the section keys."""
    wb = Workbook()
    wb.remove(wb.active)
    for result in doc.results:
        sec = result.section
        write_section_sheet(wb, sec.key, sec.title, sec.intro, result.blocks, result.skipped)

    ws = wb.create_sheet(PROVENANCE_SHEET)
    ws.cell(1, 1, bilingual("report.col.item")).font = _BOLD
    ws.cell(1, 2, bilingual("value")).font = _BOLD
    rows: list[tuple[str, object]] = [(bilingual(k), v) for k, v in doc.facts()]
    rows += [(" / ".join(dict.fromkeys(diagnostic_label(k, lang) for lang in LANGS)), v)
             for k, v in doc.diagnostics.items()]
    rows += [(f"{bilingual('report.fact.checks')}: {f.level} {f.code}", f.message) for f in doc.context.table.checks]
    for result in doc.results:
        for block in result.blocks:
            for key, value in provenance_items(block.data):
                rows.append((f"{result.section.key} / {bilingual(block.caption)} / {bilingual(key)}",
                             bilingual(value) if value else "-"))
    for i, (item, value) in enumerate(rows, start=2):
        ws.cell(i, 1, item)
        ws.cell(i, 2, _cell_value(value))
    autosize(ws)
    wb.save(path)
