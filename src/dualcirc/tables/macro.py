"""Annual macro series with a declared source and unit (METHODS.md section 5).

A :class:`MacroSeries` is one variable (GDP, exports, an exchange rate, a volume index ...) for one or more
economies over consecutive years, carrying what a ratio needs to be honest about: its statistical source, its
coverage (goods or goods and services), its currency and scale, and whether it is at current or constant prices.
A :class:`MacroDataset` is a long table of many such series plus their metadata; the built-in datasets
(``dualcirc.datasets.macro``) and the loaders of user-downloaded files (``dualcirc.readers.macro_sources``) both
return one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError

#: price bases of a series ("none": shares, rates, counts); ratios (METHODS.md 5.1) need "current" amounts,
#: contributions (5.2) need volumes ("constant", "chain_linked") or current amounts with an "index_prev100" series
PRICE_BASES = ("current", "constant", "chain_linked", "index_prev100", "none")

#: columns of a dataset's series metadata table (one row per series)
META_COLUMNS = ("name_en", "name_zh", "unit", "currency", "scale", "price_basis", "coverage", "source",
                "publisher", "licence", "origin", "table")


@dataclass(frozen=True)
class MacroSeries:
    """One annual variable for one or more economies, indexed by ``(economy, year)``.

    ``currency`` and ``scale`` make values comparable across units: a value times ``scale`` is an amount in
    ``currency`` (``"CNY"``, ``"USD"``; ``"CNY/USD"`` for an exchange rate in yuan per dollar; ``None`` for
    non-monetary series).  Years must be consecutive within each economy: missing or empty years inside the
    range are an :class:`~dualcirc.errors.InputError` (empty years at either end are dropped).
    """

    code: str
    values: pd.Series
    unit: str
    source: str
    currency: str | None = None
    scale: float = 1.0
    price_basis: str = "current"
    coverage: str | None = None
    name: str = ""
    meta: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self):
        if self.price_basis not in PRICE_BASES:
            raise InputError(f"series {self.code!r}: price_basis must be one of {PRICE_BASES}, "
                             f"not {self.price_basis!r}")
        if not (np.isfinite(self.scale) and self.scale > 0):
            raise InputError(f"series {self.code!r}: scale must be a positive number, not {self.scale!r}")
        object.__setattr__(self, "values", _validated_values(self.code, self.values))

    @classmethod
    def from_years(cls, code: str, economy: str, by_year: Mapping[int, float], **meta) -> "MacroSeries":
        """A series for one economy from ``{year: value}``."""
        index = pd.MultiIndex.from_tuples([(economy, y) for y in by_year], names=["economy", "year"])
        return cls(code, pd.Series(list(by_year.values()), index=index, dtype=object), **meta)

    @property
    def economies(self) -> list[str]:
        return list(self.values.index.unique("economy"))

    def for_economies(self, economies: Iterable[str]) -> "MacroSeries":
        """This single-economy series repeated for each of ``economies`` (e.g. a national exchange rate for
        every province)."""
        if len(self.economies) != 1:
            raise InputError(f"series {self.code!r} covers {len(self.economies)} economies; only a "
                             "single-economy series can be repeated for others")
        years = self.values.index.get_level_values("year")
        index = pd.MultiIndex.from_product([list(economies), years], names=["economy", "year"])
        values = pd.Series(np.tile(self.values.to_numpy(), len(index) // len(years)), index=index)
        return _replace(self, values=values)

    def in_base_units(self) -> pd.Series:
        """Values times ``scale`` (e.g. yuan rather than 100 million yuan)."""
        return self.values * self.scale


def _replace(series: MacroSeries, **changes) -> MacroSeries:
    fields = {f: getattr(series, f) for f in series.__dataclass_fields__}
    fields.update(changes)
    return MacroSeries(**fields)


def _validated_values(code: str, values: pd.Series) -> pd.Series:
    """Numeric float Series on a sorted ``(economy, year)`` index with consecutive years per economy."""
    if not isinstance(values, pd.Series):
        raise InputError(f"series {code!r}: values must be a pandas Series indexed by (economy, year)")
    if values.index.nlevels != 2:
        raise InputError(f"series {code!r}: the index must have two levels (economy, year), "
                         f"not {values.index.nlevels}")
    values = values.copy()
    values.index = values.index.set_names(["economy", "year"])
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna() & values.notna() & ~values.astype(str).str.strip().isin(["", "nan", "NaN", "None"])
    if bad.any():
        economy, year = bad[bad].index[0]
        raise InputError(f"series {code!r}: non-numeric value {values[(economy, year)]!r} in row "
                         f"(economy={economy}, year={year}), column {code!r}; expected a number")
    years = pd.to_numeric(pd.Series(values.index.get_level_values("year")), errors="coerce")
    if years.isna().any() or (years != years.round()).any():
        raise InputError(f"series {code!r}: years must be integers; found "
                         f"{values.index.get_level_values('year')[years.isna().to_numpy()][:3].tolist()}")
    numeric.index = pd.MultiIndex.from_arrays(
        [values.index.get_level_values("economy").astype(str), years.astype(int).to_numpy()],
        names=["economy", "year"])
    if numeric.index.duplicated().any():
        economy, year = numeric.index[numeric.index.duplicated()][0]
        raise InputError(f"series {code!r}: (economy={economy}, year={year}) appears more than once")
    numeric = numeric.dropna().astype(float).sort_index()
    if numeric.empty:
        raise InputError(f"series {code!r} has no numeric values")
    for economy, group in numeric.groupby(level="economy", sort=False):
        present = group.index.get_level_values("year")
        missing = sorted(set(range(present.min(), present.max() + 1)) - set(present))
        if missing:
            raise InputError(
                f"series {code!r}, economy {economy}: years {_years_text(missing)} are missing or empty inside "
                f"{present.min()}-{present.max()}; the methods need consecutive years. Fill the gap from the "
                "source or restrict the series to a range without gaps.")
    return numeric


def _years_text(years: list[int]) -> str:
    return ", ".join(str(y) for y in years[:8]) + (" ..." if len(years) > 8 else "")


@dataclass(frozen=True)
class MacroDataset:
    """Many annual series in long form with one metadata row per series.

    ``values``: columns ``economy, year, series, value``; ``series_meta``: indexed by series code with
    :data:`META_COLUMNS`; ``economies``: ``economy, name_en, name_zh``.
    """

    name: str
    values: pd.DataFrame
    series_meta: pd.DataFrame
    economies: pd.DataFrame

    def codes(self) -> list[str]:
        return list(self.series_meta.index)

    def series(self, code: str, *, economies: Iterable[str] | None = None,
               years: Iterable[int] | None = None) -> MacroSeries:
        """One series as a :class:`MacroSeries`, optionally for some economies and years only."""
        if code not in self.series_meta.index:
            raise InputError(f"dataset {self.name!r} has no series {code!r}; known series include "
                             f"{self.codes()[:10]}")
        rows = self.values[self.values["series"] == code]
        if economies is not None:
            wanted = [str(e) for e in economies]
            unknown = sorted(set(wanted) - set(rows["economy"]))
            if unknown:
                raise InputError(f"dataset {self.name!r}, series {code!r}: no data for economies {unknown[:8]}")
            rows = rows[rows["economy"].isin(wanted)]
        if years is not None:
            rows = rows[rows["year"].isin(list(years))]
        meta = self.series_meta.loc[code]
        values = pd.Series(rows["value"].to_numpy(), name=code,
                           index=pd.MultiIndex.from_arrays([rows["economy"].astype(str), rows["year"]],
                                                           names=["economy", "year"]))
        currency = meta["currency"] if isinstance(meta["currency"], str) and meta["currency"] else None
        coverage = meta["coverage"] if isinstance(meta["coverage"], str) and meta["coverage"] else None
        return MacroSeries(code, values, unit=str(meta["unit"]), source=str(meta["source"]),
                           currency=currency, scale=float(meta["scale"]), price_basis=str(meta["price_basis"]),
                           coverage=coverage, name=str(meta["name_en"] or meta["name_zh"]),
                           meta={k: meta[k] for k in ("publisher", "licence", "origin", "table", "name_zh")})
