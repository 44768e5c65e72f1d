"""The batch spec: schema, defaults and validation messages that name the file, the line and the key."""
from __future__ import annotations

import textwrap

import pytest

from dualcirc.batch import load_spec, spec_from_dict
from dualcirc.batch.spec import BASELINE
from dualcirc.engine import EngineConfig
from dualcirc.errors import ReaderError

GOOD = """\
output: results
tables:
  - name: synth
    synthetic: {G: 3, N: 4, seed: 5}
    years: 2001-2003
  - name: icio
    path: data/ICIO_{year}.csv
    format: oecd_icio
    years: [2018, 2020]
  - name: wiod
    dataset: wiod2013
    years: 2011
measures:
  - kww
  - wwz: {level: country}
  - {name: bm_sector, measure: borin_mancini, options: {level: sector}}
  - shocks
scenarios:
  - {name: cut_r01, kind: shock, source: R01, products: [S01], theta: 0.5}
  - {name: ex_r02, kind: extraction, region: R02}
scenarios_per_task: 10
engine: {lu: dense}
cluster: {workers: 2, memory_limit: 4GB}
"""


def write(tmp_path, text: str):
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_full_spec_is_read_with_paths_relative_to_the_file(tmp_path):
    spec = load_spec(write(tmp_path, GOOD))
    assert spec.output == tmp_path / "results"
    synth, icio, wiod = spec.tables
    assert synth.kind == "synthetic" and synth.years == (2001, 2002, 2003) and synth.options == {"G": 3, "N": 4,
                                                                                                  "seed": 5}
    assert icio.path_for(2020) == tmp_path / "data" / "ICIO_2020.csv" and icio.format == "oecd_icio"
    assert wiod.kind == "dataset" and wiod.location == "wiod2013" and wiod.years == (2011,)
    assert [(m.name, m.measure, dict(m.options)) for m in spec.measures] == [
        ("kww", "kww", {}), ("wwz", "wwz", {"level": "country"}),
        ("bm_sector", "borin_mancini", {"level": "sector"}), ("shocks", "shocks", {})]
    assert [(s.name, s.kind) for s in spec.scenarios] == [("cut_r01", "shock"), ("ex_r02", "extraction")]
    assert spec.scenarios[0].params == {"source": "R01", "products": ["S01"], "theta": 0.5}
    assert spec.engine == EngineConfig(lu="dense") and spec.scenarios_per_task == 10
    assert spec.cluster.workers == 2 and spec.cluster.memory_limit == "4GB" and spec.cluster.scheduler is None


@pytest.mark.parametrize("old, new, where, message", [
    ("scenarios_per_task: 10", "scenario_per_task: 10", "row 21, column 'scenario_per_task'",
     "unknown key 'scenario_per_task'; allowed keys"),
    ("years: 2001-2003", "years: 2003-2001", "row 5, column 'tables[0].years'", "a range ('1995-2020')"),
    ("years: [2018, 2020]", "years: [2018, 2018]", "row 9, column 'tables[1].years'", "listed twice"),
    ("  - kww\n", "  - kwz\n", "row 14, column 'measures[0]'", "unknown measure 'kwz'; known measures: ["),
    ("wwz: {level: country}", "wwz: {levl: country}", "row 15, column 'measures[1].wwz.levl'",
     "unknown key 'levl'; allowed keys: ['level',"),
    ("kind: shock", "kind: tariff", "row 19, column 'scenarios[0].kind'",
     "unknown scenario kind 'tariff'; allowed: ['extraction', 'shock']"),
    ("theta: 0.5}", "theta: 0.5, sector: S02}", "row 19, column 'scenarios[0].sector'", "allowed keys: ['source',"),
    ("name: ex_r02", "name: cut_r01", "row 20, column 'scenarios[1].name'", "used twice"),
    ("name: ex_r02", f"name: {BASELINE}", "row 20, column 'scenarios[1].name'", "reserved"),
    ("name: synth", "name: my/synth", "row 3, column 'tables[0].name'", "only letters, digits"),
    ("format: oecd_icio", "format: oecd_icio2099", "row 8, column 'tables[1].format'",
     "unknown reader layout 'oecd_icio2099'; known: ["),
    ("    dataset: wiod2013", "    dataset: wiod2099", "row 11, column 'tables[2].dataset'",
     "unknown dataset 'wiod2099'"),
    ("    years: 2011", "    years: 1999", "row 11, column 'tables[2].dataset'", "has no year 1999"),
    ("    synthetic: {G: 3, N: 4, seed: 5}", "    synthetic: {G: 3, regions: 4}",
     "row 4, column 'tables[0].synthetic.regions'", "unknown key 'regions'"),
    ("    path: data/ICIO_{year}.csv\n", "    path: data/ICIO_{year}.csv\n    cache: c.npz\n",
     "row 6, column 'tables[1]'", "needs exactly one of ['path', 'dataset', 'cache', 'synthetic']"),
    ("engine: {lu: dense}", "engine: {backend: jax}", "row 22, column 'engine'", "unknown array backend 'jax'"),
    ("memory_limit: 4GB", "memory_limit: lots", "row 23, column 'cluster.memory_limit'", "a size such as '6GB'"),
    ("workers: 2", "workers: 0", "row 23, column 'cluster.workers'", "a whole number >= 1"),
    ("workers: 2", "scheduler: localhost", "row 23, column 'cluster.scheduler'", "tcp://host:8786"),
])
def test_mistakes_are_reported_with_file_line_and_key(tmp_path, old, new, where, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ReaderError) as err:
        load_spec(path)
    assert f"file {path}, {where}: " in str(err.value) and message in str(err.value)


def test_a_scenario_measure_needs_scenarios_of_its_kind(tmp_path):
    text = GOOD.replace("  - {name: cut_r01, kind: shock, source: R01, products: [S01], theta: 0.5}\n", "")
    with pytest.raises(ReaderError, match=r"column 'measures\[3\]': measure 'shocks' runs once per scenario of "
                                          r"kind 'shock', and the spec defines none"):
        load_spec(write(tmp_path, text))


def test_custom_measures_are_imported_and_their_options_checked(tmp_path):
    base = {"output": "o", "tables": [{"name": "t", "synthetic": {}, "years": 2000}]}
    spec = spec_from_dict({**base, "measures": [{"batch_test_measures:region_output": {"seconds": 0}}]})
    assert spec.measures[0].name == "batch_test_measures.region_output"
    with pytest.raises(ReaderError, match=r"file <dict>, column 'measures\[0\]\.batch_test_measures:region_output"
                                          r"\.wait': unknown key 'wait'"):
        spec_from_dict({**base, "measures": [{"batch_test_measures:region_output": {"wait": 1}}]})
    with pytest.raises(ReaderError, match="cannot import the measure 'no_such_module:f'"):
        spec_from_dict({**base, "measures": ["no_such_module:f"]})


def test_not_yaml_and_missing_keys(tmp_path):
    with pytest.raises(ReaderError, match=r"row 3: not valid YAML: expected .,. or .\]."):
        load_spec(write(tmp_path, "output: [\ntables: x\n"))
    with pytest.raises(ReaderError, match=r"column 'measures': the key 'measures' is required"):
        load_spec(write(tmp_path, "output: o\ntables: []\n"))
    with pytest.raises(ReaderError, match="no such batch spec file"):
        load_spec(tmp_path / "absent.yaml")
