"""The chain map of a key industry (产业链上下游配套网络; POLICY_SYSTEMS.md 2.2, METHODS.md 1.2-1.5).

For a target sector j in a region r:

* **upstream** suppliers by region-sector: direct input coefficients a_(p, rj) and total requirements
  (L - I)_(p, rj) (完全消耗系数), plus imported products for tables whose imports lie outside the model
  (A^M and A^M L);
* **downstream** users: Ghosh allocation coefficients b_(rj, q) and the total forward linkage (G - I)_(rj, q)
  (Ghosh 1958; read as an accounting of where the output goes, METHODS.md 1.3);
* **location quotients** of the region, LQ_i = (w_ri / w_r) / (w_Ri / w_R), w = gross output or value added and R
  the nation (``table.nations``) or the world (all regions); a user-supplied LQ (e.g. a county's, from employment
  or firm counts) replaces them;
* **candidates**: 补链 *fill* -- strong upstream requirements sourced mostly outside the region with LQ < 1;
  延链 *extend* -- strong downstream users with LQ < 1 (not present locally); 强链 *strengthen* -- strong links
  (either side) with LQ > 1 and an above-average output multiplier in the region; each with its reason stated.
  "Strong" means above ``strength_threshold`` times the mean over sectors.

:func:`chain_map` returns a :class:`ChainMap`; :func:`chain_figure` draws the network (plotly) and
:func:`write_chain` exports the node/edge tables (CSV, xlsx) and the interactive chart (HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import labels
from ..engine.leontief import Engine, safe_divide
from ..errors import OptionError
from ..tables.model import IOTable
from . import core
from .output import write_result
from .result import tidy
from .risk import IMPORTS

CANDIDATE_KINDS = ("fill", "extend", "strengthen")
LQ_BASES = ("output", "va")
LQ_REFERENCES = ("nation", "world")
CHAIN_FORMATS = ("csv", "xlsx", "html")
COLOURS = {"target": "#111827", "fill": "#c2410c", "extend": "#54a24b", "strengthen": "#4c78a8", "": "#9d9d9d"}

labels.register({
    "chain.fill": ("Fill the chain (补链): strong input sourced outside, weak local presence",
                   "补链：投入需求强、主要外部供应、本地集聚不足"),
    "chain.extend": ("Extend the chain (延链): strong downstream user, weak local presence",
                     "延链：下游需求强、本地集聚不足"),
    "chain.strengthen": ("Strengthen the chain (强链): strong link, local specialisation, high multiplier",
                         "强链：关联强、本地专业化、乘数高"),
    "chain.role.target": ("Target sector", "目标产业"),
    "chain.role.upstream": ("Upstream supplier", "上游供应"),
    "chain.role.downstream": ("Downstream user", "下游使用"),
    "chain.role.both": ("Upstream and downstream", "上下游兼有"),
    "chain.col.id": ("Node", "节点"),
    "chain.col.role": ("Role", "角色"),
    "chain.col.kind": ("Candidate", "候选类型"),
    "chain.col.reason": ("Reason", "理由"),
    "chain.col.from": ("From", "起点"),
    "chain.col.to": ("To", "终点"),
    "chain.col.edge": ("Link", "关联"),
    "chain.edge.input": ("Input supplied (direct input coefficient a)", "投入供应（直接消耗系数 a）"),
    "chain.edge.allocation": ("Output allocated (Ghosh allocation coefficient b)", "产出分配（分配系数 b）"),
    "direct_input_coefficient": ("Direct input coefficient (a, 直接消耗系数)", "直接消耗系数（a）"),
    "total_requirement": ("Total requirement ((L - I), 完全消耗系数)", "完全消耗系数（L - I）"),
    "allocation_coefficient": ("Allocation coefficient (b, 直接分配系数)", "直接分配系数（b）"),
    "total_forward": ("Total forward linkage ((G - I), 完全分配系数)", "完全分配系数（G - I）"),
    "flow": ("Flow (Z)", "流量（Z）"),
    "upstream_requirement": ("Total requirement of the product, all sources", "对该产品的完全消耗（所有来源）"),
    "upstream_direct": ("Direct input coefficient of the product, all sources", "对该产品的直接消耗（所有来源）"),
    "upstream_outside_share": ("Share of the requirement sourced outside the region", "区外供应占完全消耗比重"),
    "downstream_forward": ("Total forward linkage to the sector, all regions", "对该部门的完全分配（所有地区）"),
    "downstream_local_share": ("Share of the forward linkage inside the region", "区内占完全分配比重"),
    "location_quotient": ("Location quotient (LQ)", "区位商（LQ）"),
    "multiplier_index": ("Output multiplier relative to the region's mean", "产出乘数（相对本地区均值）"),
    "strength_index": ("Strength relative to the mean over sectors", "关联强度（相对部门均值）"),
})


@dataclass(frozen=True)
class ChainMap:
    """The chain map of one target cell: ranked ``upstream`` and ``downstream`` region-sectors, the ``sectors``
    summary (linkages, LQ, multiplier, candidate kinds), the ``candidates`` with reasons, and the network's
    ``nodes`` and ``edges``.  Every table carries provenance in ``attrs``."""

    region: str
    sector: str
    upstream: pd.DataFrame
    downstream: pd.DataFrame
    sectors: pd.DataFrame
    candidates: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame


def location_quotients(table: IOTable, region: str, *, basis: str = "output", reference: str | None = None
                       ) -> pd.Series:
    """LQ_i = (w_ri / w_r) / (w_Ri / w_R) of ``region`` (POLICY_SYSTEMS.md 2.2): w = gross output or value added,
    R = the region's nation (``table.nations``; default when the table has nations) or the world (all regions).
    NaN where the reference has none of sector i."""
    core._choice("basis", basis, LQ_BASES)
    reference = reference or ("nation" if table.nations else "world")
    core._choice("reference", reference, LQ_REFERENCES)
    if reference == "nation" and not table.nations:
        raise OptionError("reference='nation' needs a table whose regions belong to nations (table.nations), "
                          "e.g. a provincial MRIO; use reference='world'")
    w = (table.x if basis == "output" else table.va).reshape(table.G, table.N)
    r = table.region_index(region)
    members = (np.array([table.nations[g] == table.nations[region] for g in table.regions])
               if reference == "nation" else np.ones(table.G, dtype=bool))
    ref = w[members].sum(0)
    lq = safe_divide(safe_divide(w[r], np.full(table.N, w[r].sum())), safe_divide(ref, np.full(table.N, ref.sum())))
    out = pd.Series(lq, index=pd.Index(table.sectors, name="sector"), name="location_quotient")
    out.attrs = {"basis": basis, "reference": reference}
    return out


def _linkages_of(table: IOTable, e: Engine, q: int) -> dict[str, np.ndarray]:
    """Column q of A, L - I (one solve) and row q of B, G - I (one transposed Ghosh solve); imported products'
    direct and total coefficients for tables with imports outside the model."""
    unit = np.zeros(table.n)
    unit[q] = 1.0
    out = {"direct": e.A[:, q], "total": e.solve(unit) - unit, "flow_in": table.Z[:, q],
           "allocation": e.B[q], "forward": e.ghosh_solve_T(unit) - unit, "flow_out": table.Z[q]}
    if e.Am is not None:
        out["direct_m"] = e.Am[:, q]
        out["total_m"] = e.Am @ (out["total"] + unit)
        out["flow_m"] = table.Zm[:, q]
    return out


def _ranked(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    frame = frame.sort_values(by, ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


def _strength_index(values: np.ndarray) -> np.ndarray:
    mean = values.mean()
    return values / mean if mean > 0 else np.full(values.shape, np.nan)


def chain_map(table: IOTable, sector: str, region: str | None = None, *, top: int = 12, lq_basis: str = "output",
              lq_reference: str | None = None, local_lq: Mapping[str, float] | pd.Series | None = None,
              strength_threshold: float = 1.0, outside_share: float = 0.5, lq_threshold: float = 1.0,
              multiplier_threshold: float = 1.0, min_coefficient: float = 0.02,
              engine: Engine | None = None) -> ChainMap:
    """The chain map of ``sector`` in ``region`` (POLICY_SYSTEMS.md 2.2; Feser & Bergman 2000 for IO-based value
    chain templates).  ``top`` region-sectors upstream and downstream form the network; ``min_coefficient`` adds
    the direct input links among them.  ``local_lq`` (sector -> LQ) replaces the table's LQs (needed
    for a national table, whose LQ against itself is 1).  Thresholds: strong = above ``strength_threshold`` x the
    mean over sectors; fill needs an outside share above ``outside_share``; fill and extend need LQ below
    ``lq_threshold``; strengthen needs LQ above it and an output multiplier above ``multiplier_threshold`` x the
    region's mean.
    """
    if region is None:
        if table.G != 1:
            raise OptionError(f"name the region of the target sector: one of {list(table.regions)}")
        region = table.regions[0]
    if top < 1:
        raise OptionError(f"top must be a positive number of nodes, not {top}")
    r, j = table.region_index(region), table.sector_index(sector)
    q = r * table.N + j
    e = core._engine(table, engine)
    if not e.active[q]:
        raise OptionError(f"{region}/{sector} has zero gross output: it has no inputs or users to map")
    link = _linkages_of(table, e, q)
    cells = table.cells
    regions = np.asarray(cells.get_level_values(0), dtype=object)
    sectors = np.asarray(cells.get_level_values(1), dtype=object)

    up = pd.DataFrame({"region": regions, "sector": sectors, "direct_input_coefficient": link["direct"],
                       "total_requirement": link["total"], "flow": link["flow_in"]})
    if "direct_m" in link:
        up = pd.concat([up, pd.DataFrame({"region": IMPORTS, "sector": list(table.sectors),
                                          "direct_input_coefficient": link["direct_m"],
                                          "total_requirement": link["total_m"], "flow": link["flow_m"]})],
                       ignore_index=True)
    down = pd.DataFrame({"region": regions, "sector": sectors, "allocation_coefficient": link["allocation"],
                         "total_forward": link["forward"], "flow": link["flow_out"]})
    up, down = _ranked(up, "total_requirement"), _ranked(down, "total_forward")

    # sector level: all sources / all users, local shares, LQ, multipliers
    total_by_source = link["total"].reshape(table.G, table.N)
    up_total = total_by_source.sum(0) + (link["total_m"] if "total_m" in link else 0.0)
    up_direct = link["direct"].reshape(table.G, table.N).sum(0) + (link["direct_m"] if "direct_m" in link else 0.0)
    forward = link["forward"].reshape(table.G, table.N)
    down_total = forward.sum(0)
    if local_lq is not None:
        lq = pd.Series(local_lq, dtype=float).reindex(list(table.sectors))
        missing = lq.index[lq.isna()].tolist()
        if missing:
            raise OptionError(f"local_lq lacks sectors {missing[:10]}; give one LQ per sector of the table")
        lq_values, lq_note = lq.to_numpy(), "user-supplied"
    else:
        lq_series = location_quotients(table, region, basis=lq_basis, reference=lq_reference)
        lq_values = lq_series.to_numpy()
        lq_note = f"{lq_series.attrs['basis']} relative to the {lq_series.attrs['reference']}"
    multipliers = core.output_multipliers(table, engine=e)
    mult = multipliers[multipliers["indicator"] == "output_multiplier"]["value"].to_numpy().reshape(table.G, table.N)[r]
    mult_index = mult / np.nanmean(mult)
    summary = pd.DataFrame({
        "sector": list(table.sectors),
        "upstream_direct": up_direct, "upstream_requirement": up_total,
        "upstream_outside_share": 1.0 - safe_divide(total_by_source[r], up_total),
        "downstream_forward": down_total, "downstream_local_share": safe_divide(forward[r], down_total),
        "location_quotient": lq_values, "multiplier_index": mult_index,
        "upstream_strength": _strength_index(up_total), "downstream_strength": _strength_index(down_total)})
    thresholds = {"strength_threshold": strength_threshold, "outside_share": outside_share,
                  "lq_threshold": lq_threshold, "multiplier_threshold": multiplier_threshold}
    candidates = _candidates(table, summary, region, sector, thresholds)
    summary["candidates"] = [",".join(candidates.loc[candidates["sector"] == s, "kind"]) for s in table.sectors]

    nodes, edges = _network(table, e, q, up, down, summary, top, min_coefficient)
    options = {"region": region, "sector": sector, "top": top, "location_quotients": lq_note, **thresholds,
               "min_coefficient": min_coefficient,
               "downstream_basis": "Ghosh allocation (accounting of output destinations; METHODS.md 1.3)"}
    method = "chain map: upstream (L - I), downstream (G - I), LQ, fill/extend/strengthen (POLICY_SYSTEMS.md 2.2)"

    def prov(df: pd.DataFrame) -> pd.DataFrame:
        return tidy(df, method=method, table=table, options=options)

    return ChainMap(region=region, sector=sector, upstream=prov(up), downstream=prov(down), sectors=prov(summary),
                    candidates=prov(candidates), nodes=prov(nodes), edges=prov(edges))


def _candidates(table: IOTable, summary: pd.DataFrame, region: str, target: str,
                th: Mapping[str, float]) -> pd.DataFrame:
    """Fill, extend and strengthen candidates with their reasons (English and Chinese); the target excluded."""
    s = summary.set_index("sector")
    lq = s["location_quotient"]
    strong_up = s["upstream_strength"] > th["strength_threshold"]
    strong_down = s["downstream_strength"] > th["strength_threshold"]
    rules = {
        "fill": strong_up & (s["upstream_outside_share"] > th["outside_share"]) & (lq < th["lq_threshold"]),
        "extend": strong_down & (lq < th["lq_threshold"]),
        "strengthen": (strong_up | strong_down) & (lq > th["lq_threshold"])
        & (s["multiplier_index"] > th["multiplier_threshold"]),
    }
    rows = []
    for kind, hit in rules.items():
        for sec in s.index[hit.fillna(False).to_numpy()]:
            if sec == target:
                continue
            v = s.loc[sec]
            en, zh = _reason(kind, v, region, target)
            strength = v["upstream_strength"] if kind == "fill" else (
                v["downstream_strength"] if kind == "extend" else max(v["upstream_strength"], v["downstream_strength"]))
            rows.append({"sector": sec, "sector_name": table.sector_names.get(sec, sec), "kind": kind,
                         "strength_index": strength, "location_quotient": v["location_quotient"],
                         "reason": en, "reason_zh": zh})
    columns = ["sector", "sector_name", "kind", "strength_index", "location_quotient", "reason", "reason_zh"]
    frame = pd.DataFrame(rows, columns=columns)
    order = {k: i for i, k in enumerate(CANDIDATE_KINDS)}
    return frame.sort_values(["kind", "strength_index"], key=lambda c: c.map(order) if c.name == "kind" else -c,
                             kind="stable").reset_index(drop=True)


def _reason(kind: str, v: pd.Series, region: str, target: str) -> tuple[str, str]:
    lq = v["location_quotient"]
    if kind == "fill":
        return (f"{target} in {region} requires {v['upstream_requirement']:.3f} of it per unit of output, directly "
                f"and indirectly ({v['upstream_strength']:.1f}x the average input); {v['upstream_outside_share']:.0%} "
                f"of that comes from outside {region}; LQ {lq:.2f} < 1",
                f"{region} {target} 每单位产出完全消耗 {v['upstream_requirement']:.3f}（为平均投入的 "
                f"{v['upstream_strength']:.1f} 倍），其中 {v['upstream_outside_share']:.0%} 来自区外；区位商 {lq:.2f} < 1")
    if kind == "extend":
        return (f"takes {v['downstream_forward']:.3f} per unit of {target}'s primary input as total forward linkage "
                f"({v['downstream_strength']:.1f}x the average user); LQ {lq:.2f} < 1, weak local presence",
                f"{target} 每单位初始投入对其完全分配 {v['downstream_forward']:.3f}（为平均下游的 "
                f"{v['downstream_strength']:.1f} 倍）；区位商 {lq:.2f} < 1，本地集聚不足")
    strength = max(v["upstream_strength"], v["downstream_strength"])
    return (f"linked to {target} at {strength:.1f}x the average; specialised in {region} (LQ {lq:.2f} > 1) with an "
            f"output multiplier {v['multiplier_index']:.2f}x the regional mean",
            f"与 {target} 的关联为平均的 {strength:.1f} 倍；{region} 专业化（区位商 {lq:.2f} > 1），产出乘数为本地区均值的 "
            f"{v['multiplier_index']:.2f} 倍")


def _network(table: IOTable, e: Engine, q: int, up: pd.DataFrame, down: pd.DataFrame, summary: pd.DataFrame,
             top: int, min_coefficient: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (target, top upstream and downstream region-sectors) and edges (star links to the target plus direct
    input links of at least ``min_coefficient`` among the nodes)."""
    target_region, target_sector = table.cells[q]
    target_id = f"{target_region}/{target_sector}"

    def node_ids(frame: pd.DataFrame) -> list[str]:
        ids = (frame["region"] + "/" + frame["sector"]).tolist()
        return [i for i in ids if i != target_id][:top]

    up_ids, down_ids = node_ids(up), node_ids(down)
    kinds = summary.set_index("sector")["candidates"]
    lq = summary.set_index("sector")["location_quotient"]
    strength_up = dict(zip(up["region"] + "/" + up["sector"], up["total_requirement"]))
    strength_down = dict(zip(down["region"] + "/" + down["sector"], down["total_forward"]))
    rows = []
    for node in [target_id] + list(dict.fromkeys(up_ids + down_ids)):
        reg, sec = node.split("/", 1)
        role = ("target" if node == target_id else "both" if node in up_ids and node in down_ids
                else "upstream" if node in up_ids else "downstream")
        sector_kinds = [k for k in str(kinds.get(sec, "")).split(",") if k]
        applies = [k for k in sector_kinds if (k == "fill" and role in ("upstream", "both"))
                   or (k == "extend" and role in ("downstream", "both")) or k == "strengthen"]
        rows.append({"id": node, "region": reg, "sector": sec, "sector_name": table.sector_names.get(sec, sec),
                     "role": role, "total_requirement": strength_up.get(node, np.nan),
                     "total_forward": strength_down.get(node, np.nan),
                     "location_quotient": lq.get(sec, np.nan) if reg == target_region else np.nan,
                     "candidate": ",".join(applies) if role != "target" else ""})
    nodes = pd.DataFrame(rows)
    up_i = up.set_index(up["region"] + "/" + up["sector"])
    down_i = down.set_index(down["region"] + "/" + down["sector"])
    edges = [{"from": n, "to": target_id, "edge": "input", "coefficient": up_i.at[n, "direct_input_coefficient"],
              "total": up_i.at[n, "total_requirement"], "flow": up_i.at[n, "flow"]} for n in up_ids]
    edges += [{"from": target_id, "to": n, "edge": "allocation", "coefficient": down_i.at[n, "allocation_coefficient"],
               "total": down_i.at[n, "total_forward"], "flow": down_i.at[n, "flow"]} for n in down_ids]
    index = {f"{r}/{s}": p for p, (r, s) in enumerate(table.cells)}
    inside = [n for n in nodes["id"] if n in index]
    star = {(d["from"], d["to"]) for d in edges}
    for a in inside:
        for b in inside:
            coef = e.A[index[a], index[b]]
            if a != b and coef >= min_coefficient and (a, b) not in star:
                edges.append({"from": a, "to": b, "edge": "input", "coefficient": coef, "total": np.nan,
                              "flow": table.Z[index[a], index[b]]})
    return nodes, pd.DataFrame(edges, columns=["from", "to", "edge", "coefficient", "total", "flow"])


