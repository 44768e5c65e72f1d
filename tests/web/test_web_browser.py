"""End to end in a real headless Chromium (Debian's, driven by Playwright): load the overview, switch economy and
language, run a shock with the slider, download its chart as SVG and its table as CSV, upload a file that is no
table (the reader's message is shown) and one that is (the page switches to it).  Screenshots go to
test-artifacts/web/ (git-ignored).  Skipped with the reason when no chromium binary or no playwright package is
installed (CI installs both)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from web_helpers import ICIO_EXCERPT, dashboard_app

from dualcirc.web.server import background_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
TIMEOUT_MS = 120_000

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (CI installs Debian's "
                                                          "chromium; apt-get install chromium)")
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def _finished(page) -> int:
    return int(page.get_attribute("body", "data-finished") or 0)


def _after(page, before: int) -> None:
    """Wait until the page has shown a result (or an error) after ``before`` and check it is a result."""
    page.wait_for_function(f"Number(document.body.dataset.finished || 0) > {before}", timeout=TIMEOUT_MS)
    state = page.get_attribute("body", "data-state")
    assert state == "done", page.text_content("#status-text")


def test_overview_economy_language_shock_and_download(tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with background_server(dashboard_app(tmp_path / "state")) as url, sync_api.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True, accept_downloads=True,
            viewport={"width": 1280, "height": 1000})
        try:
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{url}/#page=overview&dataset=wiod2013&year=2011&economy=CHN&lang=en")
            _after(page, 0)
            assert page.text_content("#page-title") == "Overview"
            assert page.locator("[data-panel=dependence] .js-plotly-plot").count() == 1
            assert "China" in page.text_content("[data-panel=dependence] .gtitle")
            page.screenshot(path=str(ARTIFACTS / "01_overview.png"))

            before = _finished(page)
            page.select_option("#economy", "USA")
            _after(page, before)
            assert "United States" in page.text_content("[data-panel=dependence] .gtitle")
            assert "economy=USA" in page.url
            page.screenshot(path=str(ARTIFACTS / "02_economy_usa.png"))

            before = _finished(page)
            page.click("#lang-zh")
            _after(page, before)
            assert page.text_content("#page-overview") == "概览"
            assert "美国" in page.text_content("[data-panel=dependence] .gtitle")
            page.screenshot(path=str(ARTIFACTS / "03_chinese.png"))

            before = _finished(page)
            page.click("#page-shock")
            _after(page, before)
            page.select_option("#param-source", "TWN")
            page.select_option("#param-product", "c14")
            page.eval_on_selector("#param-theta", "el => { el.value = '0.8'; "
                                                  "el.dispatchEvent(new Event('input', {bubbles: true})); }")
            assert page.text_content("#param-theta-value") == "0.8"
            before = _finished(page)
            page.click("#run")
            _after(page, before)
            title = page.text_content("[data-panel=by_region] .gtitle")
            assert "θ = 0.8" in title and "台湾" in title
            page.screenshot(path=str(ARTIFACTS / "04_shock.png"), full_page=True)

            with page.expect_download() as image:
                page.click("[data-panel=by_region] button.download-svg")
            svg = tmp_path / "chart.svg"
            image.value.save_as(svg)
            assert image.value.suggested_filename.endswith(".svg") and b"<svg" in svg.read_bytes()[:400]

            with page.expect_download() as download:
                page.click("[data-panel=by_region] a.download-csv")
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            table = pd.read_csv(saved, encoding="utf-8-sig")
            assert saved.name == "dualcirc_shock_wiod2013_2011_USA_by_region.csv"
            assert list(table.columns)[:2] == ["地区", "地区 (名称)"] and len(table) == 41
            assert table["数值"].iloc[0] == table["数值"].max() > 0

            page.set_input_files("#upload-file", files=[{"name": "notes.csv", "mimeType": "text/csv",
                                                         "buffer": b"not,a,table\n1,2,3\n"}])
            page.click("#upload-send")
            page.wait_for_selector("#upload-message.error", timeout=TIMEOUT_MS)
            assert "notes.csv could not be read as an input-output table" in page.text_content("#upload-message")
            before = _finished(page)
            page.set_input_files("#upload-file", str(ICIO_EXCERPT))
            page.click("#upload-send")
            _after(page, before)
            assert page.get_attribute("#upload-message", "class") == "ok"
            assert page.input_value("#dataset").startswith("upload-")
            page.screenshot(path=str(ARTIFACTS / "05_upload.png"))
        finally:
            context.close()
    assert errors == []
