"""Common ground of the readers: the registry, layout detection and the cell helpers that raise precise
ReaderErrors.

Each publisher module registers a :class:`Layout` with :func:`register` and is imported by the package
``__init__``, so that every layout is registered once ``dualcirc.readers`` is imported.  ``detect(path)`` returns
True when the file looks like that layout (cheap: file name, header row, sheet names); ``read(path, **options)``
returns an :class:`~dualcirc.tables.IOTable` (or a ``{year: IOTable}`` dict for multi-year files when no ``year``
is given) and raises :class:`~dualcirc.errors.ReaderError` naming the file, sheet, row or column that is off.
Opening files is in :mod:`.files`, the country-major cell grid in :mod:`.grids`, the shipped sector lists in
:mod:`.sectors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import ReaderError


@dataclass(frozen=True)
class Layout:
    name: str            # e.g. "wiod2013"
    description: str     # one line for `dualcirc info --formats`
    detect: Callable[[Path], bool]
    read: Callable[..., object]


_LAYOUTS: dict[str, Layout] = {}


def register(layout: Layout) -> Layout:
    _LAYOUTS[layout.name] = layout
    return layout


def layouts() -> dict[str, Layout]:
    """Every registered layout by name (the reader modules register theirs when the package is imported)."""
    return dict(_LAYOUTS)


def detect_layout(path: str | Path) -> Layout:
    path = Path(path)
    if not path.exists():
        raise ReaderError("no such file or directory", file=str(path))
    found = [lay for lay in layouts().values() if _safe_detect(lay, path)]
    if not found:
        raise ReaderError("the layout was not recognised as any supported database "
                          f"({', '.join(sorted(layouts()))}); pass format=... to force one", file=str(path))
    return found[0]


def _safe_detect(layout: Layout, path: Path) -> bool:
    try:
        return bool(layout.detect(path))
    except Exception:
        return False


def read_table(path: str | Path, format: str | None = None, **options):
    """Read a table file with the named layout, or the detected one."""
    path = Path(path)
    if format is None:
        layout = detect_layout(path)
    else:
        lays = layouts()
        if format not in lays:
            raise ReaderError(f"unknown format {format!r}; known formats: {', '.join(sorted(lays))}",
                              file=str(path))
        layout = lays[format]
        if not path.exists():
            raise ReaderError("no such file or directory", file=str(path))
    return layout.read(path, **options)


# ---------------------------------------------------------------------------------------------- helpers
def label_of(value) -> str:
    """A cell as a label: ``19.0`` -> ``'19'``, ``None`` or NaN -> ``''``, text stripped."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, file, sheet=None) -> None:
    """A ReaderError naming the expected columns that ``df`` lacks, and the columns it has."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ReaderError(f"expected column(s) {missing[:8]} are missing; found {list(df.columns[:12])}"
                          f"{' ...' if len(df.columns) > 12 else ''}", file=file, sheet=sheet)


def numeric_block(df: pd.DataFrame, *, file, sheet=None, row_offset: int = 2, what: str = "values") -> np.ndarray:
    """Convert a block to float, naming the first non-numeric cell (spreadsheet-style row number).

    ``row_offset`` converts the 0-based position in ``df`` to the row number a user sees in the file
    (2 for a CSV with one header line: the first data row is row 2).
    """
    try:
        return df.to_numpy(dtype=float)
    except (ValueError, TypeError):
        pass
    conv = df.apply(pd.to_numeric, errors="coerce")
    bad = conv.isna() & df.notna()
    if not bad.to_numpy().any():
        return conv.fillna(0.0).to_numpy(dtype=float)
    r, c = np.argwhere(bad.to_numpy())[0]
    raise ReaderError(f"non-numeric cell {df.iat[r, c]!r} in the {what}; expected a number",
                      file=file, sheet=sheet, row=int(r) + row_offset, column=str(df.columns[c]))


def _raise_on_empty(empty: np.ndarray, *, file, sheet, rows_at: Sequence[int], columns: Sequence[str], what: str,
                    row_labels: Sequence[str] | None) -> None:
    """A ReaderError for the first True cell of the mask ``empty``, naming its row and column."""
    if empty.any():
        r, c = np.argwhere(empty)[0]
        label = f" ({row_labels[r]})" if row_labels is not None else ""
        raise ReaderError(f"empty cell in the {what}{label}; expected a number (is the file truncated?)",
                          file=file, sheet=sheet, row=int(rows_at[r]), column=str(columns[c]))


def require_filled(block: np.ndarray, *, file, rows_at: Sequence[int], columns: Sequence[str], what: str,
                   sheet=None, row_labels: Sequence[str] | None = None) -> np.ndarray:
    """``block`` unchanged, or a ReaderError for its first empty (NaN) cell, naming its row and column.

    Publishers fill every cell of a table, so an empty cell means a damaged (often truncated) file.
    ``rows_at`` gives the row number a user sees for each row of ``block``; ``row_labels`` name them.
    """
    _raise_on_empty(np.isnan(block), file=file, sheet=sheet, rows_at=rows_at, columns=columns, what=what,
                    row_labels=row_labels)
    return block


def numbers(block: pd.DataFrame, *, file, sheet=None, first_row: int, what: str = "values",
            row_labels: Sequence[str] | None = None) -> np.ndarray:
    """Floats of a value block; an empty or a non-numeric cell is a ReaderError naming its row and column.

    ``first_row`` is the row number a user sees for the block's first row; the block's column names (and
    ``row_labels``, when given) are used in the messages.
    """
    _raise_on_empty(block.isna().to_numpy(), file=file, sheet=sheet,
                    rows_at=range(first_row, first_row + len(block)), columns=list(block.columns), what=what,
                    row_labels=row_labels)
    return numeric_block(block, file=file, sheet=sheet, row_offset=first_row, what=what)


def numbers_at(block: pd.DataFrame, rows_at: Sequence[int], *, file, sheet=None, what: str = "values"
               ) -> np.ndarray:
    """:func:`numbers` for rows that need not be consecutive in the file: ``rows_at`` is the row number a user
    sees for each row of ``block`` (consecutive rows are read as one block, others one row at a time)."""
    rows_at = list(rows_at)
    if rows_at == list(range(rows_at[0], rows_at[0] + len(rows_at))):
        return numbers(block, file=file, sheet=sheet, first_row=rows_at[0], what=what)
    return np.vstack([numbers(block.iloc[[k]], file=file, sheet=sheet, first_row=row, what=what)
                      for k, row in enumerate(rows_at)])
