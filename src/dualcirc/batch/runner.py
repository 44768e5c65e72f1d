"""Run a batch plan on dask.distributed and read its results (METHODS.md 8.4).

:func:`run_batch` expands the spec, skips the parts the manifest records as finished (same fingerprint, files
present), and submits, per table-year, one preparation task (read or generate the table once, into the compact
cache) and the compute tasks that depend on it; only references, names and options travel through the scheduler,
never a table.  The driver files each task's records in the manifest as soon as the task returns, so a crash or
Ctrl-C loses at most the tasks that were running.  Workers: a LocalCluster of processes by default (one per core,
one BLAS thread each, ``memory_limit`` each), or an existing cluster (``scheduler='tcp://host:8786'``; the output
folder must then be shared storage that every worker and the driver can reach).
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pandas as pd
import pyarrow.parquet as pq

from .. import labels
from ..engine.backend import backend_named
from ..errors import InputError
from .manifest import Manifest, exclusive
from .plan import Task, plan
from .spec import BatchSpec, ClusterSpec, load_spec
from .tasks import PARQUET_META_KEY, failed, prepare_table, run_task

Progress = Callable[[int, int, Sequence[dict]], None]

labels.register({
    "batch.column.table": ("Table (name in the batch spec)", "表（批处理配置中的名称）"),
    "batch.column.year": ("Year", "年份"),
    "batch.column.scenario": ("Scenario (baseline: none)", "情景（baseline：无情景）"),
})


@dataclass
class BatchReport:
    """What a run did: parts planned, skipped as already finished, computed, failed (key -> error), the wall
    time and the part of it spent starting or connecting to the cluster, and the peak resident memory of each
    worker process that computed parts (MiB)."""

    output: Path
    planned: int
    skipped: int = 0
    computed: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    startup_seconds: float = 0.0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    workers: int | None = None
    blas_threads: int | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def _local_layout(cluster: ClusterSpec, n_tasks: int) -> tuple[int, int]:
    """Workers (one task at a time each) and BLAS threads per worker: workers x BLAS threads <= cores."""
    cores = os.cpu_count() or 1
    workers = cluster.workers or max(1, min(cores, n_tasks))
    return workers, cluster.blas_threads or max(1, cores // workers)


@contextmanager
def connect(cluster: ClusterSpec, n_tasks: int) -> Iterator[tuple[object, int | None, int | None]]:
    """A client on the spec's cluster: (client, workers started here or None, BLAS threads per worker)."""
    from distributed import Client, LocalCluster

    if cluster.scheduler:
        with Client(cluster.scheduler) as client:
            yield client, None, cluster.blas_threads or 1
        return
    workers, blas = _local_layout(cluster, n_tasks)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=cluster.processes,
                      memory_limit=cluster.memory_limit or "auto", dashboard_address=":0",
                      silence_logs=logging.ERROR) as local, Client(local) as client:
        yield client, workers, blas


def with_overrides(spec: BatchSpec, *, scheduler: str | None = None, workers: int | None = None,
                   memory_limit: str | None = None, backend: str | None = None,
                   output: str | Path | None = None) -> BatchSpec:
    """The spec with command-line choices replacing its own."""
    cluster = replace(spec.cluster, **{k: v for k, v in (("scheduler", scheduler), ("workers", workers),
                                                          ("memory_limit", memory_limit)) if v is not None})
    engine = replace(spec.engine, backend=backend) if backend else spec.engine
    return replace(spec, cluster=cluster, engine=engine, output=Path(output) if output else spec.output)


def pending(spec: BatchSpec, manifest: Manifest) -> tuple[list[Task], int]:
    """The tasks left to run (finished parts removed) and the number of parts planned."""
    tasks = plan(spec)
    todo = []
    for task in tasks:
        parts = tuple(p for p in task.parts if not manifest.is_done(p))
        if parts:
            todo.append(replace(task, parts=parts))
    return todo, sum(len(t.parts) for t in tasks)


