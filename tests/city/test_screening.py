"""Screening and monitors by hand: Huzhou's "三低" thresholds and the land they free, 小升规 candidates with their
projected crossing year, R&D coverage, and the growth needed for Wenzhou's targets."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from city_builders import firms
from dualcirc.city.screening import (freed_land, load_screening, load_targets, rd_coverage, required_growth, screen,
                                     target_gaps, upgrade_candidates)
from dualcirc.errors import OptionError

HUZHOU = [
    dict(firm_id="above_low", above_scale=True, land_mu=20, tax=118),      # 5.9 万元/亩 < 6: 低贡献
    dict(firm_id="above_ok", above_scale=True, land_mu=20, tax=120),       # 6.0: not below 6
    dict(firm_id="below_low", above_scale=False, land_mu=12, tax=35.88),   # 2.99 < 3 and ≥ 10 亩: two tests
    dict(firm_id="below_big", above_scale=False, land_mu=10, tax=100),     # 10 万元/亩 but on 10 亩: 用地低产出
    dict(firm_id="below_ok", above_scale=False, land_mu=5, tax=20),        # 4 万元/亩 on 5 亩
    dict(firm_id="below_nodata", above_scale=False, land_mu=5),            # no tax figure
]


def test_huzhou_three_lows_and_the_land_they_hold():
    screening = load_screening("zhejiang-huzhou-2021")
    flags = screen(firms(HUZHOU), screening, 2022)
    flagged = flags[flags["flag"] == "flagged"]
    assert sorted(zip(flagged["firm_id"], flagged["test"])) == [
        ("above_low", "low_contribution"), ("below_big", "low_land_output"), ("below_low", "low_efficiency"),
        ("below_low", "low_land_output")]
    assert flags.loc[flags["flag"] == "no_data", "firm_id"].tolist() == ["below_nodata"]
    land = freed_land(flags, screening).set_index("test")
    assert land.loc["low_land_output", ["firms", "land_mu"]].tolist() == [2, 22]
    assert land.loc["all", ["firms", "land_mu"]].tolist() == [3, 20 + 12 + 10]   # below_low counted once
    clear_out = screen(firms([dict(firm_id="p", above_scale=True, park="园区", land_mu=10, tax=9),
                              dict(firm_id="q", above_scale=True, land_mu=10, tax=9)]),
                       load_screening("zhejiang-wenzhou-2018"), 2022)
    assert clear_out["firm_id"].tolist() == ["p"]                            # 0.9 万元/亩, in a park


def test_upgrade_candidates_and_their_projected_year():
    history = pd.concat([
        firms([dict(firm_id="grow", above_scale=False, revenue=1322.3), dict(firm_id="flat", above_scale=False,
                                                                          revenue=1500),
               dict(firm_id="new", above_scale=False, revenue=1800)], 2020),
        firms([dict(firm_id="grow", above_scale=False, revenue=1600), dict(firm_id="flat", above_scale=False,
                                                                        revenue=1500),
               dict(firm_id="new", above_scale=False, revenue=1950), dict(firm_id="tiny", above_scale=False,
                                                                          revenue=300),
               dict(firm_id="big", above_scale=True, revenue=2500)], 2022)])
    found = upgrade_candidates(history, 2022).set_index("firm_id")
    assert sorted(found.index) == ["flat", "grow", "new"]
    # 1322.3 -> 1600 in two years: 10 % a year; 1600 × 1.1^3 = 2129.6 >= 2000 > 1600 × 1.1^2 = 1936
    assert found.loc["grow", "growth"] == pytest.approx(0.1, abs=1e-4)
    assert found.loc["grow", "projected_year"] == 2025 and found.loc["grow", "growth_years"] == 2
    assert pd.isna(found.loc["flat", "projected_year"])                      # no growth, no crossing
    assert found.loc["new", "projected_year"] == 2023                        # 1800 -> 1950: 4 % a year
    assert found.index[0] == "new"                                           # soonest first
    with pytest.raises(OptionError, match="0 <= lower < threshold"):
        upgrade_candidates(history, 2022, lower=3000)


def test_rd_coverage_of_above_scale_firms():
    records = firms([dict(firm_id="a", above_scale=True, park="P1", rd=10),
                     dict(firm_id="b", above_scale=True, park="P1", rd=0),
                     dict(firm_id="c", above_scale=True, park="P2"),
                     dict(firm_id="d", above_scale=False, park="P2", rd=5)])
    coverage = rd_coverage(records, 2022, by="park").set_index("group")
    assert coverage.loc["all", ["above_scale_firms", "with_rd", "rd_no_data"]].tolist() == [3, 1, 1]
    assert coverage.loc["all", "coverage"] == pytest.approx(1 / 3)
    assert coverage.loc["P1", "coverage"] == pytest.approx(0.5) and coverage.loc["P2", "coverage"] == 0


def test_growth_needed_for_wenzhou_targets():
    assert required_growth(100, 121, 2) == pytest.approx(0.1)
    with pytest.raises(OptionError, match="must come after"):
        required_growth(100, 121, 0)
    records = firms([dict(firm_id="a", above_scale=True, land_mu=10, tax=200, value_added=1000, employees=50),
                     dict(firm_id="b", above_scale=True, land_mu=30, tax=440, value_added=2000, employees=150),
                     dict(firm_id="c", above_scale=False, land_mu=10, tax=10)], 2018)
    gaps = target_gaps(records, load_targets("zhejiang-wenzhou-2018"), 2018).set_index("indicator")
    # 规上 only: 640 / 40 = 16 万元/亩 against 32 by 2020; 3000 / 200 = 15 万元/人 against 16; 75 against 170
    assert gaps.loc["tax_per_mu", "base_value"] == pytest.approx(16)
    assert gaps.loc["tax_per_mu", "required_growth"] == pytest.approx(math.sqrt(2) - 1)
    assert gaps.loc["labour_productivity", "required_growth"] == pytest.approx((16 / 15) ** 0.5 - 1)
    assert gaps.loc["va_per_mu", "target"] == 170 and not gaps["reached"].any()
    late = target_gaps(records, load_targets("zhejiang-wenzhou-2018"), 2018, target_year=2018)
    assert late["required_growth"].isna().all()
