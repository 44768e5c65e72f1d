"""The page framework: parameters checked against the table, pages left out when their measure module does not
import, and panels shown in either language with codes kept beside their names."""

from __future__ import annotations

import pandas as pd
import pytest

from dualcirc import datasets
from dualcirc.errors import OptionError
from dualcirc.measures.result import tidy
from dualcirc.web import pages
from dualcirc.web.pages import Panel, Param, View
from dualcirc.web.render import render_panel, shown_frame


@pytest.fixture(scope="module")
def wiod():
    return datasets.load("wiod2013", 2011)


def test_number_parameters_are_checked(wiod):
    theta = Param("theta", "web.param.theta", "number", default=0.5, minimum=0.0, maximum=1.0)
    assert theta.resolve(None, wiod, "CHN") == 0.5 and theta.resolve(1, wiod, "CHN") == 1.0
    for bad, words in ((1.5, "must lie in"), (True, "must be a number"), ("0.3", "must be a number")):
        with pytest.raises(OptionError, match=words):
            theta.resolve(bad, wiod, "CHN")


def test_table_parameters_default_to_the_economy_and_list_names_in_both_languages(wiod):
    region = Param("region", "web.param.shock_source", "region")
    assert region.resolve(None, wiod, "DEU") == "DEU"
    with pytest.raises(OptionError, match="must be one of"):
        region.resolve("XXX", wiod, "DEU")
    described = region.describe(wiod, "DEU")
    assert described["default"] == "DEU"
    chn = next(o for o in described["options"] if o["value"] == "CHN")
    assert (chn["en"], chn["zh"]) == ("China", "中国")
    sector = Param("sector", "web.param.chain_sector", "sector",
                   default=lambda table, economy: table.sectors[-1])
    assert sector.resolve(None, wiod, "CHN") == "c35" and sector.describe()["default"] is None
    choice = Param("model", "web.param.shock_model", "choice", default="ghosh", choices=("demand", "ghosh"),
                   choice_prefix="shock_")
    assert choice.describe()["options"] == [{"value": "demand", "label": "shock_demand"},
                                            {"value": "ghosh", "label": "shock_ghosh"}]
    with pytest.raises(OptionError, match=r"\['demand', 'ghosh'\]"):
        choice.resolve("iim", wiod, "CHN")


def test_a_page_whose_measure_module_does_not_import_is_left_out(monkeypatch):
    monkeypatch.setitem(pages.PAGE_MODULES, "not_yet", ("dualcirc.measures.not_written_yet",))
    pages._load.cache_clear()
    try:
        omitted = pages.omitted_pages()
        assert "not_yet" in omitted and "dualcirc.measures.not_written_yet" in omitted["not_yet"]
        assert "not_yet" not in {p.key for p in pages.available_pages()}
        assert {"overview", "partners", "sectors"} <= {p.key for p in pages.available_pages()}
    finally:
        monkeypatch.delitem(pages.PAGE_MODULES, "not_yet")
        pages._load.cache_clear()


def test_panels_translate_terms_headers_and_names(wiod):
    data = tidy(pd.DataFrame({"region": ["CHN", "risk.region.total"], "sector": ["c14", None],
                              "term": ["TD", "no_such_term"], "value": [0.5, float("nan")]}),
                method="test (METHODS.md 4.4)", table=wiod)
    panel = Panel("p", "web.overview.dependence", data, translate={"term": "circ."},
                  names={"region": "region", "sector": "sector"})
    zh = shown_frame(panel, View.of(wiod, "zh"))
    assert list(zh.columns) == ["地区", "地区 (名称)", "部门", "部门 (名称)", "分项", "数值"]
    assert zh.iloc[0].tolist()[:5] == ["CHN", "中国", "c14", "电气和光学设备制造业", "外贸依存度，总值（(EX+IM)/GDP）"]
    assert zh.iloc[1, 1] == "所有地区" and zh.iloc[1, 4] == "no_such_term"  # no label: the code itself
    shown = render_panel(panel, View.of(wiod, "en"))
    assert shown["codes"] == ["region", "region#name", "sector", "sector#name", "term", "value"]
    assert shown["rows"][1][-1] is None and shown["provenance"]["method"] == "test (METHODS.md 4.4)"
    assert shown["caption"] == "Trade dependence over time, gross and value added"
