"""Macro indicators from national accounts (METHODS.md section 5), on annual series rather than IO tables.

* :func:`trade_dependence` - (EX + IM) / GDP, export and import dependence (5.1; the gross side of 4.4), over time
  and across economies, with customs values in USD converted at an annual average exchange rate;
* :func:`provincial_trade_dependence` - the same for China's provinces from the built-in NBS data;
* :func:`growth_contributions` - contribution rate (贡献率) and pull (拉动) of demand components or industries to
  real growth, NBS convention (5.2);
* :func:`required_growth`, :func:`years_to_target`, :func:`share_target_growth` - growth needed to reach a
  target (5.3).

Every function returns a tidy DataFrame whose ``attrs`` carry the method, options, sources and unit.
Citations: SNA 2008 (expenditure approach); NBS, China Statistical Yearbook, table 三大需求对国内生产总值增长的贡献率和拉动
(contribution = increment of a demand over the increment of expenditure GDP; pull = growth x contribution).
"""

from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ..datasets.macro import load_macro
from ..errors import InputError, OptionError
from ..labels import register
from ..tables.macro import MacroDataset, MacroSeries
from .result import tidy

register({
    "economy": ("Economy", "经济体"),
    "economy_name": ("Economy name", "经济体名称"),
    "gross_trade_dependence": ("Trade dependence (gross)", "外贸依存度"),
    "gross_export_dependence": ("Export dependence (gross)", "出口依存度"),
    "gross_import_dependence": ("Import dependence (gross)", "进口依存度"),
    "exports_level": ("Exports", "出口额"),
    "imports_level": ("Imports", "进口额"),
    "gdp_level": ("GDP", "国内生产总值"),
    "component": ("Component", "构成项目"),
    "increment": ("Real increment", "实际增量"),
    "contribution_pct": ("Contribution rate (%)", "贡献率(%)"),
    "pull_pp": ("Pull (percentage points)", "拉动(百分点)"),
    "gdp_growth_pct": ("Real growth of the total (%)", "总量实际增长率(%)"),
    "additivity_residual": ("Non-additivity residual", "不可加残差"),
    "periods": ("Years from base to target year", "基期至目标年的年数"),
    "required_cagr": ("Required average annual growth (%)", "所需年均增长率(%)"),
    "required_total_growth": ("Required growth of the total (%)", "所需总量年均增长率(%)"),
    "required_per_capita_growth": ("Required per-capita growth (%)", "所需人均年均增长率(%)"),
    "required_nominal_growth": ("Required nominal growth (%)", "所需名义年均增长率(%)"),
    "projected_level_at_target_year": ("Level in the target year at the current rate", "按当前增速目标年的水平"),
    "level_shortfall_at_target_year": ("Shortfall from the target at the current rate", "按当前增速与目标的差距"),
    "rate_shortfall_pp": ("Growth shortfall (percentage points)", "增速缺口(百分点)"),
    "years_to_target": ("Years needed to reach the target", "达到目标所需年数"),
    "target_year_at_current_rate": ("Year the target is reached at the current rate", "按当前增速达到目标的年份"),
    "required_sector_growth": ("Required growth of the sector (%)", "所需部门年均增长率(%)"),
})

TRADE_METHOD = "gross trade dependence (METHODS.md 5.1)"
CONTRIBUTION_METHOD = "contribution rate and pull to real growth, NBS convention (METHODS.md 5.2)"
TARGET_METHOD = "growth needed to reach a target (METHODS.md 5.3)"
RESIDUAL = "additivity_residual"


def _with_source(df: pd.DataFrame, *, method: str, unit: str, options: Mapping, source: str) -> pd.DataFrame:
    tidy(df, method=method, unit=unit, options=options)
    df.attrs["source"] = source
    return df


