"""Readers for the World Input-Output Database (WIOD), as the publisher and its users ship the files.

Layouts (each returns an :class:`~dualcirc.tables.IOTable`; METHODS.md 0.2 and 0.6; Timmer et al. 2015):

* ``wiod2013``: world tables of the 2013 release (41 regions x 35 sectors, 1995-2011, million USD), either the
  publisher's workbook ``WIOTyy_ROW_Apr12.xlsx`` (``_Sep12`` for 2008-2011) or the "wide" Parquet table of the
  R package ``wiod`` (``wiot_YYYY.parquet``: row index (country, sector), columns ``CCC|cNN``, ``CCC|CONS_h`` ...
  ``CCC|INVEN``, ``GO``; values rounded to whole millions, no value-added rows).
* ``wiod2016``: world tables of the 2016 release (44 regions x 56 sectors, 2000-2014), either the workbook
  ``WIOTyyyy_Nov16_ROW.xlsx`` or the data frame ``wiot`` of ``WIOTyyyy_October16_ROW.RData`` saved as CSV or
  Parquet (columns ``IndustryCode, IndustryDescription, Country, RNr, Year, AUS1 ... ROW61, TOT``).
* ``wiod2016_niot``: national IO tables of the 2016 release (``CCC_NIOT_nov16.xlsx``, sheet "National
  IO-tables", or a stacked panel of them with a ``Country`` column) as non-competitive national tables: domestic
  ``Z``, imported intermediates ``Zm``, imported final use ``Ym`` and ``exports`` (METHODS.md 1.7, 4.3).

Workbooks share one structure: four header rows (codes, descriptions, countries, column numbers ``c1 ...``) above
the country-sector rows, whose columns A-D hold code, description, country and row number; then the rows
``II_fob, TXSP, EXP_adj, PURR, PURNR, VA, IntTTM, GO`` (recognised by code or description). The primary-input
rows TXSP ... IntTTM become the table's ``W`` so that columns balance. Region codes follow ISO 3166 alpha-3 with
ROW for the rest of the world (the 2013 release writes ROM for Romania and RoW).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .. import labels
from ..errors import ReaderError
from ..tables.model import IOTable, TableMeta
from .base import Layout, label_of, numbers, register, require_columns
from .files import frame_columns, read_frame, workbook_grid
from .grids import cell_labels, check_region_order, check_sector_order
from .sectors import sector_names

UNIT = "million USD"
CITATION = ("Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and de Vries, G. J. (2015), An Illustrated "
            "User Guide to the World Input-Output Database: the Case of Global Automotive Production, "
            "Review of International Economics 23: 575-605")

#: the publisher's final-use codes and the canonical categories they map to (tables.model.FD_CATEGORIES)
FD_CODES = {"CONS_h": "HFCE", "CONS_np": "NPISH", "CONS_g": "GGFC", "GFCF": "GFCF", "INVEN": "INVNT"}
FD_ORDER = tuple(FD_CODES.values())
#: words that identify a final-use column by its description (NPISH first: its text also says "households")
_FD_WORDS = (("nonprofit", "NPISH"), ("npish", "NPISH"), ("household", "HFCE"), ("government", "GGFC"),
             ("fixedcapital", "GFCF"), ("inventor", "INVNT"))

#: rows below the country-sector block: code -> (English, Chinese)
FOOTER_ROWS = {
    "II_fob": ("Total intermediate consumption", "中间投入合计"),
    "TXSP": ("Taxes less subsidies on products", "产品税减补贴"),
    "EXP_adj": ("Cif/fob adjustments on exports", "出口到岸价/离岸价调整"),
    "PURR": ("Direct purchases abroad by residents", "居民在国外的直接购买"),
    "PURNR": ("Purchases on the domestic territory by non-residents", "非居民在国内的购买"),
    "VA": ("Value added at basic prices", "基本价格增加值"),
    "IntTTM": ("International transport margins", "国际运输费用"),
    "GO": ("Output at basic prices", "基本价格总产出"),
}
#: the footer rows that are primary inputs (together with Z they close the columns at GO)
PRIMARY_INPUTS = ("TXSP", "EXP_adj", "PURR", "PURNR", "VA", "IntTTM")
REGION_CODES = {"ROM": "ROU", "RoW": "ROW", "xROW": "ROW"}

labels.register({f"wiod.{code}": names for code, names in FOOTER_ROWS.items()})

#: The wide tables of the R package ``wiod`` are rounded to whole millions, so every entry is off by up to 0.5:
#: a zero-output cell whose few rounded entries truly cancel sums to a few units (at most 2 in 1995-2011).
#: 5 million USD allows ten such entries; a larger sum is a real inconsistency (METHODS.md 0.6-3).
WIDE_TOL_ZERO = 5.0

_HEADER_SEARCH_ROWS = 10          # the column-number row of a workbook lies within the first rows
_FIRST_VALUE_COLUMN = 4           # columns A-D of a workbook are labels
_COLUMN_NUMBER = re.compile(r"^c(\d+)$")
_YEAR_IN_NAME = re.compile(r"(?i)wiot_?(\d{4}|\d{2})(?!\d)")


# ---------------------------------------------------------------------------------------------- labels
def region_code(code) -> str:
    """The region code used by dualcirc: ISO alpha-3, ROW for the rest of the world."""
    code = label_of(code)
    return REGION_CODES.get(code, code)


def region_notes(raw_regions) -> list[str]:
    """A note for the table metadata when region codes were renamed (ROM -> ROU, RoW -> ROW)."""
    renamed = sorted({r for r in raw_regions if r in REGION_CODES})
    return [f"region codes renamed: {', '.join(f'{r} -> {REGION_CODES[r]}' for r in renamed)}"] if renamed else []


def _letters(text) -> str:
    """Lower-case letters only, to compare descriptions: 'Cif/ fob adjustments' -> 'ciffobadjustments'."""
    return re.sub(r"[^a-z]", "", label_of(text).lower())


_FOOTER_BY_TEXT = {_letters(en): code for code, (en, _) in FOOTER_ROWS.items()}


def footer_code(code, description) -> str | None:
    """The footer row a row label names (by its code, else by its description), or None."""
    code = label_of(code)
    return code if code in FOOTER_ROWS else _FOOTER_BY_TEXT.get(_letters(description))


def final_use_category(code, description) -> str | None:
    """The canonical final-demand category of a final-use column (by its code, else its description)."""
    code = label_of(code)
    if code in FD_CODES:
        return FD_CODES[code]
    text = _letters(description)
    return next((cat for word, cat in _FD_WORDS if word in text), None)


# ---------------------------------------------------------------------------------------------- years
def resolve_year(year: int | None, found: int | None, *, first: int, last: int, what: str, file) -> int:
    """The table year: ``year`` if given (it must agree with ``found``, the year the file names), else ``found``."""
    if year is None:
        if found is None:
            raise ReaderError("the year is not in the file name or title; pass year=...", file=file)
        year = found
    elif found is not None and int(year) != found:
        raise ReaderError(f"the file holds the table for {found}, not year={year}", file=file)
    if not first <= int(year) <= last:
        raise ReaderError(f"unknown year {year}: the {what} covers {first}-{last}", file=file)
    return int(year)


def _year_in_title(title: str) -> int | None:
    """The year a workbook's title cell ends with ('World Input-Output Table 2011')."""
    match = re.search(r"(19[5-9]\d|20\d\d)\W*$", title)
    return int(match.group(1)) if match else None


