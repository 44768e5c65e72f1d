"""Industrial transfer, structural decomposition and the five trends (METHODS.md section 7).

* 7.1 :func:`sector_levels` (a year x region x sector panel of output, value added, a primary input or a
  satellite from tables), :func:`shift_share` (regional shares, transfer amount and speed, transfer intensity,
  the classic shift-share of Dunn 1960 and the homothetic split of Esteban-Marquillas 1972);
* 7.2 :func:`sda`: additive structural decomposition of the change in output, value added or a satellite between
  two table-years (Dietzenbacher & Los 1998): intensity, technology, intermediate trade pattern, final-demand
  level, category mix, product mix and sourcing, by the average of the two polar decompositions (default) or of
  all k! orders (``method='exact'``); the gap between the two is returned beside every effect (decision D16).
  :func:`common_classification` aggregates two tables to one sector and region list first; :func:`io_transfer`
  is the trade-pattern part of the output change (刘红光, 刘卫东 & 刘志高 2011);
* 7.3-7.7 the trends: :func:`regionalisation`, :func:`transfer_speed`, :func:`servitisation` and
  :func:`digital_intensity` (both :func:`sector_content`), :func:`emissions_in_trade` and :func:`decoupling`
  (Tapio 2005), :func:`hollowing_out` with the piecewise-linear :func:`trend_break`.

Comparisons across years use the tables as given: price deflation is the user's responsibility (METHODS.md 0.6-7
and 7.2), and results on current-price tables are nominal (every result says so in ``attrs['options']``).
Results are tidy long tables with provenance (``measures.result.tidy``).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import labels
from ..engine.leontief import Engine, engine_for, safe_divide
from ..errors import InputError, OptionError, TableWarning
from ..tables.aggregate import Concordance, aggregate
from ..tables.groups import CountryGroup, group, group_members, is_rest_of_world
from ..tables.model import IOTable
from .core import _choice, _region_indicator
from .perimeter import TradeContext, trade_context
from .result import tidy
from .sector_sets import SectorSets, sector_sets
from .vat import borin_mancini

#: what comparisons across years assume about prices (METHODS.md 7.2)
PRICES = "as given: nominal unless the user deflated the tables (deflation is the user's responsibility)"
#: unit of shares and ratios
RATIO = "ratio"
#: tolerance of the factor-product and additivity checks, relative to the largest entry (METHODS.md 8.5)
RTOL = 1e-8

SHIFT_SHARE_INDICATORS = (
    "level_start", "level_end", "level_change", "share_start", "share_end", "share_change", "transfer",
    "speed_pp_per_year", "national_growth_effect", "industry_mix_effect", "competitive_effect")
HOMOTHETIC_INDICATORS = ("homothetic_competitive_effect", "allocation_effect")
SDA_EFFECTS = ("intensity", "technology", "trade_intermediate", "fd_level", "fd_category_mix", "fd_product_mix",
               "fd_sourcing")
#: final-demand factors of METHODS.md 7.2 in decomposition order; ``categories='merged'`` drops the category mix
FD_FACTORS = ("fd_level", "fd_category_mix", "fd_product_mix", "fd_sourcing")
#: the destination of exports to outside the model (national tables and national MRIOs)
EXPORTS = "EXPORTS"

labels.register({
    "transfer.column.start": ("Start year", "起始年份"),
    "transfer.column.end": ("End year", "结束年份"),
    "transfer.column.effect": ("Effect", "效应"),
    "transfer.column.gap": ("Polar minus all-orders average", "两极平均减全排列平均"),
    "transfer.column.bloc": ("Bloc", "区域集团"),
    "transfer.column.statistic": ("Statistic", "统计量"),
    # 7.1
    "transfer.level_start": ("Level at the start year", "起始年水平"),
    "transfer.level_end": ("Level at the end year", "结束年水平"),
    "transfer.level_change": ("Change in level", "水平变化"),
    "transfer.share_start": ("Share of the sector total, start year", "起始年占部门总量比重"),
    "transfer.share_end": ("Share of the sector total, end year", "结束年占部门总量比重"),
    "transfer.share_change": ("Change in share", "比重变化"),
    "transfer.transfer": ("Transfer amount (+ in, - out)", "产业转移量（正为承接，负为转出）"),
    "transfer.speed_pp_per_year": ("Transfer speed (percentage points per year)", "转移速度（百分点/年）"),
    "transfer.national_growth_effect": ("Shift-share: total growth effect", "偏离份额：总体增长效应"),
    "transfer.industry_mix_effect": ("Shift-share: industry-mix effect", "偏离份额：产业结构效应"),
    "transfer.competitive_effect": ("Shift-share: competitive (regional shift) effect", "偏离份额：竞争力（区域偏离）效应"),
    "transfer.homothetic_competitive_effect": ("Esteban-Marquillas homothetic competitive effect",
                                               "Esteban-Marquillas 同位竞争力效应"),
    "transfer.allocation_effect": ("Esteban-Marquillas allocation effect", "Esteban-Marquillas 配置效应"),
    "transfer.world_level_start": ("Sector total, start year", "起始年部门总量"),
    "transfer.world_level_end": ("Sector total, end year", "结束年部门总量"),
    "transfer.sector_growth": ("Sector growth rate", "部门增长率"),
    "transfer.transfer_intensity": ("Transfer intensity (share of the sector relocated per year)",
                                    "转移强度（每年转移的部门份额）"),
    "transfer.transfer_intensity_period": ("Share of the sector relocated over the period", "期间转移的部门份额"),
    "transfer.net_transfer": ("Net transfer of the region", "地区净转移量"),
    "transfer.transfer_intensity_mean": ("Weighted mean transfer intensity of the sectors", "部门加权平均转移强度"),
    # 7.2
    "transfer.intensity": ("Intensity effect (value added or stressor per unit of output)", "强度效应（单位产出增加值或排放）"),
    "transfer.technology": ("Technology effect (input coefficients summed over origins)", "技术效应（投入系数）"),
    "transfer.trade_intermediate": ("Intermediate trade-pattern effect (origin shares of inputs)",
                                    "中间品贸易结构效应（投入来源份额）"),
    "transfer.fd_level": ("Final-demand level effect", "最终需求规模效应"),
    "transfer.fd_category_mix": ("Final-demand category-mix effect", "最终需求类别结构效应"),
    "transfer.fd_product_mix": ("Final-demand product-mix effect", "最终需求产品结构效应"),
    "transfer.fd_sourcing": ("Final-demand sourcing effect (origin shares of final goods)", "最终品来源结构效应"),
    "transfer.total_change": ("Total change", "总变化"),
    "transfer.io_transfer": ("IO-based transfer (trade-pattern effects on output)", "基于投入产出的产业转移（贸易结构效应）"),
    "transfer.output_change": ("Change in output", "产出变化"),
    "transfer.io_transfer_share": ("IO-based transfer as a share of the output change", "产业转移占产出变化比重"),
})


# ---------------------------------------------------------------------------------------------------------------
# helpers

def _by_year(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable]) -> dict[int, IOTable]:
    """Tables keyed by year (from a mapping, or from ``meta.year``), in year order."""
    if isinstance(tables, IOTable):
        tables = [tables]
    if isinstance(tables, Mapping):
        pairs = [(int(year), table) for year, table in tables.items()]
    else:
        pairs = []
        for table in tables:
            if table.meta.year is None:
                raise InputError(f"{table!r} has no year (meta.year); pass the tables as a mapping {{year: table}}")
            pairs.append((int(table.meta.year), table))
    years = [y for y, _ in pairs]
    if len(set(years)) != len(years):
        raise InputError(f"two tables share a year ({sorted(years)}); give one table per year")
    if not pairs:
        raise InputError("no tables given")
    return dict(sorted(pairs, key=lambda p: p[0]))


def _share_or_zero(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with 0 where den = 0: the share convention of the SDA factors (METHODS.md 7.2)."""
    return safe_divide(num, den, zero_div="zero")


def _cell_values(table: IOTable, measure: str) -> tuple[np.ndarray, str]:
    """Cell values of ``measure`` ('output', 'va', a primary-input row or a satellite) and their unit."""
    if measure == "output":
        return table.x, table.meta.unit
    if measure == "va":
        return table.va, table.meta.unit
    if measure in table.va_rows:
        return table.W[table.va_rows.index(measure)], table.meta.unit
    if measure in table.satellites:
        return table.satellites[measure].values, table.satellites[measure].unit
    raise OptionError(f"measure must be 'output', 'va', a primary-input row {list(table.va_rows)} or a satellite "
                      f"{list(table.satellites)} of {table!r}, not {measure!r}")


# ---------------------------------------------------------------------------------------------------------------
# 7.1 levels, shares and shift-share

def sector_levels(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], measure: str = "output", *,
                  groups: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """The panel X_rj(tau) of METHODS.md 7.1: columns year, region, sector, value (long).

    ``measure``: 'output' (x), 'va' (all primary inputs, x - Z'u), one primary-input row (e.g. LR-WIOD 'VA') or a
    satellite (e.g. employment).  ``groups={'MAN': [...]}`` sums the listed sectors into named groups and keeps
    only the groups.  Tables may come from any source: the panel is what :func:`shift_share` needs.
    """
    by_year = _by_year(tables)
    frames, units = [], set()
    for year, table in by_year.items():
        values, unit = _cell_values(table, measure)
        units.add(unit)
        X = values.reshape(table.G, table.N)
        sectors = list(table.sectors)
        if groups is not None:
            unknown = sorted({s for codes in groups.values() for s in codes} - set(table.sectors))
            if unknown:
                raise OptionError(f"sector groups name codes {unknown[:10]} that are not sectors of {table!r}")
            X = np.column_stack([X[:, [table.sector_index(s) for s in codes]].sum(1) for codes in groups.values()])
            sectors = list(groups)
        frames.append(pd.DataFrame({"year": year, "region": np.repeat(table.regions, len(sectors)),
                                    "sector": np.tile(sectors, table.G), "value": X.reshape(-1)}))
    if len(units) > 1:
        raise InputError(f"the tables measure {measure!r} in different units {sorted(units)}; convert them first")
    options = {"measure": measure, "prices": PRICES}
    if groups is not None:
        options["groups"] = {k: list(v) for k, v in groups.items()}
    first = next(iter(by_year.values()))
    return tidy(pd.concat(frames, ignore_index=True), method=f"panel of {measure} by region and sector (METHODS.md "
                "7.1)", table=first, unit=units.pop(), options=options)


