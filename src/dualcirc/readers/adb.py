"""ADB Multiregional Input-Output tables (62, 72 or 73 economies + RoW x 35 sectors), one xlsx per year.

The layout of ADB's workbooks (``ADB-MRIO-2022_June2023.xlsx`` etc., one data sheet), as read by
K. Reyes' ``mrio-processing`` (``pd.read_excel(skiprows=5, header=[0, 1])``):

* a few title rows (table name, "72 economies, at current prices", "In millions of US$"), a row of sector
  and final-demand descriptions, then two header rows: **economy codes** (``AUS ... RoW``, ``ToT`` over the
  total column) and **item codes** (``c1 ... c35`` for intermediate use, ``F1 ... F5`` for final demand:
  households, NPISH, government, gross fixed capital formation, changes in inventories and valuables);
* data rows with four label columns (blank, description, economy code, sector code ``c1 ... c35``);
* total rows with economy ``ToT`` and codes ``r60`` (intermediate inputs), ``r99`` (taxes less subsidies on
  products), ``r61`` (cif/fob adjustments on exports), ``r62`` (direct purchases abroad by residents), ``r63``
  (purchases on the domestic territory by non-residents), ``r64`` (value added at basic prices), ``trs``
  (international transport margins) and ``r69`` (total input), then a footnote.

Older (legacy) workbooks put an extra row of numeric codes above the descriptions; the header rows are found
by searching for the ``c1 ...``/``F1 ...`` code row, not by fixed offsets.  Blank cells (ADB writes a space)
are zeros.  Gross output is the ``ToT`` column; primary inputs are the rows ``r99 ... trs`` (their sum is
x - Z'u).  Values in million USD.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..errors import ReaderError
from ..labels import register as register_labels
from ..tables.model import IOTable, TableMeta
from .base import Layout, numeric_block, register
from .grids import cell_grid, cell_positions, fold_final_demand, placed, placement
from .sectors import sector_labels

SECTOR_CODE = re.compile(r"^c\d+$")
FD_CODE = re.compile(r"^F\d+$")
TOTAL_ECONOMY = ("ToT", "TOT")
#: ADB final-demand codes -> canonical categories
FINAL_DEMAND = {"F1": "HFCE", "F2": "NPISH", "F3": "GGFC", "F4": "GFCF", "F5": "INVNT"}
#: total rows below the cells: r60 (sum of intermediate inputs) and r69 (total input) are totals, the others
#: are the primary inputs, renamed for the table model
PRIMARY_ROWS = {"r99": "TLS", "r61": "CIF_FOB", "r62": "PURR", "r63": "PURNR", "r64": "VA", "trs": "ITM"}
TOTAL_ROWS = ("r60", "r69")
HEADER_SEARCH_ROWS = 20
CITATION = "Asian Development Bank, Multiregional Input-Output Tables (ADB MRIO), https://kidb.adb.org/globalization"

register_labels({
    "adb.source": ("ADB Multiregional Input-Output tables", "亚洲开发银行多区域投入产出表"),
    "adb.va.TLS": ("Taxes less subsidies on products", "产品税减补贴"),
    "adb.va.CIF_FOB": ("CIF/FOB adjustments on exports", "出口到岸价/离岸价调整"),
    "adb.va.PURR": ("Direct purchases abroad by residents", "居民在国外的直接购买"),
    "adb.va.PURNR": ("Purchases on the domestic territory by non-residents", "非居民在国内的购买"),
    "adb.va.VA": ("Value added at basic prices", "基本价格增加值"),
    "adb.va.ITM": ("International transport margins", "国际运输费用"),
})


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _find_header(rows: list[tuple]) -> tuple[int, int]:
    """(code row, first sector column) of the header: the row whose cells run c1, c2, ... then F1, ..."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        codes = [_text(v) for v in row]
        first = next((j for j, c in enumerate(codes) if SECTOR_CODE.match(c)), None)
        if first is not None and first >= 3 and any(FD_CODE.match(c) for c in codes[first:]):
            return r, first
    raise ReaderError(f"no header row of item codes (c1 ... c35 followed by F1 ... F5) in the first "
                      f"{HEADER_SEARCH_ROWS} rows: this is not an ADB MRIO sheet")


