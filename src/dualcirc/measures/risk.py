"""Supply-chain risk (METHODS.md section 6): import dependence, supplier concentration, chokepoints, supply-shock
propagation and the inoperability input-output model.

* 6.1 import dependence: direct shares of each source in the use of each product (cell or country level, with or
  without final use), the overall foreign input share of each cell, embodied dependence (Phi, phi^F or the import
  content a^M'L of national tables, from :mod:`.core`) and look-through reliance TR_{k->s} (Baldwin, Freeman &
  Theodorakopoulos 2022);
* 6.2 supplier concentration: HHI, normalised HHI*, effective number of suppliers, top-1 share, the global
  export-market concentration of each product and import-weighted aggregates;
* 6.3 chokepoint score: dependence D, concentration H, low substitutability S (options a/b/c) and criticality C
  (forward-HEM GDP loss), their weighted geometric mean (or rank average) and EC-style flags (D18);
* 6.4 supply shocks: cut the supply of products from a source country or bloc to importers by theta, in four
  models -- demand-driven Leontief, supply-driven Ghosh (Woodbury), the mixed exogenous/endogenous bottleneck model
  iterated to a fixed point, and backward hypothetical extraction;
* 6.5 IIM: demand-reduction, supply-side and dynamic inoperability with resilience.

Sources of a product are the regions of the table plus, for tables whose imports lie outside the model (national
tables, national MRIOs), one foreign source :data:`IMPORTS` (the imported rows Zm, Ym).  "Foreign" means "another
region of the table or imports"; for a provincial MRIO it therefore includes the other provinces.

**Ghosh caveat** (METHODS.md 1.3, D17): the supply-driven quantity model assumes that users absorb whatever is
allocated to them, with no substitution and proportional rationing.  Oosterhaven (1988) shows that it is implausible
as a quantity model; Dietzenbacher (1997) vindicates it as a cost-push price model.  Its losses (criticality C and
the ``ghosh`` shock model) are an upper bound of forward propagation, not a forecast; the mixed model is the
alternative.  Every result that uses it carries this caveat in ``attrs['caveat']``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import yaml

from .. import labels
from ..engine.leontief import Engine, safe_divide
from ..errors import InputError, OptionError, ReaderError, TableWarning
from ..tables.groups import group_members, group_names
from ..tables.model import IOTable
from . import core
from .result import tidy

#: the foreign source of tables whose imports lie outside the model (Zm, Ym)
IMPORTS = "IMPORTS"
#: user_sector of country-level rows, product of import-weighted aggregates
ALL = "ALL"
#: source of rows that sum every foreign source
FOREIGN = "FOREIGN"

GHOSH_CAVEAT = ("Ghosh supply-driven quantities assume users absorb whatever is allocated, with no substitution and "
                "proportional rationing: implausible as a quantity model (Oosterhaven 1988), valid as a cost-push "
                "price model (Dietzenbacher 1997). Read the losses as an upper bound of forward propagation "
                "(METHODS.md 1.3, 6.4; D17).")

COMPONENTS = ("dependence", "concentration", "substitutability", "criticality")
SUBSTITUTABILITY = ("a", "b", "c")
COMPOSITES = ("geometric", "rank")
#: EC-style screen (METHODS.md 6.3; European Commission 2021, SWD(2021) 352 -- thresholds to be verified) and the
#: operationalisation of the "sensitive dependence" of 王有鑫 & 孙可昕 (2023): concentrated imports and domestic
#: output below domestic use
DEFAULT_THRESHOLDS = {"hhi": 0.4, "import_share": 0.5, "ec_ratio": 1.0, "self_sufficiency": 1.0}
SHOCK_MODELS = ("demand", "ghosh", "mixed", "hem")
SHOCK_KEYS = ("name", "source", "products", "theta", "model", "importer")

labels.register({
    # columns
    "importer": ("Importer", "进口方"),
    "user_sector": ("Using sector", "使用部门"),
    "product": ("Product", "产品"),
    "top_source": ("Largest source", "最大来源地"),
    "direction": ("Direction", "方向"),
    "shock": ("Shock", "冲击情景"),
    "model": ("Model", "模型"),
    "step": ("Step", "期数"),
    # sources
    IMPORTS: ("Imports (outside the table)", "进口（表外）"),
    ALL: ("All", "全部"),
    FOREIGN: ("All foreign sources", "全部国外来源"),
    # 6.1
    "import_use": ("Use of the product from the source", "来自该来源的产品使用量"),
    "total_use": ("Total use of the product", "产品使用总量"),
    "foreign_use": ("Use of the product from foreign sources", "来自国外的产品使用量"),
    "source_share": ("Share of the source in the use of the product (d)", "来源地占产品使用的比重（d）"),
    "foreign_share": ("Foreign share of the use of the product (fd)", "产品使用的国外比重（fd）"),
    "foreign_input_share": ("Foreign share of all intermediate inputs", "中间投入的国外比重"),
    "look_through_reliance": ("Look-through reliance: output of the source required per unit of output (TR)",
                              "穿透依赖度：单位产出所需来源地的完全产出（TR）"),
    "import_requirement": ("Imports required, directly and indirectly, per unit of output",
                           "单位产出直接和间接所需进口"),
    # 6.2
    "hhi": ("Herfindahl-Hirschman index of sources (HHI)", "来源地赫芬达尔-赫希曼指数（HHI）"),
    "hhi_normalised": ("Normalised HHI (HHI*)", "标准化 HHI（HHI*）"),
    "effective_suppliers": ("Effective number of suppliers (1/HHI)", "有效供应方数量（1/HHI）"),
    "top1_share": ("Share of the largest source", "最大来源地份额"),
    "suppliers": ("Number of sources with positive supply", "正供应来源地数量"),
    # 6.3
    "dependence": ("Dependence D (share of the use supplied by the source)", "依赖度 D（来源地供应占使用的比重）"),
    "concentration": ("Concentration H (normalised HHI)", "集中度 H（标准化 HHI）"),
    "substitutability": ("Low substitutability S", "低可替代性 S"),
    "criticality": ("Criticality C (scaled GDP loss if cut)", "关键性 C（断供 GDP 损失，标准化）"),
    "chokepoint_score": ("Chokepoint score CP", "卡脖子综合得分 CP"),
    "self_sufficiency": ("Self-sufficiency (output / use)", "自给率（产出/使用）"),
    "world_export_share": ("Share of the source in world exports of the product", "来源地占该产品世界出口份额"),
    "ec_ratio": ("Imports / exports of the product (EC ratio)", "产品进口/出口（欧盟比率）"),
    "import_share_of_demand": ("Import share of the use of the product", "产品使用中的进口比重"),
    "criticality_gdp_loss_share": ("GDP loss of the importer if the supply is cut, share of its GDP",
                                   "断供时进口方 GDP 损失占其 GDP 比重"),
    "flag_strategic_dependency": ("EC-style strategic dependency flag (1 = flagged)", "欧盟式战略依赖标记（1 = 是）"),
    "flag_sensitive_dependence": ("Sensitive dependence flag (concentrated, weak self-sufficiency)",
                                  "敏感依赖标记（集中且自给不足）"),
    "rank": ("Rank", "排名"),
    "risk.direction.higher_riskier": ("higher = riskier", "越高风险越大"),
    "risk.direction.lower_riskier": ("lower = riskier", "越低风险越大"),
    "risk.direction.flag": ("1 = flagged", "1 = 触发"),
    "risk.direction.rank": ("1 = most critical", "1 = 最关键"),
    # 6.4
    "shock_demand": ("Demand-driven (Leontief): final purchases cut", "需求驱动（Leontief）：最终购买削减"),
    "shock_ghosh": ("Supply-driven (Ghosh) forward partial extraction", "供给驱动（Ghosh）前向部分抽取"),
    "shock_mixed": ("Mixed model: input bottleneck, no substitution", "混合模型：投入瓶颈、无替代"),
    "shock_hem": ("Backward hypothetical extraction of the flows", "流量的后向假设抽取"),
    "employment_loss": ("Employment loss", "就业损失"),
    "final_demand_loss": ("Final-demand loss implied by constrained output", "受约束产出隐含的最终需求损失"),
    "gdp_loss_share": ("GDP loss as a share of the region's GDP", "GDP 损失占本地区 GDP 比重"),
    "constrained_cells": ("Cells with constrained output (mixed model)", "产出受约束的部门数（混合模型）"),
    "rounds": ("Rounds to the fixed point (mixed model)", "达到不动点的迭代轮数（混合模型）"),
    "risk.region.total": ("All regions", "所有地区"),
    # 6.5
    "inoperability": ("Inoperability q (fractional output loss)", "不可运行度 q（产出损失比例）"),
    "inoperability_clipped": ("Inoperability clipped to [0, 1] for reporting", "不可运行度（截取至 [0, 1]）"),
    "economic_loss": ("Economic loss (x q)", "经济损失（x q）"),
    "cumulative_economic_loss": ("Cumulative economic loss over the path", "路径累计经济损失"),
    "resilience": ("Resilience coefficient k", "恢复力系数 k"),
})

DIRECTIONS = {
    "dependence": "risk.direction.higher_riskier", "concentration": "risk.direction.higher_riskier",
    "substitutability": "risk.direction.higher_riskier", "criticality": "risk.direction.higher_riskier",
    "chokepoint_score": "risk.direction.higher_riskier", "criticality_gdp_loss_share": "risk.direction.higher_riskier",
    "import_share_of_demand": "risk.direction.higher_riskier", "hhi": "risk.direction.higher_riskier",
    "self_sufficiency": "risk.direction.lower_riskier", "world_export_share": "risk.direction.higher_riskier",
    "ec_ratio": "risk.direction.higher_riskier", "flag_strategic_dependency": "risk.direction.flag",
    "flag_sensitive_dependence": "risk.direction.flag", "rank": "risk.direction.rank",
}


# ---------------------------------------------------------------------------------------------- helpers
_engine, _choice = core._engine, core._choice


def sources(table: IOTable) -> tuple[str, ...]:
    """Source labels of a table: its regions, then :data:`IMPORTS` when imports lie outside the model."""
    return table.regions + ((IMPORTS,) if table.Zm is not None else ())


def _intermediate_use(table: IOTable) -> np.ndarray:
    """U[k, i, q]: purchases of product i from source k by user cell q (K x N x n)."""
    U = table.Z.reshape(table.G, table.N, table.n)
    return np.concatenate([U, table.Zm[None]], axis=0) if table.Zm is not None else U


def _final_use(table: IOTable) -> np.ndarray:
    """F[k, i, s]: final purchases of product i from source k by region s (K x N x G)."""
    F = table.Y2.reshape(table.G, table.N, table.G)
    return np.concatenate([F, table.Ym.sum(2)[None]], axis=0) if table.Ym is not None else F


def _country_use(table: IOTable, include_final: bool) -> np.ndarray:
    """Use of product i from source k by all users in region s (K x N x G), optionally with final use."""
    K = len(sources(table))
    use = _intermediate_use(table).reshape(K, table.N, table.G, table.N).sum(3)
    return use + _final_use(table) if include_final else use


def _foreign(table: IOTable) -> np.ndarray:
    """foreign[k, s]: source k lies outside region s (K x G); IMPORTS is foreign to every region."""
    f = np.ones((len(sources(table)), table.G), dtype=bool)
    f[np.arange(table.G), np.arange(table.G)] = False
    return f


def _importer_indices(table: IOTable, importers: Sequence[str] | str | None) -> list[int]:
    if importers is None:
        return list(range(table.G))
    return [table.region_index(r) for r in ([importers] if isinstance(importers, str) else importers)]


def _use_by_level(table: IOTable, idx: list[int], level: str, include_final: bool
                  ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Use of each product from each source by the importers ``idx``: (importer, user, product, source) with the
    user axis the importer's sectors (``level='cell'``) or one ``ALL`` (country level, optionally with final use)."""
    _choice("level", level, ("country", "cell"))
    if include_final and level == "cell":
        raise OptionError("include_final applies at level='country' (final purchases have no using cell)")
    if level == "country":
        return _country_use(table, include_final)[:, :, idx].transpose(2, 1, 0)[:, None], (ALL,)
    K = len(sources(table))
    use = _intermediate_use(table).reshape(K, table.N, table.G, table.N)[:, :, idx].transpose(2, 3, 1, 0)
    return use, table.sectors


