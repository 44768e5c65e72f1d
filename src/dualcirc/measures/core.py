"""Core input-output measures (METHODS.md section 1).

* multipliers and footprints (1.4): output, value added (total, domestic/foreign content, by origin), primary-input
  components, import content of non-competitive national tables, any satellite (S L), Type I ratio and Type II
  multipliers, production- and consumption-based accounts;
* the MRIO intra-regional / feedback / spillover split of output multipliers (1.2; Miller 1966, Round 1985);
* Rasmussen-Hirschman linkages and key sectors (1.5);
* hypothetical extraction, by Sherman-Morrison-Woodbury updates of the one LU factorisation (1.6).

Every function takes a table (and optionally its engine) and returns a tidy long DataFrame with provenance
(``measures.result.tidy``).  Per-cell columns are ``region, sector, indicator, value``; indicator codes are labels
registered in English and Chinese.  Zero-output cells have no technology, so their per-unit measures are NaN
(METHODS.md 0.6-3).  Multipliers of tables whose foreign trade lies outside the model (national tables, national
MRIOs) say so in the column ``perimeter`` = ``domestic``: imports leak out of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..engine.leontief import RHO_MAX, Engine, engine_for, safe_divide
from ..errors import InputError, OptionError, SingularLeontiefError
from ..labels import register
from ..tables.model import IOTable
from .result import tidy

#: tolerance of the key-sector comparisons BL > 1, FL > 1 (METHODS.md 1.5); ties count as <= 1
KEY_SECTOR_TOL = 1e-12

register({
    # columns
    "stressor": ("Stressor", "卫星账户指标"),
    "perimeter": ("Perimeter", "核算范围"),
    "account": ("Account", "核算口径"),
    "origin_region": ("Origin region", "来源地区"),
    "fd_category": ("Final-demand category", "最终需求类别"),
    # perimeters
    "perimeter_table": ("Whole table (every region in the model)", "全表（模型内所有地区）"),
    "perimeter_domestic": ("Domestic (imports leak out of the table)", "国内（进口漏出表外）"),
    # multipliers (1.4)
    "output_multiplier": ("Output multiplier (u'L)", "产出乘数（u'L）"),
    "output_multiplier_net": ("Output multiplier net of the initial unit (u'L - u')", "产出乘数（扣除初始单位）"),
    "va_multiplier": ("Value-added multiplier (v'L)", "增加值乘数（v'L）"),
    "va_domestic_content": ("Own-region value-added content (phi^D)", "本地区增加值含量（φ^D）"),
    "va_foreign_content": ("Other-region value-added content (phi^F)", "其他地区增加值含量（φ^F）"),
    "va_by_origin": ("Value added of the origin region per unit of final output (Phi)", "来源地区增加值含量（Φ）"),
    "primary_input_multiplier": ("Primary-input multiplier (w_k' x^-1 L)", "初始投入乘数"),
    "import_content": ("Import content (a^M'L)", "进口含量（a^M'L）"),
    "import_content_by_product": ("Import content by imported product (A^M L)", "分进口产品的进口含量"),
    "intensity": ("Direct intensity (F x^-1)", "直接强度（F x^-1）"),
    "satellite_multiplier": ("Total requirement per unit of final demand (S L)", "完全强度（S L）"),
    "type1_ratio": ("Type I ratio multiplier ((S L)_q / S_q)", "I型比率乘数"),
    "output_multiplier_type2": ("Type II output multiplier (households endogenous)", "II型产出乘数（居民内生）"),
    "satellite_multiplier_type2": ("Type II total requirement per unit of final demand", "II型完全强度"),
    "type2_ratio": ("Type II ratio multiplier", "II型比率乘数"),
    # footprints (1.4)
    "production_based": ("Production-based account (PBA)", "生产侧核算（PBA）"),
    "consumption_based": ("Consumption-based account (CBA)", "消费侧核算（CBA）"),
    "embodied_in_exports": ("Embodied in exports to outside the table", "表外出口隐含量"),
    "household_direct": ("Direct household stressors", "居民直接排放/使用"),
    # MRIO split (1.2)
    "intra_regional": ("Intra-regional effect (u'L^D_rr)", "区域内乘数效应"),
    "feedback": ("Interregional feedback effect (u'(L_rr - L^D_rr))", "区域间反馈效应"),
    "spillover": ("Interregional spillover effect (u'L_sr)", "区域间溢出效应"),
    # linkages (1.5)
    "backward_sum": ("Column sum of the Leontief inverse (u'L)", "列和（u'L）"),
    "forward_sum": ("Row sum of the forward basis (Ghosh or Leontief inverse)", "行和（Ghosh 或 Leontief 逆）"),
    "backward_linkage": ("Backward linkage (power of dispersion)", "影响力系数"),
    "forward_linkage": ("Forward linkage (sensitivity of dispersion)", "感应度系数"),
    "backward_sum_own_region": ("Column sum, own-region part", "列和（本地区部分）"),
    "backward_sum_spillover": ("Column sum, spillover to other regions", "列和（对其他地区的溢出）"),
    "cv_backward": ("Coefficient of variation, backward", "影响力变异系数"),
    "cv_forward": ("Coefficient of variation, forward", "感应度变异系数"),
    "key_sector_class": ("Key-sector class (1 = I key, 2 = II backward-oriented, 3 = III forward-oriented, "
                         "4 = IV weak)", "关键部门类别（1 = I 关键，2 = II 后向型，3 = III 前向型，4 = IV 弱关联）"),
    "key_sector_class_1": ("I Key sector", "I 关键部门"),
    "key_sector_class_2": ("II Backward-oriented", "II 后向关联型"),
    "key_sector_class_3": ("III Forward-oriented", "III 前向关联型"),
    "key_sector_class_4": ("IV Weak linkages", "IV 弱关联型"),
    # hypothetical extraction (1.6)
    "hem_backward": ("Backward extraction (J stops buying from the rest)", "后向抽取（J 不再向其他部门购买）"),
    "hem_forward": ("Forward (Ghosh) extraction (J stops selling to the rest)", "前向（Ghosh）抽取（J 不再向其他部门销售）"),
    "hem_total": ("Total extraction (isolation of J)", "完全隔离抽取"),
    "hem_complete": ("Complete extraction (deletion of J)", "完全删除抽取"),
    "output_loss": ("Output loss", "产出损失"),
    "va_loss": ("Value-added loss", "增加值损失"),
    "gdp_loss": ("GDP loss", "GDP 损失"),
    "output_loss_share_of_total_output": ("Output loss as a share of total output u'x", "产出损失占总产出比重"),
    "gdp_loss_share_of_gdp": ("GDP loss as a share of GDP v'x", "GDP 损失占 GDP 比重"),
    "total_output_base": ("Total output before extraction (u'x)", "抽取前总产出（u'x）"),
    "gdp_base": ("GDP before extraction (v'x)", "抽取前 GDP（v'x）"),
})


# ---------------------------------------------------------------------------------------------- helpers
def _engine(table: IOTable, engine: Engine | None) -> Engine:
    return engine if engine is not None else engine_for(table)


def _choice(name: str, value, allowed: Sequence) -> None:
    if value not in allowed:
        raise OptionError(f"{name} must be one of {list(allowed)}, not {value!r}")


def _region_indicator(table: IOTable) -> np.ndarray:
    """D (n x G): D[p, s] = 1 iff cell p lies in region s (METHODS.md 0.3)."""
    return (table.region_of_cell[:, None] == np.arange(table.G)[None, :]).astype(float)


def _own_region(table: IOTable, Q: np.ndarray) -> np.ndarray:
    """diagpick: Q[p, c(p)] of an n x G array (METHODS.md 0.3)."""
    return Q[np.arange(table.n), table.region_of_cell]


def _perimeter(table: IOTable) -> str:
    return "domestic" if table.has_open_foreign_sector else "table"


def _mask_inactive(engine: Engine, values: np.ndarray) -> np.ndarray:
    """Per-unit measures of zero-output cells are NaN (they have no technology; METHODS.md 0.6-3)."""
    out = np.array(values, dtype=float)
    out[..., ~engine.active] = np.nan
    return out


def _cell_block(table: IOTable, indicator: str, values: np.ndarray, **constants) -> pd.DataFrame:
    """One indicator over all cells as long rows: region, sector, <constants>, indicator, value."""
    block = pd.DataFrame({"region": np.repeat(np.asarray(table.regions, dtype=object), table.N),
                          "sector": np.tile(np.asarray(table.sectors, dtype=object), table.G)})
    for column, constant in constants.items():
        block[column] = constant
    block["indicator"] = indicator
    block["value"] = np.asarray(values, dtype=float)
    return block


def _concat(blocks: Iterable[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(list(blocks), ignore_index=True)


def _row_multipliers(engine: Engine, rows: np.ndarray) -> np.ndarray:
    """R L for a k x n array of coefficient rows, by k transposed solves (no explicit L)."""
    return engine.solve_T(np.atleast_2d(rows).T).T


def _satellite_names(table: IOTable, satellites: str | Sequence[str] | None, *, required: bool = True
                     ) -> list[str]:
    """The satellites asked for (None = all); an empty selection is allowed only when not ``required``."""
    if not required and satellites is not None and not isinstance(satellites, str) and len(satellites) == 0:
        return []
    if not table.satellites:
        raise OptionError(f"table {table.meta.label() or 'unnamed'} has no satellite accounts; footprints and "
                          "satellite multipliers need at least one (e.g. employment or CO2)")
    names = list(table.satellites) if satellites is None else (
        [satellites] if isinstance(satellites, str) else list(satellites))
    unknown = [s for s in names if s not in table.satellites]
    if unknown or not names:
        raise OptionError(f"unknown or no satellite(s) {unknown}; this table has {list(table.satellites)}")
    return names


def _satellite_rows(table: IOTable, names: Sequence[str]) -> list[int]:
    """Positions of the named satellites in the engine's satellite arrays (table order)."""
    order = list(table.satellites)
    return [order.index(s) for s in names]


