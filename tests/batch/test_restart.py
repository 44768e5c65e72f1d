"""Restartability: ``dualcirc batch`` interrupted by Ctrl-C, then killed outright, then resumed: no finished part is
recomputed (its file and its manifest record are untouched) and the results equal those of a clean run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from dualcirc.batch import read_results, run_batch
from dualcirc.batch.manifest import LOCK, MANIFEST, Manifest

HERE = Path(__file__).resolve().parent
DUALCIRC = Path(sys.executable).parent / "dualcirc"
SPEC = """\
output: out
tables:
  - name: synth
    synthetic: {G: 3, N: 4, seed: 3}
    years: 2000-2007
measures:
  - kww
  - batch_test_measures:region_output: {seconds: 0.5}
cluster: {workers: 2, processes: false}
"""
PARTS = 16
TIMEOUT = 90


def start(spec: Path) -> subprocess.Popen:
    """The command line in its own process group, as a user would run it (worker threads in the driver process,
    which starts faster than worker processes; tests/batch/test_runner.py covers the rest)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([str(DUALCIRC), "batch", str(spec)], cwd=spec.parent, env=env, start_new_session=True,
                            preexec_fn=_default_sigint, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _default_sigint() -> None:
    """A test run in the background inherits an ignored SIGINT; the batch must see Ctrl-C as a user's would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finished_parts(out: Path) -> dict:
    return Manifest(out).done if (out / MANIFEST).exists() else {}


def wait_for(proc: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while len(finished_parts(out)) < count:
        assert proc.poll() is None, f"the batch ended early:\n{proc.stdout.read()}"
        assert time.monotonic() < deadline, "the batch did not finish parts in time"
        time.sleep(0.05)


def mtimes(out: Path, keys) -> dict[str, int]:
    done = Manifest(out).done
    return {k: (out / done[k]["files"][next(iter(done[k]["files"]))]).stat().st_mtime_ns for k in keys}


def test_interrupted_then_killed_batch_resumes_without_recomputing(tmp_path, client):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"

    proc = start(spec)                                       # 1. Ctrl-C (SIGINT to the process group)
    wait_for(proc, out, 2)
    os.killpg(proc.pid, signal.SIGINT)
    output, _ = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130 and "interrupted" in output, output
    assert not (out / LOCK).exists()
    after_interrupt = finished_parts(out)
    assert 2 <= len(after_interrupt) < PARTS

    proc = start(spec)                                       # 2. a crash (SIGKILL: nothing can clean up)
    wait_for(proc, out, len(after_interrupt) + 2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT)
    assert (out / LOCK).exists()                             # left behind by the dead driver
    finished = finished_parts(out)
    assert set(after_interrupt) < set(finished) and len(finished) < PARTS
    assert {k: finished[k] for k in after_interrupt} == after_interrupt   # not recomputed by the second run
    stamps = mtimes(out, finished)

    resumed = run_batch(spec, client=client)                 # 3. resume
    assert resumed.ok and resumed.skipped == len(finished) and resumed.computed == PARTS - len(finished)
    done = Manifest(out).done
    assert len(done) == PARTS and {k: done[k] for k in finished} == finished
    assert mtimes(out, finished) == stamps

    clean = run_batch(spec, client=client, output=tmp_path / "clean")
    assert clean.computed == PARTS
    for name in ("kww", "batch_test_measures.region_output"):
        got, want = read_results(out, name), read_results(clean.output, name)
        assert got.drop(columns="value").equals(want.drop(columns="value"))
        np.testing.assert_allclose(got["value"], want["value"], rtol=1e-12)
