"""Building blocks shared by the inter-country readers (OECD ICIO, ADB MRIO, Eora26, EXIOBASE, generic).

The publishers lay their tables out differently, but every reader ends with the same steps: check that the
row labels form a complete region x sector grid (METHODS.md 0.1), place each labelled cell at its
country-major position, fold final-demand columns into the n x G x C array of the table model and, for the
OECD's split of China and Mexico, add the parts of a country together.  The helpers here do those steps and
raise :class:`~dualcirc.errors.ReaderError` naming the file and the offending label.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import ReaderError
from .base import numeric_block


def cell_grid(cells: Sequence[tuple[str, str]], *, file, what: str = "rows", allow_gaps: bool = False
              ) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Regions and sectors (in order of first appearance) of a list of (region, sector) cell labels.

    Raises a ReaderError for a cell that appears twice and, unless ``allow_gaps``, for a region that lacks
    some sectors (inconsistent label counts).  Returns ``(regions, sectors, missing_cells)``.
    """
    dup = [c for c, k in Counter(cells).items() if k > 1]
    if dup:
        raise ReaderError(f"cell {dup[0][0]}/{dup[0][1]} appears {Counter(cells)[dup[0]]} times in the {what}; "
                          "each region/sector pair must appear once", file=file)
    regions = list(dict.fromkeys(r for r, _ in cells))
    sectors = list(dict.fromkeys(s for _, s in cells))
    present = set(cells)
    missing = [(r, s) for r in regions for s in sectors if (r, s) not in present]
    if missing and not allow_gaps:
        region = missing[0][0]
        lacking = [s for r, s in missing if r == region]
        raise ReaderError(f"inconsistent label counts in the {what}: region {region!r} has "
                          f"{len(sectors) - len(lacking)} of the {len(sectors)} sectors (missing {lacking[:5]}); "
                          "every region must list the same sectors", file=file)
    return regions, sectors, missing


def cell_positions(cells: Sequence[tuple[str, str]], regions: Sequence[str], sectors: Sequence[str]) -> np.ndarray:
    """Country-major position (region index * N + sector index) of each labelled cell."""
    r_pos = {r: k for k, r in enumerate(regions)}
    s_pos = {s: k for k, s in enumerate(sectors)}
    N = len(sectors)
    return np.array([r_pos[r] * N + s_pos[s] for r, s in cells], dtype=np.int64)


def placement(positions: np.ndarray, n_out: int) -> sp.csr_matrix:
    """Sparse 0/1 matrix P (n_out x len(positions)) that moves (and, for repeated positions, adds) file cells
    to their table positions: Z_table = P Z_file P', y_table = P y_file."""
    k = len(positions)
    return sp.csr_matrix((np.ones(k), (positions, np.arange(k))), shape=(n_out, k))


def placed(P: sp.csr_matrix, M: np.ndarray, *, rows: bool = True, cols: bool = False) -> np.ndarray:
    """``M`` with its rows (P M), its columns (M P') or both (P M P') moved to the table's cell positions."""
    out = np.asarray(M, dtype=float)
    if rows:
        out = np.asarray(P @ out)
    if cols:
        out = np.asarray(P @ out.T).T
    return out


def fold_final_demand(values: np.ndarray, destinations: Sequence[int], categories: Sequence[int], G: int, C: int
                      ) -> np.ndarray:
    """Fold final-demand columns (n x K, column k bought by region ``destinations[k]`` for category
    ``categories[k]``) into the n x G x C array of the table model; repeated pairs are added."""
    K = values.shape[1]
    target = np.asarray(destinations, dtype=np.int64) * C + np.asarray(categories, dtype=np.int64)
    fold = sp.csr_matrix((np.ones(K), (np.arange(K), target)), shape=(K, G * C))
    return np.asarray(values @ fold).reshape(values.shape[0], G, C)


def require_filled(block: np.ndarray, *, file, rows_at: Sequence[int], columns: Sequence[str], what: str,
                   sheet=None, row_labels: Sequence[str] | None = None) -> np.ndarray:
    """Raise a ReaderError for the first empty (NaN) cell of ``block``, naming its row and column.

    Publishers fill every cell of a table, so an empty cell means a damaged (often truncated) file.
    ``rows_at`` gives the row number a user sees for each row of ``block``; ``row_labels`` name them.
    """
    empty = np.isnan(block)
    if empty.any():
        r, c = np.argwhere(empty)[0]
        label = f" ({row_labels[r]})" if row_labels is not None else ""
        raise ReaderError(f"empty cell in the {what}{label}; expected a number (is the file truncated?)",
                          file=file, sheet=sheet, row=int(rows_at[r]), column=str(columns[c]))
    return block


def numbers(df: pd.DataFrame, *, file, sheet=None, row_offset: int = 2, what: str = "values",
            row_labels: Sequence[str] | None = None) -> np.ndarray:
    """A block as floats; a non-numeric or an empty cell raises a ReaderError naming its row and column."""
    arr = numeric_block(df, file=file, sheet=sheet, row_offset=row_offset, what=what)
    return require_filled(arr, file=file, sheet=sheet, rows_at=range(row_offset, row_offset + len(df)),
                          columns=list(df.columns), what=what, row_labels=row_labels)