def _intensities(table: IOTable, engine: Engine, names: Sequence[str]) -> np.ndarray:
    """S = F x^-1 (m x n) for the named satellites; 0 in zero-output cells."""
    return engine.satellite_intensities[_satellite_rows(table, names)]


def _satellite_multipliers(table: IOTable, engine: Engine, names: Sequence[str]) -> np.ndarray:
    """S L (m x n) for the named satellites, from the engine's cached products."""
    return engine.satellite_multipliers[_satellite_rows(table, names)]


def _satellite_unit(table: IOTable, name: str) -> str:
    return f"{table.satellites[name].unit} per {table.meta.unit}"


# ---------------------------------------------------------------------------------------------- multipliers (1.4)
def output_multipliers(table: IOTable, *, engine: Engine | None = None) -> pd.DataFrame:
    """Output multipliers o' = u'L and o' - u' (METHODS.md 1.4; Miller & Blair 2009, ch. 6), by one solve."""
    e = _engine(table, engine)
    o = _mask_inactive(e, e.solve_T(np.ones(table.n)))
    perimeter = _perimeter(table)
    df = _concat([_cell_block(table, "output_multiplier", o, perimeter=perimeter),
                  _cell_block(table, "output_multiplier_net", o - 1.0, perimeter=perimeter)])
    return tidy(df, method="output multipliers (METHODS.md 1.4)", table=table,
                unit=f"{table.meta.unit} of output per {table.meta.unit} of final demand",
                options={"perimeter": perimeter})


