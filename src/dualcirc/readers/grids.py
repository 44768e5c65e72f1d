"""The country-major cell grid shared by the readers (METHODS.md 0.1): from the labels a publisher writes to the
positions of the table model.

Every inter-country reader ends with the same steps, however the publisher lays the table out: check that the
row labels form a complete region x sector grid in a consistent order, place each labelled cell at its
country-major position (cell (s, i) at s * N + i), fold final-demand columns into the n x G x C array of the
table model and, for the OECD's split of China and Mexico, add the parts of a country together.  The helpers
here do those steps and raise :class:`~dualcirc.errors.ReaderError` naming the file and the offending label.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from ..errors import ReaderError
from .base import label_of


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


def check_region_order(row_regions, regions, N, *, file, sheet=None, first_row: int, column) -> None:
    """Rows must run country-major through ``regions`` x N sectors; name the first row that does not."""
    expected = np.repeat(np.asarray(regions, dtype=object), N)
    got = np.asarray(row_regions, dtype=object)
    if len(got) < len(expected):
        raise ReaderError(f"the table ends after {len(got)} country-sector rows; expected {len(expected)} "
                          f"({len(regions)} regions x {N} sectors)", file=file, sheet=sheet)
    bad = np.flatnonzero(got[:len(expected)] != expected)
    if bad.size or len(got) > len(expected):
        k = int(bad[0]) if bad.size else len(expected)
        found = got[k] if k < len(got) else None
        raise ReaderError(f"expected a row of country {expected[k] if k < len(expected) else '(none)'}, found "
                          f"{found!r}: rows must run country by country ({len(regions)} regions), sector by "
                          f"sector ({N} sectors), as the columns do", file=file, sheet=sheet, row=first_row + k,
                          column=column)


def cell_labels(countries, codes, *, file, first_row: int, columns: tuple[str, str], sheet=None):
    """Regions (in order of appearance) and sectors of country-major row labels, checking the order.

    ``first_row`` is the file row of the first label; ``columns`` names the country and sector columns.
    """
    countries, codes = [label_of(c) for c in countries], [label_of(c) for c in codes]
    if not countries:
        raise ReaderError("expected country-sector rows; found none", file=file, sheet=sheet)
    regions = list(dict.fromkeys(countries))
    # sectors per region: the first region's run, unless equal blocks fit the rows better (a stray label)
    run = next((k for k, c in enumerate(countries) if c != countries[0]), len(countries))
    N = run if run * len(regions) == len(countries) or len(countries) % len(regions) else len(countries) // len(regions)
    check_region_order(countries, regions, N, file=file, sheet=sheet, first_row=first_row, column=columns[0])
    sectors = check_sector_order(codes, regions, N, file=file, sheet=sheet, first_row=first_row, column=columns[1])
    return tuple(regions), sectors


def check_sector_order(codes, regions, N, *, file, sheet=None, first_row: int, column) -> tuple[str, ...]:
    """Every region's rows must list the sectors in the first region's order; returns that order."""
    grid = np.asarray(codes, dtype=object).reshape(len(regions), N)
    bad = np.argwhere(grid != grid[0])
    if bad.size:
        g, i = (int(k) for k in bad[0])
        raise ReaderError(f"expected sector {grid[0, i]!r} (the order of {regions[0]}), found {grid[g, i]!r}",
                          file=file, sheet=sheet, row=first_row + g * N + i, column=column)
    return tuple(grid[0])
