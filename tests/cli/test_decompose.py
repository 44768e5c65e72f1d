"""``dualcirc decompose`` through typer's CliRunner on the built-in WIOD 2013 table for 2011: every method, the
economy filter (regions, --groups, known groups), writing with provenance, and the error paths (one red line,
exit code 2, nothing written)."""
from __future__ import annotations

import json
from functools import cache, partial

import numpy as np
import pandas as pd
import pytest

import cli_runner
from cli_runner import assert_clean_error
from dualcirc import datasets
from dualcirc.cli import common
from dualcirc.measures import gvc, vat
from dualcirc.measures.output import read_provenance

_load = datasets.load


@cache
def _builtin(name: str = datasets.DEFAULT, year: int | None = None):
    return _load(name, year)


@pytest.fixture(autouse=True)
def shared_table(monkeypatch):
    """One table object for the module, so every command reuses its factorisation (the CLI path is unchanged)."""
    monkeypatch.setattr(common.datasets, "load", _builtin)


invoke = partial(cli_runner.invoke, "decompose")


def country(df: pd.DataFrame, key: str = "exporter") -> pd.Series:
    return df.set_index([key, "term"])["value"].sort_index()


def test_default_is_borin_mancini_by_country_with_labels_and_citation():
    result = invoke("--economy", "CHN", "--economy", "USA")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "CHN" in out and "USA" in out and "DEU" not in out
    assert "Foreign value added" in out and "Borin-Mancini exporter perspective" in out and "Timmer" in out
    assert "economies=['CHN', 'USA']" in out


METHOD_CASES = [
    ("kww", "country", lambda t: vat.kww(t), "exporter"),
    ("wwz", "bilateral", lambda t: vat.wwz(t, level="bilateral"), "exporter"),
    ("bm", "sector", lambda t: vat.borin_mancini(t, level="sector"), "exporter"),
    ("ltv", "bilateral", lambda t: vat.ltv(t, level="bilateral"), "exporter"),
    ("vax", "country", lambda t: vat.vax(t), "exporter"),
    ("vs", "sector", lambda t: vat.vertical_specialisation(t, level="sector"), "exporter"),
    ("wwyz", "sector", lambda t: gvc.wwyz_participation(t), "region"),
    ("length", "country", lambda t: gvc.production_length(t, level="country"), "region"),
    ("upstreamness", "sector", lambda t: gvc.production_stages(t), "region"),
    ("koopman", "country", lambda t: gvc.koopman_position(t), "region"),
]


@pytest.mark.parametrize("method, level, direct, key", METHOD_CASES, ids=[c[0] for c in METHOD_CASES])
def test_every_method_writes_the_measure_of_the_economy(tmp_path, method, level, direct, key):
    out = tmp_path / f"{method}.csv"
    result = invoke("--method", method, "--level", level, "--economy", "CHN", "--out", out)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    want = direct(_builtin())
    want = want[want[key] == "CHN"]
    assert len(written) == len(want) > 0 and set(written[key]) == {"CHN"}
    np.testing.assert_allclose(written["value"].to_numpy(), want["value"].to_numpy(), rtol=1e-12)
    provenance = read_provenance(out)
    assert provenance["method"] == want.attrs["method"] and provenance["options"]["economies"] == ["CHN"]
    assert provenance["year"] == 2011


def test_parquet_output_bm_options_and_no_overwrite_without_force(tmp_path):
    out = tmp_path / "bm.parquet"
    args = ("--method", "bm", "--level", "sector", "--sector-view", "origin", "--subterms", "--low-memory",
            "--economy", "CHN", "--out", out)
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(out)
    assert len(written) == 35 * (13 + 8) and set(written["exporter"]) == {"CHN"}
    provenance = read_provenance(out)
    assert provenance["options"]["sector_view"] == "origin" and provenance["options"]["subterms"] is True
    direct = vat.borin_mancini(_builtin(), level="sector", sector_view="origin", subterms=True)
    direct = direct[direct.exporter == "CHN"]
    np.testing.assert_allclose(written["value"].to_numpy(), direct["value"].to_numpy(), rtol=1e-10, atol=1e-6)

    before = out.stat().st_mtime_ns
    assert_clean_error(invoke(*args), "exists", "--force")
    assert out.stat().st_mtime_ns == before
    assert invoke("--method", "kww", "--out", out, "--force").exit_code == 0
    assert set(pd.read_parquet(out)["term"]) == set(vat.KWW_TERMS)