def value_added_multipliers(table: IOTable, *, split: bool = True, engine: Engine | None = None) -> pd.DataFrame:
    """VA multiplier v'L and, with ``split``, its own-region part phi^D = dp(Phi') and the rest phi^F
    (METHODS.md 0.4, 1.4; the VBdom / VBfor of Borin & Mancini 2019).  The split costs G transposed solves."""
    e = _engine(table, engine)
    perimeter = _perimeter(table)
    total = _mask_inactive(e, e.va_multipliers)
    blocks = [_cell_block(table, "va_multiplier", total, perimeter=perimeter)]
    if split:
        phi_T = e.solve_T(e.v[:, None] * _region_indicator(table))  # Phi' (n x G)
        own = _mask_inactive(e, _own_region(table, phi_T))
        blocks += [_cell_block(table, "va_domestic_content", own, perimeter=perimeter),
                   _cell_block(table, "va_foreign_content", total - own, perimeter=perimeter)]
    return tidy(_concat(blocks), method="value-added multipliers (METHODS.md 1.4)", table=table,
                unit=f"{table.meta.unit} of value added per {table.meta.unit} of final demand",
                options={"split": split, "perimeter": perimeter})


def value_added_by_origin(table: IOTable, origins: Sequence[str] | None = None, *,
                          engine: Engine | None = None) -> pd.DataFrame:
    """Phi = D'v^L (METHODS.md 0.4): VA of each origin region per unit of final output of every cell.

    Only the rows asked for are computed: one transposed solve per origin region.
    """
    e = _engine(table, engine)
    idx = list(range(table.G)) if origins is None else [table.region_index(r) for r in origins]
    D = _region_indicator(table)[:, idx]
    phi_T = _mask_inactive(e, e.solve_T(e.v[:, None] * D).T)  # rows: origins
    df = _concat(_cell_block(table, "va_by_origin", phi_T[k], origin_region=table.regions[s],
                             perimeter=_perimeter(table)) for k, s in enumerate(idx))
    return tidy(df, method="value added by origin, Phi = D'vL (METHODS.md 0.4)", table=table,
                unit=f"{table.meta.unit} of value added per {table.meta.unit} of final demand",
                options={"origins": [table.regions[s] for s in idx]})


def primary_input_multipliers(table: IOTable, rows: Sequence[str] | None = None, *,
                              engine: Engine | None = None) -> pd.DataFrame:
    """Multipliers of primary-input components, w_k' x^-1 L (e.g. compensation per unit of final demand;
    METHODS.md 1.4).  They sum over components to the VA multiplier v'L."""
    e = _engine(table, engine)
    names = list(table.va_rows) if rows is None else list(rows)
    unknown = [r for r in names if r not in table.va_rows]
    if unknown:
        raise OptionError(f"unknown primary-input row(s) {unknown}; this table has {list(table.va_rows)}")
    W = table.W[[table.va_rows.index(r) for r in names]] * e.inv_x[None, :]
    mult = _mask_inactive(e, _row_multipliers(e, W))
    df = _concat(_cell_block(table, "primary_input_multiplier", mult[k], stressor=r, perimeter=_perimeter(table))
                 for k, r in enumerate(names))
    return tidy(df, method="primary-input multipliers (METHODS.md 1.4)", table=table,
                unit=f"{table.meta.unit} per {table.meta.unit} of final demand", options={"rows": names})


def import_content(table: IOTable, *, by_product: bool = False, engine: Engine | None = None) -> pd.DataFrame:
    """Import content a^M'L of a non-competitive table (METHODS.md 1.7): imported inputs, direct and indirect, per
    unit of final demand; with the domestic VA content v'L it sums to one.  ``by_product`` splits it by imported
    product (A^M L, one solve per product)."""
    e = _engine(table, engine)
    if e.Am is None:
        raise OptionError("import content needs a non-competitive table with imported intermediates (Zm); "
                          f"table {table.meta.label() or 'unnamed'} has none (convert competitive tables first, "
                          "METHODS.md 1.7)")
    blocks = [_cell_block(table, "import_content", _mask_inactive(e, e.solve_T(e.Am.sum(0))),
                          perimeter="domestic")]
    if by_product:
        by = _mask_inactive(e, _row_multipliers(e, e.Am))
        blocks += [_cell_block(table, "import_content_by_product", by[i], stressor=product, perimeter="domestic")
                   for i, product in enumerate(table.sectors)]
    return tidy(_concat(blocks), method="import content a^M'L (METHODS.md 1.7)", table=table,
                unit=f"{table.meta.unit} of imports per {table.meta.unit} of final demand",
                options={"by_product": by_product})