# =========================================================================================== 5.1 trade dependence
def trade_dependence(exports: MacroSeries, imports: MacroSeries, gdp: MacroSeries, *,
                     exchange_rate: MacroSeries | None = None, nonpositive_gdp: str = "raise") -> pd.DataFrame:
    """Gross trade, export and import dependence, (EX + IM) / GDP in % (METHODS.md 5.1, decision D15).

    ``exports`` and ``imports`` must come from one source with one coverage (goods, or goods and services) and
    currency; a ratio never mixes sources.  When their currency differs from GDP's, ``exchange_rate`` (annual
    average, currency ``"CNY/USD"`` style in either direction) converts them; the rates used are recorded in
    ``attrs["options"]["exchange_rate"]``.  Levels are returned in GDP's unit beside the ratios.  GDP <= 0 is an
    error (``nonpositive_gdp="nan"`` returns NaN ratios instead, as METHODS.md 5.1 allows).
    """
    if nonpositive_gdp not in ("raise", "nan"):
        raise OptionError(f"nonpositive_gdp must be 'raise' or 'nan', not {nonpositive_gdp!r}")
    for role, s in (("exports", exports), ("imports", imports), ("gdp", gdp)):
        if s.price_basis != "current":
            raise InputError(f"{role} series {s.code!r} is at {s.price_basis!r} prices; trade dependence needs "
                             "current-price values (METHODS.md 5.1)")
        if not s.currency:
            raise InputError(f"{role} series {s.code!r} declares no currency; trade dependence needs monetary "
                             "series with a currency (e.g. 'CNY', 'USD')")
    if exports.source != imports.source:
        raise InputError(f"exports come from {exports.source!r} but imports from {imports.source!r}; never mix "
                         "sources in one ratio (METHODS.md 4.4, D15): take both from the same source")
    if exports.coverage != imports.coverage:
        raise InputError(f"exports cover {exports.coverage!r} but imports {imports.coverage!r}; use the same "
                         "coverage (goods, or goods and services) for both")
    if exports.currency != imports.currency:
        raise InputError(f"exports are in {exports.currency} but imports in {imports.currency}; convert one first")
    index = exports.values.index
    if not imports.values.index.equals(index):
        extra = index.symmetric_difference(imports.values.index)
        raise InputError(f"exports and imports cover different (economy, year) pairs, e.g. {list(extra[:3])}; "
                         "give both for the same economies and years")
    gdp_values = _covering(gdp, index, "gdp")
    if (gdp_values <= 0).any():
        if nonpositive_gdp == "raise":
            bad = gdp_values[gdp_values <= 0]
            raise InputError(f"GDP is zero or negative for {list(bad.index[:5])} in series {gdp.code!r}; a share "
                             "of GDP is undefined there. Check the series, or pass nonpositive_gdp='nan'.")
        gdp_values = gdp_values.where(gdp_values > 0)
    factor, rate_record = _conversion(exports, gdp, exchange_rate, index)
    to_gdp_unit = factor * exports.scale / gdp.scale
    ex = exports.values * to_gdp_unit
    im = imports.values * to_gdp_unit
    levels = {"exports_level": ex, "imports_level": im, "gdp_level": gdp_values}
    ratios = {"gross_trade_dependence": 100 * (ex + im) / gdp_values,
              "gross_export_dependence": 100 * ex / gdp_values,
              "gross_import_dependence": 100 * im / gdp_values}
    frames = [_long(values, key, gdp.unit) for key, values in levels.items()]
    frames += [_long(values, key, "% of GDP") for key, values in ratios.items()]
    df = pd.concat(frames, ignore_index=True)
    options = {"trade_source": exports.source, "gdp_source": gdp.source, "coverage": exports.coverage,
               "exports": exports.code, "imports": imports.code, "gdp": gdp.code, "trade_unit": exports.unit,
               "gdp_unit": gdp.unit, "exchange_rate": rate_record, "nonpositive_gdp": nonpositive_gdp}
    return _with_source(df, method=TRADE_METHOD, unit=f"% of GDP (levels in {gdp.unit})", options=options,
                        source=f"trade: {exports.source}; GDP: {gdp.source}")


def _covering(series: MacroSeries, index: pd.MultiIndex, role: str) -> pd.Series:
    values = series.values.reindex(index)
    if values.isna().any():
        missing = values[values.isna()].index
        raise InputError(f"{role} series {series.code!r} has no value for {list(missing[:5])}; it must cover every "
                         "economy and year of the trade series")
    return values


