"""Round trip between :class:`IOTable` and ``pymrio.IOSystem`` (METHODS.md 0.2; notation table 0.5).

``to_pymrio`` writes Z, Y (columns (region, category)), x (``indout``) and the unit, the primary inputs W as the
extension ``factor_inputs``, the satellites as the extension ``satellites`` (units in ``unit``, direct household
stressors as ``F_Y`` in the household column), and for tables with an open foreign sector the exports as the
final-demand category ``Export`` of the producing region (pymrio's convention for single-country tables) and
imported intermediates / final use as the extension ``imports`` (``F`` = Zm, ``F_Y`` = Ym).  What pymrio has no
place for (metadata, nations, Chinese labels, sector names, the table checks) goes into the pymrio metadata entry
``dualcirc`` together with a fingerprint of the arrays, so that ``from_pymrio(to_pymrio(t))`` rebuilds ``t``
exactly; a system changed in pymrio since (fingerprint differs) is checked afresh by ``IOTable.from_arrays``.

``from_pymrio`` reads any IOSystem: final-demand categories named as in EXIOBASE and the pymrio test MRIO map
to the canonical codes (changes in inventories and in valuables both to INVNT), export categories become the
``exports`` vector when non-zero, every extension but ``factor_inputs`` becomes satellites (multi-level stressor
labels joined with "/"; per-region household stressors summed over the F_Y categories).

pymrio is imported when a conversion runs (it pulls in matplotlib, about 2 s), not with ``dualcirc.tables``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError
from .model import Finding, IOTable, Satellite, TableMeta

if TYPE_CHECKING:
    import pymrio

#: Category that carries the exports vector in pymrio.
EXPORT_CATEGORY = "Export"
#: Final-demand category names that mean exports out of the system (pymrio test MRIO, EXIOBASE).
EXPORT_CATEGORIES = frozenset({EXPORT_CATEGORY, "Exports: Total (fob)"})
#: EXIOBASE / pymrio final-demand category names and their canonical codes (model.FD_CATEGORIES).
CATEGORY_CODES = {
    "Final consumption expenditure by households": "HFCE",
    "Final consumption expenditure by non-profit organisations serving households (NPISH)": "NPISH",
    "Final consumption expenditure by government": "GGFC",
    "Gross fixed capital formation": "GFCF",
    "Changes in inventories": "INVNT",
    "Changes in valuables": "INVNT",
}
FACTOR_INPUTS, SATELLITES, IMPORTS = "factor_inputs", "satellites", "imports"
#: Key of the dualcirc entry in the pymrio metadata, and the version of its layout.
META_KEY, META_VERSION = "dualcirc", 1


def _label(key) -> str:
    """A row label as one string (levels of a MultiIndex label joined with '/')."""
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _fingerprint(labels: dict, arrays: list[np.ndarray | None]) -> str:
    """A hash of the labels and the bytes of the arrays (None marks an absent array; -0.0 counts as 0.0)."""
    h = hashlib.blake2b(json.dumps(labels, sort_keys=True).encode(), digest_size=16)
    for a in arrays:
        if a is None:
            h.update(b"none")
        else:
            a = np.ascontiguousarray(a, dtype=float) + 0.0
            h.update(repr(a.shape).encode())
            h.update(a.data)
    return h.hexdigest()


def _table_fingerprint(table: IOTable) -> str:
    sats = list(table.satellites.values())
    labels = {"regions": table.regions, "sectors": table.sectors, "fd": table.fd_categories,
              "va": table.va_rows, "satellites": [(s.name, s.unit) for s in sats]}
    return _fingerprint(labels, [table.Z, table.Y, table.W, table.x, table.exports, table.Zm, table.Ym]
                        + [s.values for s in sats] + [s.household for s in sats])


def _unit(index: pd.Index, units) -> pd.DataFrame:
    return pd.DataFrame({"unit": units}, index=index)


def to_pymrio(table: IOTable) -> pymrio.IOSystem:
    """The table as a pymrio IOSystem (see the module docstring for where each part goes)."""
    import pymrio

    G, N, n, C = table.G, table.N, table.n, len(table.fd_categories)
    if table.exports is not None and EXPORT_CATEGORY in table.fd_categories:
        raise InputError(f"the table has both an exports vector and a final-demand category named "
                         f"{EXPORT_CATEGORY!r}; rename the category before converting to pymrio")
    cells = pd.MultiIndex.from_product([table.regions, table.sectors], names=["region", "sector"])
    categories = table.fd_categories + ((EXPORT_CATEGORY,) if table.exports is not None else ())
    fd_columns = pd.MultiIndex.from_product([table.regions, categories], names=["region", "category"])

    def with_export_column(arr: np.ndarray) -> np.ndarray:
        """rows x G x C -> rows x (G * C') with a zero export column per region where the table has exports."""
        if len(categories) == C:
            return arr.reshape(arr.shape[0], G * C)
        out = np.zeros((arr.shape[0], G, C + 1))
        out[:, :, :C] = arr
        return out.reshape(arr.shape[0], G * (C + 1))

    Y = with_export_column(table.Y)
    if table.exports is not None:
        Y.reshape(n, G, C + 1)[np.arange(n), table.region_of_cell, C] = table.exports
    extensions = {FACTOR_INPUTS: dict(
        name="Factor Inputs", F=pd.DataFrame(table.W, index=pd.Index(table.va_rows, name="inputtype"), columns=cells,
                                             copy=True),
        unit=_unit(pd.Index(table.va_rows, name="inputtype"), table.meta.unit))}
    sats = list(table.satellites.values())
    if sats:
        stressors = pd.Index([s.name for s in sats], name="stressor")
        household_column = table.fd_categories.index("HFCE") if "HFCE" in table.fd_categories else 0
        FY = np.zeros((len(sats), G, len(categories)))
        for k, s in enumerate(sats):
            if s.household is not None:
                FY[k, :, household_column] = s.household
        extensions[SATELLITES] = dict(
            name="Satellites", F=pd.DataFrame(np.vstack([s.values for s in sats]), index=stressors, columns=cells),
            F_Y=pd.DataFrame(FY.reshape(len(sats), -1), index=stressors, columns=fd_columns),
            unit=_unit(stressors, [s.unit for s in sats]))
    if table.Zm is not None or table.Ym is not None:
        products = pd.Index(table.sectors, name="product")
        extensions[IMPORTS] = dict(
            name="Imports", F=pd.DataFrame(table.Zm if table.Zm is not None else np.zeros((N, n)),
                                           index=products, columns=cells, copy=True),
            F_Y=None if table.Ym is None else pd.DataFrame(with_export_column(table.Ym), index=products,
                                                           columns=fd_columns, copy=True),
            unit=_unit(products, table.meta.unit))
    io = pymrio.IOSystem(
        Z=pd.DataFrame(table.Z, index=cells, columns=cells, copy=True),
        Y=pd.DataFrame(Y, index=cells, columns=fd_columns, copy=True),
        x=pd.DataFrame({"indout": table.x}, index=cells), unit=_unit(cells, table.meta.unit),
        name=table.meta.source, version=table.meta.edition or None,
        description=table.meta.citation or table.meta.label(), **extensions)
    io.meta.change_meta(META_KEY, {
        "version": META_VERSION, "fingerprint": _table_fingerprint(table),
        "meta": {**asdict(table.meta), "notes": list(table.meta.notes)},
        "exports": table.exports is not None, "Zm": table.Zm is not None, "Ym": table.Ym is not None,
        "satellites": {s.name: {"label_zh": s.label_zh, "household": s.household is not None} for s in sats},
        "nations": table.nations, "sector_names": dict(table.sector_names),
        "sector_names_zh": dict(table.sector_names_zh),
        "checks": [[f.level, f.code, f.message] for f in table.checks]}, log=False)
    return io


def _block(frame: pd.DataFrame | None, index, columns, what: str) -> np.ndarray:
    """``frame`` reindexed to the expected labels, as an array; names missing labels."""
    if frame is None:
        raise InputError(f"the pymrio system has no {what}")
    for axis, want, have in (("rows", index, frame.index), ("columns", columns, frame.columns)):
        if want is None:
            continue
        missing = want.difference(have)
        if len(missing):
            raise InputError(f"pymrio {what} lacks {len(missing)} of the expected {axis}, e.g. "
                             f"{list(missing[:5])}")
    out = frame.reindex(index=index if index is not None else frame.index,
                        columns=columns if columns is not None else frame.columns)
    return out.to_numpy(dtype=float, copy=True)  # the table must not share memory with the pymrio frames


def _final_demand(Yraw: np.ndarray, raw: list, exact: bool, export_flag: bool
                  ) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """Final demand by category code (rows x G x C_raw -> rows x G x C) and the positions of export categories.

    ``exact`` (a system written by :func:`to_pymrio`): categories are kept as they are and ``Export`` is the
    exports vector when ``export_flag``; otherwise publishers' names map to canonical codes (summed when two map
    to one) and every category in EXPORT_CATEGORIES is exports.
    """
    if exact:
        codes = [str(c) for c in raw]
        is_export = [export_flag and c == EXPORT_CATEGORY for c in raw]
    else:
        codes = [CATEGORY_CODES.get(str(c), str(c)) for c in raw]
        is_export = [str(c) in EXPORT_CATEGORIES for c in raw]
    positions: dict[str, list[int]] = {}
    for k, (code, export) in enumerate(zip(codes, is_export)):
        if not export:
            positions.setdefault(code, []).append(k)
    parts = [Yraw[:, :, ks].sum(2) if len(ks) > 1 else Yraw[:, :, ks[0]] for ks in positions.values()]
    Y = np.stack(parts, axis=2) if parts else np.zeros(Yraw.shape[:2] + (0,))
    return Y, tuple(positions), np.flatnonzero(is_export)


def from_pymrio(io: pymrio.IOSystem, year: int | None = None, unit: str | None = None) -> IOTable:
    """An IOTable from a pymrio IOSystem; ``year`` and ``unit`` override what the system records."""
    import pymrio

    if not isinstance(io, pymrio.IOSystem):
        raise InputError(f"expected a pymrio.IOSystem, not {type(io).__name__}")
    entry = io.meta.metadata.get(META_KEY) if io.meta is not None else None
    if entry is not None and entry.get("version", 0) > META_VERSION:
        raise InputError(f"this pymrio system was written by a newer dualcirc (metadata version "
                         f"{entry.get('version')}; this version reads up to {META_VERSION})")
    exact = entry is not None
    for name in ("Z", "Y"):
        if getattr(io, name) is None:
            raise InputError(f"the pymrio system has no {name}; call io.calc_system() or set it first")
    regions_raw, sectors_raw = list(io.get_regions()), list(io.get_sectors())
    categories_raw = list(io.get_Y_categories())
    cells = pd.MultiIndex.from_product([regions_raw, sectors_raw])
    fd_columns = pd.MultiIndex.from_product([regions_raw, categories_raw])
    G, N, n = len(regions_raw), len(sectors_raw), len(cells)
    regions, sectors = tuple(map(str, regions_raw)), tuple(map(str, sectors_raw))

    Z = _block(io.Z, cells, cells, "Z")
    Yraw = _block(io.Y, cells, fd_columns, "Y").reshape(n, G, len(categories_raw))
    Y, fd_categories, export_at = _final_demand(Yraw, categories_raw, exact, exact and entry["exports"])
    if exact:  # to_pymrio puts the exports of a cell in its own region's column
        exports = Yraw[np.arange(n), np.repeat(np.arange(G), N), export_at[0]] if export_at.size else None
    else:
        exports = Yraw[:, :, export_at].sum((1, 2)) if export_at.size else None
        exports = exports if exports is not None and np.any(exports) else None
    x = None if io.x is None else _block(io.x, cells, None, "x")[:, 0]

    def category_sum(F_Y: pd.DataFrame | None, rows: int) -> np.ndarray | None:
        return None if F_Y is None else _block(F_Y, None, fd_columns, "F_Y").reshape(rows, G, -1).sum(2)

    extension_names = list(io.get_extensions())
    factor = getattr(io, FACTOR_INPUTS, None) if FACTOR_INPUTS in extension_names else None
    W = None if factor is None else _block(factor.F, None, cells, "factor_inputs F")
    va_rows = None if factor is None else tuple(_label(k) for k in factor.F.index)
    Zm = Ym = None
    if exact and (entry["Zm"] or entry["Ym"]):
        imports = getattr(io, IMPORTS)
        if entry["Zm"]:
            Zm = _block(imports.F, pd.Index(sectors_raw), cells, "imports F")
        if entry["Ym"]:
            Ym = _final_demand(_block(imports.F_Y, pd.Index(sectors_raw), fd_columns, "imports F_Y")
                               .reshape(N, G, len(categories_raw)), categories_raw, True, entry["exports"])[0]
        extension_names.remove(IMPORTS)

    stressors = []  # (extension, label, values, unit, household)
    for name in extension_names:
        if name == FACTOR_INPUTS:
            continue
        ext = getattr(io, name)
        F = _block(ext.F, None, cells, f"{name} F")
        households = category_sum(ext.F_Y, F.shape[0])
        units = (ext.unit.reindex(ext.F.index).iloc[:, 0].fillna("").astype(str).tolist()
                 if ext.unit is not None else [""] * F.shape[0])
        for k, key in enumerate(ext.F.index):
            stressors.append((name, _label(key), F[k], units[k], None if households is None else households[k]))
    repeated = pd.Series([s[1] for s in stressors]).duplicated(keep=False).to_numpy()
    sat_info = entry["satellites"] if exact else {}
    satellites = {}
    for (ext_name, label, values, sat_unit, household), clash in zip(stressors, repeated):
        label = f"{ext_name}/{label}" if clash else label
        info = sat_info.get(label)
        keep_household = (info["household"] if info is not None
                          else household is not None and bool(np.any(household)))
        satellites[label] = Satellite(label, values, sat_unit, household if keep_household else None,
                                      info["label_zh"] if info is not None else "")

    if exact:
        meta = TableMeta(**{**entry["meta"], "notes": tuple(entry["meta"]["notes"])})
    else:
        units = io.unit.iloc[:, 0].unique().tolist() if io.unit is not None else []
        if unit is None and len(units) > 1:
            raise InputError(f"the pymrio system mixes units {units[:5]}; a table has one monetary unit "
                             "(METHODS.md 0.6-7): pass unit=...")
        meta = TableMeta(source=str(io.meta.name or "pymrio"), edition=str(io.meta.version or ""),
                         year=io.meta.metadata.get("year"), unit=str(units[0]) if units else TableMeta.unit,
                         notes=(str(io.meta.description),) if io.meta.description else ())
    overrides = {k: v for k, v in (("year", year), ("unit", unit)) if v is not None}
    meta = TableMeta(**{**asdict(meta), **overrides})
    names = dict(nations=entry["nations"], sector_names=entry["sector_names"],
                 sector_names_zh=entry["sector_names_zh"]) if exact else {}

    sats = list(satellites.values())
    labels = {"regions": regions, "sectors": sectors, "fd": fd_categories, "va": va_rows,
              "satellites": [(s.name, s.unit) for s in sats]}
    if exact and x is not None and W is not None and entry["fingerprint"] == _fingerprint(
            labels, [Z, Y, W, x, exports, Zm, Ym] + [s.values for s in sats] + [s.household for s in sats]):
        return IOTable(regions=regions, sectors=sectors, fd_categories=fd_categories, va_rows=va_rows, Z=Z, Y=Y,
                       W=W, x=x, meta=meta, exports=exports, Zm=Zm, Ym=Ym, satellites=satellites,
                       checks=tuple(Finding(*f) for f in entry["checks"]), **names)
    return IOTable.from_arrays(Z, Y, x, regions=regions, sectors=sectors, fd_categories=fd_categories, va=W,
                               va_rows=va_rows, exports=exports, Zm=Zm, Ym=Ym, satellites=satellites, meta=meta,
                               **names)
