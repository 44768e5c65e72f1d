"""``dualcirc batch``: the plan (--dry-run), a run and its resumption, failures and spec errors (one red line,
exit code 2), and --gpu refused with the reason where cupy cannot run."""
from __future__ import annotations

from functools import partial

import pytest

import cli_runner
from dualcirc.cli.common import EXIT_ERROR
from dualcirc.engine.backend import cupy_status

SPEC = """\
output: out
tables:
  - name: synth
    synthetic: {G: 3, N: 2, seed: 1}
    years: [2000, 2001]
measures:
  - kww
  - shocks
scenarios:
  - {name: cut, kind: shock, source: R01, theta: 0.5}
  - {name: wrong, kind: shock, source: R07}
cluster: {workers: 1, processes: false}
"""


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "batch.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


invoke = partial(cli_runner.invoke, "batch")


def test_dry_run_run_and_what_is_left(spec):
    plan = invoke(spec, "--dry-run")
    assert plan.exit_code == 0, plan.output
    assert "6 parts planned (1 tables, 2 measures, 2 scenarios); 0 finished, 6 to compute in 4 tasks" in plan.output
    first = invoke(spec)
    assert first.exit_code == EXIT_ERROR
    assert "4 parts computed, 0 already finished, 2 failed" in first.output
    assert "failed shocks/synth/2000/wrong: OptionError: shock 'wrong', source: unknown region or group 'R07'" in \
        first.output
    again = invoke(spec, "--dry-run")
    assert "4 finished, 2 to compute in 2 tasks" in again.output


def test_spec_mistakes_are_one_line_with_file_line_and_key(spec):
    spec.write_text(SPEC.replace("theta: 0.5", "theta: 0.5, tariff: 3"), encoding="utf-8")
    result = invoke(spec)
    assert result.exit_code == EXIT_ERROR
    assert f"file {spec}, row 10, column 'scenarios[0].tariff': unknown key 'tariff'" in result.output


@pytest.mark.skipif(cupy_status()[0], reason="cupy can run here")
def test_gpu_is_refused_with_the_reason_where_cupy_cannot_run(spec):
    result = invoke(spec, "--gpu")
    assert result.exit_code == EXIT_ERROR and "cupy" in result.output
    assert not (spec.parent / "out").exists()