def _conversion(trade: MacroSeries, gdp: MacroSeries, rate: MacroSeries | None,
                index: pd.MultiIndex) -> tuple[pd.Series | float, dict | None]:
    """Multiplier taking trade amounts (in the trade currency) to GDP's currency, and the record of the rates."""
    if trade.currency == gdp.currency:
        if rate is not None:
            raise InputError(f"trade and GDP are both in {gdp.currency}; drop exchange_rate")
        return 1.0, None
    if rate is None:
        raise InputError(f"trade is in {trade.currency} but GDP in {gdp.currency}: pass exchange_rate, the annual "
                         f"average rate in {gdp.currency}/{trade.currency} (METHODS.md 5.1)")
    forward, backward = f"{gdp.currency}/{trade.currency}", f"{trade.currency}/{gdp.currency}"
    if rate.currency not in (forward, backward):
        raise InputError(f"exchange_rate {rate.code!r} is in {rate.currency!r}; expected {forward} or {backward}")
    values = _covering(rate, index, "exchange_rate") * rate.scale
    if (values <= 0).any():
        raise InputError(f"exchange_rate {rate.code!r} has non-positive values at "
                         f"{list(values[values <= 0].index[:3])}")
    per_unit = values if rate.currency == forward else 1.0 / values
    record = {"series": rate.code, "source": rate.source, "unit": f"{forward} (annual average)",
              "values": {e: {int(y): float(f"{v:.12g}") for (_, y), v in group.items()}
                         for e, group in per_unit.groupby(level="economy")}}
    return per_unit, record


def _long(values: pd.Series, indicator: str, unit: str) -> pd.DataFrame:
    return pd.DataFrame({"economy": values.index.get_level_values("economy"),
                         "year": values.index.get_level_values("year"),
                         "indicator": indicator, "value": values.to_numpy(dtype=float), "unit": unit})


def provincial_trade_dependence(provincial: MacroDataset | None = None,
                                national: MacroDataset | None = None) -> pd.DataFrame:
    """Trade dependence of each Chinese province, 2000-2019 (METHODS.md 5.1).

    Goods trade by location of the trading firm (thousand USD, customs) is converted at the national annual
    average CNY/USD rate and divided by gross regional product (100 million CNY).  Defaults: the built-in
    ``nbs_provincial`` and ``nbs_national`` datasets.
    """
    provincial = provincial if provincial is not None else load_macro("nbs_provincial")
    national = national if national is not None else load_macro("nbs_national")
    exports = provincial.series("trade_firm_loc_exports")
    imports = provincial.series("trade_firm_loc_imports")
    grp = provincial.series("grp")
    years = sorted(set(exports.values.index.get_level_values("year")))
    rate = national.series("cny_per_100usd", years=years).for_economies(exports.economies)
    df = trade_dependence(exports, imports, grp, exchange_rate=rate)
    names = provincial.economies.set_index("economy")["name_zh"]
    df.insert(1, "economy_name", df["economy"].map(names))
    return df


