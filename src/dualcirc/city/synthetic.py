"""A synthetic firm-year panel for demos, tests and benchmarks — SYNTHETIC DATA, not any real place's firms.

Every firm is named 合成企业NNNNN (synthetic) with an ID starting 'SYN', and the registry flags the import as
synthetic so reports say so.  Distributions are lognormal around published averages so that the presets give
plausible scores: 规上 firms near Lishui's 2019 averages (亩均税收 18.9 万元/亩, 亩均增加值 73.71 万元/亩, 单位能耗增加值
1.14 万元/吨标煤, 单位排放增加值 611.55 万元/吨, R&D 2.36 %, 全员劳动生产率 16.45 万元/人; POLICY_SYSTEMS.md §1.5), about one
firm in five 规上 (Haishu 2024: 820 规上 and 3,420 规下 firms), 规上 meaning revenue >= 2,000万元.  规下 firms carry
tax, land, revenue, employees and electricity only, as the Liandu dashboard collects (§1.2).  Revenue grows by a
firm-specific rate with yearly noise; firms enter (by founding year) and exit, so 小升规 candidates, new-firm
exemptions and class transitions all occur.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fields import ABOVE_SCALE_REVENUE, coerce
from .records import Records

DEFAULT_SEED = 20240607
DEFAULT_YEARS = (2019, 2020, 2021, 2022, 2023)
#: GB/T 4754 manufacturing divisions drawn for ordinary firms (weights roughly those of a Zhejiang county)
_DIVISIONS = np.array([13, 17, 18, 19, 22, 26, 29, 30, 33, 34, 35, 36, 38, 39, 40, 41])
_DIVISION_WEIGHTS = np.array([4, 10, 6, 3, 3, 7, 8, 5, 9, 14, 11, 6, 7, 4, 2, 1], dtype=float)
EVENT_RATES = {"high_tech": 0.15, "specialised_sme": 0.05, "safety_accident": 0.005, "environmental_violation": 0.008}


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(size))


def synthetic_firms(n_firms: int = 5000, years: tuple[int, ...] = DEFAULT_YEARS,
                    seed: int = DEFAULT_SEED) -> Records:
    """A reproducible panel of about ``n_firms`` × ``len(years)`` firm-years with their bonus/penalty events."""
    rng = np.random.default_rng(seed)
    years = tuple(sorted(years))
    n = n_firms
    ids = np.array([f"SYN{i:015d}" for i in range(1, n + 1)])
    names = np.array([f"合成企业{i:05d}（synthetic）" for i in range(1, n + 1)])
    start = rng.integers(1995, years[-1] + 1, n)
    exit_year = np.where(rng.random(n) < 0.02 * len(years), rng.integers(years[0] + 1, years[-1] + 2, n), 9999)
    exemption = rng.choice(np.array([None, "utility", "military", "tobacco"], dtype=object), n,
                           p=[0.985, 0.01, 0.003, 0.002])
    division = np.where(exemption == "utility", rng.choice([44, 45, 46], n),
                        rng.choice(_DIVISIONS, n, p=_DIVISION_WEIGHTS / _DIVISION_WEIGHTS.sum()))
    industry = np.array([f"{d:02d}{k:02d}" for d, k in zip(division, rng.integers(10, 40, n))])
    park = np.array([f"合成园区{k}" for k in rng.integers(1, 7, n)])
    leased = rng.random(n) < 0.08

    # base-year levels: ln revenue ~ N(6.6, 1.2) puts about 20 % of firms at or above 2,000万元
    revenue = np.exp(6.6 + 1.2 * rng.standard_normal(n))
    growth = 0.03 + 0.08 * rng.standard_normal(n)
    va_share = np.clip(0.24 + 0.06 * rng.standard_normal(n), 0.05, 0.6)
    above0 = revenue >= ABOVE_SCALE_REVENUE
    va_per_mu = np.where(above0, _lognormal(rng, 84, 0.6, n), _lognormal(rng, 40, 0.6, n))
    land = np.clip(np.round(revenue * va_share / va_per_mu, 1), 1.0, 1500.0)
    tax_share = _lognormal(rng, 0.23, 0.5, n)                      # tax / value added
    labour_productivity = _lognormal(rng, 18, 0.45, n)             # 万元 per person
    energy_productivity = _lognormal(rng, 1.4, 0.7, n)             # 万元 per tce
    emission_productivity = _lognormal(rng, 820, 0.9, n)           # 万元 per t
    rd_intensity = np.where(rng.random(n) < 0.3, 0.0, _lognormal(rng, 0.027, 0.6, n))
    tax_per_kwh = _lognormal(rng, 0.25, 0.7, n)                    # 万元 per 万kWh
    water_per_kwh = _lognormal(rng, 25, 0.5, n)                    # t per 万kWh
    uses_gas = rng.random(n) < 0.6
    emissions_reported = rng.random(n) >= 0.12
    high_tech = rng.random(n) < EVENT_RATES["high_tech"]
    specialised = rng.random(n) < EVENT_RATES["specialised_sme"]

    frames, events = [], []
    for t, year in enumerate(years):
        if t:
            revenue = revenue * np.exp(growth + 0.10 * rng.standard_normal(n))
            for drift in (va_share, tax_share, labour_productivity, energy_productivity, emission_productivity):
                drift *= np.exp(0.05 * rng.standard_normal(n))
            land = np.where(rng.random(n) < 0.03, np.round(land * 1.3, 1), land)
        alive = (start <= year) & (exit_year > year)
        above = revenue >= ABOVE_SCALE_REVENUE
        value_added = revenue * va_share
        tax = value_added * tax_share
        electricity = tax / tax_per_kwh
        energy = value_added / energy_productivity
        frame = pd.DataFrame({
            "firm_id": ids, "year": year, "name": names, "industry": industry, "park": park, "above_scale": above,
            "leased": leased, "start_year": start, "exemption": exemption, "land_mu": land,
            "tax": np.round(tax, 2), "value_added": np.where(above, np.round(value_added, 2), np.nan),
            "revenue": np.round(revenue, 2), "employees": np.maximum(1, np.round(value_added / labour_productivity)),
            "energy_tce": np.where(above, np.round(energy, 2), np.nan),
            "emissions_t": np.where(above & emissions_reported, np.round(value_added / emission_productivity, 4),
                                    np.nan),
            "rd": np.where(above, np.round(revenue * rd_intensity, 2), np.nan),
            "electricity": np.round(electricity, 3), "water": np.round(electricity * water_per_kwh),
            "gas": np.where(uses_gas, np.round(energy * 120), 0.0)})
        frames.append(frame[alive])
        for event, flag in (("high_tech", high_tech & above), ("specialised_sme", specialised),
                            ("safety_accident", rng.random(n) < EVENT_RATES["safety_accident"]),
                            ("environmental_violation", rng.random(n) < EVENT_RATES["environmental_violation"])):
            hit = flag & alive
            events.append(pd.DataFrame({"firm_id": ids[hit], "year": year, "event": event}))
    firms = coerce(pd.concat(frames, ignore_index=True))
    firms.attrs["synthetic"] = True
    event_frame = pd.concat(events, ignore_index=True).astype({"firm_id": "string", "year": "Int64",
                                                              "event": "string"})
    return Records(firms, event_frame, source=f"synthetic (dualcirc.city.synthetic, {n_firms} firms, "
                                              f"{years[0]}–{years[-1]}, seed {seed})")
