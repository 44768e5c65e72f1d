"""The firm registry on DuckDB (and on PostgreSQL when DUALCIRC_TEST_PG_URL names a server): import with mapping
and validation, replace, export, stored runs; no data lost when an import dies mid-way; two processes evaluating
at once."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from urllib.parse import quote

import pandas as pd
import pytest

from dualcirc.city import registry as registry_module
from dualcirc.city.evaluate import evaluate, evaluate_year
from dualcirc.city.records import ImportRejected, parse_mapping
from dualcirc.city.registry import Registry, RegistryBusy
from dualcirc.city.rules import load_rules
from dualcirc.city.synthetic import synthetic_firms
from dualcirc.errors import InputError, OptionError

PG_URL = os.environ.get("DUALCIRC_TEST_PG_URL")
PG_SKIP = "PostgreSQL registry tests need a server: set DUALCIRC_TEST_PG_URL=postgresql://user@host:port/database"


@pytest.fixture(params=["duckdb", "postgresql"])
def url(request, tmp_path):
    """A fresh registry URL: a DuckDB file, or a new schema of the PostgreSQL test database."""
    if request.param == "duckdb":
        yield str(tmp_path / "firms.duckdb")
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    psycopg = pytest.importorskip("psycopg")
    schema = f"dualcirc_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f"DROP SCHEMA {schema} CASCADE")


def snapshot(registry: Registry) -> dict:
    return {"firms": registry.firm_years(), "events": registry.events(), "imports": registry.imports(),
            "runs": registry.runs()}


def assert_same(before: dict, after: dict) -> None:
    for key in before:
        pd.testing.assert_frame_equal(before[key].reset_index(drop=True), after[key].reset_index(drop=True),
                                      check_dtype=False)


def liandu_csv(path, encoding="utf-8-sig"):
    """Headers as the Lishui Liandu dashboard names them (POLICY_SYSTEMS.md §1.2)."""
    frame = pd.DataFrame({
        "统一社会信用代码": ["91330000AAA", "91330000BBB", "91330000CCC"], "企业名称": ["甲公司", "乙公司", "丙公司"],
        "年份": [2022, 2022, 2022], "是否规上": ["是", "否", "是"], "实际用地面积(亩)": ["40", "8", "1,200.5"],
        "实缴税金(万元)": [1000, 100, 5000], "工业增加值(万元)": [6000, None, 20000], "总用能量(吨标煤)": [2000, None, 9000],
        "排放量(吨)": [1.5, None, None], "R&D经费支出(万元)": [90, None, 0], "年平均职工人数": [300, 20, 800],
        "主营业务收入(万元)": [3000, 800, 90000], "用电量(万kWh)": [800, 400, 3000], "加减分事项": ["high_tech", "", "safety_accident；high_tech"],
        "备注": ["x", "y", "z"]})
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def test_import_maps_published_headers_and_stores_events(url, tmp_path):
    registry = Registry(url)
    summary = registry.import_file(liandu_csv(tmp_path / "firms.csv", encoding="gb18030"))
    assert (summary.firm_years, summary.replaced, summary.events, summary.years) == (3, 0, 3, (2022,))
    assert summary.ignored_columns == ("备注",)
    stored = registry.firm_years(2022).set_index("firm_id")
    assert stored.loc["91330000CCC", "land_mu"] == 1200.5 and not stored.loc["91330000BBB", "above_scale"]
    assert stored.loc["91330000AAA", "name"] == "甲公司" and pd.isna(stored.loc["91330000BBB", "value_added"])
    events = registry.events(2022)
    assert sorted(zip(events["firm_id"], events["event"])) == [
        ("91330000AAA", "high_tech"), ("91330000CCC", "high_tech"), ("91330000CCC", "safety_accident")]
    assert registry.years() == [2022] and not registry.is_synthetic()


def test_a_bad_file_reports_every_bad_row_and_changes_nothing(url, tmp_path):
    registry = Registry(url)
    registry.import_file(liandu_csv(tmp_path / "good.csv"))
    before = snapshot(registry)
    bad = pd.read_csv(tmp_path / "good.csv", dtype=str, keep_default_na=False)
    bad.loc[0, "实缴税金(万元)"] = "一千"
    bad.loc[1, "实际用地面积(亩)"] = "-8"
    bad.loc[2, "是否规上"] = "maybe"
    bad = pd.concat([bad, bad.iloc[[0]].assign(**{"实缴税金(万元)": "10"})])   # the same firm-year twice
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ImportRejected) as info:
        registry.import_file(tmp_path / "bad.csv")
    found = [(p.row, p.column, p.reason) for p in info.value.problems]
    assert found == [(2, "实缴税金(万元)", "expected a number"), (3, "实际用地面积(亩)", "must not be negative"),
                     (4, "是否规上", "expected 是/否, 1/0, true/false or 规上/规下"),
                     (5, "统一社会信用代码", "firm-year already given in row 2")]
    assert "bad.csv: 4 problem(s), nothing imported" in str(info.value)
    assert_same(before, snapshot(registry))


def test_units_must_match_or_be_mapped_with_a_scale(tmp_path):
    frame = pd.DataFrame({"企业代码": ["a"], "年份": [2022], "规上": ["规上"], "用地面积(亩)": [10],
                          "实缴税金(元)": [1_000_000]})
    path = tmp_path / "yuan.xlsx"
    frame.to_excel(path, index=False, sheet_name="2022年")
    registry = Registry()
    with pytest.raises(ImportRejected, match=r"looks like 'tax' but is in '元'.*'实缴税金\(元\)=tax\*FACTOR'"):
        registry.import_file(path, sheet="2022年")
    registry.import_file(path, sheet="2022年", mapping=parse_mapping(["实缴税金(元)=tax*0.0001"]))
    assert registry.firm_years(2022)["tax"].tolist() == [100.0]
    with pytest.raises(OptionError, match="'profit' is not a record field"):
        parse_mapping(["利润=profit"])
    no_year = tmp_path / "no_year.csv"
    frame.drop(columns=["年份", "实缴税金(元)"]).to_csv(no_year, index=False)
    with pytest.raises(ImportRejected, match="required field 'year'.*--year"):
        registry.import_file(no_year)
    registry.import_file(no_year, year=2023)
    assert registry.years() == [2022, 2023]


def test_reimport_replaces_firm_years_and_their_events(url, tmp_path):
    registry = Registry(url)
    registry.import_file(liandu_csv(tmp_path / "firms.csv"))
    again = pd.read_csv(tmp_path / "firms.csv").iloc[[2]].assign(**{"实缴税金(万元)": 6000, "加减分事项": "specialised_sme"})
    again.to_csv(tmp_path / "again.csv", index=False)
    summary = registry.import_file(tmp_path / "again.csv")
    assert (summary.firm_years, summary.replaced) == (1, 1)
    stored = registry.firm_years(2022).set_index("firm_id")
    assert len(stored) == 3 and stored.loc["91330000CCC", "tax"] == 6000
    events = registry.events(2022)
    assert events.loc[events["firm_id"] == "91330000CCC", "event"].tolist() == ["specialised_sme"]


def test_export_imports_back_unchanged(url, tmp_path):
    registry = Registry(url)
    records = synthetic_firms(60, years=(2022, 2023), seed=11)
    registry.import_records(records, synthetic=True)
    for lang in ("zh", "en"):
        path = registry.export_xlsx(tmp_path / f"export-{lang}.xlsx", lang=lang)
        copy = Registry()
        copy.import_file(path)
        pd.testing.assert_frame_equal(copy.firm_years(), registry.firm_years(), check_dtype=False)
        pd.testing.assert_frame_equal(copy.events(), registry.events(), check_dtype=False)
    assert registry.is_synthetic(2022)


def test_evaluations_are_stored_and_give_the_class_history(url):
    registry = Registry(url)
    registry.import_records(synthetic_firms(200, years=(2021, 2022, 2023), seed=2), synthetic=True)
    rules = load_rules("jiangsu-huaian-2024")
    first, run_2022 = evaluate_year(registry, rules, 2022)
    _, run_2023a = evaluate_year(registry, rules, 2023)
    latest, run_2023b = evaluate_year(registry, rules, 2023)
    runs = registry.runs().set_index("run_id")
    assert list(runs.loc[[run_2022, run_2023b], "last_year"]) == [2022, 2023]
    assert runs.loc[run_2022, "rules_digest"] == rules.digest and runs.loc[run_2022, "firms"] == len(first.firms)
    firms, items = registry.run(run_2022)
    assert len(firms) == len(first.firms) and len(items) == len(first.audit)
    assert items["points"].sum() == pytest.approx(first.audit["points"].sum())
    history = registry.class_history("jiangsu-huaian")
    assert sorted(history["year"].unique()) == [2022, 2023]
    mine = history[history["year"] == 2023].set_index("firm_id")["class"]
    expected = latest.firms.set_index("firm_id")["class"]
    assert mine.fillna("-").tolist() == expected.reindex(mine.index).fillna("-").tolist()
    assert registry.class_history("elsewhere").empty
    with pytest.raises(OptionError, match="no evaluation run 'nope'"):
        registry.run("nope")
    with pytest.raises(InputError, match="no firm-year records of 2030"):
        evaluate_year(registry, rules, 2030)


def test_a_failure_after_part_of_the_rows_rolls_the_import_back(url, tmp_path, monkeypatch):
    registry = Registry(url)
    registry.import_records(synthetic_firms(100, years=(2022,), seed=1))
    before = snapshot(registry)

    def failing(original):
        def insert(self, table, frame):
            if table == "firm_years":
                original(self, table, frame.iloc[: len(frame) // 2])
                raise RuntimeError("disk full")
            return original(self, table, frame)
        return insert

    for cls in (registry_module._DuckDBConnection, registry_module._PostgresConnection):
        monkeypatch.setattr(cls, "insert", failing(cls.insert))
    update = synthetic_firms(150, years=(2022, 2023), seed=9)
    with pytest.raises(RuntimeError, match="disk full"):
        registry.import_records(update)
    assert_same(before, snapshot(registry))


KILLED_IMPORT = r"""
import os, signal, sys
from dualcirc.city import registry as module
url, path = sys.argv[1], sys.argv[2]