def satellite_multipliers(table: IOTable, satellites: str | Sequence[str] | None = None, *,
                          engine: Engine | None = None) -> pd.DataFrame:
    """Direct intensities S = F x^-1, total requirements S L and Type I ratio multipliers (S L)_q / S_q (NaN where
    S_q = 0) for employment, emissions or any satellite (METHODS.md 1.4; Miller & Blair 2009, ch. 6 and 10)."""
    e = _engine(table, engine)
    names = _satellite_names(table, satellites)
    S = _intensities(table, e, names)
    M = _satellite_multipliers(table, e, names)
    blocks = []
    for k, name in enumerate(names):
        unit = _satellite_unit(table, name)
        common = {"stressor": name, "perimeter": _perimeter(table)}
        blocks += [_cell_block(table, "intensity", _mask_inactive(e, S[k]), **common, unit=unit),
                   _cell_block(table, "satellite_multiplier", _mask_inactive(e, M[k]), **common, unit=unit),
                   _cell_block(table, "type1_ratio", _mask_inactive(e, safe_divide(M[k], S[k])), **common,
                               unit="ratio")]
    return tidy(_concat(blocks), method="satellite multipliers S L (METHODS.md 1.4)", table=table,
                unit="see column 'unit'", options={"satellites": names})


def type2_multipliers(table: IOTable, satellites: str | Sequence[str] | None = (), *,
                      labour_income_row: str = "COMP", household_category: str = "HFCE",
                      engine: Engine | None = None) -> pd.DataFrame:
    """Type II multipliers with households endogenous, one household sector per region (METHODS.md 1.4; Miller &
    Blair 2009, 6.2): A is bordered with the labour-income row h_r = COMP x^-1 of each region and its household
    consumption column h_c = household final demand / the region's labour income, and the top-left n x n block of
    the bordered inverse is L + L h_c (I - h_r L h_c)^-1 h_r L (a G x G solve; no new factorisation).

    Refuses (OptionError) when the table lacks the labour-income row or the household category, when a region's
    labour income is not positive, or when the closure is not productive.
    """
    e = _engine(table, engine)
    names = _satellite_names(table, satellites, required=False)
    where = f"table {table.meta.label() or 'unnamed'}"
    if labour_income_row not in table.va_rows:
        raise OptionError(f"Type II multipliers need a labour-income (compensation) primary-input row; {where} has "
                          f"{list(table.va_rows)} and no {labour_income_row!r} (pass labour_income_row=)")
    if household_category not in table.fd_categories:
        raise OptionError(f"Type II multipliers need household final demand; {where} has final-demand categories "
                          f"{list(table.fd_categories)} and no {household_category!r} (pass household_category=)")
    D = _region_indicator(table)
    compensation = table.W[table.va_rows.index(labour_income_row)]
    income = compensation @ D
    if np.any(income <= 0):
        bad = [table.regions[s] for s in np.flatnonzero(income <= 0)]
        raise OptionError(f"Type II closure impossible: labour income ({labour_income_row}) is not positive in "
                          f"region(s) {bad} of {where}")
    h_r = (compensation * e.inv_x)[None, :] * D.T  # G x n
    h_c = table.Y[:, :, table.fd_categories.index(household_category)] / income[None, :]  # n x G
    L_hc = e.solve(h_c)
    hr_L = e.solve_T(h_r.T).T
    induced = h_r @ L_hc  # labour income induced per unit of household income (G x G)
    rho = float(np.abs(np.linalg.eigvals(induced)).max())
    if rho >= RHO_MAX:
        raise OptionError(f"the household closure of {where} is not productive (spectral radius of h_r L h_c = "
                          f"{rho:.6f} >= 1): household spending per unit of labour income is inconsistent "
                          "with the table")
    rows = np.vstack([np.ones(table.n)] + ([_intensities(table, e, names)] if names else []))
    type1 = _row_multipliers(e, rows)
    type2 = type1 + (rows @ L_hc) @ np.linalg.solve(np.eye(table.G) - induced, hr_L)
    perimeter = _perimeter(table)
    blocks = [_cell_block(table, "output_multiplier", _mask_inactive(e, type1[0]), perimeter=perimeter,
                          unit="ratio"),
              _cell_block(table, "output_multiplier_type2", _mask_inactive(e, type2[0]), perimeter=perimeter,
                          unit="ratio")]
    for k, name in enumerate(names, start=1):
        common = {"stressor": name, "perimeter": perimeter}
        intensity = rows[k]
        blocks += [
            _cell_block(table, "satellite_multiplier", _mask_inactive(e, type1[k]), **common,
                        unit=_satellite_unit(table, name)),
            _cell_block(table, "satellite_multiplier_type2", _mask_inactive(e, type2[k]), **common,
                        unit=_satellite_unit(table, name)),
            _cell_block(table, "type1_ratio", _mask_inactive(e, safe_divide(type1[k], intensity)), **common,
                        unit="ratio"),
            _cell_block(table, "type2_ratio", _mask_inactive(e, safe_divide(type2[k], intensity)), **common,
                        unit="ratio")]
    return tidy(_concat(blocks), method="Type II multipliers, households endogenous (METHODS.md 1.4)",
                table=table, unit="see column 'unit'",
                options={"satellites": names, "labour_income_row": labour_income_row,
                         "household_category": household_category})


# ---------------------------------------------------------------------------------------------- footprints (1.4)
def _footprint_parts(table: IOTable, e: Engine, names: Sequence[str]):
    """Multipliers M = S L (m x n), household direct stressors (m x G) and the per-region production totals."""
    M = _satellite_multipliers(table, e, names)
    household = np.vstack([np.zeros(table.G) if table.satellites[s].household is None
                           else table.satellites[s].household for s in names])
    F = np.vstack([table.satellites[s].values for s in names])
    return M, household, F @ _region_indicator(table)


