"""Where the repository and the real data are, for tests that import them (``from shared_paths import ...``).

Kept out of conftest.py so that sub-folders may have conftest files of their own without shadowing these names.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DUALCIRC_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_file(*parts: str) -> Path:
    """Path to a file under ../shared/data; skips the test when it is absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data file not found: {p}")
    return p
