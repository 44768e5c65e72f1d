"""Engine backends (issue 8; METHODS.md 8.3, 8.4), each compared with the default path in the same run.

* ``lu``: a sparse synthetic table (``random_icio(..., density=d)``): factorisation plus a solve-type task (output
  of every region's final demand, L Y: G right-hand sides) with the dense LAPACK LU and with SuperLU on CSC(I - A);
  prints both timings, the largest relative difference and which one the ``auto`` policy picks.
* ``gpu``: the same decompositions (KWW, WWZ bilateral-sector, Borin-Mancini exporter/source) with the numpy and the
  cupy backend: both timings (the inverse included) and the largest relative difference (goal <= 1e-9).  Prints
  the reason and skips where cupy or a CUDA device is missing.

Run:  python benchmarks/bench_backend.py [--sections lu,gpu] [--G 60] [--N 100] [--density 0.02]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def bench_lu(G: int, N: int, density: float) -> dict:
    from dualcirc.engine import EngineConfig, backend, engine_for
    from dualcirc.testing import random_icio

    table = random_icio(G, N, seed=1, density=density, satellites=False)
    out = {"cells": table.n}
    results = {}
    for policy in ("dense", "sparse"):
        eng = engine_for(table, EngineConfig(lu=policy))
        _, out[f"{policy}_lu_s"] = _timed(lambda: eng.lu)
        results[policy], out[f"{policy}_solve_s"] = _timed(lambda: eng.solve(table.Y2))
    dense = results["dense"]
    out["max_rel_diff"] = float(np.abs(results["sparse"] - dense).max() / np.abs(dense).max())
    out["density_A"] = engine_for(table).density
    out["auto_choice"] = backend.choose_lu(table.n, out["density_A"])
    return out


def bench_gpu(G: int, N: int) -> dict:
    from dualcirc.engine import configure, engine_for
    from dualcirc.engine.backend import cupy_status
    from dualcirc.measures import vat
    from dualcirc.testing import random_icio

    ok, reason = cupy_status()
    if not ok:
        return {"skipped": reason}

    def run() -> tuple[dict, float]:
        start = time.perf_counter()
        engine_for(table).L
        frames = {"kww": vat.kww(table), "wwz": vat.wwz(table), "bm": vat.borin_mancini(table)}
        return frames, time.perf_counter() - start

    table = random_icio(G, N, seed=2)
    out = {"cells": table.n, "device": reason}
    cpu, out["numpy_s"] = run()
    table = random_icio(G, N, seed=2)          # a fresh table object: its own engines, nothing cached
    with configure(backend="cupy"):
        gpu, out["cupy_s"] = run()
    out["max_rel_diff"] = max(float(np.abs(gpu[k]["value"].to_numpy() - cpu[k]["value"].to_numpy()).max()
                                    / max(1.0, np.abs(cpu[k]["value"].to_numpy()).max())) for k in cpu)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sections", default="lu,gpu")
    ap.add_argument("--G", type=int, default=60)
    ap.add_argument("--N", type=int, default=100)
    ap.add_argument("--density", type=float, default=0.02)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    report = {}
    if "lu" in args.sections:
        r = report["lu"] = bench_lu(args.G, args.N, args.density)
        print(f"lu: {r['cells']:,} cells, density of A {r['density_A']:.3f}: dense LU {r['dense_lu_s']:.2f} s + "
              f"L Y {r['dense_solve_s']:.2f} s | sparse LU {r['sparse_lu_s']:.2f} s + L Y {r['sparse_solve_s']:.2f} s"
              f" | max relative difference {r['max_rel_diff']:.1e} | auto picks {r['auto_choice']}", flush=True)
    if "gpu" in args.sections:
        r = report["gpu"] = bench_gpu(args.G, args.N)
        if "skipped" in r:
            print(f"gpu: skipped ({r['skipped']})")
        else:
            print(f"gpu ({r['device']}): {r['cells']:,} cells, KWW + WWZ + BM with L: numpy {r['numpy_s']:.2f} s, "
                  f"cupy {r['cupy_s']:.2f} s ({r['numpy_s'] / r['cupy_s']:.2f}x) | max relative difference "
                  f"{r['max_rel_diff']:.1e} (goal <= 1e-9)")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
