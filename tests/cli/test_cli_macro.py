"""``dualcirc macro dependence|contributions|target`` through typer's CliRunner on the built-in macro series, and
the error paths (target below base, unknown economy: one red line, exit code 2)."""
from __future__ import annotations

import pandas as pd
import pytest

from cli_runner import assert_clean_error, invoke


@pytest.fixture
def console_widths():
    return 250, 250


def test_dependence_nbs_and_provinces(tmp_path):
    result = invoke("macro", "dependence", "--from", "2006", "--to", "2006")
    assert result.exit_code == 0, result.output
    assert "64.243" in result.stdout                              # 2006 peak (64.2 %), docs/macro_reconciliation.md
    out = tmp_path / "bj.csv"
    result = invoke("macro", "dependence", "--source", "provinces", "--economy", "110000", "--from", "2019",
                    "--out", out)
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    td = df[(df["indicator"] == "gross_trade_dependence") & (df["year"] == 2019)]["value"].item()
    assert round(td, 1) == 81.1                                   # Beijing 2019, docs/macro_reconciliation.md


def test_contributions_by_demand_and_industry():
    demand = invoke("macro", "contributions", "--from", "2019", "--to", "2019")
    assert demand.exit_code == 0, demand.output
    assert "58.563" in demand.stdout and "Final consumption" in demand.stdout
    industry = invoke("macro", "contributions", "--by", "industry", "--from", "2018", "--to", "2018")
    assert industry.exit_code == 0, industry.output
    assert "Tertiary industry" in industry.stdout and "61.504" in industry.stdout


def test_target_with_current_rate():
    result = invoke("macro", "target", "100", "200", "--base-year", "2020", "--target-year", "2035",
                    "--current-rate", "4")
    assert result.exit_code == 0, result.output
    assert "4.729" in result.stdout and "17.673" in result.stdout


def test_bad_input_exits_2_with_one_line():
    assert_clean_error(invoke("macro", "target", "100", "80", "--base-year", "2020", "--target-year", "2035"),
                       "below the base")
    assert_clean_error(invoke("macro", "target", "100", "200", "--base-year", "2020", "--target-year", "2020"),
                       "equals base_year")
    assert_clean_error(invoke("macro", "dependence", "--economy", "USA"), "no data for economies ['USA']")
    assert_clean_error(invoke("macro", "dependence", "--source", "provinces", "--economy", "999999"),
                       "unknown province")
    assert_clean_error(invoke("macro", "contributions", "--from", "1990", "--to", "1995"), "no data between")
    ok = invoke("macro", "target", "100", "80", "--base-year", "2020", "--target-year", "2035", "--allow-decline")
    assert ok.exit_code == 0 and "-1.477" in ok.stdout
