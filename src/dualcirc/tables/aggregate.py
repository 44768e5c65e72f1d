"""Aggregation of a table by sector and region concordances (METHODS.md 0.1, 0.6-6 and 7.2 "concordance first").

A concordance maps the table's codes (``old``) to new codes.  It may be

* a mapping ``{old: new}`` or a pandas Series (index old, values new);
* a DataFrame or CSV file with two columns (old, new), or three (old, new, weight) for a many-to-many concordance
  that splits an old code over several new ones (the weights of each old code must sum to 1).

Each concordance becomes a sparse matrix S (new x old) with ``S[new, old] = weight``; with S_cell = S_region (x)
S_sector (Kronecker product, country-major cells) the aggregate is ``Z* = S Z S'``, ``x* = S x``, ``W* = W S'``,
``Y*`` aggregated over producing cells and destinations, satellites summed.  Because every column of S sums to 1,
row and column balances, totals of x, value added and final demand, and ``x* = L* y*`` carry over exactly
(up to rounding).  New codes keep the order in which they first appear in the concordance.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence, Union

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import InputError, ReaderError
from .model import Finding, IOTable

#: Anything :func:`concordance_matrix` accepts.
Concordance = Union[Mapping[str, str], pd.Series, pd.DataFrame, str, Path]

#: How far the weights of one old code may be from summing to 1.
WEIGHT_TOL = 1e-9


def _fail(message: str, *, file=None, row=None, column=None) -> InputError:
    """A ReaderError naming the file when the concordance came from one, else an InputError naming the row."""
    if file is not None:
        return ReaderError(message, file=file, row=row, column=column)
    where = f" (row {row}{f', column {column!r}' if column is not None else ''})" if row is not None else ""
    return InputError(message + where)


def _as_frame(concordance: Concordance, what: str) -> tuple[pd.DataFrame, str | None, int]:
    """The concordance as a DataFrame with columns old, new[, weight]; the file it came from; the row offset."""
    if isinstance(concordance, (str, Path)):
        path = Path(concordance)
        if not path.is_file():
            raise ReaderError(f"the {what} concordance file does not exist", file=str(path))
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise ReaderError(f"cannot read the {what} concordance as CSV ({exc})", file=str(path)) from None
        return frame, str(path), 2
    if isinstance(concordance, pd.Series):
        return pd.DataFrame({"old": concordance.index, "new": concordance.to_numpy()}), None, 0
    if isinstance(concordance, pd.DataFrame):
        return concordance, None, 0
    if isinstance(concordance, Mapping):
        return pd.DataFrame({"old": list(concordance.keys()), "new": list(concordance.values())}), None, 0
    raise InputError(f"a {what} concordance must be a mapping, a Series, a DataFrame or a CSV path, "
                     f"not {type(concordance).__name__}")


def _parse(concordance: Concordance, what: str) -> tuple[pd.DataFrame, str | None]:
    """Validate a concordance: columns old, new, weight (strings, strings, floats), and its file if any."""
    frame, file, offset = _as_frame(concordance, what)
    cols = list(frame.columns)
    if len(cols) not in (2, 3):
        raise _fail(f"a {what} concordance needs two columns (old, new) or three (old, new, weight); "
                    f"found {len(cols)}: {cols[:8]}", file=file)
    named = [c for c in ("old", "new", "weight") if c in cols]
    if named == ["old", "new"] + (["weight"] if len(cols) == 3 else []):
        cols = named
    out = pd.DataFrame({"old": frame[cols[0]].to_numpy(), "new": frame[cols[1]].to_numpy()})
    for role, col in (("old", cols[0]), ("new", cols[1])):
        values = out[role]
        blank = values.isna() | (values.astype(str).str.strip() == "")
        if blank.any():
            raise _fail(f"empty {role} code in the {what} concordance", file=file,
                        row=int(np.flatnonzero(blank.to_numpy())[0]) + offset, column=str(col))
        out[role] = values.astype(str).str.strip()
    if len(cols) == 3:
        weights = pd.to_numeric(frame[cols[2]], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(weights) | (weights < 0)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise _fail(f"weight {frame[cols[2]].iloc[r]!r} in the {what} concordance is not a number >= 0",
                        file=file, row=r + offset, column=str(cols[2]))
        out["weight"] = weights
        dup = out.duplicated(["old", "new"], keep=False)
        if dup.any():
            pairs = out.loc[dup, ["old", "new"]].drop_duplicates().head(8)
            raise _fail(f"the {what} concordance lists these (old, new) pairs more than once: "
                        f"{list(map(tuple, pairs.to_numpy()))}", file=file)
    else:
        out = out.drop_duplicates(["old", "new"]).reset_index(drop=True)
        split = out["old"][out["old"].duplicated()].unique().tolist()
        if split:
            raise _fail(f"the {what} concordance maps {split[:10]} to more than one new code; give a third "
                        "column of weights (summing to 1 per old code) to split a code", file=file)
        out["weight"] = 1.0
    return out, file


def concordance_matrix(concordance: Concordance, codes: Sequence[str], *, what: str = "sector"
                       ) -> tuple[tuple[str, ...], sp.csr_matrix]:
    """The new codes and the sparse aggregation matrix S (new x old, columns in the order of ``codes``).

    Raises InputError (ReaderError for a file) listing codes of the concordance that are not in ``codes``,
    codes missing from the concordance, old codes whose weights do not sum to 1 and new codes with no weight.
    """
    frame, file = _parse(concordance, what)
    position = {c: k for k, c in enumerate(codes)}
    mapped = set(frame["old"])
    unknown = sorted(mapped - position.keys())
    if unknown:
        raise _fail(f"the {what} concordance names {len(unknown)} code(s) that are not in the table: "
                    f"{unknown[:20]}; the table's {what}s are {list(codes)[:20]}"
                    f"{' ...' if len(codes) > 20 else ''}", file=file)
    missing = [c for c in codes if c not in mapped]
    if missing:
        raise _fail(f"the {what} concordance does not map {len(missing)} of the table's {what}s: {missing[:20]}"
                    f"{' ...' if len(missing) > 20 else ''}", file=file)
    sums = frame.groupby("old", sort=False)["weight"].sum()
    off = sums[(sums - 1.0).abs() > WEIGHT_TOL]
    if len(off):
        shown = ", ".join(f"{k}: {v:.6g}" for k, v in off.head(10).items())
        raise _fail(f"the weights of each old {what} must sum to 1; they do not for {len(off)} code(s): {shown}",
                    file=file)
    received = frame.groupby("new", sort=False)["weight"].sum()
    empty = received.index[received == 0].tolist()
    if empty:
        raise _fail(f"new {what} code(s) {empty[:10]} receive zero weight from every old code", file=file)
    new_codes = tuple(received.index)
    row = pd.Index(new_codes).get_indexer(frame["new"])
    col = frame["old"].map(position).to_numpy()
    matrix = sp.csr_matrix((frame["weight"].to_numpy(), (row, col)), shape=(len(new_codes), len(codes)))
    return new_codes, matrix


def _is_identity(S: sp.csr_matrix) -> bool:
    """True when S keeps every code in place (a concordance that only renames codes)."""
    return (S.shape[0] == S.shape[1] == S.nnz and np.array_equal(S.indices, np.arange(S.shape[1]))
            and bool(np.all(S.data == 1.0)))


def _sandwich(left: sp.csr_matrix, M: np.ndarray, right: sp.csr_matrix) -> np.ndarray:
    """left @ M @ right' for dense M and sparse left/right, without densifying the sparse factors.

    The right-hand product gathers, for each new code (row of ``right``), the columns of its old codes and sums
    them with np.add.reduceat; this avoids transposing the large dense product (seconds at 10,000 sectors).
    An identity factor is skipped (the result may then be ``M`` itself: tables are immutable).
    """
    LM = M if _is_identity(left) else left @ M
    if _is_identity(right):
        return LM
    gathered = LM[:, right.indices]
    if np.any(right.data != 1.0):
        gathered *= right.data
    if right.nnz == right.shape[0]:
        return gathered
    return np.add.reduceat(gathered, right.indptr[:-1], axis=1)


def _carried_names(names: Mapping[str, str], new_codes: tuple[str, ...], S: sp.csr_matrix,
                   old_codes: Sequence[str]) -> dict[str, str]:
    """Names of new codes that are exactly one whole old code (a renaming keeps the old code's name)."""
    out = {}
    for k, code in enumerate(new_codes):
        cols, weights = S.indices[S.indptr[k]:S.indptr[k + 1]], S.data[S.indptr[k]:S.indptr[k + 1]]
        if cols.size == 1 and weights[0] == 1.0 and old_codes[cols[0]] in names:
            out[code] = names[old_codes[cols[0]]]
    return out


def _merged_nations(table: IOTable, new_regions: tuple[str, ...], S_reg: sp.csr_matrix) -> dict[str, str] | None:
    """The nation of each new region: regions merged into one must belong to the same nation."""
    if table.nations is None:
        return None
    out = {}
    for k, region in enumerate(new_regions):
        olds = [table.regions[j] for j in S_reg.indices[S_reg.indptr[k]:S_reg.indptr[k + 1]]]
        nations = sorted({table.nations[r] for r in olds})
        if len(nations) > 1:
            raise InputError(f"region {region!r} would merge regions of different nations "
                             f"({', '.join(f'{r} in {table.nations[r]}' for r in olds[:10])}); a merged region "
                             "must lie within one nation (METHODS.md 4.3)")
        out[region] = nations[0]
    return out


def aggregate(table: IOTable, sectors: Concordance | None = None, regions: Concordance | None = None, *,
              sector_names: Mapping[str, str] | None = None,
              sector_names_zh: Mapping[str, str] | None = None) -> IOTable:
    """Aggregate ``table`` by a sector and/or a region concordance (see the module docstring).

    ``sector_names`` / ``sector_names_zh`` name the new sector codes; otherwise a new code that collects exactly
    one old code keeps that code's names.  The result keeps the table's checks and adds an ``aggregated`` note.
    """
    if sectors is None and regions is None:
        return table
    G, N = table.G, table.N
    if sectors is None:
        new_sectors, S_sec = table.sectors, sp.identity(N, format="csr")
    else:
        new_sectors, S_sec = concordance_matrix(sectors, table.sectors, what="sector")
    if regions is None:
        new_regions, S_reg = table.regions, sp.identity(G, format="csr")
    else:
        new_regions, S_reg = concordance_matrix(regions, table.regions, what="region")
    nations = _merged_nations(table, new_regions, S_reg)
    G2, N2, C = len(new_regions), len(new_sectors), len(table.fd_categories)
    n2 = G2 * N2
    S = sp.kron(S_reg, S_sec, format="csr")

    def by_destination(arr: np.ndarray) -> np.ndarray:
        """Aggregate axis 1 (destination regions) of a rows x G x C array."""
        rows = arr.shape[0]
        moved = arr.transpose(1, 0, 2).reshape(G, rows * C)
        return np.ascontiguousarray((S_reg @ moved).reshape(G2, rows, C).transpose(1, 0, 2))

    Y = by_destination((S @ table.Y.reshape(table.n, G * C)).reshape(n2, G, C))
    satellites = {name: replace(sat, values=S @ sat.values,
                                household=None if sat.household is None else S_reg @ sat.household)
                  for name, sat in table.satellites.items()}
    Zm = None if table.Zm is None else _sandwich(S_sec, table.Zm, S)
    Ym = None if table.Ym is None else by_destination((S_sec @ table.Ym.reshape(N, G * C)).reshape(N2, G, C))
    names = {**_carried_names(table.sector_names, new_sectors, S_sec, table.sectors), **(sector_names or {})}
    names_zh = {**_carried_names(table.sector_names_zh, new_sectors, S_sec, table.sectors),
                **(sector_names_zh or {})}
    message = (f"aggregated from {G} regions x {N} sectors to {G2} regions x {N2} sectors by concordance "
               f"(sectors: {'given' if sectors is not None else 'unchanged'}, "
               f"regions: {'given' if regions is not None else 'unchanged'})")
    return replace(
        table, regions=new_regions, sectors=new_sectors, Z=_sandwich(S, table.Z, S), Y=Y,
        W=np.ascontiguousarray((S @ table.W.T).T), x=S @ table.x,
        exports=None if table.exports is None else S @ table.exports, Zm=Zm, Ym=Ym, satellites=satellites,
        nations=nations, sector_names=names, sector_names_zh=names_zh,
        meta=replace(table.meta, notes=table.meta.notes + (message,)),
        checks=table.checks + (Finding("info", "aggregated", message),))
