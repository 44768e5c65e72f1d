"""Plan expansion: parts per table-year x measure x scenario, tasks, and fingerprints that change exactly when a
part's definition does."""
from __future__ import annotations

import os
from dataclasses import replace

from dualcirc.batch import plan, spec_from_dict
from dualcirc.batch.plan import prepared_path
from dualcirc.engine import EngineConfig
from dualcirc.tables.store import save_table
from dualcirc.testing import random_icio


def make_spec(tmp_path, **changes):
    data = {
        "output": "out",
        "tables": [{"name": "synth", "synthetic": {"G": 3, "N": 2}, "years": "2000-2001"},
                   {"name": "file", "cache": "t_{year}.npz", "years": [2010]}],
        "measures": ["kww", {"wwz": {"level": "country"}}, "shocks", "hypothetical_extraction"],
        "scenarios": [{"name": f"cut{k}", "kind": "shock", "source": "R01", "theta": k / 4} for k in range(3)]
                     + [{"name": "ex", "kind": "extraction", "region": "R02"}],
        "scenarios_per_task": 2,
    }
    data.update(changes)
    return spec_from_dict(data, base=tmp_path)


def fingerprints(spec) -> dict[str, str]:
    return {p.key: p.fingerprint for task in plan(spec) for p in task.parts}


def test_parts_and_tasks(tmp_path):
    tasks = plan(make_spec(tmp_path))
    keys = [[p.key for p in t.parts] for t in tasks]
    assert [t.key for t in tasks] == ["synth-2000-0", "synth-2000-1", "synth-2000-2", "synth-2001-0",
                                      "synth-2001-1", "synth-2001-2", "file-2010-0", "file-2010-1", "file-2010-2"]
    assert keys[0] == ["kww/synth/2000/baseline", "wwz/synth/2000/baseline"]
    assert keys[1] == ["shocks/synth/2000/cut0", "shocks/synth/2000/cut1"]
    assert keys[2] == ["shocks/synth/2000/cut2", "hypothetical_extraction/synth/2000/ex"]
    assert sum(len(k) for k in keys) == 3 * (2 + 3 + 1)
    assert tasks[1].parts[1].scenario_params == {"source": "R01", "theta": 0.25}


def test_fingerprints_follow_the_definition_of_each_part(tmp_path):
    cache = tmp_path / "t_2010.npz"
    save_table(random_icio(3, 2, seed=1), cache)
    base = fingerprints(make_spec(tmp_path))
    assert len(set(base.values())) == len(base)                           # every part its own fingerprint
    assert fingerprints(make_spec(tmp_path)) == base                      # deterministic
    spec = make_spec(tmp_path)
    assert fingerprints(replace(spec, engine=EngineConfig(lu="sparse"))) == base   # how, not what

    wwz_sector = fingerprints(make_spec(tmp_path, measures=["kww", {"wwz": {"level": "sector"}}, "shocks",
                                                            "hypothetical_extraction"]))
    assert {k for k in base if wwz_sector[k] != base[k]} == {"wwz/synth/2000/baseline", "wwz/synth/2001/baseline",
                                                             "wwz/file/2010/baseline"}
    scenarios = make_spec(tmp_path).scenarios
    theta = replace(scenarios[1], params={"source": "R01", "theta": 0.3})
    changed = fingerprints(replace(spec, scenarios=(scenarios[0], theta) + scenarios[2:]))
    assert {k for k in base if changed[k] != base[k]} == {f"shocks/{t}/cut1" for t in ("synth/2000", "synth/2001",
                                                                                         "file/2010")}
    stat = cache.stat()
    os.utime(cache, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 ** 9))    # the file was rewritten
    touched = fingerprints(make_spec(tmp_path))
    assert {k for k in base if touched[k] != base[k]} == {k for k in base if "/file/2010/" in k}


def test_prepared_tables_are_named_by_their_identity(tmp_path):
    spec = make_spec(tmp_path)
    synth = spec.tables[0]
    first = prepared_path(spec.output, synth, 2000)
    assert first.parent == spec.output / "_tables" / "synth" and first.name.startswith("2000-")
    assert prepared_path(spec.output, synth, 2001) != first
    assert prepared_path(spec.output, replace(synth, options={"G": 3, "N": 3}), 2000) != first
