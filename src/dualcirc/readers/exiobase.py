"""EXIOBASE 3 monetary tables (``IOT_{year}_{pxp|ixi}.zip`` or its extracted folder), read through pymrio.

EXIOBASE 3 is distributed in pymrio's own file layout (``file_parameters.json``, ``metadata.json``, ``Z.txt`` or
``A.txt``, ``Y.txt``, ``x.txt``, ``unit.txt`` and one folder per extension with ``F.txt``, ``F_Y.txt`` and
``unit.txt``), so ``pymrio.parse_exiobase3`` reads it and this module converts the result to an
:class:`~dualcirc.tables.IOTable` (Stadler et al. 2018; METHODS.md 0.2):

* regions and sectors (products or industries) as labelled by EXIOBASE (``CN``, ``WA`` ...; product names);
* final demand by region and category: households, NPISH, government, GFCF, changes in inventories and in
  valuables (both ``INVNT``); the ``Exports: Total (fob)`` column is zero in the MRIO and is dropped (a non-zero
  one is kept as ``DISC``);
* the nine factor-input rows of the ``satellite`` extension (taxes less subsidies on products, other net taxes
  on production, compensation by skill, the four parts of operating surplus) become the primary-input rows;
* every other extension row is a satellite with its unit, and ``F_Y`` (summed over categories) becomes the
  direct household stressors by region.  A stressor name found in two extensions is prefixed by the extension.

Monetary unit as given (``M.EUR``); hybrid (mixed-unit) tables are refused.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ReaderError
from ..labels import register as register_labels
from ..tables.model import DISC, IOTable, Satellite, TableMeta
from ..tables.pymrio_bridge import CATEGORY_CODES
from .base import Layout, numeric_block, register
from .grids import fold_final_demand

#: EXIOBASE final-demand categories -> canonical codes (those of the pymrio bridge); the MRIO's export column is
#: empty and dropped, a non-empty one is kept as DISC
FINAL_DEMAND = {**CATEGORY_CODES, "Exports: Total (fob)": DISC}
#: EXIOBASE 3 factor inputs -> primary-input rows (codes: pymrio mrio_models/exio3_pxp/valueadded.tsv)
FACTOR_INPUTS = {
    "Taxes less subsidies on products purchased: Total": "T_TLSA",
    "Other net taxes on production": "V_ONTP",
    "Compensation of employees; wages, salaries, & employers' social contributions: Low-skilled": "V_WALS",
    "Compensation of employees; wages, salaries, & employers' social contributions: Medium-skilled": "V_WAMS",
    "Compensation of employees; wages, salaries, & employers' social contributions: High-skilled": "V_WAHS",
    "Operating surplus: Consumption of fixed capital": "V_COFC",
    "Operating surplus: Rents on land": "V_RENL",
    "Operating surplus: Royalties on resources": "V_ROYR",
    "Operating surplus: Remaining net operating surplus": "V_NOPS",
}
CITATION = ("Stadler, K. et al. (2018), EXIOBASE 3: Developing a time series of detailed environmentally extended "
            "multi-regional input-output tables, Journal of Industrial Ecology 22(3): 502-515")

register_labels({
    "exiobase.source": ("EXIOBASE 3 multi-regional input-output tables", "EXIOBASE 3 多区域投入产出表"),
    "exiobase.va.T_TLSA": ("Taxes less subsidies on products purchased", "所购产品的税减补贴"),
    "exiobase.va.V_ONTP": ("Other net taxes on production", "其他生产税净额"),
    "exiobase.va.V_WALS": ("Compensation of employees, low-skilled", "劳动者报酬（低技能）"),
    "exiobase.va.V_WAMS": ("Compensation of employees, medium-skilled", "劳动者报酬（中等技能）"),
    "exiobase.va.V_WAHS": ("Compensation of employees, high-skilled", "劳动者报酬（高技能）"),
    "exiobase.va.V_COFC": ("Operating surplus: consumption of fixed capital", "营业盈余：固定资本消耗"),
    "exiobase.va.V_RENL": ("Operating surplus: rents on land", "营业盈余：土地租金"),
    "exiobase.va.V_ROYR": ("Operating surplus: royalties on resources", "营业盈余：资源特许权使用费"),
    "exiobase.va.V_NOPS": ("Operating surplus: remaining net operating surplus", "营业盈余：其余营业盈余净额"),
})


def read_exiobase3(path) -> IOTable:
    """Read an EXIOBASE 3 IOT (zip or folder) with pymrio and convert it (see the module docstring)."""
    import pymrio  # imported here: pymrio pulls in matplotlib (~2 s), which registering the layout should not cost
    from pymrio.core.fileio import ReadError

    path = Path(path)
    try:
        io = pymrio.parse_exiobase3(path)
    except (ReadError, OSError, ValueError, KeyError) as err:
        raise ReaderError(f"pymrio could not read it as EXIOBASE 3 ({type(err).__name__}: {err})",
                          file=str(path)) from None
    return from_exiobase_system(io, file=str(path))


def _frame(df: pd.DataFrame | None, what: str, file: str, rows: pd.Index | None = None,
           columns: pd.Index | None = None) -> np.ndarray:
    """``df`` as floats with its rows and/or columns put in the given order; a missing label is an error."""
    if df is None:
        raise ReaderError(f"{what} is missing", file=file)
    for want, have, axis in ((rows, df.index, "rows"), (columns, df.columns, "columns")):
        absent = [] if want is None else want.difference(have)
        if len(absent):
            raise ReaderError(f"{what} lacks {len(absent)} label(s) in its {axis}, e.g. {list(absent[:3])}",
                              file=file)
    block = df.reindex(index=rows, columns=columns)
    block.columns = [" | ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in block.columns]
    return numeric_block(block.reset_index(drop=True), file=file, row_offset=1,
                         what=f"{what} (rows counted from its first data row)")


def from_exiobase_system(io, *, file: str) -> IOTable:
    """Convert a parsed EXIOBASE 3 ``pymrio.IOSystem`` ``io`` (Z or A, Y, x, extensions) to an IOTable."""
    regions = [str(r) for r in io.get_regions()]
    sectors = [str(s) for s in io.get_sectors()]
    cells = pd.MultiIndex.from_product([regions, sectors])
    notes = []
    if io.Z is not None:
        Z = _frame(io.Z, "Z", file, cells, cells)
        x = _frame(io.x, "x", file, cells)[:, 0] if io.x is not None else None  # None: row sums
    else:
        A = _frame(io.A, "A (the archive has neither Z nor A)", file, cells, cells)
        if io.x is not None:
            x = _frame(io.x, "x", file, cells)[:, 0]
        else:
            x = np.linalg.solve(np.eye(len(cells)) - A, _frame(io.Y, "Y", file, cells).sum(1))
            notes.append("x = (I - A)^-1 y: the archive has neither Z nor x")
        Z = A * x[None, :]

    fd_cols = list(io.Y.columns)
    categories = list(dict.fromkeys(FINAL_DEMAND.get(cat, cat) for _, cat in fd_cols))
    unknown = sorted({r for r, _ in fd_cols} - set(regions))
    if unknown:
        raise ReaderError(f"final demand of regions {unknown} that have no rows", file=file)
    Y = fold_final_demand(_frame(io.Y, "Y", file, cells, io.Y.columns), [regions.index(r) for r, _ in fd_cols],
                          [categories.index(FINAL_DEMAND.get(c, c)) for _, c in fd_cols],
                          len(regions), len(categories))
    if DISC in categories:
        k = categories.index(DISC)
        if np.any(Y[:, :, k]):
            notes.append("non-zero 'Exports: Total (fob)' final demand kept as DISC")
        else:
            Y = np.delete(Y, k, axis=2)
            categories.pop(k)

    va_rows, W, satellites = _extensions(io, cells, regions, file)
    units = set(io.unit["unit"]) if io.unit is not None else {"M.EUR"}
    if len(units) != 1:
        raise ReaderError(f"the table mixes units {sorted(units)[:5]} (a hybrid table); only monetary EXIOBASE "
                          "tables are supported", file=file)
    meta = io.meta
    year = re.search(r"(?:19|20)\d\d", f"{meta.description} {meta.name}")
    version = str(meta.version or "").lstrip("v")
    return IOTable.from_arrays(
        Z, Y, x, regions=regions, sectors=sectors, fd_categories=categories,
        va=W if va_rows else None, va_rows=va_rows or None, satellites=satellites,
        sector_names={s: s for s in sectors},
        meta=TableMeta(source="EXIOBASE", edition=" ".join(p for p in (version, str(meta.system or "")) if p),
                       year=int(year.group(0)) if year else None, unit=units.pop(), citation=CITATION, file=file,
                       notes=tuple(notes)))


def _extensions(io, cells: pd.MultiIndex, regions: list[str], file: str):
    """Primary-input rows (the factor inputs) and satellites (everything else) of all extensions."""
    va_rows, W, found = [], [], []
    for ext in io.get_extensions(data=True):
        F = ext.F
        if F is None:
            continue
        values = _frame(F, f"extension {ext.name!r} F", file, columns=cells)
        household = None
        if ext.F_Y is not None:
            by_region = ext.F_Y.T.groupby(level=0).sum().T
            household = _frame(by_region, f"extension {ext.name!r} F_Y", file, columns=pd.Index(regions))
        unit = ext.unit["unit"] if ext.unit is not None else pd.Series(dtype=str)
        for k, label in enumerate(F.index):
            name = " | ".join(map(str, label)) if isinstance(label, tuple) else str(label)
            if name in FACTOR_INPUTS:
                va_rows.append(FACTOR_INPUTS[name])
                W.append(values[k])
            else:
                found.append((ext.name, name, values[k], None if household is None else household[k],
                              str(unit.get(label, ""))))
    counts = pd.Series([name for _, name, *_ in found]).value_counts()
    satellites = {}
    for ext_name, name, vals, hh, unit in found:
        key = name if counts[name] == 1 else f"{ext_name}: {name}"
        satellites[key] = Satellite(key, vals, unit, hh)
    return va_rows, np.array(W) if W else None, satellites


def _detect(path: Path) -> bool:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return any(re.search(r"(^|/)IOT_\d{4}_(pxp|ixi)/file_parameters\.json$", n) for n in zf.namelist())
    meta = path / "metadata.json"
    if not (path.is_dir() and (path / "file_parameters.json").is_file() and meta.is_file()):
        return False
    return str(json.loads(meta.read_text()).get("name", "")).upper().startswith("EXIO")


register(Layout("exiobase3", "EXIOBASE 3 monetary IOT (IOT_{year}_{pxp|ixi} zip or folder, via pymrio)",
                _detect, read_exiobase3))
