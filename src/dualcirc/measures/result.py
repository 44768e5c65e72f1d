"""The result convention of every measure: a tidy (long) DataFrame whose ``attrs`` carry provenance.

``attrs`` keys: ``method`` (name and METHODS.md section), ``options`` (dict of the options used), ``source``
(table label), ``year``, ``unit``; so a CLI, a report, the web page and a batch job print the same figure with
the same provenance.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..tables.model import IOTable


def tidy(df: pd.DataFrame, *, method: str, table: IOTable | None = None, unit: str | None = None,
         options: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Attach provenance to a result table and return it."""
    df.attrs.update({
        "method": method,
        "options": dict(options or {}),
        "source": table.meta.label() if table is not None else "",
        "citation": table.meta.citation if table is not None else "",
        "year": table.meta.year if table is not None else None,
        "unit": unit if unit is not None else (table.meta.unit if table is not None else ""),
    })
    return df


def provenance_line(df: pd.DataFrame) -> str:
    """One human-readable line describing how a result was computed."""
    a = df.attrs
    opts = ", ".join(f"{k}={v}" for k, v in a.get("options", {}).items())
    return (f"{a.get('method', '?')}; table: {a.get('source', '?')}; unit: {a.get('unit', '?')}"
            + (f"; options: {opts}" if opts else ""))


def region_wide(result: pd.DataFrame, region: str, indicators, sectors) -> pd.DataFrame:
    """One region's rows of a per-cell result (columns region, sector, indicator, value), wide by indicator:
    index the sectors in the order given, columns the indicators in the order given."""
    rows = result[(result["region"] == region) & result["indicator"].isin(indicators)]
    wide = rows.pivot(index="sector", columns="indicator", values="value")
    return wide.reindex(index=list(sectors), columns=list(indicators))


def region_long(wide: pd.DataFrame, region: str, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """:func:`region_wide` back to long rows (region, sector, *keep, indicator, value) in the order of ``wide``;
    ``keep`` names columns of ``wide`` that stay columns."""
    long = wide.reset_index().melt(id_vars=["sector", *keep], var_name="indicator", value_name="value")
    long.insert(0, "region", region)
    return long
