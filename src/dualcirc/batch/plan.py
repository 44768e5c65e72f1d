"""Plan expansion: a spec becomes parts (table x year x measure x scenario) grouped into tasks (METHODS.md 8.4).

A *part* is one measure of one table-year under one scenario (``baseline`` for measures that take none); it is
the unit of output and of restarting.  Its *fingerprint* hashes everything its result depends on -- the table's
identity (file path, size and modification time; dataset and its source hash; synthetic arguments), the measure
and its options, the scenario's parameters and the dualcirc version -- so a finished part is reused only while
its definition is unchanged.  The engine configuration (numpy/cupy, dense/sparse LU) is not part of it: results
agree across configurations to the tolerances of METHODS.md 8.5.

A *task* is what one worker does in one go: it opens one table-year and computes several parts on its one
factorisation -- every baseline part in one task, scenario-driven parts in chunks of ``scenarios_per_task``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .. import __version__
from .measures import measure_def
from .spec import BASELINE, BatchSpec, TableSource


@dataclass(frozen=True)
class Part:
    """One output unit: ``output`` (the measure's name in the spec) of ``table`` in ``year`` under ``scenario``."""

    table: str
    year: int
    output: str
    measure: str
    options: Mapping[str, Any]
    scenario: str
    scenario_params: Mapping[str, Any] | None
    fingerprint: str

    @property
    def key(self) -> str:
        return f"{self.output}/{self.table}/{self.year}/{self.scenario}"


@dataclass(frozen=True)
class Task:
    """Parts computed together on one table-year (one load, one factorisation)."""

    source: TableSource
    year: int
    chunk: int
    parts: tuple[Part, ...]

    @property
    def key(self) -> str:
        return f"{self.source.name}-{self.year}-{self.chunk}"


def _digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def table_identity(source: TableSource, year: int) -> dict:
    """What a table-year's content depends on (a changed file changes it)."""
    if source.kind == "synthetic":
        return {"synthetic": dict(source.options), "year": year}
    if source.kind == "dataset":
        from .. import datasets

        info = datasets.dataset_info(source.location, year)
        return {"dataset": source.location, "year": year, "file": info.file, "source_sha256": info.source_sha256}
    path = source.path_for(year)
    ident = {"kind": source.kind, "path": str(path.resolve()), "format": source.format,
             "options": dict(source.options), "year": year}
    if path.exists():
        stat = path.stat()
        ident.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    return ident


def prepared_path(output: Path, source: TableSource, year: int) -> Path:
    """Where a worker caches a table-year read from a file or generated (tables.store format)."""
    return output / "_tables" / source.name / f"{year}-{_digest(table_identity(source, year))[:16]}.npz"


def part_fingerprint(identity: dict, measure: str, options: Mapping, scenario_params: Mapping | None) -> str:
    return _digest({"table": identity, "measure": measure, "options": dict(options),
                    "scenario": dict(scenario_params) if scenario_params is not None else None,
                    "dualcirc": __version__})


def plan(spec: BatchSpec) -> list[Task]:
    """Every task of the spec, table by table and year by year; baseline parts first in each table-year."""
    tasks = []
    for source in spec.tables:
        for year in source.years:
            identity = table_identity(source, year)
            baseline, scenario_parts = [], []
            for m in spec.measures:
                kind = measure_def(m.measure).scenario_kind
                if kind is None:
                    baseline.append(Part(source.name, year, m.name, m.measure, m.options, BASELINE, None,
                                         part_fingerprint(identity, m.measure, m.options, None)))
                    continue
                for s in spec.scenarios:
                    if s.kind == kind:
                        scenario_parts.append(Part(source.name, year, m.name, m.measure, m.options, s.name, s.params,
                                                   part_fingerprint(identity, m.measure, m.options, s.params)))
            chunks = ([tuple(baseline)] if baseline else []) + [
                tuple(scenario_parts[i:i + spec.scenarios_per_task])
                for i in range(0, len(scenario_parts), spec.scenarios_per_task)]
            tasks.extend(Task(source, year, k, parts) for k, parts in enumerate(chunks))
    return tasks
