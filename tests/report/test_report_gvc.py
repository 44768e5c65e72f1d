"""The GVC report section (METHODS.md 2.5.1, 3.1-3.3): participation and position over the built-in WIOD years,
main partners and top sectors from Borin-Mancini, against the measures themselves; one year for a user's table;
skipped for a national table."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dualcirc import datasets
from dualcirc.engine import engine_for
from dualcirc.measures import gvc, vat
from dualcirc.report.framework import ReportContext
from dualcirc.report.sections.gvc import gvc_section, series_tables
from dualcirc.testing import random_icio

WIOD_YEARS = ["1995", "2000", "2005", "2011"]


def context(table, economy, lang="en", top=5):
    return ReportContext(table=table, engine=engine_for(table), economy=economy, lang=lang, top=top)


@pytest.fixture(scope="module")
def wiod():
    table = datasets.load("wiod2013", 2011)
    blocks = {b.caption: b for b in gvc_section(context(table, "CHN", lang="zh"))}
    return table, blocks


def test_series_covers_every_built_in_year_and_reuses_the_report_table(wiod):
    table, blocks = wiod
    tables = series_tables(table)
    assert [t.meta.year for t in tables] == [1995, 2000, 2005, 2011] and tables[-1] is table
    for caption in ("report.cap.gvc_participation", "report.cap.gvc_position"):
        data = blocks[caption].data
        assert list(dict.fromkeys(data["year"])) == WIOD_YEARS
        assert data.attrs["options"]["years"] == WIOD_YEARS and data.attrs["options"]["economy"] == "CHN"
        assert blocks[caption].figure is not None


def test_participation_and_position_equal_the_measures_of_each_year(wiod):
    _, blocks = wiod
    part = blocks["report.cap.gvc_participation"].data.set_index(["year", "indicator"])["value"]
    pos = blocks["report.cap.gvc_position"].data.set_index(["year", "indicator"])["value"]
    t1995 = datasets.load("wiod2013", 1995)
    w = gvc.wwyz_participation(t1995, level="country").set_index(["region", "term"])["value"]
    for term in ("F_GVCPT_S", "F_GVCPT_C", "B_GVCPT_S", "B_GVCPT_C"):
        assert part[("1995", f"gvc.wwyz.{term}")] == pytest.approx(w[("CHN", term)], rel=1e-12)
    k = gvc.koopman_position(t1995).set_index(["region", "term"])["value"]
    for term in ("POSITION", "IV_SHARE", "FV_SHARE"):
        assert pos[("1995", f"gvc.kpww.{term}")] == pytest.approx(k[("CHN", term)], rel=1e-12)
    length = gvc.production_length(t1995, level="country").set_index(["region", "term"])["value"]
    assert pos[("1995", "gvc.length.GVCPS")] == pytest.approx(length[("CHN", "GVCPS")], rel=1e-12)
    # China's forward and backward participation rose from 1995 to 2011 (WWYZ 2017a report the same for WIOD)
    assert part[("2011", "gvc.wwyz.F_GVCPT")] > part[("1995", "gvc.wwyz.F_GVCPT")]
    assert part[("2011", "gvc.wwyz.B_GVCPT")] > part[("1995", "gvc.wwyz.B_GVCPT")]


def test_partners_and_sectors_add_up_to_the_country_decomposition(wiod):
    table, blocks = wiod
    bm = vat.borin_mancini(table, level="country").set_index(["exporter", "term"])["value"]
    partners = blocks["report.cap.gvc_partners"].data
    sectors = blocks["report.cap.gvc_sectors"].data
    assert len(partners) == table.G - 1 and len(sectors) == table.N
    for data in (partners, sectors):
        for term in ("GEXP", "DVA", "FVA"):
            assert data[f"vat.bm.{term}"].sum() == pytest.approx(bm[("CHN", term)], rel=1e-10)
        assert data["report.ind.double_counting"].sum() == pytest.approx(bm[("CHN", "DDC")] + bm[("CHN", "FDC")],
                                                                          rel=1e-10)
        assert (np.diff(data["vat.bm.GEXP"].to_numpy()) <= 0).all()                 # ranked by gross exports
    assert partners["partner"].iloc[0] in ("USA", "ROW") and "美国" in set(partners["report.col.partner_name"])
    assert sectors["sector"].iloc[0] == "c14"                                       # electrical and optical equipment
    np.testing.assert_allclose(partners["report.col.dva_share"], partners["vat.bm.DVA"] / partners["vat.bm.GEXP"])
    assert blocks["report.cap.gvc_partners"].data.attrs["options"]["perspective"] == "exporter"
    assert len(blocks["report.cap.gvc_sectors"].figure.data[0].x) == 5              # top sectors in the chart


def test_a_user_table_shows_its_own_year_only():
    table = random_icio(4, 3, seed=21, negative_inventories=False)
    blocks = gvc_section(context(table, "R02"))
    assert len(blocks) == 4
    assert set(blocks[0].data["year"]) == {"2020"} and series_tables(table) == [table]
    moved = replace(table, meta=replace(table.meta, file="elsewhere/wiot_2011.parquet"))
    assert series_tables(moved) == [moved]


def test_skipped_for_a_national_table():
    table = datasets.load("china_nbs42", 2020)
    assert gvc_section(context(table, table.regions[0])) is None
