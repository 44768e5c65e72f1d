"""Reader for the CEADs China multi-regional input-output tables (31 provinces x 42 sectors, 10,000 CNY).

CEADs (Carbon Emission Accounts and Datasets) distributes the provincial MRIO tables for 2012, 2015, 2017 (Zheng
et al. 2021, Sci. Data 8:244) and later years as Excel workbooks, one sheet per table (``Table_2017``,
``Table_2017_English Version`` ...).  Layout (as read by public code that loads these workbooks, and the structure
table of Mi et al. 2018, Sci. Data 5:180155): a title row; a row naming the province of each block of columns
(once per block); a row of sector and final-use names; a row of sector codes; then the province-sector rows with
province (first row of its block), sector name and code in columns A-C.  Columns: G x 42 intermediate uses, five
final uses per province (rural and urban household consumption, government consumption, fixed capital formation,
inventory increase), exports, an "Other" (balancing error) column and total output; rows below: imports, total
intermediate input, the value-added rows (compensation of employees, net taxes on production, depreciation of
fixed capital, operating surplus), total value added and total input.  Labels are read in English or Chinese.

The table is a national MRIO without a world model (METHODS.md 4.3): regions are provinces with
``nations = {province: "CHN"}``, exports form the ``exports`` vector and imports the non-competitive ``Zm``/``Ym``
blocks (42 products x n).  Imports come in one of two forms:

* one aggregate import row (imports by using column, not by product): the product split is taken from a national
  non-competitive table with the same sectors, ``import_structure`` (e.g. the NBS 42-sector table of the year):
  each column's imports are shared out like the national imported inputs of its sector (final use: like the
  national imported final use), and the assumption is recorded in ``meta.notes``;
* an import column (competitive form, each province's imports in its own rows): converted by import
  proportionality, METHODS.md 1.7 generalised to regions (:func:`dualcirc.tables.competitive.to_noncompetitive`).

The "Other" column becomes the DISC final-use category of the row's own province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from .. import labels
from ..errors import InputError, OptionError, ReaderError
from ..tables.competitive import CompetitiveTable, to_noncompetitive
from ..tables.model import DISC, IOTable, TableMeta
from .base import Layout, label_of, numbers_at, register
from .files import sheet_names, workbook_grid, year_in
from .grids import cell_grid
from .sectors import sector_labels

UNIT = "10,000 CNY (万元)"
NATION = "CHN"
CITATION = ("Zheng, H., Bai, Y., Wei, W., Meng, J., Zhang, Z., Song, M. and Guan, D. (2021), Chinese provincial "
            "multi-regional input-output database for 2012, 2015, and 2017, Scientific Data 8: 244; CEADs, "
            "https://www.ceads.net.cn")
NAMES_FROM = "china_nbs_2017_42"        # the NBS 42-sector list whose codes the CEADs tables use
#: final-use columns: words in the column name -> category (households split or summed, see read_ceads)
FINAL_USE_WORDS = (("rural", "HFCE_RURAL"), ("农村", "HFCE_RURAL"), ("urban", "HFCE_URBAN"), ("城镇", "HFCE_URBAN"),
                   ("government", "GGFC"), ("政府", "GGFC"), ("fixedcapital", "GFCF"), ("固定资本", "GFCF"),
                   ("inventor", "INVNT"), ("存货", "INVNT"))
#: columns after the provinces' blocks, by words in their label (checked in this order)
TRAILING_WORDS = (("totaloutput", "output"), ("总产出", "output"), ("总出", "output"), ("import", "import"),
                  ("进口", "import"), ("export", "export"), ("出口", "export"), ("other", "other"),
                  ("error", "other"), ("其他", "other"), ("误差", "other"))
#: rows below the province-sector block, by words in their label
ROW_WORDS = (("import", "import"), ("进口", "import"), ("compensation", "COMP"), ("劳动者报酬", "COMP"),
             ("nettaxes", "NTP"), ("生产税净额", "NTP"), ("depreciation", "DEP"), ("折旧", "DEP"),
             ("operatingsurplus", "OS"), ("营业盈余", "OS"), ("total", "total"), ("合计", "total"),
             ("总投入", "total"))
VA_ROWS = ("COMP", "NTP", "DEP", "OS")
_SEARCH_ROWS = 12

labels.register({
    "ceads.HFCE_RURAL": ("Rural household consumption", "农村居民消费"),
    "ceads.HFCE_URBAN": ("Urban household consumption", "城镇居民消费"),
    "ceads.COMP": ("Compensation of employees", "劳动者报酬"),
    "ceads.NTP": ("Net taxes on production", "生产税净额"),
    "ceads.DEP": ("Depreciation of fixed capital", "固定资产折旧"),
    "ceads.OS": ("Operating surplus", "营业盈余"),
})


def _words(text) -> str:
    return re.sub(r"[\s\-_/()（）]+", "", label_of(text).lower())


def _match(text, table) -> str | None:
    words = _words(text)
    return next((kind for word, kind in table if word in words), None) if words else None


@dataclass
class _Sheet:
    """The parsed structure of a CEADs sheet: which grid rows and columns hold what."""

    name: str
    grid: pd.DataFrame
    first_data: int
    cells: list[tuple[str, str]] = field(default_factory=list)       # (province, sector) of each data row
    data_rows: list[int] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)              # sector code -> name in the sheet
    import_rows: list[int] = field(default_factory=list)             # the aggregate import row
    special_rows: dict[str, int] = field(default_factory=dict)       # COMP ... OS -> grid row
    inter_cols: list[int] = field(default_factory=list)
    inter_cells: list[tuple[str, str]] = field(default_factory=list)
    final_cols: list[tuple[int, str, str]] = field(default_factory=list)   # (grid column, province, category)
    trailing: dict[str, int] = field(default_factory=dict)           # export / import / other / output -> column


def read_ceads(path, *, sheet: str | None = None, year: int | None = None, import_structure: IOTable | None = None,
               households: str = "total", include_discrepancy: bool = True) -> IOTable:
    """Read one CEADs MRIO sheet as a national MRIO (see the module docstring for the import forms)."""
    if households not in ("total", "rural_urban"):
        raise OptionError(f"households must be 'total' or 'rural_urban', not {households!r}")
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise ReaderError("no such file or directory", file=file)
    name, grid = workbook_grid(path, sheet if sheet is not None else _table_sheet(path))
    parsed = _parse(grid, name, file)
    year = year if year is not None else year_in(name) or year_in(label_of(grid.iat[0, 0])) or year_in(path.name)
    return _build(parsed, file=file, year=year, import_structure=import_structure, households=households,
                  include_discrepancy=include_discrepancy)


# ---------------------------------------------------------------------------------------------- structure
def _table_sheet(path: Path) -> str | None:
    """The first sheet whose name starts with 'Table' (the CEADs naming), else None for the first sheet."""
    return next((n for n in sheet_names(path) if n.lower().startswith("table")), None)


def _parse(grid: pd.DataFrame, name: str, file: str) -> _Sheet:
    cells = grid.map(label_of)
    first = next((r for r in range(3, min(_SEARCH_ROWS, len(grid)))
                  if cells.iat[r, 2] and isinstance(grid.iat[r, 3], (int, float)) and cells.iat[r, 0]), None)
    if first is None:
        raise ReaderError("expected the first province-sector row (province, sector name and code in columns A-C, "
                          f"values from column D) within the first {_SEARCH_ROWS} rows, below three header rows",
                          file=file, sheet=name)
    sheet = _Sheet(name, grid, first)
    _parse_rows(sheet, cells, file)
    _parse_columns(sheet, cells, file)
    return sheet


def _parse_rows(sheet: _Sheet, cells: pd.DataFrame, file: str) -> None:
    """Province-sector rows (a province label opens each block), the import row and the value-added rows."""
    region = None
    for r in range(sheet.first_data, len(cells)):
        label, text, code = cells.iat[r, 0], cells.iat[r, 1], cells.iat[r, 2]
        kind = _match(label or text, ROW_WORDS) if (label or text) and (label or not code) else None
        if code and kind is None:
            region = label or region
            sheet.cells.append((region, code))
            sheet.data_rows.append(r)
            sheet.names.setdefault(code, text)
        elif kind == "import":
            sheet.import_rows.append(r)
        elif kind in VA_ROWS:
            sheet.special_rows[kind] = r
    if not sheet.cells:
        raise ReaderError("expected province-sector rows (province in column A, sector code in column C)",
                          file=file, sheet=sheet.name)
    missing = [k for k in VA_ROWS if k not in sheet.special_rows]
    if missing:
        raise ReaderError(f"expected the value-added rows {list(VA_ROWS)} below the province-sector rows "
                          f"(compensation of employees / 劳动者报酬 ...); missing {missing}", file=file,
                          sheet=sheet.name, column="A")


def _parse_columns(sheet: _Sheet, cells: pd.DataFrame, file: str) -> None:
    """Intermediate columns (coded), final-use columns (named, per province block) and the trailing columns."""
    region_row, name_row, code_row = sheet.first_data - 3, sheet.first_data - 2, sheet.first_data - 1
    region = None
    for c in range(3, cells.shape[1]):
        top, item, code = cells.iat[region_row, c], cells.iat[name_row, c], cells.iat[code_row, c]
        category = None if code else _match(item, FINAL_USE_WORDS)
        if code or category is not None:
            region = top or region
            if code:
                sheet.inter_cols.append(c)
                sheet.inter_cells.append((region, code))
            else:
                sheet.final_cols.append((c, region, category))
            continue
        trailing = _match(top or item, TRAILING_WORDS)
        if trailing is not None:
            sheet.trailing.setdefault(trailing, c)
    for needed in ("export", "output"):
        if needed not in sheet.trailing:
            raise ReaderError(f"expected a column for {needed}s (Export / 出口, Total output / 总产出) after the "
                              "final-use columns", file=file, sheet=sheet.name)


# ---------------------------------------------------------------------------------------------- table
def _build(sheet: _Sheet, *, file, year, import_structure, households, include_discrepancy) -> IOTable:
    regions, sectors, _ = cell_grid(sheet.cells, file=file, what="province-sector rows")
    if sheet.inter_cells:          # the header's first column block gives the sector order rows must follow
        sectors = [code for region, code in sheet.inter_cells if region == sheet.inter_cells[0][0]]
    G, N = len(regions), len(sectors)
    expected = [(r, s) for r in regions for s in sectors]
    if sheet.cells != expected:
        k = next(k for k, (a, b) in enumerate(zip(sheet.cells, expected)) if a != b)
        raise ReaderError(f"rows must list every province's sectors in the same order: expected {expected[k]}, "
                          f"found {sheet.cells[k]}", file=file, sheet=sheet.name, row=sheet.data_rows[k] + 1)
    if sheet.inter_cells != expected:
        k = next((k for k, (a, b) in enumerate(zip(sheet.inter_cells, expected)) if a != b), len(sheet.inter_cells))
        found = sheet.inter_cells[k] if k < len(sheet.inter_cells) else "no column"
        raise ReaderError(f"the intermediate-use columns must match the rows (province x sector): expected "
                          f"{expected[min(k, len(expected) - 1)]}, found {found}", file=file, sheet=sheet.name,
                          column=_letter(sheet.inter_cols[k]) if k < len(sheet.inter_cols) else None)
    categories = ["HFCE_RURAL", "HFCE_URBAN"] if households == "rural_urban" else ["HFCE"]
    categories += ["GGFC", "GFCF", "INVNT"]
    if "other" in sheet.trailing:
        categories.append(DISC)
    region_at, cat_at = {r: k for k, r in enumerate(regions)}, {c: k for k, c in enumerate(categories)}
    for c, region, category in sheet.final_cols:
        if region not in region_at:
            raise ReaderError(f"final-use column for unknown province {region!r}; provinces are {regions}",
                              file=file, sheet=sheet.name, column=_letter(c))

    def block(rows: list[int], cols: list[int], what: str) -> np.ndarray:
        frame = sheet.grid.iloc[rows, cols]
        frame.columns = [_letter(c) for c in cols]
        return numbers_at(frame, [r + 1 for r in rows], file=file, sheet=sheet.name, what=what)

    def final_use(rows: list[int], what: str) -> np.ndarray:
        values = block(rows, [c for c, _, _ in sheet.final_cols], what)
        out = np.zeros((len(rows), G, len(categories)))
        for k, (_, region, category) in enumerate(sheet.final_cols):
            cat = category if households == "rural_urban" or not category.startswith("HFCE") else "HFCE"
            out[:, region_at[region], cat_at[cat]] += values[:, k]
        return out

    rows = sheet.data_rows
    Z = block(rows, sheet.inter_cols, "intermediate block")
    Y = final_use(rows, "final-use block")
    trailing = {k: block(rows, [c], f"column {k}")[:, 0] for k, c in sheet.trailing.items()}
    if "other" in trailing:
        Y[np.arange(G * N), np.repeat(np.arange(G), N), cat_at[DISC]] += trailing["other"]
    W = np.vstack([block([sheet.special_rows[k]], sheet.inter_cols, f"row {k}") for k in VA_ROWS])
    english, chinese = _names(sheet, sectors)
    nations = {r: NATION for r in regions}
    meta = TableMeta(source="CEADs", edition=f"China multi-regional IO table ({G} provinces x {N} sectors)",
                     year=year, unit=UNIT, citation=CITATION, file=file, notes=(f"sheet {sheet.name}",))
    common = dict(regions=tuple(regions), sectors=tuple(sectors), fd_categories=tuple(categories), va_rows=VA_ROWS,
                  nations=nations, sector_names=english, sector_names_zh=chinese)
    x = trailing["output"]

    if "import" in trailing:                                   # competitive form: METHODS.md 1.7 per row cell
        imports = trailing["import"]
        imports = -imports if imports.sum() < 0 else imports
        table = CompetitiveTable(Z=Z, F=Y, exports=trailing["export"], imports=imports, W=W, x=x, meta=meta,
                                 discrepancy=DISC if DISC in categories else None, **common)
        return to_noncompetitive(table, include_discrepancy=include_discrepancy)
    if len(sheet.import_rows) != 1:
        raise ReaderError(f"expected one import row (Import / 进口) below the province-sector rows, or an import "
                          f"column; found {len(sheet.import_rows)} import rows", file=file, sheet=sheet.name)
    Zm, Ym, note = _split_imports(block(sheet.import_rows, sheet.inter_cols, "import row")[0],
                                  final_use(sheet.import_rows, "import row")[0], sectors, import_structure, file=file)
    meta = replace(meta, notes=meta.notes + (note,))
    return IOTable.from_arrays(Z, Y, x, va=W, exports=trailing["export"], Zm=Zm, Ym=Ym, meta=meta, **common)


def _split_imports(row: np.ndarray, final_row: np.ndarray, sectors, structure: IOTable | None, *,
                   file) -> tuple[np.ndarray, np.ndarray, str]:
    """Share one aggregate import row out by product with a national table's import structure (module docstring)."""
    if structure is None:
        raise ReaderError("the sheet has one aggregate import row (imports by using column, not by product); pass "
                          "import_structure=<a national non-competitive table with the same sectors>, e.g. "
                          "read_nbs('china_2017_42_noncompetitive.csv.gz'), to split it by product", file=file)
    if structure.Zm is None or structure.G != 1 or tuple(structure.sectors) != tuple(sectors):
        raise InputError(f"import_structure must be a national non-competitive table with the sectors "
                         f"{sectors[0]} ... {sectors[-1]} ({len(sectors)}); got {structure!r}")
    imported = structure.Zm.sum(0)
    by_column = row.reshape(-1, len(sectors))                       # G x N: imports of each province's sectors
    unshared = by_column[:, imported <= 0].sum()
    if unshared:
        raise InputError(f"import_structure has no imported inputs for some sectors that import here "
                         f"({unshared:,.0f} {UNIT}); use a national table of the same year")
    shares = structure.Zm / np.where(imported > 0, imported, 1.0)[None, :]
    Zm = (shares[:, None, :] * by_column[None, :, :]).reshape(len(sectors), row.size)
    final = structure.Ym.sum((1, 2))
    Ym = (final / final.sum())[:, None, None] * final_row[None, :, :]
    note = (f"imports by product estimated: the aggregate import row is shared out like the imported inputs (and "
            f"imported final use) of the national table {structure.meta.label()} (METHODS.md 4.3)")
    return Zm, Ym, note


def _names(sheet: _Sheet, sectors: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """English and Chinese sector names: the sheet's own in its language, the other from the NBS 42-sector list."""
    codes, english, chinese = sector_labels(NAMES_FROM)
    own = {s: sheet.names.get(s, "") for s in sectors}
    sheet_is_chinese = any(re.search(r"[\u4e00-\u9fff]", v) for v in own.values())
    listed = (english if sheet_is_chinese else chinese) if set(sectors) <= set(codes) else {}
    other = {s: listed[s] for s in sectors if s in listed}
    return (other, own) if sheet_is_chinese else (own, other)


def _letter(col: int) -> str:
    return get_column_letter(col + 1)


def _detect(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm") and _table_sheet(path) is not None


register(Layout("ceads", "CEADs China provincial MRIO workbook (sheet Table_YYYY[_English Version]: provinces x 42 "
                "sectors, 10,000 CNY) as a national MRIO with nations = {province: CHN}", _detect, read_ceads))
