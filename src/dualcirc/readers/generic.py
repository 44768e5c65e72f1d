"""Your own input-output table as CSV or Parquet, in a wide or a long layout.

**Wide layout** (one row per selling cell, like a printed table)::

    region,sector,CHN|agri,CHN|manu,USA|agri,USA|manu,CHN|HFCE,CHN|GFCF,USA|HFCE,USA|GFCF,x
    CHN,agri,10,20,1,2,30,5,1,0,69
    CHN,manu,5,40,3,6,25,20,4,2,105
    USA,agri,...
    USA,manu,...
    ,COMP,...          <- primary-input rows: leave `region` empty, name the component in `sector`
    ,TLS,...

* ``region`` and ``sector`` label the rows; every other column is named ``REGION|ITEM``: when ITEM is a sector
  of the rows it is intermediate use by that cell (Z), otherwise it is final demand of category ITEM bought by
  REGION (Y; use the codes HFCE, NPISH, GGFC, GFCF, INVNT where they fit);
* ``x`` is gross output (required; pass ``output='rowsum'`` to take x = Zu + Yu instead);
* rows with an empty ``region`` are primary inputs (value added and its parts); without any, value added is
  x - Z'u (METHODS.md 0.6-2).  Empty cells in Z, Y or the primary inputs are zeros.

**Long layout** (one row per entry), columns ``from_region, from_sector, to_region, to_sector, value``:

* a cell's sale to a cell: ``CHN, agri, USA, manu, 2.0`` (Z);
* a cell's sale to final demand: ``to_sector`` holds the category, e.g. ``CHN, agri, USA, HFCE, 1.0`` (Y);
* gross output: ``to_region`` empty and ``to_sector`` = ``x``, e.g. ``CHN, agri, , x, 69`` (required, or
  ``output='rowsum'``);
* primary inputs: ``from_region`` empty and ``from_sector`` naming the component, e.g. ``, COMP, CHN, agri, 20``.

Entries that are absent are zeros.  In both layouts the regions and sectors are taken in order of first
appearance; a region that lacks some sectors is padded with zero cells (METHODS.md 0.1, with a warning), and a
final-demand category must not share its code with a sector.  Errors name the line (CSV: the line number in the
file; Parquet: the record number) and the column: unknown labels, duplicated entries, non-numeric values and
missing output.
"""

from __future__ import annotations

import csv
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import OptionError, ReaderError, TableWarning
from ..tables.model import IOTable, TableMeta
from .base import Layout, numeric_block, register, require_columns, require_filled
from .grids import cell_grid, cell_positions, fold_final_demand

WIDE_LABELS = ("region", "sector")
LONG_COLUMNS = ("from_region", "from_sector", "to_region", "to_sector", "value")
OUTPUT = "x"
SEP = "|"


def read_generic(path, layout: str | None = None, output: str = "given", unit: str = "monetary unit",
                 year: int | None = None, source: str = "user") -> IOTable:
    """Read a user table in the wide or long layout (detected from the columns when ``layout`` is None)."""
    if output not in ("given", "rowsum"):
        raise OptionError(f"output must be 'given' (the x column/entries) or 'rowsum', not {output!r}")
    path = Path(path)
    frame, first_line = _load(path)
    if layout is None:
        layout = "long" if set(LONG_COLUMNS) <= set(frame.columns) else "wide"
    if layout not in ("wide", "long"):
        raise OptionError(f"layout must be 'wide' or 'long', not {layout!r}")
    build = _wide if layout == "wide" else _long
    parts = build(frame, str(path), first_line, output)
    meta = TableMeta(source=source, edition=f"generic {layout} layout", year=year, unit=unit, file=str(path))
    return _assemble(*parts, meta=meta, file=str(path), x_policy="rowsum" if output == "rowsum" else "given")


