"""Decomposition benchmark: full bilateral-sector WWZ (16 terms) and Borin-Mancini exporter/source (13 terms),
against one LU factorisation plus the explicit inverse of the same I - A, measured in the same run.

Each job runs in a fresh Python process so that its peak resident memory (ru_maxrss) is its own.  Tables:

* ``icio4050``: ``dualcirc.testing.icio_shaped()`` (81 regions x 50 sectors, OECD ICIO 2025 shape, fixed seed);
* ``wiod2011``: the real WIOD 2013 world table for 2011 (41 x 35 = 1,435 cells) from ../shared/data, the table
  on which the peers were timed (R decompr: WWZ 15.6 s, KWW 4.9 s; R exvatools: BM 88 s).

Jobs: ``baseline`` times ``lu_factor(I - A)`` and ``L = lu_solve(I)``, the cost any decomposition must pay;
``decompositions`` times the engine's L, then WWZ, BM source and KWW, each to a tidy long table, and reports
peak memory; ``low_memory`` runs WWZ and BM source with ``low_memory=True`` (METHODS.md 8.2: no n x n inverse,
streamed column blocks) and KWW (solves only in any case) after the LU.  Goal (issue 3): WWZ + BM <= 15 s together and <= 6 GB peak on
the 2-core box.

Run:  python benchmarks/bench_decompositions.py [--tables icio4050,wiod2011]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _jobs import cache_table, run_job, wiod2011

CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
job, cache = sys.argv[1], sys.argv[2]
from dualcirc.tables.store import load_table
table = load_table(cache)
out = {"job": job, "cells": table.n}
if job == "baseline":
    import numpy as np, scipy.linalg as sla
    IA = np.eye(table.n) - table.Z / np.where(table.x > 0, table.x, 1.0)[None, :]
    t0 = time.perf_counter()
    lu = sla.lu_factor(IA, overwrite_a=True, check_finite=False)
    out["lu_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sla.lu_solve(lu, np.eye(table.n), check_finite=False)
    out["inverse_s"] = time.perf_counter() - t0
else:
    from dualcirc.engine import engine_for
    from dualcirc.measures import vat
    eng = engine_for(table)
    low = job == "low_memory"
    t0 = time.perf_counter()
    getattr(eng, "lu" if low else "L")      # low_memory never forms L: the LU only
    out["engine_L_s"] = time.perf_counter() - t0
    for name, run in (("wwz", lambda: vat.wwz(table, low_memory=low)),
                      ("bm_source", lambda: vat.borin_mancini(table, low_memory=low)),
                      ("kww", lambda: vat.kww(table))):
        t0 = time.perf_counter()
        df = run()
        out[name + "_s"] = time.perf_counter() - t0
        out[name + "_rows"] = len(df)
        del df
    out.update(eng.diagnostics())
out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
print(json.dumps(out))
"""


def make_cache(name: str, folder: Path) -> Path:
    from dualcirc.testing import icio_shaped

    if name == "icio4050":
        return cache_table(icio_shaped(), name, folder)
    if name == "wiod2011":
        return cache_table(wiod2011(), name, folder)
    raise SystemExit(f"unknown table {name!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", default="icio4050,wiod2011")
    args = ap.parse_args()
    import warnings

    warnings.simplefilter("ignore")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.tables.split(","):
            cache = make_cache(name, Path(tmp))
            base = run_job(CHILD, "baseline", cache)
            dec = run_job(CHILD, "decompositions", cache)
            low = run_job(CHILD, "low_memory", cache)
            baseline = base["lu_s"] + base["inverse_s"]
            both = dec["wwz_s"] + dec["bm_source_s"]
            rows.append({"table": name, "baseline": base, "decompositions": dec, "low_memory": low})
            print(f"{name} ({dec['cells']:,} cells): LU {base['lu_s']:.2f} s + inverse {base['inverse_s']:.2f} s = "
                  f"{baseline:.2f} s | engine L {dec['engine_L_s']:.2f} s | WWZ {dec['wwz_s']:.2f} s "
                  f"({dec['wwz_rows']:,} rows) | BM source {dec['bm_source_s']:.2f} s ({dec['bm_source_rows']:,} rows)"
                  f" | KWW {dec['kww_s']:.2f} s | WWZ+BM {both:.2f} s = {both / baseline:.2f} x baseline; with L "
                  f"{both + dec['engine_L_s']:.2f} s | peak {dec['peak_rss_gb']:.2f} GB", flush=True)
            print(f"  low_memory: LU {low['engine_L_s']:.2f} s | WWZ {low['wwz_s']:.2f} s | BM source "
                  f"{low['bm_source_s']:.2f} s | KWW {low['kww_s']:.2f} s | peak {low['peak_rss_gb']:.2f} GB",
                  flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
