"""The report framework: section registry, out-folder policy, HTML (plotly.js once) and xlsx (bilingual headers,
provenance sheet)."""
from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from dualcirc import labels
from dualcirc.errors import InputError, OptionError
from dualcirc.measures.result import tidy
from dualcirc.report import MANIFEST, Block, build_report, check_out_folder, resolve_economy, registered_sections, write_report
from dualcirc.report import framework
from dualcirc.testing import random_icio

PLOTLY_SIGNATURE = "plotly.js v"  # the banner at the top of the embedded library

FIRST_REPORT = ["multipliers", "key_sectors", "va_absorption", "trade_dependence"]


@pytest.fixture(scope="module")
def table():
    return random_icio(5, 4, seed=3)


@pytest.fixture(scope="module")
def written(table, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "r"
    steps = []
    files = write_report(table, out, economy="R03", lang="en", top=3,
                         progress=lambda step, done, total: steps.append((step, done, total)))
    return files, steps


def test_sections_are_registered_in_order():
    keys = [s.key for s in registered_sections()]
    assert keys[:4] == FIRST_REPORT
    assert [s.order for s in registered_sections()] == sorted(s.order for s in registered_sections())


def test_a_new_section_needs_no_change_to_the_framework(table, monkeypatch):
    monkeypatch.setattr(framework, "_SECTIONS", dict(framework._SECTIONS))

    @framework.section("zz_test", order=999, title=("Test section", "测试章节"), intro=("Intro", "简介"))
    def build(ctx):
        data = tidy(pd.DataFrame({"region": [ctx.economy], "value": [1.0]}), method="test", table=ctx.table)
        return [Block("report.col.share", data)]

    @framework.section("zz_skipped", order=1000, title=("Skipped", "跳过"), intro=("Never", "从不"))
    def skipped(ctx):
        return None

    doc = build_report(table, economy="R01", lang="zh")
    by_key = {r.section.key: r for r in doc.results}
    assert [r.section.key for r in doc.results][-2:] == ["zz_test", "zz_skipped"]
    assert not by_key["zz_test"].skipped and by_key["zz_skipped"].skipped
    assert labels.t(by_key["zz_test"].section.title, "zh") == "测试章节"


def test_progress_reports_every_step(written):
    files, steps = written
    total = len(registered_sections()) + 3
    assert [done for _, done, _ in steps] == list(range(total + 1))
    assert all(t == total for _, _, t in steps)


def test_html_is_self_contained_with_plotly_once(written):
    files, _ = written
    html = files.html.read_text(encoding="utf-8")
    assert html.count(PLOTLY_SIGNATURE) == 1
    assert "<script src" not in html  # nothing is fetched when the page opens
    n_figures = html.count('class="plotly-graph-div"')
    assert n_figures >= 5  # multipliers, key sectors, two absorption charts, trade dependence
    assert html.count('class="provenance"') >= n_figures  # the options beside every figure
    assert "scope=domestic" in html and "forward_basis=ghosh" in html


def test_xlsx_has_one_sheet_per_section_bilingual_headers_and_provenance(written, table):
    files, _ = written
    book = openpyxl.load_workbook(files.xlsx, read_only=True)
    assert book.sheetnames == [s.key for s in registered_sections()] + ["provenance"]  # one sheet per registered section
    rows = list(book["trade_dependence"].iter_rows(values_only=True))
    assert ("Region / 地区", "Indicator / 指标", "Value / 数值", "Unit / 单位") in rows
    assert any(r[0] == "Options / 选项" for r in rows)
    provenance = dict(r[:2] for r in book["provenance"].iter_rows(values_only=True))
    assert provenance["Unit / 单位"] == "million USD"
    assert provenance["Table / 投入产出表"] == table.meta.label()
    assert any(key.startswith("reciprocal condition number") for key in provenance)


def test_manifest_marks_the_folder_as_a_report(written):
    files, _ = written
    manifest = json.loads(files.manifest.read_text(encoding="utf-8"))
    assert manifest["generator"] == "dualcirc" and manifest["sections"] == list(files.sections)
    assert set(FIRST_REPORT) <= set(manifest["sections"])
    assert manifest["files"] == ["report.html", "report.xlsx"]


def test_out_folder_policy(tmp_path, written):
    check_out_folder(tmp_path / "new", force=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    check_out_folder(empty, force=False)
    check_out_folder(written[0].html.parent, force=False)  # a previous report may be rewritten
    (empty / "data.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(OptionError, match="not empty"):
        check_out_folder(empty, force=False)
    check_out_folder(empty, force=True)
    (empty / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(OptionError, match="not empty"):
        check_out_folder(empty, force=False)


def test_economy_resolution(table):
    assert resolve_economy(table, "R02") == "R02"
    with pytest.raises(InputError, match="unknown economy 'CHN'"):
        resolve_economy(table, "CHN")
    with pytest.raises(InputError, match="--economy"):
        resolve_economy(table, None)


def test_bad_options(table):
    with pytest.raises(OptionError, match="language"):
        build_report(table, economy="R01", lang="fr")
    with pytest.raises(OptionError, match="top"):
        build_report(table, economy="R01", top=0)


def test_every_report_label_exists_in_both_languages():
    registered_sections()  # registers every section's labels
    report_labels = {k: v for k, v in labels.catalogue().items() if k.startswith("report.")}
    assert len(report_labels) > 40
    for key, entry in report_labels.items():
        assert entry["en"].strip() and entry["zh"].strip(), key
