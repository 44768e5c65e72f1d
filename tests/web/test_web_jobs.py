"""Jobs run off the request thread with progress, the same request joins the same job, errors are reported, and
the server answers other requests while a computation runs; the memo computes each table-year result once."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest
from web_helpers import make_client

from dualcirc.errors import OptionError
from dualcirc.web import Settings, create_app, pages
from dualcirc.web.jobs import DONE, ERROR, JobManager, Memo, job_id
from dualcirc.web.pages import Panel, Param


def _wait(job, seconds: float = 10.0):
    assert job.finished_event.wait(seconds)
    return job


def test_jobs_report_progress_join_and_finish():
    manager = JobManager(workers=1)
    release = threading.Event()

    def compute(job):
        job.progress("web.step.absorption", 1, 3)
        release.wait(10)
        return 42
    job = manager.submit({"page": "x", "n": 1}, compute)
    deadline = time.monotonic() + 10
    while job.step is None and time.monotonic() < deadline:
        time.sleep(0.01)
    state = job.snapshot()
    assert state["status"] == "running" and (state["step"], state["done"], state["total"]) == (
        "web.step.absorption", 1, 3)
    assert manager.submit({"n": 1, "page": "x"}, compute) is job  # key order does not matter
    release.set()
    assert _wait(job).status == DONE and job.result == 42
    assert manager.get(job.id) is job and job.id == job_id({"page": "x", "n": 1})
    manager.shutdown()


def test_failed_jobs_say_why_and_are_run_again():
    manager = JobManager(workers=1)

    def unsuitable(job):
        raise OptionError("theta must lie in [0, 1]")

    def bug(job):
        raise KeyError("oops")
    first = _wait(manager.submit({"a": 1}, unsuitable))
    assert first.status == ERROR and first.error == "theta must lie in [0, 1]"
    second = _wait(manager.submit({"a": 2}, bug))
    assert second.status == ERROR and second.error.startswith("internal error (KeyError")
    retried = _wait(manager.submit({"a": 1}, lambda job: "fine"))
    assert retried is not first and retried.result == "fine"
    manager.shutdown()


def test_finished_jobs_are_evicted_beyond_keep():
    manager = JobManager(workers=1, keep=2)
    jobs = [_wait(manager.submit({"k": k}, lambda job: None)) for k in range(4)]
    assert manager.get(jobs[0].id) is None and manager.get(jobs[-1].id) is jobs[-1]
    manager.shutdown()


def test_memo_computes_once_under_concurrency_and_evicts_old_keys():
    memo, calls = Memo(size=2), []

    def slow():
        calls.append(1)
        time.sleep(0.05)
        return len(calls)
    threads = [threading.Thread(target=memo.get, args=("k", slow)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and memo.get("k", slow) == 1
    memo.get("a", lambda: 0)
    memo.get("b", lambda: 0)
    assert memo.get("k", slow) == 2  # evicted, computed again


@pytest.fixture()
def slow_app(tmp_path):
    """An application with an extra page whose computation waits until the test releases it."""
    release = threading.Event()

    @pages.page("test_slow", order=999, title=("Slow", "慢"), intro=("A test page.", "测试页面。"),
                params=(Param("theta", "web.param.theta", "number", default=0.5),))
    def slow(ctx):
        ctx.progress("web.step.shock", 0, 1)
        release.wait(20)
        return [Panel("only", "web.page.test_slow", pd.DataFrame({"region": list(ctx.table.regions)}),
                      names={"region": "region"})]
    try:
        app = create_app(Settings(state_dir=tmp_path))
        with make_client(app) as client:
            yield client, release
    finally:
        release.set()
        del pages._PAGES["test_slow"]


def test_the_server_answers_while_a_job_runs(slow_app):
    client, release = slow_app
    started = client.post("/api/pages/test_slow/run", json={"dataset": "china_nbs42"})
    assert started.status_code == 202 and started.headers["location"].startswith("/api/jobs/")
    job = started.json()["job"]
    t0 = time.perf_counter()
    assert client.get("/api/health").status_code == 200
    assert time.perf_counter() - t0 < 1.0
    assert client.get(f"/api/jobs/{job}").json()["status"] == "running"
    assert client.get(f"/api/jobs/{job}/result").status_code == 409
    release.set()
    done = client.post("/api/pages/test_slow/run", json={"dataset": "china_nbs42"}, params={"wait": 20})
    assert done.status_code == 200 and done.json()["panels"][0]["rows"] == [["CHN", "China"]]
