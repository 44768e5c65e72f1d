"""The tables the web application offers: built-in datasets, a data folder's tables and the users' uploads.

A *dataset* is a named series of table-years: a built-in dataset (``dualcirc.datasets``), one file or folder of
the data directory given to ``dualcirc serve --data DIR`` (any layout the readers detect), or one upload.  Tables
of the data directory are read once with the readers and kept as compact caches (``dualcirc.tables.store``) in
the state folder, keyed by the file's path, size and modification time, so a restart loads them in a fraction of
a second; a file that already is a dualcirc cache is loaded as it is.  Loaded tables are kept in a small LRU, so
every request for a table-year shares one table object and hence one engine (one LU factorisation).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import warnings
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .. import datasets
from ..errors import DualcircError, InputError, TableWarning
from ..readers import detect_layout, read_table
from ..tables.model import IOTable
from ..tables.store import is_cache, load_table, save_table

BUILTIN, DATA, UPLOAD = "builtin", "data", "upload"
INDEX_FILE = "index.json"


class NotFound(InputError):
    """A dataset or a year that the catalogue does not hold (HTTP 404)."""


@dataclass(frozen=True)
class TableEntry:
    """One table-year on offer; ``load`` returns the table (through the catalogue's LRU)."""

    dataset: str
    year: int | None
    title: str
    origin: str           # builtin | data | upload
    unit: str
    citation: str
    shape: str
    file: str             # the file it comes from, as the user knows it (no server paths for uploads)
    load: Callable[[], IOTable] = field(repr=False, compare=False)

    def describe(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "load"}


def _shape(table: IOTable) -> str:
    return f"{table.G} regions x {table.N} sectors"


def entry_for(table: IOTable, *, dataset: str, origin: str, file: str, cache: Path) -> TableEntry:
    """The catalogue entry of a table read from ``file`` and kept in the compact cache ``cache``."""
    meta = table.meta
    return TableEntry(dataset=dataset, year=meta.year, title=meta.label() or file, origin=origin, unit=meta.unit,
                      citation=meta.citation, shape=_shape(table), file=file, load=lambda: load_table(cache))


def entry_record(entry: TableEntry, cache: Path, *, beside: bool = True) -> dict:
    """What an index file keeps of an entry: its loader is rebuilt from ``cache``, kept as a name in the index's
    folder (``beside``) or as an absolute path (a data file that is itself a cache)."""
    return {**entry.describe(), "cache": cache.name if beside else str(cache.resolve())}


def entry_from_record(record: dict, folder: Path) -> TableEntry:
    cache = folder / record["cache"]  # an absolute path stays as it is
    fields_ = {k: v for k, v in record.items() if k != "cache"}
    return TableEntry(**fields_, load=lambda: load_table(cache))


def read_tables(path: Path) -> list[IOTable]:
    """Every table-year in a file the readers recognise (a multi-year file gives several)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)  # findings are kept in table.checks
        result = read_table(path)
    tables = list(result.values()) if isinstance(result, dict) else [result]
    if not tables:
        raise InputError(f"{path.name} holds no table")
    return tables


def slug(text: str) -> str:
    """A dataset id made of lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


class Catalog:
    """The datasets on offer and a small LRU of loaded tables (thread-safe)."""

    def __init__(self, *, data_dir: Path | None = None, state_dir: Path, builtin: bool = True,
                 max_loaded: int = 4) -> None:
        self.state_dir = Path(state_dir)
        self.max_loaded = max_loaded
        self.skipped: list[dict] = []       # data-folder entries that are no table, with the reader's reason
        self._entries: dict[str, dict[int | None, TableEntry]] = {}
        self._loaded: OrderedDict[tuple, IOTable] = OrderedDict()
        self._lock = threading.RLock()
        self._load_locks: dict[tuple, threading.Lock] = {}
        if builtin:
            for info in datasets.list_datasets():
                self._add(TableEntry(dataset=info.name, year=info.year, title=info.title, origin=BUILTIN,
                                     unit=info.unit, citation=info.citation, shape=info.shape, file=info.file,
                                     load=lambda name=info.name, year=info.year: datasets.load(name, year)))
        if data_dir is not None:
            self._scan_data_dir(Path(data_dir))

    # ------------------------------------------------------------------ registration
    def _add(self, entry: TableEntry) -> None:
        with self._lock:
            self._entries.setdefault(entry.dataset, {})[entry.year] = entry

    def add_entries(self, entries: list[TableEntry]) -> None:
        for entry in entries:
            self._add(entry)

    def unused_id(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3`` ... when a dataset of that id exists."""
        with self._lock:
            candidate, k = base, 2
            while candidate in self._entries:
                candidate, k = f"{base}-{k}", k + 1
            return candidate

    def _scan_data_dir(self, data_dir: Path) -> None:
        if not data_dir.is_dir():
            raise InputError(f"the data folder {data_dir} does not exist or is not a folder")
        cache_dir = self.state_dir / "tables"
        cache_dir.mkdir(parents=True, exist_ok=True)
        index_path = cache_dir / INDEX_FILE
        index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else {}
        for path in sorted(p for p in data_dir.iterdir() if not p.name.startswith(".")):
            try:
                records = self._data_records(path, cache_dir, index)
            except Exception as exc:  # a file no reader can read is skipped with the reason, not a crash
                reason = str(exc) if isinstance(exc, DualcircError) else f"{type(exc).__name__}: {exc}"
                self.skipped.append({"file": path.name, "reason": reason})
                continue
            self.add_entries([entry_from_record(r, cache_dir) for r in records])
        tmp = index_path.with_name(index_path.name + ".tmp")
        tmp.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(index_path)

    def _data_records(self, path: Path, cache_dir: Path, index: dict) -> list[dict]:
        """Index records of one data-folder entry, reading it only when its fingerprint is new."""
        stat = path.stat()
        fingerprint = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        known = index.get(fingerprint)
        if known and all((cache_dir / r["cache"]).is_file() for r in known):
            dataset = self.unused_id(known[0]["dataset"])
            return [{**r, "dataset": dataset} for r in known]
        detect_layout(path)  # a ReaderError naming the file when no reader recognises it
        dataset = self.unused_id(f"data-{slug(path.name.split('.')[0])}")
        if is_cache(path):
            entry = entry_for(load_table(path), dataset=dataset, origin=DATA, file=path.name, cache=path)
            records = [entry_record(entry, path, beside=False)]
        else:
            digest = hashlib.sha1(fingerprint.encode("utf-8")).hexdigest()[:16]
            records = []
            for k, table in enumerate(read_tables(path)):
                cache = save_table(table, cache_dir / f"{digest}_{k}.npz")
                records.append(entry_record(entry_for(table, dataset=dataset, origin=DATA, file=path.name,
                                                      cache=cache), cache))
        index[fingerprint] = records
        return records

    # ------------------------------------------------------------------ look-ups
    def datasets(self) -> list[dict]:
        """Every dataset with its years (built-in first, then the data folder, then uploads)."""
        order = {BUILTIN: 0, DATA: 1, UPLOAD: 2}
        with self._lock:
            groups = [(name, list(years.values())) for name, years in self._entries.items()]
        out = []
        for name, entries in sorted(groups, key=lambda g: order[g[1][0].origin]):
            entries.sort(key=lambda e: (e.year is None, e.year or 0))
            latest = entries[-1]
            out.append({"id": name, "title": latest.title, "origin": latest.origin, "unit": latest.unit,
                        "citation": latest.citation, "shape": latest.shape, "file": latest.file,
                        "years": [e.year for e in entries]})
        return out

    def entries(self, dataset: str) -> list[TableEntry]:
        """The table-years of ``dataset`` in year order; NotFound lists the datasets on offer."""
        with self._lock:
            years = self._entries.get(dataset)
            if years is None:
                raise NotFound(f"unknown dataset {dataset!r}; the datasets on offer are {sorted(self._entries)}")
            return sorted(years.values(), key=lambda e: (e.year is None, e.year or 0))

    def entry(self, dataset: str, year: int | None = None) -> TableEntry:
        """The entry of ``dataset`` in ``year`` (default: its latest year)."""
        entries = self.entries(dataset)
        if year is None:
            return entries[-1]
        for entry in entries:
            if entry.year == year:
                return entry
        raise NotFound(f"dataset {dataset!r} has no year {year}; it has {[e.year for e in entries]}")

    def table(self, entry: TableEntry) -> IOTable:
        """The loaded table of ``entry``; one object per table-year while it stays in the LRU."""
        key = (entry.dataset, entry.year)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
            lock = self._load_locks.setdefault(key, threading.Lock())
        with lock:  # concurrent requests for one table load it once
            with self._lock:
                if key in self._loaded:
                    return self._loaded[key]
            table = entry.load()
            with self._lock:
                self._loaded[key] = table
                while len(self._loaded) > self.max_loaded:
                    self._loaded.popitem(last=False)
            return table