def _year_in_name(name: str) -> int | None:
    match = _YEAR_IN_NAME.search(name)
    if match is None:
        return None
    digits = match.group(1)
    return int(digits) if len(digits) == 4 else (1900 if int(digits) >= 50 else 2000) + int(digits)


def table_meta(edition: str, year: int, path: Path, notes=(), *, source="WIOD", citation=CITATION) -> TableMeta:
    """Provenance of a table read from ``path`` (unit million USD)."""
    return TableMeta(source=source, edition=edition, year=year, unit=UNIT, citation=citation, file=str(path),
                     notes=tuple(notes))


# ---------------------------------------------------------------------------------------------- world tables
@dataclass(frozen=True)
class WorldParts:
    """The arrays of a world table as read from a file, before the checks of IOTable.from_arrays."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    Z: np.ndarray
    Y: np.ndarray                 # n x G x C in the order of fd_categories
    x: np.ndarray
    W: np.ndarray | None = None   # primary-input rows, when the file has them
    va_rows: tuple[str, ...] | None = None
    fd_categories: tuple[str, ...] = FD_ORDER

    def table(self, *, classification: str, meta: TableMeta, file, tol_zero: float | None = None) -> IOTable:
        """The checked IOTable (METHODS.md 0.6) with sector names from ``readers/labels``."""
        english, chinese = sector_names(classification, self.sectors, file=file)
        return IOTable.from_arrays(self.Z, self.Y, self.x, regions=self.regions, sectors=self.sectors,
                                   fd_categories=self.fd_categories, va=self.W, va_rows=self.va_rows, meta=meta,
                                   sector_names=english, sector_names_zh=chinese, tol_zero=tol_zero)


@dataclass(frozen=True)
class _WorkbookColumns:
    """What the header rows of a world-table workbook say about its value columns (from column E)."""

    header_row: int               # 0-based row of the column numbers c1, c2, ...
    regions_raw: tuple[str, ...]  # as written (ROM, RoW)
    N: int
    final_use: tuple[np.ndarray, np.ndarray]  # destination region and category of each final-use column
    names: tuple[str, ...]        # 'F (CHN|c2)' for messages


def _workbook_columns(grid: pd.DataFrame, *, file, sheet) -> _WorkbookColumns:
    """Intermediate-use blocks c1 ... cN per region, five final-use columns per region, total output last."""
    num_row = next((r for r in range(3, min(_HEADER_SEARCH_ROWS, len(grid)))
                    if _COLUMN_NUMBER.match(label_of(grid.iat[r, _FIRST_VALUE_COLUMN]))), None)
    if num_row is None:
        raise ReaderError("expected the WIOD header: rows of codes, descriptions and countries above a row of "
                          "column numbers (c1, c2, ...) starting in column E within the first "
                          f"{_HEADER_SEARCH_ROWS} rows", file=file, sheet=sheet, column="E")
    col_codes, col_desc, col_country, col_num = \
        grid.iloc[num_row - 3:num_row + 1, _FIRST_VALUE_COLUMN:].map(label_of).to_numpy()
    colnums = [int(m.group(1)) if (m := _COLUMN_NUMBER.match(v)) else None for v in col_num]

    def letter(j: int) -> str:
        return get_column_letter(_FIRST_VALUE_COLUMN + j + 1)

    def intermediate(j: int) -> bool:  # final-use columns are numbered above N
        return j < len(colnums) and colnums[j] is not None and colnums[j] <= N

    N = next((j for j, country in enumerate(col_country) if country != col_country[0]), len(col_country))
    regions_raw: list[str] = []
    while intermediate(j := len(regions_raw) * N):
        for i in range(N):
            if j + i >= len(colnums) or colnums[j + i] != i + 1 or col_country[j + i] != col_country[j]:
                found = f"{col_country[j + i]!r} {col_num[j + i]!r}" if j + i < len(colnums) else "the last column"
                raise ReaderError(f"expected intermediate-use column c{i + 1} of {col_country[j]}, found {found}",
                                  file=file, sheet=sheet, row=num_row + 1, column=letter(j + i))
        regions_raw.append(col_country[j])
    regions = [region_code(r) for r in regions_raw]
    G, n, last = len(regions), len(regions) * N, len(colnums) - 1
    if G == 0 or len(set(regions)) != G:
        raise ReaderError(f"expected one block of intermediate-use columns per region, found {regions_raw}",
                          file=file, sheet=sheet, row=num_row, column="E")
    if last <= n or not (col_codes[last] == "GO" or col_num[last] == "c62" or "output" in _letters(col_desc[last])):
        raise ReaderError("expected the total-output column (GO, c62) after the final-use columns", file=file,
                          sheet=sheet, row=num_row + 1, column=letter(max(last, n)))
    dest, cat = [], []
    for j in range(n, last):
        category, region = final_use_category(col_codes[j], col_desc[j]), region_code(col_country[j])
        if category is None or region not in regions:
            raise ReaderError(f"unrecognised final-use column {col_country[j]!r} / {col_desc[j]!r}; expected a "
                              f"region of the table and one of {', '.join(FD_CODES)}", file=file, sheet=sheet,
                              row=num_row - 1, column=letter(j))
        dest.append(regions.index(region))
        cat.append(FD_ORDER.index(category))
    if sorted(zip(dest, cat)) != [(g, c) for g in range(G) for c in range(len(FD_ORDER))]:
        raise ReaderError(f"expected each region's five final-use columns ({', '.join(FD_CODES)}) once; found "
                          f"{last - n} final-use columns for {G} regions", file=file, sheet=sheet, row=num_row - 1)
    names = tuple(f"{letter(j)} ({col_country[j]}|{col_num[j]})" for j in range(len(colnums)))
    return _WorkbookColumns(num_row, tuple(regions_raw), N, (np.array(dest), np.array(cat)), names)


def _parse_world_workbook(path: Path, *, sectors_from: str) -> tuple[WorldParts, str, list[str]]:
    """A WIOD world-table workbook (2013 or 2016 release) -> arrays, the title in cell A1 and notes.

    ``sectors_from`` is ``'colnum'`` (2013: sectors are the column numbers c1 ... c35) or ``'code'`` (2016: the
    codes A01 ... U in column A).
    """
    file = str(path)
    sheet, grid = workbook_grid(path)
    filled = np.flatnonzero(grid.notna().any(axis=0).to_numpy())
    width = int(filled[-1]) + 1 if filled.size else 0
    if width <= _FIRST_VALUE_COLUMN:
        raise ReaderError("expected a WIOD world table: label columns A-D, then value columns from E; the sheet "
                          f"has {width} column(s)", file=file, sheet=sheet)
    grid = grid.iloc[:, :width]
    cols = _workbook_columns(grid, file=file, sheet=sheet)
    regions = tuple(region_code(r) for r in cols.regions_raw)
    G, N = len(regions), cols.N
    n = G * N

    # the country-sector rows (labels in columns A-D), then the footer rows
    first = cols.header_row + 1
    body = grid.iloc[first:first + n]
    check_region_order(body[2].map(region_code).tolist(), regions, N, file=file, sheet=sheet,
                       first_row=first + 1, column="C")
    codes = check_sector_order(body[0].map(label_of).tolist(), regions, N, file=file, sheet=sheet,
                               first_row=first + 1, column="A")
    sectors = tuple(f"c{i + 1}" for i in range(N)) if sectors_from == "colnum" else codes
    values = numbers(body.iloc[:, _FIRST_VALUE_COLUMN:].set_axis(cols.names, axis=1), file=file, sheet=sheet,
                     first_row=first + 1, what="country-sector rows")
    footer: dict[str, int] = {}
    for r in range(first + n, len(grid)):
        if grid.iloc[r, :_FIRST_VALUE_COLUMN + 1].isna().all():
            continue
        code = footer_code(grid.iat[r, 0], grid.iat[r, 1])
        if code is None:
            raise ReaderError(f"unrecognised row {label_of(grid.iat[r, 0])!r} / {label_of(grid.iat[r, 1])!r} "
                              f"below the country-sector rows; expected {', '.join(FOOTER_ROWS)}",
                              file=file, sheet=sheet, row=r + 1, column="A")
        footer[code] = r
    if "VA" not in footer:
        raise ReaderError(f"expected the row VA ({FOOTER_ROWS['VA'][0]}) below the {n} country-sector rows; "
                          "the file may be truncated", file=file, sheet=sheet, row=first + n + 1)
    va_rows = tuple(code for code in PRIMARY_INPUTS if code in footer)
    W = np.vstack([numbers(grid.iloc[[footer[code]], _FIRST_VALUE_COLUMN:_FIRST_VALUE_COLUMN + n]
                           .set_axis(cols.names[:n], axis=1), file=file, sheet=sheet, first_row=footer[code] + 1,
                           what=f"row {code}") for code in va_rows])
    Y = np.zeros((n, G, len(FD_ORDER)))
    Y[:, cols.final_use[0], cols.final_use[1]] = values[:, n:-1]
    parts = WorldParts(regions, sectors, values[:, :n], Y, values[:, -1], W, va_rows)
    return parts, label_of(grid.iat[0, 0]), ["publisher's workbook layout", *region_notes(cols.regions_raw)]


# ---------------------------------------------------------------------------------------------- WIOD 2013
def read_wiod2013(path, year: int | None = None) -> IOTable:
    """A WIOD 2013-release world table (41 regions x 35 sectors) from the publisher's workbook or the wide Parquet.

    ``year`` defaults to the one in the file name (``wiot_2011.parquet``, ``WIOT11_ROW_Apr12.xlsx``).
    Timmer et al. (2015); METHODS.md 0.2 and 0.6.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _read_wiod2013_wide(path, year)
    if suffix in (".xlsx", ".xlsm"):
        parts, title, notes = _parse_world_workbook(path, sectors_from="colnum")
        found = _year_in_name(path.name) or _year_in_title(title)
        year = resolve_year(year, found, first=1995, last=2011, what="WIOD 2013 release", file=str(path))
        return parts.table(classification="wiod2013", meta=table_meta("2013 release", year, path, notes),
                           file=str(path))
    raise ReaderError("expected the publisher's workbook (.xlsx) or the wide table (.parquet) of the WIOD 2013 "
                      "release", file=str(path))