# =========================================================================================== 5.2 contributions
def growth_contributions(total: MacroSeries, components: Mapping[str, MacroSeries], *,
                         total_index: MacroSeries | None = None,
                         component_indices: Mapping[str, MacroSeries] | None = None,
                         base_years: str | Iterable[int] = "previous_year",
                         additivity_rtol: float = 1e-6) -> pd.DataFrame:
    """Contribution rate and pull of each component to the real growth of ``total`` (METHODS.md 5.2).

    contribution_k = 100 * dK / dGDP (%); pull_k = 100 * dK / GDP(t-1) = contribution_k * growth (percentage
    points), all increments at constant prices.  Three kinds of input:

    * volumes at the constant prices of one base year (``price_basis="constant"``): they must add up to the
      total (within ``additivity_rtol``), so contributions sum to 100 %;
    * chain-linked volumes (``"chain_linked"``): not additive; the additive formula is applied and the gap
      dGDP - sum(dK) is reported as the component ``"additivity_residual"``, so that the rows still sum to
      100 % and to the growth rate;
    * current-price levels with volume indices (previous year = 100) in ``total_index`` / ``component_indices``:
      increments are valued at previous-year prices (``base_years="previous_year"``), or at the prices of a base
      year as NBS does (``"quinquennial"``: the latest year ending in 0 or 5 before t, or an explicit list of
      base years); an ``"additivity_residual"`` component records any non-additivity of the indices.

    Sectoral contributions (industry value added) use the same formulas.  |dGDP| ~ 0 gives NaN contributions;
    pulls stay defined; negative contributions are legitimate.
    """
    if not components:
        raise InputError("give at least one component")
    if RESIDUAL in components:
        raise InputError(f"{RESIDUAL!r} is reserved for the non-additivity residual; rename that component")
    names = list(components)
    series = [total, *components.values()]
    if (total_index is None) != (component_indices is None):
        raise InputError("give both total_index and component_indices (volume indices, previous year = 100), "
                         "or neither (for constant-price or chain-linked volumes)")
    if total_index is None:
        kind = total.price_basis
        if kind not in ("constant", "chain_linked"):
            raise InputError(f"total {total.code!r} is at {kind!r} prices: contributions need real increments. "
                             "Give constant-price or chain-linked volumes, or current-price levels together with "
                             "volume indices (total_index=, component_indices=)")
        for name, s in components.items():
            if s.price_basis != kind:
                raise InputError(f"component {name!r} is {s.price_basis!r} but the total is {kind!r}; all volumes "
                                 "must have the same price basis")
        if base_years != "previous_year":
            raise InputError("base_years applies only to levels with volume indices")
        indices = None
    else:
        if set(component_indices) != set(components):
            raise InputError(f"component_indices must have the same keys as components: {sorted(components)} vs "
                             f"{sorted(component_indices)}")
        indices = [total_index, *(component_indices[n] for n in names)]
        for s in indices:
            if s.price_basis != "index_prev100":
                raise InputError(f"index series {s.code!r} must be a volume index with previous year = 100 "
                                 f"(price_basis 'index_prev100'), not {s.price_basis!r}")
        kind = "indices"
    index = total.values.index
    for s in [*series[1:], *(indices or [])]:
        if not s.values.index.equals(index):
            extra = index.symmetric_difference(s.values.index)
            raise InputError(f"series {s.code!r} covers other (economy, year) pairs than the total {total.code!r}, "
                             f"e.g. {list(extra[:3])}; all series must cover the same economies and years")
    levels = np.column_stack([s.values.to_numpy() for s in series])
    if kind == "constant":
        gap = np.abs(levels[:, 1:].sum(axis=1) - levels[:, 0])
        worst = int(np.argmax(gap / np.maximum(np.abs(levels[:, 0]), 1e-300)))
        if gap[worst] > additivity_rtol * abs(levels[worst, 0]):
            raise InputError(f"the components do not add up to the total at {index[worst]} (gap {gap[worst]:.6g} "
                             f"{total.unit}); constant-price volumes must be additive. If these are chain-linked "
                             "volumes, declare price_basis='chain_linked' to report the residual instead.")
    ratios = None if indices is None else np.column_stack([s.values.to_numpy() / 100.0 for s in indices])
    frames = []
    for economy, positions in pd.Series(range(len(index)), index=index).groupby(level="economy", sort=False):
        rows = positions.to_numpy()
        years = index.get_level_values("year")[rows].to_numpy()
        if len(years) < 2:
            raise InputError(f"economy {economy}: contributions need at least two consecutive years")
        if ratios is None:
            increments, previous = np.diff(levels[rows], axis=0), levels[rows][:-1]
        else:
            increments, previous = _index_increments(levels[rows], ratios[rows], years, base_years, economy)
        frames.append(_contribution_rows(economy, years[1:], increments, previous[:, 0], names,
                                         with_residual=kind != "constant"))
    df = pd.concat(frames, ignore_index=True)
    options = {"total": total.code, "components": {n: s.code for n, s in components.items()}, "input": kind,
               "base_years": base_years if isinstance(base_years, str) else list(base_years),
               "additivity_rtol": additivity_rtol}
    if indices is not None:
        options["indices"] = {"total": total_index.code, **{n: s.code for n, s in component_indices.items()}}
    return _with_source(df, method=CONTRIBUTION_METHOD,
                        unit=f"contribution_pct: % of the total's increment; pull_pp: percentage points; "
                             f"increment: {total.unit} at constant prices", options=options, source=total.source)


def _index_increments(levels: np.ndarray, ratios: np.ndarray, years: np.ndarray, base_years, economy):
    """Increments dK(t) and previous levels K(t-1), both at the prices of base year B(t) (METHODS.md 5.2).

    K(t-1) at B prices = K(B) * prod_{s=B+1}^{t-1} I(s); dK(t) = K(t-1) at B prices * (I(t) - 1).
    """
    cumulative = np.cumprod(ratios, axis=0)
    bases = _base_positions(years, base_years, economy)
    previous = levels[bases] * cumulative[:-1] / cumulative[bases]
    return previous * (ratios[1:] - 1.0), previous


