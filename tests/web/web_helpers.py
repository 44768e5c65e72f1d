"""Helpers shared by the web tests."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from dualcirc.web import Settings, create_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: an OECD ICIO 2023 excerpt with real labels (5 regions x 6 sectors), made by tests/fixtures/make_icio_excerpts.py
ICIO_EXCERPT = FIXTURES / "oecd_icio2023_excerpt" / "2020.csv"
#: the upload limit of the test application: the ICIO excerpt (18 kB) fits, 200 kB does not
UPLOAD_LIMIT_MB = 0.1


def run(client, page: str, lang: str = "en", **body):
    """Run a page and wait for its result (at most 120 s); returns the response."""
    return client.post(f"/api/pages/{page}/run", json=body, params={"wait": 120, "lang": lang})


def upload(client, name: str, content: bytes):
    return client.post("/api/uploads", files={"file": (name, content, "application/octet-stream")})


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def make_client(app) -> TestClient:
    """A TestClient of ``app`` (use it as a context manager so the app's lifespan runs)."""
    return TestClient(app)


def dashboard_app(state_dir: Path):
    """The application the API and browser tests use: the built-in datasets and a small upload limit."""
    return create_app(Settings(state_dir=state_dir, max_upload_mb=UPLOAD_LIMIT_MB))