def dying(original):
    def insert(self, table, frame):
        if table == "firm_years":
            original(self, table, frame.iloc[: len(frame) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, table, frame)
    return insert

for cls in (module._DuckDBConnection, module._PostgresConnection):
    cls.insert = dying(cls.insert)
module.Registry(url).import_file(path)
"""


def test_an_import_killed_mid_way_leaves_the_database_as_before(url, tmp_path):
    registry = Registry(url)
    registry.import_records(synthetic_firms(300, years=(2022,), seed=4))
    before = snapshot(registry)
    del registry  # the killed process must be able to open the DuckDB file
    update = synthetic_firms(400, years=(2022, 2023), seed=8)   # replaces stored 2022 rows and adds 2023
    update.firms.to_csv(tmp_path / "update.csv", index=False)
    done = subprocess.run([sys.executable, "-c", KILLED_IMPORT, url, str(tmp_path / "update.csv")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    assert_same(before, snapshot(Registry(url)))


CONCURRENT_EVALUATIONS = r"""
import sys
from dualcirc.city.evaluate import evaluate_year
from dualcirc.city.registry import Registry
from dualcirc.city.rules import load_rules
url, year, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rules = load_rules("zhejiang-huangyan-2022")
for _ in range(runs):
    evaluate_year(Registry(url, lock_timeout=120), rules, year)
"""


@pytest.mark.slow
def test_two_processes_evaluating_at_once_do_not_corrupt_the_registry(url):
    registry = Registry(url)
    records = synthetic_firms(250, years=(2022, 2023), seed=6)
    registry.import_records(records, synthetic=True)
    before = registry.firm_years()
    rules = load_rules("zhejiang-huangyan-2022")
    expected = {year: evaluate(records.firms[records.firms["year"] == year], rules, events=records.events)
                for year in (2022, 2023)}
    del registry
    runs = 2
    workers = [subprocess.Popen([sys.executable, "-c", CONCURRENT_EVALUATIONS, url, str(year), str(runs)],
                                stderr=subprocess.PIPE, text=True) for year in (2022, 2023)]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, worker.stderr.read()
    registry = Registry(url)
    stored = registry.runs()
    assert len(stored) == 2 * runs and sorted(stored["last_year"].tolist()) == [2022] * runs + [2023] * runs
    for run_id, year in zip(stored["run_id"], stored["last_year"]):
        firms, items = registry.run(run_id)
        assert len(firms) == len(expected[year].firms) and len(items) == len(expected[year].audit)
        assert firms["score"].sum() == pytest.approx(expected[year].firms["score"].sum())
    pd.testing.assert_frame_equal(registry.firm_years(), before)


HOLD_THE_LOCK = r"""
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(30)
"""


def test_a_busy_duckdb_file_is_waited_for_then_reported(tmp_path):
    path = str(tmp_path / "busy.duckdb")
    Registry(path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, path], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RegistryBusy, match=r"in use by another process \(waited 0.5 s\)"):
            Registry(path, lock_timeout=0.5)
    finally:
        holder.kill()
        holder.wait()
    assert Registry(path, lock_timeout=5).years() == []


def test_foreign_files_and_other_schema_versions_are_refused(tmp_path):
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be opened as a DuckDB registry"):
        Registry(text)
    path = tmp_path / "old.duckdb"
    registry = Registry(path)
    with registry.backend.transaction() as con:
        con.execute("UPDATE registry_meta SET \"value\" = '999'")
    with pytest.raises(InputError, match="schema version 999; this dualcirc reads version 1"):
        Registry(path)


def test_postgresql_urls_are_recognised_without_a_server():
    backend = registry_module.open_backend("postgresql://nobody@127.0.0.1:1/none")
    assert isinstance(backend, registry_module.PostgresBackend)
    with pytest.raises(InputError, match="cannot connect to the PostgreSQL registry"):
        with backend.transaction():
            pass
    assert registry_module.open_backend("duckdb:///:memory:").path == ":memory:"
