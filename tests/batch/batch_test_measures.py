"""Custom measures for the batch tests, named in specs as 'batch_test_measures:region_output' (workers in other
processes import them through PYTHONPATH=tests/batch)."""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from dualcirc.measures.result import tidy


def region_output(table, *, seconds: float = 0.0, fail_years: tuple = (), flag: str | None = None) -> pd.DataFrame:
    """Gross output by region, after sleeping ``seconds``; raises for ``fail_years`` while the file ``flag``
    exists (a failure injected into a task)."""
    time.sleep(seconds)
    if flag is not None and Path(flag).exists() and table.meta.year in fail_years:
        raise RuntimeError(f"injected failure for {table.meta.year}")
    values = table.x.reshape(table.G, table.N).sum(1)
    return tidy(pd.DataFrame({"region": list(table.regions), "value": values}), method="region output (test)",
                table=table)
