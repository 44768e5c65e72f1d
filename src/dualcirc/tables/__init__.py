"""Data model: one table-year, its checks, aggregation, country groups and the pymrio round-trip."""
from .model import IOTable, Satellite, TableMeta, Finding

__all__ = ["IOTable", "Satellite", "TableMeta", "Finding"]
