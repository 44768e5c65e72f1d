"""``dualcirc firms``: the synthetic demo through import, evaluate, policy, screen, report and export, and the
error paths (a rejected file lists its bad rows and ends with one red line and exit code 2)."""
from __future__ import annotations

import json
from functools import partial

import pandas as pd
import pytest

import cli_runner
from dualcirc.cli.common import EXIT_ERROR
from dualcirc.city.registry import Registry

invoke = partial(cli_runner.invoke, "firms")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("firms")
    db = folder / "demo.duckdb"
    result = invoke("synthetic", "--db", db, "--firms", 300, "--years", "2021-2023", "--csv", folder / "demo.csv")
    assert result.exit_code == 0, result.output
    assert "synthetic data" in result.stdout and (folder / "demo.csv").is_file()
    return folder, db


def test_evaluate_policy_screen_and_report(demo):
    folder, db = demo
    for year in (2022, 2023):
        result = invoke("evaluate", "--db", db, "--rules", "jiangsu-huaian-2024", "--year", year)
        assert result.exit_code == 0, result.output
        assert "stored as run" in result.stdout and "the rules' benchmarks are those of 2024" in result.stdout
    assert "Industrial firms above designated size" in result.stdout and " D " in result.stdout
    result = invoke("policy", "--db", db, "--policy", "zhejiang-haining-2025-draft", "--year", 2023,
                    "--out", folder / "ledger.xlsx")
    assert result.exit_code == 0, result.output
    assert "electricity_surcharge" in result.stdout and (folder / "ledger.xlsx").is_file()
    result = invoke("screen", "--db", db, "--year", 2023, "--targets", "zhejiang-wenzhou-2018", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "低效企业及其用地" in result.stdout and "小升规培育对象" in result.stdout and "亩均税收" in result.stdout
    result = invoke("report", "--db", db, "--rules", "jiangsu-huaian-2024", "--year", 2023, "--out",
                    folder / "report", "--policy", "zhejiang-haining-2025-draft")
    assert result.exit_code == 0, result.output
    page = (folder / "report" / "firms-report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in page and 'id="transitions"' in page and 'id="policy"' in page


def test_one_firm_explained_and_the_json_summary(demo):
    _, db = demo
    firm = Registry(db).firm_years(2023).query("above_scale")["firm_id"].iloc[0]
    result = invoke("evaluate", "--db", db, "--rules", "zhejiang-huangyan-2022", "--year", 2023, "--firm", firm,
                    "--no-store", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "亩均税收: " in result.stdout and "÷ 基准值 24.097 × 权重 30" in result.stdout
    result = invoke("evaluate", "--db", db, "--rules", "zhejiang-huangyan-2022", "--year", 2023, "--json",
                    "--no-store")
    summary = json.loads(result.stdout)
    assert summary["rules"]["id"] == "zhejiang-huangyan-2022" and summary["class_shares"]


def test_import_export_and_a_rejected_file(demo, tmp_path):
    folder, db = demo
    result = invoke("export", tmp_path / "all.xlsx", "--db", db, "--year", 2023)
    assert result.exit_code == 0, result.output
    copy = tmp_path / "copy.duckdb"
    result = invoke("import", tmp_path / "all.xlsx", "--db", copy)
    assert result.exit_code == 0, result.output
    assert "0 replaced" in result.stdout
    assert len(Registry(copy).firm_years()) == len(Registry(db).firm_years(2023))
    bad = pd.read_csv(folder / "demo.csv", dtype=str).head(5)
    bad.loc[1, "land_mu"] = "lots"
    bad.loc[3, "tax"] = "?"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    result = invoke("import", tmp_path / "bad.csv", "--db", copy)
    assert result.exit_code == EXIT_ERROR
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and last.endswith("bad.csv: 2 problem(s), nothing imported")
    assert result.stderr.count("expected a number") == 2 and "lots" in result.stderr
    result = invoke("import", tmp_path / "bad.csv", "--db", copy, "--map", "nonsense")
    assert result.exit_code == EXIT_ERROR and "expected SOURCE=FIELD" in result.stderr


def test_presets_are_listed_and_unknown_names_are_clean_errors(demo):
    _, db = demo
    result = invoke("presets")
    assert result.exit_code == 0 and "zhejiang-huangyan-2022" in result.stdout and "jiangsu-nanjing" in result.stdout
    result = invoke("evaluate", "--db", db, "--rules", "nowhere", "--year", 2023)
    assert result.exit_code == EXIT_ERROR and "no rules file or preset 'nowhere'" in result.stderr
    result = invoke("policy", "--db", db, "--policy", "jiangsu-nanjing", "--year", 2019)
    assert result.exit_code == EXIT_ERROR and "evaluate 2019 first" in result.stderr
