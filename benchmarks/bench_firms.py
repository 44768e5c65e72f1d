"""Benchmark: the vectorised 亩均 evaluation of about 100,000 firm-years against a naive per-firm Python loop.

The baseline evaluates 2,000 firm-years of the same panel with the same rules (Huangyan 2022: fixed benchmark
ratios, the pool-average score for missing emissions, ranks within pool and year), firm by firm in Python, and is
scaled to the panel's size; both are measured in this run, and the baseline's scores are checked against the
vectorised ones first.  Also timed: generating the synthetic panel, importing it into DuckDB, reading it back,
storing the run and writing the audit sentences.  Run: ``python benchmarks/bench_firms.py [--firms N]``.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from dualcirc.city.evaluate import evaluate
from dualcirc.city.registry import Registry
from dualcirc.city.rules import Rules, load_rules
from dualcirc.city.synthetic import synthetic_firms

BASELINE_FIRMS = 2000


def naive_scores(records: pd.DataFrame, rules: Rules) -> dict[tuple[str, int], tuple[float, int]]:
    """(firm, year) -> (score, rank): one firm at a time, as a spreadsheet macro would (fixed benchmarks only)."""
    pools = {True: rules.pool("above_scale"), False: rules.pool("below_scale")}
    points_of: dict[tuple, dict[str, float]] = {}
    missing: dict[tuple, list[str]] = defaultdict(list)
    for record in records.to_dict("records"):
        key = (record["firm_id"], int(record["year"]))
        pool = pools[bool(record["above_scale"])]
        points_of[key] = {"_pool": pool.key}
        for scored in pool.indicators:
            num, den = record[scored.indicator.numerator], record[scored.indicator.denominator]
            if num is None or den is None or math.isnan(num) or math.isnan(den) or den <= 0:
                missing[key].append(scored.indicator.key)
                continue
            points_of[key][scored.indicator.key] = scored.weight * (num / den) / scored.benchmark.value
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0])
    for key, points in points_of.items():
        for item, value in points.items():
            if item != "_pool":
                total = sums[(points["_pool"], key[1], item)]
                total[0] += value
                total[1] += 1
    scores: dict[tuple, float] = {}
    for key, points in points_of.items():
        for item in missing[key]:
            total, count = sums[(points["_pool"], key[1], item)]
            points[item] = total / count
        scores[key] = sum(v for k, v in points.items() if k != "_pool")
    by_group: dict[tuple, list] = defaultdict(list)
    for key, score in scores.items():
        by_group[(points_of[key]["_pool"], key[1])].append((score, key))
    ranked = {}
    for members in by_group.values():
        members.sort(key=lambda item: -item[0])
        previous, rank = None, 0
        for position, (score, key) in enumerate(members, start=1):
            if score != previous:
                rank, previous = position, score
            ranked[key] = (score, rank)
    return ranked


def best_of(repeats: int, run) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=22_500, help="firms in the synthetic panel (5 years)")
    args = parser.parse_args()
    rules = load_rules("zhejiang-huangyan-2022")

    start = time.perf_counter()
    records = synthetic_firms(args.firms)
    generate = time.perf_counter() - start
    panel = records.firms
    n = len(panel)
    print(f"synthetic panel: {n:,} firm-years ({args.firms:,} firms, 2019-2023), generated in {generate:.2f} s")

    vectorised = best_of(3, lambda: evaluate(panel, rules, events=records.events))
    evaluation = evaluate(panel, rules, events=records.events)

    sample = panel.sample(BASELINE_FIRMS, random_state=0).sort_values(["year", "firm_id"])
    reference = evaluate(sample, rules).firms.set_index(["firm_id", "year"])
    naive = naive_scores(sample, rules)
    for key, (score, rank) in naive.items():
        assert math.isclose(score, reference.loc[key, "score"], rel_tol=1e-9), key
        assert rank == reference.loc[key, "rank"], key
    loop = best_of(3, lambda: naive_scores(sample, rules))
    scaled = loop * n / BASELINE_FIRMS

    with tempfile.TemporaryDirectory() as folder:
        registry = Registry(Path(folder) / "bench.duckdb")
        start = time.perf_counter()
        registry.import_records(records, synthetic=True)
        stored_in = time.perf_counter() - start
        start = time.perf_counter()
        again, _ = registry.snapshot()
        read_in = time.perf_counter() - start
        start = time.perf_counter()
        registry.save_evaluation(evaluation)
        saved_in = time.perf_counter() - start
    start = time.perf_counter()
    evaluation.explain("zh")
    explained_in = time.perf_counter() - start

    print(f"vectorised evaluation of {n:,} firm-years: {vectorised:.2f} s "
          f"({len(evaluation.audit):,} audit rows; best of 3)")
    print(f"naive per-firm Python loop: {loop:.3f} s for {BASELINE_FIRMS:,} firm-years (same scores and ranks), "
          f"scaled to {n:,}: {scaled:.2f} s")
    print(f"ratio (naive scaled / vectorised): {scaled / vectorised:.1f}x")
    print(f"DuckDB: import {stored_in:.2f} s, read back {read_in:.2f} s ({len(again):,} rows), "
          f"store the run {saved_in:.2f} s; audit sentences (zh) {explained_in:.2f} s")
    assert np.isfinite(evaluation.firms["score"]).sum() > 0.9 * n


if __name__ == "__main__":
    main()