def _read_wiod2013_wide(path: Path, year: int | None) -> IOTable:
    """The wide layout of the R package ``wiod``: VA is GO minus intermediate inputs (PROVENANCE.md section 0)."""
    file = str(path)
    year = resolve_year(year, _year_in_name(path.name), first=1995, last=2011, what="WIOD 2013 release",
                        file=file)
    try:
        data = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise ReaderError(f"cannot be read as Parquet (truncated, or another format): {exc}", file=file) from exc
    for label in ("country", "sector", "GO"):
        if label not in data.column_names:
            raise ReaderError(f"expected the column {label!r} of the WIOD wide layout (row labels country, sector; "
                              f"columns CCC|cNN, CCC|CONS_h ... CCC|INVEN, GO); found {data.column_names[:6]} ...",
                              file=file, column=label)
    regions_raw, sectors = cell_labels(data.column("country").to_pylist(), data.column("sector").to_pylist(),
                                       file=file, first_row=1, columns=("country", "sector"))
    regions = tuple(region_code(r) for r in regions_raw)
    intermediate = [f"{r}|{s}" for r in regions_raw for s in sectors]
    final = [f"{r}|{code}" for r in regions_raw for code in FD_CODES]
    expected = intermediate + final + ["GO"]
    present = set(data.column_names)
    missing = [c for c in expected if c not in present]
    if missing:
        raise ReaderError(f"expected column(s) {missing[:6]} of the WIOD wide layout are missing", file=file,
                          column=missing[0])
    extra = sorted(present - set(expected) - {"country", "sector"})
    if extra:
        raise ReaderError(f"unexpected column(s) {extra[:6]}; the wide layout has CCC|cNN, CCC|CONS_h ... "
                          "CCC|INVEN and GO only", file=file, column=extra[0])
    values = np.column_stack([_parquet_numbers(data, c, file=file) for c in expected])
    n, G = len(intermediate), len(regions)
    Y = values[:, n:n + len(final)].reshape(n, G, len(FD_ORDER))
    parts = WorldParts(regions, sectors, values[:, :n], Y, values[:, -1])
    notes = ["wide layout of the R package wiod (values rounded to whole millions); value added = GO - "
             "intermediate inputs, including net taxes on products and international transport margins",
             *region_notes(regions_raw)]
    return parts.table(classification="wiod2013", meta=table_meta("2013 release", year, path, notes), file=file,
                       tol_zero=WIDE_TOL_ZERO)


