"""Reader for the OECD national Input-Output Tables, 2021 edition (total use at basic prices, million USD).

The IOTs are competitive-import tables: each of the 45 industry rows holds domestic and imported products, with
exports in ``EXPO`` and imports in ``IMPO`` (stored negative).  ``read_oecd_iot`` converts them to non-competitive
national tables by import proportionality (METHODS.md 1.7, :mod:`dualcirc.tables.competitive`);
``noncompetitive=False`` returns the raw :class:`~dualcirc.tables.competitive.CompetitiveTable`.

Layouts (layout name ``oecd_iot``):

* the wide yearly frames of the R package ionet (``OECD21ed_CCC_1995to2018``, stacked as CSV with columns
  ``Country, Year, Code, Description``, industries ``01 ... 45`` (the OECD's order), ``HFCE, NPISH, GGFC, GFCF,
  INVNT, CONS_ABR, CONS_NONRES, EXPO, IMPO``; rows 01-45 then ``TXS_IMP_FNL, TXS_INT_FNL, TTL_INT_FNL, VALU,
  OUTPUT``);
* the OECD.Stat download of the IOTS cube (long CSV with ``VAR, COU, ROW, COL, TIME`` or ``Time`` and ``Value``
  plus label columns): ``VAR = TTL`` holds the total flows, ``ROW`` codes ``TTL_<industry>`` and the rows above,
  ``COL`` codes ``D<industry>`` and the final-use codes.

Industries carry the OECD's ISIC Rev. 4 group codes (``01T02, 03, 05T06 ...``; ionet's 01-45 are mapped by
position), with names from the ICIO sector list (``readers/labels/oecd_icio_sectors.csv``, edition 2021).
Final-use categories: HFCE, NPISH, GGFC, GFCF, INVNT and the OECD's CONS_ABR (direct purchases abroad by residents)
and CONS_NONRES (purchases by non-residents on the domestic territory, negative: they are in HFCE and in EXPO).
Primary inputs: TLS_ABR (TXS_IMP_FNL, product taxes paid abroad), TLS (TXS_INT_FNL, net taxes on products) and VA
(VALU, value added at basic prices).  Net taxes on final products (tax rows x final-use columns) lie outside the
Leontief system and are reported in ``meta.notes``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import ReaderError
from ..tables.competitive import CompetitiveTable, to_noncompetitive
from ..tables.model import TableMeta
from .base import Layout, label_of, numbers, register, require_columns
from .files import frame_columns, read_frame
from .sectors import label_table

UNIT = "million USD"
CITATION = "OECD (2021), OECD Input-Output Tables (IOTs), 2021 edition, http://oe.cd/i-o"
FINAL_USE = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "CONS_ABR", "CONS_NONRES")
#: primary-input rows: OECD code -> dualcirc code
PRIMARY = {"TXS_IMP_FNL": "TLS_ABR", "TXS_INT_FNL": "TLS", "VALU": "VA"}
SPECIAL_ROWS = (*PRIMARY, "TTL_INT_FNL", "OUTPUT")
#: published values are rounded to 0.1 million USD: rows and columns of about 55 entries balance to about 1
ROUNDING_SLACK = 2.0
#: from_arrays' relative row tolerance: rounding leaves rows off by up to 3e-4 of output in the CHN and JPN tables
TOL_BALANCE = 1e-3
LONG_COLUMNS = ("COU", "ROW", "COL", "Value")

labels.register({
    "oecd_iot.CONS_ABR": ("Direct purchases abroad by residents", "居民在国外的直接购买"),
    "oecd_iot.CONS_NONRES": ("Direct purchases by non-residents in the domestic territory", "非居民在国内的直接购买"),
    "oecd_iot.TLS_ABR": ("Taxes less subsidies on products paid abroad", "在国外缴纳的产品税减补贴"),
    "oecd_iot.TLS": ("Taxes less subsidies on products", "产品税减补贴"),
    "oecd_iot.VA": ("Value added at basic prices", "基本价格增加值"),
})


def read_oecd_iot(path, year: int | None = None, *, country: str | None = None, noncompetitive: bool = True,
                  include_discrepancy: bool = True):
    """Read an OECD IOT file (see the module docstring): one table for ``year``, or ``{year: table}`` for all years.

    ``country`` picks one country of a multi-country download.  Unknown years or countries are a ReaderError.
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise ReaderError("no such file or directory", file=file)
    frame, first_row = read_frame(path, text_columns=("Code", "ROW", "COL", "COU", "Country", "VAR"))
    if {"ROW", "Value"} <= set(frame.columns):
        tables = _long_tables(frame, file=file, first_row=first_row)
    else:
        tables = _wide_tables(frame, file=file, first_row=first_row)
    countries = sorted({c for c, _ in tables})
    if country is None and len(countries) > 1:
        raise ReaderError(f"the file holds {len(countries)} countries ({', '.join(countries[:8])}); pass country=...",
                          file=file)
    country = country or countries[0]
    if country not in countries:
        raise ReaderError(f"unknown country {country!r}; the file holds {', '.join(countries)}", file=file)
    years = sorted(y for c, y in tables if c == country)
    if year is not None and int(year) not in years:
        raise ReaderError(f"unknown year {year}: the file covers {years[0]}-{years[-1]} for {country}", file=file)

    def build(y: int):
        table = _competitive(tables[country, y], country, y, file=file)
        return (to_noncompetitive(table, include_discrepancy=include_discrepancy, tol_balance=TOL_BALANCE)
                if noncompetitive else table)

    if year is not None:
        return build(int(year))
    return {y: build(y) for y in years} if len(years) > 1 else build(years[0])


