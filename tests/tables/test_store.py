"""The compact cache: exact round trip, detection by read_table, and precise errors for other files."""
from __future__ import annotations

import json
import time
import zipfile

import numpy as np
import pytest

from dualcirc.errors import OptionError, ReaderError
from dualcirc.readers import detect_layout, read_table
from dualcirc.tables.store import FORMAT, META_KEY, load_table, save_table
from dualcirc.testing import icio_shaped, random_icio
from table_builders import national_mrio
from test_pymrio_bridge import assert_same_table


@pytest.mark.parametrize("table", [random_icio(3, 4, seed=1, zero_output_cells=1), national_mrio()],
                         ids=["icio", "national_mrio"])
@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_is_exact(table, compress, tmp_path):
    path = save_table(table, tmp_path / "t.npz", compress=compress)
    assert path == tmp_path / "t.npz" and not (tmp_path / "t.npz.tmp").exists()
    assert_same_table(table, load_table(path))
    with zipfile.ZipFile(path) as zf:
        kinds = {i.compress_type for i in zf.infolist()}
    assert kinds == ({zipfile.ZIP_DEFLATED} if compress else {zipfile.ZIP_STORED})


def test_read_table_detects_and_opens_a_cache(tmp_path):
    t = national_mrio()
    path = save_table(t, tmp_path / "table.cache")  # the name does not matter, the content does
    assert detect_layout(path).name == FORMAT
    assert_same_table(t, read_table(path))
    assert_same_table(t, read_table(path, format=FORMAT))
    with pytest.raises(OptionError, match="takes no reading options"):
        read_table(path, year=2017)


def test_icio_shaped_table_loads_quickly(tmp_path):
    t = icio_shaped()
    path = save_table(t, tmp_path / "icio.npz")
    start = time.perf_counter()
    back = load_table(path)
    print(f"icio_shaped (4,050 cells) loaded in {time.perf_counter() - start:.3f} s")  # reported, not asserted
    assert back.n == 4050 and np.array_equal(back.Z, t.Z)


def npz_with_meta(meta):
    def write(path):
        np.savez(path, Z=np.zeros(1), **{META_KEY: np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)})
    return write


@pytest.mark.parametrize("write, message", [
    (lambda p: p.write_text("region,sector\nA,B\n"), "not a dualcirc cache"),
    (lambda p: np.savez(p, Z=np.zeros(3)), "not a dualcirc cache"),
    (npz_with_meta({"format": FORMAT, "version": 99}), "newer dualcirc .*version 99"),
    (npz_with_meta({"format": "other", "version": 1}), "does not describe a dualcirc cache"),
], ids=["csv", "plain_npz", "newer_version", "foreign_meta"])
def test_other_files_raise_reader_errors_naming_the_file(tmp_path, write, message):
    path = tmp_path / "file.npz"
    write(path)
    with pytest.raises(ReaderError, match=message) as err:
        load_table(path)
    assert err.value.file == str(path)


def test_a_damaged_cache_names_the_file(tmp_path):
    path = save_table(random_icio(2, 2, seed=1), tmp_path / "t.npz")
    data = path.read_bytes()
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReaderError) as err:
        load_table(damaged)
    assert err.value.file == str(damaged)
    with pytest.raises(ReaderError, match="no such file"):
        load_table(tmp_path / "missing.npz")