def _long(axes: Mapping[str, Sequence], values: Mapping[str, np.ndarray], keep: np.ndarray | None = None,
          **constants) -> pd.DataFrame:
    """Long rows of arrays shaped like the product of ``axes`` (C order): the axis columns, ``constants``,
    ``indicator`` and ``value``; ``keep`` (same shape, boolean) selects the rows."""
    shape = tuple(len(labels_) for labels_ in axes.values())
    grid = np.indices(shape).reshape(len(shape), -1)
    rows = np.flatnonzero(keep.reshape(-1)) if keep is not None else np.arange(grid.shape[1])
    repeat = len(values)
    data = {name: np.tile(np.asarray(list(labels_), dtype=object)[grid[a, rows]], repeat)
            for a, (name, labels_) in enumerate(axes.items())}
    data.update({column: np.full(rows.size * repeat, constant) for column, constant in constants.items()})
    data["indicator"] = np.repeat(np.asarray(list(values), dtype=object), rows.size)
    data["value"] = np.concatenate([np.broadcast_to(np.asarray(arr, dtype=float), shape).reshape(-1)[rows]
                                    for arr in values.values()]) if values else np.zeros(0)
    return pd.DataFrame(data)


def _cell_vector(table: IOTable, values, what: str) -> np.ndarray:
    """An n-vector from an array or a Series indexed by (region, sector) (missing cells are 0)."""
    if isinstance(values, pd.Series):
        unknown = [key for key in values.index if key not in table.cells]
        if unknown:
            raise InputError(f"{what}: unknown (region, sector) cells {unknown[:5]}; cells are "
                             f"{list(table.cells[:3])} ...")
        return values.reindex(table.cells, fill_value=0.0).to_numpy(float)
    arr = np.asarray(values, dtype=float)
    if arr.shape != (table.n,):
        raise InputError(f"{what} has shape {arr.shape}; expected ({table.n},) in the table's cell order "
                         "(region-major) or a Series indexed by (region, sector)")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{what} contains NaN or inf")
    return arr


def _warn_negative_va(table: IOTable, what: str) -> None:
    if np.any(table.va < 0):
        warnings.warn(f"{what}: value added is negative in {int((table.va < 0).sum())} cell(s); Ghosh (supply-"
                      "driven) losses are unreliable there (METHODS.md 6.4)", TableWarning, stacklevel=3)


# ---------------------------------------------------------------------------------------------- 6.1 dependence
def import_dependence(table: IOTable, *, importers: Sequence[str] | str | None = None, level: str = "country",
                      include_final: bool = False) -> pd.DataFrame:
    """Direct import dependence by product and source (METHODS.md 6.1).

    ``level='cell'``: for each user cell q of an importer s, the use of product i from each source k
    (``import_use``), the source share d_{k,i,q} = Z_(k,i),q / sum_k' Z_(k',i),q and the foreign share fd_{i,q}
    (rows with source ``FOREIGN``).  ``level='country'`` sums the users of s (``user_sector`` = ``ALL``) and, with
    ``include_final``, adds final purchases Y_(k,i),s.  Zero use gives NaN shares: "not used" is not "not
    dependent".  Re-exports inflate apparent dependence (imports passing through a region count as its use).
    """
    idx = _importer_indices(table, importers)
    srcs = sources(table)
    use, users = _use_by_level(table, idx, level, include_final)
    total = use.sum(-1)
    foreign = _foreign(table)[:, idx].T[:, None, None, :]
    foreign_use = (use * foreign).sum(-1)
    axes = {"importer": [table.regions[s] for s in idx], "user_sector": users, "product": table.sectors}
    by_source = _long({**axes, "source": srcs}, {"import_use": use, "source_share": safe_divide(use, total[..., None])})
    aggregate = pd.concat([
        _long(axes, {"foreign_use": foreign_use, "foreign_share": safe_divide(foreign_use, total)}, source=FOREIGN),
        _long(axes, {"total_use": total}, source=ALL)], ignore_index=True)
    df = pd.concat([by_source, aggregate[by_source.columns]], ignore_index=True)
    return tidy(df, method="direct import dependence by product and source (METHODS.md 6.1)", table=table,
                unit=f"{table.meta.unit} (use) and ratio (shares)",
                options={"level": level, "include_final": include_final, "importers": list(axes["importer"])})


def foreign_input_share(table: IOTable) -> pd.DataFrame:
    """Overall foreign input share of every cell: sum_{k != s, i} Z_(k,i),q / sum_p Z_pq, imports Zm counted as
    foreign (METHODS.md 6.1); NaN where a cell buys no intermediate inputs."""
    use = _intermediate_use(table)  # K, N, n
    foreign = _foreign(table)[:, table.region_of_cell]  # K, n
    share = safe_divide((use.sum(1) * foreign).sum(0), use.sum((0, 1)))
    df = core._cell_block(table, "foreign_input_share", share)
    return tidy(df, method="overall foreign input share (METHODS.md 6.1)", table=table, unit="ratio")


