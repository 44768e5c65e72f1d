"""The built-in datasets: index, loading, errors, and equality with a fresh read of ../shared/data."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from shared_paths import REPO
from dualcirc import datasets
from dualcirc.datasets.build import SOURCES, derive, sha256
from dualcirc.errors import InputError
from dualcirc.tables.model import IOTable

EXPECTED = {("wiod2013", 1995), ("wiod2013", 2000), ("wiod2013", 2005), ("wiod2013", 2011), ("china_nbs42", 2020)}
ARRAYS = ("Z", "Y", "W", "x", "exports", "Zm", "Ym")
DATASET_YEARS = [(src, year) for src in SOURCES for year in src.years]


def test_index_lists_every_dataset_year_with_citation_and_unit():
    listed = datasets.list_datasets()
    assert {(d.name, d.year) for d in listed} == EXPECTED
    for d in listed:
        assert d.citation and d.unit and d.provenance and len(d.source_sha256) == 64
    assert {d.unit for d in listed if d.name == "wiod2013"} == {"million USD"}
    assert datasets.dataset_info().name == datasets.DEFAULT and datasets.dataset_info().year == 2011


def test_shipped_files_are_small():
    data = REPO / "src" / "dualcirc" / "datasets" / "data"
    total = sum((data / d.file).stat().st_size for d in datasets.list_datasets())
    assert total < 5e6


def test_load_restores_float64_tables():
    table = datasets.load("china_nbs42")
    assert isinstance(table, IOTable) and table.regions == ("CHN",) and table.N == 42
    for name in ARRAYS:
        assert getattr(table, name).dtype == np.float64
    assert table.sector_names_zh["01"] and table.meta.year == 2020


def test_unknown_name_or_year():
    with pytest.raises(InputError, match="unknown dataset 'wiod2016'.*wiod2013"):
        datasets.load("wiod2016")
    with pytest.raises(InputError, match=r"no year 2010; it has \[1995, 2000, 2005, 2011\]"):
        datasets.load("wiod2013", 2010)


def test_readme_cites_every_dataset():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for d in datasets.list_datasets():
        assert d.citation in readme, d.name


@pytest.mark.realdata
@pytest.mark.filterwarnings("ignore::dualcirc.errors.TableWarning")
@pytest.mark.parametrize("src, year", DATASET_YEARS, ids=[f"{s.name}-{y}" for s, y in DATASET_YEARS])
def test_shipped_data_equal_a_fresh_read(src, year, shared_data):
    info = datasets.dataset_info(src.name, year)
    assert sha256(shared_data / info.source_file) == info.source_sha256  # the source has not changed
    fresh = derive(src, year, shared_data)
    shipped = datasets.load(src.name, year)
    for field in dataclasses.fields(IOTable):
        a, b = getattr(shipped, field.name), getattr(fresh, field.name)
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b), field.name  # exact, not approximate
        else:
            assert a == b, field.name


def test_series_of_finds_every_year_of_a_builtin_table_and_nothing_else():
    table = datasets.load("wiod2013", 2005)
    series = datasets.series_of(table)
    assert list(series) == sorted(d.year for d in datasets.by_name()["wiod2013"])
    assert series[2005] is table
    assert datasets.series_of(table)[2000] is series[2000]                     # other years loaded once per table
    np.testing.assert_array_equal(series[2011].Z, datasets.load("wiod2013", 2011).Z)
    single = datasets.load("china_nbs42", 2020)
    assert datasets.series_of(single) == {2020: single}
    own = IOTable.from_arrays(table.Z, table.Y, table.x, regions=table.regions, sectors=table.sectors)
    assert datasets.series_of(own) == {}