def _panel(levels: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = levels[levels["year"] == year]
    if rows.empty:
        raise InputError(f"the panel has no year {year}; it has {sorted(levels['year'].unique().tolist())}")
    wide = rows.pivot_table(index="region", columns="sector", values="value", aggfunc="sum", sort=False)
    return wide


@dataclass(frozen=True)
class ShiftShareResult:
    """Shift-share of one period (METHODS.md 7.1): by region and sector (``cells``), by sector (``sectors``: the
    sector totals, growth and transfer intensity) and by region (``regions``: net transfer and level change)."""

    cells: pd.DataFrame
    sectors: pd.DataFrame
    regions: pd.DataFrame


def shift_share(levels: pd.DataFrame, start: int, end: int, *, homothetic: bool = False) -> ShiftShareResult:
    """Regional shares, transfer amount and speed, and shift-share between two years (METHODS.md 7.1; Dunn 1960;
    Esteban-Marquillas 1972).

    ``levels``: a :func:`sector_levels` panel (year, region, sector, value); the sector total X_j sums all regions
    of the panel.  sigma_rj = X_rj / X_j; transfer T_rj = X_rj(end) - sigma_rj(start) X_j(end) = d sigma X_j(end)
    (positive: transferred in, 承接); speed = 100 d sigma / d tau (pp per year); transfer intensity TI_j =
    1/2 sum_r |d sigma_rj| / d tau.  Shift-share: d X_rj = X_rj g + X_rj (g_j - g) + X_rj (g_rj - g_j), with g
    over all regions and sectors of the panel; the competitive effect equals T_rj (I22).  Where X_rj(start) = 0
    the whole change is competitive.  ``homothetic=True`` splits the competitive effect into the homothetic
    effect X^_rj (g_rj - g_j), X^_rj = X_r X_j / X, and the allocation effect (X_rj - X^_rj)(g_rj - g_j)
    (NaN where X_rj(start) = 0).  A sector with X_j(start) = 0 is new: only its levels are defined.
    """
    if end <= start:
        raise OptionError(f"the end year ({end}) must come after the start year ({start})")
    W0, W1 = _panel(levels, start), _panel(levels, end)
    if set(W0.index) != set(W1.index) or set(W0.columns) != set(W1.columns):
        raise InputError(
            f"regions or sectors differ between {start} and {end} (only in {start}: "
            f"{sorted(set(W0.index) - set(W1.index)) + sorted(set(W0.columns) - set(W1.columns))}; only in {end}: "
            f"{sorted(set(W1.index) - set(W0.index)) + sorted(set(W1.columns) - set(W0.columns))}); apply a "
            "concordance first (tables.aggregate)")
    W1 = W1.loc[W0.index, W0.columns]
    regions, sectors = list(W0.index), list(W0.columns)
    X0, X1 = W0.to_numpy(float), W1.to_numpy(float)
    span = end - start
    Xj0, Xj1 = X0.sum(0), X1.sum(0)
    sigma0, sigma1 = safe_divide(X0, Xj0[None, :]), safe_divide(X1, Xj1[None, :])
    d_sigma = sigma1 - sigma0
    new_sector = np.broadcast_to(Xj0 == 0, X0.shape)
    transfer = np.where(Xj1[None, :] != 0, d_sigma * Xj1[None, :], X1 - np.nan_to_num(sigma0) * Xj1[None, :])
    transfer[new_sector] = np.nan
    g = safe_divide(X1.sum() - X0.sum(), X0.sum())
    g_j = safe_divide(Xj1 - Xj0, Xj0)[None, :]
    g_rj = safe_divide(X1 - X0, X0)
    present = X0 != 0
    national = X0 * g
    mix = X0 * (g_j - g)
    competitive = np.where(present, X0 * (g_rj - g_j), X1 - X0)
    competitive[new_sector] = np.nan
    mix[new_sector] = np.nan
    values = {"level_start": X0, "level_end": X1, "level_change": X1 - X0, "share_start": sigma0, "share_end": sigma1,
              "share_change": d_sigma, "transfer": transfer, "speed_pp_per_year": 100.0 * d_sigma / span,
              "national_growth_effect": national, "industry_mix_effect": mix, "competitive_effect": competitive}
    if homothetic:
        X_r0 = X0.sum(1, keepdims=True)
        expected = safe_divide(X_r0 * Xj0[None, :], np.full_like(X0, X0.sum()))
        differential = np.where(present, g_rj - g_j, np.nan)
        values["homothetic_competitive_effect"] = expected * differential
        values["allocation_effect"] = (X0 - expected) * differential
    unit = levels.attrs.get("unit", "")
    ratio_like = {"share_start", "share_end", "share_change"}
    cells = pd.concat([pd.DataFrame({"start": start, "end": end, "region": np.repeat(regions, len(sectors)),
                                     "sector": np.tile(sectors, len(regions)), "indicator": key,
                                     "value": np.asarray(arr, float).reshape(-1),
                                     "unit": RATIO if key in ratio_like else
                                     "percentage points per year" if key == "speed_pp_per_year" else unit})
                       for key, arr in values.items()], ignore_index=True)
    relocated = 0.5 * np.abs(d_sigma).sum(0)
    relocated[Xj0 == 0] = np.nan
    sector_values = {"world_level_start": (Xj0, unit), "world_level_end": (Xj1, unit),
                     "sector_growth": (g_j[0], RATIO), "transfer_intensity": (relocated / span, "share per year"),
                     "transfer_intensity_period": (relocated, RATIO)}
    by_sector = pd.concat([pd.DataFrame({"start": start, "end": end, "sector": sectors, "indicator": key,
                                         "value": arr, "unit": u}) for key, (arr, u) in sector_values.items()],
                          ignore_index=True)
    region_values = {"net_transfer": np.nansum(transfer, 1), "level_change": (X1 - X0).sum(1)}
    by_region = pd.concat([pd.DataFrame({"start": start, "end": end, "region": regions, "indicator": key,
                                         "value": arr, "unit": unit}) for key, arr in region_values.items()],
                          ignore_index=True)
    options = {**levels.attrs.get("options", {}), "start": start, "end": end, "homothetic": homothetic,
               "growth_base": "all regions and sectors of the panel"}
    method = "shares, transfer and shift-share (METHODS.md 7.1)"
    return ShiftShareResult(*(_tidy_from(df, levels, method=method, unit="see column 'unit'", options=options)
                              for df in (cells, by_sector, by_region)))


def _tidy_from(df: pd.DataFrame, origin: pd.DataFrame, *, method: str, unit: str, options: dict) -> pd.DataFrame:
    """``tidy`` for results computed from another result: the source and citation are the origin's."""
    tidy(df, method=method, unit=unit, options=options)
    df.attrs.update({key: origin.attrs.get(key, "") for key in ("source", "citation")})
    return df


# ---------------------------------------------------------------------------------------------------------------
# 7.2 structural decomposition analysis

def common_classification(table0: IOTable, table1: IOTable, *, sectors0: Concordance | None = None,
                          sectors1: Concordance | None = None, regions0: Concordance | None = None,
                          regions1: Concordance | None = None) -> tuple[IOTable, IOTable]:
    """Both tables on one sector and region list, as SDA needs (METHODS.md 7.2: "concordance first").

    Each table is aggregated by its own concordances (:func:`dualcirc.tables.aggregate.aggregate`), then the
    second is put in the first one's order.  InputError lists the codes that still differ.
    """
    first, second = aggregate(table0, sectors0, regions0), aggregate(table1, sectors1, regions1)
    for what, a, b in (("sector", first.sectors, second.sectors), ("region", first.regions, second.regions)):
        if set(a) != set(b):
            raise InputError(f"after aggregation the {what}s still differ: only in the first table "
                             f"{sorted(set(a) - set(b))[:15]}, only in the second {sorted(set(b) - set(a))[:15]}; "
                             f"give {what} concordances that map both to one list")
    if second.sectors != first.sectors or second.regions != first.regions:
        second = aggregate(second, sectors={s: s for s in first.sectors}, regions={r: r for r in first.regions})
    return first, second


def _check_pair(table0: IOTable, table1: IOTable) -> None:
    if table0.regions != table1.regions or table0.sectors != table1.sectors:
        raise InputError("the two tables must have the same regions and sectors in the same order (METHODS.md 7.2); "
                         "use common_classification() with concordances first")
    for what in ("exports", "Zm", "Ym"):
        if (getattr(table0, what) is None) != (getattr(table1, what) is None):
            raise InputError(f"one table has {what} (foreign trade outside the model) and the other has not; "
                             "both must keep foreign trade the same way")


def _check_product(rebuilt: np.ndarray, original: np.ndarray, what: str, where: Callable[[tuple], str]) -> None:
    """The factors must reproduce the array (METHODS.md 7.2); zero totals over non-zero entries cannot."""
    gap = np.abs(rebuilt - original)
    scale = max(1.0, float(np.abs(original).max(initial=0.0)))
    if gap.max(initial=0.0) > RTOL * scale:
        worst = np.unravel_index(int(np.argmax(gap)), gap.shape)
        raise InputError(f"the SDA factors do not reproduce {what}: entries of opposite sign cancel to a zero "
                         f"total at {where(worst)} (METHODS.md 7.2); merge the categories (categories='merged') "
                         "or aggregate the sectors involved")


@dataclass(frozen=True)
class _Factors:
    """SDA factors of one table-year (METHODS.md 7.2): ``weight`` v or f (None for output), technology ``Abar``
    (N x n, inputs summed over origins, imports included), intermediate sourcing ``TA`` (n x n) and the
    final-demand factors ``fd`` (level G', category mix G' x C, product mix N x G' x C, sourcing n x G' x C)."""

    weight: np.ndarray | None
    Abar: np.ndarray
    TA: np.ndarray
    fd: dict[str, np.ndarray]


def _fd_array(fd: Mapping[str, np.ndarray], G: int) -> np.ndarray:
    """Y = F C S T^Y (n x G' x C) from the final-demand factors."""
    sourcing = fd["fd_sourcing"]
    N = fd["fd_product_mix"].shape[0]
    product = fd["fd_product_mix"] * (fd["fd_level"][:, None] * fd["fd_category_mix"])[None]
    return (sourcing.reshape(G, N, *sourcing.shape[1:]) * product[None]).reshape(sourcing.shape)


def _factorise(table: IOTable, engine: Engine, weight: np.ndarray | None, categories: tuple[str, ...]) -> _Factors:
    """The factors of one table; ``categories`` is the common category list (one entry 'FD' when merged)."""
    G, N, n = table.G, table.N, table.n
    A = engine.A
    Abar = A.reshape(G, N, n).sum(0) + (engine.Am if engine.Am is not None else 0.0)
    Abar_cells = np.tile(Abar, (G, 1))
    TA = _share_or_zero(A, Abar_cells)
    cell = table.cells
    _check_product(Abar_cells * TA, A, "the intermediate coefficients A = Abar T^A",
                   lambda at: f"input product {cell[at[0]][1]} of cell {cell[at[1]][0]}/{cell[at[1]][1]}")
    merged = categories == ("FD",)
    destinations = list(table.regions) + ([EXPORTS] if table.exports is not None else [])
    Y = np.zeros((n, len(destinations), len(categories)))
    Ym = np.zeros((N, len(destinations), len(categories)))
    for k, category in enumerate(table.fd_categories):
        c = 0 if merged else categories.index(category)
        Y[:, :G, c] += table.Y[:, :, k]
        if table.Ym is not None:
            Ym[:, :G, c] += table.Ym[:, :, k]
    if table.exports is not None:
        Y[:, G, 0] = table.exports   # exports: one destination of one category, so its category mix is constant
    product = Y.reshape(G, N, *Y.shape[1:]).sum(0) + Ym
    by_category = product.sum(0)
    level = by_category.sum(1)
    fd = {"fd_level": level,
          "fd_category_mix": np.ones_like(by_category) if merged else _share_or_zero(by_category, level[:, None]),
          "fd_product_mix": _share_or_zero(product, by_category[None]),
          "fd_sourcing": _share_or_zero(Y.reshape(G, N, *Y.shape[1:]), product[None]).reshape(Y.shape)}
    _check_product(_fd_array(fd, G), Y, "final demand Y = F C S T^Y",
                   lambda at: f"destination {destinations[at[1]]}, category {categories[at[2]]}, product "
                              f"{table.sectors[at[0] % N]}")
    return _Factors(weight, Abar, TA, fd)


def _order_weights(k: int, method: str) -> list[dict[int, float]]:
    """For each factor j of a k-factor chain, {mask of the other factors taken at tau_1: weight} of its effect
    sum_mask w [f(mask + j) - f(mask)] (METHODS.md 7.2).

    'polar': the mean of the sequential decompositions in order 1..k (factors before j at tau_1) and k..1 (factors
    after j at tau_1); 'exact': the mean over all k! orders, i.e. Shapley weights |S|! (k - |S| - 1)! / k!.
    Both are exact: each order telescopes, and Shapley weights are efficient.
    """
    out = []
    for j in range(k):
        weights: dict[int, float] = {}
        if method == "polar":
            for mask in (sum(1 << i for i in range(j)), sum(1 << i for i in range(j + 1, k))):
                weights[mask] = weights.get(mask, 0.0) + 0.5
        else:
            others = [i for i in range(k) if i != j]
            for size in range(k):
                w = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
                for subset in itertools.combinations(others, size):
                    weights[sum(1 << i for i in subset)] = w
        out.append(weights)
    return out


def _attribute(evaluate: Callable[[int], np.ndarray], k: int, method: str) -> list[np.ndarray]:
    """The effect of each of k factors on f, by differences of evaluations at masks (factors at tau_1)."""
    cache: dict[int, np.ndarray] = {}

    def at(mask: int) -> np.ndarray:
        if mask not in cache:
            cache[mask] = evaluate(mask)
        return cache[mask]

    return [sum(w * (at(mask | 1 << j) - at(mask)) for mask, w in weights.items())
            for j, weights in enumerate(_order_weights(k, method))]


METHODS = ("polar", "exact")


def _sda_arrays(table0: IOTable, table1: IOTable, measure: str, fd_names: tuple[str, ...],
                categories: tuple[str, ...]) -> tuple[dict[str, dict[str, np.ndarray]], np.ndarray]:
    """Cell effects of both methods {method: {effect: n-vector}} and the model total change (METHODS.md 7.2).

    Top chain (w, L, y) (w = v or f; (L, y) for output).  The L effect is linear in Delta L, and Delta L =
    1/2 [L1 dA L0 + L0 dA L1] with dA = dA_tech + dA_trade by the two-factor rule on Abar T^A; the y effect is
    linear in Delta y, split over the final-demand factors by the same averaging.  Only solves with each table's
    LU factors are used.
    """
    engines = (engine_for(table0), engine_for(table1))
    G = table0.G
    weights = []
    for table, engine in zip((table0, table1), engines):
        if measure == "output":
            weights.append(None)
        elif measure == "va":
            weights.append(engine.v)
        else:
            values, _ = _cell_values(table, measure)
            inactive = (~engine.active) & (values != 0)
            if inactive.any():
                warnings.warn(f"{int(inactive.sum())} zero-output cell(s) of {table!r} carry {measure}; they have "
                              "no output to attach it to and are left out of the decomposition (METHODS.md 7.6)",
                              TableWarning, stacklevel=4)
            weights.append(values * engine.inv_x)
    f0, f1 = (_factorise(t, e, w, categories) for t, e, w in zip((table0, table1), engines, weights))
    fd_all = tuple(f0.fd)

    def y_at(mask: int) -> np.ndarray:
        chosen = {name: (f1 if name in fd_names and mask >> fd_names.index(name) & 1 else f0).fd[name]
                  for name in fd_all}
        return _fd_array(chosen, G).sum((1, 2))

    y = (y_at(0), y_at((1 << len(fd_names)) - 1))
    Ly = [[engines[c].solve(y[b]) for b in (0, 1)] for c in (0, 1)]
    Abar0, Abar1 = np.tile(f0.Abar, (G, 1)), np.tile(f1.Abar, (G, 1))
    dA = {"technology": 0.5 * (Abar1 - Abar0) * (f0.TA + f1.TA),
          "trade_intermediate": 0.5 * (Abar0 + Abar1) * (f1.TA - f0.TA)}
    del Abar0, Abar1
    dLy = {part: [0.5 * (engines[1].solve(d @ Ly[0][b]) + engines[0].solve(d @ Ly[1][b])) for b in (0, 1)]
           for part, d in dA.items()}
    del dA
    weighted = f0.weight is not None
    w = (f0.weight, f1.weight) if weighted else (np.ones(table0.n), np.ones(table0.n))
    top = ("intensity", "L", "y") if weighted else ("L", "y")
    bit = {name: 1 << k for k, name in enumerate(top)}

    def index(mask: int, name: str) -> int:
        return int(bool(name in bit and mask & bit[name]))

    out = {}
    for method in METHODS:
        dy = dict(zip(fd_names, _attribute(y_at, len(fd_names), method)))
        stacked = np.column_stack([dy[name] for name in fd_names])
        L_dy = [engines[c].solve(stacked) for c in (0, 1)]
        top_weights = dict(zip(top, _order_weights(len(top), method)))
        effects = {}
        if weighted:
            effects["intensity"] = sum(wt * (w[1] - w[0]) * Ly[index(m, "L")][index(m, "y")]
                                       for m, wt in top_weights["intensity"].items())
        for part in ("technology", "trade_intermediate"):
            effects[part] = sum(wt * w[index(m, "intensity")] * dLy[part][index(m, "y")]
                                for m, wt in top_weights["L"].items())
        for k, name in enumerate(fd_names):
            effects[name] = sum(wt * w[index(m, "intensity")] * L_dy[index(m, "L")][:, k]
                                for m, wt in top_weights["y"].items())
        out[method] = effects
    total = w[1] * Ly[1][1] - w[0] * Ly[0][0]
    return out, total


def sda(table0: IOTable, table1: IOTable, *, measure: str = "va", method: str = "polar",
        categories: str = "split") -> pd.DataFrame:
    """Additive structural decomposition of the change in ``measure`` from ``table0`` to ``table1`` by cell
    (METHODS.md 7.2; Dietzenbacher & Los 1998; Miller & Blair 2009, ch. 13).

    ``measure``: 'va' (v-hat L y; intensity = value added per unit of output), 'output' (L y) or a satellite
    (f-hat L y).  Effects (column ``effect``): intensity, technology (input coefficients summed over origins,
    imports included), trade_intermediate (origin shares of inputs), fd_level (total final demand of each
    destination), fd_category_mix, fd_product_mix and fd_sourcing (origin shares of final goods), and
    total_change = measure(tau_1) - measure(tau_0) from the model.  Tables with foreign trade outside the model
    take imports as an origin outside the table and exports as a destination (EXPORTS).
    ``method``: 'polar' (default; mean of the two polar decompositions) or 'exact' (mean of all k! orders); the
    column ``gap`` is polar minus exact.  ``categories='merged'`` sums the final-demand categories first (no
    category-mix factor), which avoids extreme shares where a category (inventories) nets to about zero.
    Both tables must share regions and sectors (:func:`common_classification`); the effects add up to the total
    in every cell (asserted).  Prices: as given, so deflate first for real changes.
    """
    _choice("method", method, METHODS)
    _choice("categories", categories, ("split", "merged"))
    _check_pair(table0, table1)
    _cell_values(table0, measure)
    _cell_values(table1, measure)
    if categories == "merged":
        common, fd_names = ("FD",), tuple(n for n in FD_FACTORS if n != "fd_category_mix")
    else:
        common = table0.fd_categories + tuple(c for c in table1.fd_categories if c not in table0.fd_categories)
        fd_names = FD_FACTORS
    arrays, total = _sda_arrays(table0, table1, measure, fd_names, common)
    chosen, other = arrays[method], arrays["exact" if method == "polar" else "polar"]
    parts = sum(chosen.values())
    scale = max(1.0, float(np.abs(total).max()))
    if float(np.abs(parts - total).max()) > RTOL * scale:
        raise AssertionError(f"SDA effects do not add up to the total change (max gap "
                             f"{float(np.abs(parts - total).max()):.3e} on a scale of {scale:.3e}; METHODS.md 7.2)")
    sign = 1.0 if method == "polar" else -1.0
    names = [e for e in SDA_EFFECTS if e in chosen]
    frames = [pd.DataFrame({"region": np.repeat(table0.regions, table0.N), "sector": np.tile(table0.sectors, table0.G),
                            "effect": name, "value": chosen[name], "gap": sign * (chosen[name] - other[name])})
              for name in names]
    frames.append(pd.DataFrame({"region": np.repeat(table0.regions, table0.N),
                                "sector": np.tile(table0.sectors, table0.G), "effect": "total_change",
                                "value": total, "gap": 0.0}))
    df = pd.concat(frames, ignore_index=True)
    df["effect"] = pd.Categorical(df["effect"], categories=names + ["total_change"])
    _, unit = _cell_values(table1, measure)
    df["unit"] = unit
    return tidy(df, method=f"additive SDA, {method} average (METHODS.md 7.2)", table=table1, unit=unit,
                options={"measure": measure, "method": method, "categories": categories,
                         "final_demand_categories": list(common), "start": table0.meta.label(),
                         "end": table1.meta.label(), "gap": "polar minus all-orders average", "prices": PRICES})


def io_transfer(table0: IOTable, table1: IOTable, *, method: str = "polar") -> pd.DataFrame:
    """IO-based transfer (METHODS.md 7.1; 刘红光, 刘卫东 & 刘志高 2011, not verified): the part of each region's
    output change that the SDA of :func:`sda` attributes to the trade patterns T^A and T^Y (trade_intermediate +
    fd_sourcing).  It is not zero-sum across regions; ``attrs['options']['sum_over_regions']`` reports the sum.
    """
    result = sda(table0, table1, measure="output", method=method, categories="merged")
    by_region = result.pivot_table(index="region", columns="effect", values="value", aggfunc="sum", sort=False,
                                   observed=True).reindex(list(table0.regions))
    moved = by_region["trade_intermediate"] + by_region["fd_sourcing"]
    change = by_region["total_change"]
    frame = pd.DataFrame({"region": list(table0.regions) * 3,
                          "indicator": np.repeat(["io_transfer", "output_change", "io_transfer_share"], table0.G),
                          "value": np.concatenate([moved, change, safe_divide(moved.to_numpy(), change.to_numpy())]),
                          "unit": np.repeat([table1.meta.unit, table1.meta.unit, RATIO], table0.G)})
    return tidy(frame, method="IO-based transfer: trade-pattern effects of the output SDA (METHODS.md 7.1, 7.2)",
                table=table1, unit="see column 'unit'",
                options={**result.attrs["options"], "sum_over_regions": float(moved.sum())})


# ---------------------------------------------------------------------------------------------------------------
# trends: shared pieces

labels.register({
    # 7.3
    "transfer.intra_va_exports": ("VA exports of members to other members", "成员间增加值出口"),
    "transfer.va_exports": ("VA exports of members", "成员增加值出口"),
    "transfer.intra_va_exports_share": ("Intra-bloc share of VA exports", "区域内增加值出口占比"),
    "transfer.intra_fva": ("Members' VA in other members' exports", "成员出口中其他成员的增加值"),
    "transfer.fva": ("Foreign VA in members' exports (BM)", "成员出口中的国外增加值（BM）"),
    "transfer.intra_fva_share": ("Intra-bloc share of foreign VA in exports (backward regionalisation)",
                                 "出口国外增加值的区域内占比（后向区域化）"),
    "transfer.intra_gvc_trade": ("GVC-related exports of members to other members", "成员间全球价值链相关出口"),
    "transfer.gvc_trade": ("GVC-related exports of members (gross exports - DAVAX)", "成员全球价值链相关出口（总出口-DAVAX）"),
    "transfer.intra_gvc_trade_share": ("Intra-bloc share of GVC-related trade", "全球价值链相关贸易的区域内占比"),
    "transfer.members_exports": ("Gross exports of members", "成员总出口"),
    "transfer.gvc_participation": ("Trade-based GVC participation of members (GVC / gross exports)",
                                   "成员基于贸易的全球价值链参与度（GVC/总出口）"),
    "transfer.gvc_participation_backward": ("Backward trade-based GVC participation (GVCB / gross exports)",
                                            "后向全球价值链参与度（GVCB/总出口）"),
    "transfer.gvc_participation_forward": ("Forward trade-based GVC participation (GVCF / gross exports)",
                                           "前向全球价值链参与度（GVCF/总出口）"),
    "transfer.regional_chain_va": ("Members' VA crossing national but not bloc borders (C2)", "跨国界但不跨集团边界的增加值（C2）"),
    "transfer.global_chain_va": ("Members' VA crossing bloc borders (C3)", "跨集团边界的增加值（C3）"),
    "transfer.regional_chain_index": ("Regionalisation index C2 / (C2 + C3)", "区域化指数 C2/(C2+C3)"),
    # trend statistics
    "transfer.first": ("First value", "首年值"),
    "transfer.last": ("Last value", "末年值"),
    "transfer.change_pp": ("Change (percentage points)", "变化（百分点）"),
    "transfer.annual_change_pp": ("Change per year (percentage points)", "年均变化（百分点）"),
    "transfer.slope_pp": ("Least-squares trend (percentage points per year)", "最小二乘趋势（百分点/年）"),
})


@dataclass(frozen=True)
class TrendResult:
    """A trend measure over table-years: ``levels`` by year (long), ``trend`` the change of each share over the
    years (percentage points: first to last, per year, and the least-squares slope) and optional ``detail``."""

    levels: pd.DataFrame
    trend: pd.DataFrame
    detail: pd.DataFrame | None = None


def _trend(levels: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Change of every ratio indicator over the years, by ``keys`` + indicator (METHODS.md 7.3: annual pp or slope)."""
    columns = [*keys, "indicator", "first_year", "last_year", "statistic", "value", "unit"]
    shares = levels[levels["unit"] == RATIO]
    if shares.empty:
        return pd.DataFrame(columns=columns)
    wide = shares.pivot_table(index=[*keys, "indicator"], columns="year", values="value", sort=False, observed=True)
    all_years = wide.columns.to_numpy(float)
    stats = ("first", "last", "change_pp", "annual_change_pp", "slope_pp")
    units = (RATIO, RATIO, "percentage points", "percentage points per year", "percentage points per year")
    rows, values, spans = [], [], []
    for key, series in zip(wide.index, wide.to_numpy(float)):
        ok = np.isfinite(series)
        if ok.sum() < 2:
            continue
        years, v = all_years[ok], series[ok]
        span = years[-1] - years[0]
        slope = np.polyfit(years, v, 1)[0] if years.size > 2 else (v[-1] - v[0]) / span
        rows.append(key if isinstance(key, tuple) else (key,))
        spans.append((int(years[0]), int(years[-1])))
        values.append((v[0], v[-1], 100.0 * (v[-1] - v[0]), 100.0 * (v[-1] - v[0]) / span, 100.0 * slope))
    if not rows:
        return pd.DataFrame(columns=columns)
    k = len(stats)
    frame = pd.DataFrame(np.repeat(np.array(rows, dtype=object), k, axis=0), columns=[*keys, "indicator"])
    frame["first_year"] = np.repeat([a for a, _ in spans], k)
    frame["last_year"] = np.repeat([b for _, b in spans], k)
    frame["statistic"] = np.tile(stats, len(rows))
    frame["value"] = np.asarray(values, float).reshape(-1)
    frame["unit"] = np.tile(units, len(rows))
    return frame[columns]


def _trend_result(frames: list[pd.DataFrame], keys: Sequence[str], *, method: str, table: IOTable, options: dict,
                  detail: list[pd.DataFrame] | None = None) -> TrendResult:
    levels = pd.concat(frames, ignore_index=True)
    options = {**options, "prices": PRICES}
    out = [tidy(levels, method=method, table=table, unit="see column 'unit'", options=options),
           tidy(_trend(levels, keys), method=f"{method}: change over the years", table=table, unit="see column 'unit'",
                options=options)]
    extra = None
    if detail:
        extra = tidy(pd.concat(detail, ignore_index=True), method=method, table=table, unit="see column 'unit'",
                     options=options)
    return TrendResult(*out, extra)


def _absorption(table: IOTable, engine: Engine) -> tuple[np.ndarray, np.ndarray]:
    """L Y (n x G, by one multi-right-hand-side solve) and VAOD = D' v-hat L Y (G x G; METHODS.md 2.1)."""
    LY = engine.solve(table.Y2)
    vaod = (engine.v[:, None] * LY).reshape(table.G, table.N, table.G).sum(1)
    return LY, vaod


def _closed(table: IOTable, what: str) -> None:
    if table.has_open_foreign_sector:
        raise InputError(f"{what} needs an inter-country table in which every exporter and importer is a region; "
                         f"{table!r} keeps foreign trade outside the model (METHODS.md 7.3, 7.6)")


def _content_in_exports(ctx: TradeContext, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Domestic lambda_w e and foreign psi_w e content of each cell's gross exports for an n-vector of weights w
    (v masked to a sector set, or emission intensities f): the Borin-Mancini (2019) exporter/source DVA and FVA
    with v replaced by w (METHODS.md 7.5, 7.6; 2.5.1).  lambda_w' = w' L^D; psi_w' = phi^F_w' (I + M_s)^-1."""
    domestic = ctx.apply_LD_T(weights)
    by_origin = (ctx.D * weights[:, None]).T @ ctx.L                  # Phi_w (G' x n)
    foreign = by_origin.sum(0) - by_origin[ctx.uc, np.arange(ctx.n)]
    return domestic * ctx.e, ctx.solve_F(foreign, transpose=True) * ctx.e


# ---------------------------------------------------------------------------------------------------------------
# 7.3 regionalisation

def _bloc_members(table: IOTable, bloc: str | CountryGroup | Sequence[str], membership_year: int | None
                  ) -> tuple[str, list[str]]:
    if isinstance(bloc, (str, CountryGroup)) and not (isinstance(bloc, str) and bloc in table.regions):
        grp = bloc if isinstance(bloc, CountryGroup) else group(bloc, membership_year)
        return grp.name, group_members(table, grp)
    codes = [bloc] if isinstance(bloc, str) else list(bloc)
    unknown = [c for c in codes if c not in table.regions]
    rest = [c for c in codes if is_rest_of_world(c)]
    if unknown or rest:
        raise OptionError(f"bloc members {unknown or rest} are not countries of {table!r} (the rest of the world never "
                          "counts as a member; METHODS.md 7.3)")
    return "BLOC", codes


def _regionalisation_year(table: IOTable, name: str, members: Sequence[str]) -> dict[str, tuple[float, str]]:
    G, N = table.G, table.N
    inside = np.isin(np.asarray(table.regions), members)
    off = ~np.eye(G, dtype=bool)
    intra, exports_of_members = np.outer(inside, inside) & off, inside[:, None] & off
    engine = engine_for(table)
    _, vaod = _absorption(table, engine)
    ctx = trade_context(table)
    z = ctx.solve_F(ctx.e[:, None])[:, 0]                              # (I + M_s)^-1 e_s
    fva_origin = ((ctx.v[:, None] * (ctx.L @ ctx.spread(z))).reshape(G, N, G).sum(1))  # [t, s]: FVA_{t -> s}
    bm = borin_mancini(table, level="bilateral")
    terms = {}
    for term in ("GEXP", "GVC", "GVCB", "GVCF"):
        rows = bm[bm["term"] == term]
        mat = np.zeros((G, G))
        mat[rows["exporter"].cat.codes.to_numpy(), rows["importer"].cat.codes.to_numpy()] = rows["value"].to_numpy()
        terms[term] = mat
    bloc_ctx = trade_context(table, {name: list(members)}) if len(members) > 1 else ctx
    x_regional = bloc_ctx.apply_LD(bloc_ctx.yD)                      # L^N y^N (N = the bloc)
    x_national = ctx.apply_LD(ctx.yD)                                 # L^P y^P (P = the country)
    cells = np.repeat(inside, N)
    c2 = float((engine.v * (x_regional - x_national))[cells].sum())
    c3 = float((engine.v * (table.x - x_regional))[cells].sum())
    unit = table.meta.unit
    exports = terms["GEXP"][exports_of_members].sum()
    levels = {
        "intra_va_exports": vaod[intra].sum(), "va_exports": vaod[exports_of_members].sum(),
        "intra_fva": fva_origin[intra].sum(), "fva": fva_origin[off & inside[None, :]].sum(),
        "intra_gvc_trade": terms["GVC"][intra].sum(), "gvc_trade": terms["GVC"][exports_of_members].sum(),
        "members_exports": exports, "regional_chain_va": c2, "global_chain_va": c3}
    out = {key: (float(value), unit) for key, value in levels.items()}
    ratios = {"intra_va_exports_share": ("intra_va_exports", "va_exports"),
              "intra_fva_share": ("intra_fva", "fva"), "intra_gvc_trade_share": ("intra_gvc_trade", "gvc_trade")}
    for key, (num, den) in ratios.items():
        out[key] = (float(safe_divide(levels[num], levels[den])), RATIO)
    out["gvc_participation"] = (float(safe_divide(levels["gvc_trade"], exports)), RATIO)
    out["gvc_participation_backward"] = (float(safe_divide(terms["GVCB"][exports_of_members].sum(), exports)), RATIO)
    out["gvc_participation_forward"] = (float(safe_divide(terms["GVCF"][exports_of_members].sum(), exports)), RATIO)
    out["regional_chain_index"] = (float(safe_divide(c2, c2 + c3)), RATIO)
    return out


def regionalisation(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable],
                    bloc: str | CountryGroup | Sequence[str], *, membership_year: int | None = None) -> TrendResult:
    """Regionalisation of value chains within a bloc over table-years (METHODS.md 7.3, trend 1).

    ``bloc``: a group name of :mod:`dualcirc.tables.groups` (RCEP, EU, ASEAN, ...) taken with its membership of
    ``membership_year`` (default: the latest) in *every* year, so the list is fixed for the analysis; or a list of
    region codes.  The rest of the world is never a member.  Per year: intra-bloc shares of members' VA exports
    (VAOD), of the foreign VA in their exports (FVA_{t->s} = v_t' L_ts (I + M_s)^-1 e_s, Borin-Mancini source) and
    of their GVC-related trade (E - DAVAX, BM); members' trade-based GVC participation (GVC, GVCB and GVCF over
    gross exports, as ADB's trade-based rates); and the regionalisation index C2 / (C2 + C3) of the nested split
    of 4.3(b) with the bloc in place of the nation.  With every region in the bloc each intra share is 1.
    """
    by_year = _by_year(tables)
    frames, name, members_seen = [], None, {}
    for year, table in by_year.items():
        _closed(table, "regionalisation")
        name, members = _bloc_members(table, bloc, membership_year)
        if not members:
            raise InputError(f"no region of the {year} table belongs to the bloc {name}")
        members_seen[year] = members
        values = _regionalisation_year(table, name, members)
        frames.append(pd.DataFrame({"year": year, "bloc": name, "indicator": list(values),
                                    "value": [v for v, _ in values.values()], "unit": [u for _, u in values.values()]}))
    last = by_year[max(by_year)]
    options = {"bloc": name, "membership_year": membership_year, "members": members_seen}
    return _trend_result(frames, ["bloc"], method="regionalisation of value chains (METHODS.md 7.3)", table=last,
                         options=options)


# ---------------------------------------------------------------------------------------------------------------
# 7.4 speed of inter-regional transfer

def transfer_speed(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], *,
                   sectors: Sequence[str] | None = None, measures: Sequence[str] = ("output", "va")) -> pd.DataFrame:
    """Speed of inter-regional transfer per period between consecutive table-years (METHODS.md 7.4, trend 2).

    For each measure (output- and VA-based by default) and period: the transfer intensity TI_j of every sector in
    ``sectors`` (default: the manufacturing sectors of the table's list, :mod:`.sector_sets`) and their weighted
    mean, weights = the sector's world level averaged over the period's two years.  Rows with sector
    ``ALL`` hold the mean.  Per-region speeds and transfer amounts are in :func:`shift_share`.
    """
    by_year = _by_year(tables)
    if len(by_year) < 2:
        raise InputError("transfer speed needs at least two table-years")
    first = next(iter(by_year.values()))
    chosen = list(sectors) if sectors is not None else list(sector_sets(first, need=("manufacturing",)).manufacturing)
    rows = []
    years = list(by_year)
    for measure in measures:
        levels = sector_levels(by_year, measure)
        for start, end in zip(years[:-1], years[1:]):
            per = shift_share(levels, start, end).sectors
            wide = per.pivot(index="sector", columns="indicator", values="value").reindex(chosen)
            ti = wide["transfer_intensity"].to_numpy(float)
            weight = 0.5 * (wide["world_level_start"] + wide["world_level_end"]).to_numpy(float)
            ok = np.isfinite(ti) & np.isfinite(weight)
            mean = float(safe_divide((ti * weight)[ok].sum(), weight[ok].sum()))
            rows += [{"measure": measure, "start": start, "end": end, "sector": s, "indicator": "transfer_intensity",
                      "value": v, "unit": "share per year"} for s, v in zip(chosen, ti)]
            rows.append({"measure": measure, "start": start, "end": end, "sector": "ALL",
                         "indicator": "transfer_intensity_mean", "value": mean, "unit": "share per year"})
    return tidy(pd.DataFrame(rows), method="speed of inter-regional transfer (METHODS.md 7.4)",
                table=by_year[years[-1]], unit="share per year",
                options={"sectors": chosen, "measures": list(measures), "weights": "sector world level, mean of the "
                         "period's two years", "prices": PRICES})


# ---------------------------------------------------------------------------------------------------------------
# 7.5 / 7.7 content of a sector set (servitisation, digitalisation)

labels.register({
    "transfer.direct_share": ("Direct input share (sum of a_iq over the set / all inputs)", "直接投入占比（直接消耗系数）"),
    "transfer.direct_intensity": ("Direct input coefficient of the set", "直接消耗系数之和"),
    "transfer.complete_share": ("Complete input share ((L - I) over the set / all)", "完全消耗占比"),
    "transfer.complete_share_domestic": ("Complete input share, domestic inputs only (L^D)", "完全消耗占比（仅国内，L^D）"),
    "transfer.complete_intensity": ("Complete input coefficient of the set (sum of (L - I))", "完全消耗系数之和"),
    "transfer.va_share": ("VA of the set in final output (v'L over the set)", "最终产品中该组部门增加值占比"),
    "transfer.va_share_domestic": ("VA of the set in final output: same region", "最终产品中该组部门增加值占比：本地区"),
    "transfer.va_share_foreign": ("VA of the set in final output: other regions", "最终产品中该组部门增加值占比：其他地区"),
    "transfer.exports": ("Gross exports", "总出口"),
    "transfer.exports_dva": ("Domestic VA of the set in exports (BM)", "出口中该组部门的国内增加值（BM）"),
    "transfer.exports_fva": ("Foreign VA of the set in exports (BM)", "出口中该组部门的国外增加值（BM）"),
    "transfer.exports_va": ("VA of the set in exports (BM, no double counting)", "出口中该组部门的增加值（BM，无重复计算）"),
    "transfer.exports_va_share": ("Share of the set's VA in exports (BM)", "出口中该组部门增加值占比（BM）"),
    "transfer.exports_tiva": ("VA of the set in exports (TiVA style, with double counting)",
                              "出口中该组部门增加值（TiVA口径，含重复计算）"),
    "transfer.exports_tiva_share": ("Share of the set's VA in exports (TiVA style)", "出口中该组部门增加值占比（TiVA口径）"),
})

#: cell indicators of sector_content and the cell weights of their region aggregates (ratios of weighted sums)
_CONTENT_WEIGHTS = {"direct_share": "output", "direct_intensity": "output", "complete_share": "output",
                    "complete_share_domestic": "output", "complete_intensity": "output",
                    "va_share": "final", "va_share_domestic": "final", "va_share_foreign": "final"}


def _content_cells(table: IOTable, members: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per using cell: numerators and denominators of the shares, and the levels (METHODS.md 7.5, 7.7)."""
    engine = engine_for(table)
    G, N, n = table.G, table.N, table.n
    in_set = np.tile(members, G).astype(float)
    Abar = engine.A.reshape(G, N, n).sum(0) + (engine.Am if engine.Am is not None else 0.0)
    ones = np.ones(n)
    set_and_all = np.column_stack([in_set, ones])
    complete = engine.solve_T(set_and_all) - set_and_all
    local = engine.apply_LD_T(set_and_all) - set_and_all
    weights = engine.v * in_set
    by_origin = engine.solve_T(weights[:, None] * _region_indicator(table))      # (D' w-hat L)' (n x G)
    own = by_origin[np.arange(n), table.region_of_cell]
    total = by_origin.sum(1)
    num = {"direct_share": Abar[members].sum(0), "direct_intensity": Abar[members].sum(0),
           "complete_share": complete[:, 0], "complete_share_domestic": local[:, 0],
           "complete_intensity": complete[:, 0], "va_share": total, "va_share_domestic": own,
           "va_share_foreign": total - own}
    den = {"direct_share": Abar.sum(0), "direct_intensity": ones, "complete_share": complete[:, 1],
           "complete_share_domestic": local[:, 1], "complete_intensity": ones, "va_share": ones,
           "va_share_domestic": ones, "va_share_foreign": ones}
    return num, den


def sector_content(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], sectors: Sequence[str], *,
                   users: Sequence[str] | None = None) -> TrendResult:
    """Content of a sector set (services, digital sectors, ...) in the inputs, final output and exports of the
    using sectors ``users`` (default: all) over table-years (METHODS.md 7.5 and 7.7; decision D19).

    Per using cell (``detail``): direct input share sum_{i in S} a_iq / sum_i a_iq (origins summed, imports
    included) and the direct coefficient; complete shares over (L - I) and over the local (L^D - I); the VA of the
    set in final output v_S'L (same-region and other-region parts); and for inter-country tables its VA in gross
    exports, Borin-Mancini style (domestic lambda_S e + foreign psi_S e, no double counting; the default of D19)
    and TiVA style (v_S'L e, with double counting).  By region (``levels``), over the users: ratios of sums
    weighted by output x (input shares and coefficients: the direct share is then the set's share of all inputs
    used), by final demand y (VA shares) and by exports e.  ``trend`` gives the change in pp over the years.
    """
    by_year = _by_year(tables)
    frames, detail = [], []
    for year, table in by_year.items():
        unknown = [s for s in [*sectors, *(users or ())] if s not in table.sectors]
        if unknown:
            raise OptionError(f"sectors {unknown[:10]} are not sectors of the {year} table {table!r}")
        members = np.isin(np.asarray(table.sectors), list(sectors))
        using = np.tile(np.isin(np.asarray(table.sectors), list(users)) if users is not None
                        else np.ones(table.N, bool), table.G)
        num, den = _content_cells(table, members)
        weight = {"output": table.x * using, "final": table.y * using}
        cell_values = {k: safe_divide(num[k], den[k]) for k in num}
        region_values = {k: (num[k] * weight[basis], den[k] * weight[basis]) for k, basis in _CONTENT_WEIGHTS.items()}
        units = {k: RATIO for k in cell_values}
        if not table.has_open_foreign_sector:
            ctx = trade_context(table)
            in_set = np.tile(members, table.G).astype(float)
            dva, fva = _content_in_exports(ctx, ctx.v * in_set)
            tiva = num["va_share"] * ctx.e
            exports = {"exports": ctx.e, "exports_dva": dva, "exports_fva": fva, "exports_va": dva + fva,
                       "exports_tiva": tiva}
            cell_values.update(exports)
            cell_values["exports_va_share"] = safe_divide(dva + fva, ctx.e)
            cell_values["exports_tiva_share"] = safe_divide(tiva, ctx.e)
            units.update(dict.fromkeys(exports, table.meta.unit))
            units.update({"exports_va_share": RATIO, "exports_tiva_share": RATIO})
            for key, arr in exports.items():
                region_values[key] = (arr * using, None)
            region_values["exports_va_share"] = ((dva + fva) * using, ctx.e * using)
            region_values["exports_tiva_share"] = (tiva * using, ctx.e * using)
        D = _region_indicator(table)
        for key, (numer, denom) in region_values.items():
            value = numer @ D if denom is None else safe_divide(numer @ D, denom @ D)
            frames.append(pd.DataFrame({"year": year, "region": list(table.regions), "indicator": key, "value": value,
                                        "unit": units[key]}))
        cells = np.flatnonzero(using)
        active = engine_for(table).active[cells]
        region_of = np.repeat(np.asarray(table.regions, dtype=object), table.N)[cells]
        sector_of = np.tile(np.asarray(table.sectors, dtype=object), table.G)[cells]
        detail += [pd.DataFrame({"year": year, "region": region_of, "sector": sector_of, "indicator": key,
                                 "value": np.where(active, np.asarray(arr, float)[cells], np.nan), "unit": units[key]})
                   for key, arr in cell_values.items()]
    last = by_year[max(by_year)]
    options = {"sectors": list(sectors), "users": list(users) if users is not None else "all",
               "exports_content": "Borin-Mancini exporter/source (default, D19) and TiVA style"}
    return _trend_result(frames, ["region"], method="content of a sector set in inputs, final output and exports "
                         "(METHODS.md 7.5, 7.7)", table=last, options=options, detail=detail)


def _named_content(result: TrendResult, name: str, sets: SectorSets) -> TrendResult:
    """A :func:`sector_content` result under the trend's own name, recording the sector sets it used."""
    for frame in (result.levels, result.trend, result.detail):
        frame.attrs["method"] = f"{name}: " + frame.attrs["method"]
        frame.attrs["options"]["sector_sets"] = f"{sets.classification}: {sets.note}".strip(": ")
    return result


def servitisation(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], *,
                  services: Sequence[str] | None = None, manufacturing: Sequence[str] | None = None) -> TrendResult:
    """Servitisation of manufacturing (服务化; METHODS.md 7.5, trend 3): :func:`sector_content` of the service
    sectors (ISIC Rev. 4 G-U by default) in manufacturing (ISIC C) inputs, final goods and exports."""
    first = next(iter(_by_year(tables).values()))
    sets = sector_sets(first, services=services, manufacturing=manufacturing, need=("services", "manufacturing"))
    return _named_content(sector_content(tables, sets.services, users=sets.manufacturing), "servitisation", sets)


def digital_intensity(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], *,
                      digital: Sequence[str] | None = None, users: Sequence[str] | None = None) -> TrendResult:
    """Digital intensity (智能化; METHODS.md 7.7, trend 5): :func:`sector_content` of the digital sectors (OECD
    taxonomy: ISIC Rev. 4 26 and 58-63, or the closest groups of the table's list) in every sector (or
    ``users``).  Digital and non-digital VA shares of final output add up to v'L = 1."""
    first = next(iter(_by_year(tables).values()))
    sets = sector_sets(first, digital=digital, need=("digital",))
    return _named_content(sector_content(tables, sets.digital, users=users), "digital intensity", sets)


# ---------------------------------------------------------------------------------------------------------------
# 7.6 greening

labels.register({
    "transfer.pba": ("Production-based emissions (PBA)", "生产侧排放（PBA）"),
    "transfer.cba": ("Consumption-based emissions (CBA)", "消费侧排放（CBA）"),
    "transfer.eee": ("Emissions embodied in exports (EEE)", "出口隐含排放（EEE）"),
    "transfer.eei": ("Emissions embodied in imports (EEI)", "进口隐含排放（EEI）"),
    "transfer.beet": ("Balance of emissions embodied in trade (EEE - EEI)", "贸易隐含排放差额（EEE-EEI）"),
    "transfer.household_direct": ("Direct household emissions", "居民直接排放"),
    "transfer.eebt_exports": ("Emissions in exports, domestic technology (sum of EEBT)", "出口隐含排放（国内技术，EEBT 合计）"),
    "transfer.eebt_domestic_final": ("Emissions for own final demand, domestic technology (f'L^D Y_ss)",
                                     "本国最终需求隐含排放（国内技术）"),
    "transfer.exports_foreign_emissions": ("Foreign emissions in exports (BM, psi_f e)", "出口中的国外排放（BM）"),
    "transfer.gdp": ("GDP (value added)", "国内生产总值（增加值）"),
    "transfer.vax": ("Value-added exports (VAX)", "增加值出口（VAX）"),
    "transfer.gross_exports": ("Gross exports", "总出口"),
    "transfer.gross_imports": ("Gross imports", "总进口"),
    "transfer.emissions_per_gdp": ("Emissions per unit of GDP (PBA / GDP)", "单位GDP排放（PBA/GDP）"),
    "transfer.export_carbon_intensity": ("Emissions in exports per unit of VA exports (EEE / VAX)", "出口碳强度（EEE/VAX）"),
    "transfer.embodied_intensity_exports": ("Embodied intensity of gross exports (f'L^D e / EX)",
                                            "总出口隐含强度（f'L^D e/EX）"),
    "transfer.pollution_terms_of_trade": ("Pollution terms of trade ((EEE/EX) / (EEI/IM))",
                                          "污染贸易条件（(EEE/EX)/(EEI/IM)）"),
    "transfer.eebt": ("Bilateral emissions embodied in trade, domestic technology (EEBT)", "双边贸易隐含排放（国内技术，EEBT）"),
})


def _emissions_year(table: IOTable, satellite: str) -> tuple[dict[str, tuple[np.ndarray, str]], np.ndarray]:
    """Per-region accounts (METHODS.md 7.6) and the bilateral EEBT matrix (G x G) of one table."""
    engine = engine_for(table)
    ctx = trade_context(table)
    sat = table.satellites[satellite]
    stray = (~engine.active) & (sat.values != 0)
    if stray.any():
        warnings.warn(f"{int(stray.sum())} zero-output cell(s) of {table!r} carry {satellite} "
                      f"({', '.join(f'{table.cells[p][0]}/{table.cells[p][1]}' for p in np.flatnonzero(stray)[:5])}): "
                      "a data error; they are left out of every account (METHODS.md 7.6)", TableWarning, stacklevel=4)
    f = sat.values * engine.inv_x
    household = np.zeros(table.G) if sat.household is None else sat.household
    D = _region_indicator(table)
    LY, vaod = _absorption(table, engine)
    embodied = (f[:, None] * LY).T @ D                                  # [r, t]: emissions of t for demand of r
    by_pair = embodied.T                                                 # [t, r]
    off = ~np.eye(table.G, dtype=bool)
    pba = (f * table.x) @ D + household
    eee = np.where(off, by_pair, 0.0).sum(1)
    eei = np.where(off, by_pair, 0.0).sum(0)
    cba = by_pair.sum(0) + household
    lam_f = ctx.apply_LD_T(f)
    eebt = D.T @ (lam_f[:, None] * ctx.E)                               # [s, r] = f_s' L^D_ss E_sr
    own_final = (lam_f * ctx.yD) @ D
    _, foreign = _content_in_exports(ctx, f)
    gdp, vax = table.gdp(), np.where(off, vaod, 0.0).sum(1)
    ex, im = ctx.e @ D, ctx.E.sum(0)
    unit = sat.unit
    per_money = f"{unit} per {table.meta.unit}"
    accounts = {
        "pba": (pba, unit), "cba": (cba, unit), "eee": (eee, unit), "eei": (eei, unit), "beet": (eee - eei, unit),
        "household_direct": (household, unit), "eebt_exports": (eebt.sum(1), unit),
        "eebt_domestic_final": (own_final, unit), "exports_foreign_emissions": (foreign @ D, unit),
        "gdp": (gdp, table.meta.unit), "vax": (vax, table.meta.unit), "gross_exports": (ex, table.meta.unit),
        "gross_imports": (im, table.meta.unit),
        "emissions_per_gdp": (safe_divide(pba, gdp), per_money),
        "export_carbon_intensity": (safe_divide(eee, vax), per_money),
        "embodied_intensity_exports": (safe_divide(eebt.sum(1), ex), per_money),
        "pollution_terms_of_trade": (safe_divide(safe_divide(eee, ex), safe_divide(eei, im)), RATIO),
    }
    return accounts, eebt


def emissions_in_trade(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], satellite: str) -> TrendResult:
    """Emissions (any satellite) embodied in trade over table-years (METHODS.md 7.6, trend 4; Peters 2008; Davis &
    Caldeira 2010; Peters et al. 2011).

    By region (``levels``): PBA = f'x_s + F^hh_s, CBA = f'L Y_.s + F^hh_s, EEE, EEI and their balance; the
    domestic-technology accounts of Peters (2008): sum_r EEBT_{s->r} (f_s' L^D_ss E_sr) and f_s' L^D_ss Y_ss, which
    close production emissions (I23); the foreign emissions in exports psi_f e (Borin-Mancini with f for v); and
    the intensities PBA/GDP, EEE/VAX, f_s'L^D_ss e_s / EX_s and the pollution terms of trade (EEE/EX)/(EEI/IM).
    ``detail``: bilateral EEBT.  f = emissions / x; cells without output carry none (flagged).  Inter-country
    tables only.  The WIOD 2013 tables carry no emissions: use a table with a satellite (e.g. EXIOBASE, EORA).
    """
    by_year = _by_year(tables)
    frames, detail = [], []
    for year, table in by_year.items():
        _closed(table, "emissions embodied in trade")
        if satellite not in table.satellites:
            raise OptionError(f"the {year} table {table!r} has no satellite {satellite!r}; it has "
                              f"{list(table.satellites) or 'none'} (the WIOD 2013 tables carry no emissions)")
        accounts, eebt = _emissions_year(table, satellite)
        frames += [pd.DataFrame({"year": year, "region": list(table.regions), "indicator": key, "value": values,
                                 "unit": unit}) for key, (values, unit) in accounts.items()]
        detail.append(pd.DataFrame({"year": year, "exporter": np.repeat(table.regions, table.G),
                                    "importer": np.tile(table.regions, table.G), "indicator": "eebt",
                                    "value": eebt.reshape(-1), "unit": table.satellites[satellite].unit}))
    last = by_year[max(by_year)]
    return _trend_result(frames, ["region"], method=f"{satellite} embodied in trade (METHODS.md 7.6)", table=last,
                         options={"satellite": satellite}, detail=detail)


#: Tapio (2005) decoupling classes by the signs of the GDP and emission changes and the elasticity thresholds
TAPIO_LOW, TAPIO_HIGH = 0.8, 1.2

labels.register({
    "transfer.tapio.strong_decoupling": ("Strong decoupling", "强脱钩"),
    "transfer.tapio.weak_decoupling": ("Weak decoupling", "弱脱钩"),
    "transfer.tapio.expansive_coupling": ("Expansive coupling", "扩张连接"),
    "transfer.tapio.expansive_negative_decoupling": ("Expansive negative decoupling", "扩张负脱钩"),
    "transfer.tapio.strong_negative_decoupling": ("Strong negative decoupling", "强负脱钩"),
    "transfer.tapio.weak_negative_decoupling": ("Weak negative decoupling", "弱负脱钩"),
    "transfer.tapio.recessive_coupling": ("Recessive coupling", "衰退连接"),
    "transfer.tapio.recessive_decoupling": ("Recessive decoupling", "衰退脱钩"),
    "transfer.tapio.undefined": ("Undefined (no GDP change)", "无法判定（GDP无变化）"),
    "transfer.emissions_growth": ("Emissions growth over the period", "期间排放增长率"),
    "transfer.gdp_growth": ("GDP growth over the period", "期间GDP增长率"),
    "transfer.decoupling_elasticity": ("Decoupling elasticity (%d emissions / %d GDP)", "脱钩弹性（排放变化率/GDP变化率）"),
})


def tapio_class(emissions_growth: float, gdp_growth: float) -> str:
    """Tapio (2005) decoupling class of one period from the growth rates of emissions and GDP (thresholds 0.8 and
    1.2 of the elasticity e = %d emissions / %d GDP): with growing GDP, emissions falling = strong decoupling,
    e < 0.8 weak decoupling, 0.8-1.2 expansive coupling, > 1.2 expansive negative decoupling; with falling GDP,
    emissions growing = strong negative decoupling, e > 1.2 recessive decoupling, 0.8-1.2 recessive coupling,
    < 0.8 weak negative decoupling."""
    if not np.isfinite(gdp_growth) or not np.isfinite(emissions_growth) or gdp_growth == 0:
        return "undefined"
    e = emissions_growth / gdp_growth
    if gdp_growth > 0:
        if emissions_growth < 0:
            return "strong_decoupling"
        return ("weak_decoupling" if e < TAPIO_LOW else "expansive_coupling" if e <= TAPIO_HIGH
                else "expansive_negative_decoupling")
    if emissions_growth > 0:
        return "strong_negative_decoupling"
    return ("weak_negative_decoupling" if e < TAPIO_LOW else "recessive_coupling" if e <= TAPIO_HIGH
            else "recessive_decoupling")


def decoupling(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], satellite: str, *,
               account: str = "production") -> pd.DataFrame:
    """Tapio (2005) decoupling of emissions from GDP per region between consecutive table-years (METHODS.md 7.6).

    ``account``: 'production' (PBA) or 'consumption' (CBA).  Rows: emissions_growth, gdp_growth and the
    elasticity, each with the column ``tapio_class`` (a label key transfer.tapio.*).  GDP is the table's value
    added: use deflated tables for real GDP (nominal otherwise).
    """
    _choice("account", account, ("production", "consumption"))
    result = emissions_in_trade(tables, satellite).levels
    key = "pba" if account == "production" else "cba"
    wide = result[result["indicator"].isin([key, "gdp"])].pivot_table(
        index=["region", "year"], columns="indicator", values="value", sort=False)
    years = sorted(result["year"].unique())
    if len(years) < 2:
        raise InputError("decoupling needs at least two table-years")
    rows = []
    for start, end in zip(years[:-1], years[1:]):
        for region in pd.unique(result["region"]):
            a, b = wide.loc[(region, start)], wide.loc[(region, end)]
            growth_e = float(safe_divide(b[key] - a[key], a[key]))
            growth_g = float(safe_divide(b["gdp"] - a["gdp"], a["gdp"]))
            cls = tapio_class(growth_e, growth_g)
            elasticity = float(safe_divide(growth_e, growth_g))
            rows += [{"start": start, "end": end, "region": region, "indicator": name, "value": value,
                      "unit": RATIO, "tapio_class": f"transfer.tapio.{cls}"}
                     for name, value in (("emissions_growth", growth_e), ("gdp_growth", growth_g),
                                         ("decoupling_elasticity", elasticity))]
    return _tidy_from(pd.DataFrame(rows), result, method=f"Tapio (2005) decoupling of {satellite} ({account}) from "
                      "GDP (METHODS.md 7.6)", unit=RATIO,
                      options={"satellite": satellite, "account": account, "thresholds": [TAPIO_LOW, TAPIO_HIGH],
                               "gdp": "table value added; " + PRICES})


