"""Core measures (METHODS.md section 1): textbook regression, agreement with pymrio, options and edge cases."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pymrio
import pytest

from measure_checks import close, values
from shared_paths import shared_file
from dualcirc.engine import engine_for
from dualcirc.errors import InputError, OptionError, TableWarning
from dualcirc.labels import t
from dualcirc.measures import core
from dualcirc.readers.nbs import read_nbs
from dualcirc.readers.wiod import read_wiod2013
from dualcirc.tables.model import IOTable, Satellite, TableMeta
from dualcirc.tables.pymrio_bridge import from_pymrio, to_pymrio
from dualcirc.testing import random_icio


# ---------------------------------------------------------------------------------------------- Miller & Blair
@pytest.fixture(scope="module")
def miller_blair():
    """Miller & Blair (2009), 2-sector example of ch. 2 (METHODS.md 9.2): Z = [[150, 500], [200, 100]],
    x = [1000, 2000]; final demand is the row residual [350, 1700]."""
    Z = np.array([[150.0, 500.0], [200.0, 100.0]])
    x = np.array([1000.0, 2000.0])
    return IOTable.from_arrays(Z, (x - Z.sum(1))[:, None], x, regions=["MB"], sectors=["S1", "S2"])


def test_miller_blair_leontief_and_ghosh(miller_blair):
    e = engine_for(miller_blair)
    close(e.A, [[0.15, 0.25], [0.2, 0.05]], 1e-15)
    close(e.L, np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575, 1e-14)
    np.testing.assert_allclose(e.L, [[1.25413, 0.33003], [0.26403, 1.12211]], atol=5e-6)  # as printed in the book
    np.testing.assert_allclose(e.G_gh, [[1.25413, 0.66007], [0.13201, 1.12211]], atol=5e-6)


def test_miller_blair_multipliers_and_linkages(miller_blair):
    out = core.output_multipliers(miller_blair)
    close(values(out, "output_multiplier"), np.array([1.15, 1.10]) / 0.7575, 1e-14)
    close(values(out, "output_multiplier_net"), np.array([1.15, 1.10]) / 0.7575 - 1.0, 1e-14)
    assert set(out["perimeter"]) == {"table"}
    lk = core.linkages(miller_blair)
    close(values(lk, "backward_linkage"), np.array([1.15, 1.10]) / 1.125, 1e-14)
    close(values(lk, "forward_linkage"), np.array([1.45, 0.95]) / 1.2, 1e-14)  # Ghosh row sums
    np.testing.assert_array_equal(values(lk, "key_sector_class"), [1.0, 4.0])  # I key, IV weak
    leontief = core.linkages(miller_blair, forward_basis="leontief")
    close(values(leontief, "forward_linkage"), np.array([1.2, 1.05]) / 1.125, 1e-14)
    assert leontief.attrs["options"]["forward_basis"] == "leontief"
    assert "METHODS.md 1.5" in lk.attrs["method"]


# ---------------------------------------------------------------------------------------------- pymrio agreement
def assert_agrees_with_pymrio(table: IOTable, io: pymrio.IOSystem, extension) -> None:
    """A, L, x, G, multipliers M, factor-input multipliers and D_cba/D_pba by region agree to 1e-10."""
    e, act = engine_for(table), engine_for(table).active
    close(e.A, io.A.to_numpy())
    close(e.L, io.L.to_numpy())
    close(table.x, io.x.to_numpy().ravel())
    close(e.G_gh[np.ix_(act, act)], io.G.to_numpy()[np.ix_(act, act)])
    mult = core.satellite_multipliers(table)
    fp = core.footprints(table)
    for k, name in enumerate(table.satellites):
        close(values(mult, "satellite_multiplier", stressor=name)[act], extension.M.to_numpy()[k, act])
        one = fp[fp["stressor"] == name]
        close(one.loc[one["account"] == "consumption_based", "value"], extension.D_cba_reg.to_numpy()[k])
        close(one.loc[one["account"] == "production_based", "value"], extension.D_pba_reg.to_numpy()[k])
    primary = core.primary_input_multipliers(table, [io.factor_inputs.F.index[0]])
    close(values(primary, "primary_input_multiplier")[act], io.factor_inputs.M.to_numpy()[0, act])


@pytest.mark.parametrize("zero_output_cells", [0, 2])
def test_agrees_with_pymrio_on_random_tables(zero_output_cells):
    table = random_icio(4, 3, seed=11, zero_output_cells=zero_output_cells)
    io = to_pymrio(table).calc_all(include_ghosh=True)  # satellites' household stressors in the HFCE columns
    assert_agrees_with_pymrio(table, io, io.satellites)


def test_agrees_with_pymrio_on_the_miller_blair_table(miller_blair):
    """The textbook table (with a stand-in employment account, 0.1 and 0.05 jobs per unit) through pymrio."""
    jobs = {"jobs": Satellite("jobs", miller_blair.x * np.array([0.1, 0.05]), "persons")}
    table = IOTable.from_arrays(miller_blair.Z, miller_blair.Y, miller_blair.x, regions=["MB"],
                                sectors=["S1", "S2"], satellites=jobs)
    io = to_pymrio(table).calc_all(include_ghosh=True)
    assert_agrees_with_pymrio(table, io, io.satellites)


def test_agrees_with_pymrio_on_its_test_mrio():
    with pytest.warns(TableWarning, match="columns do not balance"):  # its factor inputs are not x - Z'u
        table = from_pymrio(pymrio.load_test())
    io = pymrio.load_test().calc_all(include_ghosh=True)
    assert_agrees_with_pymrio(table, io, io.emissions)


# ---------------------------------------------------------------------------------------------- multipliers
@pytest.fixture(scope="module")
def icio():
    return random_icio(3, 4, seed=5, zero_output_cells=1)


def test_value_added_split_and_origins(icio):
    va = core.value_added_multipliers(icio)
    act = engine_for(icio).active
    close(values(va, "va_multiplier")[act], 1.0)
    close((values(va, "va_domestic_content") + values(va, "va_foreign_content"))[act], 1.0)
    assert np.all(np.isnan(values(va, "va_multiplier")[~act]))
    origins = core.value_added_by_origin(icio)
    phi = origins.pivot_table(index="origin_region", columns=["region", "sector"], values="value", sort=False,
                              dropna=False).to_numpy()
    close(phi.sum(0)[act], 1.0)
    own = phi[icio.region_of_cell, np.arange(icio.n)]
    close(own[act], values(va, "va_domestic_content")[act])
    subset = core.value_added_by_origin(icio, ["R02"])  # only the asked-for origin is solved
    close(values(subset, "va_by_origin"), phi[1])
    assert subset.attrs["options"]["origins"] == ["R02"]
    components = core.primary_input_multipliers(icio)
    by_cell = components.groupby(["region", "sector"], sort=False)["value"].sum(min_count=1).to_numpy()
    close(by_cell[act], 1.0)


def test_type1_ratio_is_nan_where_the_intensity_is_zero(icio):
    emp = icio.satellites["employment"].values.copy()
    q = int(np.flatnonzero(engine_for(icio).active)[0])
    emp[q] = 0.0
    table = replace(icio, satellites={"employment": replace(icio.satellites["employment"], values=emp)})
    res = core.satellite_multipliers(table)
    ratio, mult = values(res, "type1_ratio"), values(res, "satellite_multiplier")
    assert np.isnan(ratio[q]) and mult[q] > 0
    active = engine_for(table).active & (emp > 0)
    close(ratio[active], mult[active] / (emp[active] / table.x[active]))
    assert not np.any(np.isinf(ratio))
    assert set(res.loc[res["indicator"] == "satellite_multiplier", "unit"]) == {"1000 persons per million USD"}


def test_type2_equals_the_bordered_inverse(icio):
    """Top-left n x n block of (I - A_bar)^-1 with one household row/column per region (Miller & Blair 2009,
    6.2), formed explicitly here as the reference."""
    e, G, n = engine_for(icio), icio.G, icio.n
    comp = icio.W[icio.va_rows.index("COMP")]
    D = (icio.region_of_cell[:, None] == np.arange(G)).astype(float)
    A_bar = np.zeros((n + G, n + G))
    A_bar[:n, :n] = e.A
    A_bar[n:, :n] = (comp * e.inv_x)[None, :] * D.T
    A_bar[:n, n:] = icio.Y[:, :, icio.fd_categories.index("HFCE")] / (comp @ D)[None, :]
    L_bar = np.linalg.solve(np.eye(n + G) - A_bar, np.eye(n + G))[:n, :n]
    res = core.type2_multipliers(icio, ["employment", "co2"])
    act = e.active
    close(values(res, "output_multiplier_type2")[act], L_bar.sum(0)[act])
    for name in ("employment", "co2"):
        S = icio.satellites[name].values * e.inv_x
        close(values(res, "satellite_multiplier_type2", stressor=name)[act], (S @ L_bar)[act])
        close(values(res, "type2_ratio", stressor=name)[act], (S @ L_bar)[act] / S[act])
    assert res.attrs["options"]["labour_income_row"] == "COMP"


def test_type2_refuses_without_closure_data(icio):
    with pytest.raises(OptionError, match="labour-income"):
        core.type2_multipliers(icio, labour_income_row="WAGES")
    with pytest.raises(OptionError, match="household final demand"):
        core.type2_multipliers(icio, household_category="HH")
    greedy = replace(icio, Y=icio.Y * np.where(np.arange(len(icio.fd_categories)) == 0, 50.0, 1.0))
    with pytest.raises(OptionError, match="not productive"):
        core.type2_multipliers(greedy)


def national_table(seed: int = 3) -> IOTable:
    """A small national non-competitive table: domestic Z, imported Zm and Ym, exports."""
    rng = np.random.default_rng(seed)
    N = 4
    Zd, Zm = rng.random((N, N)) * 20, rng.random((N, N)) * 5
    Y = rng.random((N, 1, 2)) * 50
    exports = rng.random(N) * 30
    x = Zd.sum(1) + Y.sum((1, 2)) + exports
    return IOTable.from_arrays(Zd, Y, x, regions=["CN"], sectors=list("abcd"), fd_categories=["HFCE", "GFCF"],
                               exports=exports, Zm=Zm, Ym=rng.random((N, 1, 2)) * 5,
                               satellites={"co2": Satellite("co2", rng.random(N) * x, "kt")},
                               meta=TableMeta(source="synthetic national", unit="CNY"))


def test_national_multipliers_are_domestic_and_add_up_with_import_content():
    table = national_table()
    out, va = core.output_multipliers(table), core.value_added_multipliers(table, split=False)
    assert set(out["perimeter"]) == {"domestic"} and set(va["perimeter"]) == {"domestic"}
    ic = core.import_content(table, by_product=True)
    total = values(ic, "import_content")
    close(values(va, "va_multiplier") + total, 1.0)  # METHODS.md 1.7 / I7: v'L + a^M'L = u'
    close(ic[ic["indicator"] == "import_content_by_product"].groupby(["region", "sector"], sort=False)["value"]
          .sum().to_numpy(), total)
    assert np.all((total > 0) & (total < 1))
    fp = core.footprints(table)
    assert set(fp["account"]) == {"production_based", "consumption_based", "embodied_in_exports"}
    with pytest.raises(OptionError, match="non-competitive"):
        core.import_content(random_icio(2, 2))


@pytest.mark.realdata
def test_nbs_2017_noncompetitive_import_content():
    table = read_nbs(shared_file("io", "china_nbs", "china_2017_42_noncompetitive.csv.gz"))
    ic = values(core.import_content(table), "import_content")
    close(values(core.value_added_multipliers(table, split=False), "va_multiplier") + ic, 1.0)
    assert 0.0 < ic.min() and ic.max() < 0.5  # imported intermediates are 7-8% of all intermediates
    with pytest.raises(OptionError, match="labour-income"):  # the NBS code VA001 is read as COMP
        core.type2_multipliers(table, labour_income_row="VA001")
    with pytest.raises(OptionError, match="household final demand"):  # TC is not split into households
        core.type2_multipliers(table)


# ---------------------------------------------------------------------------------------------- footprints
def test_footprints_by_category_and_household_direct(icio):
    fp, by_cat = core.footprints(icio, "co2"), core.footprints_by_category(icio, "co2")
    household = icio.satellites["co2"].household
    pba = fp.loc[fp["account"] == "production_based", "value"].to_numpy()
    close(pba, icio.satellites["co2"].values.reshape(icio.G, icio.N).sum(1) + household)
    close(by_cat.loc[by_cat["fd_category"] == "household_direct", "value"], household)
    assert set(by_cat["fd_category"]) == set(icio.fd_categories) | {"household_direct"}
    assert (by_cat.loc[by_cat["fd_category"] == "INVNT", "value"] < 0).any()  # negative inventories stay negative
    assert set(fp["unit"]) == {"kt CO2"}
    with pytest.raises(OptionError, match="unknown"):
        core.footprints(icio, "methane")


# ---------------------------------------------------------------------------------------------- MRIO split
def test_multiplier_split_parts(icio):
    split = core.multiplier_split(icio)
    e, act = engine_for(icio), engine_for(icio).active
    L_D = e.LD_dense()
    close(values(split, "intra_regional")[act], L_D.sum(0)[act])
    feedback = values(split, "feedback")
    assert np.all(feedback[act] >= -1e-14)  # A >= 0: the feedback through other regions is non-negative
    spill = split[split["indicator"] == "spillover"]
    assert len(spill) == icio.n * (icio.G - 1) and not (spill["partner"] == spill["region"]).any()
    q = int(np.flatnonzero(act)[-1])
    region, sector = icio.cells[q]
    row = spill[(spill["region"] == region) & (spill["sector"] == sector) & (spill["partner"] == "R01")]
    close(row["value"], e.L[: icio.N, q].sum())
    national = core.multiplier_split(national_table())
    assert "spillover" not in set(national["indicator"])
    close(values(national, "feedback"), 0.0)


# ---------------------------------------------------------------------------------------------- linkages
def test_linkage_cv_and_exclude_initial_match_the_formulas(icio):
    e, act = engine_for(icio), engine_for(icio).active
    lk = core.linkages(icio, cv=True, exclude_initial=True)
    Lx = e.L[np.ix_(act, act)] - np.eye(act.sum())
    na = act.sum()
    col_mean = Lx.sum(0) / na
    cv_b = np.sqrt(((Lx - col_mean) ** 2).sum(0) / (na - 1)) / col_mean
    close(values(lk, "cv_backward")[act], cv_b)
    Gx = e.G_gh[np.ix_(act, act)] - np.eye(na)
    row_mean = Gx.sum(1) / na
    close(values(lk, "cv_forward")[act], np.sqrt(((Gx - row_mean[:, None]) ** 2).sum(1) / (na - 1)) / row_mean)
    close(values(lk, "backward_sum")[act], e.L.sum(0)[act] - 1.0)
    assert np.isnan(values(lk, "cv_backward")[~act]).all()
    own, spill = values(lk, "backward_sum_own_region"), values(lk, "backward_sum_spillover")
    same = icio.region_of_cell[:, None] == icio.region_of_cell[None, :]
    close(own[act], (e.L * same).sum(0)[act] - 1.0)
    close((own + spill)[act], values(lk, "backward_sum")[act])


def test_domestic_linkages_use_the_local_inverses(icio):
    e = engine_for(icio)
    lk = core.linkages(icio, scope="domestic", forward_basis="leontief", cv=True)
    s, N = 1, icio.N
    block = e.LD_blocks[s]
    cells = slice(s * N, (s + 1) * N)
    close(values(lk, "backward_linkage")[cells], block.sum(0) / block.sum(0).mean())
    close(values(lk, "forward_linkage")[cells], block.sum(1) / block.sum(1).mean())
    assert "backward_sum_spillover" not in set(lk["indicator"])
    cv = values(lk, "cv_backward")[cells]
    mean = block.sum(0) / N
    close(cv, np.sqrt(((block - mean) ** 2).sum(0) / (N - 1)) / mean)


def test_weighted_linkages_and_weight_errors(icio):
    act = engine_for(icio).active
    w = np.where(act, icio.y.clip(min=0) + 1.0, 0.0)
    lk = core.linkages(icio, weights=w)
    close(np.nansum(w / w.sum() * values(lk, "backward_linkage")), 1.0)
    assert lk.attrs["options"]["weights"] == "user vector"
    for options, message in (({"weights": np.ones(3)}, "one entry per cell"), ({"weights": -w}, "non-negative"),
                             ({"weights": "employment"}, "weights must be one of"),
                             ({"forward_basis": "rows"}, "forward_basis"), ({"scope": "country"}, "scope")):
        with pytest.raises(OptionError, match=message):
            core.linkages(icio, **options)


def test_key_sector_ties_count_as_weak():
    """Identical sectors: BL = FL = 1 up to rounding; with the 1e-12 tolerance all are class IV, not I."""
    Z = np.full((3, 3), 10.0)
    x = np.full(3, 100.0)
    table = IOTable.from_arrays(Z, (x - Z.sum(1))[:, None], x, regions=["R"], sectors=["a", "b", "c"])
    lk = core.linkages(table)
    close(values(lk, "backward_linkage"), 1.0, 1e-14)
    np.testing.assert_array_equal(values(lk, "key_sector_class"), [4.0, 4.0, 4.0])


# ---------------------------------------------------------------------------------------------- extraction
def test_extraction_sets(icio):
    assert list(core.extraction_set(icio, region="R02")) == [4, 5, 6, 7]
    assert list(core.extraction_set(icio, sector="S02")) == [1, 5, 9]
    assert list(core.extraction_set(icio, region="R03", sector="S01")) == [8]
    assert list(core.extraction_set(icio, cells=[("R01", "S04"), 2, 2])) == [2, 3]
    with pytest.raises(OptionError, match="not both"):
        core.extraction_set(icio, cells=[1], region="R01")
    with pytest.raises(OptionError, match="name the extracted cells"):
        core.extraction_set(icio)
    with pytest.raises(InputError, match="unknown region"):
        core.extraction_set(icio, region="XX")
    with pytest.raises(InputError, match="outside"):
        core.extraction_set(icio, cells=[icio.n])
    with pytest.raises(OptionError, match="every cell"):
        core.extraction_set(icio, cells=range(icio.n))


def test_extraction_options_and_totals(icio):
    with pytest.raises(OptionError, match=r"\[0, 1\]"):
        core.hypothetical_extraction(icio, region="R01", theta=1.5)
    with pytest.raises(OptionError, match="all-or-nothing"):
        core.hypothetical_extraction(icio, region="R01", variant="complete", theta=0.5)
    with pytest.raises(OptionError, match="variant"):
        core.hypothetical_extraction(icio, region="R01", variant="sideways")
    with pytest.raises(OptionError, match="variant"):
        core.extraction_single_cells(icio, variant="total")
    res = core.hypothetical_extraction(icio, region="R02", variant="complete")
    J = core.extraction_set(icio, region="R02")
    close(values(res.losses, "output_loss")[J], icio.x[J])  # deletion loses J's own output
    totals = res.totals.set_index("indicator")["value"]
    close(totals["output_loss_share_of_total_output"], totals["output_loss"] / icio.x.sum())
    e = engine_for(icio)
    close(totals["gdp_base"], e.v @ icio.x)
    close(totals["gdp_loss_share_of_gdp"], totals["gdp_loss"] / totals["gdp_base"])
    assert res.losses.attrs["options"]["cells"] == ["R02/S01", "R02/S02", "R02/S03", "R02/S04"]
    assert res.totals.attrs["options"]["normalisers"]["gdp"] == "GDP v'x"


def test_single_cell_formula_flags_zero_output_cells(icio):
    res = core.extraction_single_cells(icio)
    inactive = ~engine_for(icio).active
    close(values(res, "output_loss")[inactive], 0.0)
    assert res.attrs["options"]["total_output_base"] == pytest.approx(icio.x.sum())


# ---------------------------------------------------------------------------------------------- labels, provenance
def test_every_indicator_and_column_has_english_and_chinese_labels(icio):
    frames = [core.output_multipliers(icio), core.value_added_multipliers(icio), core.value_added_by_origin(icio),
              core.primary_input_multipliers(icio), core.satellite_multipliers(icio), core.type2_multipliers(icio),
              core.footprints(icio), core.footprints_by_category(icio), core.multiplier_split(icio),
              core.linkages(icio, cv=True), core.extraction_single_cells(icio),
              core.hypothetical_extraction(icio, region="R01").totals, core.import_content(national_table())]
    keys = set()
    for df in frames:
        assert "METHODS.md" in df.attrs["method"] and df.attrs["source"]
        keys |= set(df.columns) - {"unit"}
        for column in ("indicator", "account", "perimeter"):
            if column in df:
                keys |= {f"perimeter_{v}" if column == "perimeter" else v for v in df[column].unique()}
    keys |= {f"key_sector_class_{k}" for k in range(1, 5)} | {f"hem_{v}" for v in core.HEM_VARIANTS}
    missing = [k for k in sorted(keys) if t(k, "zh") == k or t(k, "en") == t(k, "zh")]
    assert not missing


@pytest.mark.realdata
def test_wiod2011_real_table_measures():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        table = read_wiod2013(shared_file("wiod2013", "wiot_2011.parquet"))
    va = core.value_added_multipliers(table)
    chn = table.region_of_cell == table.region_index("CHN")
    own = values(va, "va_domestic_content")
    assert np.isnan(own[chn & ~engine_for(table).active]).sum() == 2  # CHN c19 and c35 have zero output
    active = chn & engine_for(table).active
    assert np.all((own[active] > 0.5) & (own[active] < 1.0))  # China 2011: VA content is mostly domestic
    with pytest.raises(OptionError, match="labour-income"):  # WIOD 2013 WIOTs carry no VA components
        core.type2_multipliers(table)
    with pytest.raises(OptionError, match="no satellite"):
        core.satellite_multipliers(table)


def test_region_wide_and_long_round_trip():
    """measures.result.region_wide / region_long: one region's rows wide by indicator and back, in order."""
    from dualcirc.measures.result import region_long, region_wide

    table = random_icio(3, 4, seed=5)
    out = core.value_added_multipliers(table)
    wide = region_wide(out, "R02", ("va_foreign_content", "va_multiplier"), table.sectors[::-1])
    assert list(wide.index) == list(table.sectors[::-1]) and list(wide.columns) == ["va_foreign_content",
                                                                                      "va_multiplier"]
    long = region_long(wide, "R02")
    assert list(long.columns) == ["region", "sector", "indicator", "value"]
    merged = long.merge(out, on=["region", "sector", "indicator"], suffixes=("", "_out"))
    assert len(merged) == len(long) == 2 * table.N
    close(merged["value"], merged["value_out"], 0)
