"""Aggregation by concordance: identities, agreement with a group-by reference, splitting, errors, real WIOD."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from dualcirc.engine.leontief import engine_for
from dualcirc.errors import InputError, ReaderError
from dualcirc.tables.aggregate import aggregate, concordance_matrix
from dualcirc.testing import random_icio
from table_builders import national_mrio, wiod2011

SECTORS = {"S01": "AGR", "S02": "MAN", "S03": "MAN", "S04": "SRV", "S05": "SRV"}
REGIONS = {"R01": "R01", "R02": "EAST", "R03": "EAST", "R04": "R04"}


@pytest.fixture(scope="module")
def table():
    return random_icio(4, 5, seed=3, zero_output_cells=1)


def groupby_reference(t, sector_map, region_map):
    """Z, x and Y of the aggregate computed independently with pandas group-by on labelled frames."""
    rows = pd.MultiIndex.from_tuples([(region_map[r], sector_map[s]) for r, s in t.cells])
    new_cells = pd.MultiIndex.from_tuples(list(dict.fromkeys(rows)))
    Z = pd.DataFrame(t.Z, index=rows, columns=rows).groupby(level=[0, 1], sort=False).sum()
    Z = Z.T.groupby(level=[0, 1], sort=False).sum().T.reindex(index=new_cells, columns=new_cells)
    x = pd.Series(t.x, index=rows).groupby(level=[0, 1], sort=False).sum().reindex(new_cells)
    dest = [region_map[r] for r in t.regions]
    Y = pd.DataFrame(t.Y2, index=rows, columns=dest).groupby(level=[0, 1], sort=False).sum()
    Y = Y.T.groupby(level=0, sort=False).sum().T.reindex(index=new_cells)
    return Z.to_numpy(), x.to_numpy(), Y.to_numpy()


def test_aggregate_matches_groupby_reference_and_keeps_totals(table):
    agg = aggregate(table, sectors=SECTORS, regions=REGIONS)
    assert agg.regions == ("R01", "EAST", "R04") and agg.sectors == ("AGR", "MAN", "SRV")
    Z, x, Y = groupby_reference(table, SECTORS, REGIONS)
    np.testing.assert_allclose(agg.Z, Z, rtol=1e-13, atol=1e-9)
    np.testing.assert_allclose(agg.x, x, rtol=1e-13)
    np.testing.assert_allclose(agg.Y2, Y, rtol=1e-13, atol=1e-9)
    for total in (lambda t: t.x.sum(), lambda t: t.va.sum(), lambda t: t.Y.sum(), lambda t: t.W.sum(1),
                  lambda t: t.Y.sum((0, 1)), lambda t: t.satellites["co2"].values.sum(),
                  lambda t: t.satellites["co2"].household.sum()):
        np.testing.assert_allclose(total(agg), total(table), rtol=1e-12)
    assert agg.fd_categories == table.fd_categories and agg.va_rows == table.va_rows
    assert agg.checks[-1].code == "aggregated" and agg.meta.notes[-1] == agg.checks[-1].message


def test_aggregate_is_consistent_with_the_engine(table):
    agg = aggregate(table, sectors=SECTORS, regions=REGIONS)
    eng = engine_for(agg)
    np.testing.assert_allclose(eng.solve(agg.y), agg.x, rtol=1e-10)
    np.testing.assert_allclose(agg.Z.sum(0) + agg.va, agg.x, rtol=1e-12)
    assert eng.diagnostics()["max_abs_vL_minus_1"] < 1e-12


@pytest.mark.parametrize("form", ["dict", "series", "frame", "named_frame", "csv"])
def test_every_concordance_form_gives_the_same_matrix(table, form, tmp_path):
    pairs = pd.DataFrame({"old": list(SECTORS), "new": list(SECTORS.values())})
    if form == "dict":
        conc = SECTORS
    elif form == "series":
        conc = pd.Series(SECTORS)
    elif form == "frame":
        conc = pairs.set_axis(["from", "to"], axis=1)
    elif form == "named_frame":
        conc = pairs[["new", "old"]]  # named columns are taken by name, not position
    else:
        conc = tmp_path / "sectors.csv"
        conc.write_text("# a comment line\nold,new\n" + "".join(f"{o},{n}\n" for o, n in SECTORS.items()))
    codes, S = concordance_matrix(conc, table.sectors)
    assert codes == ("AGR", "MAN", "SRV")
    np.testing.assert_array_equal(S.toarray(), [[1, 0, 0, 0, 0], [0, 1, 1, 0, 0], [0, 0, 0, 1, 1]])


def test_weighted_concordance_splits_a_sector(table):
    conc = pd.DataFrame({"old": ["S01", "S01", "S02", "S03", "S04", "S05"],
                         "new": ["CROPS", "LIVESTOCK", "MAN", "MAN", "SRV", "SRV"],
                         "weight": [0.3, 0.7, 1, 1, 1, 1]})
    agg = aggregate(table, sectors=conc)
    assert agg.sectors == ("CROPS", "LIVESTOCK", "MAN", "SRV")
    x4 = agg.x.reshape(table.G, 4)
    np.testing.assert_allclose(x4[:, 0], 0.3 * table.x.reshape(table.G, 5)[:, 0])
    np.testing.assert_allclose(x4[:, 1], 0.7 * table.x.reshape(table.G, 5)[:, 0])
    np.testing.assert_allclose(agg.x.sum(), table.x.sum(), rtol=1e-13)
    np.testing.assert_allclose(engine_for(agg).solve(agg.y), agg.x, rtol=1e-10)
    np.testing.assert_allclose(agg.Z.sum(0) + agg.va, agg.x, rtol=1e-12)


def test_national_mrio_trade_blocks_and_nations_aggregate():
    t = national_mrio()
    agg = aggregate(t, sectors={"A": "A", "B": "IND", "C": "IND", "D": "SRV"}, regions={"BJ": "JJ", "TJ": "JJ",
                                                                                     "HE": "HE"})
    assert agg.nations == {"JJ": "CHN", "HE": "CHN"}
    assert agg.sector_names == {"A": "Agriculture"} and agg.sector_names_zh == {"A": "农业"}
    assert agg.Zm.shape == (3, 6) and agg.Ym.shape == (3, 2, len(t.fd_categories))
    for name in ("exports", "Zm", "Ym"):
        np.testing.assert_allclose(getattr(agg, name).sum(), getattr(t, name).sum(), rtol=1e-13)
    np.testing.assert_allclose(agg.Zm.sum(1), [t.Zm[0].sum(), t.Zm[1:3].sum(), t.Zm[3].sum()], rtol=1e-13)
    np.testing.assert_allclose(agg.satellites["energy"].household, [t.satellites["energy"].household[:2].sum(),
                                                                    t.satellites["energy"].household[2]])
    diag = engine_for(agg).diagnostics()  # v'L plus import content is 1 and x = L y (with exports)
    assert diag["max_abs_vL_minus_1"] < 1e-12 and diag["max_rel_Ly_minus_x"] < 1e-12


def test_regions_of_different_nations_cannot_merge():
    t = national_mrio()
    t = replace(t, nations={"BJ": "CHN", "TJ": "CHN", "HE": "XXX"})
    with pytest.raises(InputError, match="different nations"):
        aggregate(t, regions={"BJ": "ALL", "TJ": "ALL", "HE": "ALL"})


def test_names_given_for_new_codes_are_kept():
    agg = aggregate(national_mrio(), sectors={"A": "P", "B": "P", "C": "S", "D": "S"},
                    sector_names={"P": "Primary"}, sector_names_zh={"P": "第一产业"})
    assert agg.sector_names == {"P": "Primary"} and agg.sector_names_zh == {"P": "第一产业"}


def test_a_split_code_does_not_inherit_the_whole_codes_name():
    conc = pd.DataFrame({"old": ["A", "A", "B", "C", "D"], "new": ["A1", "A2", "B", "C", "D"],
                         "weight": [0.5, 0.5, 1, 1, 1]})
    assert aggregate(national_mrio(), sectors=conc).sector_names == {"B": "Mining"}


def test_renaming_codes_keeps_every_array(table):
    renamed = aggregate(table, sectors={s: s.lower() for s in table.sectors}, regions={"R01": "A", "R02": "B",
                                                                                       "R03": "C", "R04": "D"})
    assert renamed.sectors == ("s01", "s02", "s03", "s04", "s05") and renamed.regions == ("A", "B", "C", "D")
    for name in ("Z", "Y", "W", "x"):
        np.testing.assert_array_equal(getattr(renamed, name), getattr(table, name))


def test_no_concordance_returns_the_table(table):
    assert aggregate(table) is table


@pytest.mark.parametrize("conc, message", [
    ({**SECTORS, "S99": "X", "S98": "X"}, r"2 code\(s\) that are not in the table: \['S98', 'S99'\]"),
    ({"S01": "A", "S02": "A"}, r"does not map 3 of the table's sectors: \['S03', 'S04', 'S05'\]"),
    (pd.DataFrame({"old": list(SECTORS), "new": list(SECTORS.values()), "weight": [1, 1, 0.5, 1, 1]}),
     r"do not for 1 code\(s\): S03: 0.5"),
    (pd.DataFrame({"old": ["S01", "S01", "S02", "S03", "S04", "S05"], "new": ["A", "B", "C", "C", "C", "C"]}),
     r"maps \['S01'\] to more than one new code"),
    (pd.DataFrame({"a": ["S01"], "b": ["A"], "c": [1], "d": [2]}), "needs two columns"),
    (pd.DataFrame({"old": ["S01", ""], "new": ["A", "B"]}), r"empty old code .*row 1"),
    (pd.DataFrame({"old": list(SECTORS), "new": list(SECTORS.values()), "weight": [1, -1, 1, 1, 1]}),
     "not a number >= 0"),
    ([("S01", "A")], "must be a mapping"),
    (pd.DataFrame({"old": list(SECTORS) + ["S01"], "new": list(SECTORS.values()) + ["NONE"],
                   "weight": [1, 1, 1, 1, 1, 0]}), r"\['NONE'\] receive zero weight"),
])
def test_bad_concordances_are_named(table, conc, message):
    with pytest.raises(InputError, match=message):
        aggregate(table, sectors=conc)


def test_a_bad_csv_concordance_names_file_row_and_column(table, tmp_path):
    path = tmp_path / "weights.csv"
    path.write_text("old,new,weight\n" + "".join(f"{o},{n},1\n" for o, n in list(SECTORS.items())[:3])
                    + "S04,SRV,one\nS05,SRV,1\n")
    with pytest.raises(ReaderError) as err:
        aggregate(table, sectors=path)
    assert err.value.file == str(path) and err.value.row == 5 and err.value.column == "weight"
    with pytest.raises(ReaderError, match="does not exist"):
        aggregate(table, sectors=tmp_path / "missing.csv")


def test_large_single_region_table_aggregates_through_sparse_matrices():
    t = random_icio(1, 1200, seed=1, satellites=False, negative_inventories=False)
    conc = {s: f"G{k // 40:02d}" for k, s in enumerate(t.sectors)}
    agg = aggregate(t, sectors=conc)
    assert agg.N == 30
    np.testing.assert_allclose(agg.Z.sum(), t.Z.sum(), rtol=1e-12)
    np.testing.assert_allclose(agg.Z[0, :2], [t.Z[:40, :40].sum(), t.Z[:40, 40:80].sum()], rtol=1e-12)


def test_wiod_2011_aggregated_to_three_sectors_and_blocs():
    t = wiod2011()
    broad = {f"c{k}": "PRIMARY" if k <= 2 else "MANUF" if k <= 16 else "SERVICES" for k in range(1, 36)}
    regions = {r: "EU" if r in ("DEU", "FRA", "ITA", "ESP", "NLD") else r for r in t.regions}
    agg = aggregate(t, sectors=broad, regions=regions)
    assert agg.N == 3 and agg.G == t.G - 4 and agg.regions[:4] == ("AUS", "AUT", "BEL", "BGR")
    np.testing.assert_allclose(agg.gdp().sum(), t.gdp().sum(), rtol=1e-12)
    chn = agg.regions.index("CHN")
    np.testing.assert_allclose(agg.gdp()[chn] / 1e6, 7.39, atol=0.005)  # PROVENANCE.md sanity figure
    eu_gdp = sum(t.gdp()[t.regions.index(r)] for r in ("DEU", "FRA", "ITA", "ESP", "NLD"))
    np.testing.assert_allclose(agg.gdp()[agg.regions.index("EU")], eu_gdp, rtol=1e-12)
    np.testing.assert_allclose(engine_for(agg).solve(agg.y), agg.x, rtol=1e-9, atol=1e-6)
