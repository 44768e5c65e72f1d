"""Chain map of a key industry (产业链上下游配套网络; POLICY_SYSTEMS.md 2.2, METHODS.md 1.2-1.5): the target
sector's upstream suppliers and downstream users, the economy's location quotients and the candidates to fill,
extend or strengthen the chain, each with its reason; computed by ``chain.chain_map`` and drawn as an interactive
network by ``chain.chain_figure``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import labels
from ...measures import chain
from ...measures.result import tidy
from . import Panel, PageContext, Param, View, page

labels.register({
    "web.chain.network": ("Chain network of the target sector", "目标产业的产业链网络"),
    "web.chain.candidates": ("Candidates to fill, extend or strengthen the chain, with reasons",
                             "补链、延链、强链候选及理由"),
    "web.chain.upstream": ("Upstream suppliers ranked by total requirement", "按完全消耗系数排序的上游供应方"),
    "web.chain.downstream": ("Downstream users ranked by total forward linkage", "按完全分配系数排序的下游使用方"),
    "web.param.chain_sector": ("Target sector", "目标产业"),
    "web.param.chain_top": ("Suppliers and users in the network", "网络中的上下游节点数"),
    "web.param.lq_basis": ("Location quotient of", "区位商口径"),
    "web.param.lq_basis.output": ("gross output", "总产出"),
    "web.param.lq_basis.va": ("value added", "增加值"),
    "web.step.chain": ("chain map", "产业链图谱"),
    "web.chain.reason_zh": ("Reason (Chinese)", "理由（中文）"),
})
HEADERS = {"id": "chain.col.id", "role": "chain.col.role", "candidate": "chain.col.kind", "kind": "chain.col.kind",
           "reason": "chain.col.reason", "reason_zh": "web.chain.reason_zh"}
#: rows of the ranked supplier and user lists kept (the network shows ``top`` of them)
LISTED = 50


def _largest_sector(table, economy: str | None) -> str:
    """The economy's sector with the largest gross output (the default target)."""
    r = table.region_index(economy) if economy is not None else 0
    return table.sectors[int(np.argmax(table.x.reshape(table.G, table.N)[r]))]


def _listed(frame: pd.DataFrame, chain_map) -> pd.DataFrame:
    return tidy(frame.head(LISTED).reset_index(drop=True), method=chain_map.nodes.attrs.get("method", ""),
                unit=None, options=chain_map.nodes.attrs.get("options", {}))


@page("chain", order=60, title=("Chain map", "产业链图谱"),
      intro=("Where a key industry of the economy buys and sells through the whole table: suppliers by total "
             "requirement (L − I), users by total forward linkage (Ghosh, read as an accounting of where output "
             "goes), location quotients, and candidates to fill (补链), extend (延链) or strengthen (强链) the chain "
             "(POLICY_SYSTEMS.md 2.2).",
             "本经济体某关键产业在全表中的购销关系：按完全消耗系数（L − I）排列的上游供应方、按完全分配系数"
             "（Ghosh，视为产出去向的核算）排列的下游使用方、区位商，以及补链、延链、强链候选"
             "（POLICY_SYSTEMS.md 2.2）。"),
      params=(Param("sector", "web.param.chain_sector", "sector", default=_largest_sector),
              Param("top", "web.param.chain_top", "number", default=12, minimum=3, maximum=30, step=1),
              Param("lq_basis", "web.param.lq_basis", "choice", default="output", choices=chain.LQ_BASES)))
def chain_page(ctx: PageContext) -> list[Panel]:
    table, economy, p = ctx.table, ctx.economy, ctx.params
    ctx.progress("web.step.chain", 0, 1)
    chain_map = chain.chain_map(table, p["sector"], economy, top=int(p["top"]), lq_basis=p["lq_basis"])
    ctx.progress("web.step.chain", 1, 1)

    def network_figure(view: View):
        names = {s: view.sector(s) for s in table.sectors}
        return chain.chain_figure(chain_map, lang=view.lang, names=names)

    nodes = chain_map.nodes.drop(columns=["sector_name"], errors="ignore")
    candidates = chain_map.candidates.drop(columns=["sector_name"], errors="ignore")
    return [Panel("network", "web.chain.network", nodes, network_figure,
                  translate={"role": "chain.role.", "candidate": "chain."},
                  names={"region": "region", "sector": "sector"}, headers=HEADERS),
            Panel("candidates", "web.chain.candidates", candidates, translate={"kind": "chain."},
                  names={"sector": "sector"}, headers=HEADERS),
            Panel("upstream", "web.chain.upstream", _listed(chain_map.upstream, chain_map),
                  names={"region": "region", "sector": "sector"}),
            Panel("downstream", "web.chain.downstream", _listed(chain_map.downstream, chain_map),
                  names={"region": "region", "sector": "sector"})]
