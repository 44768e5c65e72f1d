"""Reading firm-year records from a bureau's CSV or xlsx file: column mapping, validation, every bad row reported.

A file is accepted whole or not at all.  Every problem is listed with the file row (the header is row 1), the
column, the value and what was expected, in one :class:`ImportRejected` error; nothing reaches the registry
until the whole file is valid.  Columns are found by their field key, label or a published alias
(:mod:`dualcirc.city.fields`); a header whose unit differs from the registry's (``实缴税金(元)``) must be mapped
explicitly with a scale factor (``实缴税金(元)=tax*0.0001``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, OptionError, ReaderError
from .fields import (EVENTS_COLUMN, FIELD, FIELDS, UNIT_SYNONYMS, coerce, header_names, normalise_header,
                     unit_text)

#: cell texts read as "no value"
MISSING_TOKENS = ("", "-", "—", "–", "na", "n/a", "nan", "null", "none", "无", "空")
_TRUE = ("true", "t", "yes", "y", "1", "1.0", "是", "规上", "√")
_FALSE = ("false", "f", "no", "n", "0", "0.0", "否", "规下", "×")
YEAR_RANGE = (1949, 2100)
_EVENT_SPLIT = re.compile(r"[;,；，、|\s]+")
#: problems named in an error message (all of them are on the exception)
MESSAGE_PROBLEMS = 5


@dataclass(frozen=True)
class RowProblem:
    """One reason a file was rejected; ``row`` is the row number in the file (None: the file as a whole)."""

    row: int | None
    column: str | None
    value: object
    reason: str

    def __str__(self) -> str:
        where = [f"row {self.row}" if self.row is not None else "file"]
        if self.column is not None:
            where.append(f"column {self.column!r}")
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{', '.join(where)}: {self.reason}{shown}"


class ImportRejected(InputError):
    """A file failed validation; ``problems`` lists every bad row.  Nothing was imported."""

    def __init__(self, file: str, problems: list[RowProblem], sheet: str | None = None):
        self.file, self.sheet, self.problems = file, sheet, problems
        where = f"file {file}" + (f", sheet {sheet!r}" if sheet is not None else "")
        shown = "; ".join(str(p) for p in problems[:MESSAGE_PROBLEMS])
        more = f"; and {len(problems) - MESSAGE_PROBLEMS} more" if len(problems) > MESSAGE_PROBLEMS else ""
        super().__init__(f"{where}: {len(problems)} problem(s), nothing imported: {shown}{more}")


@dataclass(frozen=True)
class ColumnMap:
    """Source column -> record field, the numbers multiplied by ``scale`` (e.g. 0.0001 for 元 -> 万元)."""

    field: str
    scale: float = 1.0


@dataclass
class Records:
    """Validated firm-year records (columns of :data:`fields.FIELDS`) and their events (firm_id, year, event)."""

    firms: pd.DataFrame
    events: pd.DataFrame
    source: str
    ignored_columns: tuple[str, ...] = field(default=())


def parse_mapping(items: Iterable[str]) -> dict[str, ColumnMap]:
    """``['实缴税金(元)=tax*0.0001', '面积=land_mu']`` -> {source column: ColumnMap}."""
    mapping = {}
    for item in items:
        source, sep, target = item.rpartition("=")
        match = re.fullmatch(r"\s*(\w+)\s*(?:\*\s*([0-9.eE+-]+))?\s*", target)
        if not sep or not source.strip() or match is None:
            raise OptionError(f"column mapping {item!r}: expected SOURCE=FIELD or SOURCE=FIELD*SCALE")
        name, scale = match[1], match[2]
        if name not in FIELD and name != EVENTS_COLUMN:
            raise OptionError(f"column mapping {item!r}: {name!r} is not a record field; fields: "
                              f"{', '.join([*FIELD, EVENTS_COLUMN])}")
        try:
            mapping[source.strip()] = ColumnMap(name, float(scale) if scale else 1.0)
        except ValueError:
            raise OptionError(f"column mapping {item!r}: the scale {scale!r} is not a number") from None
    return mapping


def read_records(path: str | Path, *, mapping: Mapping[str, ColumnMap | str] | None = None,
                 sheet: str | None = None, year: int | None = None) -> Records:
    """Read and validate a CSV (UTF-8 or GB18030) or xlsx file of firm-year records."""
    path = Path(path)
    if not path.is_file():
        raise ReaderError("no such file", file=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            raw = pd.read_excel(path, sheet_name=sheet or 0, dtype=object)
        except ValueError as exc:  # unknown sheet
            raise ReaderError(str(exc), file=path, sheet=sheet) from None
    elif suffix in (".csv", ".txt"):
        if sheet is not None:
            raise OptionError("--sheet applies to xlsx files, not to CSV")
        raw = _read_csv(path)
    else:
        raise ReaderError(f"expected a .csv or .xlsx file, not {suffix or 'a file without extension'!r}", file=path)
    return validate_records(raw, file=str(path), sheet=sheet, mapping=mapping, year=year)


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
    raise ReaderError("the file is neither UTF-8 nor GB18030 text", file=path)


def _resolve_columns(raw: pd.DataFrame, mapping: Mapping[str, ColumnMap | str]) -> tuple[dict, list, list]:
    """{field: (source column, scale)}, file-level problems, ignored columns."""
    explicit = {str(k): (ColumnMap(v) if isinstance(v, str) else v) for k, v in mapping.items()}
    names = header_names()
    chosen: dict[str, tuple[str, float]] = {}
    problems: list[RowProblem] = []
    ignored: list[str] = []
    for source in explicit:
        if source not in raw.columns:
            problems.append(RowProblem(None, source, None, "the mapping names this column but the file has none"))
    for column in map(str, raw.columns):
        if column in explicit:
            target, scale = explicit[column].field, explicit[column].scale
        else:
            base, unit = normalise_header(column)
            target, scale = names.get(base), 1.0
            if target is None:
                if base == EVENTS_COLUMN or base in ("加减分事项", "事项"):
                    target = EVENTS_COLUMN
                else:
                    ignored.append(column)
                    continue
            elif FIELD[target].unit and unit is not None and UNIT_SYNONYMS.get(unit) != FIELD[target].unit:
                problems.append(RowProblem(None, column, None, (
                    f"this column looks like {target!r} but is in {unit!r}; the registry stores "
                    f"{unit_text(FIELD[target].unit)}: map it with '{column}={target}*FACTOR'")))
                continue
        if target in chosen:
            problems.append(RowProblem(None, column, None,
                                       f"both {chosen[target][0]!r} and {column!r} map to {target!r}"))
            continue
        chosen[target] = (column, scale)
    return chosen, problems, ignored


def _text(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Stripped text of each cell and a mask of empty cells."""
    text = column.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(MISSING_TOKENS)
    return text.mask(missing), missing.to_numpy(bool)