def look_through_reliance(table: IOTable, *, engine: Engine | None = None) -> pd.DataFrame:
    """Look-through reliance TR_{k->s} = sum_{p in k} sum_{q in s} (LA)_pq x_q / sum_{q in s} x_q (METHODS.md 6.1,
    after Baldwin, Freeman & Theodorakopoulos 2022): gross output of k required, directly and indirectly, per unit
    of s's gross output.  As LA = L - I, the numerator is D'(L - I) x-hat D: one solve with G right-hand sides.
    Tables with imports outside the model add the source IMPORTS: a^M'L x-hat D per unit of output."""
    e = _engine(table, engine)
    D = core._region_indicator(table)
    xD = table.x[:, None] * D
    LxD = e.solve(xD)
    required = D.T @ (LxD - xD)  # G x G: source k (rows) for region s (columns)
    if e.Am is not None:
        required = np.vstack([required, (e.Am @ LxD).sum(0)])
    reliance = safe_divide(required, (D.T @ table.x)[None, :])
    df = _long({"source": sources(table), "importer": table.regions}, {"look_through_reliance": reliance})
    return tidy(df[["importer", "source", "indicator", "value"]],
                method="look-through reliance TR (METHODS.md 6.1; Baldwin, Freeman & Theodorakopoulos 2022)",
                table=table, unit=f"{table.meta.unit} of the source's output per {table.meta.unit} of output",
                options={"normalisation": "per unit of the importer's gross output; own region included"})


def embodied_dependence(table: IOTable, *, engine: Engine | None = None) -> pd.DataFrame:
    """Embodied (total) dependence (METHODS.md 6.1): for inter-country tables the VA of every origin region per unit
    of final output (Phi) and the domestic and foreign contents phi^D, phi^F (sum_k Phi_kq = 1, phi^D + phi^F = 1);
    for tables with imports outside the model, the total import requirement a^M'L (a^M'L^D for a national table)."""
    e = _engine(table, engine)
    if table.has_open_foreign_sector:
        parts = [core.import_content(table, engine=e)]
    else:
        parts = [core.value_added_by_origin(table, engine=e), core.value_added_multipliers(table, engine=e)]
    df = pd.concat(parts, ignore_index=True)
    return tidy(df, method="embodied dependence: Phi, phi^D, phi^F or a^M'L (METHODS.md 6.1, 0.4, 1.7)",
                table=table, unit=f"{table.meta.unit} per {table.meta.unit} of final demand")


# ---------------------------------------------------------------------------------------------- 6.2 concentration
@dataclass(frozen=True)
class _Concentration:
    hhi: np.ndarray
    hhi_normalised: np.ndarray
    effective: np.ndarray
    top1: np.ndarray
    suppliers: np.ndarray
    top_index: np.ndarray
    volume: np.ndarray


def _concentration(flows: np.ndarray, counted: np.ndarray) -> _Concentration:
    """HHI statistics over the last axis of ``flows`` (sources), counting the sources where ``counted`` and their
    positive supply only.  No supply gives NaN; a single supplier gives HHI = HHI* = 1 (METHODS.md 6.2)."""
    f = np.where(counted, np.clip(flows, 0.0, None), 0.0)
    volume = f.sum(-1)
    sigma = safe_divide(f, volume[..., None])
    hhi = (sigma ** 2).sum(-1)
    k = (f > 0).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        star = np.where(k > 1, (hhi - 1.0 / k) / (1.0 - 1.0 / np.maximum(k, 2)), np.where(k == 1, 1.0, np.nan))
    return _Concentration(hhi=hhi, hhi_normalised=star, effective=safe_divide(np.ones_like(hhi), hhi),
                          top1=sigma.max(-1), suppliers=k.astype(float), top_index=f.argmax(-1), volume=volume)


def _concentration_frame(axes: Mapping[str, Sequence], c: _Concentration, source_labels: Sequence[str]
                         ) -> pd.DataFrame:
    top = np.where(c.volume > 0, np.asarray(source_labels, dtype=object)[c.top_index], "")
    values = {"hhi": c.hhi, "hhi_normalised": c.hhi_normalised, "effective_suppliers": c.effective,
              "top1_share": c.top1, "suppliers": c.suppliers}
    df = _long(axes, values)
    df.insert(len(axes), "top_source", np.tile(top.reshape(-1), len(values)))
    return df


def supplier_concentration(table: IOTable, *, importers: Sequence[str] | str | None = None,
                           level: str = "country", include_domestic: bool = False,
                           include_final: bool = False) -> pd.DataFrame:
    """Supplier concentration of each product used by each importer (METHODS.md 6.2).

    Foreign-only source shares sigma_k (``include_domestic`` adds the own region), HHI = sum sigma^2, normalised
    HHI* = (HHI - 1/K)/(1 - 1/K) (1 when K = 1, by convention), effective number 1/HHI, top-1 share and its source
    (``top_source``).  ``level='cell'`` uses each user cell's purchases.  Rows with product ``ALL`` aggregate over
    products weighted by the counted use (import value).  No supply gives NaN.
    """
    idx = _importer_indices(table, importers)
    srcs = sources(table)
    use, users = _use_by_level(table, idx, level, include_final)
    counted = np.ones((len(idx), len(srcs)), dtype=bool) if include_domestic else _foreign(table)[:, idx].T
    c = _concentration(use, counted[:, None, None, :])
    axes = {"importer": [table.regions[s] for s in idx], "user_sector": users, "product": table.sectors}
    per_product = _concentration_frame(axes, c, srcs)
    weight = np.where(np.isfinite(c.hhi), c.volume, 0.0)
    weighted = {name: safe_divide(np.nansum(weight * arr, -1), weight.sum(-1))[..., None]
                for name, arr in (("hhi", c.hhi), ("hhi_normalised", c.hhi_normalised), ("top1_share", c.top1))}
    aggregate = _long({**{k: v for k, v in axes.items() if k != "product"}, "product": (ALL,)}, weighted)
    aggregate.insert(3, "top_source", "")
    df = pd.concat([per_product, aggregate], ignore_index=True)
    return tidy(df, method="supplier concentration HHI (METHODS.md 6.2)", table=table, unit="index",
                options={"level": level, "include_domestic": include_domestic, "include_final": include_final,
                         "aggregate": "product ALL: weighted by the counted use (import value)",
                         "single_supplier": "HHI* = 1 by convention"})


def _exports_by_cell(table: IOTable) -> np.ndarray:
    """Gross exports e of every cell: sales to other regions (intermediate and final) plus exports outside the
    table (METHODS.md 0.4)."""
    G, N, n = table.G, table.N, table.n
    E = table.Z.reshape(n, G, N).sum(2) + table.Y2
    E[np.arange(n), table.region_of_cell] = 0.0
    e = E.sum(1)
    return e + table.exports if table.exports is not None else e


def global_export_concentration(table: IOTable) -> pd.DataFrame:
    """Concentration of each product on the world export market: the HHI statistics of METHODS.md 6.2 on the
    exporters' gross exports sum_{r != k} E_(k,i),r.  Needs an inter-regional table (G > 1)."""
    if table.G < 2:
        raise OptionError("global export concentration needs a table with several exporting regions; a national "
                          "table has one exporter")
    flows = _exports_by_cell(table).reshape(table.G, table.N).T  # product x exporter
    c = _concentration(flows, np.ones_like(flows, dtype=bool))
    df = _concentration_frame({"product": table.sectors}, c, table.regions)
    return tidy(df, method="global export-market concentration (METHODS.md 6.2)", table=table, unit="index",
                options={"single_supplier": "HHI* = 1 by convention"})


# ---------------------------------------------------------------------------------------------- 6.3 chokepoints
def _ghosh_rows(e: Engine, cells: np.ndarray) -> np.ndarray:
    """Rows of the Ghosh inverse for ``cells`` (|cells| x n), by transposed solves."""
    E = np.zeros((e.table.n, cells.size))
    E[cells, np.arange(cells.size)] = 1.0
    return e.ghosh_solve_T(E).T


