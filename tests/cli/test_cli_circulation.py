"""``dualcirc circulation`` through typer's CliRunner: the three views and a preset on built-in data and on a
cache, written results with provenance, and the error paths (one red line, exit code 2)."""
from __future__ import annotations

import pandas as pd
import pytest

from cli_runner import assert_clean_error, invoke
from dualcirc.measures import circulation as circ
from dualcirc.measures.output import read_provenance


@pytest.fixture
def console_widths():
    return 250, 250


def test_absorption_of_china_on_the_default_dataset(tmp_path):
    out = tmp_path / "chn.csv"
    result = invoke("circulation", "--out", out)
    assert result.exit_code == 0, result.output
    assert "DD_GDP" in result.stdout and "Domestic-circulation share of GDP" in result.stdout
    df = pd.read_csv(out)
    assert set(df["region"]) == {"CHN"}
    expected = circ.absorption(__import__("dualcirc").datasets.load("wiod2013", 2011), economies="CHN")
    assert df.set_index("term")["value"]["DD_GDP"] == pytest.approx(
        expected.set_index("term")["value"]["DD_GDP"], rel=1e-12)
    assert read_provenance(out)["method"].startswith("value-added circulation account by absorption")


def test_production_view_with_options(cache, tmp_path):
    out = tmp_path / "prod.parquet"
    result = invoke("circulation", "--table", cache, "--view", "production", "--economy", "R01", "--economy", "R03",
                    "--domestic", "pure", "--returned", "separate", "--out", out)
    assert result.exit_code == 0, result.output
    df = pd.read_parquet(out)
    assert set(df["region"]) == {"R01", "R03"} and "RETURNED_SHARE" in set(df["term"])
    provenance = read_provenance(out)
    assert provenance["options"]["domestic"] == "pure" and provenance["options"]["returned"] == "separate"


def test_category_detail_and_inventories(cache):
    result = invoke("circulation", "--table", cache, "--by", "category", "--inventories", "exclude_from_shares",
                    "--economy", "R02")
    assert result.exit_code == 0, result.output
    assert "GFCF" in result.stdout and "inventories=exclude_from_shares" in result.stdout


def test_preset_prints_its_status(tmp_path):
    out = tmp_path / "lu.xlsx"
    result = invoke("circulation", "--preset", "lu2020", "--year", "2005", "--out", out)
    assert result.exit_code == 0, result.output
    assert "status: partly verified" in result.stdout
    assert read_provenance(out)["preset"]["name"] == "lu2020"
    listing = invoke("circulation", "--list-presets")
    assert listing.exit_code == 0 and all(name in listing.stdout for name in circ.PRESETS)


def test_national_dataset_absorption():
    result = invoke("circulation", "--dataset", "china_nbs42")
    assert result.exit_code == 0, result.output
    assert "DF_OUTSIDE" in result.stdout and "FD_IMPORTED_FINAL" in result.stdout


def test_bad_input_exits_2_with_one_line(cache):
    assert_clean_error(invoke("circulation", "--economy", "XYZ"), "unknown economy 'XYZ'")
    assert_clean_error(invoke("circulation", "--view", "nested"), "needs regions assigned to nations")
    assert_clean_error(invoke("circulation", "--perimeter", "nation"), "perimeter='nation' needs")
    assert_clean_error(invoke("circulation", "--preset", "nope"), "unknown preset 'nope'")
    assert_clean_error(invoke("circulation", "--preset", "lu2020", "--view", "production"), "either --view or --preset")
    assert_clean_error(invoke("circulation", "--dataset", "china_nbs42", "--view", "production"),
                       "needs an inter-country table")
    assert_clean_error(invoke("circulation", "--table", cache, "--view", "production", "--returned", "international"),
                       "counts returned value added as domestic")
    assert_clean_error(invoke("circulation", "--table", cache, "--out", cache.with_suffix(".txt")), "format must be")
