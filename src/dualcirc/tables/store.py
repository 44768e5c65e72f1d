"""The compact cache: one table in one ``.npz`` file that loads in a fraction of a second (METHODS.md 8).

The file holds the arrays (Z, Y, W, x, and where present exports, Zm, Ym, satellite values and household
stressors) and one JSON entry, ``dualcirc_meta``, with the labels, the metadata, the satellites' names, units
and Chinese labels, the nations, sector names, the table checks and the format version.  Loading restores the
table exactly, checks included, without re-running them.  The reader layout ``dualcirc-cache``
(:mod:`dualcirc.readers.cache`) lets ``read_table(path)`` open caches.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..errors import ReaderError
from .model import Finding, IOTable, Satellite, TableMeta

FORMAT = "dualcirc-cache"
FORMAT_VERSION = 1
META_KEY = "dualcirc_meta"
_ZIP_MAGIC = b"PK\x03\x04"
_OPTIONAL = ("exports", "Zm", "Ym")


def save_table(table: IOTable, path: str | Path, *, compress: bool = False) -> Path:
    """Write ``table`` to ``path`` (uncompressed by default: fastest to load; ``compress=True`` for smaller
    files).  The file is written next to its destination and then moved into place."""
    path = Path(path)
    sats = list(table.satellites.values())
    meta = {
        "format": FORMAT, "version": FORMAT_VERSION,
        "regions": table.regions, "sectors": table.sectors, "fd_categories": table.fd_categories,
        "va_rows": table.va_rows, "meta": {**asdict(table.meta), "notes": list(table.meta.notes)},
        "satellites": [{"name": s.name, "unit": s.unit, "label_zh": s.label_zh,
                        "household": s.household is not None} for s in sats],
        "nations": table.nations, "sector_names": dict(table.sector_names),
        "sector_names_zh": dict(table.sector_names_zh),
        "checks": [[f.level, f.code, f.message] for f in table.checks],
    }
    arrays = {"Z": table.Z, "Y": table.Y, "W": table.W, "x": table.x,
              META_KEY: np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)}
    arrays.update({name: getattr(table, name) for name in _OPTIONAL if getattr(table, name) is not None})
    for k, s in enumerate(sats):
        arrays[f"satellite_{k}"] = s.values
        if s.household is not None:
            arrays[f"household_{k}"] = s.household
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        (np.savez_compressed if compress else np.savez)(fh, **arrays)
    os.replace(tmp, path)
    return path


def is_cache(path: str | Path) -> bool:
    """True when ``path`` is a zip (``.npz``) file holding the dualcirc metadata entry."""
    path = Path(path)
    if not path.is_file():
        return False
    with open(path, "rb") as fh:
        if fh.read(4) != _ZIP_MAGIC:
            return False
    try:
        with zipfile.ZipFile(path) as zf:
            return f"{META_KEY}.npy" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def load_table(path: str | Path) -> IOTable:
    """Read a table written by :func:`save_table`; a ReaderError names the file when it is not a dualcirc cache,
    is damaged, or was written by a newer format version."""
    path = Path(path)
    if not path.is_file():
        raise ReaderError("no such file", file=str(path))
    if not is_cache(path):
        raise ReaderError(f"not a dualcirc cache (expected an .npz file with a {META_KEY!r} entry, written by "
                          "dualcirc.tables.store.save_table)", file=str(path))
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz[META_KEY].tobytes().decode("utf-8"))
            version = meta.get("version")
            if meta.get("format") != FORMAT or not isinstance(version, int):
                raise ReaderError(f"the {META_KEY!r} entry does not describe a dualcirc cache", file=str(path))
            if version > FORMAT_VERSION:
                raise ReaderError(f"written by a newer dualcirc (cache format version {version}; this version "
                                  f"reads up to {FORMAT_VERSION}); upgrade dualcirc or re-create the cache",
                                  file=str(path))
            arrays = {name: npz[name] for name in npz.files if name != META_KEY}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ReaderError(f"damaged dualcirc cache ({type(exc).__name__}: {exc})", file=str(path)) from None
    satellites = {}
    for k, s in enumerate(meta["satellites"]):
        satellites[s["name"]] = Satellite(s["name"], arrays[f"satellite_{k}"], s["unit"],
                                          arrays[f"household_{k}"] if s["household"] else None, s["label_zh"])
    return IOTable(
        regions=tuple(meta["regions"]), sectors=tuple(meta["sectors"]), fd_categories=tuple(meta["fd_categories"]),
        va_rows=tuple(meta["va_rows"]), Z=arrays["Z"], Y=arrays["Y"], W=arrays["W"], x=arrays["x"],
        meta=TableMeta(**{**meta["meta"], "notes": tuple(meta["meta"]["notes"])}),
        **{name: arrays.get(name) for name in _OPTIONAL}, satellites=satellites, nations=meta["nations"],
        sector_names=meta["sector_names"], sector_names_zh=meta["sector_names_zh"],
        checks=tuple(Finding(*f) for f in meta["checks"]))

