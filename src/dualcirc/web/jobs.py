"""Heavy computations off the request thread: jobs with progress, and a memo of table-year results.

A request for a page becomes a :class:`Job` run by a small thread pool; its id is a digest of the request, so the
same request (from any user) joins the running job or gets the finished one.  The request thread answers at once
with the job's state; the page polls it and shows the progress (step k of m, its label, elapsed seconds).
numpy and LAPACK release the GIL, so the server keeps answering while a 4,050-sector table is factorised.
:class:`Memo` keeps what a page computed for a whole table-year (e.g. the absorption account of every economy), so
switching economy or language reuses it instead of computing again.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from ..errors import DualcircError

QUEUED, RUNNING, DONE, ERROR = "queued", "running", "done", "error"


def job_id(request: dict) -> str:
    """A stable id of a request (its canonical JSON)."""
    text = json.dumps(request, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass
class Job:
    """One computation: its state, progress and, when done, its result or error message."""

    id: str
    request: dict
    status: str = QUEUED
    step: str | None = None      # label key of the current step
    done: int = 0
    total: int = 0
    started: float | None = None
    finished: float | None = None
    result: Any = None
    error: str | None = None
    finished_event: threading.Event = field(default_factory=threading.Event, repr=False)

    def progress(self, step: str, done: int, total: int) -> None:
        """Called by the computation: now at ``step`` (a label key), ``done`` of ``total`` steps finished."""
        self.step, self.done, self.total = step, done, total

    def snapshot(self) -> dict:
        now = time.perf_counter()
        elapsed = None if self.started is None else (self.finished or now) - self.started
        return {"job": self.id, "status": self.status, "step": self.step, "done": self.done, "total": self.total,
                "elapsed_s": None if elapsed is None else round(elapsed, 3), "error": self.error,
                "request": self.request}


class JobManager:
    """Runs jobs on ``workers`` threads and keeps the last ``keep`` of them (finished ones are evicted first)."""

    def __init__(self, workers: int = 2, keep: int = 128) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dualcirc-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self.keep = keep

    def submit(self, request: dict, compute: Callable[[Job], Any]) -> Job:
        """The job of ``request``: the existing one (running or finished without error), or a new one."""
        key = job_id(request)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.status != ERROR:
                self._jobs.move_to_end(key)
                return job
            job = Job(key, request)
            self._jobs[key] = job
            self._evict()
        self._pool.submit(self._run, job, compute)
        return job

    def _evict(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status in (DONE, ERROR)]
        while len(self._jobs) > self.keep and finished:
            del self._jobs[finished.pop(0)]

    @staticmethod
    def _run(job: Job, compute: Callable[[Job], Any]) -> None:
        job.status, job.started = RUNNING, time.perf_counter()
        try:
            job.result = compute(job)
            job.status = DONE
        except DualcircError as exc:  # the input does not suit the measure: say why, as the measure says it
            job.error, job.status = str(exc), ERROR
        except Exception as exc:  # a bug: keep the server alive and show what happened
            job.error, job.status = f"internal error ({type(exc).__name__}: {exc})", ERROR
        finally:
            job.finished = time.perf_counter()
            job.finished_event.set()

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class Memo:
    """Results of whole table-years, computed once per key even when asked for concurrently (LRU of ``size``)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.size:
                    old, _ = self._values.popitem(last=False)
                    self._locks.pop(old, None)
            return value