def _criticality_loss(table: IOTable, e: Engine, s: int, by_user: bool) -> np.ndarray:
    """GDP loss of region s when each source cell's supply to s (or to each user cell of s) is cut completely:
    the rank-1 forward (Ghosh) extraction of METHODS.md 1.6 / 6.4(b), all candidates at once.

    With delta = B_(p,Q) (Q = cells of s), loss_s = x_p delta'(G w)_Q / (1 + delta'G_(Q,p)), w = v on s's cells.
    Imported products (a primary input of the Ghosh model) lose Zm_(i,Q)'(G w)_Q without a Woodbury term.
    Returns (K, N) or (K, N, N users) in the table's unit.
    """
    G, N, x = table.G, table.N, table.x
    Q = np.arange(s * N, (s + 1) * N)
    w = np.zeros(table.n)
    w[Q] = e.v[Q]
    Gw = e.ghosh_solve(w)[Q]  # (G w)_q, q in Q
    GQ = _ghosh_rows(e, Q)  # G_(Q, :)
    BQ = e.B[:, Q]  # n x |Q|
    if by_user:
        loss = x[:, None] * BQ * Gw[None, :] / (1.0 + BQ * GQ.T)
        out = loss.reshape(G, N, N)
        if e.Am is not None:
            out = np.concatenate([out, (table.Zm[:, Q] * Gw[None, :])[None]], axis=0)
    else:
        alpha = np.einsum("pj,jp->p", BQ, GQ)
        out = (x * (BQ @ Gw) / (1.0 + alpha)).reshape(G, N)
        if e.Am is not None:
            out = np.vstack([out, table.Zm[:, Q] @ Gw])
    return out


def _min_max(values: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """Min-max scaling over the candidates; with no spread, 1 where the value is positive and 0 otherwise."""
    out = np.full(values.shape, np.nan)
    finite = candidate & np.isfinite(values)
    if not finite.any():
        return out
    lo, hi = values[finite].min(), values[finite].max()
    out[finite] = (values[finite] - lo) / (hi - lo) if hi > lo else (values[finite] > 0).astype(float)
    return out


def _composite(comps: Mapping[str, np.ndarray], weights: Mapping[str, float], how: str,
               candidate: np.ndarray) -> np.ndarray:
    """Weighted geometric mean of the components (NaN propagates; 0 if any component is 0), or the weighted mean
    of their percentile ranks across the candidates (METHODS.md 6.3)."""
    used = [(name, float(w)) for name, w in weights.items() if w > 0]
    total = sum(w for _, w in used)
    if how == "geometric":
        with np.errstate(divide="ignore"):
            logs = sum(w * np.log(comps[name]) for name, w in used)
        return np.where(candidate, np.exp(logs / total), np.nan)
    score = np.zeros(candidate.shape)
    for name, w in used:
        ranks = pd.Series(np.where(candidate, comps[name], np.nan).reshape(-1)).rank(pct=True).to_numpy()
        score = score + w * ranks.reshape(candidate.shape)
    return np.where(candidate, score / total, np.nan)


def _weights(weights: Mapping[str, float] | None, identified_h: bool) -> dict[str, float]:
    out = {name: 1.0 for name in COMPONENTS}
    if not identified_h:
        out["concentration"] = 0.0
    if weights is not None:
        unknown = sorted(set(weights) - set(COMPONENTS))
        if unknown:
            raise OptionError(f"unknown chokepoint component(s) {unknown}; components are {list(COMPONENTS)}")
        out.update({k: float(v) for k, v in weights.items()})
    if any(w < 0 for w in out.values()) or sum(out.values()) <= 0:
        raise OptionError(f"chokepoint weights must be >= 0 with a positive sum, not {out}")
    if not identified_h and out["concentration"] > 0:
        raise OptionError("concentration H is not identified: this table has a single foreign source of every "
                          "product (imports outside the model), so give concentration weight 0")
    return out


def chokepoints(table: IOTable, economy: str | None = None, *, substitutability: str = "a",
                concentration: str = "importer", weights: Mapping[str, float] | None = None,
                composite: str = "geometric", thresholds: Mapping[str, float] | None = None, by_user: bool = False,
                include_final: bool = True, engine: Engine | None = None) -> pd.DataFrame:
    """Chokepoint (卡脖子) screen of the products an economy buys from each foreign source (METHODS.md 6.3, D18).

    Candidates are (source k, product i) with positive supply to ``economy`` s (with ``by_user``, to each user
    cell).  Components, each in [0, 1] and higher = riskier:

    * D = d_{k,i,s}, the share of s's use of i supplied by k (final use included unless ``include_final=False``);
    * H = HHI* of i's foreign sources for s (``concentration='importer'``) or of i's world exporters ('global');
      not identified when every product has one foreign source (national tables): weight 0 by default;
    * S: 'a' 1 - self-sufficiency (x_(s,i) / use of i in s, clipped); 'b' k's share of world exports of i;
      'c' the EC ratio min(1, (imports / exports of i by s) / 2);
    * C: GDP loss of s, as a share of its GDP, when k's supply of i to s is cut completely (forward Ghosh
      extraction, METHODS.md 1.6 / 6.4(b); see the Ghosh caveat), min-max scaled across candidates.

    CP is their weighted geometric mean (``composite='geometric'``; 0 when a component is 0, NaN propagated) or
    the weighted mean of percentile ranks ('rank').  Flags: EC-style strategic dependency (HHI > 0.4, import
    share of use > 0.5, imports/exports > 1; European Commission 2021, thresholds to be verified) and sensitive
    dependence (HHI > 0.4, self-sufficiency < 1; after 王有鑫 & 孙可昕 2023); NaN when HHI is not identified.
    Every row names its component's ``direction``.  Rank 1 = highest CP (within each user sector if ``by_user``).
    """
    _choice("substitutability", substitutability, SUBSTITUTABILITY)
    _choice("concentration", concentration, ("importer", "global"))
    _choice("composite", composite, COMPOSITES)
    if economy is None:
        if table.G != 1:
            raise OptionError(f"name the importing economy: one of {list(table.regions)}")
        economy = table.regions[0]
    s = table.region_index(economy)
    e = _engine(table, engine)
    _warn_negative_va(table, "chokepoint criticality")
    th = {**DEFAULT_THRESHOLDS, **dict(thresholds or {})}
    unknown = sorted(set(th) - set(DEFAULT_THRESHOLDS))
    if unknown:
        raise OptionError(f"unknown threshold(s) {unknown}; thresholds are {list(DEFAULT_THRESHOLDS)}")
    srcs = sources(table)
    foreign = _foreign(table)[:, s]
    identified_h = int(foreign.sum()) > 1
    w = _weights(weights, identified_h)

    country = _country_use(table, include_final)[:, :, s]  # K x N
    total = country.sum(0)
    imports = (country * foreign[:, None]).sum(0)
    conc = _concentration(country.T, foreign[None, :])  # per product, foreign sources
    exports_s = _exports_by_cell(table).reshape(table.G, table.N)[s]
    self_suff = safe_divide(table.x[s * table.N:(s + 1) * table.N], total)
    with np.errstate(divide="ignore", invalid="ignore"):
        ec_ratio = np.where(exports_s > 0, imports / np.where(exports_s > 0, exports_s, 1.0),
                            np.where(imports > 0, np.inf, np.nan))

    if by_user:
        use = _intermediate_use(table)[:, :, s * table.N:(s + 1) * table.N]  # K x N x Nu
        D_raw = safe_divide(use, use.sum(0)[None])
        user_conc = _concentration(use.transpose(1, 2, 0), foreign[None, None, :])
        H_importer = user_conc.hhi_normalised[None]  # 1 x N x Nu
        supplied = (use > 0) & foreign[:, None, None]
        expand = (slice(None), slice(None), None)
    else:
        D_raw = safe_divide(country, total[None])
        H_importer = conc.hhi_normalised[None]
        supplied = (country > 0) & foreign[:, None]
        expand = (slice(None), slice(None))

    if not identified_h:
        H = np.full(D_raw.shape, np.nan)
    elif concentration == "global":
        H = np.broadcast_to(_concentration_global_star(table)[None][expand], D_raw.shape)
    else:
        H = np.broadcast_to(H_importer, D_raw.shape)
    if substitutability == "a":
        S = np.broadcast_to((1.0 - np.clip(self_suff, 0.0, 1.0))[None][expand], D_raw.shape)
    elif substitutability == "b":
        if table.G < 2:
            raise OptionError("substitutability 'b' (share of world exports) needs several exporting regions")
        S = np.broadcast_to(_world_export_shares(table, len(srcs))[expand], D_raw.shape)
    else:
        S = np.broadcast_to(np.minimum(1.0, ec_ratio / 2.0)[None][expand], D_raw.shape)

    gdp_s = table.gdp()[s]
    loss_share = _criticality_loss(table, e, s, by_user) / gdp_s if gdp_s else np.full(D_raw.shape, np.nan)
    candidate = supplied & np.isfinite(D_raw)
    C = _min_max(loss_share, candidate)
    comps = {"dependence": np.clip(D_raw, 0.0, 1.0), "concentration": H, "substitutability": S, "criticality": C}
    cp = _composite(comps, w, composite, candidate)

    hhi_ok = np.isfinite(conc.hhi) if identified_h else np.zeros(table.N, dtype=bool)
    import_share = safe_divide(imports, total)
    strategic = np.where(hhi_ok, (conc.hhi > th["hhi"]) & (import_share > th["import_share"])
                         & (np.nan_to_num(ec_ratio, nan=-np.inf) > th["ec_ratio"]), np.nan)
    sensitive = np.where(hhi_ok, (conc.hhi > th["hhi"]) & (self_suff < th["self_sufficiency"]), np.nan)

    values = {**comps, "chokepoint_score": cp, "criticality_gdp_loss_share": loss_share,
              "import_share_of_demand": np.broadcast_to(import_share[None][expand], D_raw.shape),
              "hhi": np.broadcast_to((conc.hhi if identified_h else np.full(table.N, np.nan))[None][expand],
                                     D_raw.shape),
              "self_sufficiency": np.broadcast_to(self_suff[None][expand], D_raw.shape),
              "ec_ratio": np.broadcast_to(np.where(np.isinf(ec_ratio), np.nan, ec_ratio)[None][expand],
                                          D_raw.shape),
              "flag_strategic_dependency": np.broadcast_to(strategic[None][expand], D_raw.shape),
              "flag_sensitive_dependence": np.broadcast_to(sensitive[None][expand], D_raw.shape)}
    if substitutability == "b":
        values["world_export_share"] = S
    values["rank"] = _ranks(cp, candidate, by_user)
    axes = {"source": srcs, "product": table.sectors}
    if by_user:
        axes["user_sector"] = table.sectors
    df = _long(axes, values, keep=candidate, importer=economy)
    if not by_user:
        df["user_sector"] = ALL
    df["direction"] = df["indicator"].map(DIRECTIONS)
    df = df[["importer", "user_sector", "source", "product", "indicator", "direction", "value"]]
    return tidy(df, method="chokepoint score (METHODS.md 6.3, D18)", table=table, unit="index in [0, 1]",
                options={"economy": economy, "substitutability": substitutability, "concentration": concentration,
                         "weights": w, "composite": composite, "thresholds": th, "by_user": by_user,
                         "include_final": include_final, "concentration_identified": identified_h,
                         "criticality": "forward (Ghosh) extraction of the supply, GDP loss / GDP of the importer, "
                                        "min-max scaled over the candidates",
                         "caveat": GHOSH_CAVEAT})


def _concentration_global_star(table: IOTable) -> np.ndarray:
    flows = _exports_by_cell(table).reshape(table.G, table.N).T
    return _concentration(flows, np.ones_like(flows, dtype=bool)).hhi_normalised


def _world_export_shares(table: IOTable, K: int) -> np.ndarray:
    """k's share of world exports of i (K x N); NaN for the IMPORTS source."""
    flows = _exports_by_cell(table).reshape(table.G, table.N)
    shares = safe_divide(flows, flows.sum(0)[None])
    return np.vstack([shares, np.full((K - table.G, table.N), np.nan)])


def _ranks(cp: np.ndarray, candidate: np.ndarray, by_user: bool) -> np.ndarray:
    """Rank 1 = highest score among the candidates (of each user sector with ``by_user``); NaN scores last."""
    if by_user:
        flat = np.where(candidate, cp, np.nan).transpose(2, 0, 1).reshape(cp.shape[2], -1)
        ranks = pd.DataFrame(flat.T).rank(ascending=False, method="min").to_numpy().T
        return ranks.reshape(cp.shape[2], cp.shape[0], cp.shape[1]).transpose(1, 2, 0)
    return pd.Series(np.where(candidate, cp, np.nan).reshape(-1)).rank(
        ascending=False, method="min").to_numpy().reshape(cp.shape)


def rank_chokepoints(result: pd.DataFrame, *, level: str = "source_product", top: int | None = None
                     ) -> pd.DataFrame:
    """A ranked list (卡脖子清单) from :func:`chokepoints`: one row per candidate (``level='source_product'``) or
    per product with its most critical source ('product'), components as columns, best first (within each user
    sector for a ``by_user`` result); ``top`` keeps the first rows of each list."""
    _choice("level", level, ("source_product", "product"))
    keys = ["importer", "user_sector", "source", "product"]
    wide = result.pivot(index=keys, columns="indicator", values="value").reset_index()
    wide.columns.name = None
    wide = wide.sort_values(["user_sector", "chokepoint_score"], ascending=[True, False], na_position="last",
                            kind="stable")
    if level == "product":
        wide = wide.drop_duplicates(["importer", "user_sector", "product"], keep="first")
    wide["rank"] = wide.groupby("user_sector", sort=False).cumcount() + 1
    if top is not None:
        wide = wide[wide["rank"] <= top]
    columns = keys + ["rank", "chokepoint_score", *COMPONENTS] + [
        c for c in wide.columns if c not in keys + ["rank", "chokepoint_score", *COMPONENTS]]
    out = wide[columns].reset_index(drop=True)
    out.attrs = dict(result.attrs)
    out.attrs["options"] = {**result.attrs.get("options", {}), "ranking": level, "top": top}
    return out


# ---------------------------------------------------------------------------------------------- 6.4 shocks
@dataclass(frozen=True)
class Shock:
    """A cut of the supply of ``products`` from ``sources`` to ``importers`` by the share ``theta``, computed in
    each of ``models`` (METHODS.md 6.4).  Build it with :func:`make_shock` or :func:`read_shocks`."""

    name: str
    sources: tuple[str, ...]
    products: tuple[str, ...]
    theta: float
    models: tuple[str, ...]
    importers: tuple[str, ...]


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace("|", ";").split(";") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value]
    return [str(value)]