def _parquet_numbers(data: pa.Table, column: str, *, file) -> np.ndarray:
    """One Parquet column as floats; a null or non-numeric cell is a ReaderError naming its row."""
    values = data.column(column)
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        if values.null_count:
            row = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0])
            raise ReaderError("empty (null) cell; expected a number", file=file, row=row + 1, column=column)
        return values.to_numpy(zero_copy_only=False).astype(float)
    return numbers(pd.DataFrame({column: values.to_pandas()}), file=file, first_row=1, what="values")[:, 0]


def _workbook_first_code(path: Path) -> str | None:
    """The code above column number c1 in cell E of a world-table workbook ('AtB' 2013, 'A01' 2016), or None."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    book = load_workbook(path, read_only=True)
    try:
        column_e = [label_of(row[0]) for row in book.worksheets[0].iter_rows(
            min_row=1, max_row=_HEADER_SEARCH_ROWS, min_col=_FIRST_VALUE_COLUMN + 1,
            max_col=_FIRST_VALUE_COLUMN + 1, values_only=True)]
    finally:
        book.close()
    row = next((r for r in range(3, len(column_e)) if column_e[r] == "c1"), None)
    return column_e[row - 3] if row is not None else None


def _detect_wiod2013(path: Path) -> bool:
    if re.match(r"(?i)^wiot_?(\d{2}|\d{4})(_row_(apr|sep)12)?\.(xlsx|parquet)$", path.name):
        return path.suffix.lower() == ".xlsx" or "GO" in frame_columns(path)
    return _workbook_first_code(path) == "AtB"


# ---------------------------------------------------------------------------------------------- WIOD 2016 world
def read_wiod2016(path, year: int | None = None):
    """A WIOD 2016-release world table (44 regions x 56 sectors, 2000-2014).

    Reads the publisher's workbook ``WIOTyyyy_Nov16_ROW.xlsx`` or the data frame ``wiot`` of
    ``WIOTyyyy_October16_ROW.RData`` saved as CSV/Parquet (a frame holding several years returns
    ``{year: IOTable}`` when ``year`` is None). Timmer et al. (2015); METHODS.md 0.2 and 0.6.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xlsb"):
        parts, title, notes = _parse_world_workbook(path, sectors_from="code")
        found = _year_in_name(path.name) or _year_in_title(title)
        year = resolve_year(year, found, first=2000, last=2014, what="WIOD 2016 release", file=str(path))
        return parts.table(classification="wiod2016", meta=table_meta("2016 release", year, path, notes),
                           file=str(path))
    return _read_wiod2016_frame(path, year)