def _base_positions(years: np.ndarray, base_years, economy) -> np.ndarray:
    """Row position of the base year B(t) for each t = years[1:]; B(t) <= t - 1."""
    previous = years[:-1]
    if isinstance(base_years, str):
        if base_years == "previous_year":
            return np.arange(len(previous))
        if base_years != "quinquennial":
            raise OptionError(f"base_years must be 'previous_year', 'quinquennial' or a list of years, "
                              f"not {base_years!r}")
        wanted = previous - previous % 5
    else:
        listed = np.array(sorted(int(y) for y in base_years))
        if listed.size == 0:
            raise OptionError("base_years is an empty list")
        at = np.searchsorted(listed, previous, side="right") - 1
        if (at < 0).any():
            raise InputError(f"economy {economy}: no base year at or before {int(previous[at < 0][0])} in "
                             f"base_years {listed.tolist()}")
        wanted = listed[at]
    if (wanted < years[0]).any():
        raise InputError(f"economy {economy}: base year {int(wanted[wanted < years[0]][0])} precedes the first year "
                         f"of the data ({int(years[0])}); start the series in or before that base year")
    return (wanted - years[0]).astype(int)


def _contribution_rows(economy, years, increments, previous_total, names, *, with_residual) -> pd.DataFrame:
    d_total, d_parts = increments[:, 0], increments[:, 1:]
    labels = list(names)
    if with_residual:
        d_parts = np.column_stack([d_parts, d_total - d_parts.sum(axis=1)])
        labels.append(RESIDUAL)
    flat = np.abs(d_total) <= 1e-12 * np.abs(previous_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        contribution = np.where(flat[:, None], np.nan, 100.0 * d_parts / d_total[:, None])
        pull = 100.0 * d_parts / previous_total[:, None]
        growth = 100.0 * d_total / previous_total
    k = len(labels)
    return pd.DataFrame({"economy": economy, "year": np.repeat(years, k), "component": labels * len(years),
                         "increment": d_parts.ravel(), "contribution_pct": contribution.ravel(),
                         "pull_pp": pull.ravel(), "gdp_growth_pct": np.repeat(growth, k)})


# =========================================================================================== 5.3 targets
def _number(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name}: non-numeric value {value!r}; expected a number") from None
    if not math.isfinite(number):
        raise InputError(f"{name}: {value!r} is not a finite number")
    return number


def _rate(name: str, value) -> float:
    pct = _number(name, value)
    if pct <= -100:
        raise InputError(f"{name}: {pct} % a year would wipe out the level; a growth rate must exceed -100 %")
    return pct / 100.0


def _levels(base, target, allow_decline: bool, *, what: str = "target") -> tuple[float, float]:
    x0, xt = _number("base", base), _number(what, target)
    if x0 <= 0 or xt <= 0:
        raise InputError(f"base ({x0:g}) and {what} ({xt:g}) must be positive; compound growth is undefined for "
                         "non-positive levels (METHODS.md 5.3)")
    if xt < x0 and not allow_decline:
        raise InputError(f"the {what} ({xt:g}) is below the base ({x0:g}): reaching it means shrinking. If a decline "
                         "is intended (e.g. an intensity-reduction target) pass allow_decline=True; otherwise check "
                         "that base and target are in the same unit and refer to the right years.")
    return x0, xt


def _span(base_year, target_year) -> int:
    t0, t1 = _number("base_year", base_year), _number("target_year", target_year)
    if t0 != int(t0) or t1 != int(t1):
        raise InputError(f"years must be whole numbers, not {base_year!r} and {target_year!r}")
    if t1 == t0:
        raise InputError(f"target_year equals base_year ({int(t0)}): there is no time to grow; set a later target year")
    if t1 < t0:
        raise InputError(f"target_year ({int(t1)}) is before base_year ({int(t0)})")
    return int(t1 - t0)


def _years_needed(x0: float, xt: float, g: float) -> float:
    """ln(XT/X0) / ln(1+g), NaN when the target is never reached at rate g."""
    if xt == x0:
        return 0.0
    step = math.log1p(g)
    needed = math.log(xt / x0) / step if step != 0 else math.nan
    return needed if needed > 0 else math.nan


def _target_frame(rows: list[tuple[str, float, str]], options: Mapping) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["indicator", "value", "unit"])
    return _with_source(df, method=TARGET_METHOD, unit="see the unit column", options=options,
                        source="compound-growth arithmetic")


