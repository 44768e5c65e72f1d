"""Built-in macro series (METHODS.md section 5 inputs), derived by scripts/build_macro.py from ../shared/data/macro.

Datasets (``load_macro(name)``):

* ``nbs_national``   - China, NBS, 2000-2019: expenditure GDP and components, contribution and pull of the three
  demands, GDP and industry value added with volume indices (previous year = 100), goods trade in CNY and USD,
  annual average exchange rates;
* ``nbs_provincial`` - 31 provinces (GB/T 2260 codes), NBS, 2000-2019: GRP, its indices and expenditure
  components, goods trade by location of the trading firm and by domestic destination/source (thousand USD);
* ``wdi_china``      - China, World Bank WDI, 1960-2023: GDP, consumption, capital formation, exports and imports
  of goods and services (current USD), FDI, population, labour force;
* ``wdi_gdp``        - GDP in current USD for every WDI economy and aggregate, 1960-2023;
* ``pwt``            - Penn World Table 10.01, 183 countries, 1950-2019: real GDP, population, exchange rate and
  the expenditure shares at current PPPs.

:func:`macro_metadata` lists every series with its unit, statistical source, publisher, licence and origin.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..errors import InputError
from ..tables.macro import META_COLUMNS, MacroDataset, MacroSeries

DATA_DIR = Path(__file__).resolve().parent / "data" / "macro"


@lru_cache(maxsize=1)
def _values() -> pd.DataFrame:
    return pd.read_parquet(DATA_DIR / "values.parquet")


@lru_cache(maxsize=1)
def macro_metadata() -> pd.DataFrame:
    """One row per (dataset, series): names (en/zh), unit, currency, scale, price basis, coverage, source,
    publisher, licence, origin and NBS table."""
    return pd.read_csv(DATA_DIR / "series.csv", keep_default_na=False)


@lru_cache(maxsize=1)
def _economies() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "economies.csv", keep_default_na=False, dtype=str)


def macro_datasets() -> list[str]:
    return list(dict.fromkeys(macro_metadata()["dataset"]))


@lru_cache(maxsize=None)
def load_macro(name: str) -> MacroDataset:
    """A built-in macro dataset by name (see the module docstring)."""
    if name not in macro_datasets():
        raise InputError(f"no built-in macro dataset {name!r}; available: {', '.join(macro_datasets())}")
    values = _values()
    values = values[values["dataset"] == name].drop(columns="dataset")
    for col in ("economy", "series"):
        values[col] = values[col].astype(str)
    meta = macro_metadata()
    meta = meta[meta["dataset"] == name].set_index("series")[list(META_COLUMNS)]
    economies = _economies()
    economies = economies[economies["dataset"] == name].drop(columns="dataset").reset_index(drop=True)
    return MacroDataset(name=name, values=values.reset_index(drop=True), series_meta=meta, economies=economies)


def macro_series(dataset: str, series: str, *, economies: Iterable[str] | None = None,
                 years: Iterable[int] | None = None) -> MacroSeries:
    """One built-in series, e.g. ``macro_series("nbs_national", "goods_exports_100m_cny")``."""
    return load_macro(dataset).series(series, economies=economies, years=years)