# ---------------------------------------------------------------------------------------------------------------
# hollowing-out signals

labels.register({
    "transfer.manufacturing_va_share": ("Manufacturing share of GDP", "制造业增加值占GDP比重"),
    "transfer.manufacturing_output_share": ("Manufacturing share of gross output", "制造业占总产出比重"),
    "transfer.manufacturing_employment_share": ("Manufacturing share of employment", "制造业就业占比"),
    "transfer.break_year": ("Break year (least squares)", "断点年份（最小二乘）"),
    "transfer.slope_before_pp": ("Trend before the break (pp per year)", "断点前趋势（百分点/年）"),
    "transfer.slope_after_pp": ("Trend after the break (pp per year)", "断点后趋势（百分点/年）"),
    "transfer.ssr_linear": ("Sum of squared residuals, one line", "残差平方和（单一直线）"),
    "transfer.ssr_break": ("Sum of squared residuals, broken line", "残差平方和（折线）"),
    "transfer.f_statistic": ("F statistic of the break (nominal)", "断点 F 统计量（名义）"),
    "transfer.accelerated_decline": ("Share falling after the break, and faster than before (1 = yes)",
                                     "断点后比重下降且快于断点前（1=是）"),
})


def trend_break(years: Sequence[float], values: Sequence[float], *, min_points: int = 2) -> dict[str, float]:
    """Continuous piecewise-linear trend with one break at an observed year, chosen by least squares.

    y_t = a + b (t - t_0) + c max(0, t - tau): the break tau runs over observed years leaving at least
    ``min_points`` observations on each side (the break year counts on both); the fit with the smallest sum of
    squared residuals wins.  Returns break_year, slope_before = b, slope_after = b + c (per year), ssr_linear,
    ssr_break and f_statistic = (ssr_linear - ssr_break) / (ssr_break / (T - 3)).  The F statistic is nominal: the
    break was chosen to maximise it, so its F(1, T - 3) p-value overstates significance (Andrews 1993); it is NaN
    when T < 4 or the broken line fits exactly.  Needs T >= 2 min_points - 1 and at least 3 observations.
    """
    t = np.asarray(years, float)
    y = np.asarray(values, float)
    keep = np.isfinite(t) & np.isfinite(y)
    t, y = t[keep], y[keep]
    order = np.argsort(t)
    t, y = t[order], y[order]
    T = t.size
    candidates = t[min_points - 1:T - min_points + 1]
    if T < 3 or candidates.size == 0:
        raise InputError(f"a trend break needs at least 3 years and {min_points} on each side of a break; got {T}")
    X_line = np.column_stack([np.ones(T), t - t[0]])
    ssr_line = float(np.sum((y - X_line @ np.linalg.lstsq(X_line, y, rcond=None)[0]) ** 2))
    best = None
    for tau in candidates:
        X = np.column_stack([X_line, np.maximum(0.0, t - tau)])
        coef = np.linalg.lstsq(X, y, rcond=None)[0]
        ssr = float(np.sum((y - X @ coef) ** 2))
        if best is None or ssr < best[0] - 1e-12 * max(1.0, ssr):
            best = (ssr, tau, coef)
    ssr, tau, coef = best
    scale = max(1.0, float(np.sum(y ** 2)))
    f_stat = (ssr_line - ssr) / (ssr / (T - 3)) if T > 3 and ssr > 1e-24 * scale else float("nan")
    return {"break_year": float(tau), "slope_before": float(coef[1]), "slope_after": float(coef[1] + coef[2]),
            "ssr_linear": ssr_line, "ssr_break": ssr, "f_statistic": float(f_stat), "n": float(T)}


