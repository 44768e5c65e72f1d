"""Batch benchmark (issue 8): 26 table-years of 41 x 50 = 2,050 cells, full KWW + WWZ + Borin-Mancini (exporter
perspective, source approach; WWZ and BM at the bilateral-sector level) written as partitioned Parquet, run by
``dualcirc.batch.run_batch`` on a LocalCluster of worker processes -- 1 worker vs 2 workers in the same run.

Configurations (each run on a fresh cluster and a fresh output folder, the same cached tables):

* ``1w x 1t``: one worker, one BLAS thread -- the baseline of the worker-scaling ratio (goal >= 1.8x);
* ``2w x 1t``: two workers, one BLAS thread each (workers x threads = cores, METHODS.md 8.4);
* ``1w x 2t``: one worker with two BLAS threads -- the best a single process does on this box, for reference.

The configurations are run in ``--rounds`` interleaved rounds (order reversed every other round, so a drifting
background load hits them alike) and compared by their median wall time.  Reported per run: wall time (cluster
start included, and without it), the CPU seconds the workers spent inside parts and the parallelism they achieved
(CPU seconds / wall seconds: 2 workers on two free cores give about 2; less means other processes took the
cores), the load average before and after, and the peak resident memory of each worker process (ru_maxrss,
recorded after every part).  The tables are generated once (``dualcirc.testing.random_icio``, seed = year) into
compact caches before any timing.

Run:  python benchmarks/bench_batch.py [--years 26] [--G 41] [--N 50] [--configs 1x1,2x1,1x2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

FIRST_YEAR = 1995


def make_table(args: tuple[int, int, int, str]) -> str:
    G, N, year, folder = args
    from dualcirc.tables.store import save_table
    from dualcirc.testing import random_icio

    warnings.simplefilter("ignore")
    path = Path(folder) / f"synth_{year}.npz"
    save_table(random_icio(G, N, seed=year).with_meta(year=year), path)
    return str(path)


def run(folder: Path, years: int, workers: int, blas: int) -> dict:
    from dualcirc.batch import run_batch, spec_from_dict

    spec = spec_from_dict({
        "output": f"out_{workers}w{blas}t",
        "tables": [{"name": "synth", "cache": "synth_{year}.npz",
                    "years": f"{FIRST_YEAR}-{FIRST_YEAR + years - 1}"}],
        "measures": ["kww", "wwz", "borin_mancini"],
        "cluster": {"workers": workers, "blas_threads": blas},
    }, base=folder)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    report = run_batch(spec)
    wall = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"the batch failed: {list(report.failed.items())[:3]}")
    manifest = json.loads((spec.output / "_manifest.json").read_text())
    rows = sum(sum(r["rows"].values()) for r in manifest["done"].values())
    cpu = sum(r["cpu_seconds"] for r in manifest["done"].values())
    shutil.rmtree(spec.output)
    work = wall - report.startup_seconds
    return {"config": f"{workers}w x {blas}t", "workers": workers, "blas_threads": blas, "wall_s": wall,
            "cluster_start_s": report.startup_seconds, "work_s": work, "parts": report.computed, "rows": rows,
            "cpu_s": cpu, "parallelism": cpu / work, "peak_rss_mb_per_worker": sorted(report.peak_rss_mb.values()),
            "load_before": load, "load_after": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--years", type=int, default=26)
    ap.add_argument("--G", type=int, default=41)
    ap.add_argument("--N", type=int, default=50)
    ap.add_argument("--configs", default="1x1,2x1,1x2", help="workers x BLAS threads, comma separated")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    configs = [tuple(map(int, c.split("x"))) for c in args.configs.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
            list(pool.map(make_table, [(args.G, args.N, FIRST_YEAR + k, tmp) for k in range(args.years)]))
        print(f"{args.years} table-years of {args.G} x {args.N} = {args.G * args.N:,} cells generated in "
              f"{time.perf_counter() - start:.1f} s (not timed below)", flush=True)
        for round_ in range(args.rounds):
            for workers, blas in (configs if round_ % 2 == 0 else configs[::-1]):
                r = run(folder, args.years, workers, blas)
                results.append(r)
                peaks = ", ".join(f"{p:,.0f}" for p in r["peak_rss_mb_per_worker"])
                print(f"round {round_ + 1}, {r['config']}: {r['wall_s']:.1f} s ({r['work_s']:.1f} s after the "
                      f"cluster start) for {r['parts']} parts, {r['rows']:,} rows | {r['cpu_s']:.1f} CPU s in parts, "
                      f"parallelism {r['parallelism']:.2f} | peak RSS per worker {peaks} MiB | load average "
                      f"{r['load_before']:.1f} -> {r['load_after']:.1f}", flush=True)
    median = {c: statistics.median(r["work_s"] for r in results if (r["workers"], r["blas_threads"]) == c)
              for c in configs}
    for name, (a, b), goal in (("worker scaling, 1w x 1t / 2w x 1t", ((1, 1), (2, 1)), " (goal >= 1.8x)"),
                               ("best single process, 1w x 2t / 2w x 1t", ((1, 2), (2, 1)), "")):
        if a in median and b in median:
            print(f"{name}: {median[a] / median[b]:.2f}x (median of {args.rounds} runs each, after the cluster "
                  f"start){goal}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
