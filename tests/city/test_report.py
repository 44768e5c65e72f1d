"""The city report: HTML page and workbook with every section, the synthetic-data warning, both languages, and the
folder policy of ``dualcirc report``."""
from __future__ import annotations

import json

import openpyxl
import pytest

from dualcirc.city.evaluate import evaluate
from dualcirc.city.policy import load_policy
from dualcirc.city.report import build_city_report, write_city_report, write_tables
from dualcirc.city.rules import load_rules
from dualcirc.city.screening import load_screening, load_targets
from dualcirc.city.synthetic import synthetic_firms
from dualcirc.errors import OptionError
from dualcirc.report import MANIFEST


@pytest.fixture(scope="module")
def evaluated():
    records = synthetic_firms(250, years=(2021, 2022, 2023), seed=12)
    rules = load_rules("jiangsu-huaian-2024")
    by_year = {y: records.firms[records.firms["year"] == y] for y in (2021, 2022, 2023)}
    before = evaluate(by_year[2022], rules, events=records.events, reference=by_year[2021])
    now = evaluate(by_year[2023], rules, events=records.events, reference=by_year[2022])
    return records, before, now


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_has_every_section_and_says_the_data_are_synthetic(evaluated, tmp_path, lang):
    records, before, now = evaluated
    report = build_city_report(now, lang=lang, history=before.firms, records=records.firms,
                               policy=load_policy("zhejiang-haining-2025-draft"),
                               screening=load_screening("zhejiang-huzhou-2021"),
                               targets=load_targets("zhejiang-wenzhou-2018"), target_year=2027, synthetic=True,
                               data_source="test registry")
    assert [s.key for s in report.sections] == ["classes", "benchmarks", "ranking", "transitions", "policy",
                                                "screening", "audit"]
    files = write_city_report(report, tmp_path / "out")
    page = files.html.read_text(encoding="utf-8")
    if lang == "zh":
        assert "合成数据：本报告中的企业为程序生成" in page and "企业亩均效益综合评价: 江苏省淮安市, 2023" in page
        assert "各类别等级占比" in page and "差别化电价" in page
    else:
        assert "SYNTHETIC DATA" in page and "Firm mu-efficiency evaluation: Huai&#x27;an, Jiangsu, 2023" in page
    assert page.count('class="block"') >= 12 and "at2000.net" in page
    book = openpyxl.load_workbook(files.xlsx, read_only=True)
    assert book.sheetnames == ["classes", "benchmarks", "ranking", "transitions", "policy", "screening", "audit",
                               "provenance"]
    rated = int((now.firms["status"] == "rated").sum())
    ranking = [row for row in book["ranking"].iter_rows(values_only=True) if row[0] == ("规上工业企业" if lang == "zh"
                                                                                       else "Industrial firms above designated size")]
    assert len(ranking) == rated                                  # the workbook lists every rated firm
    headers = next(r for r in book["audit"].iter_rows(values_only=True) if r[0] and "Firm ID" in str(r[0]))
    assert headers[-1] == "Reason / 原因"                          # bilingual headers
    manifest = json.loads(files.manifest.read_text(encoding="utf-8"))
    assert manifest["generator"] == "dualcirc" and manifest["synthetic"] and manifest["rules"] == "jiangsu-huaian-2024"
    write_city_report(report, tmp_path / "out")                   # a previous report may be overwritten


def test_the_folder_policy_and_a_plain_workbook(evaluated, tmp_path):
    _, _, now = evaluated
    report = build_city_report(now)
    assert [s.key for s in report.sections] == ["classes", "benchmarks", "ranking", "audit"]
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(OptionError, match="not empty and does not hold a previous dualcirc report"):
        write_city_report(report, busy)
    assert (busy / "mine.txt").read_text(encoding="utf-8") == "keep" and not (busy / MANIFEST).exists()
    path = write_tables(tmp_path / "classes.xlsx", {"classes": report.sections[0].blocks})
    assert openpyxl.load_workbook(path).sheetnames == ["classes"]
    with pytest.raises(OptionError, match="language must be one of"):
        build_city_report(now, lang="fr")
