"""Eora26 (189 countries + ROW x 26 sectors), as worldmrio.com ships it: tab-separated text files.

Files for one year and price concept (``bp`` basic, ``pp`` purchasers' prices), in a folder or in
``Eora26_{year}_{price}.zip``; the label files may sit in the zip, beside it or in ``indices.zip`` (the layout
pymrio's ``parse_eora26`` reads):

==========================  =======================  ==================================================
file                        shape                    labels
==========================  =======================  ==================================================
``Eora26_{y}_{p}_T.txt``    4915 x 4915              ``labels_T.txt``: country, code, type, sector
``Eora26_{y}_{p}_FD.txt``   4915 x 1140 (190 x 6)    ``labels_FD.txt``: country, code, ``Final Demand``, category
``Eora26_{y}_{p}_VA.txt``   6 x 4915                 ``labels_VA.txt``: ``Primary Inputs``, item
``Eora26_{y}_{p}_Q.txt``    stressors x 4915         ``labels_Q.txt``: ``stressor (unit)``, detail
``Eora26_{y}_{p}_QY.txt``   stressors x 1140         (optional) direct stressors of final demand
==========================  =======================  ==================================================

The last row and column of T (code ``ROW``, one entry) is Eora's rest-of-world account, which holds the
statistical discrepancy of the balancing; the FD file has six ROW columns.  pymrio drops it and loses those
flows; here it is kept in the accounts instead: sales to it (its T column and its FD columns) become the
final-demand category ``DISC`` in the seller's own region and purchases from it (its T row) the primary-input
row ``ROW`` (METHODS.md 0.6-1/2), so that gross output x = T u + FD u of the file is kept and no flow is lost.
Its satellite column is dropped (noted in the table's metadata).  Changes in inventories (P.52) and in valuables
(P.53) both map to ``INVNT``.  Values are in thousands of current US dollars.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import OptionError, ReaderError
from ..labels import register as register_labels
from ..tables.model import DISC, IOTable, Satellite, TableMeta
from .base import Layout, numbers, register
from .grids import cell_grid, cell_positions, fold_final_demand, placed, placement
from .sectors import label_table

REST = "ROW"
DATA_FILE = re.compile(r"Eora26_(\d{4})_(bp|pp)_T\.txt$")
FINAL_DEMAND = {
    "Household final consumption P.3h": "HFCE",
    "Non-profit institutions serving households P.3n": "NPISH",
    "Government final consumption P.3g": "GGFC",
    "Gross fixed capital formation P.51": "GFCF",
    "Changes in inventories P.52": "INVNT",
    "Acquisitions less disposals of valuables P.53": "INVNT",
}
PRIMARY_INPUTS = {
    "Compensation of employees D.1": "D1",
    "Taxes on production D.29": "D29",
    "Subsidies on production D.39": "D39",
    "Net operating surplus B.2n": "B2n",
    "Net mixed income B.3n": "B3n",
    "Consumption of fixed capital K.1": "K1",
}
UNIT = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
CITATION = ("Lenzen, M., Moran, D., Kanemoto, K. and Geschke, A. (2013), Building Eora: a global multi-region "
            "input-output database at high country and sector resolution, Economic Systems Research 25(1): 20-49; "
            "Eora26, https://worldmrio.com")

register_labels({
    "eora26.source": ("Eora26 global multi-region input-output tables", "Eora26全球多区域投入产出表"),
    "eora26.va.D1": ("Compensation of employees", "劳动者报酬"),
    "eora26.va.D29": ("Taxes on production", "生产税"),
    "eora26.va.D39": ("Subsidies on production", "生产补贴"),
    "eora26.va.B2n": ("Net operating surplus", "营业盈余净额"),
    "eora26.va.B3n": ("Net mixed income", "混合收入净额"),
    "eora26.va.K1": ("Consumption of fixed capital", "固定资本消耗"),
    "eora26.va.ROW": ("Purchases from Eora's rest-of-world (statistical discrepancy) account",
                      "从Eora\u201c世界其他地区\u201d（统计误差）账户的购买"),
})


class _Source:
    """Opens the files of one Eora26 year from a folder or a zip (labels also beside it or in indices.zip)."""

    def __init__(self, path: Path, year: int | None, price: str):
        self.path = path
        self.archives: list[zipfile.ZipFile] = []
        folders = [path] if path.is_dir() else [path.parent]
        if zipfile.is_zipfile(path):
            self.archives.append(zipfile.ZipFile(path))
        for folder in folders:
            if (folder / "indices.zip").is_file():
                self.archives.append(zipfile.ZipFile(folder / "indices.zip"))
        self.folders = folders
        found = sorted({(int(m.group(1)), m.group(2)) for name in self._names()
                        if (m := DATA_FILE.search(name)) and m.group(2) == price
                        and (year is None or int(m.group(1)) == year)})
        if len(found) != 1:
            self.close()
            what = "no Eora26 table" if not found else f"{len(found)} Eora26 tables (years {[y for y, _ in found]})"
            raise ReaderError(f"{what} named Eora26_{{year}}_{price}_T.txt for year={year}; pass year=... and "
                              "price='bp'|'pp'", file=str(path))
        self.year, self.price = found[0]

    def _names(self) -> list[str]:
        names = [n for z in self.archives for n in z.namelist()]
        return names + [p.name for f in self.folders for p in f.iterdir() if p.is_file()]

    def data_name(self, kind: str) -> str:
        return f"Eora26_{self.year}_{self.price}_{kind}.txt"

    def exists(self, name: str) -> bool:
        return any(n.rsplit("/", 1)[-1] == name for n in self._names())

    def open(self, name: str, required: bool = True) -> tuple[io.TextIOBase | None, str]:
        for z in self.archives:
            member = next((n for n in z.namelist() if n.rsplit("/", 1)[-1] == name), None)
            if member is not None:
                return io.TextIOWrapper(z.open(member), encoding="utf-8"), f"{z.filename}/{member}"
        for folder in self.folders:
            if (folder / name).is_file():
                return open(folder / name, encoding="utf-8"), str(folder / name)
        if required:
            raise ReaderError(f"{name} is missing (looked in the zip, beside it and in indices.zip)",
                              file=str(self.path))
        return None, name

    def close(self) -> None:
        for z in self.archives:
            z.close()


def _labels(src: _Source, name: str, fields: int) -> tuple[list[list[str]], str]:
    fh, label = src.open(name)
    with fh:
        lines = [line.rstrip("\r\n") for line in fh if line.strip()]
    out = []
    for k, line in enumerate(lines):
        parts = [p.strip() for p in line.split("\t")]
        while parts and not parts[-1]:
            parts.pop()
        if len(parts) < fields:
            raise ReaderError(f"expected {fields} tab-separated fields, found {len(parts)}: {line[:80]!r}",
                              file=label, row=k + 1)
        out.append(parts)
    return out, label


def _matrix(src: _Source, kind: str, shape: tuple[int, int], what: str, required: bool = True) -> np.ndarray | None:
    fh, label = src.open(src.data_name(kind), required)
    if fh is None:
        return None
    with fh:
        try:
            df = pd.read_csv(fh, sep="\t", header=None)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise ReaderError(f"not a tab-separated matrix ({err})", file=label) from None
    if df.shape[1] == shape[1] + 1 and df.iloc[:, -1].isna().all():
        df = df.iloc[:, :-1]  # a trailing tab on every line
    if df.shape != shape:
        raise ReaderError(f"inconsistent label counts: the matrix is {df.shape[0]} x {df.shape[1]} but the label "
                          f"files describe {shape[0]} x {shape[1]} ({what})", file=label)
    df.columns = [str(c + 1) for c in range(df.shape[1])]
    return numbers(df, file=label, first_row=1, what=what)


def read_eora26(path, year: int | None = None, price: str = "bp") -> IOTable:
    """Read one year of Eora26 (folder or zip); ROW handled as described in the module docstring."""
    if price not in ("bp", "pp"):
        raise OptionError(f"price must be 'bp' (basic prices) or 'pp' (purchasers' prices), not {price!r}")
    src = _Source(Path(path), year, price)
    try:
        return _build(src)
    finally:
        src.close()


def _build(src: _Source) -> IOTable:
    lab_T, file_T = _labels(src, "labels_T.txt", 4)
    lab_FD, file_FD = _labels(src, "labels_FD.txt", 4)
    lab_VA, _ = _labels(src, "labels_VA.txt", 2)
    n_T, n_FD = len(lab_T), len(lab_FD)
    T = _matrix(src, "T", (n_T, n_T), "labels_T x labels_T")
    FD = _matrix(src, "FD", (n_T, n_FD), "labels_T x labels_FD")
    VA = _matrix(src, "VA", (len(lab_VA), n_T), "labels_VA x labels_T")

    rest = [k for k, parts in enumerate(lab_T) if parts[1] == REST]
    keep = [k for k, parts in enumerate(lab_T) if parts[1] != REST]
    if len(rest) > 1:
        raise ReaderError(f"{len(rest)} entries with code {REST}; Eora26 has one rest-of-world entry",
                          file=file_T, row=rest[1] + 1)
    cells = [(lab_T[k][1], lab_T[k][3]) for k in keep]
    regions, sectors, _ = cell_grid(cells, file=file_T, what="labels")
    G, N = len(regions), len(sectors)
    P = placement(cell_positions(cells, regions, sectors), G * N)

    fd_keep = [k for k, parts in enumerate(lab_FD) if parts[1] != REST]
    fd_rest = [k for k, parts in enumerate(lab_FD) if parts[1] == REST]
    unknown = sorted({lab_FD[k][1] for k in fd_keep} - set(regions))
    if unknown:
        raise ReaderError(f"final demand of regions {unknown[:5]} that have no rows in labels_T.txt",
                          file=file_FD)
    fd_region = [regions.index(lab_FD[k][1]) for k in fd_keep]
    fd_category = [FINAL_DEMAND.get(lab_FD[k][3], lab_FD[k][3]) for k in fd_keep]
    categories = list(dict.fromkeys(fd_category))
    Y = fold_final_demand(placed(P, FD[np.ix_(keep, fd_keep)]), fd_region,
                          [categories.index(c) for c in fd_category], G, len(categories))
    to_rest = placed(P, T[np.ix_(keep, rest)].sum(1) + FD[np.ix_(keep, fd_rest)].sum(1))
    disc = np.zeros((G * N, G, 1))
    disc[np.arange(G * N), np.repeat(np.arange(G), N), 0] = to_rest
    Y = np.concatenate([Y, disc], axis=2)

    va_rows = [PRIMARY_INPUTS.get(parts[-1], parts[-1]) for parts in lab_VA] + [REST]
    W = placed(P, np.vstack([VA[:, keep], T[np.ix_(rest, keep)].sum(0)]), rows=False, cols=True)
    Z = placed(P, T[np.ix_(keep, keep)], cols=True)
    x = placed(P, T[keep].sum(1) + FD[keep].sum(1))

    satellites, dropped = _satellites(src, P, keep, rest, fd_keep, fd_region, n_T, n_FD, G)
    names = label_table("eora26_sectors")
    zh = dict(zip(names["en"], names["zh"]))
    notes = [f"Eora {REST} account: sales to it kept as final demand {DISC}, purchases from it as primary input "
             f"{REST}" + (f"; its satellite column dropped for {dropped} stressor(s)" if dropped else "")]
    price_name = "basic prices" if src.price == "bp" else "purchasers' prices"
    return IOTable.from_arrays(
        Z, Y, x, regions=regions, sectors=sectors, fd_categories=categories + [DISC], va=W, va_rows=va_rows,
        satellites=satellites, sector_names={s: s for s in sectors},
        sector_names_zh={s: zh[s] for s in sectors if s in zh},
        meta=TableMeta(source="Eora26", edition=price_name, year=src.year, unit="thousand USD",
                       citation=CITATION, file=str(src.path), notes=tuple(notes)))


def _satellites(src: _Source, P, keep, rest, fd_keep, fd_region, n_T, n_FD, G) -> tuple[dict[str, Satellite], int]:
    """Q rows as satellites (unit from 'stressor (unit)'), QY as direct household stressors by region."""
    if not src.exists("labels_Q.txt"):
        return {}, 0
    lab_Q, file_Q = _labels(src, "labels_Q.txt", 2)
    Q = _matrix(src, "Q", (len(lab_Q), n_T), "labels_Q x labels_T")
    QY = _matrix(src, "QY", (len(lab_Q), n_FD), "labels_Q x labels_FD", required=False)
    values = placed(P, Q[:, keep], rows=False, cols=True)
    household = None
    if QY is not None:
        household = QY[:, fd_keep] @ np.eye(G)[fd_region]
    out: dict[str, Satellite] = {}
    for k, parts in enumerate(lab_Q):
        m = UNIT.match(parts[0])
        stressor, unit = (m.group(1), m.group(2)) if m else (parts[0], "")
        name = f"{stressor}: {parts[1]}"
        if name in out:
            raise ReaderError(f"stressor {name!r} appears twice", file=file_Q, row=k + 1)
        out[name] = Satellite(name, values[k], unit, None if household is None else household[k])
    dropped = int((Q[:, rest] != 0).any(axis=1).sum())
    return out, dropped


def _detect(path: Path) -> bool:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return any(DATA_FILE.search(n) for n in zf.namelist())
    return path.is_dir() and any(DATA_FILE.search(p.name) for p in path.iterdir())


register(Layout("eora26", "Eora26 (folder or zip of Eora26_{year}_{bp|pp}_*.txt with labels_*.txt)",
                _detect, read_eora26))
