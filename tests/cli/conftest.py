"""Fixtures of the command-line tests: wide consoles and a random table saved as a cache file."""
from __future__ import annotations

import pytest

from dualcirc.cli import common
from dualcirc.tables.store import save_table
from dualcirc.testing import random_icio


@pytest.fixture
def console_widths() -> tuple[int, int]:
    """Widths of the (stdout, stderr) consoles; a module whose tables or messages are wider overrides this."""
    return 200, 200


@pytest.fixture(autouse=True)
def wide_console(monkeypatch, console_widths):
    """Rich wraps at 80 columns when not on a terminal; a wide console keeps each fact on one line."""
    out_width, err_width = console_widths
    monkeypatch.setattr(common.console, "width", out_width)
    monkeypatch.setattr(common.err_console, "width", err_width)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """``random_icio(4, 3, seed=7)`` as a dualcirc cache (.npz), one per test module."""
    path = tmp_path_factory.mktemp("cli") / "random.npz"
    save_table(random_icio(4, 3, seed=7), path)
    return path
