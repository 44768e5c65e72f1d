"""How the built-in datasets are derived from ``../shared/data`` (run by ``scripts/build_datasets.py``).

Every dataset-year is read from its source file with the project's reader, labelled with where it came from
(``meta.file`` is the path under ``shared/data``; a note names this build), and written as a compressed dualcirc
cache.  Tests rebuild each table with :func:`derive` and compare it with the shipped file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from ..readers.nbs import read_nbs
from ..readers.wiod import read_wiod2013
from ..tables.model import IOTable
from ..tables.store import save_table
from . import INDEX, DatasetInfo


@dataclass(frozen=True)
class Source:
    """A built-in dataset: its years, the source file pattern under shared/data and the reader that reads it."""

    name: str
    years: tuple[int, ...]
    title: str
    pattern: str                      # path under shared/data, with {year}
    reader: str                       # dotted name, for the index
    read: Callable[[Path], IOTable]
    provenance: str

    def source_file(self, year: int) -> str:
        return self.pattern.format(year=year)

    def file(self, year: int) -> str:
        return f"{self.name}_{year}.npz"


SOURCES = (
    Source("wiod2013", (1995, 2000, 2005, 2011),
           "WIOD 2013 release world input-output table (41 regions x 35 sectors)",
           "wiod2013/wiot_{year}.parquet", "dualcirc.readers.wiod.read_wiod2013", read_wiod2013,
           "World Input-Output Database, 2013 release (GGDC; CC BY 4.0). Values in millions of current US dollars, "
           "rounded to whole millions, as carried by the R data package wiod (GitHub bquast/wiod, "
           "data/wiot_YYYY.RData) and converted without other change to Parquet. Value added = gross output minus "
           "intermediate inputs (it includes net taxes on products and international transport margins)."),
    Source("china_nbs42", (2020,),
           "China input-output table, 42 sectors, domestic/import split (non-competitive)",
           "io/china_nbs/china_{year}_42_noncompetitive.csv.gz", "dualcirc.readers.nbs.read_nbs",
           read_nbs,
           "National Bureau of Statistics of China (国家统计局), input-output table with imports split from domestic "
           "products, 42 sectors, producers' prices, 10,000 CNY (万元); official statistics, published with "
           "attribution. Carried by the R package ionet 0.2.2 (GitHub Carol-seven/ionet, GPL >= 3)."),
)


def derive(src: Source, year: int, shared_data: Path) -> IOTable:
    """Read the source of ``src`` for ``year`` from ``shared_data`` and label it as a built-in dataset."""
    rel = src.source_file(year)
    table = src.read(Path(shared_data) / rel)
    note = f"dualcirc built-in dataset {src.name} {year}, derived by scripts/build_datasets.py from shared/data/{rel}"
    return table.with_meta(file=f"shared/data/{rel}", notes=table.meta.notes + (note,))


def sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def build(shared_data: Path, out_dir: Path, *, log: Callable[[str], None] = print) -> list[DatasetInfo]:
    """Write every dataset-year and the index into ``out_dir``; returns the index entries."""
    shared_data, out_dir = Path(shared_data), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for src in SOURCES:
        for year in src.years:
            table = derive(src, year, shared_data)
            path = save_table(table, out_dir / src.file(year), compress=True)
            entries.append(DatasetInfo(
                name=src.name, year=year, title=src.title, file=path.name, unit=table.meta.unit,
                citation=table.meta.citation, provenance=src.provenance, source_file=src.source_file(year),
                source_sha256=sha256(shared_data / src.source_file(year)), reader=src.reader,
                shape=f"{table.G} regions x {table.N} sectors"))
            log(f"{path} ({path.stat().st_size / 1e6:.2f} MB): {table!r}")
    (out_dir / INDEX).write_text(json.dumps([asdict(e) for e in entries], ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    return entries
