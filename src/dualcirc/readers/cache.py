"""The layout ``dualcirc-cache``: a table saved by :func:`dualcirc.tables.store.save_table` (METHODS.md 8), so
that ``read_table(path)`` opens compact caches like any publisher's file."""

from __future__ import annotations

from pathlib import Path

from ..errors import OptionError
from ..tables.model import IOTable
from ..tables.store import FORMAT, is_cache, load_table
from .base import Layout, register


def read_cache(path: str | Path, **options) -> IOTable:
    """The table in a dualcirc cache; a cache takes no reading options (it holds one table-year as written)."""
    if options:
        raise OptionError(f"a dualcirc cache takes no reading options; got {sorted(options)}")
    return load_table(path)


register(Layout(FORMAT, "dualcirc compact cache (.npz written by save_table)", is_cache, read_cache))
