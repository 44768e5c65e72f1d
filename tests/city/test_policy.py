"""The class policy calculator: the Haining electricity surcharge with its consecutive-year rule, quota cuts,
Nanjing's land eligibility and C− at half the D rate, by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from city_builders import firms
from dualcirc.city.policy import apply_policy, consecutive_years, describe, load_policy, policy_summary
from dualcirc.city.rules import RulesError
from dualcirc.errors import InputError

HISTORY = pd.DataFrame({
    "firm_id": ["d3"] * 3 + ["d2"] * 3 + ["gap"] * 3 + ["c"] * 3 + ["a"],
    "year": [2021, 2022, 2023] * 4 + [2023],
    "class": ["D", "D", "D", "C", "D", "D", "D", None, "D", "C", "C", "C", "A"],
})
HISTORY["managed_as"] = HISTORY["class"]
USAGE = firms([dict(firm_id=f, above_scale=True, electricity=e, energy_tce=q, water=w, gas=g)
               for f, e, q, w, g in (("d3", 100, 1000, 5e4, 1e4), ("d2", 50, 500, 2e4, 0), ("gap", 10, 100, 1e4, 0),
                                     ("c", 80, 800, 3e4, 0), ("a", 500, 4000, 1e5, 0))], 2023)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_consecutive_years_stop_at_a_change_or_a_missing_year():
    assert consecutive_years(HISTORY, 2023).to_dict() == {"a": 1, "c": 3, "d2": 2, "d3": 3, "gap": 1}


def test_haining_d_pays_0_3_and_0_4_from_the_third_consecutive_year():
    ledger = apply_policy(load_policy("zhejiang-haining-2025-draft"), HISTORY, USAGE, 2023)
    surcharge = ledger[ledger["measure"] == "electricity_surcharge"].set_index("firm_id")
    assert sorted(surcharge.index) == ["d2", "d3", "gap"]
    # 万kWh × 元/kWh = 万元
    assert surcharge.loc["d3", ["rate", "amount"]].tolist() == pytest.approx([0.4, 100 * 0.4])
    assert surcharge.loc["d2", ["rate", "amount"]].tolist() == pytest.approx([0.3, 50 * 0.3])
    assert surcharge.loc["gap", ["rate", "amount"]].tolist() == pytest.approx([0.3, 10 * 0.3])
    assert surcharge.loc["d3", "rule"] == "consecutive:3" and surcharge.loc["d2", "rule"] == "rate"
    quota = ledger[ledger["measure"] == "energy_quota_cut"].set_index("firm_id")
    assert sorted(quota.index) == ["c", "d2", "d3", "gap"] and quota["amount"].isna().all()
    assert set(quota["rule"]) == {"rate_not_set"} and quota.loc["c", "usage"] == 800
    summary = policy_summary(ledger).set_index(["measure", "class"])
    assert summary.loc[("electricity_surcharge", "D"), "amount"] == pytest.approx(40 + 15 + 3)
    assert np.isnan(summary.loc[("energy_quota_cut", "C"), "amount"])


def test_an_extending_file_sets_the_unpublished_shares_and_rates(tmp_path):
    haining = write(tmp_path, "haining.yaml", """
kind: policy
extends: zhejiang-haining-2025-draft
id: haining-local
measures:
  - key: energy_quota_cut
    shares: {C: 0.05, D: 0.1}
""")
    ledger = apply_policy(load_policy(haining), HISTORY, USAGE, 2023)
    cut = ledger[ledger["measure"] == "energy_quota_cut"].set_index("firm_id")["amount"]
    assert cut.to_dict() == pytest.approx({"d3": 100, "d2": 50, "gap": 10, "c": 40})
    nanjing = write(tmp_path, "nanjing.yaml", """
kind: policy
extends: jiangsu-nanjing
id: nanjing-local
measures:
  - key: water_surcharge
    rates: {D: 1.2}
""")
    history = HISTORY.assign(**{"class": HISTORY["class"].replace({"C": "C-"})})
    ledger = apply_policy(load_policy(nanjing), history, USAGE, 2023, lang="zh")
    water = ledger[ledger["measure"] == "water_surcharge"].set_index("firm_id")
    # 吨 × 元/吨 ÷ 10,000 = 万元; C− at half the D rate
    assert water.loc["d3", "amount"] == pytest.approx(5e4 * 1.2 / 1e4)
    assert water.loc["c", ["rate", "amount"]].tolist() == pytest.approx([0.6, 3e4 * 0.6 / 1e4])
    assert water.loc["c", "rule"] == "relative:Dx0.5" and water.loc["c", "amount_unit"] == "万元"
    land = ledger[ledger["measure"] == "land_supply"].set_index("firm_id")["status"]
    assert land.to_dict() == {"d3": "不得参与工业用地竞买", "d2": "不得参与工业用地竞买", "gap": "不得参与工业用地竞买",
                              "c": "原则上不新增建设用地", "a": "优先保障用地指标"}
    gas = ledger[ledger["measure"] == "gas_surcharge"]
    assert gas["amount"].isna().all() and set(gas["rule"]) == {"rate_not_set"}


def test_descriptions_and_errors():
    lines = describe(load_policy("zhejiang-haining-2025-draft"), "zh")
    assert lines[0] == "差别化电价: D 0.3 元/kWh; 连续3年及以上为D类 0.4 元/kWh"
    with pytest.raises(InputError, match="no classes of 2030 to apply the policy"):
        apply_policy(load_policy("jiangsu-nanjing"), HISTORY, USAGE, 2030)


@pytest.mark.parametrize("measure, key, words", [
    ("{key: x, kind: surcharge, label: X, resource: energy, rates: {D: 1}}", "measures[0].resource",
     "needs a priced resource"),
    ("{key: x, kind: rebate, label: X}", "measures[0].kind", "expected one of surcharge"),
    ("{key: x, kind: quota_cut, label: X, resource: energy, shares: {D: 1.5}}", "measures[0].shares.D",
     "<= 1"),
    ("{key: x, kind: surcharge, label: X, resource: water, rates: {D: 1}, consecutive: [{class: D, min_years: 1, "
     "rate: 2}]}", "measures[0].consecutive[0].min_years", "start at 2 years"),
    ("{key: x, kind: surcharge, label: X, resource: water}", "measures[0]", "name the classes"),
])
def test_a_bad_policy_file_names_the_key(tmp_path, measure, key, words):
    path = write(tmp_path, "policy.yaml", f"""
kind: policy
id: bad
title: Bad
jurisdiction: {{key: x, en: X, zh: X}}
sources: [{{id: s, title: S}}]
measures:
  - {measure}
""")
    with pytest.raises(RulesError) as info:
        load_policy(path)
    assert info.value.key == key and words in str(info.value)
