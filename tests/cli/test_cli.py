"""The command line through typer's CliRunner: info, convert and report on a random cache and on built-in data,
and the error paths (one red line, exit code 2, nothing overwritten)."""
from __future__ import annotations

import json

import openpyxl

from cli_runner import assert_clean_error, invoke
from shared_paths import shared_file
from dualcirc import __version__
from dualcirc.report import MANIFEST
from dualcirc.tables.store import load_table
from dualcirc.testing import random_icio


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_info_on_a_cache_shows_summary_checks_and_diagnostics(cache):
    result = invoke("info", cache)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "4 regions x 3 sectors" in out and "R01, R02, R03, R04" in out
    assert "[negative_Y]" in out  # the table's check findings with their codes
    assert "max_abs_vL_minus_1" in out and "rcond_I_minus_A" in out


def test_info_formats_lists_layouts_and_datasets():
    result = invoke("info", "--formats")
    assert result.exit_code == 0
    for name in ("wiod2013", "dualcirc-cache", "china_nbs42"):
        assert name in result.stdout


def test_info_on_a_builtin_dataset():
    result = invoke("info", "--dataset", "wiod2013", "--year", "1995")
    assert result.exit_code == 0, result.output
    assert "WIOD" in result.stdout and "1995" in result.stdout and "Timmer" in result.stdout


def test_convert_writes_an_exact_cache_and_refuses_to_overwrite(cache, tmp_path):
    out = tmp_path / "copy.npz"
    result = invoke("convert", cache, out, "--compress")
    assert result.exit_code == 0, result.output
    original, copy = load_table(cache), load_table(out)
    assert (copy.Z == original.Z).all() and (copy.Y == original.Y).all() and copy.regions == original.regions

    before = out.stat().st_mtime_ns
    assert_clean_error(invoke("convert", cache, out), "exists", "--force")
    assert out.stat().st_mtime_ns == before
    assert invoke("convert", cache, out, "--force").exit_code == 0


def test_convert_reads_the_wiod_parquet(tmp_path):
    source = shared_file("wiod2013", "wiot_2011.parquet")
    out = tmp_path / "wiot_2011.npz"
    result = invoke("convert", source, out)
    assert result.exit_code == 0, result.output
    table = load_table(out)
    assert (table.G, table.N, table.meta.year) == (41, 35, 2011)


def test_convert_needs_an_npz_output(cache, tmp_path):
    assert_clean_error(invoke("convert", cache, tmp_path / "table.csv"), ".npz")


def test_missing_input_file_is_one_red_line(tmp_path):
    missing = tmp_path / "nowhere.parquet"
    assert_clean_error(invoke("info", missing), "no such file", "nowhere.parquet")
    assert_clean_error(invoke("convert", missing, tmp_path / "out.npz"), "nowhere.parquet")
    assert not (tmp_path / "out.npz").exists()


def test_unknown_dataset_and_year(tmp_path):
    assert_clean_error(invoke("info", "--dataset", "eora"), "unknown dataset", "wiod2013")
    assert_clean_error(invoke("report", "--dataset", "wiod2013", "--year", "1999", "--out", tmp_path / "r"),
                       "no year 1999", "2011")


def test_report_on_a_cache(cache, tmp_path):
    out = tmp_path / "report"
    result = invoke("report", "--table", cache, "--economy", "R02", "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "report.html").stat().st_size > 1_000_000  # plotly.js is embedded
    assert (out / "report.xlsx").stat().st_size > 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["economy"] == "R02" and manifest["generator"] == "dualcirc"


def test_report_unknown_economy(cache, tmp_path):
    out = tmp_path / "report"
    assert_clean_error(invoke("report", "--table", cache, "--economy", "XYZ", "--out", out), "XYZ", "R01")
    assert not out.exists()


def test_report_needs_an_economy_when_the_table_has_no_china(cache, tmp_path):
    assert_clean_error(invoke("report", "--table", cache, "--out", tmp_path / "r"), "--economy")


def test_report_never_writes_into_a_foreign_folder_without_force(cache, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    args = ("report", "--table", cache, "--economy", "R01", "--out", out)
    assert_clean_error(invoke(*args), "not empty", "--force")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]

    assert invoke(*args, "--force").exit_code == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (out / "report.html").exists()


def test_report_rewrites_a_previous_report_without_force(cache, tmp_path):
    out = tmp_path / "report"
    args = ("report", "--table", cache, "--economy", "R01", "--out", out)
    assert invoke(*args).exit_code == 0
    assert invoke(*args, "--lang", "zh").exit_code == 0
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["lang"] == "zh"


def test_report_refuses_a_file_as_out(cache, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    assert_clean_error(invoke("report", "--table", cache, "--economy", "R01", "--out", target), "not a folder")


def test_report_on_the_default_dataset_in_chinese(tmp_path):
    """The README's first command: the default dataset (WIOD 2013, 2011) and economy (CHN)."""
    out = tmp_path / "dualcirc-report"
    result = invoke("report", "--out", out, "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "Timmer" in result.stdout  # the citation is printed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "关键部门" in html and "增加值的国内与国外吸收" in html and "中国 (CHN)" in html
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert book.sheetnames[-1] == "provenance"
    assert {"multipliers", "key_sectors", "va_absorption", "trade_dependence"} <= set(book.sheetnames)


def test_a_multi_year_file_needs_a_year(tmp_path, monkeypatch):
    """A reader that returns {year: table} when no year is given (e.g. the NIOT workbooks)."""
    from dualcirc.readers import base

    tables = {2000: random_icio(2, 2, seed=1), 2001: random_icio(2, 2, seed=2)}

    def read(path, year=None):
        return tables if year is None else tables[year]

    monkeypatch.setitem(base._LAYOUTS, "multi", base.Layout("multi", "test layout", lambda p: False, read))
    path = tmp_path / "panel.dat"
    path.write_text("x", encoding="utf-8")
    assert_clean_error(invoke("info", path, "--format", "multi"), "[2000, 2001]", "--year")
    result = invoke("info", path, "--format", "multi", "--year", "2001")
    assert result.exit_code == 0 and "seed=2" in result.stdout


def test_options_that_do_not_apply(cache, tmp_path):
    assert_clean_error(invoke("info", "--dataset", "wiod2013", "--format", "wiod2013"), "--format")
    assert_clean_error(invoke("info", cache, "--dataset", "wiod2013"), "not both")
    assert_clean_error(invoke("info", cache, "--year", "2020"), "no reading options")
