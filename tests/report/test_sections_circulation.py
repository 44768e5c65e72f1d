"""The dual-circulation and macro sections of the report (report/sections/circulation.py, macro.py): the figures
they show equal the measures, both views of GDP add up, and the sections that need the built-in series or China
are skipped elsewhere."""
from __future__ import annotations

import numpy as np
import pytest

from dualcirc import datasets
from dualcirc.engine import engine_for
from dualcirc.measures import circulation as circ
from dualcirc.report.framework import ReportContext
from dualcirc.report.sections.circulation import (circulation_series_section, circulation_views_section,
                                                  dependence_comparison_section)
from dualcirc.report.sections.macro import macro_contributions_section
from dualcirc.testing import random_icio


def context(table, economy, lang="en"):
    return ReportContext(table=table, engine=engine_for(table), economy=economy, lang=lang, top=10)


@pytest.fixture(scope="module")
def wiod2011():
    return datasets.load("wiod2013", 2011)


def test_views_of_china_add_up_and_equal_the_measures(wiod2011):
    views, categories = circulation_views_section(context(wiod2011, "CHN"))
    data = views.data
    for view, rows in data.groupby("report.col.view"):
        assert rows["value"].sum() == pytest.approx(1.0, abs=1e-12), view
    production = data[data["report.col.view"] == "report.view.production"].set_index("indicator")["value"]
    absorption = data[data["report.col.view"] == "report.view.absorption"].set_index("indicator")["value"]
    assert production[["circ.V_D_GDP", "circ.REF_GDP"]].sum() == pytest.approx(absorption["circ.DD_GDP"], rel=1e-10)
    assert absorption["circ.DD_GDP"] == pytest.approx(0.7870, abs=5e-5)
    assert len(views.figure.data) == 7 and views.figure.data[0].orientation == "h"   # 5 parts, then DD and DF
    shares = categories.data.pivot(index="fd_category", columns="indicator", values="value")
    assert shares.to_numpy().sum() == pytest.approx(1.0, abs=1e-12)     # DD and DF by category make up GDP
    assert "ALL" not in shares.index


def test_national_table_has_no_production_view():
    table = datasets.load("china_nbs42", 2020)
    blocks = circulation_views_section(context(table, "CHN", "zh"))
    assert [b.caption for b in blocks] == ["report.cap.circulation_categories"]
    assert "EXP" in set(blocks[0].data["fd_category"])
    assert "表外出口" in blocks[0].figure.data[0].x


def test_series_section_for_wiod_economies_only():
    block, = circulation_series_section(context(datasets.load("wiod2013", 1995), "KOR"))
    assert sorted(block.data["year"].unique()) == list(range(1995, 2012))
    assert len(block.figure.data) == 6                                    # five components and the DD/GDP line
    years = block.data.pivot(index="year", columns="indicator", values="value")
    parts = years[[f"circ.{c}_GDP" for c in circ.COMPONENTS]].sum(axis=1)
    assert np.allclose(parts, 1.0, atol=1e-12)
    assert circulation_series_section(context(random_icio(3, 2, seed=1), "R01")) is None


def test_dependence_comparison_marks_peak_years(wiod2011):
    block, = dependence_comparison_section(context(wiod2011, "FRA"))
    peaks = block.data.set_index(["region", "indicator"])["report.col.peak_year"]
    assert peaks[("CHN", "circ.TD")] == 2006 and peaks[("KOR", "circ.TD")] == 2011
    assert set(block.data["region"]) == {"CHN", "USA", "JPN", "KOR", "DEU", "FRA"}
    assert len(block.figure.data) == 6 * 4                                # two lines and two peak markers each


def test_macro_contributions_only_for_china():
    blocks = macro_contributions_section(context(datasets.load("wiod2013", 2011), "CHN"))
    demand, industry = blocks
    pulls = demand.data.groupby("year")["pull_pp"].sum()
    assert np.allclose(pulls, demand.data.groupby("year")["gdp_growth_pct"].first())
    assert demand.data.attrs["options"]["recomputed"] is False
    assert industry.data.attrs["options"]["base_years"] == "quinquennial"
    assert macro_contributions_section(context(datasets.load("wiod2013", 2011), "DEU")) is None
