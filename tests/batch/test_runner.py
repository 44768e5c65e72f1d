"""Running a batch: results equal the measures called directly, every table kind (synthetic, reader file with real
labels, built-in dataset), failures recorded per part and retried alone, unchanged parts never recomputed, the
memory budget, the output lock and reading results back."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dualcirc.batch import plan, read_results, run_batch, spec_from_dict
from dualcirc.batch import tasks as batch_tasks
from dualcirc.batch.manifest import LOCK, MANIFEST, Manifest, exclusive
from dualcirc.engine import EngineConfig
from dualcirc.engine.backend import cupy_status
from dualcirc.errors import InputError
from dualcirc.measures import core, risk, vat
from dualcirc.testing import random_icio

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CUPY_OK, CUPY_REASON = cupy_status()
SYNTH = {"G": 3, "N": 4, "seed": 10}


def table_of(year: int):
    """The synthetic table the batch builds for ``year`` (seed offset by the year)."""
    return random_icio(SYNTH["G"], SYNTH["N"], seed=SYNTH["seed"] + year).with_meta(year=year)


def spec(tmp_path, measures, scenarios=(), tables=None, **extra):
    return spec_from_dict({
        "output": "out", "measures": list(measures), "scenarios": list(scenarios),
        "tables": tables or [{"name": "synth", "synthetic": SYNTH, "years": "2000-2001"}], **extra}, base=tmp_path)


def mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("part.parquet")}


def value_columns(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys, ignore_index=True)


def test_results_equal_the_measures_called_directly_and_a_rerun_computes_nothing(tmp_path, client):
    s = spec(tmp_path, ["kww", {"wwz": {"level": "sector"}}, "shocks", "hypothetical_extraction"],
             [{"name": "cut_r01", "kind": "shock", "source": "R01", "products": ["S02"], "theta": 0.5},
              {"name": "cut_r02", "kind": "shock", "source": "R02", "models": ["demand", "hem"]},
              {"name": "ex_r03", "kind": "extraction", "region": "R03", "variant": "total"}])
    seen = []
    report = run_batch(s, client=client, progress=lambda done, total, records: seen.append((done, total)))
    assert report.ok and report.planned == report.computed == 2 * 5 and report.skipped == 0
    assert seen[0] == (0, 10) and seen[-1] == (10, 10)
    assert report.peak_rss_mb and all(v > 0 for v in report.peak_rss_mb.values())

    kww = read_results(report.output, "kww", years=[2001])
    direct = vat.kww(table_of(2001))
    assert list(kww.columns) == ["table", "year", "scenario", *direct.columns]
    np.testing.assert_allclose(kww["value"], direct["value"], rtol=1e-12)
    assert kww.attrs["provenance"]["kww/synth/2001/baseline"]["method"] == direct.attrs["method"]
    wwz = read_results(report.output, "wwz")
    assert sorted(wwz["year"].unique()) == [2000, 2001] and set(wwz["scenario"]) == {"baseline"}
    direct = vat.wwz(table_of(2000), level="sector")
    np.testing.assert_allclose(wwz[wwz.year == 2000]["value"], direct["value"], rtol=1e-12)

    shocks = read_results(report.output, "shocks_totals", scenarios=["cut_r02"], years=[2000])
    t = table_of(2000)
    direct = risk.simulate_shocks(t, risk.make_shock(t, "cut_r02", "R02", models=["demand", "hem"])).totals
    np.testing.assert_allclose(shocks["value"], direct["value"], rtol=1e-12)
    assert set(shocks["model"]) == {"demand", "hem"}
    ex = read_results(report.output, "hypothetical_extraction_losses", years=[2001])
    direct = core.hypothetical_extraction(table_of(2001), region="R03", variant="total").losses
    np.testing.assert_allclose(ex["value"], direct["value"], rtol=1e-12)

    manifest = json.loads((report.output / MANIFEST).read_text())
    record = manifest["done"]["kww/synth/2000/baseline"]
    assert record["engine"]["lu"] == "dense" and record["engine"]["max_abs_vL_minus_1"] < 1e-12
    assert record["files"] == {"kww": "measure=kww/table=synth/year=2000/scenario=baseline/part.parquet"}
    assert not (report.output / LOCK).exists()

    before = mtimes(report.output)
    again = run_batch(s, client=client)
    assert again.skipped == 10 and again.computed == 0 and mtimes(report.output) == before


def test_reader_files_and_builtin_datasets_are_prepared_once(tmp_path, client):
    tables = [{"name": "icio", "path": str(FIXTURES / "oecd_icio2023_excerpt" / "{year}.csv"), "years": 2020},
              {"name": "nbs", "dataset": "china_nbs42", "years": 2020},
              {"name": "gone", "path": "nowhere_{year}.csv", "years": 2020}]
    report = run_batch(spec(tmp_path, ["output_multipliers"], tables=tables), client=client)
    assert report.computed == 2 and list(report.failed) == ["output_multipliers/gone/2020/baseline"]
    assert report.failed["output_multipliers/gone/2020/baseline"] == (
        f"ReaderError: file {tmp_path / 'nowhere_2020.csv'}: no such file or directory")
    prepared = list((report.output / "_tables" / "icio").glob("2020-*.npz"))
    assert len(prepared) == 1                                     # the CSV was read once, into the cache
    assert not (report.output / "_tables" / "nbs").exists()       # built-in data is opened where it lies
    result = read_results(report.output, "output_multipliers")
    assert set(result["table"]) == {"icio", "nbs"}
    assert "AUS" in set(result.loc[result.table == "icio", "region"])   # the excerpt's real labels


def test_failed_parts_are_recorded_and_only_they_are_retried(tmp_path, client):
    flag = tmp_path / "fail.flag"
    flag.touch()
    s = spec(tmp_path, [{"batch_test_measures:region_output": {"fail_years": [2001], "flag": str(flag)}}, "shocks"],
             [{"name": "ok", "kind": "shock", "source": "R01"}, {"name": "bad", "kind": "shock", "source": "R09"}])
    first = run_batch(s, client=client)
    name = "batch_test_measures.region_output"
    assert set(first.failed) == {f"{name}/synth/2001/baseline", "shocks/synth/2000/bad", "shocks/synth/2001/bad"}
    assert first.failed[f"{name}/synth/2001/baseline"] == "RuntimeError: injected failure for 2001"
    assert "unknown region or group 'R09'" in first.failed["shocks/synth/2000/bad"]
    assert first.computed == 3
    before, finished = mtimes(first.output), Manifest(first.output).done

    flag.unlink()                                                  # the cause of the failure is gone
    second = run_batch(s, client=client)
    assert second.computed == 1 and second.skipped == 3
    assert set(second.failed) == {"shocks/synth/2000/bad", "shocks/synth/2001/bad"}   # still wrong: retried
    after = Manifest(second.output)
    assert {k: after.done[k] for k in finished} == finished        # records of finished parts untouched
    assert {k: v for k, v in mtimes(second.output).items() if k in before} == before
    assert f"{name}/synth/2001/baseline" in after.done and set(after.failed) == set(second.failed)


def test_a_part_failing_after_its_definition_changed_leaves_no_stale_result(tmp_path, client):
    shock = {"name": "cut", "kind": "shock", "source": "R01"}
    first = run_batch(spec(tmp_path, ["shocks"], [shock]), client=client)
    stale = first.output / "measure=shocks_totals/table=synth/year=2000/scenario=cut/part.parquet"
    assert first.ok and stale.is_file()
    second = run_batch(spec(tmp_path, ["shocks"], [{**shock, "source": "R99"}]), client=client)
    assert set(second.failed) == {"shocks/synth/2000/cut", "shocks/synth/2001/cut"}
    assert not stale.exists() and not Manifest(second.output).done
    with pytest.raises(InputError, match="no finished part of 'shocks_totals'"):
        read_results(second.output, "shocks_totals")


def test_a_changed_option_recomputes_only_the_parts_it_defines(tmp_path, client):
    first = run_batch(spec(tmp_path, ["kww", {"wwz": {"level": "country"}}]), client=client)
    before = mtimes(first.output)
    second = run_batch(spec(tmp_path, ["kww", {"wwz": {"level": "bilateral"}}]), client=client)
    assert second.computed == 2 and second.skipped == 2
    after = mtimes(second.output)
    assert {k for k in before if after[k] != before[k]} == {
        f"measure=wwz/table=synth/year={y}/scenario=baseline/part.parquet" for y in (2000, 2001)}
    assert read_results(second.output, "wwz")["importer"].notna().all()        # bilateral now, not country
    assert read_results(second.output, "kww")["importer"].isna().all()


def test_the_memory_budget_refuses_a_task_before_computing(tmp_path, monkeypatch):
    s = spec(tmp_path, ["wwz", "output_multipliers"])
    task = plan(s)[0]
    ref = batch_tasks.prepare_table(task.source, task.year, str(s.output))
    n = SYNTH["G"] * SYNTH["N"]
    need = batch_tasks.estimate_bytes(n, task.parts)
    assert need == batch_tasks.ARRAYS_WITH_INVERSE * 8 * n * n + batch_tasks.BASE_BYTES
    assert batch_tasks.estimate_bytes(n, task.parts[1:]) < need      # solve-only measures need less
    monkeypatch.setattr(batch_tasks, "_worker", lambda: ("tcp://w", need - 1))
    records = batch_tasks.run_task(task, ref, str(s.output), EngineConfig(), 1)
    assert [r["key"] for r in records] == [p.key for p in task.parts]
    assert all(r["error"].startswith("MemoryBudgetError: synth 2000 has 12 cells") and "memory limit" in r["error"]
               for r in records)
    assert not list(s.output.rglob("part.parquet"))


def test_one_batch_at_a_time_per_output_folder(tmp_path):
    with exclusive(tmp_path):
        with pytest.raises(InputError, match="another batch is writing to"):
            with exclusive(tmp_path):
                pass
    (tmp_path / LOCK).write_text(json.dumps({"host": __import__("socket").gethostname(), "pid": 2 ** 22 + 12345}))
    with exclusive(tmp_path):                                      # left by a process that is gone: taken over
        assert json.loads((tmp_path / LOCK).read_text())["pid"] != 2 ** 22 + 12345
    assert not (tmp_path / LOCK).exists()


def test_an_existing_cluster_is_used_by_its_scheduler_address(tmp_path, client):
    report = run_batch(spec(tmp_path, ["output_multipliers"]), scheduler=client.scheduler.address)
    assert report.ok and report.computed == 2 and report.workers is None      # no cluster of its own
    assert report.blas_threads == 1


def test_reading_an_unknown_output_lists_what_exists(tmp_path, client):
    report = run_batch(spec(tmp_path, ["kww"]), client=client)
    with pytest.raises(InputError, match=r"no finished part of 'wwz' .* outputs there: \['kww'\]"):
        read_results(report.output, "wwz")
    with pytest.raises(InputError, match="holds no batch output"):
        read_results(tmp_path / "elsewhere", "kww")


@pytest.mark.skipif(not CUPY_OK, reason=CUPY_REASON)
def test_a_gpu_batch_equals_the_cpu_batch(tmp_path, client):
    """METHODS.md 8.4: the cupy backend reproduces the CPU results (1e-9 relative, 8.5)."""
    measures = ["kww", {"wwz": {"level": "sector"}}, "borin_mancini"]
    cpu = run_batch(spec(tmp_path, measures), client=client, output=tmp_path / "cpu")
    gpu = run_batch(spec(tmp_path, measures), client=client, output=tmp_path / "gpu", backend="cupy")
    assert cpu.ok and gpu.ok
    assert {r["engine"]["backend"] for r in Manifest(gpu.output).done.values()} == {"cupy"}
    for name in ("kww", "wwz", "borin_mancini"):
        want, got = read_results(cpu.output, name)["value"], read_results(gpu.output, name)["value"]
        assert np.abs(got - want).max() <= 1e-9 * max(1.0, np.abs(want).max()), name
