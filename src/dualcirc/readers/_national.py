"""Small file-access helpers shared by the national-table readers (NBS, OECD IOTs, BEA, CEADs).

Label columns such as NBS codes (``001``) or OECD codes (``01``) must stay text -- a plain CSV read turns them into
the number 1 -- so :func:`read_csv` reads the named columns as strings; every failure to read becomes a
:class:`~dualcirc.errors.ReaderError` naming the file.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from ..errors import ReaderError

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def read_csv(path: Path, text_columns=()) -> tuple[pd.DataFrame, int]:
    """A CSV (optionally gzipped) table with ``text_columns`` kept as text, and the file row of its first data row."""
    file = str(path)
    if not path.name.lower().endswith((".csv", ".csv.gz")):
        raise ReaderError("expected a .csv or .csv.gz file", file=file)
    try:
        frame = pd.read_csv(path, dtype={c: str for c in text_columns}, low_memory=False)
    except (OSError, EOFError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ReaderError(f"cannot be read as CSV (truncated, or another format): {exc}", file=file) from exc
    return frame, 2


def sheet_names(path: Path) -> list[str]:
    """The sheet names of an .xlsx workbook."""
    try:
        book = load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise ReaderError(f"cannot be opened as an .xlsx workbook (truncated, or another format): {exc}",
                          file=str(path)) from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def year_in(text) -> int | None:
    """The first four-digit year (1950-2099) in a file name or title, or None."""
    match = _YEAR.search(str(text or ""))
    return int(match.group(1)) if match else None
