"""The chain-security commands through typer's CliRunner: chokepoints, shock and chain on a random cache and on
the built-in WIOD 2011 table; errors end with one red line naming the file, line and key (exit code 2)."""
from __future__ import annotations

import pandas as pd
import pytest

from cli_runner import assert_clean_error, invoke
from dualcirc.measures.output import read_provenance


@pytest.fixture
def console_widths():
    return 200, 400


def test_chokepoints_writes_scores_and_ranking(cache, tmp_path):
    out = tmp_path / "cp"
    result = invoke("chokepoints", "--table", cache, "--economy", "R02", "--out", out, "--top", "3",
                    "--weights", "dependence=2,criticality=1")
    assert result.exit_code == 0, result.output
    ranking = pd.read_csv(out / "ranking.csv")
    assert list(ranking["rank"][:3]) == [1, 2, 3] and ranking["chokepoint_score"].is_monotonic_decreasing
    assert read_provenance(out / "chokepoints.csv")["options"]["weights"]["dependence"] == 2.0
    again = invoke("chokepoints", "--table", cache, "--economy", "R02", "--out", out)
    assert_clean_error(again, "ranking.csv", "--force")
    assert_clean_error(invoke("chokepoints", "--table", cache, "--economy", "XX", "--out", tmp_path / "x"), "XX")
    assert_clean_error(invoke("chokepoints", "--table", cache, "--economy", "R01", "--weights", "heavy",
                              "--out", tmp_path / "y"), "--weights")


def test_shock_runs_a_yaml_file_on_the_builtin_table(tmp_path):
    shocks = tmp_path / "shocks.yaml"
    shocks.write_text("- name: jpn_c14\n  source: JPN\n  products: [c14]\n  theta: 0.5\n  importer: CHN\n"
                      "  model: [ghosh, hem]\n", encoding="utf-8")
    result = invoke("shock", shocks, "--dataset", "wiod2013", "--out", tmp_path / "s")
    assert result.exit_code == 0, result.output
    assert "jpn_c14" in result.stdout and "Oosterhaven" in result.stdout
    totals = pd.read_csv(tmp_path / "s" / "shock_totals.csv")
    assert set(totals["model"]) == {"ghosh", "hem"}


def test_shock_file_errors_are_one_line(cache, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: a\n  source: R02\n  theta: 1.5\n", encoding="utf-8")
    assert_clean_error(invoke("shock", bad, "--table", cache, "--out", tmp_path / "o"), str(bad), "row 3",
                       "'theta'", "[0, 1]")
    assert_clean_error(invoke("shock", tmp_path / "missing.csv", "--table", cache, "--out", tmp_path / "p"),
                       "missing.csv")


def test_chain_writes_network_tables_and_chart(cache, tmp_path):
    out = tmp_path / "chain"
    result = invoke("chain", "--sector", "S02", "--table", cache, "--economy", "R01", "--out", out, "--top", "4")
    assert result.exit_code == 0, result.output
    for name in ("nodes.csv", "edges.csv", "chain.xlsx", "chain.html"):
        assert (out / name).is_file()
    assert_clean_error(invoke("chain", "--sector", "S09", "--table", cache, "--economy", "R01",
                              "--out", tmp_path / "c2"), "S09")
