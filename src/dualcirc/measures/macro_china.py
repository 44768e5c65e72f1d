"""China's macro indicators from the built-in series (METHODS.md 5), as the ``dualcirc macro`` commands and the
report show them: :mod:`dualcirc.measures.macro` applied to :mod:`dualcirc.datasets.macro`.

* :func:`gross_dependence` - (EX + IM)/GDP from NBS customs goods trade and GDP (CNY), from WDI goods and services
  (USD), or for the 31 provinces (5.1); the value-added counterparts come from IO tables (4.4);
* :func:`demand_contributions` - the contribution rates and pulls of consumption, capital formation and net exports
  as NBS publishes them (5.2; the data hold no component volume indices, so they are read, not recomputed:
  docs/macro_reconciliation.md);
* :func:`industry_contributions` - the contributions of the three industries, recomputed from value added and
  volume indices with NBS's quinquennial base years (5.2; equal to the published ones for 2001-2018).
"""

from __future__ import annotations

import pandas as pd

from ..datasets.macro import load_macro
from ..errors import InputError, OptionError
from ..labels import register
from .macro import growth_contributions, provincial_trade_dependence, trade_dependence
from .result import tidy

#: sources of gross trade dependence: dataset, exports, imports, GDP series (None: the provincial helper)
DEPENDENCE_SOURCES = {
    "nbs": ("nbs_national", "goods_exports_100m_cny", "goods_imports_100m_cny", "gdp_100m_cny"),
    "wdi": ("wdi_china", "NE.EXP.GNFS.CD", "NE.IMP.GNFS.CD", "NY.GDP.MKTP.CD"),
    "provinces": None,
}
DEMANDS = ("cons", "gcf", "nx")
INDUSTRIES = ("primary", "secondary", "tertiary")

register({
    "macro.demand.cons": ("Final consumption", "最终消费支出"),
    "macro.demand.gcf": ("Gross capital formation", "资本形成总额"),
    "macro.demand.nx": ("Net exports of goods and services", "货物和服务净出口"),
    "macro.industry.primary": ("Primary industry", "第一产业"),
    "macro.industry.secondary": ("Secondary industry", "第二产业"),
    "macro.industry.tertiary": ("Tertiary industry", "第三产业"),
})


def _years(df: pd.DataFrame, start: int | None, end: int | None) -> pd.DataFrame:
    keep = df["year"].between(start if start is not None else -10**6, end if end is not None else 10**6)
    out = df[keep].reset_index(drop=True)
    if out.empty:
        raise InputError(f"no data between {start} and {end}; the series cover {df['year'].min()}-"
                         f"{df['year'].max()}")
    out.attrs = dict(df.attrs)
    return out


def gross_dependence(source: str = "nbs", economies: list[str] | None = None, *, start: int | None = None,
                     end: int | None = None) -> pd.DataFrame:
    """Gross trade dependence (METHODS.md 5.1) from the built-in series: ``source='nbs'`` (China, customs goods
    trade over GDP, CNY), ``'wdi'`` (China, goods and services, current USD) or ``'provinces'`` (the 31 provinces,
    customs goods trade by location of the trading firm over GRP)."""
    if source not in DEPENDENCE_SOURCES:
        raise OptionError(f"source must be one of {tuple(DEPENDENCE_SOURCES)}, not {source!r}")
    if source == "provinces":
        df = provincial_trade_dependence()
        if economies:
            unknown = sorted(set(economies) - set(df["economy"]))
            if unknown:
                raise InputError(f"unknown province {unknown}; the provinces are GB/T 2260 codes such as 110000 "
                                 f"(Beijing): {sorted(set(df['economy']))}")
            df = df[df["economy"].isin(economies)]
    else:
        dataset, ex, im, gdp = DEPENDENCE_SOURCES[source]
        data = load_macro(dataset)
        df = trade_dependence(*(data.series(code, economies=economies) for code in (ex, im, gdp)))
    return _years(df, start, end)


def demand_contributions(*, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Contribution rate (%) and pull (pp) of the three demands to China's real GDP growth as published by NBS
    (表 三大需求对国内生产总值增长的贡献率和拉动, METHODS.md 5.2): economy, year, component, contribution_pct,
    pull_pp, gdp_growth_pct (the sum of the pulls)."""
    data = load_macro("nbs_national")
    rows = data.values[data.values["series"].isin([f"{p}_{d}_{u}" for d in DEMANDS
                                                   for p, u in (("contrib", "pct"), ("pull", "pp"))])]
    wide = rows.pivot(index="year", columns="series", values="value")
    frames = [pd.DataFrame({"economy": "CHN", "year": wide.index, "component": f"macro.demand.{d}",
                            "contribution_pct": wide[f"contrib_{d}_pct"].to_numpy(),
                            "pull_pp": wide[f"pull_{d}_pp"].to_numpy()}) for d in DEMANDS]
    df = pd.concat(frames).sort_values(["year", "component"], kind="stable", ignore_index=True)
    df["gdp_growth_pct"] = df.groupby("year")["pull_pp"].transform("sum")
    tidy(df, method="contribution rate and pull of the three demands, as published by NBS (METHODS.md 5.2)",
         unit="contribution_pct: %; pull_pp: percentage points",
         options={"dataset": "nbs_national", "series": [f"contrib_{d}_pct" for d in DEMANDS]
                  + [f"pull_{d}_pp" for d in DEMANDS], "recomputed": False})
    df.attrs["source"] = data.series(f"contrib_{DEMANDS[0]}_pct").source
    return _years(df, start, end)


def industry_contributions(*, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Contribution rate and pull of the three industries to China's real GDP growth, recomputed from current-price
    value added and volume indices (previous year = 100) at NBS's quinquennial base-year prices (METHODS.md 5.2;
    :func:`dualcirc.measures.macro.growth_contributions`)."""
    data = load_macro("nbs_national")
    df = growth_contributions(data.series("gdp_100m_cny"), {f"macro.industry.{s}": data.series(f"va_{s}")
                                                            for s in INDUSTRIES},
                              total_index=data.series("gdp_idx_prev100"),
                              component_indices={f"macro.industry.{s}": data.series(f"{s}_idx_prev100")
                                                 for s in INDUSTRIES},
                              base_years="quinquennial")
    return _years(df, start, end)
