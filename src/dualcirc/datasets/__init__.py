"""Built-in tables shipped inside the package, for use offline (``dualcirc report`` runs on them by default).

Each dataset-year is a compressed dualcirc cache (``tables.store``) in ``datasets/data/``, derived from
``../shared/data`` by ``scripts/build_datasets.py`` with the project's own readers; values are stored as float64,
so a loaded table equals a fresh read of the source exactly.  ``data/index.json``, written by the same script,
records for every file its citation, unit, source file and its SHA-256, and the reader used.

>>> from dualcirc import datasets
>>> [(d.name, d.year) for d in datasets.list_datasets()]           # doctest: +SKIP
>>> table = datasets.load("wiod2013", 2011)                           # doctest: +SKIP
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files

from ..errors import InputError
from ..tables.model import IOTable
from ..tables.store import load_table

#: the dataset of ``dualcirc report`` when none is named (its latest year)
DEFAULT = "wiod2013"
INDEX = "index.json"


@dataclass(frozen=True)
class DatasetInfo:
    """One built-in dataset-year and where it comes from."""

    name: str
    year: int
    title: str
    file: str           # file name in datasets/data
    unit: str
    citation: str
    provenance: str     # publisher, how the source was obtained, licence
    source_file: str    # path under ../shared/data
    source_sha256: str
    reader: str         # the dualcirc reader that produced the table
    shape: str          # "G regions x N sectors"


def _data_dir():
    return files("dualcirc.datasets").joinpath("data")


@cache
def list_datasets() -> tuple[DatasetInfo, ...]:
    """Every built-in dataset-year, in index order (name, then year)."""
    entries = json.loads(_data_dir().joinpath(INDEX).read_text(encoding="utf-8"))
    return tuple(DatasetInfo(**entry) for entry in entries)


def by_name() -> dict[str, list[DatasetInfo]]:
    """The dataset-years grouped by dataset name."""
    out: dict[str, list[DatasetInfo]] = {}
    for info in list_datasets():
        out.setdefault(info.name, []).append(info)
    return out


def dataset_info(name: str = DEFAULT, year: int | None = None) -> DatasetInfo:
    """The entry of ``name`` in ``year`` (default: its latest year); InputError lists what exists."""
    groups = by_name()
    if name not in groups:
        raise InputError(f"unknown dataset {name!r}; the built-in datasets are {sorted(groups)} "
                         "(see `dualcirc info --formats`)")
    entries = groups[name]
    if year is None:
        return max(entries, key=lambda d: d.year)
    for entry in entries:
        if entry.year == year:
            return entry
    raise InputError(f"dataset {name!r} has no year {year}; it has {sorted(d.year for d in entries)}")


def load(name: str = DEFAULT, year: int | None = None) -> IOTable:
    """The built-in table ``name`` for ``year`` (default: the latest year)."""
    info = dataset_info(name, year)
    with as_file(_data_dir().joinpath(info.file)) as path:  # a real file even from a zipped install
        return load_table(path)


_OTHER_YEARS: "weakref.WeakKeyDictionary[IOTable, dict[int, IOTable] | None]" = weakref.WeakKeyDictionary()


def series_of(table: IOTable) -> dict[int, IOTable]:
    """Every year of the built-in dataset ``table`` is a year of, by year, with ``table`` itself for its own year;
    empty when it is none.  A table is recognised by its source file and year (built-in tables carry
    ``meta.file = 'shared/data/<source file>'``, see :func:`dualcirc.datasets.build.derive`; a table read from the
    same source file is recognised too).  The other years are loaded once per table, and the cache holds no
    reference to the table itself, so it does not keep it alive."""
    meta = table.meta
    if table not in _OTHER_YEARS:
        _OTHER_YEARS[table] = None
        if meta.file and meta.year is not None:
            for name, entries in by_name().items():
                if any(meta.file.endswith(e.source_file) and e.year == meta.year for e in entries):
                    _OTHER_YEARS[table] = {e.year: load(name, e.year) for e in entries if e.year != meta.year}
                    break
    other = _OTHER_YEARS[table]
    return {} if other is None else dict(sorted({**other, meta.year: table}.items()))