def required_growth(base, target, *, base_year, target_year, current_rate_pct=None, population_growth_pct=None,
                    per_capita: bool = False, inflation_pct=None, allow_decline: bool = False) -> pd.DataFrame:
    """Average annual growth needed to go from ``base`` in ``base_year`` to ``target`` in ``target_year`` (5.3).

    g* = (X_T / X_0)^(1 / (T - t0)) - 1.  Options add rows:

    * ``current_rate_pct``: the level reached at today's rate, the shortfall from the target, the rate shortfall
      g* - g (pp) and the years needed at today's rate (NaN if never reached);
    * ``population_growth_pct``: for a per-capita target (``per_capita=True``) the growth of the total needed,
      (1 + g_total) = (1 + g_pc)(1 + g_pop); otherwise the per-capita growth the target implies;
    * ``inflation_pct``: a target in constant prices needs real growth g*; the nominal rate is
      (1 + g*)(1 + pi) - 1.

    Rates are in percent.  A target below the base is refused unless ``allow_decline=True``.
    """
    x0, xt = _levels(base, target, allow_decline)
    n = _span(base_year, target_year)
    g = (xt / x0) ** (1.0 / n) - 1.0
    rows = [("periods", float(n), "years"), ("required_cagr", 100 * g, "% a year")]
    if population_growth_pct is not None:
        pop = _rate("population_growth_pct", population_growth_pct)
        if per_capita:
            rows.append(("required_total_growth", 100 * ((1 + g) * (1 + pop) - 1), "% a year"))
        else:
            rows.append(("required_per_capita_growth", 100 * ((1 + g) / (1 + pop) - 1), "% a year"))
    if inflation_pct is not None:
        pi = _rate("inflation_pct", inflation_pct)
        rows.append(("required_nominal_growth", 100 * ((1 + g) * (1 + pi) - 1), "% a year"))
    if current_rate_pct is not None:
        c = _rate("current_rate_pct", current_rate_pct)
        projected = x0 * (1 + c) ** n
        years = _years_needed(x0, xt, c)
        rows += [("projected_level_at_target_year", projected, "unit of the target"),
                 ("level_shortfall_at_target_year", xt - projected, "unit of the target"),
                 ("rate_shortfall_pp", 100 * (g - c), "percentage points"),
                 ("years_to_target", years, "years"),
                 ("target_year_at_current_rate", int(base_year) + years, "year")]
    options = {"base": x0, "target": xt, "base_year": int(base_year), "target_year": int(target_year),
               "current_rate_pct": current_rate_pct, "population_growth_pct": population_growth_pct,
               "per_capita": per_capita, "inflation_pct": inflation_pct, "allow_decline": allow_decline}
    return _target_frame(rows, options)


def years_to_target(base, target, *, rate_pct, allow_decline: bool = False) -> pd.DataFrame:
    """Years needed to go from ``base`` to ``target`` at ``rate_pct`` % a year: ln(X_T/X_0) / ln(1+g) (5.3)."""
    x0, xt = _levels(base, target, allow_decline)
    g = _rate("rate_pct", rate_pct)
    years = _years_needed(x0, xt, g)
    if math.isnan(years):
        direction = "rises" if g > 0 else "falls" if g < 0 else "stays constant"
        raise InputError(f"at {100 * g:g} % a year the level {direction} and never reaches {xt:g} from {x0:g}; "
                         "choose a rate with the sign of the change needed")
    return _target_frame([("years_to_target", years, "years")],
                         {"base": x0, "target": xt, "rate_pct": 100 * g, "allow_decline": allow_decline})


def share_target_growth(share_base_pct, share_target_pct, *, base_year, target_year, gdp_growth_pct) -> pd.DataFrame:
    """Growth a sector needs to move its share of GDP from one level to another (METHODS.md 5.3).

    g_sector = (1 + g_GDP) (s_T / s_0)^(1 / (T - t0)) - 1; both with the same price basis as the shares.
    """
    s0, st = _levels(share_base_pct, share_target_pct, True, what="target share")
    if s0 > 100 or st > 100:
        raise InputError(f"shares are percentages of GDP; {max(s0, st):g} exceeds 100")
    n = _span(base_year, target_year)
    g_gdp = _rate("gdp_growth_pct", gdp_growth_pct)
    g = (1 + g_gdp) * (st / s0) ** (1.0 / n) - 1.0
    options = {"share_base_pct": s0, "share_target_pct": st, "base_year": int(base_year),
               "target_year": int(target_year), "gdp_growth_pct": 100 * g_gdp}
    return _target_frame([("periods", float(n), "years"), ("required_sector_growth", 100 * g, "% a year")], options)
