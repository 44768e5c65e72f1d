"""What the benchmarks share: each measured job runs in a fresh Python process (its peak memory is its own), and
the tables are written once to a compact cache that every job loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WIOD2011 = REPO.parent / "shared" / "data" / "wiod2013" / "wiot_2011.parquet"


def run_job(code: str, *args: object) -> dict:
    """Run ``code`` with ``args`` in a fresh interpreter and return the JSON object it prints last."""
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"job {' '.join(map(str, args))} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def wiod2011():
    """The real WIOD 2013 world table for 2011 (1,435 cells) from ../shared/data."""
    if not WIOD2011.exists():
        raise SystemExit(f"{WIOD2011} not found; run without the wiod2011 table")
    from dualcirc.readers.wiod import read_wiod2013
    return read_wiod2013(WIOD2011)


def cache_table(table, name: str, folder: Path) -> Path:
    """Write ``table`` to ``folder/name.npz`` (the compact cache) and return the path."""
    from dualcirc.tables.store import save_table
    return save_table(table, folder / f"{name}.npz")
