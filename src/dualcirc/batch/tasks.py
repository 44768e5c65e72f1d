"""What a worker does (METHODS.md 8.4): prepare a table-year once, then compute a task's parts on one load and one
factorisation, with BLAS (threadpoolctl) and Arrow threads limited so that workers x threads <= cores.

Tables never travel through the scheduler: :func:`prepare_table` reads a file (any reader layout) or generates a
synthetic table and saves it in the compact cache (``tables.store``) under ``OUTPUT/_tables``, and returns a small
reference; :func:`run_task` opens the reference on the worker (keeping the one most recent table, so scenario
chunks of the same table-year reuse its engine) and writes each part's Parquet files by rename.  Before computing,
the task's memory need is estimated from the table size and refused with a clear message when it exceeds the
worker's memory limit, instead of letting the nanny kill the worker.
"""

from __future__ import annotations

import gc
import inspect
import json
import os
import resource
import sys
import threading
import time
import traceback
import warnings
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from threadpoolctl import threadpool_limits

from .. import datasets
from ..engine.backend import EngineConfig, configure
from ..engine.leontief import engine_for
from ..errors import DualcircError, InputError, OptionError
from ..readers import detect_layout, layouts, read_table
from ..tables.model import IOTable
from ..tables.store import load_table, save_table
from ..testing import random_icio
from . import measures
from .manifest import now
from .plan import Part, Task, prepared_path
from .spec import TableSource

#: columns that name a part in the output folders; a measure's result must not use them
PARTITION_KEYS = ("measure", "table", "year", "scenario")
#: memory estimate of a task: n x n float64 arrays alive at the peak, with and without the explicit inverse, plus
#: the interpreter and libraries.  Measured by benchmarks/bench_batch.py (KWW + WWZ + BM at the bilateral-sector
#: level to Parquet, n = 2,050): peak RSS 575 MiB per worker, ~250 MiB of it the interpreter -> ~9.7 n^2 doubles
ARRAYS_WITH_INVERSE = 10
ARRAYS_SOLVE_ONLY = 4
BASE_BYTES = 300 * 2 ** 20
PARQUET_META_KEY = b"dualcirc"

TableRef = tuple  # ("cache", path), ("dataset", name, year) or ("error", message)


# ---------------------------------------------------------------------------------------------- tables
def _build(source: TableSource, year: int) -> IOTable:
    if source.kind == "synthetic":
        args = dict(source.options)
        args["seed"] = int(args.get("seed", 0)) + year
        return random_icio(**args).with_meta(year=year)
    path = source.path_for(year)
    layout = detect_layout(path) if source.format is None else layouts()[source.format]
    options = dict(source.options)
    params = inspect.signature(layout.read).parameters
    if "{year}" not in source.location and "year" in params:  # a multi-year file: read only this year
        options.setdefault("year", year)
    table = read_table(path, format=layout.name, **options)
    if isinstance(table, dict):
        if year not in table:
            raise InputError(f"{path} holds the years {sorted(table)}, not {year}")
        table = table[year]
    return table


def prepare_table(source: TableSource, year: int, output: str) -> TableRef:
    """The reference a task opens: the dataset, the user's cache, or a cache written here once; ``("error",
    message)`` when the table cannot be read, so that its tasks record the reason for each of their parts."""
    if source.kind == "dataset":
        return ("dataset", source.location, year)
    if source.kind == "cache":
        return ("cache", str(source.path_for(year)))
    target = prepared_path(Path(output), source, year)
    if not target.is_file():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the table checks are kept in table.checks
                table = _build(source, year)
        except (DualcircError, OSError) as exc:
            return ("error", f"{type(exc).__name__}: {exc}")
        target.parent.mkdir(parents=True, exist_ok=True)
        save_table(table, target)
    return ("cache", str(target))


_OPEN: dict[TableRef, IOTable] = {}
_OPEN_LOCK = threading.Lock()


def open_table(ref: TableRef) -> IOTable:
    """The table of ``ref``; the worker keeps only the most recent one (and its engines) in memory."""
    with _OPEN_LOCK:
        if ref in _OPEN:
            return _OPEN[ref]
        _OPEN.clear()
        gc.collect()
        table = load_table(ref[1]) if ref[0] == "cache" else datasets.load(ref[1], ref[2])
        _OPEN[ref] = table
        return table


# ---------------------------------------------------------------------------------------------- memory
def estimate_bytes(n: int, parts: tuple[Part, ...]) -> int:
    """Peak memory of computing ``parts`` on a table of n cells."""
    inverse = any(measures.measure_def(p.measure).needs_inverse and not p.options.get("low_memory") for p in parts)
    return (ARRAYS_WITH_INVERSE if inverse else ARRAYS_SOLVE_ONLY) * 8 * n * n + BASE_BYTES


