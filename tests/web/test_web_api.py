"""The JSON API on the built-in datasets: catalogue, pages as jobs, results in two languages, downloads, and
clear 4xx answers to bad requests (unknown dataset, year, economy, page, parameter; malformed JSON)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from web_helpers import dashboard_app, make_client, run

from dualcirc import datasets
from dualcirc.measures import circulation, core
from dualcirc.web.pages import available_pages


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with make_client(dashboard_app(tmp_path_factory.mktemp("web-state"))) as test_client:
        yield test_client


def test_health_openapi_and_the_page(client):
    assert client.get("/api/health").json()["status"] == "ok"
    schema = client.get("/openapi.json").json()
    assert {"/api/pages/{page}/run", "/api/jobs/{job}", "/api/uploads", "/api/datasets"} <= set(schema["paths"])
    page = client.get("/")
    assert page.status_code == 200 and 'id="panels"' in page.text
    js = client.get("/static/vendor/plotly.min.js")  # served from the installed plotly package, no CDN
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/app.js").status_code == 200


def test_datasets_and_table_description(client):
    listing = client.get("/api/datasets").json()
    ids = {d["id"]: d for d in listing["datasets"]}
    assert listing["default"] == "wiod2013"
    assert ids["wiod2013"]["years"] == [1995, 2000, 2005, 2011] and ids["wiod2013"]["origin"] == "builtin"
    table = client.get("/api/datasets/wiod2013", params={"year": 2011}).json()
    chn = next(r for r in table["regions"] if r["code"] == "CHN")
    assert (chn["en"], chn["zh"]) == ("China", "中国")
    assert table["default_economy"] == "CHN" and len(table["sectors"]) == 35
    assert client.get("/api/datasets/nope").status_code == 404
    answer = client.get("/api/datasets/wiod2013", params={"year": 1999})
    assert answer.status_code == 404 and "1995" in answer.json()["detail"]


def test_pages_list_their_parameters_on_a_table(client):
    body = client.get("/api/pages", params={"dataset": "china_nbs42", "economy": "CHN"}).json()
    pages = {p["key"]: p for p in body["pages"]}
    assert {"overview", "partners", "sectors"} <= set(pages)
    for key, reason in ((o["key"], o["reason"]) for o in body["omitted"]):
        assert key not in pages and "cannot be imported" in reason
    if "shock" in pages:
        source = next(p for p in pages["shock"]["params"] if p["key"] == "source")
        assert source["default"] == "IMPORTS"  # a national table: the foreign source is its imports
        assert [o["value"] for o in source["options"]] == ["CHN", "IMPORTS"]


def test_overview_matches_the_measures_and_switches_economy_and_language(client):
    answer = run(client, "overview", dataset="wiod2013", year=2011, economy="CHN")
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["status"] == "done" and result["request"]["economy"] == "CHN"
    panels = {p["key"]: p for p in result["panels"]}
    assert {"dependence", "circulation", "position", "compare"} <= set(panels)
    dep = panels["dependence"]
    assert dep["figure"]["data"] and dep["n_rows"] == len(dep["rows"])
    rows = pd.DataFrame(dep["rows"], columns=dep["codes"])
    td_2011 = rows[(rows["year"] == 2011) & (rows["term"] == "Trade dependence, gross ((EX+IM)/GDP)")]["value"]
    direct = circulation.trade_dependence(datasets.load("wiod2013", 2011), economies="CHN")
    assert td_2011.item() == pytest.approx(direct.set_index("term").loc["TD", "value"], rel=1e-12)
    assert sorted(rows["year"].unique()) == [1995, 2000, 2005, 2011]

    usa = run(client, "overview", dataset="wiod2013", year=2011, economy="USA", lang="zh").json()
    usa_dep = next(p for p in usa["panels"] if p["key"] == "dependence")
    assert usa_dep["caption"] == "外贸依存度的变化：总值与增加值口径"
    assert usa_dep["columns"][:3] == ["年份", "地区", "地区 (名称)"] and usa_dep["rows"][0][2] == "美国"
    zh = client.get(f"/api/jobs/{result['job']}/result", params={"lang": "zh"}).json()
    assert zh["panels"][0]["rows"] and zh["panels"][0]["caption"] != dep["caption"]


def test_downloads_hold_the_whole_table_with_provenance(client):
    result = run(client, "sectors", dataset="wiod2013", year=2011, economy="DEU", params={"top": 5}).json()
    panel = next(p for p in result["panels"] if p["key"] == "multipliers")
    csv = client.get(f"/api/jobs/{result['job']}/download/multipliers.csv", params={"lang": "zh"})
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    frame = pd.read_csv(io.StringIO(csv.content.decode("utf-8-sig")))
    assert len(frame) == panel["n_rows"] == 3 * 35 and "部门" in frame.columns
    output = core.output_multipliers(datasets.load("wiod2013", 2011))
    expected = output[(output["region"] == "DEU") & (output["indicator"] == "output_multiplier")]["value"]
    shown = frame[frame["指标"] == "产出乘数（u'L）"]["数值"]
    assert np.allclose(np.sort(shown.to_numpy()), np.sort(expected.to_numpy()), rtol=1e-12)
    xlsx = client.get(f"/api/jobs/{result['job']}/download/multipliers.xlsx")
    sheets = pd.read_excel(io.BytesIO(xlsx.content), sheet_name=None)
    assert set(sheets) == {"result", "provenance"} and len(sheets["result"]) == 105
    assert "METHODS.md 1.4" in " ".join(sheets["provenance"]["value"].astype(str))
    assert client.get(f"/api/jobs/{result['job']}/download/multipliers.pdf").status_code == 404
    assert client.get(f"/api/jobs/{result['job']}/download/nope.csv").status_code == 404


def test_a_page_that_does_not_apply_says_why(client):
    result = run(client, "partners", dataset="china_nbs42").json()
    assert result["panels"][0]["note"].startswith("Value-added trade between partners needs an inter-country")
    assert result["panels"][0]["n_rows"] == 0


@pytest.mark.parametrize("body, status, words", [
    ({"dataset": "wiod2013", "economy": "XXX"}, 422, "unknown economy 'XXX'"),
    ({"dataset": "nope"}, 404, "unknown dataset 'nope'"),
    ({"dataset": "wiod2013", "year": 1999}, 404, "has no year 1999"),
    ({"dataset": "wiod2013", "colour": "red"}, 422, "body.colour"),
    ({"dataset": "wiod2013", "params": {"top": 1000}}, 422, "must lie in [3, 40]"),
    ({"dataset": "wiod2013", "params": {"top": "many"}}, 422, "must be a number"),
    ({"dataset": "wiod2013", "params": {"colour": 1}}, 422, "has no parameter(s) ['colour']"),
])
def test_bad_requests_get_a_clear_4xx(client, body, status, words):
    answer = client.post("/api/pages/partners/run", json=body)
    assert answer.status_code == status
    assert words in answer.json()["detail"]


def test_malformed_json_unknown_page_and_unknown_job(client):
    answer = client.post("/api/pages/overview/run", content=b'{"dataset": wiod', headers={"content-type":
                                                                                          "application/json"})
    assert answer.status_code == 400 and "malformed JSON" in answer.json()["detail"]
    assert client.post("/api/pages/nope/run", json={}).status_code == 404
    assert client.get("/api/jobs/0123456789abcdef0123").status_code == 404
    assert client.get("/api/jobs/0123456789abcdef0123/result").status_code == 404
    assert client.get("/api/jobs/x/result", params={"lang": "fr"}).status_code == 422


def test_a_running_job_answers_202_then_its_result(client):
    first = client.post("/api/pages/sectors/run", json={"dataset": "wiod2013", "year": 1995, "economy": "JPN"})
    assert first.status_code in (200, 202)
    job = first.json()["job"]
    state = client.get(f"/api/jobs/{job}").json()
    assert state["request"] == {"page": "sectors", "dataset": "wiod2013", "year": 1995, "economy": "JPN",
                                "params": {"top": 12.0}}
    again = run(client, "sectors", dataset="wiod2013", year=1995, economy="JPN")
    assert again.status_code == 200 and again.json()["job"] == job  # the same request joins the same job


@pytest.mark.parametrize("key", [p.key for p in available_pages()])
def test_every_page_runs_on_the_default_table_in_both_languages(client, key):
    answer = run(client, key, dataset="wiod2013", year=2011, economy="CHN")
    assert answer.status_code == 200, answer.text
    panels = answer.json()["panels"]
    assert panels and all(p["n_rows"] == len(p["rows"]) or len(p["rows"]) == 200 for p in panels)
    assert any(p["figure"] for p in panels)
    zh = client.get(f"/api/jobs/{answer.json()['job']}/result", params={"lang": "zh"}).json()["panels"]
    assert [p["caption"] for p in zh] != [p["caption"] for p in panels]
