"""Loaders for macro series as users download them (METHODS.md section 5 inputs).

Two publishers, the layouts found in public repositories:

* **World Bank WDI**: the bulk/API CSV (``API_<code>_DS2_en_csv_v2_*.csv``: four preamble lines
  ``"Data Source","World Development Indicators",`` / blank / ``"Last Updated Date",...`` / blank, then
  ``Country Name,Country Code,Indicator Name,Indicator Code,1960,...``) and the same table in an xlsx sheet; also
  the DataBank export (``Series Name,Series Code,Country Name,Country Code,1990 [YR1990],...``, ``..`` for
  missing, footer lines ``Data from database: ...`` / ``Last Updated: ...``) as CSV or xlsx.
* **NBS data.stats.gov.cn** exports (CSV, often GBK-encoded, or xls/xlsx): preamble ``数据库：年度数据`` /
  ``时间：最近20年`` (provincial data: ``数据库：分省年度数据`` / ``指标：地区生产总值(亿元)``), a header row
  ``指标,2019年,2018年,...`` (or ``地区,2019年,...``), one row per indicator (or region), then ``注：...`` and
  ``数据来源：国家统计局``.  The transposed export (years down the first column) is read too.

Every loader returns a :class:`~dualcirc.tables.macro.MacroDataset` and raises a
:class:`~dualcirc.errors.ReaderError` naming the file, sheet, row and column of anything it cannot read.
Units are taken from the labels (``国内生产总值(亿元)``, ``GDP (current US$)``) by :func:`parse_unit`.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import ReaderError
from ..tables.macro import META_COLUMNS, MacroDataset

WDI_SOURCE = "World Bank, World Development Indicators"
NBS_SOURCE = "National Bureau of Statistics of China (data.stats.gov.cn)"


# ------------------------------------------------------------------------------------------------ units
@dataclass(frozen=True)
class Unit:
    """What a label's unit says: display text, currency and scale (value x scale = amount), price basis."""

    text: str
    currency: str | None = None
    scale: float = 1.0
    price_basis: str = "current"


#: NBS unit suffixes (in full-width or ASCII brackets) -> Unit
_NBS_UNITS = {
    "亿元": Unit("100 million CNY", "CNY", 1e8),
    "万元": Unit("10,000 CNY", "CNY", 1e4),
    "元": Unit("CNY", "CNY", 1.0),
    "元/人": Unit("CNY per person", "CNY", 1.0),
    "亿美元": Unit("100 million USD", "USD", 1e8),
    "百万美元": Unit("million USD", "USD", 1e6),
    "万美元": Unit("10,000 USD", "USD", 1e4),
    "千美元": Unit("thousand USD", "USD", 1e3),
    "美元": Unit("USD", "USD", 1.0),
    "万人": Unit("10,000 persons", None, 1e4, "none"),
    "人": Unit("persons", None, 1.0, "none"),
    "%": Unit("%", None, 1.0, "none"),
    "‰": Unit("per mille", None, 1.0, "none"),
    "百分点": Unit("percentage points", None, 1.0, "none"),
    "上年=100": Unit("index, previous year = 100", None, 1.0, "index_prev100"),
}

#: WDI unit phrases in indicator names -> Unit
_WDI_UNITS = (
    (re.compile(r"\(current US\$\)"), Unit("current USD", "USD", 1.0)),
    (re.compile(r"\(current LCU\)"), Unit("current local currency units", "LCU", 1.0)),
    (re.compile(r"\(constant (\d{4}) US\$\)"), Unit("constant USD", "USD", 1.0, "constant")),
    (re.compile(r"\(constant LCU\)"), Unit("constant local currency units", "LCU", 1.0, "constant")),
    (re.compile(r"\(LCU per US\$, period average\)"), Unit("LCU per USD, period average", "LCU/USD", 1.0)),
    (re.compile(r"\(annual %\)"), Unit("% a year", None, 1.0, "none")),
    (re.compile(r"\(% of GDP\)"), Unit("% of GDP", None, 1.0, "none")),
    (re.compile(r"^(Population|Labor force), total$"), Unit("persons", None, 1.0, "none")),
)

_NBS_LABEL = re.compile(r"^(?P<name>.*?)\s*[(（](?P<unit>[^()（）]*)[)）]\s*$")


