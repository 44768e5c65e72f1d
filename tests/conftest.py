"""Shared fixtures. Real-data tests read ../shared/data through `shared_data` and skip with a reason if absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DUALCIRC_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (set DUALCIRC_SHARED_DATA)")
    return SHARED_DATA


def shared_file(*parts: str) -> Path:
    """Path to a file under ../shared/data; skips the test when it is absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data file not found: {p}")
    return p