def test_a_group_is_one_exporter_and_a_known_group_names_its_members(tmp_path):
    out = tmp_path / "eu.xlsx"
    result = invoke("--groups", "EU", "--economy", "EU", "--out", out)
    assert result.exit_code == 0, result.output
    eu = pd.read_excel(out, sheet_name="result")
    assert set(eu["exporter"]) == {"EU"}
    members = read_provenance(out)["options"]["groups"]["EU"]
    assert len(members) == 27 and "GBR" in members                  # the EU of 2011
    solo = country(vat.borin_mancini(_builtin(), level="country"))
    gexp = eu.set_index("term")["value"]["GEXP"]
    assert gexp < sum(solo[(m, "GEXP")] for m in members)            # intra-EU trade is not exported

    rcep = tmp_path / "rcep.csv"
    result = invoke("--method", "kww", "--economy", "RCEP", "--out", rcep)
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(rcep)["exporter"]) == {"AUS", "CHN", "IDN", "JPN", "KOR"}   # RCEP members in WIOD

    custom = invoke("--method", "kww", "--groups", "CHNTWN=CHN,TWN", "--economy", "CHNTWN")
    assert custom.exit_code == 0, custom.output
    assert "CHNTWN" in custom.stdout and "groups={'CHNTWN': ['CHN', 'TWN']}" in custom.stdout


def test_importer_perspective_filters_on_the_importer():
    result = invoke("--perspective", "importer", "--economy", "CHN", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "进口中的增加值" in result.stdout and "进口方" in result.stdout


@pytest.mark.parametrize("args, words", [
    (("--method", "hiy"), ("unknown --method 'hiy'", "kww")),
    (("--level", "cell"), ("unknown --level 'cell'", "bilateral_sector")),
    (("--method", "kww", "--level", "sector"), ("kww", "country")),
    (("--method", "wwyz", "--level", "bilateral"), ("wwyz", "sector")),
    (("--economy", "XYZ"), ("unknown economy 'XYZ'", "CHN", "RCEP")),
    (("--method", "kww", "--perspective", "world"), ("--perspective applies to --method bm",)),
    (("--method", "vax", "--subterms"), ("--subterms",)),
    (("--method", "wwyz", "--inventories", "antras_chor"), ("exclude_from_shares",)),
    (("--method", "upstreamness", "--groups", "EU"), ("--groups does not apply",)),
    (("--method", "length", "--low-memory"), ("--low-memory does not apply",)),
    (("--method", "kww", "--low-memory"), ("--low-memory does not apply",)),
    (("--groups", "NARNIA"), ("unknown country group",)),
    (("--groups", "EU", "--economy", "DEU"), ("DEU", "--groups")),
    (("--perspective", "self"), ("level must be one of",)),
    (("--approach", "sink", "--low-memory"), ("low_memory",)),
    (("--lang", "fr"), ("--lang",)),
])
def test_bad_options_are_one_red_line(args, words):
    assert_clean_error(invoke(*args), *words)


def test_bad_out_suffix_is_refused_before_any_work(tmp_path):
    assert_clean_error(invoke("--out", tmp_path / "result.json"), ".parquet")
    assert not (tmp_path / "result.json").exists()


def test_csv_sidecar_counts_as_an_existing_output(tmp_path):
    out = tmp_path / "kww.csv"
    assert invoke("--method", "kww", "--out", out).exit_code == 0
    assert json.loads((tmp_path / "kww.provenance.json").read_text(encoding="utf-8"))["options"]["level"] == "country"
    out.unlink()
    assert_clean_error(invoke("--method", "kww", "--out", out), "exists")