def _worker() -> tuple[str, int | None]:
    """This worker's address and memory limit (('local', None) outside a dask worker)."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return "local", None
    return worker.address, worker.memory_manager.memory_limit


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2 ** 20 if sys.platform == "darwin" else 2 ** 10)


# ---------------------------------------------------------------------------------------------- output
def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def part_file(part: Part, output_name: str) -> Path:
    """Relative path of one output of a part (Hive partitions: measure=/table=/year=/scenario=)."""
    return (Path(f"measure={output_name}") / f"table={part.table}" / f"year={part.year}"
            / f"scenario={part.scenario}" / "part.parquet")


def write_frame(df: pd.DataFrame, path: Path, meta: Mapping) -> None:
    """Parquet with plain (not dictionary) column types, so every part of a measure has one schema, and the
    provenance in the file's metadata; written next to ``path`` and renamed into place."""
    clash = [c for c in df.columns if c in PARTITION_KEYS]
    if clash:
        raise OptionError(f"the result has column(s) {clash}, which name the output folders "
                          f"({', '.join(PARTITION_KEYS)}); rename them in the measure")
    table = pa.Table.from_pandas(df, preserve_index=False)
    schema = pa.schema([pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                        for f in table.schema])
    table = table.cast(schema).replace_schema_metadata(
        {PARQUET_META_KEY: json.dumps(meta, default=_jsonable, ensure_ascii=False).encode("utf-8")})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _run_part(table: IOTable, part: Part, output: Path, worker: str) -> dict:
    record = {"key": part.key, "table": part.table, "year": part.year, "output": part.output,
              "measure": part.measure, "scenario": part.scenario, "fingerprint": part.fingerprint,
              "worker": worker, "pid": os.getpid()}
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            definition = measures.measure_def(part.measure)
            scenario = (part.scenario, dict(part.scenario_params)) if part.scenario_params is not None else None
            result = definition.run(table, dict(part.options), scenario)
            frames = measures.outputs(part.output, result)
            files, rows = {}, {}
            for name, df in frames.items():
                rel = part_file(part, name)
                write_frame(df, output / rel, {"part": part.key, "fingerprint": part.fingerprint,
                                               "attrs": df.attrs})
                files[name], rows[name] = str(rel), len(df)
    except Exception as exc:  # one failing part must not stop the others; the record says what failed
        record.update(error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc(limit=6),
                      finished=now())
        return record
    record.update(files=files, rows=rows, seconds=time.perf_counter() - start,
                  cpu_seconds=time.process_time() - cpu_start, finished=now(),
                  peak_rss_mb=peak_rss_mb(), warnings=sorted({str(w.message) for w in caught}))
    return record


def failed(task: Task, message: str, worker: str | None = None) -> list[dict]:
    """One failure record per part of ``task``."""
    return [{"key": p.key, "fingerprint": p.fingerprint, "error": message, "worker": worker, "finished": now()}
            for p in task.parts]


def run_task(task: Task, ref: TableRef, output: str, config: EngineConfig, blas_threads: int | None) -> list[dict]:
    """Compute the parts of ``task`` on the table of ``ref``; one record per part (finished or failed)."""
    worker, limit = _worker()
    if ref[0] == "error":
        return failed(task, ref[1], worker)
    if blas_threads:
        pa.set_cpu_count(blas_threads)  # Arrow's pool (Parquet encoding) keeps to the same budget as BLAS
    with threadpool_limits(limits=blas_threads), configure(backend=config.backend, lu=config.lu):
        table = open_table(ref)
        need = estimate_bytes(table.n, task.parts)
        if limit and need > limit:
            return failed(task, f"MemoryBudgetError: {task.source.name} {task.year} has {table.n:,} cells; its "
                                f"parts need about {need / 2 ** 30:.1f} GiB, more than this worker's memory limit "
                                f"of {limit / 2 ** 30:.1f} GiB. Use fewer workers with more memory each (cluster: "
                                "workers, memory_limit), or low_memory: true for the decompositions that offer it "
                                "(METHODS.md 8.2)", worker)
        records = [_run_part(table, part, Path(output), worker) for part in task.parts]
        finished = [r for r in records if "error" not in r]
        if finished:  # METHODS.md 8.5: the diagnostics go with every result
            engine = engine_for(table)
            try:
                solver = {**engine.solver_info(), "blas_threads": blas_threads, **engine.diagnostics()}
            except InputError as exc:  # a custom measure that never needed I - A, on a singular table
                solver = {"diagnostics": f"unavailable: {exc}"}
            for record in finished:
                record["engine"] = solver
    return records