def _resolve_regions(table: IOTable, names: Iterable[str], key: str, fail: Callable[[str, str], Exception]
                     ) -> tuple[str, ...]:
    """Region codes, group names (EU, RCEP, ... at the table's year) or IMPORTS, in table order."""
    allowed_sources = sources(table)
    picked: list[str] = []
    for name in names:
        if name in allowed_sources:
            picked.append(name)
            continue
        try:
            members = group_members(table, name, table.meta.year)
        except (OptionError, InputError):
            members = []
        if not members:
            raise fail(key, f"unknown region or group {name!r}; allowed: the regions {list(allowed_sources)} "
                            f"or a country group {list(group_names())} with members in the table")
        picked.extend(members)
    return tuple(r for r in allowed_sources if r in set(picked))


def _build_shock(table: IOTable, spec: Mapping, fail: Callable[[str, str], Exception]) -> Shock:
    unknown = [k for k in spec if k not in SHOCK_KEYS]
    if unknown:
        raise fail(unknown[0], f"unknown key {unknown[0]!r}; allowed keys: {list(SHOCK_KEYS)}")
    name = str(spec.get("name") or "").strip()
    if not name:
        raise fail("name", "every shock needs a name")
    if not _as_list(spec.get("source")):
        raise fail("source", f"shock {name!r} needs a source: a region {list(sources(table))} or a country group")
    srcs = _resolve_regions(table, _as_list(spec.get("source")), "source", fail)
    products = _as_list(spec.get("products"))
    if not products or [p.lower() for p in products] == ["all"]:
        products = list(table.sectors)
    missing = [p for p in products if p not in table.sectors]
    if missing:
        raise fail("products", f"unknown sector(s) {missing}; allowed: 'all' or {list(table.sectors)}")
    if "theta" not in spec:
        raise fail("theta", f"shock {name!r} needs theta, the share of the supply cut, in [0, 1]")
    try:
        theta = float(spec["theta"])
    except (TypeError, ValueError):
        raise fail("theta", f"theta must be a number in [0, 1], not {spec['theta']!r}") from None
    if not 0.0 <= theta <= 1.0:
        raise fail("theta", f"theta must lie in [0, 1] (the share of the supply cut), not {theta:g}")
    models = _as_list(spec.get("model")) or list(SHOCK_MODELS)
    bad = [m for m in models if m not in SHOCK_MODELS]
    if bad:
        raise fail("model", f"unknown model(s) {bad}; allowed: {list(SHOCK_MODELS)}")
    importer_names = _as_list(spec.get("importer"))
    importers = (_resolve_regions(table, importer_names, "importer", fail) if importer_names
                 else tuple(r for r in table.regions if r not in srcs))
    if IMPORTS in importers:
        raise fail("importer", f"{IMPORTS} is a source, not an importer; allowed: {list(table.regions)}")
    overlap = sorted(set(importers) & set(srcs))
    if overlap:
        raise fail("importer", f"the regions {overlap} are both source and importer of shock {name!r}")
    if not importers:
        raise fail("importer", f"shock {name!r} has no importer left outside its sources")
    return Shock(name, srcs, tuple(products), theta, tuple(dict.fromkeys(models)), importers)


