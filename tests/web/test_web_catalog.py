"""The data folder of ``dualcirc serve --data``: tables read once and cached in the state folder, other files
skipped with the reader's reason, caches reused after a restart and refreshed when a file changes."""

from __future__ import annotations

import os
import shutil

import pytest
from web_helpers import ICIO_EXCERPT

from dualcirc.errors import InputError
from dualcirc.tables.store import save_table
from dualcirc.testing import random_icio
from dualcirc.web import catalog as catalog_module
from dualcirc.web.catalog import Catalog, NotFound, read_tables


@pytest.fixture()
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(ICIO_EXCERPT, folder / "2020.csv")
    (folder / "readme.txt").write_text("not a table", encoding="utf-8")
    save_table(random_icio(3, 2, seed=4), folder / "synthetic.npz")
    return folder


def test_data_folder_tables_are_offered_and_other_files_skipped(data_dir, tmp_path):
    cat = Catalog(data_dir=data_dir, state_dir=tmp_path / "state", builtin=False)
    found = {d["id"]: d for d in cat.datasets()}
    assert set(found) == {"data-2020", "data-synthetic"}
    assert found["data-2020"]["years"] == [2020] and found["data-2020"]["origin"] == "data"
    assert [s["file"] for s in cat.skipped] == ["readme.txt"]
    assert "not recognised" in cat.skipped[0]["reason"]
    table = cat.table(cat.entry("data-2020"))
    assert table.G == 5 and table.N == 6
    assert cat.table(cat.entry("data-2020", 2020)) is table  # one object per table-year (one engine)
    with pytest.raises(NotFound, match="no year 1999"):
        cat.entry("data-2020", 1999)
    with pytest.raises(NotFound, match="unknown dataset"):
        cat.entries("wiod2013")


def test_a_restart_reuses_the_caches_and_a_changed_file_is_read_again(data_dir, tmp_path, monkeypatch):
    state = tmp_path / "state"
    first = Catalog(data_dir=data_dir, state_dir=state, builtin=False)
    expected = first.table(first.entry("data-2020"))
    reads = []

    def counted(path):
        reads.append(path.name)
        return read_tables(path)
    monkeypatch.setattr(catalog_module, "read_tables", counted)
    second = Catalog(data_dir=data_dir, state_dir=state, builtin=False)
    assert reads == [] and second.table(second.entry("data-2020")).x.tolist() == expected.x.tolist()

    stat = (data_dir / "2020.csv").stat()
    os.utime(data_dir / "2020.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    third = Catalog(data_dir=data_dir, state_dir=state, builtin=False)
    assert reads == ["2020.csv"] and third.entry("data-2020").year == 2020


def test_a_missing_data_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Catalog(data_dir=tmp_path / "nowhere", state_dir=tmp_path / "state", builtin=False)


def test_the_lru_keeps_at_most_max_loaded_tables(tmp_path):
    cat = Catalog(state_dir=tmp_path, max_loaded=1)
    old = cat.table(cat.entry("wiod2013", 1995))
    cat.table(cat.entry("wiod2013", 2000))
    assert cat.table(cat.entry("wiod2013", 1995)) is not old