_RFRAME_LABELS = ("IndustryCode", "IndustryDescription", "Country", "RNr", "Year")


def _read_wiod2016_frame(path: Path, year: int | None):
    """The R data frame layout: one row per country-sector (RNr 1-56) and footer rows with Country 'TOT'."""
    file = str(path)
    frame, first_row = read_frame(path)
    require_columns(frame, [*_RFRAME_LABELS, "TOT"], file=file)
    years = sorted(int(y) for y in pd.unique(frame["Year"].dropna()))
    if not years:
        raise ReaderError("expected rows with a Year; found none", file=file, column="Year")
    if year is None and len(years) > 1:
        return {y: _read_wiod2016_frame_year(frame, y, path, first_row) for y in years}
    if year is not None and int(year) not in years:
        raise ReaderError(f"unknown year {year}; the file holds {years}", file=file)
    return _read_wiod2016_frame_year(frame, int(year) if year is not None else years[0], path, first_row)


def _read_wiod2016_frame_year(frame: pd.DataFrame, year: int, path: Path, first_row: int) -> IOTable:
    """One year of the R data frame: columns CCC1 ... CCCN (intermediate), CCC(N+1) ... CCC(N+5) (final use), TOT."""
    file = str(path)
    resolve_year(year, None, first=2000, last=2014, what="WIOD 2016 release", file=file)
    rows = frame[frame["Year"] == year]
    is_footer = rows["Country"].map(label_of) == "TOT"
    cells, footer = rows[~is_footer], rows[is_footer]
    top = int(cells.index[0]) + first_row if len(cells) else first_row
    regions, sectors = cell_labels(cells["Country"], cells["IndustryCode"], file=file, first_row=top,
                                   columns=("Country", "IndustryCode"))
    N = len(sectors)
    intermediate = [f"{r}{i}" for r in regions for i in range(1, N + 1)]
    final = [f"{r}{N + 1 + k}" for r in regions for k in range(len(FD_ORDER))]
    require_columns(frame, intermediate + final, file=file)
    n, G = len(intermediate), len(regions)
    values = numbers(cells[intermediate + final + ["TOT"]], file=file, first_row=top, what="country-sector rows")
    footer_codes = footer["IndustryCode"].map(label_of)
    va_rows = tuple(code for code in PRIMARY_INPUTS if code in set(footer_codes))
    if "VA" not in va_rows:
        raise ReaderError(f"expected the footer row IndustryCode 'VA' (Country 'TOT') for {year}", file=file)
    W = np.vstack([numbers(footer[footer_codes == code][intermediate].iloc[:1], file=file,
                           first_row=int(footer.index[footer_codes == code][0]) + first_row, what=f"row {code}")
                   for code in va_rows])
    Y = values[:, n:n + len(final)].reshape(n, G, len(FD_ORDER))
    parts = WorldParts(tuple(region_code(r) for r in regions), sectors, values[:, :n], Y, values[:, -1], W,
                       va_rows)
    meta = table_meta("2016 release", year, path, ["R data frame layout (WIOTyyyy_October16_ROW.RData)",
                                                   *region_notes(regions)])
    return parts.table(classification="wiod2016", meta=meta, file=file)