def validate_records(raw: pd.DataFrame, *, file: str, sheet: str | None = None,
                     mapping: Mapping[str, ColumnMap | str] | None = None, year: int | None = None,
                     first_row: int = 2) -> Records:
    """Map and check a raw frame (one row per firm-year, as read from ``file``); raise :class:`ImportRejected`
    listing every problem, else return the records.  ``first_row`` is the file row of the first data row."""
    raw = raw.reset_index(drop=True)
    rows = np.arange(first_row, first_row + len(raw))
    chosen, problems, ignored = _resolve_columns(raw, mapping or {})
    if year is not None and "year" not in chosen:
        raw = raw.assign(_year=str(year))
        chosen["year"] = ("_year", 1.0)
    for f in FIELDS:
        if f.required and f.key not in chosen:
            hint = " (or give the year with --year)" if f.key == "year" else ""
            problems.append(RowProblem(None, None, None, f"no column for the required field {f.key!r} "
                                       f"({f.zh}){hint}; map one with 'COLUMN={f.key}'"))
    if problems:
        raise ImportRejected(file, problems, sheet)
    if raw.empty:
        raise ImportRejected(file, [RowProblem(None, None, None, "the file has no data rows")], sheet)

    def report(mask: np.ndarray, column: str, values: pd.Series, reason: str) -> None:
        for i in np.flatnonzero(mask):
            value = values.iloc[i]
            problems.append(RowProblem(int(rows[i]), column, None if pd.isna(value) else value, reason))

    out: dict[str, object] = {}
    for key, (column, scale) in chosen.items():
        if key == EVENTS_COLUMN:
            continue
        f = FIELD[key]
        source = raw[column]
        text, missing = _text(source)
        if f.required:
            report(missing, column, source, f"{f.key} ({f.zh}) is required")
        if f.kind == "text":
            out[key] = text
        elif f.kind == "bool":
            lower = text.str.lower()
            truth = lower.isin(_TRUE).to_numpy(bool)
            falsity = lower.isin(_FALSE).to_numpy(bool)
            report(~missing & ~truth & ~falsity, column, source, "expected 是/否, 1/0, true/false or 规上/规下")
            out[key] = pd.Series(np.where(truth, True, np.where(falsity, False, None)), dtype=object)
        else:
            number = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").to_numpy(float)
            unparsed = ~missing & np.isnan(number)
            report(unparsed, column, source, "expected a number")
            valid = ~missing & ~unparsed
            if f.kind == "int":
                fractional = valid & (number != np.round(number))
                report(fractional, column, source, "expected a whole number")
            if key in ("year", "start_year"):
                outside = valid & ((number < YEAR_RANGE[0]) | (number > YEAR_RANGE[1]))
                report(outside, column, source, f"expected a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}")
            elif not f.negative_ok:
                report(valid & (number < 0), column, source, "must not be negative")
            out[key] = number * scale
    frame = coerce(pd.DataFrame(out))

    if "start_year" in chosen:
        late = (frame["start_year"].astype(float) > frame["year"].astype(float)).to_numpy(bool)
        report(late, chosen["start_year"][0], frame["start_year"], "the firm starts after the evaluation year")
    key = frame["firm_id"].astype(str) + "\x1f" + frame["year"].astype(str)
    duplicated = key.duplicated(keep="first").to_numpy() & frame["firm_id"].notna().to_numpy()
    first_seen = pd.Series(rows, index=key).groupby(level=0).transform("first").to_numpy()
    for i in np.flatnonzero(duplicated):
        problems.append(RowProblem(int(rows[i]), chosen["firm_id"][0], frame["firm_id"].iloc[i],
                                   f"firm-year already given in row {int(first_seen[i])}"))
    if problems:
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        raise ImportRejected(file, problems, sheet)
    events = _events(raw[chosen[EVENTS_COLUMN][0]], frame) if EVENTS_COLUMN in chosen else empty_events()
    return Records(frame, events, source=file + (f" [{sheet}]" if sheet else ""),
                   ignored_columns=tuple(ignored))


def empty_events() -> pd.DataFrame:
    return pd.DataFrame({"firm_id": pd.Series(dtype="string"), "year": pd.Series(dtype="Int64"),
                         "event": pd.Series(dtype="string")})


def _events(column: pd.Series, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (firm, year, event) from cells such as 'high_tech; safety_accident'."""
    text, missing = _text(column)
    split = text.fillna("").map(lambda cell: [e for e in _EVENT_SPLIT.split(cell) if e])
    events = pd.DataFrame({"firm_id": frame["firm_id"], "year": frame["year"], "event": split}).explode("event")
    events = events.dropna(subset=["event"]).drop_duplicates().reset_index(drop=True)
    return events.astype({"firm_id": "string", "year": "Int64", "event": "string"})