def _load(path: Path) -> tuple[pd.DataFrame, int]:
    """The records and the line/record number of the first one (CSV: 2, after the header; Parquet: 1)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
        first_line = 1
    else:
        try:
            with open(path, newline="", encoding="utf-8") as fh:
                header = next(csv.reader(fh), [])
            frame = pd.read_csv(path, dtype={c: str for c in (*WIDE_LABELS, *LONG_COLUMNS[:4])})
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise ReaderError(f"not a readable CSV file ({err})", file=str(path)) from None
        dup = [c for c, k in Counter(header).items() if k > 1]
        if dup:
            raise ReaderError(f"column {dup[0]!r} appears {Counter(header)[dup[0]]} times in the header",
                              file=str(path), row=1, column=dup[0])
        first_line = 2
    frame.columns = [str(c) for c in frame.columns]
    return frame, first_line


def _labels(frame: pd.DataFrame, column: str) -> list[str]:
    return [str(v).strip() for v in frame[column].fillna("").astype(str)]


def _no_duplicates(keys: list, lines: list[int], *, what: str, file: str, column: str | None = None) -> None:
    """Raise a ReaderError at the second occurrence of a key, naming the line of the first."""
    first: dict = {}
    for key, line in zip(keys, lines):
        if key in first:
            label = "/".join(key) if isinstance(key, tuple) else key
            raise ReaderError(f"duplicated {what} {label} (first at line {first[key]})", file=file, row=line,
                              column=column)
        first[key] = line


# ---------------------------------------------------------------------------------------------- wide
def _wide(frame: pd.DataFrame, file: str, first_line: int, output: str):
    require_columns(frame, WIDE_LABELS, file=file)
    regions_col, sectors_col = _labels(frame, "region"), _labels(frame, "sector")
    cell_at = [k for k, r in enumerate(regions_col) if r]
    primary_at = [k for k, r in enumerate(regions_col) if not r]
    cells = [(regions_col[k], sectors_col[k]) for k in cell_at]
    _no_duplicates(cells, [k + first_line for k in cell_at], what="row for cell", file=file, column="sector")
    names = [sectors_col[k] for k in primary_at]
    _no_duplicates(names, [k + first_line for k in primary_at], what="primary-input row", file=file,
                   column="sector")
    if any(not n for n in names):
        raise ReaderError("a row with empty region and empty sector; primary-input rows name their component in "
                          "'sector'", file=file, row=primary_at[names.index("")] + first_line, column="sector")
    cell_set = set(cells)
    sectors = set(s for _, s in cells)
    regions = set(r for r, _ in cells)
    z_cols, fd_cols = [], []
    for col in frame.columns:
        if col in WIDE_LABELS or col == OUTPUT:
            continue
        region, sep, item = col.partition(SEP)
        if not sep or not region or not item:
            raise ReaderError(f"unknown column {col!r}; expected 'REGION{SEP}SECTOR', 'REGION{SEP}CATEGORY' or "
                              f"'{OUTPUT}'", file=file, column=col)
        if region not in regions:
            raise ReaderError(f"unknown region {region!r} in column {col!r}; the rows have {sorted(regions)[:10]}",
                              file=file, column=col)
        if item in sectors:
            if (region, item) not in cell_set:
                raise ReaderError(f"column {col!r} is intermediate use by cell {region}/{item}, which has no row",
                                  file=file, column=col)
            z_cols.append((col, (region, item)))
        else:
            fd_cols.append((col, region, item))
    absent = [f"{r}{SEP}{s}" for r, s in cells if (r, s) not in {c for _, c in z_cols}]
    if absent:
        raise ReaderError(f"inconsistent label counts: no intermediate-use column for {len(absent)} cell(s), "
                          f"e.g. {absent[:5]}", file=file)
    if OUTPUT not in frame.columns and output == "given":
        raise ReaderError(f"missing gross output: add a column {OUTPUT!r} or pass output='rowsum'", file=file)

    numeric = [c for c, _ in z_cols] + [c for c, _, _ in fd_cols] + ([OUTPUT] if output == "given" else [])
    values = numeric_block(frame[numeric], file=file, row_offset=first_line, what="table")
    at = {c: k for k, c in enumerate(numeric)}
    z_at, fd_at = [at[c] for c, _ in z_cols], [at[c] for c, _, _ in fd_cols]
    Zv = np.nan_to_num(values[np.ix_(cell_at, z_at)])
    Yv = np.nan_to_num(values[np.ix_(cell_at, fd_at)])
    Wv = np.nan_to_num(values[np.ix_(primary_at, z_at)])
    x = None
    if output == "given":
        x = require_filled(values[np.ix_(cell_at, [at[OUTPUT]])], file=file, columns=[OUTPUT], what="gross output",
                           rows_at=[k + first_line for k in cell_at])[:, 0]
    return cells, [c for _, c in z_cols], Zv, [(r, i) for _, r, i in fd_cols], Yv, names, Wv, x


# ---------------------------------------------------------------------------------------------- long
def _long(frame: pd.DataFrame, file: str, first_line: int, output: str):
    require_columns(frame, LONG_COLUMNS, file=file)
    fr, fs, tr, ts = (_labels(frame, c) for c in LONG_COLUMNS[:4])
    values = numeric_block(frame[["value"]], file=file, row_offset=first_line, what="values")[:, 0]
    values = require_filled(values[:, None], file=file, rows_at=range(first_line, first_line + len(frame)),
                            columns=["value"], what="values")[:, 0]
    keys = list(zip(fr, fs, tr, ts))
    _no_duplicates(keys, list(range(first_line, first_line + len(keys))), what="entry", file=file)
    sells = [k for k in range(len(keys)) if fr[k]]
    cells = list(dict.fromkeys((fr[k], fs[k]) for k in sells))
    cell_set = set(cells)
    regions = {r for r, _ in cells}
    sectors = {s for _, s in cells}
    Z, Y, W, X = [], [], [], {}
    for k in range(len(keys)):
        if not fr[k] and not fs[k]:
            raise ReaderError("entry with neither from_region nor from_sector", file=file, row=k + first_line)
        if fr[k] and not tr[k]:
            if ts[k] != OUTPUT:
                raise ReaderError(f"to_region is empty but to_sector is {ts[k]!r}; gross output entries have "
                                  f"to_sector {OUTPUT!r}", file=file, row=k + first_line, column="to_sector")
            X[(fr[k], fs[k])] = values[k]
            continue
        if tr[k] not in regions:
            raise ReaderError(f"unknown region {tr[k]!r}; regions selling in this table: {sorted(regions)[:10]}",
                              file=file, row=k + first_line, column="to_region")
        if not fr[k]:
            if (tr[k], ts[k]) not in cell_set:
                raise ReaderError(f"primary input {fs[k]!r} bought by unknown cell {tr[k]}/{ts[k]}", file=file,
                                  row=k + first_line, column="to_sector")
            W.append((fs[k], (tr[k], ts[k]), values[k]))
        elif ts[k] in sectors:
            if (tr[k], ts[k]) not in cell_set:
                raise ReaderError(f"sale to unknown cell {tr[k]}/{ts[k]} (it sells nothing itself)", file=file,
                                  row=k + first_line, column="to_sector")
            Z.append(((fr[k], fs[k]), (tr[k], ts[k]), values[k]))
        else:
            Y.append(((fr[k], fs[k]), (tr[k], ts[k]), values[k]))
    x = None
    if output == "given":
        missing = [f"{r}/{s}" for r, s in cells if (r, s) not in X]
        if missing:
            raise ReaderError(f"missing gross output ({OUTPUT!r} entries) for {len(missing)} cell(s), e.g. "
                              f"{missing[:5]}; add them or pass output='rowsum'", file=file)
    cell_pos = {c: k for k, c in enumerate(cells)}
    Zv = np.zeros((len(cells), len(cells)))
    for seller, buyer, v in Z:
        Zv[cell_pos[seller], cell_pos[buyer]] = v
    fd = list(dict.fromkeys(buyer for _, buyer, _ in Y))
    Yv = np.zeros((len(cells), len(fd)))
    for seller, buyer, v in Y:
        Yv[cell_pos[seller], fd.index(buyer)] = v
    names = list(dict.fromkeys(n for n, _, _ in W))
    Wv = np.zeros((len(names), len(cells)))
    for name, buyer, v in W:
        Wv[names.index(name), cell_pos[buyer]] = v
    if output == "given":
        x = np.array([X[c] for c in cells])
    return cells, cells, Zv, fd, Yv, names, Wv, x


# ---------------------------------------------------------------------------------------------- both
def _assemble(cells, z_cells, Zv, fd, Yv, names, Wv, x, *, meta: TableMeta, file: str, x_policy: str) -> IOTable:
    """Place labelled cells on the padded grid and build the table (METHODS.md 0.1, 0.6)."""
    regions, sectors, missing = cell_grid(cells, file=file, what="cells", allow_gaps=True)
    if missing:
        warnings.warn(f"{file}: {len(missing)} region/sector cell(s) absent, padded with zero cells "
                      f"(METHODS.md 0.1), e.g. {missing[:5]}", TableWarning, stacklevel=3)
        meta = replace(meta, notes=meta.notes + (f"{len(missing)} absent cells padded with zeros",))
    G, N = len(regions), len(sectors)
    rows, cols = cell_positions(cells, regions, sectors), cell_positions(z_cells, regions, sectors)
    Z = np.zeros((G * N, G * N))
    Z[np.ix_(rows, cols)] = Zv
    categories = list(dict.fromkeys(cat for _, cat in fd))
    Yfile = np.zeros((G * N, len(fd)))
    Yfile[rows] = Yv
    Y = fold_final_demand(Yfile, [regions.index(r) for r, _ in fd], [categories.index(c) for _, c in fd],
                          G, len(categories))
    W = np.zeros((len(names), G * N))
    W[:, cols] = Wv
    xs = None
    if x is not None:
        xs = np.zeros(G * N)
        xs[rows] = x
    return IOTable.from_arrays(Z, Y, xs, regions=regions, sectors=sectors, fd_categories=categories or None,
                               va=W if names else None, va_rows=names or None, meta=meta, x_policy=x_policy)


def _detect(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq
        names = set(pq.read_schema(path).names)
    elif suffix == ".csv":
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            names = set(next(csv.reader(fh), []))
    else:
        return False
    return set(LONG_COLUMNS) <= names or (set(WIDE_LABELS) <= names and any(SEP in n for n in names))


register(Layout("generic", "your own table: CSV/Parquet, wide (region, sector, REGION|ITEM..., x) or long "
                "(from_region, from_sector, to_region, to_sector, value)", _detect, read_generic))