def _detect_wiod2016(path: Path) -> bool:
    if re.match(r"(?i)^wiot\d{4}_(nov16|october16)_row\.(xlsx|csv|csv\.gz|parquet)$", path.name):
        return True
    return _workbook_first_code(path) == "A01" or {"IndustryCode", "RNr", "TOT"} <= set(frame_columns(path))


# ---------------------------------------------------------------------------------------------- WIOD 2016 NIOT
NIOT_SHEET = "National IO-tables"
NIOT_LABELS = ("Year", "Code", "Description", "Origin")
NIOT_ORIGINS = ("Domestic", "Imports", "TOT")
_NIOT_NAME = re.compile(r"(?i)^([a-z]{3})_niot_nov16\.xlsx$")


def read_wiod2016_niot(path, country: str | None = None, year: int | None = None):
    """A WIOD 2016-release national IO table as a non-competitive national table (G = 1).

    ``path`` is the publisher's ``CCC_NIOT_nov16.xlsx`` (``country`` defaults to CCC) or a stacked panel
    (Parquet/CSV with a ``Country`` column; ``country`` required). Domestic rows give ``Z``, ``Y`` and ``exports``
    (EXP); import rows give ``Zm`` and ``Ym``; TXSP, EXP_adj, PURR, PURNR, VA and IntTTM are the primary-input rows
    that close the columns at GO. With ``year`` None, returns ``{year: IOTable}`` for every year in the file.
    METHODS.md 0.2, 1.7 and 4.3; Timmer et al. (2015).
    """
    path = Path(path)
    file = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        named = _NIOT_NAME.match(path.name)
        if country is None and named is None:
            raise ReaderError("the country is not in the file name (CCC_NIOT_nov16.xlsx); pass country=...",
                              file=file)
        if country is not None and named is not None and named.group(1).upper() != country.upper():
            raise ReaderError(f"the file holds the table of {named.group(1).upper()}, not country={country!r}",
                              file=file)
        country = (country or named.group(1)).upper()
        sheet, frame = _niot_workbook_frame(path)
        first_row = 1
    else:
        if country is None:
            raise ReaderError("a stacked NIOT panel holds many countries; pass country=...", file=file)
        sheet = None
        frame, first_row = read_frame(path)
        require_columns(frame, ["Country", *NIOT_LABELS, *FD_CODES, "EXP", "GO"], file=file)
        available = sorted(pd.unique(frame["Country"]))
        if country not in available:
            raise ReaderError(f"unknown country {country!r}; the file holds {available}", file=file)
        frame = frame[frame["Country"] == country]
    years = sorted(int(y) for y in pd.unique(frame["Year"]))
    if year is None:
        return {y: _niot_table(frame[frame["Year"] == y], country, y, path, first_row, sheet) for y in years}
    if int(year) not in years:
        raise ReaderError(f"unknown year {year} for {country}; the file holds {years[0]}-{years[-1]}", file=file,
                          sheet=sheet)
    return _niot_table(frame[frame["Year"] == int(year)], country, int(year), path, first_row, sheet)


