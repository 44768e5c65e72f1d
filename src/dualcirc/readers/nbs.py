"""Readers for China's national input-output tables (National Bureau of Statistics, 国家统计局), 10,000 CNY.

Layouts (METHODS.md 0.2, 0.6 and 1.7):

* ``nbs``: the basic flow table at producers' prices (投入产出基本流量表, 生产价投入产出表), competitive imports.
  Either the NBS workbook (.xlsx: title and Chinese headers above a row of the NBS column codes ``001 ... TIU
  FU101 FU102 THC FU103 TC FU201 FU202 GCF EX TFU IM ERR GO``; each row carries its Chinese name and its code
  ``001 ... TII VA001 ... VA004 TVA TI``) or the same table as CSV with columns ``Code, Description,
  DescriptionInChinese`` followed by those codes (the layout of the R package ionet, 2002-2020 tables).
  ``read_nbs`` converts the table to non-competitive form by import proportionality (METHODS.md 1.7,
  :mod:`dualcirc.tables.competitive`); ``noncompetitive=False`` returns the raw
  :class:`~dualcirc.tables.competitive.CompetitiveTable`.
* ``nbs_noncompetitive``: the 42-sector tables with a domestic/import split (CSV with an ``Origin`` column:
  ``Domestic`` rows, ``Imports`` rows, ``TOT`` rows), read directly as a non-competitive national table.

Final-use codes map to the canonical categories: FU101 + FU102 (rural + urban households) -> HFCE (or
HFCE_RURAL / HFCE_URBAN with ``households="rural_urban"``), FU103 -> GGFC, FU201 -> GFCF, FU202 -> INVNT, the
"other / error" column ERR -> DISC; where only total consumption TC is given (the split tables) it stays ``TC``.
Exports EX form the ``exports`` vector; imports IM are taken as positive whichever sign the file stores.
Value-added rows VA001-VA004 become COMP, NTP (net taxes on production), DEP and OS.

:func:`attach_employment` adds the sectoral employment series of Wang, Jia & Wang (2021) as a satellite to an NBS
table of the 42-sector classification of 2017-2020 (concordance ``readers/labels/china_employment_nbs42.csv``,
derived by scripts/derive_national_labels.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import InputError, OptionError, ReaderError
from ..tables.competitive import CompetitiveTable, to_noncompetitive
from ..tables.model import DISC, Finding, IOTable, Satellite, TableMeta
from .base import Layout, label_of, numbers, register, require_columns
from .files import frame_columns, read_frame, sheet_names, workbook_grid, year_in
from .sectors import label_table, sector_labels

UNIT = "10,000 CNY (万元)"
SOURCE = "NBS China"
CITATION = ("National Bureau of Statistics of China (国家统计局), China Input-Output Tables (中国投入产出表), "
            "basic flow table at producers' prices")
EMPLOYMENT_CITATION = ("Wang, Jia and Wang (2021), sectoral employment of China 1990-2018, Statistical Research "
                       "38(12); via R package ionet 0.2.2")
REGION = "CHN"

#: primary-input rows: NBS code -> dualcirc code
VA_ROWS = {"VA001": "COMP", "VA002": "NTP", "VA003": "DEP", "VA004": "OS"}
#: NBS sector lists shipped in readers/labels (scripts/derive_national_labels.py), for names of workbook rows
CLASSIFICATIONS = ("china_nbs_2002_122", "china_nbs_2005_42", "china_nbs_2007_135", "china_nbs_2010_41",
                   "china_nbs_2012_139", "china_nbs_2015_42", "china_nbs_2017_149", "china_nbs_2018_153",
                   "china_nbs_2017_42")
EMPLOYMENT_CLASSIFICATION = "china_nbs_2017_42"
#: totals that must equal the sum of their parts (column code -> parts), checked when present
COLUMN_TOTALS = {"THC": ("FU101", "FU102"), "TC": ("FU101", "FU102", "FU103"), "GCF": ("FU201", "FU202")}

labels.register({
    "nbs.HFCE_RURAL": ("Rural household consumption", "农村居民消费支出"),
    "nbs.HFCE_URBAN": ("Urban household consumption", "城镇居民消费支出"),
    "nbs.TC": ("Final consumption (households and government)", "最终消费支出"),
    "nbs.COMP": ("Compensation of employees", "劳动者报酬"),
    "nbs.NTP": ("Net taxes on production", "生产税净额"),
    "nbs.DEP": ("Depreciation of fixed assets", "固定资产折旧"),
    "nbs.OS": ("Operating surplus", "营业盈余"),
    "nbs.employment": ("Employment", "就业人员"),
})


# ---------------------------------------------------------------------------------------------- public API
def read_nbs(path, *, noncompetitive: bool = True, year: int | None = None, sheet: str | None = None,
             include_discrepancy: bool = True, households: str = "total"):
    """Read an NBS national input-output table (CSV or the NBS workbook); see the module docstring.

    Competitive tables are converted to a non-competitive :class:`IOTable` (METHODS.md 1.7; the ERR column counts
    as domestic use unless ``include_discrepancy=False``); ``noncompetitive=False`` returns the
    :class:`CompetitiveTable` instead.  Split (domestic/import) tables are read as they are.  ``year`` defaults to
    the year in the file name or the workbook title.
    """
    path = Path(path)
    if households not in ("total", "rural_urban"):
        raise OptionError(f"households must be 'total' or 'rural_urban', not {households!r}")
    file = str(path)
    if not path.exists():
        raise ReaderError("no such file or directory", file=file)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame, sheet_name, first_row, title = _workbook_frame(path, sheet)
        year = year if year is not None else year_in(title) or year_in(path.name)
    else:
        frame, first_row = read_frame(path, text_columns=("Code",))
        sheet_name = None
        year = year if year is not None else year_in(path.name)
    if "Origin" in frame.columns:
        if not noncompetitive:
            raise OptionError("this table already separates domestic and imported flows (Origin column); "
                              "it has no competitive form to return")
        return _split_table(frame, file=file, first_row=first_row, year=year, households=households)
    table = _competitive(frame, file=file, sheet=sheet_name, first_row=first_row, year=year,
                         households=households)
    return to_noncompetitive(table, include_discrepancy=include_discrepancy) if noncompetitive else table


def attach_employment(table: IOTable, path, *, year: int | None = None) -> IOTable:
    """The table with an ``employment`` satellite (10,000 persons) from ``china_employment_1990_2018.csv.gz``.

    The employment divisions (GB/T 4754-2017) are summed into the NBS 42-sector classification of 2017-2020;
    tables of another classification cannot be matched and raise :class:`InputError`, and a year outside the
    file a :class:`ReaderError`.
    """
    path, file = Path(path), str(path)
    year = year if year is not None else table.meta.year
    if year is None:
        raise InputError("the table has no year; pass year=... to pick the employment column")
    codes, _, chinese = sector_labels(EMPLOYMENT_CLASSIFICATION)
    if table.G != 1 or table.sectors != codes or any(table.sector_names_zh.get(c) != chinese[c] for c in codes):
        raise InputError(f"the employment series can be matched only to the NBS 42-sector classification of "
                         f"2017-2020 (codes 01-42, 农林牧渔产品和服务 ... 公共管理、社会保障和社会组织); this "
                         f"table has {table.G} region(s) x {table.N} sectors ({', '.join(table.sectors[:3])}, ...)")
    frame, first_row = read_frame(path, text_columns=("Code",))
    require_columns(frame, ["Code"], file=file)
    years = sorted(int(c) for c in frame.columns if str(c).isdigit())
    if str(year) not in frame.columns:
        span = f"{years[0]}-{years[-1]}" if years else "no year columns"
        raise ReaderError(f"unknown year {year}: the employment file covers {span}", file=file)
    concordance = _employment_concordance()
    codes_in_file = frame["Code"].map(label_of)
    missing = sorted(set(concordance) - set(codes_in_file))
    if missing:
        raise ReaderError(f"expected employment divisions {missing[:8]} are missing from column Code", file=file)
    rows = codes_in_file.isin(concordance).to_numpy()
    values = numbers(frame.loc[rows, [str(year)]], file=file, first_row=first_row, what="employment")[:, 0]
    employment = pd.Series(values).groupby(codes_in_file[rows].map(concordance).to_numpy()).sum()
    sat = Satellite("employment", employment.reindex(list(codes)).to_numpy(float), "10,000 persons (万人)",
                    label_zh=labels.t("nbs.employment", "zh"))
    note = f"employment {year}: {EMPLOYMENT_CITATION}, divisions summed to the 42 sectors"
    return replace(table, satellites={**dict(table.satellites), "employment": sat},
                   meta=replace(table.meta, notes=tuple(table.meta.notes) + (note,)))


# ---------------------------------------------------------------------------------------------- parsing
def _competitive(frame: pd.DataFrame, *, file, sheet, first_row: int, year, households: str) -> CompetitiveTable:
    """The competitive table of a frame in the canonical layout (Code, Description, DescriptionInChinese, codes)."""
    require_columns(frame, ["Code", "TIU", "EX", "IM", "GO"], file=file, sheet=sheet)
    sectors = _sector_columns(frame, after="DescriptionInChinese", file=file, sheet=sheet)
    codes = frame["Code"].map(label_of)
    rows = _row_positions(codes, sectors, file=file, sheet=sheet, first_row=first_row)
    va_rows = _row_positions(codes, list(VA_ROWS), file=file, sheet=sheet, first_row=first_row, contiguous=False)
    categories, fd_columns = _final_use(frame.columns, households, file=file, sheet=sheet)
    Z, F, final = _flows(frame, rows, sectors, fd_columns, ("EX", "IM", "GO"), file=file, sheet=sheet,
                         first_row=first_row, what="")
    W = _va_block(frame, va_rows, sectors, file=file, sheet=sheet, first_row=first_row)
    _check_totals(frame, codes, rows, sectors, Z, W, final["GO"].to_numpy(), file=file, sheet=sheet,
                  first_row=first_row)
    imports = final["IM"].to_numpy()
    imports = -imports if imports.sum() < 0 else imports
    english, chinese = _sector_names(frame, rows, sectors)
    return CompetitiveTable(
        regions=(REGION,), sectors=tuple(sectors), fd_categories=tuple(categories),
        va_rows=tuple(VA_ROWS.values()), Z=Z, F=F[:, None, :], exports=final["EX"].to_numpy(), imports=imports, W=W,
        x=final["GO"].to_numpy(), meta=_meta(len(sectors), year, file, ("published with competitive imports",)),
        discrepancy=DISC if DISC in categories else None, sector_names=english, sector_names_zh=chinese)


def _split_table(frame: pd.DataFrame, *, file, first_row: int, year, households: str) -> IOTable:
    """A table with Domestic / Imports / TOT rows (the 42-sector split tables) as a non-competitive IOTable."""
    require_columns(frame, ["Code", "Origin", "TIU", "EX", "GO"], file=file)
    sectors = _sector_columns(frame, after="Origin", file=file)
    codes, origin = frame["Code"].map(label_of), frame["Origin"].map(label_of)
    positions = {}
    for part in ("Domestic", "Imports"):
        found = np.flatnonzero(origin.to_numpy() == part)
        if found.size == 0:
            raise ReaderError(f"expected rows with Origin = {part!r}; found {sorted(set(origin))}", file=file,
                              column="Origin")
        positions[part] = found[_row_positions(codes.iloc[found].reset_index(drop=True), sectors, file=file,
                                               first_row=first_row + int(found[0]))]
    va_rows = _row_positions(codes.where(origin == "TOT", ""), list(VA_ROWS), file=file, first_row=first_row,
                             contiguous=False)
    categories, fd_columns = _final_use(frame.columns, households, file=file)
    blocks = {part: _flows(frame, rows, sectors, fd_columns, ("EX", "GO"), file=file, sheet=None,
                           first_row=first_row, what=f"{part.lower()} ") for part, rows in positions.items()}
    W = _va_block(frame, va_rows, sectors, file=file, sheet=None, first_row=first_row)
    (Zd, Yd, dom), (Zm, Ym, imp) = blocks["Domestic"], blocks["Imports"]
    reexports = float(imp["EX"].sum())
    notes = (f"imports re-exported (EX of the import rows, {reexports:,.6g} {UNIT}) are not part of Zm/Ym",)
    english, chinese = _sector_names(frame, positions["Domestic"], sectors)
    table = IOTable.from_arrays(
        Zd, Yd[:, None, :], dom["GO"].to_numpy(), regions=(REGION,), sectors=sectors, fd_categories=categories,
        va=W, va_rows=tuple(VA_ROWS.values()), exports=dom["EX"].to_numpy(), Zm=Zm, Ym=Ym[:, None, :],
        meta=_meta(len(sectors), year, file, ("published with a domestic/import split",) + notes),
        sector_names=english, sector_names_zh=chinese)
    return replace(table, checks=table.checks + (Finding("info", "reexports", notes[0]),))


def _flows(frame, rows, sectors, fd_columns, extra, *, file, sheet, first_row: int, what: str):
    """Intermediate block Z, final use F (one column per category: the sum of its NBS columns) and the frame of the
    final-use and ``extra`` columns, for the sector rows at ``rows``."""
    body = frame.iloc[rows]
    start = first_row + int(rows[0])
    Z = numbers(body[sectors], file=file, sheet=sheet, first_row=start, what=f"{what}intermediate block")
    cols = sorted({c for group in fd_columns for c in group} | set(extra), key=list(frame.columns).index)
    final = pd.DataFrame(numbers(body[cols], file=file, sheet=sheet, first_row=start, what=f"{what}final-use block"),
                         columns=cols)
    F = np.stack([final[list(group)].sum(axis=1).to_numpy() for group in fd_columns], axis=1)
    return Z, F, final


def _sector_columns(frame: pd.DataFrame, *, after: str, file, sheet=None) -> list[str]:
    """The sector codes: the columns between the label column ``after`` and TIU (total intermediate use)."""
    require_columns(frame, [after], file=file, sheet=sheet)
    columns = [label_of(c) for c in frame.columns]
    start, stop = columns.index(after) + 1, columns.index("TIU")
    sectors = columns[start:stop]
    if not sectors:
        raise ReaderError(f"expected the sector columns between {after!r} and 'TIU'; found none", file=file,
                          sheet=sheet)
    return sectors


def _row_positions(codes: pd.Series, wanted: list[str], *, file, first_row: int, sheet=None,
                   contiguous: bool = True) -> np.ndarray:
    """Positions of the rows whose code is in ``wanted`` (in that order); the sector rows must be consecutive."""
    where = {}
    for pos, code in enumerate(codes):
        where.setdefault(code, pos)
    missing = [c for c in wanted if c not in where]
    if missing:
        raise ReaderError(f"expected row code(s) {missing[:8]} in column Code; found {list(dict.fromkeys(codes))[:8]}"
                          f"{' ...' if codes.nunique() > 8 else ''}", file=file, sheet=sheet, column="Code")
    rows = np.array([where[c] for c in wanted])
    if contiguous:
        start = int(rows.min())
        block = codes.iloc[start:start + len(wanted)].tolist()
        off = next((k for k, (found, code) in enumerate(zip(block, wanted)) if found != code), None)
        if off is not None:
            raise ReaderError(f"the sector rows are out of order: expected code {wanted[off]!r} here (the same order "
                              f"as the sector columns), found {block[off]!r}", file=file, sheet=sheet,
                              row=first_row + start + off, column="Code")
    return rows


def _final_use(columns, households: str, *, file, sheet=None) -> tuple[list[str], list[tuple[str, ...]]]:
    """Final-use categories and the NBS columns that make up each (see the module docstring)."""
    present = {label_of(c) for c in columns}
    groups: list[tuple[str, tuple[str, ...]]] = []
    if {"FU101", "FU102", "FU103"} <= present:
        groups += ([("HFCE", ("FU101", "FU102"))] if households == "total"
                   else [("HFCE_RURAL", ("FU101",)), ("HFCE_URBAN", ("FU102",))])
        groups.append(("GGFC", ("FU103",)))
    elif "TC" in present:
        if households == "rural_urban":
            raise OptionError("households='rural_urban' needs columns FU101 and FU102; this table has only total "
                              "consumption TC")
        groups.append(("TC", ("TC",)))
    else:
        raise ReaderError("expected consumption columns FU101, FU102 and FU103 (or TC)", file=file, sheet=sheet)
    missing = [c for c in ("FU201", "FU202") if c not in present]
    if missing:
        raise ReaderError(f"expected capital-formation column(s) {missing}", file=file, sheet=sheet)
    groups += [("GFCF", ("FU201",)), ("INVNT", ("FU202",))]
    if "ERR" in present:
        groups.append((DISC, ("ERR",)))
    return [g[0] for g in groups], [g[1] for g in groups]


def _va_block(frame: pd.DataFrame, rows: np.ndarray, sectors: list[str], *, file, sheet, first_row: int) -> np.ndarray:
    """The four value-added rows (VA001-VA004) over the sector columns."""
    return np.vstack([numbers(frame.iloc[[r]][sectors], file=file, sheet=sheet, first_row=first_row + int(r),
                              what="value-added rows") for r in rows])


def _check_totals(frame, codes, rows, sectors, Z, W, x, *, file, sheet, first_row: int) -> None:
    """Published totals must equal the sum of their parts; a mismatch means a truncated, shifted or mistyped table
    and is reported at the first offending cell.  Allowance: 1e-6 relative plus half a unit per summed entry."""
    body = frame.iloc[rows]
    start = first_row + int(rows[0])
    parts = {"TIU": Z.sum(1)}
    for total, columns in COLUMN_TOTALS.items():
        if total in frame.columns and set(columns) <= set(frame.columns):
            parts[total] = numbers(body[list(columns)], file=file, sheet=sheet, first_row=start,
                                   what="final-use block").sum(1)
    slack = 0.5 * len(sectors)
    for code, computed in parts.items():
        given = numbers(body[[code]], file=file, sheet=sheet, first_row=start, what=f"column {code}")[:, 0]
        _compare(code, given, computed, slack, file=file, sheet=sheet,
                 where=lambda k: (start + k, code))
    for code, computed in (("TII", Z.sum(0)), ("TVA", W.sum(0)), ("TI", x)):
        hit = np.flatnonzero(codes.to_numpy() == code)
        if hit.size:
            row = first_row + int(hit[0])
            given = numbers(frame.iloc[hit[:1]][sectors], file=file, sheet=sheet, first_row=row, what=f"row {code}")[0]
            _compare(code, given, computed, slack, file=file, sheet=sheet, where=lambda k: (row, sectors[k]))


def _compare(code, given, computed, slack, *, file, sheet, where) -> None:
    bad = np.flatnonzero(np.abs(given - computed) > 1e-6 * np.maximum(np.abs(given), 1.0) + slack)
    if bad.size:
        k = int(bad[0])
        row, column = where(k)
        raise ReaderError(f"total {code} is {given[k]:,.6g} but its parts sum to {computed[k]:,.6g}; the table is "
                          "truncated, shifted or mistyped", file=file, sheet=sheet, row=row, column=column)


def _sector_names(frame: pd.DataFrame, rows: np.ndarray, sectors: list[str]) -> tuple[dict, dict]:
    """English and Chinese sector names from the file's description columns, else from the shipped NBS lists."""
    chinese = {}
    if "DescriptionInChinese" in frame.columns:
        chinese = {s: label_of(v) for s, v in zip(sectors, frame["DescriptionInChinese"].iloc[rows])}
    if "Description" in frame.columns and frame["Description"].iloc[rows].map(label_of).all():
        return {s: label_of(v) for s, v in zip(sectors, frame["Description"].iloc[rows])}, chinese
    best = max((c for c in CLASSIFICATIONS if len(sector_labels(c)[0]) == len(sectors)), default=None,
               key=lambda c: sum(chinese.get(s) in sector_labels(c)[2].values() for s in sectors))
    if best is None:
        return {}, chinese
    codes, english, zh = sector_labels(best)
    by_chinese = {zh[c]: english[c] for c in codes}
    return {s: by_chinese[chinese[s]] for s in sectors if chinese.get(s) in by_chinese}, chinese