def run_batch(spec: BatchSpec | str | Path, *, client=None, progress: Progress | None = None,
              **overrides) -> BatchReport:
    """Run (or resume) a batch; returns a :class:`BatchReport`.  ``overrides``: scheduler, workers, memory_limit,
    backend, output (see :func:`with_overrides`).  ``client``: an existing dask client to submit to instead of
    the spec's cluster.  ``progress(done, total, records)`` is called after each finished task."""
    spec = spec if isinstance(spec, BatchSpec) else load_spec(spec)
    spec = with_overrides(spec, **overrides)
    if client is None and spec.cluster.scheduler is None:
        backend_named(spec.engine.backend)  # local workers share this machine: refuse an unusable GPU backend now
    out = spec.output
    start = time.perf_counter()
    with exclusive(out):
        manifest = Manifest(out)
        todo, total = pending(spec, manifest)
        report = BatchReport(out, planned=total, skipped=total - sum(len(t.parts) for t in todo))
        if progress:
            progress(report.skipped, total, [])
        if todo:
            connecting = time.perf_counter()
            with _client(client, spec.cluster, len(todo)) as (dask_client, workers, blas):
                report.startup_seconds = time.perf_counter() - connecting
                report.workers, report.blas_threads = workers, blas
                _execute(dask_client, spec, todo, blas, manifest, report, progress)
    report.seconds = time.perf_counter() - start
    return report


@contextmanager
def _client(client, cluster: ClusterSpec, n_tasks: int):
    if client is not None:
        yield client, None, cluster.blas_threads or _local_layout(cluster, n_tasks)[1]
        return
    with connect(cluster, n_tasks) as connected:
        yield connected


def _execute(client, spec: BatchSpec, todo: list[Task], blas: int | None, manifest: Manifest,
             report: BatchReport, progress: Progress | None) -> None:
    from distributed import as_completed

    run_id = uuid.uuid4().hex[:8]
    refs, owner = {}, {}
    for task in todo:
        table_year = (task.source.name, task.year)
        if table_year not in refs:
            refs[table_year] = client.submit(prepare_table, task.source, task.year, str(spec.output),
                                             key=f"prepare-{task.source.name}-{task.year}-{run_id}")
        future = client.submit(run_task, task, refs[table_year], str(spec.output), spec.engine, blas,
                               key=f"parts-{task.key}-{run_id}")
        owner[future] = task
    del refs  # each preparation is released once its compute tasks hold it
    done = report.skipped
    for future in as_completed(list(owner)):
        task = owner.pop(future)
        if future.status == "finished":
            records = future.result()
        else:  # the worker died (e.g. killed for memory) or the task raised
            exc = future.exception() if future.status == "error" else RuntimeError(f"the task was {future.status}")
            records = failed(task, f"{type(exc).__name__}: {exc}")
        future.release()
        for record in records:
            manifest.record(record)
            if "error" in record:
                report.failed[record["key"]] = record["error"]
            else:
                report.computed += 1
                worker = record["worker"]
                report.peak_rss_mb[worker] = max(report.peak_rss_mb.get(worker, 0.0), record["peak_rss_mb"])
        manifest.save()
        done += len(records)
        if progress:
            progress(done, report.planned, records)


def read_results(output: str | Path, name: str, *, tables: Sequence[str] | None = None,
                 years: Sequence[int] | None = None, scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """One output of a batch (a measure's name in the spec, plus ``_field`` for dataclass results) over the
    finished parts the manifest records, with columns table, year, scenario first; ``attrs['provenance']`` maps
    each part key to its result's provenance."""
    output = Path(output)
    manifest = Manifest(output)
    if not manifest.path.exists():
        raise InputError(f"{output} holds no batch output (no {manifest.path.name})")
    frames, provenance = [], {}
    for key, record in sorted(manifest.done.items()):
        if name not in record["files"]:
            continue
        wanted = ((tables, record["table"]), (years, record["year"]), (scenarios, record["scenario"]))
        if any(allowed is not None and value not in allowed for allowed, value in wanted):
            continue
        path = output / record["files"][name]
        df = pd.read_parquet(path)
        meta = pq.read_schema(path).metadata or {}
        provenance[key] = json.loads(meta.get(PARQUET_META_KEY, b"{}")).get("attrs", {})
        frames.append(df.assign(table=record["table"], year=record["year"], scenario=record["scenario"]))
    if not frames:
        names = sorted({n for r in manifest.done.values() for n in r["files"]})
        raise InputError(f"no finished part of {name!r} matches in {output}; outputs there: {names}")
    out = pd.concat(frames, ignore_index=True)
    out = out[["table", "year", "scenario"] + [c for c in out.columns if c not in ("table", "year", "scenario")]]
    out.attrs = {"output": name, "provenance": provenance}
    return out