def _niot_workbook_frame(path: Path) -> tuple[str, pd.DataFrame]:
    """The sheet 'National IO-tables': a header row (Year, Code, Description, Origin, A01 ... GO), a row of long
    column names, then one row per product and origin for every year. The frame index is the 0-based sheet row."""
    file = str(path)
    sheet, grid = workbook_grid(path, NIOT_SHEET)
    head = next((r for r in range(min(3, len(grid))) if "Origin" in grid.iloc[r].map(label_of).tolist()), None)
    if head is None:
        raise ReaderError(f"expected a header row with the columns {', '.join(NIOT_LABELS)}, A01 ... GO in the "
                          "first rows", file=file, sheet=sheet, row=1)
    columns = grid.iloc[head].map(label_of).tolist()
    frame = grid.iloc[head + 1:].set_axis(columns, axis=1)
    frame = frame.loc[:, [c != "" for c in columns]]
    require_columns(frame, [*NIOT_LABELS, *FD_CODES, "EXP", "GO"], file=file, sheet=sheet)
    if len(frame) and not isinstance(frame["Year"].iloc[0], (int, float)):
        frame = frame.iloc[1:]  # the row of long column names
    frame = frame[frame[["Year", "Code", "Origin"]].notna().any(axis=1)]
    origin = frame["Origin"].map(label_of)
    odd = origin[~origin.isin(NIOT_ORIGINS)]
    if len(odd):
        raise ReaderError(f"unexpected Origin {odd.iloc[0]!r}; expected one of {NIOT_ORIGINS}", file=file,
                          sheet=sheet, row=int(odd.index[0]) + 1,
                          column=get_column_letter(columns.index("Origin") + 1))
    years = numbers(frame[["Year"]], file=file, sheet=sheet, first_row=int(frame.index[0]) + 1, what="Year column")
    return sheet, frame.assign(Year=years[:, 0].astype(int))