def _region_rows(table: IOTable, values: np.ndarray, names: Sequence[str], column: str, key: str
                 ) -> list[pd.DataFrame]:
    """Long rows (stressor, region, <column>, value, unit) of an m x G array."""
    return [pd.DataFrame({"stressor": name, "region": list(table.regions), column: key, "value": values[k],
                          "unit": table.satellites[name].unit}) for k, name in enumerate(names)]


def footprints(table: IOTable, satellites: str | Sequence[str] | None = None, *,
               engine: Engine | None = None) -> pd.DataFrame:
    """Production-based PBA = F D + F^hh and consumption-based CBA = S L Y + F^hh by region (METHODS.md 1.4;
    Peters 2008; Davis & Caldeira 2010), in satellite units.

    Tables with exports outside the model add ``embodied_in_exports`` = S L (ex by exporting region), so that
    world PBA = world CBA + embodied in exports; for closed tables world PBA = world CBA.
    """
    e = _engine(table, engine)
    names = _satellite_names(table, satellites)
    M, household, produced = _footprint_parts(table, e, names)
    D = _region_indicator(table)
    blocks = (_region_rows(table, produced + household, names, "account", "production_based")
              + _region_rows(table, M @ table.Y2 + household, names, "account", "consumption_based"))
    if table.exports is not None:
        blocks += _region_rows(table, M @ (table.exports[:, None] * D), names, "account", "embodied_in_exports")
    return tidy(_concat(blocks), method="production- and consumption-based accounts (METHODS.md 1.4)",
                table=table, unit="satellite units (column 'unit')", options={"satellites": names})


def footprints_by_category(table: IOTable, satellites: str | Sequence[str] | None = None, *,
                           engine: Engine | None = None) -> pd.DataFrame:
    """The consumption-based account split by final-demand category, S L Y_c, plus the direct household
    stressors as category ``household_direct`` (METHODS.md 1.4); the categories sum to CBA."""
    e = _engine(table, engine)
    names = _satellite_names(table, satellites)
    M, household, _ = _footprint_parts(table, e, names)
    by_category = np.einsum("mn,ngc->mgc", M, table.Y)
    blocks = [block for c, category in enumerate(table.fd_categories)
              for block in _region_rows(table, by_category[:, :, c], names, "fd_category", category)]
    blocks += _region_rows(table, household, names, "fd_category", "household_direct")
    return tidy(_concat(blocks), method="consumption-based account by final-demand category (METHODS.md 1.4)",
                table=table, unit="satellite units (column 'unit')", options={"satellites": names})


# ---------------------------------------------------------------------------------------------- MRIO split (1.2)
def multiplier_split(table: IOTable, *, engine: Engine | None = None) -> pd.DataFrame:
    """Split of the output multiplier of each cell's final demand into intra-regional u'L^D_rr, feedback
    u'(L_rr - L^D_rr) and spillover u'L_sr into each other region s (METHODS.md 1.2; Miller 1966; Round 1985).

    Rows carry a ``partner`` column: the own region for the first two, the receiving region for spillovers.  The
    parts sum to u'L.  Cost: G transposed solves plus the local inverses.
    """
    e = _engine(table, engine)
    G, N, n = table.G, table.N, table.n
    by_region = _mask_inactive(e, e.solve_T(_region_indicator(table)).T)  # (u_s' L_{s, q}) as G x n
    own = _own_region(table, by_region.T)
    intra = _mask_inactive(e, e.apply_LD_T(np.ones(n)))
    own_name = np.repeat(np.asarray(table.regions, dtype=object), N)
    blocks = [_cell_block(table, "intra_regional", intra, partner=own_name),
              _cell_block(table, "feedback", own - intra, partner=own_name)]
    blocks += [_cell_block(table, "spillover", by_region[s], partner=table.regions[s]) for s in range(G)]
    df = _concat(blocks)
    df = df[(df["indicator"] != "spillover") | (df["partner"] != df["region"])].reset_index(drop=True)
    return tidy(df, method="intra-regional / feedback / spillover split of output multipliers (METHODS.md 1.2)",
                table=table, unit=f"{table.meta.unit} of output per {table.meta.unit} of final demand")


# ---------------------------------------------------------------------------------------------- linkages (1.5)
def _linkage_weights(table: IOTable, e: Engine, weights, groups: np.ndarray) -> np.ndarray:
    """Normalisation weights: uniform over the active cells (default), 'output' or 'final_demand' shares, or a
    user vector; rescaled to sum to one over the active cells of each normalisation group."""
    active = e.active
    if weights is None:
        w = active.astype(float)
    elif isinstance(weights, str):
        _choice("weights", weights, ("output", "final_demand"))
        w = table.x.copy() if weights == "output" else table.y.copy()
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != (table.n,):
            raise OptionError(f"weights must have one entry per cell ({table.n}), not shape {w.shape}")
    w = np.where(active, w, 0.0)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
        cells = ", ".join(f"{table.cells[p][0]}/{table.cells[p][1]}" for p in bad[:8])
        raise OptionError(f"linkage weights must be finite and non-negative; they are not in {cells}")
    totals = np.bincount(groups, weights=w, minlength=groups.max() + 1)
    if np.any(totals[np.unique(groups[active])] <= 0):
        raise OptionError("linkage weights sum to zero over the active cells of a normalisation group")
    return w / np.where(totals > 0, totals, 1.0)[groups]


