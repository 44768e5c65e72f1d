"""Uploads: a real table becomes a dataset; too large, not a table, the wrong type or a name with folders in it
get a clear 4xx, and nothing is written outside the upload area (nor left inside it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_helpers import ICIO_EXCERPT, UPLOAD_LIMIT_MB, files_under, make_client, run, upload

from dualcirc.web import Settings, create_app


@pytest.fixture()
def fresh(tmp_path):
    """An application of its own, whose state folder sits inside ``tmp_path`` beside an 'outside' folder."""
    state = tmp_path / "state"
    app = create_app(Settings(state_dir=state, builtin=False, max_upload_mb=UPLOAD_LIMIT_MB))
    with make_client(app) as client:
        yield client, state, tmp_path


def _everything(root: Path) -> set[Path]:
    return files_under(root)


def test_a_real_table_becomes_a_dataset_that_pages_run_on(fresh):
    client, state, _ = fresh
    answer = upload(client, "2020.csv", ICIO_EXCERPT.read_bytes())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    dataset = body["dataset"]
    assert body["entries"][0]["title"] == "OECD ICIO 2023 edition 2020" and body["entries"][0]["file"] == "2020.csv"
    listed = {d["id"]: d for d in client.get("/api/datasets").json()["datasets"]}
    assert listed[dataset]["origin"] == "upload" and listed[dataset]["years"] == [2020]
    stored = state / "uploads" / dataset.removeprefix("upload-")
    assert (stored / "2020.csv").read_bytes() == ICIO_EXCERPT.read_bytes()
    result = run(client, "sectors", dataset=dataset, economy="CHN")
    assert result.status_code == 200 and result.json()["panels"][0]["n_rows"] == 3 * 6

    second = upload(client, "2020.csv", ICIO_EXCERPT.read_bytes())  # the same name again: a new folder
    assert second.status_code == 201 and second.json()["dataset"] != dataset
    assert (stored / "2020.csv").read_bytes() == ICIO_EXCERPT.read_bytes()

    again = create_app(Settings(state_dir=state, builtin=False))  # uploads survive a restart
    with make_client(again) as restarted:
        ids = {d["id"] for d in restarted.get("/api/datasets").json()["datasets"]}
    assert {dataset, second.json()["dataset"]} <= ids


@pytest.mark.parametrize("name, content, status, words", [
    ("big.csv", b"x" * int(UPLOAD_LIMIT_MB * 1e6 * 2), 413, "larger than the limit of 0.1 MB"),
    ("notes.csv", b"this is not an input-output table\n1,2,3\n", 422, "notes.csv could not be read as an input-output"),
    ("sheet.xlsx", b"PK\x03\x04 not really a workbook", 422, "sheet.xlsx could not be read"),
    ("table.txt", b"region,sector\n", 415, "expected one of .csv, .csv.gz, .xlsx, .parquet"),
    ("../../etc/passwd", b"root:x:0:0\n", 400, "is not a plain file name"),
    ("../../outside.csv", ICIO_EXCERPT.read_bytes(), 400, "is not a plain file name"),
    ("..\\outside.csv", ICIO_EXCERPT.read_bytes(), 400, "is not a plain file name"),
    (".hidden.csv", ICIO_EXCERPT.read_bytes(), 400, "is not a plain file name"),
    ("empty.csv", b"", 400, "is empty"),
])
def test_refused_uploads_leave_nothing_behind(fresh, name, content, status, words):
    client, state, root = fresh
    before = _everything(root)
    answer = upload(client, name, content)
    assert answer.status_code == status, answer.text
    assert words in answer.json()["detail"]
    assert str(state) not in answer.json()["detail"]  # the reader's message names the upload, not the server path
    assert _everything(root) == before
    assert not (root.parent / "outside.csv").exists() and not (root / "outside.csv").exists()
    assert [d["id"] for d in client.get("/api/datasets").json()["datasets"]] == []


def test_a_declared_length_over_the_limit_is_refused_before_reading(fresh):
    client, _, _ = fresh
    answer = client.post("/api/uploads", content=b"", headers={"content-type": "multipart/form-data; boundary=x",
                                                                "content-length": str(10**9)})
    assert answer.status_code == 413


def test_not_multipart_and_two_files_are_refused(fresh):
    client, _, _ = fresh
    assert client.post("/api/uploads", json={"file": "x"}).status_code == 415
    two = client.post("/api/uploads", files=[("file", ("a.csv", b"1", "text/csv")),
                                             ("file", ("b.csv", b"2", "text/csv"))])
    assert two.status_code == 400 and "exactly one file" in two.json()["detail"]