def parse_unit(label: str) -> tuple[str, Unit]:
    """Split an NBS label ``国内生产总值(亿元)`` into name and :class:`Unit`, or read the unit of a WDI name.

    Labels without a recognised unit keep their text and get ``Unit("")``.
    """
    label = str(label).strip()
    match = _NBS_LABEL.match(label)
    if match and match.group("unit").strip() in _NBS_UNITS:
        return match.group("name").strip(), _NBS_UNITS[match.group("unit").strip()]
    if match and re.fullmatch(r"\d{4}年=100", match.group("unit").strip()):
        base = match.group("unit")[:4]
        return match.group("name").strip(), Unit(f"index, {base} = 100", None, 1.0, "none")
    for pattern, unit in _WDI_UNITS:
        if pattern.search(label):
            return label, unit
    return label, Unit("")


# ------------------------------------------------------------------------------------------------ raw rows
def _read_rows(path: Path, sheet: str | int | None) -> tuple[list[list[object]], str | None]:
    """Every row of a CSV (UTF-8 or GB18030) or of one spreadsheet sheet, cells as str/float/None."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        if suffix == ".xls" and importlib.util.find_spec("xlrd") is None:
            raise ReaderError("reading .xls needs the xlrd package; install it or save the file as .xlsx or CSV",
                              file=str(path))
        try:
            book = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
        except Exception as exc:  # noqa: BLE001 - any parser failure is reported with the file name
            raise ReaderError(f"not a readable spreadsheet ({exc})", file=str(path)) from exc
        if sheet is None:
            sheet = "Data" if "Data" in book else next(iter(book))
        elif isinstance(sheet, int):
            sheet = list(book)[sheet]
        if sheet not in book:
            raise ReaderError(f"no sheet {sheet!r}; sheets: {list(book)}", file=str(path))
        frame = book[sheet]
        rows = [[None if _is_blank(v) else v for v in row] for row in frame.itertuples(index=False)]
        return rows, str(sheet)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReaderError("the file is neither UTF-8 nor GBK/GB18030 text", file=str(path))
    rows = [[None if _is_blank(v) else v.strip() for v in row] for row in csv.reader(io.StringIO(text))]
    return rows, None


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _first_cell(row: list[object]) -> str:
    return str(row[0]).strip() if row and row[0] is not None else ""


def _number(value: object, *, missing: tuple[str, ...], file, sheet, row: int, column: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", "")
    if text in missing:
        return math.nan
    try:
        return float(text)
    except ValueError:
        hint = " (or '..' for a missing value)" if ".." in missing else " (or an empty cell)"
        raise ReaderError(f"non-numeric cell {value!r}; expected a number{hint}",
                          file=file, sheet=sheet, row=row, column=column) from None


def _dataset(name: str, records: list[tuple[str, int, str, float]], meta: dict[str, dict],
             economies: dict[str, tuple[str, str]], *, file) -> MacroDataset:
    values = pd.DataFrame(records, columns=["economy", "year", "series", "value"]).dropna(subset=["value"])
    if values.empty:
        raise ReaderError("no numeric values found below the header row", file=file)
    series_meta = pd.DataFrame.from_dict(meta, orient="index").reindex(columns=list(META_COLUMNS))
    series_meta.index.name = "series"
    econ = pd.DataFrame([(k, en, zh) for k, (en, zh) in economies.items()],
                        columns=["economy", "name_en", "name_zh"])
    return MacroDataset(name=name, values=values.reset_index(drop=True), series_meta=series_meta, economies=econ)


# ------------------------------------------------------------------------------------------------ WDI
_WDI_YEAR = re.compile(r"^(\d{4})(?:\.0)?(?: \[YR\d{4}\])?$")


def read_wdi(path: str | Path, *, sheet: str | int | None = None) -> MacroDataset:
    """A World Bank WDI download (bulk/API CSV, DataBank CSV, or either as xlsx) as a MacroDataset."""
    path = Path(path)
    rows, sheet_name = _read_rows(path, sheet)
    file = str(path)
    header_at = next((i for i, row in enumerate(rows[:30])
                      if "Country Code" in [str(c).strip() for c in row if c is not None]), None)
    if header_at is None:
        raise ReaderError("no header row with 'Country Code' in the first 30 rows; expected the WDI layout "
                          "'Country Name,Country Code,Indicator Name,Indicator Code,1960,...'",
                          file=file, sheet=sheet_name)
    header = [str(c).strip() if c is not None else "" for c in rows[header_at]]
    series_code_col = "Indicator Code" if "Indicator Code" in header else "Series Code"
    series_name_col = "Indicator Name" if series_code_col == "Indicator Code" else "Series Name"
    for needed in ("Country Name", series_code_col, series_name_col):
        if needed not in header:
            raise ReaderError(f"header row lacks {needed!r}; found {header[:6]}", file=file, sheet=sheet_name,
                              row=header_at + 1)
    year_cols = {i: int(_WDI_YEAR.match(h).group(1)) for i, h in enumerate(header) if _WDI_YEAR.match(h)}
    if not year_cols:
        raise ReaderError("no year columns ('1960' or '1960 [YR1960]') in the header row", file=file,
                          sheet=sheet_name, row=header_at + 1)
    at = {name: header.index(name) for name in ("Country Name", "Country Code", series_code_col, series_name_col)}
    records, meta, economies, seen = [], {}, {}, set()
    for r in range(header_at + 1, len(rows)):
        row = rows[r] + [None] * (len(header) - len(rows[r]))
        first = _first_cell(row)
        if not any(c is not None for c in row) or first.startswith(("Data from database", "Last Updated")):
            continue
        economy, code = row[at["Country Code"]], row[at[series_code_col]]
        if economy is None or code is None:
            raise ReaderError("row without a country code or indicator code", file=file, sheet=sheet_name,
                              row=r + 1, column="Country Code" if economy is None else series_code_col)
        economy, code = str(economy).strip(), str(code).strip()
        if (economy, code) in seen:
            raise ReaderError(f"economy {economy} and indicator {code} appear twice", file=file,
                              sheet=sheet_name, row=r + 1)
        seen.add((economy, code))
        economies[economy] = (str(row[at["Country Name"]] or ""), "")
        if code not in meta:
            name, unit = parse_unit(str(row[at[series_name_col]] or code))
            meta[code] = _meta(name, "", unit, WDI_SOURCE, "World Bank", "CC BY 4.0", file)
        for c, year in year_cols.items():
            value = _number(row[c], missing=("", ".."), file=file, sheet=sheet_name, row=r + 1, column=header[c])
            records.append((economy, year, code, value))
    return _dataset(f"wdi:{path.name}", records, meta, economies, file=file)


# ------------------------------------------------------------------------------------------------ NBS
_NBS_YEAR = re.compile(r"^(\d{4})(?:年|\.0)?$")
_NBS_HEADS = ("指标", "地区", "时间")


def read_nbs_export(path: str | Path, *, economy: str = "CHN", sheet: str | int | None = None) -> MacroDataset:
    """An NBS data.stats.gov.cn export as a MacroDataset.

    National exports (``指标`` rows) are filed under ``economy``; provincial exports (``地区`` rows, one indicator
    named on the ``指标：`` preamble line) under each region's name as written in the file.
    """
    path = Path(path)
    rows, sheet_name = _read_rows(path, sheet)
    file = str(path)
    preamble: dict[str, str] = {}
    header_at = None
    for i, row in enumerate(rows[:30]):
        first = _first_cell(row)
        key, sep, rest = first.partition("：") if "：" in first else first.partition(":")
        if sep and key in ("数据库", "指标", "时间", "数据来源"):
            preamble[key] = rest.strip()
        elif first in _NBS_HEADS and sum(c is not None for c in row) > 1:
            header_at = i
            break
    if header_at is None:
        raise ReaderError("no header row starting with 指标, 地区 or 时间 in the first 30 rows; expected the "
                          "data.stats.gov.cn export layout ('指标,2019年,2018年,...')", file=file, sheet=sheet_name)
    header = [str(c).strip() if c is not None else "" for c in rows[header_at]]
    body = []
    for r in range(header_at + 1, len(rows)):
        first = _first_cell(rows[r])
        if first.startswith(("注", "数据来源")):
            break
        if any(c is not None for c in rows[r]):
            body.append((r, rows[r] + [None] * (len(header) - len(rows[r]))))
    years_across = {i: int(_NBS_YEAR.match(h).group(1)) for i, h in enumerate(header[1:], 1) if _NBS_YEAR.match(h)}
    records: list[tuple[str, int, str, float]] = []
    labels: list[str] = []
    economies: dict[str, tuple[str, str]] = {}
    if years_across and header[0] == "地区":
        label = preamble.get("指标")
        if not label:
            raise ReaderError("a regional export (header '地区') needs the preamble line '指标：<indicator>(unit)' "
                              "naming its indicator", file=file, sheet=sheet_name, row=header_at + 1)
        labels.append(label)
        for r, row in body:
            region = _first_cell(row)
            economies[region] = ("", region)
            for c, year in years_across.items():
                records.append((region, year, label, _number(row[c], missing=("",), file=file, sheet=sheet_name,
                                                             row=r + 1, column=header[c])))
    elif years_across:
        economies[economy] = ("", "")
        for r, row in body:
            label = _first_cell(row)
            labels.append(label)
            for c, year in years_across.items():
                records.append((economy, year, label, _number(row[c], missing=("",), file=file, sheet=sheet_name,
                                                              row=r + 1, column=header[c])))
    else:
        economies[economy] = ("", "")
        labels = [h for h in header[1:] if h]
        for r, row in body:
            match = _NBS_YEAR.match(_first_cell(row))
            if not match:
                raise ReaderError(f"expected a year such as '2019年' in the first column, found "
                                  f"{_first_cell(row)!r}", file=file, sheet=sheet_name, row=r + 1, column=header[0])
            for c, label in enumerate(header[1:], 1):
                if label:
                    records.append((economy, int(match.group(1)), label,
                                    _number(row[c], missing=("",), file=file, sheet=sheet_name, row=r + 1,
                                            column=label)))
    meta = {}
    for label in labels:
        name, unit = parse_unit(label)
        meta[label] = _meta("", name, unit, NBS_SOURCE, "National Bureau of Statistics of China",
                            "official statistics, reuse with attribution", file, table=preamble.get("数据库", ""))
    return _dataset(f"nbs:{path.name}", records, meta, economies, file=file)


def _meta(name_en: str, name_zh: str, unit: Unit, source: str, publisher: str, licence: str, origin: str,
          *, table: str = "") -> dict:
    return {"name_en": name_en, "name_zh": name_zh, "unit": unit.text, "currency": unit.currency or "",
            "scale": unit.scale, "price_basis": unit.price_basis, "coverage": "", "source": source,
            "publisher": publisher, "licence": licence, "origin": origin, "table": table}


# ------------------------------------------------------------------------------------------------ detection
def _looks_like_wdi(rows: list[list[object]]) -> bool:
    cells = {str(c).strip() for row in rows[:30] for c in row if c is not None}
    return "Country Code" in cells or "World Development Indicators" in cells


def _looks_like_nbs(rows: list[list[object]]) -> bool:
    return any(_first_cell(row).startswith(("数据库", "数据来源")) or _first_cell(row) in _NBS_HEADS
               for row in rows[:30])


MACRO_LAYOUTS: dict[str, tuple[Callable[[list[list[object]]], bool], Callable[..., MacroDataset]]] = {
    "wdi": (_looks_like_wdi, read_wdi),
    "nbs": (_looks_like_nbs, read_nbs_export),
}


def read_macro_file(path: str | Path, layout: str | None = None, **options) -> MacroDataset:
    """Read a WDI or NBS download, detecting which (``layout='wdi'|'nbs'`` forces one)."""
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file", file=str(path))
    if layout is None:
        rows, _ = _read_rows(path, options.get("sheet"))
        found = [name for name, (detect, _) in MACRO_LAYOUTS.items() if detect(rows)]
        if not found:
            raise ReaderError(f"not recognised as any macro layout ({', '.join(MACRO_LAYOUTS)}); pass layout=...",
                              file=str(path))
        layout = found[0]
    if layout not in MACRO_LAYOUTS:
        raise ReaderError(f"unknown macro layout {layout!r}; known: {', '.join(MACRO_LAYOUTS)}", file=str(path))
    return MACRO_LAYOUTS[layout][1](path, **options)