def chain_figure(chain: ChainMap, *, lang: str = "en", names: Mapping[str, str] | None = None) -> go.Figure:
    """The chain network as a plotly figure: upstream nodes left, the target in the middle, downstream right;
    node size by linkage strength, colour by candidate kind, edge width by coefficient.  ``names`` maps sector
    codes to display names."""
    t = lambda key: labels.t(key, lang)  # noqa: E731
    nodes = chain.nodes
    strength = nodes[["total_requirement", "total_forward"]].max(axis=1).fillna(0.0)
    upstream_side = nodes["total_requirement"].fillna(0.0) >= nodes["total_forward"].fillna(0.0)
    column = np.where(nodes["role"] == "target", 1.0, np.where(
        (nodes["role"] == "upstream") | ((nodes["role"] == "both") & upstream_side), 0.0, 2.0))
    pos: dict[str, tuple[float, float]] = {}
    for side in (0.0, 1.0, 2.0):
        members = nodes.index[column == side]
        ordered = strength[members].sort_values(ascending=False, kind="stable").index
        ys = np.linspace(1.0, -1.0, len(ordered)) if len(ordered) > 1 else np.zeros(len(ordered))
        pos.update({nodes.at[i, "id"]: (side, float(y)) for i, y in zip(ordered, ys)})
    fig = go.Figure()
    widest = max(float(chain.edges["coefficient"].max()), 1e-12) if len(chain.edges) else 1.0
    for edge in chain.edges.to_dict("records"):
        (x0, y0), (x1, y1) = pos[edge["from"]], pos[edge["to"]]
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="text", showlegend=False,
                                 text=f"{edge['from']} → {edge['to']}: {t('chain.edge.' + edge['edge'])} "
                                      f"{edge['coefficient']:.4f}",
                                 line=dict(width=0.5 + 6.0 * edge["coefficient"] / widest,
                                           color="rgba(120,120,120,0.45)")))
    biggest = max(float(strength.max()), 1e-12)
    legend_done: set[str] = set()
    for node, strength_value in zip(nodes.itertuples(index=False), strength):
        kind = "target" if node.role == "target" else (node.candidate.split(",")[0] if node.candidate else "")
        label = (names or {}).get(node.sector, node.sector_name)
        hover = (f"{node.id} {label}<br>{t('chain.role.' + node.role)}"
                 + (f"<br>{t('total_requirement')}: {node.total_requirement:.4f}"
                    if np.isfinite(node.total_requirement) else "")
                 + (f"<br>{t('total_forward')}: {node.total_forward:.4f}" if np.isfinite(node.total_forward) else "")
                 + (f"<br>LQ {node.location_quotient:.2f}" if np.isfinite(node.location_quotient) else "")
                 + (f"<br>{', '.join(t('chain.' + k) for k in node.candidate.split(','))}" if node.candidate else ""))
        legend = t("chain.role.target") if kind == "target" else (t(f"chain.{kind}") if kind else
                                                                  t(f"chain.role.{node.role}"))
        x, y = pos[node.id]
        fig.add_trace(go.Scatter(
            x=[x], y=[y], mode="markers+text", text=[f"{node.region} {label}"[:40]],
            textposition="middle left" if x == 0.0 else "middle right", hovertext=[hover], hoverinfo="text",
            name=legend, legendgroup=legend, showlegend=legend not in legend_done,
            marker=dict(size=22 if kind == "target" else 8 + 22 * np.sqrt(strength_value / biggest),
                        color=COLOURS[kind], line=dict(width=1, color="white"))))
        legend_done.add(legend)
    target = nodes.loc[nodes["role"] == "target"].iloc[0]
    title = f"{target['region']} {(names or {}).get(target['sector'], target['sector_name'])}"
    fig.update_layout(template="plotly_white", title=title, height=max(480, 36 * len(nodes)),
                      xaxis=dict(visible=False, range=[-0.9, 2.9]), yaxis=dict(visible=False),
                      margin=dict(l=20, r=20, t=60, b=20), legend=dict(orientation="h", y=-0.02))
    return fig


