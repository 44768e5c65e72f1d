"""Opening the files the readers read: workbooks, CSV and Parquet tables (METHODS.md 0.2).

Every failure to open or parse a file becomes a :class:`~dualcirc.errors.ReaderError` naming the file (and sheet),
so that a truncated download or a file of another format is reported as such.  Label columns such as NBS codes
(``001``) or OECD codes (``01``) must stay text -- a plain CSV read turns them into the number 1 -- so
:func:`read_frame` reads the named columns as strings.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import load_workbook

from ..errors import ReaderError

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_WORKBOOK_ERRORS = (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError)


def _open_workbook(path: Path, **options):
    try:
        return load_workbook(path, read_only=True, **options)
    except _WORKBOOK_ERRORS as exc:
        raise ReaderError(f"cannot be opened as an .xlsx workbook (truncated, or another format): {exc}",
                          file=str(path)) from exc


def sheet_names(path: Path) -> list[str]:
    """The sheet names of an .xlsx workbook."""
    book = _open_workbook(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def workbook_grid(path: Path, sheet: str | None = None) -> tuple[str, pd.DataFrame]:
    """The name and the cells of one sheet (the first when ``sheet`` is None) as an object DataFrame whose row 0
    is row 1 of the sheet and column 0 column A."""
    file = str(path)
    if path.suffix.lower() == ".xlsb":
        raise ReaderError("binary workbooks (.xlsb) are not read: save the workbook as .xlsx, or use the R data "
                          "frame of the same table saved as CSV or Parquet", file=file)
    book = _open_workbook(path, data_only=True)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ReaderError(f"expected a sheet named {sheet!r}; the workbook has {book.sheetnames}", file=file)
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        try:
            rows = list(worksheet.iter_rows(min_row=1, values_only=True))
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
            raise ReaderError(f"the sheet cannot be read (truncated file?): {exc}", file=file,
                              sheet=worksheet.title) from exc
        width = max(map(len, rows), default=0)
        return worksheet.title, pd.DataFrame([row + (None,) * (width - len(row)) for row in rows], dtype=object)
    finally:
        book.close()


def read_frame(path: Path, text_columns=()) -> tuple[pd.DataFrame, int]:
    """A Parquet or CSV (optionally gzipped) table, and the file row of its first data row (2 after a CSV header;
    for Parquet the 1-based record).  ``text_columns`` of a CSV are read as text."""
    file, name = str(path), path.name.lower()
    if name.endswith(".parquet"):
        kind = "parquet"
    elif name.endswith((".csv", ".csv.gz")):
        kind = "CSV"
    else:
        raise ReaderError("expected a .parquet, .csv or .csv.gz file", file=file)
    try:
        if kind == "parquet":
            return pd.read_parquet(path), 1
        return pd.read_csv(path, dtype={c: str for c in text_columns}, low_memory=False), 2
    except (pa.ArrowException, OSError, EOFError, zlib.error, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        raise ReaderError(f"cannot be read as {kind} (truncated, or another format): {exc}", file=file) from exc


def frame_columns(path: Path) -> tuple[str, ...]:
    """Column names of a Parquet or CSV file without reading its values (for layout detection)."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        return tuple(pq.read_schema(path).names)
    if name.endswith((".csv", ".csv.gz")):
        return tuple(pd.read_csv(path, nrows=0).columns)
    return ()


def year_in(text) -> int | None:
    """The first four-digit year (1950-2099) in a file name or title, or None."""
    match = _YEAR.search(str(text or ""))
    return int(match.group(1)) if match else None