def _meta(sectors: int, year, file, notes=()) -> TableMeta:
    return TableMeta(source=SOURCE, edition=f"national IO table ({sectors} sectors)", year=year, unit=UNIT,
                     citation=CITATION, file=file, notes=tuple(notes))


def _employment_concordance() -> dict[str, str]:
    """Employment division (GB/T 4754-2017) -> NBS 42-sector code (``labels/china_employment_nbs42.csv``)."""
    table = label_table("china_employment_nbs42")
    return dict(zip(table["employment_code"], table["sector"]))


# ---------------------------------------------------------------------------------------------- workbook
def _workbook_frame(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str, int, str]:
    """The NBS workbook's table in the canonical layout, its sheet, the file row of the frame's first row and the
    title (the text above the header, where the year is written)."""
    file = str(path)
    name, grid = workbook_grid(path, sheet if sheet is not None else _flow_sheet(path))
    cells = grid.map(label_of)
    header = next((r for r in range(min(20, len(cells))) if {"TIU", "GO"} <= set(cells.iloc[r])), None)
    if header is None:
        raise ReaderError("expected a header row with the NBS column codes (001 ... TIU FU101 ... GO) within the "
                          "first 20 rows", file=file, sheet=name)
    below = cells.iloc[header + 1:]
    code_col = next((c for c in range(min(6, cells.shape[1])) if (below[c] == "VA001").any()), None)
    if code_col is None:
        raise ReaderError("expected a column of row codes (001 ... TII VA001 ... TI) left of the values", file=file,
                          sheet=name)
    first_value = next(c for c in range(code_col + 1, cells.shape[1]) if cells.iat[header, c])
    name_col = max((c for c in range(first_value) if c != code_col),
                   key=lambda c: below[c].str.contains(r"[\u4e00-\u9fff]").sum(), default=None)
    last = int(np.flatnonzero(below[code_col].to_numpy() != "")[-1]) + header + 1
    body = grid.iloc[header + 1:last + 1, first_value:]
    body.columns = [label_of(c) for c in grid.iloc[header, first_value:]]
    body = body.loc[:, [c != "" for c in body.columns]]
    labels_part = pd.DataFrame({"Code": cells.iloc[header + 1:last + 1, code_col],
                                "DescriptionInChinese": (cells.iloc[header + 1:last + 1, name_col]
                                                         if name_col is not None else "")})
    frame = pd.concat([labels_part, body], axis=1).reset_index(drop=True)
    title = " ".join(t for t in cells.iloc[:header].to_numpy().ravel() if t)
    return frame, name, header + 2, title


def _flow_sheet(path: Path) -> str | None:
    """The sheet holding the basic flow table: the first whose name mentions 流量, 生产价 or 投入产出表."""
    names = sheet_names(path)
    return next((n for key in ("流量", "生产价", "投入产出表") for n in names if key in n), None)


# ---------------------------------------------------------------------------------------------- layouts
def _detect_csv(path: Path, split: bool) -> bool:
    if not path.name.lower().endswith((".csv", ".csv.gz")):
        return False
    columns = set(frame_columns(path))
    return {"Code", "TIU", "EX", "GO"} <= columns and ("Origin" in columns) == split and (split or "IM" in columns)


def _detect_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm") and _flow_sheet(path) is not None


register(Layout("nbs", "China NBS national IO table, competitive imports (NBS workbook, or CSV Code/Description/"
                "DescriptionInChinese/001.../TIU/FU101.../IM/GO), converted to non-competitive (METHODS.md 1.7)",
                lambda p: _detect_csv(p, split=False) or _detect_workbook(p), read_nbs))
register(Layout("nbs_noncompetitive", "China NBS 42-sector IO table with a domestic/import split (CSV with an "
                "Origin column: Domestic, Imports, TOT)", lambda p: _detect_csv(p, split=True), read_nbs))
