"""``dualcirc serve``: the command starts the dashboard on a free port of 127.0.0.1 over a data folder (checked
over HTTP, then stopped), and a data folder that does not exist is one red line and exit code 2."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from dualcirc.cli.app import app
from dualcirc.cli.common import EXIT_ERROR

EXCERPT = Path(__file__).resolve().parents[1] / "fixtures" / "oecd_icio2023_excerpt" / "2020.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_lists_its_options():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--data", "--state", "--max-upload-mb"):
        assert option in result.output


def test_a_missing_data_folder_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--data", str(tmp_path / "nowhere"), "--state", str(tmp_path)])
    assert result.exit_code == EXIT_ERROR
    assert "does not exist" in result.output


def test_serve_answers_over_http_and_stops(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(EXCERPT, data / "2020.csv")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", "from dualcirc.cli.app import main; main()", "serve",
                               "--port", str(port), "--data", str(data), "--state", str(tmp_path / "state")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/datasets", timeout=5) as answer:
                    listing = json.load(answer)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read()
                time.sleep(0.2)
        ids = {d["id"]: d for d in listing["datasets"]}
        assert ids["data-2020"]["origin"] == "data" and "wiod2013" in ids
    finally:
        server.terminate()
        server.wait(30)
    assert sorted(p.name for p in data.iterdir()) == ["2020.csv"]  # caches go to the state folder, not here
