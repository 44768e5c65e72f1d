"""Readers for the databases as their publishers ship them; each returns an IOTable (see base.py)."""
from .base import Layout, detect_layout, layouts, read_table, register

__all__ = ["Layout", "detect_layout", "layouts", "read_table", "register"]