def make_shock(table: IOTable, name: str, source: str | Sequence[str], *, products: str | Sequence[str] | None = None,
               theta: float = 1.0, models: str | Sequence[str] | None = None,
               importers: str | Sequence[str] | None = None) -> Shock:
    """A validated shock: ``source`` is a region, a list of regions, a country group (EU, RCEP, ... at the table's
    year) or IMPORTS; ``products`` sector codes or None/'all'; ``models`` a subset of :data:`SHOCK_MODELS` (default
    all); ``importers`` default every region outside the sources."""
    spec = {"name": name, "source": source, "products": products, "theta": theta, "model": models,
            "importer": importers}
    return _build_shock(table, {k: v for k, v in spec.items() if v is not None},
                        lambda key, message: OptionError(f"shock {name!r}, {key}: {message}"))


def read_shocks(path, table: IOTable) -> list[Shock]:
    """Shocks from a YAML file (a list of mappings, or ``shocks:`` holding one) or a CSV file (one shock a row;
    several values separated by ';').  Keys: name, source, products, theta, model, importer.  Errors name the
    file, the line and the key, and list the allowed values."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        entries = _yaml_entries(path)
    elif suffix == ".csv":
        entries = _csv_entries(path)
    else:
        raise ReaderError("a shock file must be YAML (.yaml, .yml) or CSV (.csv)", file=str(path))
    shocks = []
    for spec, line_of in entries:
        shocks.append(_build_shock(table, spec, lambda key, message, line_of=line_of: ReaderError(
            message, file=str(path), row=line_of(key), column=key)))
    names = [s.name for s in shocks]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ReaderError(f"shock names must be unique; repeated: {dup}", file=str(path), column="name")
    if not shocks:
        raise ReaderError("the file defines no shock", file=str(path))
    return shocks


def _yaml_entries(path: Path) -> list[tuple[dict, Callable[[str], int]]]:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ReaderError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                          row=mark.line + 1 if mark else None) from None
    if isinstance(root, yaml.MappingNode):
        found = [v for k, v in root.value if k.value == "shocks"]
        if not found:
            raise ReaderError("expected a list of shocks, or a mapping with the key 'shocks'", file=str(path),
                              row=root.start_mark.line + 1)
        root = found[0]
    if not isinstance(root, yaml.SequenceNode):
        raise ReaderError("expected a list of shocks (mappings with name, source, products, theta, model, importer)",
                          file=str(path), row=root.start_mark.line + 1 if root is not None else None)
    entries = []
    for node in root.value:
        if not isinstance(node, yaml.MappingNode):
            raise ReaderError("each shock must be a mapping of keys to values", file=str(path),
                              row=node.start_mark.line + 1)
        lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
        spec = yaml.safe_load(yaml.serialize(node))
        entries.append((spec, lambda key, lines=lines, first=node.start_mark.line + 1: lines.get(key, first)))
    return entries


def _csv_entries(path: Path) -> list[tuple[dict, Callable[[str], int]]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    unknown = [c for c in frame.columns if c not in SHOCK_KEYS]
    if unknown:
        raise ReaderError(f"unknown column {unknown[0]!r}; allowed columns: {list(SHOCK_KEYS)}", file=str(path),
                          row=1, column=unknown[0])
    entries = []
    for number, record in enumerate(frame.to_dict("records"), start=2):
        spec = {k: v for k, v in record.items() if str(v).strip() != ""}
        entries.append((spec, lambda key, number=number: number))
    return entries


@dataclass(frozen=True)
class _Plan:
    """A shock as index sets: supplying cells P, imported products M (IMPORTS source), importer cells Q."""

    P: np.ndarray
    M: np.ndarray
    Q: np.ndarray
    importer_regions: np.ndarray
    theta: float


def _plan(table: IOTable, shock: Shock) -> _Plan:
    products = np.array([table.sector_index(p) for p in shock.products], dtype=int)
    regions = [table.region_index(r) for r in shock.sources if r != IMPORTS]
    P = np.array([r * table.N + i for r in regions for i in products], dtype=int)
    M = products if IMPORTS in shock.sources else np.array([], dtype=int)
    importer_regions = np.array([table.region_index(r) for r in shock.importers], dtype=int)
    Q = (importer_regions[:, None] * table.N + np.arange(table.N)[None, :]).reshape(-1)
    return _Plan(P, M, Q, importer_regions, shock.theta)


def _demand_losses(table: IOTable, e: Engine, plans: Sequence[_Plan]) -> np.ndarray:
    """(a) Leontief: importers' final purchases of the cut products fall by theta, Delta x = L Delta y (n x S).
    Imported final goods (IMPORTS) leave domestic output unchanged."""
    dy = np.zeros((table.n, len(plans)))
    for j, plan in enumerate(plans):
        dy[plan.P, j] = plan.theta * table.Y2[np.ix_(plan.P, plan.importer_regions)].sum(1)
    return e.solve(dy)


def _ghosh_losses(table: IOTable, e: Engine, plans: Sequence[_Plan]) -> np.ndarray:
    """(b) Ghosh forward partial extraction: B_(P,Q) scaled by 1 - theta and imported inputs M of Q cut by theta.

    With x' = w'G (w = va + imports), x_tilde' = (w - Delta m)'G and V = theta B_(P,Q) (rows P), Woodbury gives
    the loss' = Delta m'G + x_tilde_P'(I + V G_(.,P))^-1 V G -- one batch of transposed solves for all shocks."""
    n = table.n
    V_all, dm = [], np.zeros((n, len(plans)))
    for j, plan in enumerate(plans):
        V = np.zeros((plan.P.size, n))
        V[:, plan.Q] = plan.theta * e.B[np.ix_(plan.P, plan.Q)]
        V_all.append(V)
        if plan.M.size:
            dm[plan.Q, j] = plan.theta * table.Zm[np.ix_(plan.M, plan.Q)].sum(0)
    VG_all = e.ghosh_solve_T(np.vstack(V_all).T).T if sum(V.shape[0] for V in V_all) else np.zeros((0, n))
    dmG = e.ghosh_solve_T(dm)
    out = np.empty((n, len(plans)))
    start = 0
    for j, plan in enumerate(plans):
        if plan.P.size == 0:
            out[:, j] = dmG[:, j]
            continue
        VG = VG_all[start:start + plan.P.size]
        start += plan.P.size
        x_tilde = table.x - dmG[:, j]
        core_ = np.eye(plan.P.size) + VG[:, plan.P]
        out[:, j] = dmG[:, j] + VG.T @ core._small_solve(core_.T, x_tilde[plan.P], "Ghosh shock")
    return out


def _hem_losses(table: IOTable, e: Engine, plans: Sequence[_Plan]) -> np.ndarray:
    """(d) backward extraction of the flow block: A_(P,Q) scaled by 1 - theta; Woodbury
    Delta x = L_(.,P)(I + theta A_(P,Q) L_(Q,P))^-1 theta A_(P,Q) x_Q (METHODS.md 1.6).  Imported inputs are not
    part of the Leontief system, so cutting them changes no output here."""
    out = np.zeros((table.n, len(plans)))
    for j, plan in enumerate(plans):
        if plan.P.size == 0 or plan.theta == 0.0:
            continue
        E = np.zeros((table.n, plan.P.size))
        E[plan.P, np.arange(plan.P.size)] = 1.0
        LP = e.solve(E)
        dA = plan.theta * e.A[np.ix_(plan.P, plan.Q)]
        core_ = np.eye(plan.P.size) + dA @ LP[plan.Q]
        out[:, j] = LP @ core._small_solve(core_, dA @ table.x[plan.Q], "backward shock")
    return out