# ---------------------------------------------------------------------------------------------- layouts
def _wide_tables(frame: pd.DataFrame, *, file, first_row: int) -> dict[tuple[str, int], tuple[pd.DataFrame, int]]:
    """ionet's stacked wide frames: ``{(country, year): (block indexed by row code, file row of its first row)}``."""
    require_columns(frame, ["Country", "Year", "Code", *FINAL_USE, "EXPO", "IMPO"], file=file)
    out = {}
    for (country, year), block in frame.groupby(["Country", "Year"], sort=False):
        block = block.assign(Code=block["Code"].map(label_of))
        start = first_row + int(block.index[0])
        out[str(country), int(year)] = (block.drop(columns=["Country", "Year"]).set_index("Code"), start)
    return out


def _long_tables(frame: pd.DataFrame, *, file, first_row: int) -> dict[tuple[str, int], tuple[pd.DataFrame, None]]:
    """The OECD.Stat long download pivoted to one block per (country, year); rows and columns as OECD codes."""
    time = "Time" if "Time" in frame.columns and "TIME" not in frame.columns else "TIME"
    require_columns(frame, [*LONG_COLUMNS, time], file=file)
    if "VAR" in frame.columns:
        frame = frame[frame["VAR"].map(label_of) == "TTL"]
        if frame.empty:
            raise ReaderError("expected rows with VAR = TTL (total flows, domestic and imported)", file=file,
                              column="VAR")
    numeric = {}
    for column in (time, "Value"):
        numeric[column] = pd.to_numeric(frame[column], errors="coerce")
        bad = np.flatnonzero(numeric[column].isna().to_numpy() & frame[column].notna().to_numpy())
        if bad.size:
            k = int(bad[0])
            raise ReaderError(f"non-numeric cell {frame[column].iloc[k]!r}; expected a number", file=file,
                              row=first_row + int(frame.index[k]), column=column)
    values = numeric["Value"]
    cells = pd.DataFrame({"COU": frame["COU"].map(label_of), "TIME": numeric[time], "ROW": frame["ROW"].map(_row_code),
                          "COL": frame["COL"].map(_column_code), "Value": values.fillna(0.0)})
    dup = cells.duplicated(["COU", "TIME", "ROW", "COL"], keep=False)
    if dup.any():
        k = int(np.flatnonzero(dup.to_numpy())[0])
        raise ReaderError(f"cell ROW={frame['ROW'].iloc[k]} COL={frame['COL'].iloc[k]} appears more than once for "
                          f"{cells['COU'].iloc[k]} {cells['TIME'].iloc[k]}", file=file,
                          row=first_row + int(frame.index[k]))
    out = {}
    for (country, year), part in cells.groupby(["COU", "TIME"], sort=False):
        out[country, int(year)] = (part.pivot(index="ROW", columns="COL", values="Value").fillna(0.0), None)
    return out


def _row_code(value) -> str:
    """``TTL_01T02`` or ``TTL_D01T02`` -> ``01T02``; the special rows (``VALU`` ...) unchanged."""
    code = label_of(value)
    if code in SPECIAL_ROWS:
        return code
    return _column_code(code[4:] if code.startswith("TTL_") else code)


def _column_code(value) -> str:
    """``D01T02`` -> ``01T02``; final-use codes unchanged."""
    code = label_of(value)
    return code[1:] if len(code) > 1 and code[0] == "D" and code[1].isdigit() else code


