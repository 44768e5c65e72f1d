"""The chain map of a key industry (POLICY_SYSTEMS.md 2.2): upstream and downstream linkages against explicit
inverses, location quotients, the fill / extend / strengthen rules, the node/edge export and the network chart,
on random tables, a national MRIO, the national NBS 2020 table and WIOD 2013 (2011, CHN electrical and optical
equipment c14)."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dualcirc.engine import engine_for
from dualcirc.errors import OptionError
from dualcirc.labels import t
from dualcirc.measures import chain, risk
from dualcirc.measures.output import read_provenance
from dualcirc.testing import open_economy
from measure_checks import close
from risk_tables import explicit, icio, nbs2020, wiod2011


def in_table_order(frame: pd.DataFrame, table, column: str) -> np.ndarray:
    keyed = frame[frame["region"] != risk.IMPORTS].set_index(["region", "sector"])[column]
    return keyed.loc[list(table.cells)].to_numpy()


@pytest.mark.parametrize("make", [lambda: icio(21), lambda: open_economy(icio(22, 0), outside=0)])
def test_upstream_and_downstream_are_columns_of_L_and_rows_of_G(make):
    table = make()
    e = explicit(table)
    q = table.region_index(table.regions[1]) * table.N + 2
    cm = chain.chain_map(table, table.sectors[2], table.regions[1])
    unit = np.eye(table.n)[q]
    close(in_table_order(cm.upstream, table, "direct_input_coefficient"), e["A"][:, q])
    close(in_table_order(cm.upstream, table, "total_requirement"), e["L"][:, q] - unit)
    close(in_table_order(cm.downstream, table, "allocation_coefficient"), e["B"][q])
    close(in_table_order(cm.downstream, table, "total_forward"), e["G"][q] - unit)
    assert cm.upstream["total_requirement"].is_monotonic_decreasing and cm.upstream["rank"].iloc[0] == 1
    if table.Zm is not None:  # imported products: A^M and A^M L
        Am = table.Zm / table.x[None, :]
        imports = cm.upstream[cm.upstream["region"] == risk.IMPORTS].set_index("sector").loc[list(table.sectors)]
        close(imports["total_requirement"], Am @ e["L"][:, q])
        summary = cm.sectors.set_index("sector")
        by_region = e["L"][:, q].reshape(table.G, table.N) - unit.reshape(table.G, table.N)
        close(summary["upstream_requirement"], by_region.sum(0) + Am @ e["L"][:, q])


def test_location_quotients():
    table = icio(23, 0)
    lq = chain.location_quotients(table, "R02")
    x = table.x.reshape(table.G, table.N)
    close(lq, (x[1] / x[1].sum()) / (x.sum(0) / x.sum()))
    close((x.sum(0) / x.sum()) @ lq, 1.0)  # the reference-weighted mean of LQ is 1
    va = chain.location_quotients(table, "R02", basis="va")
    w = table.va.reshape(table.G, table.N)
    close(va, (w[1] / w[1].sum()) / (w.sum(0) / w.sum()))
    nested = replace(table, nations={"R01": "X", "R02": "X", "R03": "Y", "R04": "Y", "R05": "Y"})
    lq_nation = chain.location_quotients(nested, "R02")
    assert lq_nation.attrs["reference"] == "nation"
    close(lq_nation, (x[1] / x[1].sum()) / (x[:2].sum(0) / x[:2].sum()))
    with pytest.raises(OptionError, match="nations"):
        chain.location_quotients(table, "R02", reference="nation")
    close(chain.location_quotients(nbs2020(), "CHN"), 1.0)  # a nation against itself


def check_candidate_rules(cm: chain.ChainMap, th=None) -> None:
    th = th or {"strength_threshold": 1.0, "outside_share": 0.5, "lq_threshold": 1.0, "multiplier_threshold": 1.0}
    s = cm.sectors.set_index("sector")
    for row in cm.candidates.itertuples(index=False):
        v = s.loc[row.sector]
        assert row.sector != cm.sector and row.reason and row.reason_zh
        if row.kind == "fill":
            assert v.upstream_strength > th["strength_threshold"] and v.upstream_outside_share > th["outside_share"]
            assert v.location_quotient < th["lq_threshold"]
        elif row.kind == "extend":
            assert v.downstream_strength > th["strength_threshold"] and v.location_quotient < th["lq_threshold"]
        else:
            assert max(v.upstream_strength, v.downstream_strength) > th["strength_threshold"]
            assert v.location_quotient > th["lq_threshold"] and v.multiplier_index > th["multiplier_threshold"]
    # and every sector meeting a rule is listed
    expected = ((s.upstream_strength > th["strength_threshold"]) & (s.upstream_outside_share > th["outside_share"])
                & (s.location_quotient < th["lq_threshold"]))
    listed = set(cm.candidates.loc[cm.candidates["kind"] == "fill", "sector"])
    assert listed == set(expected.index[expected]) - {cm.sector}


def test_candidates_follow_their_rules_and_state_reasons():
    table = icio(24)
    cm = chain.chain_map(table, "S02", "R03")
    check_candidate_rules(cm)
    loose = {"strength_threshold": 0.5, "outside_share": 0.2, "lq_threshold": 1.2, "multiplier_threshold": 0.9}
    check_candidate_rules(chain.chain_map(table, "S02", "R03", **loose), loose)
    assert (cm.sectors["upstream_strength"].mean() == pytest.approx(1.0)
            and cm.sectors["downstream_strength"].mean() == pytest.approx(1.0))


def test_national_table_needs_local_lq_for_candidates():
    table = nbs2020()
    assert chain.chain_map(table, "19").candidates.empty  # LQ = 1 everywhere: nothing to fill or extend
    local = pd.Series(0.5, index=table.sectors)
    cm = chain.chain_map(table, "19", local_lq=local)
    assert set(cm.candidates["kind"]) <= {"fill", "extend"} and not cm.candidates.empty
    check_candidate_rules(cm)
    assert cm.sectors.attrs["options"]["location_quotients"] == "user-supplied"
    with pytest.raises(OptionError, match="lacks sectors"):
        chain.chain_map(table, "19", local_lq={"01": 1.0})


def test_nodes_edges_and_errors():
    table = icio(25)
    cm = chain.chain_map(table, "S01", "R02", top=4, min_coefficient=0.0)
    target = cm.nodes[cm.nodes["role"] == "target"]
    assert target["id"].tolist() == ["R02/S01"]
    assert set(cm.edges["from"]) | set(cm.edges["to"]) <= set(cm.nodes["id"])
    star_in = cm.edges[(cm.edges["to"] == "R02/S01") & (cm.edges["edge"] == "input")]
    assert len(star_in) >= 4 and (cm.nodes["role"].isin(["upstream", "both"])).sum() == 4
    assert len(cm.nodes) <= 1 + 2 * 4
    with pytest.raises(OptionError, match="name the region"):
        chain.chain_map(table, "S01")
    with pytest.raises(OptionError, match="top"):
        chain.chain_map(table, "S01", "R02", top=0)
    zero = icio(26, zero_output_cells=3)
    dead = np.flatnonzero(zero.x == 0)[0]
    with pytest.raises(OptionError, match="zero gross output"):
        chain.chain_map(zero, zero.cells[dead][1], zero.cells[dead][0])


def test_write_chain_and_figure(tmp_path):
    table = icio(27)
    cm = chain.chain_map(table, "S03", "R01", top=5)
    written = chain.write_chain(cm, tmp_path, include_plotlyjs="cdn", lang="zh")
    assert {p.name for p in written.values()} == {"nodes.csv", "edges.csv", "chain.xlsx", "chain.html"}
    assert pd.read_csv(tmp_path / "nodes.csv")["id"].tolist() == cm.nodes["id"].tolist()
    assert "POLICY_SYSTEMS.md 2.2" in read_provenance(tmp_path / "edges.csv")["method"]
    sheets = openpyxl.load_workbook(tmp_path / "chain.xlsx", read_only=True).sheetnames
    assert sheets == ["nodes", "edges", "upstream", "downstream", "sectors", "candidates", "provenance"]
    html = (tmp_path / "chain.html").read_text(encoding="utf-8")
    assert "plotly" in html and json.dumps(t("chain.role.target", "zh"))[1:-1] in html  # plotly escapes non-ASCII
    fig = chain.chain_figure(cm)
    markers = [tr for tr in fig.data if tr.mode == "markers+text"]
    assert len(markers) == len(cm.nodes)
    with pytest.raises(OptionError, match="format"):
        chain.write_chain(cm, tmp_path, formats=["pdf"])


def test_wiod2011_china_electrical_and_optical_equipment():
    table = wiod2011()
    cm = chain.chain_map(table, "c14", "CHN")
    check_candidate_rules(cm)
    up = cm.upstream.set_index(["region", "sector"])
    q = table.region_index("CHN") * table.N + table.sector_index("c14")
    e_q = np.eye(table.n)[:, q]
    close(up.loc[list(table.cells), "total_requirement"], engine_for(table).solve(e_q) - e_q)
    assert cm.sectors.set_index("sector").loc["c19", "location_quotient"] == 0.0  # WIOD has no CHN c19 output
    assert (cm.nodes["region"] == "CHN").any() and len(cm.candidates) > 0


def test_every_chain_label_has_english_and_chinese():
    cm = chain.chain_map(icio(28), "S01", "R01")
    keys = {f"chain.{k}" for k in chain.CANDIDATE_KINDS} | {f"chain.role.{r}" for r in cm.nodes["role"]}
    keys |= {f"chain.edge.{k}" for k in cm.edges["edge"]}
    keys |= set(cm.upstream.columns[3:]) | set(cm.downstream.columns[3:]) | {
        c for c in cm.sectors.columns if c not in ("sector", "candidates", "upstream_strength", "downstream_strength")}
    missing = [k for k in sorted(keys) if t(k, "zh") == k or t(k, "en") == t(k, "zh")]
    assert not missing