def write_chain(chain: ChainMap, folder, *, formats: Sequence[str] = CHAIN_FORMATS, lang: str = "en",
                include_plotlyjs: bool | str = True) -> dict[str, Path]:
    """Export the chain map into ``folder``: ``nodes.csv`` and ``edges.csv`` (provenance sidecars), ``chain.xlsx``
    (nodes, edges, upstream, downstream, sectors, candidates, provenance) and ``chain.html`` (the interactive
    network; ``include_plotlyjs='cdn'`` keeps the file small)."""
    unknown = [f for f in formats if f not in CHAIN_FORMATS]
    if unknown:
        raise OptionError(f"unknown chain export format(s) {unknown}; formats are {list(CHAIN_FORMATS)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if "csv" in formats:
        written["nodes"] = write_result(chain.nodes, folder / "nodes.csv")
        written["edges"] = write_result(chain.edges, folder / "edges.csv")
    if "xlsx" in formats:
        path = folder / "chain.xlsx"
        sheets = {"nodes": chain.nodes, "edges": chain.edges, "upstream": chain.upstream,
                  "downstream": chain.downstream, "sectors": chain.sectors, "candidates": chain.candidates}
        provenance = pd.DataFrame({"key": ["method", "source", "citation", "unit", "options"],
                                   "value": [str(chain.nodes.attrs.get(k, "")) for k in
                                             ("method", "source", "citation", "unit", "options")]})
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, frame in sheets.items():
                frame.to_excel(xw, sheet_name=name, index=False)
            provenance.to_excel(xw, sheet_name="provenance", index=False)
        written["xlsx"] = path
    if "html" in formats:
        path = folder / "chain.html"
        chain_figure(chain, lang=lang).write_html(path, include_plotlyjs=include_plotlyjs, full_html=True)
        written["html"] = path
    return written


__all__ = ["CANDIDATE_KINDS", "ChainMap", "chain_figure", "chain_map", "location_quotients", "write_chain"]
