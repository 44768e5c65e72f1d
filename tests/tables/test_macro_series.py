"""The annual-series model of METHODS.md section 5 (dualcirc.tables.macro): validation and helpers."""

from __future__ import annotations

import pandas as pd
import pytest

from dualcirc.errors import InputError
from dualcirc.tables.macro import MacroSeries


def series(by_year, **meta):
    meta = {"unit": "100 million CNY", "source": "test", "currency": "CNY", "scale": 1e8, **meta}
    return MacroSeries.from_years("gdp", "CHN", by_year, **meta)


def test_gaps_and_non_numeric_cells_are_named():
    with pytest.raises(InputError, match=r"economy CHN: years 2002, 2003 are missing"):
        series({2000: 1.0, 2001: 2.0, 2004: 3.0})
    with pytest.raises(InputError, match=r"years 2001 are missing or empty inside 2000-2002"):
        series({2000: 1.0, 2001: float("nan"), 2002: 3.0})
    with pytest.raises(InputError, match=r"non-numeric value 'n/a' in row \(economy=CHN, year=2001\), column 'gdp'"):
        series({2000: 1.0, 2001: "n/a", 2002: 3.0})
    trimmed = series({1999: None, 2000: 1.0, 2001: "2"})  # empty years at the ends are dropped, text numbers read
    assert trimmed.values.to_dict() == {("CHN", 2000): 1.0, ("CHN", 2001): 2.0}


def test_index_and_metadata_are_checked():
    with pytest.raises(InputError, match="two levels"):
        MacroSeries("gdp", pd.Series([1.0], index=[2000]), unit="u", source="s")
    duplicated = pd.Series([1.0, 2.0], index=pd.MultiIndex.from_tuples([("CHN", 2000), ("CHN", 2000)]))
    with pytest.raises(InputError, match=r"\(economy=CHN, year=2000\) appears more than once"):
        MacroSeries("gdp", duplicated, unit="u", source="s")
    with pytest.raises(InputError, match="years must be integers"):
        series({2000.5: 1.0})
    with pytest.raises(InputError, match="price_basis must be one of"):
        series({2000: 1.0}, price_basis="real")
    with pytest.raises(InputError, match="scale must be a positive number"):
        series({2000: 1.0}, scale=0)
    with pytest.raises(InputError, match="no numeric values"):
        series({2000: None})


def test_units_and_repetition_for_economies():
    gdp = series({2000: 1.5, 2001: 2.0})
    assert gdp.in_base_units().tolist() == [1.5e8, 2.0e8]
    repeated = gdp.for_economies(["110000", "120000"])
    assert repeated.values.to_dict() == {("110000", 2000): 1.5, ("110000", 2001): 2.0,
                                         ("120000", 2000): 1.5, ("120000", 2001): 2.0}
    assert (repeated.unit, repeated.scale, repeated.source) == (gdp.unit, gdp.scale, gdp.source)
    with pytest.raises(InputError, match="only a single-economy series"):
        repeated.for_economies(["130000"])
