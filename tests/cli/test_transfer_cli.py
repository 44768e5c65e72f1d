"""``dualcirc transfer`` (shift-share, sda, trends) through typer's CliRunner: built-in WIOD years, single-year
cache files, written CSV results with provenance, and the error paths (one red line, exit code 2)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cli_runner import assert_clean_error, invoke
from dualcirc.tables.store import save_table
from dualcirc.testing import random_icio


@pytest.fixture(scope="module")
def caches(tmp_path_factory):
    """Two random table-years saved as dualcirc caches (2000 and 2010)."""
    folder = tmp_path_factory.mktemp("transfer")
    paths = []
    for year, seed in ((2000, 1), (2010, 2)):
        path = folder / f"t{year}.npz"
        save_table(random_icio(4, 3, seed=seed).with_meta(year=year), path)
        paths.append(path)
    return paths


def test_sda_on_builtin_wiod_writes_results(tmp_path):
    result = invoke("transfer", "sda", "--years", "1995,2011", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "CHN: SDA of va 1995-2011" in result.stdout and "fd_sourcing" in result.stdout
    sda = pd.read_csv(tmp_path / "sda.csv")
    chn = sda[sda["region"] == "CHN"].groupby("effect")["value"].sum()
    assert abs(chn.drop("total_change").sum() - chn["total_change"]) <= 1e-6 * chn["total_change"]
    provenance = json.loads((tmp_path / "provenance.json").read_text(encoding="utf-8"))
    assert "METHODS.md 7.2" in provenance["sda.csv"]["method"] and "Timmer" in provenance["sda.csv"]["citation"]
    again = invoke("transfer", "sda", "--years", "1995,2011", "--out", tmp_path)
    assert_clean_error(again, "not empty")


def test_shift_share_on_cache_files(caches, tmp_path):
    result = invoke("transfer", "shift-share", "--tables", caches[0], "--tables", caches[1], "--sectors", "S01,S02",
                    "--measure", "output", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Net transfer of output 2000-2010" in result.stdout
    regions = pd.read_csv(tmp_path / "shift_share_regions.csv")
    net = regions[regions["indicator"] == "net_transfer"]["value"]
    assert abs(net.sum()) <= 1e-9 * regions["value"].abs().max()


def test_trends_on_cache_files_with_user_sector_sets(caches, tmp_path):
    result = invoke("transfer", "trends", "--tables", caches[0], "--tables", caches[1], "--bloc", "R01,R02",
                    "--manufacturing", "S01,S02", "--services", "S03", "--digital", "S02", "--satellite", "co2",
                    "--economy", "R01", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    for name in ("regionalisation", "transfer_speed", "servitisation", "digital_intensity", "hollowing_out",
                 "emissions_in_trade", "decoupling"):
        assert (tmp_path / f"{name}.csv").is_file(), name
    emissions = pd.read_csv(tmp_path / "emissions_in_trade.csv")
    wide = emissions[emissions["year"] == 2000].pivot(index="region", columns="indicator", values="value")
    assert np.allclose(wide["cba"], wide["pba"] - wide["eee"] + wide["eei"])


def test_errors_are_one_clean_line(caches):
    assert_clean_error(invoke("transfer", "sda", "--years", "1995"), "two years")
    assert_clean_error(invoke("transfer", "sda", "--years", "19x5"), "--years")
    assert_clean_error(invoke("transfer", "sda", "--years", "1996,2011"), "1996")
    assert_clean_error(invoke("transfer", "trends", "--tables", caches[0], "--bloc", "R01"), "known lists")
    assert_clean_error(invoke("transfer", "shift-share", "--dataset", "wiod2013", "--tables", caches[0]), "one of")