def _mixed_solve(table: IOTable, e: Engine, X: np.ndarray, xX: np.ndarray) -> np.ndarray:
    """Output of the mixed model with the cells X exogenous at xX: x_N = (I - A_NN)^-1 (A_NX x_X + y_N), by the
    Schur complement of the one LU: (I - A_NN)^-1 b = u_N - L_NX L_XX^-1 u_X with u = L [b; 0] (Miller & Blair
    2009, ch. 13; no new n x n inverse)."""
    n = table.n
    b = table.y + e.A[:, X] @ xX
    b[X] = 0.0
    E = np.zeros((n, X.size))
    E[X, np.arange(X.size)] = 1.0
    rhs = np.column_stack([b, E])
    sol = e.solve(rhs)
    u, LX = sol[:, 0], sol[:, 1:]
    out = u - LX @ core._small_solve(LX[X], u[X], "mixed-model")
    out[X] = xX
    return out


def _mixed_losses(table: IOTable, e: Engine, plan: _Plan, use: tuple[np.ndarray, np.ndarray], max_rounds: int,
                  tol: float, critical_input_share: float) -> tuple[np.ndarray, np.ndarray, int, int, bool]:
    """(c) input bottleneck with Leontief technology and no substitution (METHODS.md 6.4(c); Miller & Blair 2009,
    ch. 13 for the mixed model).

    Capacities l_q (fractions of base output) are the greatest fixed point of
    l_q = min(1, min_i sum_k d_{k,i,q} kappa_{k,i,q}(l)): of its base use of product i from source k, user q can get
    kappa = 1 - theta on a cut flow and, from a supplier p of the table, s_p(l) = min(1, (l_p x_p - min(y_p, 0)) /
    (A x)_p) -- the share of p's base intermediate deliveries it can still make when final demand absorbs the
    shortfall first (a negative final demand, i.e. inventory draw-down, adds to supply as in the base) and the
    intermediate users are rationed in proportion.  Round 1 gives the cut users' 1 - theta sum_{k cut} d_{k,i,q};
    each further round spreads the bottleneck to the users of suppliers that can no longer serve them.  The map is
    monotone, so the rounds decrease to the fixed point (stop when no capacity moves by more than ``tol``, or
    after ``max_rounds``).  The constrained cells X (l < 1) then have exogenous output l x and the mixed model
    gives x_N and the implied final-demand loss y_X - (x_X - A_X. x).  Zero-output cells are ignored.
    ``use`` holds the source shares d (K x N x n) and each product's share of each cell's intermediate inputs
    (N x n); products below ``critical_input_share`` do not bind (0: every input is critical, pure Leontief).
    Returns the output loss, the final-demand loss, rounds, constrained cells and convergence.
    """
    n, N, G = table.n, table.N, table.G
    x, y = table.x, table.y
    shares, input_share = use
    used = input_share > max(critical_input_share, 0.0)
    K = shares.shape[0]
    active = x > 0
    cut = np.zeros((K, N), dtype=bool)
    cut[plan.P // N, plan.P % N] = True
    if plan.M.size:
        cut[G, plan.M] = True
    Q = plan.Q[active[plan.Q]]
    cut_shares = shares[:, :, Q][cut]  # (cut flows f, |Q|)
    cut_product = np.zeros((N, cut_shares.shape[0]))  # which product each cut flow carries
    cut_product[np.nonzero(cut)[1], np.arange(cut_shares.shape[0])] = 1.0
    base_deliveries = e.A @ x
    serves = base_deliveries > 0
    reserve = -np.minimum(y, 0.0)

    def capacity(level: np.ndarray) -> np.ndarray:
        supply = np.ones(n)
        supply[serves] = np.clip((level[serves] * x[serves] + reserve[serves]) / base_deliveries[serves], 0.0, 1.0)
        kappa = np.concatenate([supply.reshape(G, N), np.ones((K - G, N))])
        avail = np.einsum("kiq,ki->iq", shares, kappa)
        on_cut = kappa[cut]
        avail[:, Q] += cut_product @ (cut_shares * (np.minimum(on_cut, 1.0 - plan.theta) - on_cut)[:, None])
        return np.where(active, np.minimum(1.0, np.where(used, avail, np.inf).min(0)), 1.0)

    level = np.ones(n)
    converged, rounds = False, 0
    for rounds in range(1, max_rounds + 1):
        new = np.minimum(level, capacity(level))
        moved = float(np.abs(new - level).max())
        level = new
        if moved <= tol:
            converged = True
            break
    X = np.flatnonzero((level < 1.0 - tol) & active)
    xbar = _mixed_solve(table, e, X, level[X] * x[X]) if X.size else x.copy()
    fd_loss = np.zeros(n)
    fd_loss[X] = y[X] - (xbar[X] - e.A[X] @ xbar)
    return x - xbar, fd_loss, rounds, int(X.size), converged


@dataclass(frozen=True)
class ShockResult:
    """Losses of each shock and model: ``losses`` by cell (output, VA, employment if the table has an
    ``employment`` satellite, implied final-demand loss in the mixed model) and ``totals`` by region plus the
    row region ``risk.region.total``."""

    losses: pd.DataFrame
    totals: pd.DataFrame


def simulate_shocks(table: IOTable, shocks: Sequence[Shock] | Shock, *, models: str | Sequence[str] | None = None,
                    critical_input_share: float = 0.0, max_rounds: int = 200, tol: float = 1e-9,
                    engine: Engine | None = None) -> ShockResult:
    """Propagate supply cuts through the table in the models of METHODS.md 6.4 (they answer different questions):

    * ``demand`` (a): importers' final purchases of the products fall by theta, Delta x = L Delta y;
    * ``ghosh`` (b): forward partial extraction, B_(P,Q) scaled by 1 - theta (rank-|P| Woodbury), imported inputs
      cut as a primary input -- an upper bound with no substitution (Ghosh caveat: Oosterhaven 1988; Dietzenbacher
      1997); this is also the forward hypothetical extraction of the block;
    * ``mixed`` (c): the input bottleneck, iterated to a fixed point (:func:`_mixed_losses`); with Leontief
      technology every input binds, so a cut of any input stops its users in proportion.
      ``critical_input_share`` > 0 lets inputs below that share of a user's intermediate inputs not bind (a
      simple form of the critical / non-critical split of Pichler et al. 2022, J. Econ. Dyn. Control 144);
    * ``hem`` (d): backward extraction of the flow block, A_(P,Q) scaled by 1 - theta.
    Losses are positive when output falls.  Shocks sharing a model are solved in one batch (demand, ghosh).
    ``models`` overrides every shock's own list.
    """
    shocks = [shocks] if isinstance(shocks, Shock) else list(shocks)
    if not shocks:
        raise OptionError("give at least one shock")
    if not 0.0 <= critical_input_share < 1.0:
        raise OptionError(f"critical_input_share must lie in [0, 1), not {critical_input_share}")
    if isinstance(models, str):
        models = [models]
    if models is not None:
        bad = [m for m in models if m not in SHOCK_MODELS]
        if bad:
            raise OptionError(f"unknown model(s) {bad}; allowed: {list(SHOCK_MODELS)}")
    e = _engine(table, engine)
    plans = [_plan(table, s) for s in shocks]
    wanted = {m: [j for j, s in enumerate(shocks) if m in (models or s.models)] for m in SHOCK_MODELS}
    if wanted["ghosh"]:
        _warn_negative_va(table, "Ghosh shock")
    losses: dict[tuple[int, str], np.ndarray] = {}
    fd_losses: dict[int, np.ndarray] = {}
    mixed_info: dict[int, tuple[int, int, bool]] = {}
    for model, batch in (("demand", _demand_losses), ("ghosh", _ghosh_losses), ("hem", _hem_losses)):
        if wanted[model]:
            out = batch(table, e, [plans[j] for j in wanted[model]])
            losses.update({(j, model): out[:, c] for c, j in enumerate(wanted[model])})
    if wanted["mixed"]:
        use = _intermediate_use(table)
        total = use.sum(0)
        shares = (safe_divide(use, total[None], "zero"), safe_divide(total, total.sum(0)[None], "zero"))
        for j in wanted["mixed"]:
            dx, dfd, rounds, constrained, converged = _mixed_losses(table, e, plans[j], shares, max_rounds, tol,
                                                                    critical_input_share)
            if not converged:
                warnings.warn(f"shock {shocks[j].name!r}: the mixed model did not reach a fixed point in "
                              f"{max_rounds} rounds; losses are those of the last round", TableWarning,
                              stacklevel=2)
            losses[(j, "mixed")] = dx
            fd_losses[j] = dfd
            mixed_info[j] = (rounds, constrained, converged)
    settings = {"max_rounds": max_rounds, "tol": tol, "critical_input_share": critical_input_share}
    return _shock_result(table, e, shocks, losses, fd_losses, mixed_info, models, settings)


def _shock_result(table, e, shocks, losses, fd_losses, mixed_info, models, settings) -> ShockResult:
    employment = table.satellites.get("employment")
    intensity = employment.values * e.inv_x if employment is not None else None
    D = core._region_indicator(table)
    gdp = table.gdp()
    cells, regions = [], []
    for (j, model), dx in sorted(losses.items()):
        constants = {"shock": shocks[j].name, "model": model}
        cells += [core._cell_block(table, "output_loss", dx, **constants),
                  core._cell_block(table, "va_loss", e.v * dx, **constants)]
        by_region = {"output_loss": D.T @ dx, "gdp_loss": D.T @ (e.v * dx)}
        by_region["gdp_loss_share"] = safe_divide(by_region["gdp_loss"], gdp)
        total = {"output_loss": dx.sum(), "gdp_loss": e.v @ dx, "gdp_loss_share": safe_divide(e.v @ dx, gdp.sum())}
        if intensity is not None:
            cells.append(core._cell_block(table, "employment_loss", intensity * dx, **constants))
            by_region["employment_loss"] = D.T @ (intensity * dx)
            total["employment_loss"] = intensity @ dx
        if model == "mixed":
            cells.append(core._cell_block(table, "final_demand_loss", fd_losses[j], **constants))
            rounds, constrained, _ = mixed_info[j]
            total.update({"rounds": rounds, "constrained_cells": constrained})
        regions.append(_long({"region": table.regions}, by_region, **constants))
        regions.append(_long({"region": ("risk.region.total",)}, {k: np.array([v]) for k, v in total.items()},
                             **constants))
    order = ["shock", "model", "region"]
    loss_df = pd.concat(cells, ignore_index=True)
    loss_df = loss_df[["shock", "model", "region", "sector", "indicator", "value"]]
    totals = pd.concat(regions, ignore_index=True)[order + ["indicator", "value"]]
    options = {"shocks": [{"name": s.name, "sources": list(s.sources), "products": list(s.products),
                           "theta": s.theta, "importers": list(s.importers),
                           "models": list(models or s.models)} for s in shocks],
               "mixed": {shocks[j].name: {"rounds": r, "constrained_cells": c, "converged": ok}
                         for j, (r, c, ok) in mixed_info.items()},
               **settings, "sign": "positive = loss",
               "employment": employment.unit if employment is not None else "no employment satellite",
               "caveat": GHOSH_CAVEAT}
    method = "supply-shock propagation: demand, Ghosh, mixed, HEM (METHODS.md 6.4)"
    return ShockResult(losses=tidy(loss_df, method=method, table=table, options=options),
                       totals=tidy(totals, method=method, table=table, options=options))


# ---------------------------------------------------------------------------------------------- 6.5 IIM
def _inoperability_frame(table: IOTable, e: Engine, q: np.ndarray, loss: np.ndarray, what: str) -> pd.DataFrame:
    q = np.where(e.active, q, np.nan)
    if np.nanmax(np.abs(q), initial=0.0) > 1.0:
        warnings.warn(f"{what}: inoperability exceeds 1 in {int(np.nansum(q > 1))} cell(s); it is clipped to "
                      "[0, 1] only in the reporting column (METHODS.md 6.5)", TableWarning, stacklevel=3)
    return core._concat([core._cell_block(table, "inoperability", q),
                         core._cell_block(table, "inoperability_clipped", np.clip(q, 0.0, 1.0)),
                         core._cell_block(table, "economic_loss", loss)])


def iim_demand(table: IOTable, demand_reduction, *, engine: Engine | None = None) -> pd.DataFrame:
    """Demand-reduction IIM (Santos & Haimes 2004; METHODS.md 6.5): q = (I - A*)^-1 c*, A* = x^-1 A x,
    c* = x^-1 Delta f; as (I - A*)^-1 = x^-1 L x, q = x^-1 L Delta f and the economic loss x q = L Delta f (I20).
    ``demand_reduction`` (>= 0 = a fall) is an n-vector or a Series indexed by (region, sector)."""
    e = _engine(table, engine)
    df_ = _cell_vector(table, demand_reduction, "demand reduction")
    loss = e.solve(df_)
    q = safe_divide(loss, table.x)
    result = _inoperability_frame(table, e, q, loss, "demand-reduction IIM")
    return tidy(result, method="demand-reduction IIM (METHODS.md 6.5; Santos & Haimes 2004)", table=table,
                options={"identity": "x q = L Delta f"})


def iim_supply(table: IOTable, va_reduction, *, engine: Engine | None = None) -> pd.DataFrame:
    """Supply-side IIM (Leung, Haimes & Santos 2007; METHODS.md 6.5): q' = c^s' L with c^s = Delta va / x, because
    the normalised Ghosh matrix x B x^-1 is A; the loss q' x = Delta va' G (I20).  Ghosh caveat applies."""
    e = _engine(table, engine)
    dva = _cell_vector(table, va_reduction, "value-added reduction")
    q = e.solve_T(dva * e.inv_x)
    result = _inoperability_frame(table, e, q, q * table.x, "supply-side IIM")
    return tidy(result, method="supply-side IIM (METHODS.md 6.5; Leung, Haimes & Santos 2007)", table=table,
                options={"identity": "q' x = Delta va' G", "caveat": GHOSH_CAVEAT})


def iim_dynamic(table: IOTable, initial, *, demand_reduction=None, resilience=None, recovery_time=None,
                recovery_level: float = 0.01, steps: int = 50, engine: Engine | None = None) -> pd.DataFrame:
    """Dynamic IIM (Lian & Haimes 2006; METHODS.md 6.5): q(t+1) = q(t) + K [A* q(t) + c* - q(t)], K = diag(k).

    ``initial`` is q(0) (n-vector or Series); ``demand_reduction`` a constant Delta f (c* = Delta f / x; default
    none).  The resilience k is given directly (``resilience``) or from recovery times T_p (``recovery_time``,
    scalar or vector) as k_p = ln(q_p(0)/q_p(T_p)) / (T_p (1 - a*_pp)) with q_p(T_p) = ``recovery_level`` q_p(0).
    Returns q for steps 0..``steps`` (long, column ``step``), the cumulative economic loss sum_t x q(t) and k.
    With a constant c* and 0 < k_p (1 - a*_pp) < 1 the path converges to the static IIM.
    """
    e = _engine(table, engine)
    x = table.x
    q = _cell_vector(table, initial, "initial inoperability")
    c = (safe_divide(_cell_vector(table, demand_reduction, "demand reduction"), x, "zero")
         if demand_reduction is not None else np.zeros(table.n))
    diag = np.diag(e.A)
    if (resilience is None) == (recovery_time is None):
        raise OptionError("give either resilience= (k by cell) or recovery_time= (periods to recover)")
    if resilience is not None:
        k = np.broadcast_to(np.asarray(resilience, float), (table.n,)).copy()
    else:
        if not 0.0 < recovery_level < 1.0:
            raise OptionError(f"recovery_level must lie in (0, 1), not {recovery_level}")
        T = np.broadcast_to(np.asarray(recovery_time, float), (table.n,))
        if np.any(T <= 0):
            raise OptionError("recovery times must be positive")
        k = np.log(1.0 / recovery_level) / (T * (1.0 - diag))
    if steps < 1:
        raise OptionError(f"steps must be a positive number of periods, not {steps}")
    path = np.empty((steps + 1, table.n))
    path[0] = q
    for t in range(steps):
        a_star_q = e.inv_x * (e.A @ (x * path[t]))
        path[t + 1] = path[t] + k * (a_star_q + c - path[t])
    path[:, ~e.active] = np.nan
    frames = [core._cell_block(table, "inoperability", path[t], step=t) for t in range(steps + 1)]
    frames += [core._cell_block(table, "cumulative_economic_loss", np.nansum(path * x[None], 0), step=steps),
               core._cell_block(table, "resilience", k, step=0)]
    return tidy(core._concat(frames), method="dynamic IIM (METHODS.md 6.5; Lian & Haimes 2006)", table=table,
                options={"steps": steps, "recovery_level": recovery_level,
                         "resilience": "given" if resilience is not None else "from recovery times"})


__all__ = [
    "ALL", "COMPONENTS", "DEFAULT_THRESHOLDS", "FOREIGN", "GHOSH_CAVEAT", "IMPORTS", "SHOCK_MODELS", "Shock",
    "ShockResult", "chokepoints", "embodied_dependence", "foreign_input_share", "global_export_concentration",
    "iim_demand", "iim_dynamic", "iim_supply", "import_dependence", "look_through_reliance", "make_shock",
    "rank_chokepoints", "read_shocks", "simulate_shocks", "sources", "supplier_concentration",
]
