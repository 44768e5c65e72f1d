"""The sections of the first report: the absorption account and gross trade identities (METHODS.md 2.1, 4.1,
4.3, 4.4) on inter-country, open (national-MRIO-like) and national tables, and the published WIOD figures."""
from __future__ import annotations

import numpy as np
import pytest

from dualcirc import datasets
from dualcirc.engine import engine_for
from dualcirc.measures import vat
from dualcirc.report.framework import ReportContext
from dualcirc.report.sections.circulation import va_absorption_account, va_absorption_section
from dualcirc.report.sections.core import key_sectors_section, multipliers_section
from dualcirc.report.sections.trade import gross_trade, trade_dependence_section
from dualcirc.testing import open_economy, random_icio


TABLES = {
    "icio": lambda: random_icio(5, 4, seed=11, zero_output_cells=2),
    "open_mrio": lambda: open_economy(random_icio(4, 3, seed=5), outside=3),
    "national": lambda: datasets.load("china_nbs42", 2020),
}


def assert_close(lhs, rhs, rtol=1e-10):
    scale = max(1.0, float(np.max(np.abs(rhs))))
    assert np.max(np.abs(np.asarray(lhs) - np.asarray(rhs))) <= rtol * scale


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_absorption_account_identities(kind):
    table = TABLES[kind]()
    acc = va_absorption_account(table, engine_for(table))
    exports, imports = gross_trade(table)
    assert_close(acc["dd"] + acc["df"], acc["gdp"])                 # DD + DF = GDP
    assert_close(acc["dd"] + acc["fd"], acc["fe"])                  # DD + FD = FE
    assert_close(acc["df"] - acc["fd"], exports - imports)          # DF - FD = EX - IM


def test_closed_table_account_comes_from_vat_and_agrees_with_gross_trade():
    table = TABLES["icio"]()
    acc = va_absorption_account(table, engine_for(table))
    assert_close(acc["VAOD"].sum(1), table.gdp())                   # row sums: GDP (METHODS.md 2.1)
    assert_close(acc["VAOD"].sum(0), table.Y2.sum(0))               # column sums: final expenditure
    country = vat.vax(table, level="country")
    by_term = country.pivot_table(index="exporter", columns="term", values="value", observed=True)
    by_term = by_term.reindex(list(table.regions))
    exports, imports = gross_trade(table)
    assert_close(exports, by_term["EX"].to_numpy())
    assert_close(imports, by_term["IM"].to_numpy())


def test_open_table_exports_and_imports_are_the_cut_region_flows():
    closed = random_icio(4, 3, seed=5)
    table = open_economy(closed, outside=3)
    exports, imports = gross_trade(table)
    full_exports, full_imports = gross_trade(closed)
    assert_close(exports, full_exports[:3])
    assert_close(imports, full_imports[:3])


@pytest.fixture(scope="module")
def wiod2011():
    table = datasets.load("wiod2013", 2011)
    return ReportContext(table=table, engine=engine_for(table), economy="CHN", lang="en", top=10)


def test_wiod_china_2011_matches_the_published_figures(wiod2011):
    """PROVENANCE.md 0: China 2011 VA 7.39 trn USD, gross exports 2.08, imports 1.79, dependence 52 %."""
    table, s = wiod2011.table, wiod2011.economy_index
    exports, imports = gross_trade(table)
    assert round(table.gdp()[s] / 1e6, 2) == 7.39
    assert round(exports[s] / 1e6, 2) == 2.08 and round(imports[s] / 1e6, 2) == 1.79
    assert round((exports[s] + imports[s]) / table.gdp()[s], 2) == 0.52
    block = trade_dependence_section(wiod2011)[0]
    td = block.data.query("region == 'CHN' and indicator == 'report.ind.trade_dependence'")["value"].item()
    assert round(td, 2) == 0.52


def test_multipliers_section_ranks_the_economy_sectors(wiod2011):
    block = multipliers_section(wiod2011)[0]
    data = block.data
    assert set(data["region"]) == {"CHN"} and data["sector"].nunique() == 35
    om = data[data["indicator"] == "output_multiplier"]
    values = om["value"].dropna().to_numpy()
    assert np.all(np.diff(values) <= 0) and list(om["report.col.rank"]) == list(range(1, 36))
    assert len(block.figure.data[0].y) == wiod2011.top
    assert block.data.attrs["options"]["economy"] == "CHN"


def test_key_sectors_are_normalised_within_the_economy(wiod2011):
    block = key_sectors_section(wiod2011)[0]
    data = block.data
    for indicator in ("backward_linkage", "forward_linkage"):
        assert np.nanmean(data.loc[data["indicator"] == indicator, "value"]) == pytest.approx(1.0, abs=1e-12)
    classes = data.loc[data["indicator"] == "key_sector_class", "value"].dropna()
    assert set(classes) <= {1.0, 2.0, 3.0, 4.0}
    assert block.data.attrs["options"]["scope"] == "domestic"


def test_national_table_shows_exports_outside_the_table():
    table = TABLES["national"]()
    ctx = ReportContext(table=table, engine=engine_for(table), economy="CHN", lang="zh", top=5)
    blocks = va_absorption_section(ctx)
    indicators = list(blocks[0].data["indicator"])
    assert "report.ind.va_abroad_outside" in indicators
    assert len(blocks) == 2  # no comparison across regions in a one-region table
    assert blocks[1].data["report.col.destination"].tolist() == ["表外出口"]
