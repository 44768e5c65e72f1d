"""The chain-security report sections (chokepoints, a disruption scenario, the chain map) on an inter-country
table, a national MRIO and the national NBS 2020 table, in English and Chinese."""
from __future__ import annotations

import pytest

from dualcirc import datasets
from dualcirc.engine import engine_for
from dualcirc.labels import t
from dualcirc.report.framework import ReportContext
from dualcirc.report.sections.risk import chain_map_section, chokepoints_section, supply_shock_section
from dualcirc.testing import open_economy, random_icio

TABLES = {
    "icio": (lambda: random_icio(5, 4, seed=11, zero_output_cells=2), "R02"),
    "open_mrio": (lambda: open_economy(random_icio(4, 3, seed=5), outside=3), "R01"),
    "national": (lambda: datasets.load("china_nbs42", 2020), "CHN"),
}


@pytest.mark.parametrize("kind", sorted(TABLES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sections_build_with_translated_labels(kind, lang):
    make, economy = TABLES[kind]
    table = make()
    ctx = ReportContext(table=table, engine=engine_for(table), economy=economy, lang=lang, top=5)
    for build in (chokepoints_section, supply_shock_section, chain_map_section):
        blocks = build(ctx)
        assert blocks, build.__name__
        for block in blocks:
            assert block.figure is not None and len(block.data) > 0
            assert "METHODS.md" in block.data.attrs["method"] or "POLICY_SYSTEMS.md" in block.data.attrs["method"]
            for column in block.data.columns:
                assert t(str(column), "zh") != str(column) or column in ("sector",), column
            for column in block.translate:
                for value in block.data[column].unique():
                    assert t(str(value), "zh") != str(value) or value == economy, value
    shock = supply_shock_section(ctx)[0].data
    assert set(shock["model"]) == {"demand", "ghosh", "mixed", "hem"}


def test_chokepoints_are_computed_once_per_report(monkeypatch):
    """The chokepoint and shock sections share one ranking through ReportContext.shared."""
    from dualcirc.measures import risk

    table = random_icio(4, 3, seed=2)
    ctx = ReportContext(table=table, engine=engine_for(table), economy="R01", top=5)
    calls = []
    original = risk.chokepoints
    monkeypatch.setattr(risk, "chokepoints", lambda *a, **k: calls.append(1) or original(*a, **k))
    first = chokepoints_section(ctx)[0].data
    supply_shock_section(ctx)
    assert len(calls) == 1
    other = ReportContext(table=table, engine=engine_for(table), economy="R02", top=5)
    chokepoints_section(other)
    assert len(calls) == 2 and not first.empty
