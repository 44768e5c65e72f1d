"""The evaluation: each preset's published formula reproduced by hand, hand-checked small cases for every
scoring rule, classes, exemptions, adjustments, the audit trail, transitions and the JSON API."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from city_builders import firms, rules_file
from dualcirc.city.evaluate import class_transitions, evaluate, transition_matrix
from dualcirc.city.rules import load_rules
from dualcirc.city.synthetic import synthetic_firms
from dualcirc.errors import InputError

#: a 规上 firm: 亩均税收 25, 亩均增加值 150, 单位能耗增加值 3, 单位排放增加值 4000, 全员劳动生产率 20, R&D 0.03
ABOVE = dict(firm_id="X", above_scale=True, land_mu=40, tax=1000, value_added=6000, energy_tce=2000, emissions_t=1.5,
             employees=300, rd=90, revenue=3000)
#: a 规下 firm: 亩均税收 12.5, 单位电耗税收 0.25
BELOW = dict(firm_id="Y", above_scale=False, land_mu=8, tax=100, electricity=400, revenue=800)


def points(evaluation, firm_id, item):
    audit = evaluation.audit
    row = audit[(audit["firm_id"] == firm_id) & (audit["item"] == item)]
    assert len(row) == 1
    return float(row["points"].iloc[0])


def score(evaluation, firm_id):
    return float(evaluation.firms.set_index("firm_id").loc[firm_id, "score"])


def test_huangyan_2022_reproduces_the_published_formula():
    """规上得分 = 亩均税收/24.097×30 + 亩均增加值/136.16×20 + 单位能耗增加值/2.694×20 + 单位排放增加值/4929.81×10
    + 全员劳动生产率/18.14×10 + R&D占比/0.0302×10; 规下得分 = 亩均税收/11.5932×50 + 单位电耗税收/0.2352×50."""
    at_benchmark = dict(firm_id="B", above_scale=True, land_mu=10, tax=240.97, value_added=1361.6,
                        energy_tce=1361.6 / 2.694, emissions_t=1361.6 / 4929.81, employees=1361.6 / 18.14, rd=30.2,
                        revenue=1000)
    result = evaluate(firms([ABOVE, BELOW, at_benchmark]), load_rules("zhejiang-huangyan-2022"))
    assert score(result, "X") == pytest.approx(25 / 24.097 * 30 + 150 / 136.16 * 20 + 3 / 2.694 * 20
                                               + 4000 / 4929.81 * 10 + 20 / 18.14 * 10 + 0.03 / 0.0302 * 10)
    assert score(result, "Y") == pytest.approx(12.5 / 11.5932 * 50 + 0.25 / 0.2352 * 50)
    assert score(result, "B") == pytest.approx(100)
    assert points(result, "X", "tax_per_mu") == pytest.approx(25 / 24.097 * 30)
    firm = result.firms.set_index("firm_id")
    assert list(firm.loc[["X", "B"], "rank"]) == [1, 2] and firm.loc["Y", "rank"] == 1
    assert firm["class"].isna().all()  # Huangyan publishes no class cut-offs


def test_huangyan_2021_uses_its_own_benchmarks():
    result = evaluate(firms([ABOVE, BELOW], 2021), load_rules("zhejiang-huangyan-2021"))
    assert score(result, "X") == pytest.approx(25 / 26.01 * 30 + 150 / 132.27 * 20 + 3 / 2.54 * 20
                                               + 4000 / 4861.08 * 10 + 20 / 17.45 * 10 + 0.03 / 0.0305 * 10)
    assert score(result, "Y") == pytest.approx(12.5 / 16.601058 * 50 + 0.25 / 0.236565 * 50)


def test_missing_emissions_get_the_pool_average_score_in_2022_and_no_rating_in_2021():
    second = {**ABOVE, "firm_id": "Z", "emissions_t": 3.0}          # 单位排放增加值 2000
    silent = {**ABOVE, "firm_id": "S", "emissions_t": None}
    rows = [ABOVE, second, silent]
    result = evaluate(firms(rows), load_rules("zhejiang-huangyan-2022"))
    expected = (4000 / 4929.81 * 10 + 2000 / 4929.81 * 10) / 2
    assert points(result, "S", "emission_productivity") == pytest.approx(expected)
    rule = result.audit.loc[(result.audit["firm_id"] == "S") & (result.audit["item"] == "emission_productivity"),
                            "rule"].iloc[0]
    assert rule == "missing_pool_mean"
    older = evaluate(firms(rows, 2021), load_rules("zhejiang-huangyan-2021")).firms.set_index("firm_id")
    assert older.loc["S", "status"] == "unrated" and older.loc["S", "reason"] == "missing:emission_productivity"
    assert older.loc["X", "pool_size"] == 2  # the unrated firm does not count in the pool


def test_county_revision_scores_against_the_pool_aggregate():
    small = [dict(firm_id="p", above_scale=False, land_mu=10, tax=50, revenue=1000, electricity=200),
             dict(firm_id="q", above_scale=False, land_mu=30, tax=60, revenue=1500, electricity=100)]
    result = evaluate(firms(small, 2023), load_rules("zhejiang-county-2023-revision"))
    tax_mu, revenue_mu, tax_kwh = 110 / 40, 2500 / 40, 110 / 300
    assert score(result, "p") == pytest.approx(5 / tax_mu * 60 + 100 / revenue_mu * 20 + 0.25 / tax_kwh * 20)
    assert score(result, "q") == pytest.approx(2 / tax_mu * 60 + 50 / revenue_mu * 20 + 0.6 / tax_kwh * 20)
    bench = result.benchmarks.set_index("indicator")
    assert bench.loc["tax_per_mu", "benchmark"] == pytest.approx(tax_mu)


def huaian_panel():
    """2023: two firms (Σ tax / Σ land = 600 / 40 = 15); 2024: twenty firms with rising tax, a new firm, a 规下 one."""
    previous = [dict(firm_id="old1", above_scale=True, start_year=2000, land_mu=10, tax=100, revenue=1000,
                     energy_tce=100),
                dict(firm_id="old2", above_scale=True, start_year=2000, land_mu=30, tax=500, revenue=2000,
                     energy_tce=500)]
    # previous averages: 亩均税收 15, 亩均销售收入 75, 单位能耗税收 1 -> benchmarks 30, 150, 2
    current = [dict(firm_id=f"f{i:02d}", above_scale=True, start_year=2000, land_mu=10, tax=10 * (i + 1),
                    revenue=1500, energy_tce=5 * (i + 1)) for i in range(20)]
    current += [dict(firm_id="new", above_scale=True, start_year=2023, land_mu=10, tax=1, revenue=1, energy_tce=1),
                dict(firm_id="small", above_scale=False, start_year=2000, land_mu=10, tax=1)]
    return firms(previous, 2023), firms(current, 2024)


def test_huaian_benchmark_is_twice_the_previous_year_average_and_classes_follow_the_shares():
    previous, current = huaian_panel()
    result = evaluate(current, load_rules("jiangsu-huaian-2024"), reference=previous)
    bench = result.benchmarks.set_index("indicator")["benchmark"]
    assert dict(bench) == pytest.approx({"tax_per_mu": 30, "revenue_per_mu": 150, "tax_per_energy": 2})
    # f05: 亩均税收 6, 亩均销售收入 150, 单位能耗税收 60/30 = 2
    assert score(result, "f05") == pytest.approx(6 / 30 * 45 + 150 / 150 * 35 + 2 / 2 * 20)
    firm = result.firms.set_index("firm_id")
    classes = firm.loc[[f"f{i:02d}" for i in range(19, -1, -1)], "class"].tolist()  # best first
    assert classes == ["A"] * 4 + ["B"] * 8 + ["C"] * 7 + ["D"]                  # 20 %, 40 %, 35 %, 5 %
    assert (firm.loc["new", "status"], firm.loc["new", "class"], firm.loc["new", "managed_as"]) == \
        ("unrated", "暂评", "B")
    assert firm.loc["small", "status"] == "out_of_scope" and "old1" not in firm.index
    reasons = result.explain("en").set_index(["firm_id", "kind"])["reason"]
    assert reasons[("f19", "class")] == "rank 1 of 20 (5.0% of the pool from the top) → class A"
    assert reasons[("new", "status")] == ("Registered, land contract completed or merged less than 2 years ago: "
                                          "not rated, class 暂评")
    with pytest.raises(InputError, match=r"previous year's \(2023\) pool"):
        evaluate(current, load_rules("jiangsu-huaian-2024"))


def test_gu456_classes_exemptions_and_scope():
    rows = [dict(firm_id=f"a{i:02d}", above_scale=True, land_mu=10, tax=10 + i, revenue=1000, value_added=300,
                 energy_tce=100, rd=10, employees=20) for i in range(20)]
    rows += [dict(firm_id="power", above_scale=True, exemption="utility", land_mu=10, tax=1),
             dict(firm_id="tiny", above_scale=False, land_mu=4, tax=50),
             dict(firm_id="shop", above_scale=False, land_mu=6, tax=50)]
    result = evaluate(firms(rows), load_rules("anhui-gu456-development-zone")).firms.set_index("firm_id")
    classes = result.loc[[f"a{i:02d}" for i in range(19, -1, -1)], "class"].tolist()
    assert classes == ["A"] * 5 + ["B"] * 9 + ["C"] * 5 + ["D"]                  # 25 %, 45 %, 25 %, 5 %
    assert tuple(result.loc["power", ["status", "class", "managed_as"]]) == ("unrated", "T", "B")
    assert result.loc["tiny", "status"] == "out_of_scope"
    assert result.loc["shop", "pool"] == "below_scale" and pd.isna(result.loc["shop", "class"])
    assert result.loc["shop", "score"] == pytest.approx(100)                      # alone: value = pool mean


HAND_RULES = {
    "indicators": {"energy_per_va": {"formula": "energy_tce / value_added", "unit": "吨标煤/万元",
                                     "label": {"en": "Energy per value added", "zh": "单位增加值能耗"},
                                     "direction": "lower"}},
    "pools": [{"key": "all", "label": "All", "indicators": [
        {"indicator": "tax_per_mu", "weight": 40, "benchmark": {"rule": "min_max"}},
        {"indicator": "revenue_per_mu", "weight": 60, "benchmark": {"rule": "min_max", "floor": 0, "span": 100}},
        {"indicator": "energy_per_va", "weight": 10, "benchmark": 0.5, "cap": 1.2, "missing": "zero"},
        {"indicator": "va_per_mu", "weight": 10, "benchmark": 10, "cap": 1.5, "missing": "zero"}]}],
    "classes": {"by": "score", "cuts": [{"class": "A", "min_score": 90}, {"class": "B", "min_score": 60},
                                       {"class": "C"}]},
}


def test_min_max_lower_is_better_caps_and_missing_zero_by_hand(tmp_path):
    rows = [dict(firm_id="lo", above_scale=True, land_mu=10, tax=100, revenue=100, value_added=400, energy_tce=100),
            dict(firm_id="mid", above_scale=True, land_mu=10, tax=200, revenue=200, value_added=100, energy_tce=100),
            dict(firm_id="hi", above_scale=True, land_mu=10, tax=300, revenue=300, value_added=200, energy_tce=300),
            dict(firm_id="none", above_scale=True, land_mu=10, tax=200, revenue=300, energy_tce=10)]
    result = evaluate(firms(rows), load_rules(rules_file(tmp_path, HAND_RULES)))
    # tax per mu 10, 20, 30, 20: weight 40 × [20 + 80 × (x − 10)/(30 − 10)] / 100
    assert [points(result, f, "tax_per_mu") for f in ("lo", "mid", "hi")] == pytest.approx([8, 24, 40])
    # revenue per mu 10, 20, 30, 30 with floor 0 and span 100
    assert [points(result, f, "revenue_per_mu") for f in ("lo", "mid", "hi")] == pytest.approx([0, 30, 60])
    # energy per value added 0.25, 1, 1.5: (2 − x/0.5) × 10, capped at 1.2 × 10, not below 0
    assert [points(result, f, "energy_per_va") for f in ("lo", "mid", "hi")] == pytest.approx([12, 0, 0])
    rules = result.audit.set_index(["firm_id", "item"])["rule"]
    assert (rules[("lo", "energy_per_va")], rules[("mid", "energy_per_va")], rules[("hi", "energy_per_va")]) == \
        ("lower_ratio_capped", "lower_ratio", "lower_ratio_floored")
    # value added per mu 40 -> ratio 4 capped at 1.5; the firm without value added gets 0
    assert points(result, "lo", "va_per_mu") == pytest.approx(15)
    assert points(result, "none", "va_per_mu") == 0 and rules[("none", "va_per_mu")] == "missing_zero"
    classes = result.firms.set_index("firm_id")["class"]
    assert score(result, "hi") == pytest.approx(40 + 60 + 0 + 15) and classes["hi"] == "A"
    assert score(result, "mid") == pytest.approx(24 + 30 + 0 + 10) and classes["mid"] == "B"
    assert score(result, "lo") == pytest.approx(8 + 0 + 12 + 15) and classes["lo"] == "C"


def test_bonus_penalty_caps_and_forced_class(tmp_path):
    body = {"pools": [{"key": "all", "label": "All",
                       "indicators": [{"indicator": "tax_per_mu", "weight": 100, "benchmark": 10}]}],
            "classes": {"by": "percentile", "cuts": [{"class": "A", "top": 0.5}, {"class": "B"}]},
            "adjustments": {"max_bonus": 4, "max_penalty": 6, "items": [
                {"event": "high_tech", "points": 3, "label": "高新技术企业"},
                {"event": "specialised_sme", "points": 2, "label": "专精特新"},
                {"event": "safety_accident", "points": -5, "label": "安全事故", "class": "D"},
                {"event": "false_report", "points": -3, "label": "数据造假"}]}}
    rows = [dict(firm_id=f, above_scale=True, land_mu=10, tax=100) for f in ("good", "bad", "plain", "other")]
    events = pd.DataFrame({"firm_id": ["good", "good", "bad", "bad", "plain"], "year": 2022,
                           "event": ["high_tech", "specialised_sme", "safety_accident", "false_report", "unknown"]})
    result = evaluate(firms(rows), load_rules(rules_file(tmp_path, body)), events=events)
    assert score(result, "good") == pytest.approx(100 + 4)     # 3 + 2 capped at 4
    assert score(result, "bad") == pytest.approx(100 - 6)      # −5 − 3 capped at −6
    assert score(result, "plain") == pytest.approx(100)
    audit = result.audit.set_index(["firm_id", "item"])["points"]
    assert audit[("good", "bonus_cap")] == pytest.approx(-1) and audit[("bad", "penalty_cap")] == pytest.approx(2)
    firm = result.firms.set_index("firm_id")
    assert firm.loc["good", "class"] == "A" and firm.loc["bad", "class"] == "D"
    assert firm.loc["plain", "rank"] == 2 and firm.loc["other", "rank"] == 2   # ties share the better rank
    assert firm.loc["plain", "class"] == "A" and firm.loc["other", "class"] == "A"  # 2 / 4 <= 0.5 for both
    forced = result.explain("en").query("firm_id == 'bad' and rule == 'forced:safety_accident'")["reason"]
    assert forced.tolist() == ["安全事故: class D whatever the score"]


def test_audit_points_add_up_to_the_score_on_synthetic_data(tmp_path):
    records = synthetic_firms(600, years=(2022, 2023), seed=3)
    path = rules_file(tmp_path, {"extends": "jiangsu-huaian-2024", "id": "huaian-with-items", "adjustments": {
        "max_bonus": 3, "items": [{"event": "high_tech", "points": 2, "label": "高新技术企业"},
                                  {"event": "specialised_sme", "points": 2, "label": "专精特新"},
                                  {"event": "safety_accident", "points": -4, "label": "安全事故", "class": "D"}]}})
    now = records.firms[records.firms["year"] == 2023]
    result = evaluate(now, load_rules(path), events=records.events,
                      reference=records.firms[records.firms["year"] == 2022])
    rated = result.firms[result.firms["status"] == "rated"].set_index("firm_id")
    scored = result.audit[result.audit["kind"].isin(["indicator", "adjustment"])]
    sums = scored.groupby("firm_id", observed=True)["points"].sum()
    assert len(rated) > 100
    assert np.allclose(sums.reindex(rated.index).to_numpy(), rated["score"].to_numpy())
    totals = result.audit[result.audit["kind"] == "total"].set_index("firm_id")["points"]
    assert np.allclose(totals.reindex(rated.index).to_numpy(), rated["score"].to_numpy())
    assert set(result.firms["status"]) == {"rated", "unrated", "out_of_scope"}
    # every firm-year appears once, every rated firm has a class, shares per pool add to one
    assert result.firms[["firm_id", "year"]].duplicated().sum() == 0 and rated["class"].notna().all()
    assert result.class_shares().groupby(["year", "pool"])["share"].sum().to_numpy() == pytest.approx(1)


def test_a_panel_is_evaluated_year_by_year():
    records = synthetic_firms(300, years=(2021, 2022, 2023), seed=5).firms
    rules = load_rules("zhejiang-huangyan-2022")
    panel = evaluate(records, rules).firms.set_index(["firm_id", "year"])
    for year in (2021, 2023):
        alone = evaluate(records[records["year"] == year], rules).firms.set_index(["firm_id", "year"])
        pd.testing.assert_series_equal(panel.loc[alone.index, "score"], alone["score"])
        assert (panel.loc[alone.index, "rank"] == alone["rank"]).all()


def test_class_transitions_by_hand():
    history = pd.DataFrame({"firm_id": ["a", "b", "c", "d", "a", "b", "c", "e", "f", "f"],
                            "year": [2022] * 4 + [2023] * 4 + [2022, 2023],
                            "class": ["B", "A", "D", "C", "A", "A", "C", "B", "T", "T"]})
    moves = class_transitions(history, 2022, 2023, ["A", "B", "C", "D"]).set_index("firm_id")
    assert moves["change"].to_dict() == {"a": "up", "b": "same", "c": "up", "d": "left", "e": "entered",
                                         "f": "unrated"}
    matrix = transition_matrix(moves.reset_index()).set_index(["from_class", "to_class"])
    assert matrix.loc[("A", "A"), "firms"] == 1 and matrix.loc[("C", "-"), "share"] == 1
    assert matrix["firms"].sum() == 6


def test_explanations_and_the_json_api_in_both_languages():
    result = evaluate(firms([ABOVE, BELOW]), load_rules("zhejiang-huangyan-2022"))
    sheet = result.firm_sheet("X", lang="zh")
    json.dumps(sheet, ensure_ascii=False)
    json.dumps(result.summary("en"))
    tax = next(i for i in sheet["items"] if i["item"] == "tax_per_mu")
    assert tax["label"] == "亩均税收" and tax["unit"] == "万元/亩"
    assert tax["reason"] == "25 ÷ 基准值 24.097 × 权重 30 = 31.12"
    english = result.explain("en").set_index(["firm_id", "item"])["reason"]
    assert english[("Y", "tax_per_electricity")] == "0.25 ÷ benchmark 0.2352 × weight 50 = 53.15"
    assert english[("X", "total")].startswith("sum of the items above = ")
    assert sheet["pool_label"] == "规上工业企业" and sheet["rank"] == 1 and sheet["class_label"] == "-"
    with pytest.raises(InputError, match="firm 'nobody' is not in this evaluation"):
        result.firm_sheet("nobody")
    with pytest.raises(InputError, match="firm 'X' appears more than once in 2022"):
        evaluate(firms([ABOVE, ABOVE]), load_rules("zhejiang-huangyan-2022"))
