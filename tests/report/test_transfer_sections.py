"""Report sections on industrial transfer (METHODS.md 7.1, 7.2, 7.5, 7.7) on the built-in WIOD 2011 table (with
its earlier years), the national NBS table and a random table (no dataset years, no known sector list)."""
from __future__ import annotations

import pytest

from dualcirc import datasets
from dualcirc.engine import engine_for
from dualcirc.report.framework import ReportContext
from dualcirc.report.sections.transfer import (dataset_years, sda_section, servitisation_section,
                                               transfer_shares_section)
from dualcirc.testing import random_icio


@pytest.fixture(scope="module")
def wiod_ctx():
    table = datasets.load("wiod2013", 2005)
    return ReportContext(table=table, engine=engine_for(table), economy="CHN", lang="zh")


def test_dataset_years_up_to_the_report_year(wiod_ctx):
    years = dataset_years(wiod_ctx.table)
    assert sorted(years) == [1995, 2000, 2005] and years[2005] is wiod_ctx.table


def test_transfer_shares_and_sda(wiod_ctx):
    shares, amounts = transfer_shares_section(wiod_ctx)
    values = shares.data["value"].dropna()
    assert ((values >= 0) & (values <= 1)).all() and set(shares.data["year"]) == {1995, 2000, 2005}
    assert shares.figure is not None and amounts.figure is not None
    assert set(amounts.data["indicator"]) == {"transfer.transfer", "transfer.speed_pp_per_year",
                                              "transfer.share_change"}
    (block,) = sda_section(wiod_ctx)
    effects = block.data.set_index("indicator")["value"]
    total = effects.pop("transfer.total_change")
    assert abs(effects.sum() - total) <= 1e-8 * abs(total)
    t0, t1 = datasets.load("wiod2013", 1995), wiod_ctx.table
    china = t1.region_index("CHN")
    change = t1.va.reshape(t1.G, t1.N)[china].sum() - t0.va.reshape(t0.G, t0.N)[china].sum()
    assert abs(total - change) <= 1e-6 * change


def test_servitisation_section(wiod_ctx):
    (block,) = servitisation_section(wiod_ctx)
    assert set(block.data["sector"]) == {f"c{k}" for k in range(3, 17)}
    assert ((block.data["value"] > 0) & (block.data["value"] < 1)).all()
    assert "transfer.services_in_exports" in set(block.data["indicator"])
    national = datasets.load("china_nbs42", 2020)
    (block,) = servitisation_section(ReportContext(table=national, engine=engine_for(national), economy="CHN"))
    assert "transfer.services_in_final" in set(block.data["indicator"])   # trade outside the model: final output


def test_sections_skip_tables_without_years_or_sector_lists():
    table = random_icio(3, 2, seed=3)
    ctx = ReportContext(table=table, engine=engine_for(table), economy="R01")
    assert transfer_shares_section(ctx) is None and sda_section(ctx) is None and servitisation_section(ctx) is None
