"""OECD Inter-Country Input-Output (ICIO) tables, editions 2021, 2023 and 2025, as the OECD ships them.

One CSV per year (alone, in the OECD's zip bundles, or in a folder of them): the first column holds the row
labels, then come intermediate-use columns ``CCC_SECTOR``, final-demand columns ``CCC_HFCE, CCC_NPISH,
CCC_GGFC, CCC_GFCF, CCC_INVNT, CCC_DPABR`` and the output column; the last rows hold taxes less subsidies on
products, value added and output.  The editions differ in their labels (edition detected from them):

=========  =======================  ==============  ===========================  ==========================
edition    file                     sectors         special rows / column        regions
=========  =======================  ==============  ===========================  ==========================
2021       ``ICIO2021_2018.csv``    45, ``01T02``   TAXSUB, VALU, OUTPUT / TOTAL  66 countries + ROW
2023       ``2020.csv``             45, ``A01_02``  TLS, VA, OUT / OUT            76 countries + ROW
2025       ``2022_SML.csv``         50, ``A01``     TLS, VA, OUT / OUT            80 countries + ROW
=========  =======================  ==============  ===========================  ==========================

The extended files split China and Mexico into ``CN1``/``CN2`` and ``MX1``/``MX2`` (the OECD's split by
processing-trade status; in the 2021 files the ``CHN`` and ``MEX`` rows and columns are zero and the data sit
in the split blocks after ``ROW``), while final demand is bought by ``CHN`` and ``MEX`` as a whole.
``split_countries='merge'`` (default) adds the parts back into ``CHN``/``MEX`` (as pymrio's ``parse_oecd``
does); ``'keep'`` keeps the publisher's blocks as regions and maps each to its nation in ``table.nations``
(METHODS.md 4.3, 0.6-6), with ``CHN``/``MEX`` kept as the (zero-output) buyers of final demand.

Value added is the ``VA``/``VALU`` row and taxes less subsidies on products the ``TLS``/``TAXSUB`` row; gross
output is the output column.  Values are in million USD.  Cite: OECD (edition year), OECD Inter-Country
Input-Output Database, http://oe.cd/icio.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import OptionError, ReaderError
from ..labels import register as register_labels
from ..tables.model import IOTable, TableMeta
from .base import Layout, numeric_block, register, require_filled
from .grids import cell_grid, cell_positions, fold_final_demand, placed, placement
from .sectors import label_table

OUTPUT_COLUMNS = ("OUT", "OUTPUT", "TOTAL")
OUTPUT_ROWS = ("OUT", "OUTPUT")
#: publisher's primary-input rows -> our W rows (taxes less subsidies on products, value added)
PRIMARY_ROWS = {"TLS": "TLS", "TAXSUB": "TLS", "VA": "VA", "VALU": "VA"}
FINAL_DEMAND = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
#: the OECD's split blocks of China and Mexico and the nation each belongs to
SPLIT_BLOCK = re.compile(r"^(CN|MX)\d$")
SPLIT_NATION = {"CN": "CHN", "MX": "MEX"}
EDITION_STYLE = {"2021": "TAXSUB", "2023": "TLS", "2025": "TLS"}
YEAR = re.compile(r"(?:19|20)\d\d")
CITATION = "OECD ({edition}), OECD Inter-Country Input-Output Database, http://oe.cd/icio"

register_labels({
    "oecd_icio.source": ("OECD Inter-Country Input-Output tables", "经合组织国家间投入产出表"),
    "oecd_icio.va.TLS": ("Taxes less subsidies on products", "产品税减补贴"),
    "oecd_icio.va.VA": ("Value added", "增加值"),
    "oecd_icio.fd.DPABR": ("Direct purchases abroad by residents", "居民在国外的直接购买"),
    "oecd_icio.region.CN1": ("China, block 1 of the OECD processing-trade split", "中国（经合组织加工贸易拆分第1块）"),
    "oecd_icio.region.CN2": ("China, block 2 of the OECD processing-trade split", "中国（经合组织加工贸易拆分第2块）"),
    "oecd_icio.region.MX1": ("Mexico, block 1 of the OECD global-manufacturing split", "墨西哥（经合组织全球制造拆分第1块）"),
    "oecd_icio.region.MX2": ("Mexico, block 2 of the OECD global-manufacturing split", "墨西哥（经合组织全球制造拆分第2块）"),
})


def detect_edition(sectors, primary_rows) -> str:
    """The edition whose sector list contains every sector code of the file ('' when none does).

    Excerpts with only codes common to several editions are told apart by the style of the special rows
    (``TAXSUB``/``VALU`` in 2021, ``TLS``/``VA`` later); if that still leaves several, all are named ("2023/2025").
    """
    cat = label_table("oecd_icio_sectors")
    found = [ed for ed, codes in cat.groupby("edition")["code"] if set(sectors) <= set(codes)]
    if len(found) > 1:
        style = "TAXSUB" if "TAXSUB" in primary_rows or "VALU" in primary_rows else "TLS"
        found = [ed for ed in found if EDITION_STYLE[ed] == style] or found
    return "/".join(found)


def read_oecd_icio(path, year: int | None = None, split_countries: str = "merge") -> IOTable:
    """Read one year of an OECD ICIO table (CSV file, OECD zip bundle, or folder of either)."""
    if split_countries not in ("merge", "keep"):
        raise OptionError(f"split_countries must be 'merge' or 'keep', not {split_countries!r}")
    path = Path(path)
    frame, label, year = _load_frame(path, year)
    return _build(frame, label, year, split_countries)


def _csv_year(name: str) -> int | None:
    found = YEAR.findall(Path(name).stem)
    return int(found[-1]) if found else None


def _pick(names: list[str], year: int | None, where: str) -> str:
    """The CSV among ``names`` for ``year`` (the only one when ``year`` is None)."""
    csvs = [n for n in names if n.lower().endswith(".csv")]
    if year is not None:
        csvs = [n for n in csvs if _csv_year(n) == year]
    if len(csvs) == 1:
        return csvs[0]
    if not csvs:
        raise ReaderError(f"no ICIO CSV file{'' if year is None else f' for {year}'} in {where}; "
                          f"found {sorted(names)[:10]}", file=where)
    raise ReaderError(f"{len(csvs)} ICIO CSV files in {where} ({sorted(csvs)[:6]}); pass year=... to pick one",
                      file=where)


def _load_frame(path: Path, year: int | None) -> tuple[pd.DataFrame, str, int | None]:
    if path.is_dir():
        path = path / _pick([p.name for p in path.iterdir()], year, str(path))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            member = _pick(zf.namelist(), year, str(path))
            label = f"{path}/{member}"
            with zf.open(member) as fh:
                frame = _read_csv(fh, label)
        name = member
    else:
        label, name = str(path), path.name
        frame = _read_csv(path, label)
    file_year = _csv_year(name)
    if year is not None and file_year is not None and file_year != year:
        raise ReaderError(f"the file holds the table of {file_year}, not {year}", file=label)
    return frame, label, year if year is not None else file_year


def _read_csv(source, label: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(source, index_col=0, low_memory=False, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ReaderError(f"not a readable OECD ICIO CSV ({err})", file=label) from None
    frame.index = frame.index.map(str)
    frame.columns = frame.columns.map(str)
    return frame


def _split(label: str) -> tuple[str, str] | None:
    region, sep, item = label.partition("_")
    return (region, item) if sep and region and item else None


def _build(frame: pd.DataFrame, file: str, year: int | None, split_countries: str) -> IOTable:
    # ---- classify rows (line number = position + 2: one header line)
    cell_rows, primary = [], {}
    for pos, label in enumerate(frame.index):
        if label in OUTPUT_ROWS:
            continue  # column totals: the model recomputes them (METHODS.md 0.6-2)
        if label in PRIMARY_ROWS:
            primary[PRIMARY_ROWS[label]] = pos
        elif _split(label) is None:
            raise ReaderError(f"unexpected row label {label!r}; expected 'CCC_SECTOR' cells, then "
                              f"{'/'.join(PRIMARY_ROWS)} and {'/'.join(OUTPUT_ROWS)}", file=file, row=pos + 2)
        else:
            cell_rows.append(pos)
    if not cell_rows:
        raise ReaderError("no 'CCC_SECTOR' row labels in the first column: this is not an OECD ICIO table",
                          file=file)
    missing_primary = [r for r in ("TLS", "VA") if r not in primary]
    if missing_primary:
        raise ReaderError(f"the primary-input row(s) {missing_primary} are missing (expected TLS/TAXSUB and "
                          "VA/VALU after the cell rows; is the file truncated?)", file=file)
    cells = [_split(frame.index[p]) for p in cell_rows]
    file_regions, sectors, _ = cell_grid(cells, file=file, what="rows")

    # ---- classify columns
    col_pos = {c: k for k, c in enumerate(frame.columns)}
    output_col = next((c for c in OUTPUT_COLUMNS if c in col_pos), None)
    if output_col is None:
        raise ReaderError(f"the gross-output column is missing (expected one of {list(OUTPUT_COLUMNS)} after "
                          "the final-demand columns)", file=file)
    row_cells = set(cells)
    cell_cols, fd_cols = {}, []
    for col, k in col_pos.items():
        parts = _split(col)
        if col == output_col:
            continue
        if parts in row_cells:
            cell_cols[parts] = k
        elif parts is not None and parts[1] in FINAL_DEMAND:
            fd_cols.append((k, parts[0], parts[1]))
        else:
            raise ReaderError(f"column {col!r} is neither a cell of the rows nor a final-demand column "
                              f"'CCC_{{{','.join(FINAL_DEMAND)}}}'", file=file, column=col)
    if len(cell_cols) != len(cells):
        absent = [f"{r}_{s}" for r, s in cells if (r, s) not in cell_cols]
        raise ReaderError(f"inconsistent label counts: {len(cells)} cell rows but {len(cell_cols)} intermediate-use "
                          f"columns (no column for {absent[:5]})", file=file)

    values = numeric_block(frame, file=file, row_offset=2, what="table")

    # ---- regions of the table: CN1/CN2 -> CHN etc. when merging
    def nation(region: str) -> str:
        m = SPLIT_BLOCK.match(region)
        return SPLIT_NATION[m.group(1)] if m else region

    mapped = [nation(r) if split_countries == "merge" else r for r in file_regions]
    regions = list(dict.fromkeys(mapped))
    nations_of = {nation(r) for r in file_regions}
    for k, dest, _ in fd_cols:
        if dest not in regions:
            if split_countries == "keep" and dest in nations_of:
                regions.append(dest)  # the buyer of final demand when the file only has the split blocks
            else:
                raise ReaderError(f"final demand is bought by region {dest!r}, which has no rows", file=file,
                                  column=frame.columns[k])
    N, G = len(sectors), len(regions)
    region_map = dict(zip(file_regions, mapped))
    P = placement(cell_positions([(region_map[r], s) for r, s in cells], regions, sectors), G * N)

    def block(rows, cols, what):
        return require_filled(values[np.ix_(rows, cols)], file=file, rows_at=[r + 2 for r in rows],
                              columns=frame.columns[cols], row_labels=frame.index[rows], what=what)

    rows = cell_rows
    cols = [cell_cols[c] for c in cells]
    fd_at = [k for k, _, _ in fd_cols]
    Z = placed(P, block(rows, cols, "intermediate use"), cols=True)
    categories = list(dict.fromkeys(cat for _, _, cat in fd_cols))
    Y = fold_final_demand(placed(P, block(rows, fd_at, "final demand")),
                          [regions.index(d) for _, d, _ in fd_cols], [categories.index(c) for _, _, c in fd_cols],
                          G, len(categories))
    va_rows = ("TLS", "VA")
    W = placed(P, block([primary[r] for r in va_rows], cols, "primary inputs"), rows=False, cols=True)
    x = placed(P, block(rows, [col_pos[output_col]], "gross output"))[:, 0]

    edition = detect_edition(sectors, set(frame.index) - set(frame.index[cell_rows]))
    names = label_table("oecd_icio_sectors")
    names = names[(names["edition"] == edition) & names["code"].isin(sectors)]
    split = sorted(r for r in file_regions if SPLIT_BLOCK.match(r))
    notes = [] if edition and "/" not in edition else [
        f"sector codes match {'several editions (' + edition + ')' if edition else 'no catalogued edition'}: "
        "an excerpt, or an edition other than 2021/2023/2025"]
    if split:
        notes.append(f"split blocks {split} " + ("merged into their nations" if split_countries == "merge"
                                                 else "kept as regions; see table.nations"))
    return IOTable.from_arrays(
        Z, Y, x, regions=regions, sectors=sectors, fd_categories=categories, va=W, va_rows=va_rows,
        nations={r: nation(r) for r in regions} if split_countries == "keep" else None,
        sector_names=dict(zip(names["code"], names["en"])), sector_names_zh=dict(zip(names["code"], names["zh"])),
        meta=TableMeta(source="OECD ICIO", edition=f"{edition} edition" if edition else "", year=year,
                       unit="million USD",
                       citation=CITATION.format(edition=edition or "n.d."), file=file, notes=tuple(notes)))


# ---------------------------------------------------------------------------------------------- detection
def _header_fields(path: Path) -> list[str]:
    """The first line of the (first) CSV, split at commas; [] when there is none."""
    if path.is_dir():
        csvs = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
        return _header_fields(csvs[0]) if csvs else []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            csvs = sorted(n for n in zf.namelist() if n.lower().endswith(".csv"))
            if not csvs:
                return []
            with zf.open(csvs[0]) as fh:
                return fh.readline().decode("utf-8", "replace").strip().split(",")
    if path.suffix.lower() != ".csv":
        return []
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.readline().strip().split(",")


def _detect(path: Path) -> bool:
    fields = [f.strip('"') for f in _header_fields(path)]
    return bool(fields) and fields[-1] in OUTPUT_COLUMNS and any(f.endswith("_HFCE") for f in fields)


register(Layout("oecd_icio", "OECD ICIO tables, 2021/2023/2025 editions (CSV, zip bundle or folder)",
                _detect, read_oecd_icio))