def _normalise(values: np.ndarray, w: np.ndarray, groups: np.ndarray, active: np.ndarray) -> np.ndarray:
    """values / (sum of w * values over the active cells of each group); NaN for zero-output cells."""
    level = np.bincount(groups, weights=np.where(active, w * values, 0.0), minlength=groups.max() + 1)
    out = safe_divide(values, level[groups])
    out[~active] = np.nan
    return out


def _column_cv(blocks: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rasmussen coefficient of variation of every column of a (g, m, m) stack over the active rows of its block:
    sqrt(sum_p (X_pq - c_q/n_a)^2 / (n_a - 1)) / (c_q / n_a), c_q the column sum over active rows."""
    rows = mask[:, :, None]
    n_active = mask.sum(1).astype(float)[:, None]
    mean = (blocks * rows).sum(1) / np.where(n_active > 0, n_active, np.nan)
    spread = (((blocks - mean[:, None, :]) ** 2) * rows).sum(1)
    sd = np.sqrt(spread / np.where(n_active > 1, n_active - 1, np.nan))
    return np.where(mask, safe_divide(sd, mean), np.nan)


def linkages(table: IOTable, *, forward_basis: str = "ghosh", weights=None, exclude_initial: bool = False,
             scope: str = "global", cv: bool = False, engine: Engine | None = None) -> pd.DataFrame:
    """Rasmussen-Hirschman backward and forward linkages and key-sector classes (METHODS.md 1.5; Rasmussen 1956;
    Hirschman 1958; Beyers 1976 and Jones 1976 for the Ghosh forward basis; Miller & Blair 2009, ch. 12).

    * column sums c' = u'L and row sums rho = G u (``forward_basis='ghosh'``) or L u (``'leontief'``), by solves;
    * BL = c / sum_k w_k c_k and FL likewise, with w uniform over the active cells (default) or ``weights`` =
      'output' | 'final_demand' | a vector, rescaled to sum to one over the active cells (of each region when
      ``scope='domestic'``, which uses the local inverses L^D_ss and normalises within each region);
    * ``exclude_initial`` uses L - I and G - I; ``cv`` adds Rasmussen's coefficients of variation (forms L);
    * global scope splits c into the own-region part u'_{c(q)} L_{c(q),q} and the spillover to other regions;
    * key-sector classes 1-4 (I key, II backward-oriented, III forward-oriented, IV weak) compare BL and FL with 1
      at a tolerance of 1e-12 (ties count as <= 1).
    Zero-output cells are NaN and excluded from every normalisation.
    """
    _choice("forward_basis", forward_basis, ("ghosh", "leontief"))
    _choice("scope", scope, ("global", "domestic"))
    e = _engine(table, engine)
    n, x, active = table.n, table.x, e.active
    ones = np.ones(n)
    if scope == "global":
        groups = np.zeros(n, dtype=int)
        col = e.solve_T(ones)
        row = e.ghosh_solve(ones) if forward_basis == "ghosh" else e.solve(ones)
    else:
        groups = table.region_of_cell
        col = e.apply_LD_T(ones)
        row = e.inv_x * e.apply_LD(x) if forward_basis == "ghosh" else e.apply_LD(ones)
    initial = 1.0 if exclude_initial else 0.0
    col, row = col - initial, row - initial
    w = _linkage_weights(table, e, weights, groups)
    BL, FL = _normalise(col, w, groups, active), _normalise(row, w, groups, active)
    high_B, high_F = BL > 1.0 + KEY_SECTOR_TOL, FL > 1.0 + KEY_SECTOR_TOL
    key_class = np.where(high_B & high_F, 1.0, np.where(high_B, 2.0, np.where(high_F, 3.0, 4.0)))
    key_class[~active] = np.nan
    blocks = [_cell_block(table, "backward_sum", _mask_inactive(e, col)),
              _cell_block(table, "forward_sum", _mask_inactive(e, row)),
              _cell_block(table, "backward_linkage", BL),
              _cell_block(table, "forward_linkage", FL)]
    if scope == "global" and table.G > 1:
        own = _own_region(table, e.solve_T(_region_indicator(table))) - initial
        blocks += [_cell_block(table, "backward_sum_own_region", _mask_inactive(e, own)),
                   _cell_block(table, "backward_sum_spillover", _mask_inactive(e, col - own))]
    if cv:
        cv_B, cv_F = _linkage_cv(table, e, forward_basis, scope, initial)
        blocks += [_cell_block(table, "cv_backward", cv_B), _cell_block(table, "cv_forward", cv_F)]
    blocks.append(_cell_block(table, "key_sector_class", key_class))
    return tidy(_concat(blocks), method="Rasmussen-Hirschman linkages and key sectors (METHODS.md 1.5)",
                table=table, unit="index (mean over active cells = 1)",
                options={"forward_basis": forward_basis, "weights": weights if isinstance(weights, str) or
                         weights is None else "user vector", "exclude_initial": exclude_initial, "scope": scope,
                         "cv": cv, "key_sector_tolerance": KEY_SECTOR_TOL})


def _linkage_cv(table: IOTable, e: Engine, forward_basis: str, scope: str, initial: float):
    """Backward (columns) and forward (rows) coefficients of variation on the explicit inverse or local blocks."""
    G, N, n = table.G, table.N, table.n
    if scope == "global":
        mask = e.active[None, :]
        backward = e.L[None, :, :]
        forward = (e.G_gh if forward_basis == "ghosh" else e.L)[None, :, :]
        eye = np.eye(n)
    else:
        mask = e.active.reshape(G, N)
        backward = e.LD_blocks
        x3 = table.x.reshape(G, N)
        inv_x3 = e.inv_x.reshape(G, N)
        forward = inv_x3[:, :, None] * e.LD_blocks * x3[:, None, :] if forward_basis == "ghosh" else e.LD_blocks
        eye = np.eye(N)
    cv_B = _column_cv(backward - initial * eye, mask).reshape(n)
    cv_F = _column_cv(np.swapaxes(forward, 1, 2) - initial * eye, mask).reshape(n)
    return cv_B, cv_F


# ---------------------------------------------------------------------------------------------- extraction (1.6)
HEM_VARIANTS = ("backward", "forward", "total", "complete")


@dataclass(frozen=True)
class ExtractionResult:
    """Hypothetical extraction of one set J: ``losses`` by cell (output and value-added loss, long) and
    ``totals`` (output and GDP losses, their shares, and the normalisers u'x and v'x)."""

    losses: pd.DataFrame
    totals: pd.DataFrame


def extraction_set(table: IOTable, cells=None, *, region: str | None = None, sector: str | None = None) -> np.ndarray:
    """Cell indices of an extraction set J: explicit ``cells`` ((region, sector) pairs or indices), or a whole
    ``region``, a ``sector`` in every region, or one region-sector."""
    if cells is not None:
        if region is not None or sector is not None:
            raise OptionError("give either cells= or region=/sector=, not both")
        picked = []
        for cell in cells:
            if isinstance(cell, (int, np.integer)):
                if not 0 <= int(cell) < table.n:
                    raise InputError(f"cell index {cell} is outside 0..{table.n - 1}")
                picked.append(int(cell))
            else:
                r, s = cell
                picked.append(table.region_index(r) * table.N + table.sector_index(s))
        J = np.unique(np.asarray(picked, dtype=int))
    elif region is not None and sector is not None:
        J = np.array([table.region_index(region) * table.N + table.sector_index(sector)])
    elif region is not None:
        J = table.region_index(region) * table.N + np.arange(table.N)
    elif sector is not None:
        J = np.arange(table.G) * table.N + table.sector_index(sector)
    else:
        raise OptionError("name the extracted cells: cells=, region= and/or sector=")
    if J.size == 0:
        raise OptionError("the extraction set is empty")
    if J.size == table.n:
        raise OptionError("the extraction set covers every cell; nothing is left to lose linkages with")
    return J


def _small_solve(M: np.ndarray, rhs: np.ndarray, what: str) -> np.ndarray:
    """The |J| x |J| (or 2|J|) solve of a Woodbury update; a singular update means the extracted system has no
    Leontief inverse."""
    try:
        return np.linalg.solve(M, rhs)
    except np.linalg.LinAlgError:
        raise SingularLeontiefError(f"the {what} extraction leaves a singular system (I + L_J Delta is "
                                    "singular); the extracted economy has no Leontief inverse") from None


def _extraction_loss(table: IOTable, e: Engine, J: np.ndarray, variant: str, theta: float) -> np.ndarray:
    """Delta x = x - x_bar by the Sherman-Morrison-Woodbury forms of METHODS.md 1.6 (no new n x n inverse)."""
    n, x = table.n, table.x
    in_J = np.zeros(n, dtype=bool)
    in_J[J] = True
    if variant == "backward":  # A_KJ <- (1 - theta) A_KJ; Delta = theta A (K x J), columns J
        U = theta * np.where(in_J[:, None], 0.0, e.A[:, J])
        LU = e.solve(U)
        return LU @ _small_solve(np.eye(J.size) + LU[J], x[J], variant)
    if variant == "forward":  # B_JK <- (1 - theta) B_JK; x_bar' = va' (I - B_bar)^-1
        V = theta * np.where(in_J[None, :], 0.0, e.B[J, :])  # Delta_J. (|J| x n)
        VG = e.ghosh_solve_T(V.T).T  # Delta_J. G (|J| x n)
        return VG.T @ _small_solve((np.eye(J.size) + VG[:, J]).T, x[J], variant)
    if variant == "total":  # both A_KJ and A_JK scaled: Delta = U V' of rank 2|J|
        P = theta * np.where(in_J[:, None], 0.0, e.A[:, J])
        Q = theta * np.where(in_J[None, :], 0.0, e.A[J, :])
        E_J = np.zeros((n, J.size))
        E_J[J, np.arange(J.size)] = 1.0
        LU = e.solve(np.hstack([P, E_J]))
        core = np.eye(2 * J.size) + np.vstack([LU[J], Q @ LU])
        return LU @ _small_solve(core, np.concatenate([x[J], Q @ x]), variant)
    # complete: delete J, so x_bar_J = 0 and x_bar_K = (I - A_KK)^-1 y_K.  As L_KJ = (I - A_KK)^-1 A_KJ L_JJ and
    # x_K = (I - A_KK)^-1 (y_K + A_KJ x_J), the loss is L_.J L_JJ^-1 x_J (its J rows are x_J itself).
    E_J = np.zeros((n, J.size))
    E_J[J, np.arange(J.size)] = 1.0
    L_J = e.solve(E_J)
    return L_J @ _small_solve(L_J[J], x[J], variant)


def _check_theta(variant: str, theta: float) -> None:
    _choice("variant", variant, HEM_VARIANTS)
    if not 0.0 <= theta <= 1.0:
        raise OptionError(f"theta (the extracted share of the linkages) must lie in [0, 1], not {theta}")
    if variant == "complete" and theta != 1.0:
        raise OptionError("the complete (deletion) extraction is all-or-nothing; use theta=1 or another variant")


def _base_totals(table: IOTable, e: Engine) -> tuple[float, float]:
    return float(table.x.sum()), float(e.v @ table.x)


def hypothetical_extraction(table: IOTable, cells=None, *, region: str | None = None, sector: str | None = None,
                            variant: str = "backward", theta: float = 1.0,
                            engine: Engine | None = None) -> ExtractionResult:
    """Hypothetical extraction of a set J of cells (METHODS.md 1.6; Strassert 1968; Cella 1984; Dietzenbacher,
    van der Linden & Steenge 1993; Miller & Lahr 2001; Miller & Blair 2009, 12.2).

    ``variant``: 'backward' (J stops buying from the rest K, Leontief), 'forward' (J stops selling to K, Ghosh),
    'total' (both; isolation) or 'complete' (J deleted, its own output lost).  ``theta`` in [0, 1] is the share of
    the linkages extracted.  Each costs one Woodbury update: |J| solves and a |J| x |J| (2|J| for 'total') solve.
    Shares are normalised by total output u'x and GDP v'x before extraction.
    """
    _check_theta(variant, theta)
    e = _engine(table, engine)
    J = extraction_set(table, cells, region=region, sector=sector)
    loss = _extraction_loss(table, e, J, variant, theta)
    total_output, gdp = _base_totals(table, e)
    output_loss, gdp_loss = float(loss.sum()), float(e.v @ loss)
    options = {"variant": variant, "theta": theta,
               "cells": [f"{table.cells[p][0]}/{table.cells[p][1]}" for p in J],
               "normalisers": {"output": "total output u'x", "gdp": "GDP v'x"}}
    method = f"hypothetical extraction, {variant} (METHODS.md 1.6)"
    losses = _concat([_cell_block(table, "output_loss", loss), _cell_block(table, "va_loss", e.v * loss)])
    totals = pd.DataFrame({
        "indicator": ["output_loss", "gdp_loss", "output_loss_share_of_total_output", "gdp_loss_share_of_gdp",
                      "total_output_base", "gdp_base"],
        "value": [output_loss, gdp_loss, output_loss / total_output if total_output else np.nan,
                  gdp_loss / gdp if gdp else np.nan, total_output, gdp]})
    return ExtractionResult(losses=tidy(losses, method=method, table=table, options=options),
                            totals=tidy(totals, method=method, table=table, options=options))


def extraction_single_cells(table: IOTable, *, variant: str = "backward", theta: float = 1.0,
                            engine: Engine | None = None) -> pd.DataFrame:
    """Extraction of every single cell at once (METHODS.md 1.6, the BL^HEM formula, J = {q}).

    Backward: loss_q(w) = theta x_q (w'L D^off)_q / (1 + theta (L D^off)_qq) with D^off = A - diag(A); since
    L A = L - I, (w'L D^off)_q = (w'L)_q (1 - a_qq) - w_q and (L D^off)_qq = L_qq (1 - a_qq) - 1, so one solve per
    weight w (u for output, v for GDP) and the diagonal of L suffice.  Forward (Ghosh) is the row analogue with
    G w and G_pp = L_pp.  Returns output and GDP losses and their shares of u'x and v'x.
    """
    _check_theta(variant, theta)
    _choice("variant", variant, ("backward", "forward"))
    e = _engine(table, engine)
    x = table.x
    diag_A = np.diag(e.A)
    alpha = theta * (np.diag(e.L) * (1.0 - diag_A) - 1.0)
    if np.any(1.0 + alpha <= 0):
        bad = np.flatnonzero(1.0 + alpha <= 0)
        raise SingularLeontiefError("extracting single cells leaves a singular system for "
                                    + ", ".join(f"{table.cells[p][0]}/{table.cells[p][1]}" for p in bad[:8])
                                    + " (1 + (L D^off)_qq <= 0; METHODS.md 1.6)")
    weights = np.vstack([np.ones(table.n), e.v])  # output, GDP
    if variant == "backward":
        through = e.solve_T(weights.T).T  # w'L
    else:
        through = e.ghosh_solve(weights.T).T  # (G w)'
    losses = theta * x * (through * (1.0 - diag_A) - weights) / (1.0 + alpha)
    total_output, gdp = _base_totals(table, e)
    df = _concat([_cell_block(table, "output_loss", losses[0]), _cell_block(table, "gdp_loss", losses[1]),
                  _cell_block(table, "output_loss_share_of_total_output", losses[0] / total_output),
                  _cell_block(table, "gdp_loss_share_of_gdp", losses[1] / gdp)])
    return tidy(df, method=f"hypothetical extraction of every single cell, {variant} (METHODS.md 1.6)", table=table,
                options={"variant": variant, "theta": theta, "total_output_base": total_output, "gdp_base": gdp,
                         "normalisers": {"output": "total output u'x", "gdp": "GDP v'x"}})


__all__ = [
    "ExtractionResult", "HEM_VARIANTS", "KEY_SECTOR_TOL", "extraction_set", "extraction_single_cells",
    "footprints", "footprints_by_category", "hypothetical_extraction", "import_content", "linkages",
    "multiplier_split", "output_multipliers", "primary_input_multipliers", "satellite_multipliers",
    "type2_multipliers", "value_added_by_origin", "value_added_multipliers",
]
