"""The synthetic firm panel: reproducible, labelled as synthetic, and plausible against the published averages it
is calibrated on (Lishui 2019, POLICY_SYSTEMS.md §1.5)."""
from __future__ import annotations

import pandas as pd
import pytest

from dualcirc.city.fields import ABOVE_SCALE_REVENUE
from dualcirc.city.registry import Registry
from dualcirc.city.synthetic import synthetic_firms

LISHUI_2019 = {"tax_per_mu": 18.9, "va_per_mu": 73.71, "energy_productivity": 1.14, "emission_productivity": 611.55,
               "rd_intensity": 0.0236, "labour_productivity": 16.45}


@pytest.fixture(scope="module")
def panel():
    return synthetic_firms()


def test_same_seed_same_panel_and_another_seed_another(panel):
    again = synthetic_firms()
    pd.testing.assert_frame_equal(panel.firms, again.firms)
    pd.testing.assert_frame_equal(panel.events, again.events)
    other = synthetic_firms(seed=1)
    assert not panel.firms["tax"].equals(other.firms["tax"])


def test_it_is_labelled_synthetic(panel):
    assert panel.firms["firm_id"].str.startswith("SYN").all()
    assert panel.firms["name"].str.contains("synthetic").all() and "synthetic" in panel.source
    registry = Registry()
    registry.import_records(panel, synthetic=True)
    assert registry.is_synthetic(2023)


def test_about_five_thousand_firms_a_fifth_above_scale(panel):
    firms = panel.firms
    per_year = firms.groupby("year").size()
    assert list(per_year.index) == [2019, 2020, 2021, 2022, 2023] and per_year.between(4000, 5000).all()
    assert firms["firm_id"].nunique() > 4500
    assert firms.groupby("year")["above_scale"].mean().between(0.15, 0.3).all()
    assert (firms["above_scale"] == (firms["revenue"] >= ABOVE_SCALE_REVENUE)).all()
    assert (firms["land_mu"] >= 1).all() and (firms["tax"] > 0).all()
    below = firms[~firms["above_scale"]]
    assert below[["value_added", "energy_tce", "rd"]].isna().all().all() and below["electricity"].notna().all()
    assert firms["exemption"].notna().sum() > 0 and set(panel.events["event"]) >= {"high_tech", "safety_accident"}


def test_above_scale_averages_match_lishui_2019(panel):
    above = panel.firms[(panel.firms["year"] == 2019) & panel.firms["above_scale"]]
    reported = above["emissions_t"].notna()
    found = {"tax_per_mu": above["tax"].sum() / above["land_mu"].sum(),
             "va_per_mu": above["value_added"].sum() / above["land_mu"].sum(),
             "energy_productivity": above["value_added"].sum() / above["energy_tce"].sum(),
             "emission_productivity": above.loc[reported, "value_added"].sum() / above.loc[reported, "emissions_t"].sum(),
             "rd_intensity": above["rd"].sum() / above["revenue"].sum(),
             "labour_productivity": above["value_added"].sum() / above["employees"].sum()}
    for key, published in LISHUI_2019.items():
        assert found[key] == pytest.approx(published, rel=0.1), key
