"""Data model: one table-year and its checks (METHODS.md 0), aggregation and country groups, the compact cache, the
pymrio round trip, competitive to non-competitive conversion (1.7) and the annual macro series (5).

The package imports nothing from the readers, the engine or the measures (they build on it); pymrio is imported
only when a conversion runs.
"""
from .aggregate import Concordance, aggregate, concordance_matrix
from .competitive import CompetitiveTable, import_shares, to_noncompetitive
from .groups import (CountryGroup, country_names, group, group_members, group_names, is_rest_of_world, iso3_of,
                     merge_regions, resolve_regions)
from .macro import MacroDataset, MacroSeries
from .model import DISC, FD_CATEGORIES, OTH, Finding, IOTable, Satellite, TableMeta
from .pymrio_bridge import from_pymrio, to_pymrio
from .store import is_cache, load_table, save_table

__all__ = ["CompetitiveTable", "Concordance", "CountryGroup", "DISC", "FD_CATEGORIES", "Finding", "IOTable",
           "MacroDataset", "MacroSeries", "OTH", "Satellite", "TableMeta", "aggregate", "concordance_matrix",
           "country_names", "from_pymrio", "group", "group_members", "group_names", "import_shares", "is_cache",
           "is_rest_of_world", "iso3_of", "load_table", "merge_regions", "resolve_regions", "save_table",
           "to_noncompetitive", "to_pymrio"]