def _niot_table(rows: pd.DataFrame, country: str, year: int, path: Path, first_row: int, sheet) -> IOTable:
    """One country-year of a NIOT (56 Domestic, 56 Imports and 8 TOT rows) -> national non-competitive IOTable.

    ``first_row`` converts the frame index to the file row (index + first_row).
    """
    file = str(path)
    where = f"{country} {year}"
    columns = list(rows.columns)
    industries = columns[columns.index("Origin") + 1:columns.index(next(iter(FD_CODES)))]
    origin = rows["Origin"].map(label_of)
    domestic, imported, totals = (rows[origin == o] for o in NIOT_ORIGINS)
    for part, name in ((domestic, "Domestic"), (imported, "Imports")):
        codes = part["Code"].map(label_of).tolist()
        if codes != industries:
            k = next((i for i, (a, b) in enumerate(zip(codes, industries)) if a != b), min(len(codes), len(industries)))
            raise ReaderError(f"{where}: expected {len(industries)} {name} rows in the order of the industry "
                              f"columns; found {codes[k] if k < len(codes) else 'no more rows'!r} where "
                              f"{industries[k] if k < len(industries) else 'no row'!r} belongs", file=file,
                              sheet=sheet, row=int(part.index[k]) + first_row if k < len(part) else None,
                              column="Code")

    def block(part: pd.DataFrame, cols, what: str) -> np.ndarray:
        return numbers(part[cols], file=file, sheet=sheet, first_row=int(part.index[0]) + first_row,
                       what=f"{what} of {where}")

    re_exports = block(imported, ["EXP"], "import rows")[:, 0]
    if np.any(re_exports != 0):
        k = int(np.flatnonzero(re_exports)[0])
        raise ReaderError(f"{where}: an import row has exports (re-exports), which a non-competitive table cannot "
                          "hold; expected 0", file=file, sheet=sheet, row=int(imported.index[k]) + first_row,
                          column="EXP")
    total_codes = totals["Code"].map(label_of)
    missing = [code for code in PRIMARY_INPUTS if code not in set(total_codes)]
    if missing:
        raise ReaderError(f"{where}: expected the TOT row(s) {missing} (taxes, adjustments and value added)",
                          file=file, sheet=sheet)
    primary = [totals[total_codes == code].iloc[:1] for code in PRIMARY_INPUTS]
    W = np.vstack([block(row, industries, f"TOT row {code}") for code, row in zip(PRIMARY_INPUTS, primary)])
    on_final_use = sum(block(row, list(FD_CODES), f"TOT row {code}").sum()
                       for code, row in zip(PRIMARY_INPUTS, primary))
    notes = ["non-competitive national table: domestic Z, imported Zm and Ym, exports from EXP"]
    if on_final_use:
        notes.append(f"taxes and adjustments on final use (rows TXSP ... IntTTM in the final-use columns, "
                     f"{on_final_use:,.1f} {UNIT} in all) lie outside the model")
    sectors = tuple(industries)
    english, chinese = sector_names("wiod2016", sectors, file=file)
    return IOTable.from_arrays(
        block(domestic, industries, "domestic intermediate use"),
        block(domestic, list(FD_CODES), "domestic final use")[:, None, :],
        block(domestic, ["GO"], "gross output")[:, 0],
        regions=[country], sectors=sectors, fd_categories=FD_ORDER, va=W, va_rows=PRIMARY_INPUTS,
        exports=block(domestic, ["EXP"], "exports")[:, 0],
        Zm=block(imported, industries, "imported intermediate use"),
        Ym=block(imported, list(FD_CODES), "imported final use")[:, None, :],
        meta=table_meta("2016 release, national IO table", year, path, notes),
        sector_names=english, sector_names_zh=chinese)


def _detect_wiod2016_niot(path: Path) -> bool:
    if _NIOT_NAME.match(path.name):
        return True
    return {"Country", "Year", "Code", "Origin", "EXP"} <= set(frame_columns(path))


register(Layout("wiod2013", "WIOD 2013 release world tables (WIOTyy_ROW_Apr12.xlsx, or wide wiot_YYYY.parquet)",
                _detect_wiod2013, read_wiod2013))
register(Layout("wiod2016", "WIOD 2016 release world tables (WIOTyyyy_Nov16_ROW.xlsx, or the RData frame as "
                "CSV/Parquet)", _detect_wiod2016, read_wiod2016))
register(Layout("wiod2016_niot", "WIOD 2016 release national IO tables (CCC_NIOT_nov16.xlsx, or a stacked panel)",
                _detect_wiod2016_niot, read_wiod2016_niot))
