"""Web benchmark: first paint and time to a computed overview on the 4,050-sector table, and how the server answers
while that table is computed, against the same overview computed directly in Python, measured in the same run.

The table is ``dualcirc.testing.icio_shaped()`` (81 regions x 50 sectors, OECD ICIO 2025 shape, fixed seed),
saved as a compact cache in a data folder.  Jobs, each in its own process:

* ``direct`` (the baseline): load the cache and compute what the overview page computes -- table-based trade
  dependence, the absorption account and the Koopman et al. position of every economy -- with the measure
  functions;
* ``web``: ``dualcirc serve --data DIR`` in a subprocess; Debian's headless Chromium (Playwright) opens the
  overview; reported: first contentful paint, time from navigation to the computed overview drawn, the job's own
  time, and the latency of ``GET /api/health`` polled every 100 ms while the job runs (the request thread stays
  free); then the same overview for another economy (table-year results reused).

Run:  python benchmarks/bench_web.py        (needs chromium on PATH and the playwright package)
"""

from __future__ import annotations

import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

DIRECT = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from dualcirc.tables.store import load_table
from dualcirc.measures import circulation, gvc
table = load_table(sys.argv[1])
loaded = time.perf_counter() - t0
circulation.trade_dependence(table)
circulation.absorption(table)
gvc.koopman_position(table)
print(json.dumps({"load_s": loaded, "overview_s": time.perf_counter() - t0}))
"""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_ms(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:
        answer.read()
    return 1000 * (time.perf_counter() - t0)


def poll_health(url: str, stop: threading.Event, latencies: list[float]) -> None:
    while not stop.is_set():
        latencies.append(get_ms(url + "/api/health"))
        stop.wait(0.1)


def overview_in_browser(url: str, economy: str, page) -> dict:
    """Open the overview of ``economy`` in a fresh document; first paint and time to the drawn result, ms from
    navigation start."""
    page.goto("about:blank")
    page.goto(f"{url}/#page=overview&dataset=data-icio4050&economy={economy}&lang=en")
    page.wait_for_function("document.body.dataset.state === 'done' || document.body.dataset.state === 'error'",
                           timeout=600_000)
    if page.get_attribute("body", "data-state") != "done":
        raise RuntimeError(page.text_content("#status-text"))
    return page.evaluate("""() => ({
        first_paint_ms: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
        overview_ms: performance.now(),
        job_s: Number((document.getElementById('status-text').textContent.match(/[0-9.]+/) || [NaN])[0])})""")


def main() -> None:
    from playwright.sync_api import sync_playwright

    from dualcirc.tables.store import save_table
    from dualcirc.testing import icio_shaped

    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium on PATH (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        data, state = Path(tmp) / "data", Path(tmp) / "state"
        data.mkdir()
        table = icio_shaped()
        save_table(table, data / "icio4050.npz")
        print(f"table: icio_shaped() {table.G} regions x {table.N} sectors = {table.n} cells")

        direct = json.loads(subprocess.run([sys.executable, "-c", DIRECT, str(data / "icio4050.npz")],
                                           check=True, capture_output=True, text=True).stdout)
        print(f"direct: load {direct['load_s']:.2f} s, overview measures (load included) {direct['overview_s']:.2f} s")

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-c", "from dualcirc.cli.app import main; main()", "serve",
                                   "--port", str(port), "--data", str(data), "--state", str(state)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            while True:
                try:
                    get_ms(url + "/api/health")
                    break
                except OSError:
                    if server.poll() is not None or time.perf_counter() - t0 > 120:
                        raise RuntimeError(f"the server did not start: {server.stderr.read()}") from None
                    time.sleep(0.1)
            print(f"server up in {time.perf_counter() - t0:.2f} s")
            stop, latencies = threading.Event(), []
            with sync_playwright() as driver:
                context = driver.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"), executable_path=chromium, args=ARGS, headless=True)
                page = context.new_page()
                poller = threading.Thread(target=poll_health, args=(url, stop, latencies))
                poller.start()
                first = overview_in_browser(url, "R01", page)
                stop.set()
                poller.join()
                second = overview_in_browser(url, "R02", page)
                context.close()
        finally:
            server.terminate()
            server.wait(30)

        print(f"web, first economy:  first paint {first['first_paint_ms']:.0f} ms, computed overview drawn "
              f"{first['overview_ms'] / 1000:.2f} s after navigation (job {first['job_s']:.2f} s)")
        print(f"web, second economy: computed overview drawn {second['overview_ms'] / 1000:.2f} s after navigation "
              f"(job {second['job_s']:.2f} s; table-year results reused)")
        print(f"GET /api/health during the computation: {len(latencies)} requests, median "
              f"{statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms")
        print(f"ratio web / direct (time to the overview): {first['overview_ms'] / 1000 / direct['overview_s']:.2f}")


if __name__ == "__main__":
    main()