# ---------------------------------------------------------------------------------------------- table
def _industries() -> tuple[list[str], dict[str, str], dict[str, str]]:
    catalogue = label_table("oecd_icio_sectors")
    rows = catalogue[catalogue["edition"] == "2021"]
    return list(rows["code"]), dict(zip(rows["code"], rows["en"])), dict(zip(rows["code"], rows["zh"]))


def _competitive(part: tuple[pd.DataFrame, int | None], country: str, year: int, *, file) -> CompetitiveTable:
    """The competitive table of one country-year block (rows and columns labelled by OECD codes)."""
    block, start = part
    codes, english, chinese = _industries()
    rows = [c for c in block.index if c not in SPECIAL_ROWS]
    # ionet numbers the industries 01-45 in the OECD's order; the file's labels are kept for error messages
    labels_ = rows if start is not None and rows == [f"{k:02d}" for k in range(1, len(codes) + 1)] else codes
    where = f"{country} {year}"
    if start is None:                       # OECD.Stat downloads may omit zero cells, never VALU or OUTPUT
        absent = [r for r in ("VALU", "OUTPUT") if r not in block.index]
        if absent:
            raise ReaderError(f"{where}: expected rows {absent} (ROW codes) in the download", file=file,
                              column="ROW")
        block = block.reindex(index=[*codes, *SPECIAL_ROWS], columns=[*codes, *FINAL_USE, "EXPO", "IMPO"],
                              fill_value=0.0)
    missing_rows = [c for c in (*labels_, *PRIMARY, "OUTPUT") if c not in block.index]
    missing_cols = [c for c in (*labels_, *FINAL_USE, "EXPO", "IMPO") if c not in block.columns]
    if missing_rows or missing_cols:
        raise ReaderError(f"{where}: expected the 45 industries of the 2021 edition ({codes[0]} ... {codes[-1]}) as "
                          f"rows and columns, the rows {list(PRIMARY)} and OUTPUT; missing rows {missing_rows[:6]}, "
                          f"columns {missing_cols[:6]}", file=file)

    def cells(row_codes, col_codes, what) -> np.ndarray:
        sub = block.loc[list(row_codes), list(col_codes)]
        if start is None:
            return sub.to_numpy(float)
        first = start + block.index.get_loc(row_codes[0])
        return numbers(sub, file=file, first_row=first, what=f"{what} ({where})")

    Z = cells(labels_, labels_, "intermediate block")
    final = cells(labels_, (*FINAL_USE, "EXPO", "IMPO"), "final-use block")
    W = np.vstack([cells([r], labels_, f"row {r}") for r in PRIMARY])
    x = cells(["OUTPUT"], labels_, "row OUTPUT")[0]
    if "TTL_INT_FNL" in block.index:
        total = cells(["TTL_INT_FNL"], labels_, "row TTL_INT_FNL")[0]
        gap = np.abs(total - Z.sum(0) - W[:2].sum(0))
        if gap.max() > ROUNDING_SLACK:
            k = int(np.argmax(gap))
            raise ReaderError(f"{where}: TTL_INT_FNL of industry {codes[k]} is {total[k]:,.1f} but the intermediate "
                              f"inputs and product taxes sum to {Z[:, k].sum() + W[:2, k].sum():,.1f}; the table is "
                              "truncated, shifted or mistyped", file=file, column=labels_[k])
    final_taxes = cells(list(PRIMARY)[:2], FINAL_USE, "taxes on final use").sum()
    meta = TableMeta(source="OECD", edition="IOTs 2021 edition", year=year, unit=UNIT, citation=CITATION, file=file,
                     notes=("published as a total-use (competitive-import) table",
                            f"net taxes on final products, {final_taxes:,.1f} {UNIT}, are outside the table"))
    return CompetitiveTable(
        regions=(country,), sectors=tuple(codes), fd_categories=FINAL_USE, va_rows=tuple(PRIMARY.values()), Z=Z,
        F=final[:, None, :len(FINAL_USE)], exports=final[:, -2], imports=-final[:, -1], W=W, x=x, meta=meta,
        sector_names=english, sector_names_zh=chinese)


def _detect(path: Path) -> bool:
    if not path.name.lower().endswith((".csv", ".csv.gz")):
        return False
    columns = set(frame_columns(path))
    return ({"Country", "Year", "Code", "EXPO", "IMPO", "CONS_ABR"} <= columns
            or (set(LONG_COLUMNS) <= columns and bool({"TIME", "Time"} & columns)))


register(Layout("oecd_iot", "OECD national IOTs 2021 edition (ionet wide CSV, or OECD.Stat long CSV VAR/COU/ROW/COL/"
                "TIME/Value), converted to non-competitive (METHODS.md 1.7)", _detect, read_oecd_iot))
