"""Rules files: the shipped presets (every number traced to the research report), validation messages that name
the file and the key, ``extends`` and keyed merging."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from city_builders import rules_file
from shared_paths import REPO
from dualcirc.city.policy import load_policy
from dualcirc.city.rules import (KINDS, RulesError, load_document, load_rules, merge, preset_names)
from dualcirc.city.screening import load_screening, load_targets
from dualcirc.errors import InputError

RESEARCH = REPO.parent / "shared" / "docs" / "POLICY_SYSTEMS.md"
LOADERS = {"rules": load_rules, "policy": load_policy, "screening": load_screening, "targets": load_targets}
#: keys whose numbers are not published figures: years, schema versions
NOT_FIGURES = {"year", "target_year"}


def test_every_preset_loads_and_names_its_sources():
    for kind in KINDS:
        names = preset_names(kind)
        assert names, kind
        for name in names:
            loaded = LOADERS[kind](name)
            assert loaded.sources and all(s.url.startswith("http") for s in loaded.sources), name
            assert all("POLICY_SYSTEMS.md" in s.cited_in for s in loaded.sources), name


def _numbers(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v, key)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and key not in NOT_FIGURES:
        yield key, value


def test_every_preset_number_is_in_the_research_report():
    """Weights, benchmarks, cut-offs, rates and thresholds all appear in POLICY_SYSTEMS.md (as themselves or, for
    shares, as percentages)."""
    if not RESEARCH.is_file():
        pytest.skip(f"the research report is not at {RESEARCH}")
    text = RESEARCH.read_text(encoding="utf-8")
    checked = 0
    for kind in KINDS:
        for name in preset_names(kind):
            for key, value in _numbers(load_document(name, kind).data):
                candidates = {repr(value), f"{value:g}", f"{value * 100:g}"}
                assert any(re.search(rf"(?<![\d.]){re.escape(c)}(?![\d])", text) for c in candidates), \
                    f"{kind}-{name}: {key} = {value} is not in {RESEARCH.name}"
                checked += 1
    assert checked > 60


def test_huangyan_presets_carry_the_published_weights_and_benchmarks():
    for name, benchmarks, below in (
            ("zhejiang-huangyan-2021", (26.01, 132.27, 2.54, 4861.08, 17.45, 0.0305), (16.601058, 0.236565)),
            ("zhejiang-huangyan-2022", (24.097, 136.16, 2.694, 4929.81, 18.14, 0.0302), (11.5932, 0.2352))):
        rules = load_rules(name)
        above, small = rules.pool("above_scale"), rules.pool("below_scale")
        assert [s.indicator.key for s in above.indicators] == [
            "tax_per_mu", "va_per_mu", "energy_productivity", "emission_productivity", "labour_productivity",
            "rd_intensity"]
        assert [s.weight for s in above.indicators] == [30, 20, 20, 10, 10, 10]
        assert tuple(s.benchmark.value for s in above.indicators) == benchmarks
        assert [s.weight for s in small.indicators] == [50, 50]
        assert tuple(s.benchmark.value for s in small.indicators) == below
        assert above.classes is None
    # 2022 extends 2021: its emission rule is the only missing-data difference
    assert load_rules("zhejiang-huangyan-2022").pool("above_scale").indicators[3].missing == "pool_mean_score"
    assert load_rules("zhejiang-huangyan-2021").pool("above_scale").indicators[3].missing == "unrated"


def test_other_presets_carry_their_published_numbers():
    county = load_rules("zhejiang-county-2023-revision")
    assert {s.indicator.key: s.weight for s in county.pool("above_scale").indicators} == {
        "tax_per_mu": 40, "va_per_mu": 25, "labour_productivity": 8, "rd_intensity": 10,
        "energy_productivity": 10, "emission_productivity": 7}
    assert [s.weight for s in county.pool("below_scale").indicators] == [60, 20, 20]
    huaian = load_rules("jiangsu-huaian-2024")
    assert [s.weight for s in huaian.pool("above_scale").indicators] == [45, 35, 20]
    assert all((s.benchmark.rule, s.benchmark.k, s.benchmark.reference) == ("pool_mean", 2, "previous")
               for s in huaian.pool("above_scale").indicators)
    assert [c.top for c in huaian.pool("above_scale").classes.cuts] == [0.2, 0.6, 0.95, None]
    assert huaian.needs_previous_year and huaian.exemptions[0].managed_as == "B"
    gu456 = load_rules("anhui-gu456-development-zone")
    assert [s.weight for s in gu456.pool("above_scale").indicators] == [45, 20, 15, 15, 5]
    assert [c.top for c in gu456.pool("above_scale").classes.cuts] == [0.25, 0.7, 0.95, None]
    assert gu456.pool("below_scale").classes is None and gu456.year is None


@pytest.mark.parametrize("body, key, words", [
    ({"pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "tax_per_mu", "weight": "thirty",
                                                            "benchmark": 10}]}]},
     "pools[0].indicators[0].weight", "expected a number"),
    ({"pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "tax_per_mu", "weight": 30,
                                                            "benchmark": 10, "weigth": 1}]}]},
     "pools[0].indicators[0].weigth", "unknown key"),
    ({"pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "tax_per_mu", "weight": 30,
                                                            "benchmark": {"rule": "median"}}]}]},
     "pools[0].indicators[0].benchmark.rule", "expected one of fixed, pool_mean"),
    ({"pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "profit", "weight": 30, "benchmark": 1}]}]},
     "pools[0].indicators[0].indicator", "unknown indicator 'profit'"),
    ({"pools": [{"key": "a", "label": "A", "when": {"size": "big"},
                 "indicators": [{"indicator": "tax_per_mu", "weight": 30, "benchmark": 1}]}]},
     "pools[0].when.size", "unknown key"),
    ({"pools": [{"key": "a", "label": "A", "when": {"park": {"lt": 3}},
                 "indicators": [{"indicator": "tax_per_mu", "weight": 30, "benchmark": 1}]}]},
     "pools[0].when.park.lt", "compares numbers"),
    ({"indicators": {"water_tax": {"formula": "tax / water_use", "unit": "万元/吨", "label": "x"}},
      "pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "water_tax", "weight": 1, "benchmark": 1}]}]},
     "indicators.water_tax.formula", "'water_use' is not a numeric record field"),
    ({"classes": {"by": "percentile", "cuts": [{"class": "A", "top": 0.5}, {"class": "B", "top": 0.3},
                                                {"class": "C"}]},
      "pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "tax_per_mu", "weight": 1, "benchmark": 1}]}]},
     "classes.cuts[1].top", "must increase"),
    ({"classes": {"by": "score", "cuts": [{"class": "A", "min_score": 90}, {"class": "B", "min_score": 60}]},
      "pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "tax_per_mu", "weight": 1, "benchmark": 1}]}]},
     "classes.cuts[1].min_score", "the last class takes every remaining firm"),
    ({"indicators": {"energy_per_va": {"formula": "energy_tce / value_added", "unit": "吨标煤/万元",
                                       "label": "x", "direction": "lower"}},
      "pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "energy_per_va", "weight": 1,
                                                            "benchmark": {"rule": "pool_max"}}]}]},
     "pools[0].indicators[0].benchmark.rule", "better when lower"),
    ({"pools": [{"key": "a", "label": "A", "indicators": [{"indicator": "tax_per_mu", "weight": 1,
                                                            "benchmark": {"rule": "min_max"}, "cap": 2}]}]},
     "pools[0].indicators[0].cap", "bounded already"),
    ({"pools": []}, "pools", "non-empty list"),
    ({"pools": [{"key": "a", "indicators": [{"indicator": "tax_per_mu", "weight": 1, "benchmark": 1}]}]},
     "pools[0].label", "required"),
])
def test_a_bad_rules_file_is_refused_naming_file_and_key(tmp_path, body, key, words):
    path = rules_file(tmp_path, body)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert info.value.key == key and str(path) in str(info.value) and words in str(info.value)


def test_yaml_syntax_errors_and_wrong_kinds_say_where(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\npools: [a, b\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"bad.yaml: not valid YAML \(line 3"):
        load_rules(bad)
    policy = tmp_path / "policy.yaml"
    policy.write_text("kind: policy\nid: x\n", encoding="utf-8")
    with pytest.raises(RulesError, match="this is a policy file; a rules file was expected"):
        load_rules(policy)
    with pytest.raises(InputError, match="no rules file or preset 'nowhere'; presets: anhui-gu456"):
        load_rules("nowhere")


def test_extends_overrides_item_by_item_and_changes_the_digest(tmp_path):
    base = load_rules("zhejiang-huangyan-2022")
    path = rules_file(tmp_path, {"extends": "zhejiang-huangyan-2022", "id": "local-2022",
                                 "pools": [{"key": "above_scale",
                                            "indicators": [{"indicator": "tax_per_mu", "benchmark": 25.0}]}],
                                 "classes": {"by": "percentile", "cuts": [{"class": "A", "top": 0.2},
                                                                          {"class": "B"}]}})
    local = load_rules(path)
    above = local.pool("above_scale")
    assert above.indicators[0].benchmark.value == 25.0 and above.indicators[0].weight == 30
    assert [s.benchmark.value for s in above.indicators[1:]] == [136.16, 2.694, 4929.81, 18.14, 0.0302]
    assert above.classes.classes == ("A", "B") and local.pool("below_scale").classes.classes == ("A", "B")
    assert local.digest != base.digest and "rules-zhejiang-huangyan-2021.yaml" in local.file
    cycle = rules_file(tmp_path, {"extends": "cycle.yaml", "pools": []}, name="cycle.yaml")
    with pytest.raises(RulesError, match="extends itself"):
        load_rules(cycle)


def test_merge_deletes_nulls_merges_keyed_lists_and_replaces_others():
    base = {"a": 1, "b": {"c": 2, "d": 3}, "pools": [{"key": "x", "v": 1}, {"key": "y", "v": 2}], "l": [1, 2]}
    out = merge(base, {"a": None, "b": {"d": 4}, "pools": [{"key": "y", "v": 5}, {"key": "z", "v": 6}], "l": [3]})
    assert out == {"b": {"c": 2, "d": 4}, "l": [3],
                   "pools": [{"key": "x", "v": 1}, {"key": "y", "v": 5}, {"key": "z", "v": 6}]}
    assert base["b"]["d"] == 3  # the base is left as it was


def test_presets_are_package_data():
    """pyproject ships city/presets/* (the presets load from the installed package, not from the repository)."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"city/presets/*"' in text
    shipped = {p.name for p in (REPO / "src" / "dualcirc" / "city" / "presets").iterdir()}
    assert {f"{k}-{n}.yaml" for k in KINDS for n in preset_names(k)} == shipped
    for path in (REPO / "src" / "dualcirc" / "city" / "presets").iterdir():
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["kind"] == path.name.split("-")[0]


def test_preset_paths_resolve_relative_to_the_extending_file(tmp_path):
    folder = tmp_path / "local"
    folder.mkdir()
    rules_file(folder, {"pools": [{"key": "a", "label": "A", "indicators": [
        {"indicator": "tax_per_mu", "weight": 1, "benchmark": 1}]}]}, name="base.yaml")
    child = rules_file(folder, {"extends": "base.yaml", "id": "child"}, name="child.yaml")
    assert load_rules(Path(child)).pool("a").indicators[0].weight == 1