def _sheet_rows(path: Path) -> tuple[str, list[tuple], int, int]:
    """Rows of the first sheet that carries the ADB header, with its code row and first sector column."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several types for damaged or non-xlsx files
        raise ReaderError(f"cannot open the workbook ({type(err).__name__}: {err})", file=str(path)) from None
    try:
        for ws in wb.worksheets:
            head = [tuple(r) for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
            try:
                code_row, first = _find_header(head)
            except ReaderError:
                continue
            return ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)], code_row, first
    finally:
        wb.close()
    raise ReaderError(f"no sheet has an ADB MRIO header (c1 ... c35 and F1 ... F5 item codes in the first "
                      f"{HEADER_SEARCH_ROWS} rows); sheets: {wb.sheetnames}", file=str(path))


def _columns(rows: list[tuple], region_row: int, code_row: int, first: int, *, file: str, sheet: str):
    """Cell columns {(economy, sector): j}, final-demand columns [(j, economy, code)] and the ToT column."""
    cell_cols, fd_cols = {}, []
    for j in range(first, len(rows[code_row])):
        econ, code = _text(rows[region_row][j]), _text(rows[code_row][j])
        if SECTOR_CODE.match(code):
            cell_cols[(econ, code)] = j
        elif FD_CODE.match(code):
            fd_cols.append((j, econ, code))
        elif econ in TOTAL_ECONOMY:
            return cell_cols, fd_cols, j
        elif econ or code:
            raise ReaderError(f"unexpected header {econ!r}/{code!r}; expected item codes c1 ... / F1 ... or the "
                              "ToT column", file=file, sheet=sheet, row=code_row + 1, column=get_column_letter(j + 1))
        else:
            break
    raise ReaderError("the gross-output column (economy code 'ToT' after the final-demand columns) is missing",
                      file=file, sheet=sheet, row=region_row + 1)


def _rows(rows: list[tuple], code_row: int, first: int, *, file: str, sheet: str):
    """Cell rows, their (economy, sector) labels, the sector descriptions and the primary-input rows."""
    code_col, region_col, name_col = first - 1, first - 2, first - 3
    cell_rows, cells, names, primary = [], [], {}, {}
    for i in range(code_row + 1, len(rows)):
        econ, code = _text(rows[i][region_col]), _text(rows[i][code_col])
        if not code:
            continue  # blank separator or the footnote
        if SECTOR_CODE.match(code) and econ not in TOTAL_ECONOMY:
            cell_rows.append(i)
            cells.append((econ, code))
            names.setdefault(code, _text(rows[i][name_col]))
        elif code in PRIMARY_ROWS:
            primary[PRIMARY_ROWS[code]] = i
        elif code not in TOTAL_ROWS:
            raise ReaderError(f"unexpected row code {code!r}; expected c1 ... cells, then "
                              f"{', '.join(list(TOTAL_ROWS[:1]) + list(PRIMARY_ROWS) + list(TOTAL_ROWS[1:]))}",
                              file=file, sheet=sheet, row=i + 1, column=get_column_letter(code_col + 1))
    return cell_rows, cells, names, primary


def read_adb_mrio(path, year: int | None = None) -> IOTable:
    """Read an ADB MRIO workbook (METHODS.md 0.2 notation; value added = rows r99 ... trs)."""
    path = Path(path)
    file = str(path)
    sheet, rows, code_row, first = _sheet_rows(path)
    width = max(len(r) for r in rows)
    rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
    region_row = code_row - 1
    cell_cols, fd_cols, total_col = _columns(rows, region_row, code_row, first, file=file, sheet=sheet)
    cell_rows, cells, names, primary = _rows(rows, code_row, first, file=file, sheet=sheet)
    if not cells:
        raise ReaderError("no data rows with sector codes c1 ... below the header", file=file, sheet=sheet)
    if "VA" not in primary:
        raise ReaderError("the value-added row (code r64) is missing below the cell rows (is the sheet truncated?)",
                          file=file, sheet=sheet)
    regions, sectors, _ = cell_grid(cells, file=file, what=f"rows of sheet {sheet!r}")
    if set(cells) != set(cell_cols):
        extra = sorted(set(cell_cols) ^ set(cells))[:5]
        raise ReaderError(f"inconsistent label counts: {len(cells)} cell rows but {len(cell_cols)} intermediate-use "
                          f"columns; cells not on both axes: {extra}", file=file, sheet=sheet)
    fd_regions = {econ for _, econ, _ in fd_cols}
    if not fd_regions <= set(regions):
        raise ReaderError(f"final demand of economies {sorted(fd_regions - set(regions))} that have no rows",
                          file=file, sheet=sheet, row=region_row + 1)

    # ---- numbers: one block from the first data row to the last used row (Excel rows = index + 1)
    top, bottom = cell_rows[0], max(cell_rows + list(primary.values()))
    labels = [f"{get_column_letter(j + 1)} ({_text(rows[region_row][j])} {_text(rows[code_row][j])})".strip()
              for j in range(first, total_col + 1)]
    block = pd.DataFrame([r[first:total_col + 1] for r in rows[top:bottom + 1]], columns=labels)
    block = block.map(lambda v: None if isinstance(v, str) and not v.strip() else v)  # ADB writes ' ' for 0
    values = np.nan_to_num(numeric_block(block, file=file, sheet=sheet, row_offset=top + 1))

    at_rows = np.asarray(cell_rows) - top
    at_cols = np.asarray([cell_cols[c] for c in cells]) - first
    G, N = len(regions), len(sectors)
    P = placement(cell_positions(cells, regions, sectors), G * N)
    Z = placed(P, values[np.ix_(at_rows, at_cols)], cols=True)
    categories = list(dict.fromkeys(FINAL_DEMAND.get(code, code) for _, _, code in fd_cols))
    Y = fold_final_demand(placed(P, values[np.ix_(at_rows, [j - first for j, _, _ in fd_cols])]),
                          [regions.index(e) for _, e, _ in fd_cols],
                          [categories.index(FINAL_DEMAND.get(c, c)) for _, _, c in fd_cols], G, len(categories))
    va_rows = tuple(primary)
    W = placed(P, values[np.ix_([primary[k] - top for k in va_rows], at_cols)], rows=False, cols=True)
    x = placed(P, values[at_rows, total_col - first])

    title = " ".join(_text(v) for r in rows[:code_row] for v in r[:2])    # title rows: text in columns A-B
    counted = re.search(r"(\d+)\s+economies", title)
    edition = f"{counted.group(1)} economies" if counted else f"{G - 1} economies"
    found_year = re.search(r"(?:19|20)\d\d", path.name) or re.search(r"(?:19|20)\d\d", title)
    file_year = int(found_year.group(0)) if found_year else None
    if year is not None and file_year is not None and year != file_year:
        raise ReaderError(f"the workbook holds the table of {file_year}, not {year}", file=file)
    notes = [f"sheet {sheet!r}"] + ([f"{G - 1} of the {edition} in this file (excerpt)"]
                                    if counted and int(counted.group(1)) != G - 1 else [])
    zh = sector_labels("adb_mrio")[2]
    return IOTable.from_arrays(
        Z, Y, x, regions=regions, sectors=sectors, fd_categories=categories, va=W, va_rows=va_rows,
        sector_names=names, sector_names_zh={s: zh[s] for s in sectors if s in zh},
        meta=TableMeta(source="ADB MRIO", edition=edition, year=year if year is not None else file_year,
                       unit="million USD", citation=CITATION, file=file, notes=tuple(notes)))


def _detect(path: Path) -> bool:
    if path.suffix.lower() != ".xlsx":
        return False
    if re.search(r"ADB[-_ ]?MRIO", path.name, flags=re.IGNORECASE):
        return True
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        head = [tuple(r) for r in wb.worksheets[0].iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
    finally:
        wb.close()
    try:
        _find_header(head)
    except ReaderError:
        return False
    return True


register(Layout("adb_mrio", "ADB Multiregional Input-Output tables (xlsx, 62/72/73 economies x 35 sectors)",
                _detect, read_adb_mrio))