def hollowing_out(tables: IOTable | Mapping[int, IOTable] | Iterable[IOTable], *,
                  manufacturing: Sequence[str] | None = None, employment: str | None = None,
                  va: str = "va", min_points: int = 2) -> TrendResult:
    """Hollowing-out signals (产业空心化; POLICY_SYSTEMS.md 3.3): manufacturing shares of GDP, gross output and (with
    an ``employment`` satellite) employment per region and year, and a trend break per region and share
    (:func:`trend_break`, in ``detail``) when there are at least four years.

    ``va``: 'va' (all primary inputs) or one primary-input row (e.g. LR-WIOD 'VA', value added at basic prices).
    A falling share whose decline steepens after the break (``accelerated_decline`` = 1) is the signal to look
    at; ODI and relocation abroad are outside IO tables.
    """
    by_year = _by_year(tables)
    first = next(iter(by_year.values()))
    chosen = list(manufacturing) if manufacturing is not None else list(
        sector_sets(first, need=("manufacturing",)).manufacturing)
    measures = {"manufacturing_va_share": va, "manufacturing_output_share": "output"}
    if employment is not None:
        measures["manufacturing_employment_share"] = employment
    frames = []
    for key, measure in measures.items():
        levels = sector_levels(by_year, measure, groups={"M": chosen, "ALL": list(first.sectors)})
        wide = levels.pivot_table(index=["year", "region"], columns="sector", values="value", sort=False)
        share = safe_divide(wide["M"].to_numpy(), wide["ALL"].to_numpy())
        frames.append(pd.DataFrame({"year": wide.index.get_level_values(0), "region": wide.index.get_level_values(1),
                                    "indicator": key, "value": share, "unit": RATIO}))
    detail = []
    if len(by_year) >= 4:
        for frame in frames:
            for region, part in frame.groupby("region", sort=False):
                if part["value"].notna().sum() < 4:
                    continue
                fit = trend_break(part["year"], part["value"], min_points=min_points)
                stats = {"break_year": (fit["break_year"], "year"),
                         "slope_before_pp": (100 * fit["slope_before"], "percentage points per year"),
                         "slope_after_pp": (100 * fit["slope_after"], "percentage points per year"),
                         "ssr_linear": (fit["ssr_linear"], "ratio squared"), "ssr_break": (fit["ssr_break"],
                                                                                          "ratio squared"),
                         "f_statistic": (fit["f_statistic"], "F(1, T-3), nominal"),
                         "accelerated_decline": (float(fit["slope_after"] < min(0.0, fit["slope_before"])), "flag")}
                detail += [pd.DataFrame({"region": region, "indicator": frame["indicator"].iloc[0],
                                         "statistic": list(stats), "value": [v for v, _ in stats.values()],
                                         "unit": [u for _, u in stats.values()]})]
    last = by_year[max(by_year)]
    return _trend_result(frames, ["region"], method="hollowing-out signals: manufacturing shares and trend breaks",
                         table=last, options={"manufacturing": chosen, "employment": employment, "va": va,
                                              "min_points": min_points}, detail=detail or None)


__all__ = [
    "FD_FACTORS", "METHODS", "SDA_EFFECTS", "ShiftShareResult", "TrendResult", "common_classification",
    "decoupling", "digital_intensity", "emissions_in_trade", "hollowing_out", "io_transfer", "regionalisation",
    "sda", "sector_content", "sector_levels", "servitisation", "shift_share", "tapio_class", "transfer_speed",
    "trend_break",
]
