"""Supply-chain risk (METHODS.md section 6): identities of 6.1-6.5 against explicit dense computations on random
tables (negative inventories, zero-output cells), a national MRIO with imports outside the model, the national NBS
2020 table and WIOD 2013 (2011); shock-file errors.  Property tests draw the seeds with hypothesis."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualcirc.errors import InputError, OptionError, ReaderError, TableWarning
from dualcirc.labels import t
from dualcirc.measures import core, risk
from dualcirc.testing import open_economy
from measure_checks import close
from risk_tables import bottleneck_table, explicit, icio, nbs2020, wiod2011


def pick(df: pd.DataFrame, indicator: str, **where) -> pd.DataFrame:
    sel = df[df["indicator"] == indicator]
    for column, value in where.items():
        sel = sel[sel[column] == value]
    return sel


def loss(result: risk.ShockResult, shock: str, model: str, indicator: str = "output_loss") -> np.ndarray:
    return pick(result.losses, indicator, shock=shock, model=model)["value"].to_numpy()


seeds = st.integers(min_value=0, max_value=10_000)
PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------- 6.1 dependence
def check_dependence_identities(table, importers=None) -> None:
    """sum_k d = 1 where the product is used, NaN where it is not; fd = 1 - d_own; country = sum over cells."""
    dep = risk.import_dependence(table, importers=importers, level="cell")
    d = pick(dep, "source_share").groupby(["importer", "user_sector", "product"], sort=False)["value"]
    sums = d.sum(min_count=1)
    used = pick(dep, "total_use")["value"].to_numpy() > 0
    close(sums.to_numpy()[used], 1.0)
    assert sums.isna().to_numpy()[~used].all()  # zero use is NaN, not "not dependent"
    own = pick(dep, "source_share")
    own = own[own["source"] == own["importer"]]["value"].to_numpy()
    close(pick(dep, "foreign_share")["value"].to_numpy()[used], 1.0 - own[used])
    country = risk.import_dependence(table, importers=importers)
    by_cell = pick(dep, "import_use").groupby(["importer", "product", "source"], sort=False)["value"].sum()
    close(pick(country, "import_use").set_index(["importer", "product", "source"])["value"].loc[by_cell.index],
          by_cell)


@given(seeds)
@PROPERTY
def test_dependence_identities_on_random_tables(seed):
    check_dependence_identities(icio(seed))


def test_dependence_identities_on_open_and_real_tables():
    check_dependence_identities(open_economy(icio(2, 0), outside=4))
    check_dependence_identities(wiod2011(), importers=["CHN", "USA", "ROW"])


def test_dependence_with_final_use_and_foreign_input_share():
    table = icio(1, 0)
    dep = risk.import_dependence(table, importers="R02", include_final=True)
    use = pick(dep, "import_use", source="R03", product="S01")["value"].item()
    s1_r3 = table.region_index("R03") * table.N
    r2 = slice(table.N, 2 * table.N)
    assert use == pytest.approx(table.Z[s1_r3, r2].sum() + table.Y2[s1_r3, 1])
    share = risk.foreign_input_share(table)["value"].to_numpy()
    own = table.region_of_cell[:, None] == table.region_of_cell[None, :]
    expected = (table.Z * ~own).sum(0) / table.Z.sum(0)
    close(share[table.x > 0], expected[table.x > 0])
    assert np.all(np.isnan(share[table.x == 0]))
    with pytest.raises(OptionError, match="include_final"):
        risk.import_dependence(table, level="cell", include_final=True)


def test_look_through_reliance_is_the_explicit_LA_formula():
    table = icio(3)
    e = explicit(table)
    D = (table.region_of_cell[:, None] == np.arange(table.G)[None, :]).astype(float)
    expected = D.T @ (e["L"] @ e["A"]) @ (table.x[:, None] * D) / (D.T @ table.x)[None, :]
    tr = risk.look_through_reliance(table)
    got = tr.pivot(index="source", columns="importer", values="value").loc[list(table.regions), list(table.regions)]
    close(got.to_numpy(), expected)
    national = open_economy(icio(3, 0), outside=0)
    e = explicit(national)
    Am = national.Zm / national.x[None, :]
    imports = pick(risk.look_through_reliance(national), "look_through_reliance", source=risk.IMPORTS)
    D = (national.region_of_cell[:, None] == np.arange(national.G)[None, :]).astype(float)
    close(imports["value"].to_numpy(), (Am @ e["L"] @ (national.x[:, None] * D)).sum(0) / (D.T @ national.x))


def test_embodied_dependence_sums_to_one():
    """sum_k Phi_kq = 1 and phi^D + phi^F = 1 (inter-country); v'L + a^M'L = 1 (national; METHODS.md 6.1, I7)."""
    table = icio(5)
    emb = risk.embodied_dependence(table)
    active = table.x > 0
    phi = pick(emb, "va_by_origin").groupby(["region", "sector"], sort=False)["value"].sum(min_count=1).to_numpy()
    close(phi[active], 1.0)
    close((pick(emb, "va_domestic_content")["value"].to_numpy() + pick(emb, "va_foreign_content")["value"].to_numpy()
           )[active], 1.0)
    national = nbs2020()
    emb = risk.embodied_dependence(national)
    va = core.value_added_multipliers(national, split=False)
    close(pick(emb, "import_content")["value"].to_numpy() + pick(va, "va_multiplier")["value"].to_numpy(), 1.0)


# ---------------------------------------------------------------------------------------------- 6.2 concentration
def test_hhi_statistics_and_single_supplier():
    table = icio(6, 0)
    Z = table.Z.copy()  # R01 buys product S01 abroad from R02 only
    foreign_rows = [g * table.N for g in (2, 3, 4)]
    Z[np.ix_(foreign_rows, range(table.N))] = 0.0
    single = type(table).from_arrays(Z, table.Y, None, regions=table.regions, sectors=table.sectors,
                                     fd_categories=table.fd_categories, x_policy="rowsum")
    conc = risk.supplier_concentration(single, importers="R01")
    row = lambda ind, df=conc: pick(df, ind, product="S01")["value"].item()  # noqa: E731
    assert row("hhi") == pytest.approx(1.0) and row("hhi_normalised") == 1.0 and row("suppliers") == 1
    assert pick(conc, "hhi", product="S01")["top_source"].item() == "R02"
    conc = risk.supplier_concentration(table)
    per_product = conc[conc["product"] != risk.ALL]
    hhi, k = pick(per_product, "hhi")["value"].to_numpy(), pick(per_product, "suppliers")["value"].to_numpy()
    assert np.all((hhi >= 1.0 / k - 1e-12) & (hhi <= 1.0 + 1e-12))
    assert np.all(hhi < 1.0)  # dense random table: HHI = 1 iff one supplier
    close(pick(per_product, "effective_suppliers")["value"].to_numpy() * hhi, 1.0)
    close(pick(per_product, "hhi_normalised")["value"].to_numpy(), (hhi - 1 / k) / (1 - 1 / k))
    # import-weighted aggregate over products
    country = risk._country_use(table, False)[:, :, 0]
    foreign_use = country[1:].sum(0)
    h = pick(conc, "hhi", importer="R01")["value"].to_numpy()
    assert h[-1] == pytest.approx((foreign_use * h[:-1]).sum() / foreign_use.sum())
    with_domestic = risk.supplier_concentration(table, include_domestic=True)
    assert (pick(with_domestic, "suppliers")["value"].to_numpy() == k + 1).all()


def test_no_imports_gives_nan_and_global_concentration():
    table = icio(7, 0)
    Z = table.Z.copy()
    Z[table.N:, :table.N] = 0.0  # R01 buys nothing from abroad
    closed = type(table).from_arrays(Z, table.Y, None, regions=table.regions, sectors=table.sectors,
                                     fd_categories=table.fd_categories, x_policy="rowsum")
    conc = risk.supplier_concentration(closed, importers="R01", level="cell")
    assert pick(conc, "hhi", user_sector="S01")["value"].isna().all()
    glob = risk.global_export_concentration(table)
    e = risk._exports_by_cell(table).reshape(table.G, table.N)
    sigma = e / e.sum(0)
    close(pick(glob, "hhi")["value"].to_numpy(), (sigma ** 2).sum(0))
    with pytest.raises(OptionError, match="several exporting regions"):
        risk.global_export_concentration(nbs2020())


# ---------------------------------------------------------------------------------------------- 6.3 chokepoints
def wide(result: pd.DataFrame) -> pd.DataFrame:
    return result.pivot(index=["user_sector", "source", "product"], columns="indicator", values="value")


def check_chokepoint_properties(table, economy, **options) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        result = risk.chokepoints(table, economy, **options)
    w = wide(result)
    cp = w["chokepoint_score"].dropna()
    assert ((cp >= -1e-12) & (cp <= 1 + 1e-12)).all()
    weights = result.attrs["options"]["weights"]
    used = [c for c, wt in weights.items() if wt > 0]
    if result.attrs["options"]["composite"] == "geometric":
        zero = (w[used] == 0).any(axis=1)
        assert (w.loc[zero, "chokepoint_score"] == 0).all()  # CP = 0 if a component is 0
        finite = w[used].notna().all(axis=1)
        expected = np.exp(sum(wt * np.log(w.loc[finite & ~zero, c]) for c, wt in weights.items() if wt > 0)
                          / sum(weights.values()))
        close(w.loc[finite & ~zero, "chokepoint_score"], expected)
    assert set(result["direction"]) <= set(risk.DIRECTIONS.values()) and result["direction"].notna().all()
    for component in risk.COMPONENTS:
        values = w[component].dropna()
        assert ((values >= 0) & (values <= 1)).all()


@given(seeds, st.sampled_from(["a", "b", "c"]), st.sampled_from(["geometric", "rank"]), st.booleans())
@PROPERTY
def test_chokepoint_score_properties_on_random_tables(seed, substitutability, composite, by_user):
    check_chokepoint_properties(icio(seed), "R02", substitutability=substitutability, composite=composite,
                                by_user=by_user)


def test_criticality_is_the_forward_extraction_gdp_loss():
    table = icio(8)
    e = explicit(table)
    own = slice(table.N, 2 * table.N)
    gdp = table.va[own].sum()
    for by_user in (False, True):
        w = wide(risk.chokepoints(table, "R02", by_user=by_user))
        for (user, source, product), row in w.head(5).iterrows():
            p = table.region_index(source) * table.N + table.sector_index(product)
            B = e["B"].copy()
            cols = np.arange(table.N, 2 * table.N) if user == risk.ALL else [table.N + table.sector_index(user)]
            B[p, cols] = 0.0
            x_bar = table.va @ np.linalg.inv(np.eye(table.n) - B)
            expected = (e["v"] * (table.x - x_bar))[own].sum() / gdp
            assert row["criticality_gdp_loss_share"] == pytest.approx(expected, rel=1e-9, abs=1e-14)
        assert w["criticality"].min() == 0.0 and w["criticality"].max() == pytest.approx(1.0)


def test_chokepoints_on_a_national_table_leave_concentration_out():
    table = nbs2020()
    result = risk.chokepoints(table)
    w = wide(result)
    assert set(w.index.get_level_values("source")) == {risk.IMPORTS}
    assert w["concentration"].isna().all() and w["flag_strategic_dependency"].isna().all()
    assert result.attrs["options"]["weights"]["concentration"] == 0.0
    check_chokepoint_properties(table, None)
    with pytest.raises(OptionError, match="not identified"):
        risk.chokepoints(table, weights={"concentration": 1.0})
    close(w["dependence"], w["import_share_of_demand"])  # one foreign source: D is the import share


def test_chokepoint_options_flags_and_ranking():
    table = icio(9, 0)
    strict = risk.chokepoints(table, "R01", thresholds={"hhi": 0.0, "import_share": 0.0, "ec_ratio": 0.0})
    w = wide(strict)
    assert (w["flag_strategic_dependency"] == ((w["hhi"] > 0) & (w["import_share_of_demand"] > 0)
                                               & (w["ec_ratio"] > 0)).astype(float)).all()
    ranking = risk.rank_chokepoints(strict, top=3)
    assert list(ranking["rank"]) == [1, 2, 3]
    assert ranking["chokepoint_score"].is_monotonic_decreasing
    by_product = risk.rank_chokepoints(strict, level="product")
    assert by_product["product"].is_unique
    b = wide(risk.chokepoints(table, "R01", substitutability="b"))
    e = risk._exports_by_cell(table).reshape(table.G, table.N)
    src, prod = b.index[0][1], b.index[0][2]
    assert b["substitutability"].iloc[0] == pytest.approx(
        e[table.region_index(src), table.sector_index(prod)] / e[:, table.sector_index(prod)].sum())
    with pytest.raises(OptionError, match="substitutability"):
        risk.chokepoints(table, "R01", substitutability="d")
    with pytest.raises(OptionError, match="unknown threshold"):
        risk.chokepoints(table, "R01", thresholds={"hhl": 0.3})
    with pytest.raises(OptionError, match="unknown chokepoint component"):
        risk.chokepoints(table, "R01", weights={"danger": 1.0})
    with pytest.raises(OptionError, match="name the importing economy"):
        risk.chokepoints(table)


# ---------------------------------------------------------------------------------------------- 6.4 shocks
def test_theta_zero_changes_nothing():
    table = icio(10)
    res = risk.simulate_shocks(table, risk.make_shock(table, "none", "R03", theta=0.0))
    assert np.abs(res.losses["value"]).max() == 0.0


def check_shock_closed_forms(table, shock) -> None:
    """Ghosh and HEM Woodbury = explicit re-solve; demand = L Delta y; several shocks = separate calls."""
    e = explicit(table)
    plan = risk._plan(table, shock)
    res = risk.simulate_shocks(table, shock, models=["demand", "ghosh", "hem"])
    B = e["B"].copy()
    B[np.ix_(plan.P, plan.Q)] *= 1.0 - shock.theta
    w = table.va + (table.Zm.sum(0) if table.Zm is not None else 0.0)
    if plan.M.size:
        w = w - shock.theta * np.isin(np.arange(table.n), plan.Q) * table.Zm[plan.M].sum(0)
    close(loss(res, shock.name, "ghosh"), table.x - w @ np.linalg.inv(np.eye(table.n) - B), 1e-9)
    A = e["A"].copy()
    A[np.ix_(plan.P, plan.Q)] *= 1.0 - shock.theta
    close(loss(res, shock.name, "hem"), table.x - np.linalg.solve(np.eye(table.n) - A, table.y), 1e-9)
    dy = np.zeros(table.n)
    dy[plan.P] = shock.theta * table.Y2[np.ix_(plan.P, plan.importer_regions)].sum(1)
    close(loss(res, shock.name, "demand"), e["L"] @ dy, 1e-9)


@given(seeds, st.floats(0.05, 1.0))
@PROPERTY
def test_shock_woodbury_equals_explicit_solve(seed, theta):
    table = icio(seed)
    check_shock_closed_forms(table, risk.make_shock(table, "s", ["R02", "R04"], products=["S01", "S03"], theta=theta,
                                                    importers=["R01", "R03"]))


def test_shock_closed_forms_on_an_open_table():
    table = open_economy(icio(11, 0), outside=4)
    check_shock_closed_forms(table, risk.make_shock(table, "imp", [risk.IMPORTS, "R02"], products=["S02"],
                                                    theta=0.6, importers="R01"))


def test_full_extraction_of_a_region_is_the_forward_hem():
    table = icio(12)
    res = risk.simulate_shocks(table, risk.make_shock(table, "r3", "R03", theta=0.8, models="ghosh"))
    hem = core.hypothetical_extraction(table, region="R03", variant="forward", theta=0.8)
    close(loss(res, "r3", "ghosh"), pick(hem.losses, "output_loss")["value"].to_numpy())


def test_several_shocks_in_one_call_equal_separate_calls():
    table = icio(13)
    shocks = [risk.make_shock(table, "a", "R01", products="S02", theta=0.4),
              risk.make_shock(table, "b", ["R02", "R05"], theta=0.3, importers="R04")]
    together = risk.simulate_shocks(table, shocks)
    for shock in shocks:
        alone = risk.simulate_shocks(table, shock)
        for model in risk.SHOCK_MODELS:
            close(loss(together, shock.name, model), loss(alone, shock.name, model))


def test_mixed_model_spreads_the_bottleneck_to_its_fixed_point():
    """A/P loses 60 % x 0.5 of its parts; A/P needs its own output too and has no final demand, so A/P and A/F
    settle where 20 l = 6 + 8 l, i.e. l = 0.5; B/P follows by the mixed model (METHODS.md 6.4(c))."""
    table = bottleneck_table()
    res = risk.simulate_shocks(table, risk.make_shock(table, "parts", "B", products="P", theta=0.5,
                                                      models="mixed"))
    out = loss(res, "parts", "mixed")
    assert out[:2] == pytest.approx([50.0, 100.0], rel=1e-7)
    x_bp = (128.0 + 0.12 * 50.0) / (1.0 - 10.0 / 150.0)
    assert out[2] == pytest.approx(150.0 - x_bp, rel=1e-7) and out[3] == pytest.approx(0.0, abs=1e-9)
    info = res.totals.attrs["options"]["mixed"]["parts"]
    assert info["converged"] and info["constrained_cells"] == 2 and info["rounds"] > 2
    fd = loss(res, "parts", "mixed", "final_demand_loss")
    assert fd[1] == pytest.approx(100.0, rel=1e-7)  # A's final demand for A/F halves


def test_mixed_model_is_the_mixed_solve_and_grows_with_theta():
    table = icio(14, 0)
    e = explicit(table)
    losses = []
    for theta in (0.1, 0.4, 0.8):
        res = risk.simulate_shocks(table, risk.make_shock(table, "m", "R05", products="S02", theta=theta,
                                                          importers="R01", models="mixed"))
        dx = loss(res, "m", "mixed")
        x_bar = table.x - dx
        X = np.flatnonzero(np.abs(dx) > 1e-9 * table.x)
        X = X[pick(res.losses, "final_demand_loss", model="mixed")["value"].to_numpy()[X] != 0]
        N_ = np.setdiff1d(np.arange(table.n), X)
        A = e["A"]
        x_N = np.linalg.solve(np.eye(N_.size) - A[np.ix_(N_, N_)], A[np.ix_(N_, X)] @ x_bar[X] + table.y[N_])
        close(x_bar[N_], x_N, 1e-9)
        losses.append(dx.sum())
    assert losses == sorted(losses)


def test_critical_input_share_lets_minor_inputs_not_bind():
    table = icio(29, 0)
    shock = risk.make_shock(table, "m", "R02", products="S01", theta=0.9, importers="R01", models="mixed")
    full = risk.simulate_shocks(table, shock)
    partial = risk.simulate_shocks(table, shock, critical_input_share=0.2)
    none = risk.simulate_shocks(table, shock, critical_input_share=0.99)  # no product is 99 % of any user's inputs
    totals = [loss(r, "m", "mixed").sum() for r in (full, partial, none)]
    assert totals[0] >= totals[1] >= totals[2] == 0.0 and totals[0] > 0.0
    assert none.totals.attrs["options"]["critical_input_share"] == 0.99
    with pytest.raises(OptionError, match="critical_input_share"):
        risk.simulate_shocks(table, shock, critical_input_share=1.0)


def test_shock_result_regions_employment_and_caveat():
    table = icio(15)
    res = risk.simulate_shocks(table, risk.make_shock(table, "s", "R02", products="S01", theta=0.5))
    totals = res.totals
    for model in risk.SHOCK_MODELS:
        by_region = pick(totals, "gdp_loss", model=model)
        regional = by_region[by_region["region"] != "risk.region.total"]["value"].sum()
        assert regional == pytest.approx(by_region[by_region["region"] == "risk.region.total"]["value"].item())
        intensity = table.satellites["employment"].values / np.where(table.x > 0, table.x, 1.0)
        assert pick(res.losses, "employment_loss", model=model)["value"].sum() == pytest.approx(
            intensity @ loss(res, "s", model))
    assert "Oosterhaven" in res.losses.attrs["options"]["caveat"]
    assert "METHODS.md 6.4" in res.losses.attrs["method"]


def test_national_table_import_cut():
    table = nbs2020()
    res = risk.simulate_shocks(table, risk.make_shock(table, "chips", risk.IMPORTS, products="19", theta=0.5))
    assert np.abs(loss(res, "chips", "demand")).max() == 0.0  # imports leave domestic output alone (Leontief)
    assert np.abs(loss(res, "chips", "hem")).max() == 0.0
    e_share = pick(res.totals, "gdp_loss_share", region="CHN")
    ghosh, mixed = (e_share[e_share["model"] == m]["value"].item() for m in ("ghosh", "mixed"))
    assert 0 < ghosh < mixed < 1


def test_shock_validation_errors():
    table = icio(16)
    with pytest.raises(OptionError, match=r"theta must lie in \[0, 1\]"):
        risk.make_shock(table, "s", "R01", theta=1.5)
    with pytest.raises(OptionError, match="unknown region or group 'XX'"):
        risk.make_shock(table, "s", "XX")
    with pytest.raises(OptionError, match="unknown sector"):
        risk.make_shock(table, "s", "R01", products=["S09"])
    with pytest.raises(OptionError, match="both source and importer"):
        risk.make_shock(table, "s", "R01", importers=["R01"])
    with pytest.raises(OptionError, match="unknown model"):
        risk.make_shock(table, "s", "R01", models=["cge"])


# ---------------------------------------------------------------------------------------------- shock files
def test_shock_files_yaml_and_csv(tmp_path):
    table = wiod2011()
    yaml_file = tmp_path / "shocks.yaml"
    yaml_file.write_text("shocks:\n  - name: eu\n    source: EU\n    products: [c13, c14]\n    theta: 0.2\n"
                         "    model: ghosh\n  - name: jpn\n    source: JPN\n    theta: 1\n    importer: CHN\n",
                         encoding="utf-8")
    shocks = risk.read_shocks(yaml_file, table)
    assert shocks[0].sources[:3] == ("AUT", "BEL", "BGR") and "CHN" not in shocks[0].sources
    assert shocks[0].models == ("ghosh",) and shocks[1].products == table.sectors
    csv_file = tmp_path / "shocks.csv"
    csv_file.write_text("name,source,products,theta,model\neu,EU,c13;c14,0.2,ghosh\n", encoding="utf-8")
    assert risk.read_shocks(csv_file, table)[0] == shocks[0]


@pytest.mark.parametrize("body, line, key, words", [
    ("- name: a\n  source: ABC\n  theta: 0.5\n", 2, "source", ["unknown region or group 'ABC'", "CHN", "EU"]),
    ("- name: a\n  source: JPN\n  theta: 0.5\n- name: b\n  source: JPN\n  theta: 2\n", 6, "theta",
     ["[0, 1]"]),
    ("- name: a\n  source: JPN\n  products: [c14, c99]\n  theta: 0.5\n", 3, "products", ["c99", "c35"]),
    ("- name: a\n  source: JPN\n  theta: 0.5\n  severity: high\n", 4, "severity", ["allowed keys"]),
])
def test_shock_file_errors_name_file_line_and_key(tmp_path, body, line, key, words):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ReaderError) as err:
        risk.read_shocks(path, wiod2011())
    message = str(err.value)
    assert str(path) in message and f"row {line}" in message and f"column {key!r}" in message
    for word in words:
        assert word in message


def test_csv_shock_file_errors(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,source,theta\nok,JPN,0.5\nbad,JPN,-0.1\n", encoding="utf-8")
    with pytest.raises(ReaderError, match=r"row 3, column 'theta'"):
        risk.read_shocks(path, wiod2011())
    path.write_text("name,origin,theta\na,JPN,1\n", encoding="utf-8")
    with pytest.raises(ReaderError, match="unknown column 'origin'"):
        risk.read_shocks(path, wiod2011())
    with pytest.raises(ReaderError, match="YAML .* or CSV"):
        risk.read_shocks(tmp_path / "shocks.json", wiod2011())


# ---------------------------------------------------------------------------------------------- 6.5 IIM
def test_iim_identities_i20():
    table = icio(17)
    e = explicit(table)
    active = table.x > 0
    df_ = np.where(active, np.random.default_rng(1).random(table.n), 0.0)
    demand = risk.iim_demand(table, df_)
    close(pick(demand, "economic_loss")["value"], e["L"] @ df_)  # x q = L Delta f
    q = pick(demand, "inoperability")["value"].to_numpy()
    A_star = np.diag(1 / np.where(active, table.x, 1)) @ e["A"] @ np.diag(table.x)
    close(q[active], (np.linalg.inv(np.eye(table.n) - A_star) @ (df_ / np.where(active, table.x, 1)))[active])
    assert np.isnan(q[~active]).all()
    dva = np.where(active, np.random.default_rng(2).random(table.n), 0.0)
    supply = risk.iim_supply(table, dva)
    close(pick(supply, "economic_loss")["value"], dva @ e["G"])  # q' x = Delta va' G
    one = np.zeros(table.n)
    one[table.N + 1] = 3.0
    by_label = risk.iim_demand(table, pd.Series({("R02", "S02"): 3.0}))
    close(pick(by_label, "economic_loss")["value"], e["L"] @ one)
    with pytest.raises(InputError, match="unknown .region, sector. cells"):
        risk.iim_demand(table, pd.Series({("R09", "S02"): 1.0}))
    with pytest.raises(InputError, match="expected"):
        risk.iim_supply(table, np.ones(3))


def test_dynamic_iim_converges_to_the_static_model_and_recovers():
    table = icio(18, 0)
    active = table.x > 0
    df_ = 0.05 * table.y.clip(min=0)
    static = pick(risk.iim_demand(table, df_), "inoperability")["value"].to_numpy()
    path = risk.iim_dynamic(table, np.zeros(table.n), demand_reduction=df_, resilience=0.6, steps=200)
    last = pick(path, "inoperability", step=200)["value"].to_numpy()
    close(last[active], static[active], 1e-9)
    recovery = risk.iim_dynamic(table, np.full(table.n, 0.3), recovery_time=10.0, steps=30)
    k = pick(recovery, "resilience")["value"].to_numpy()
    diag = np.diag(explicit(table)["A"])
    close(k, np.log(100.0) / (10.0 * (1.0 - diag)))
    q = pick(recovery, "inoperability").pivot(index="step", columns=["region", "sector"], values="value")
    assert (q.iloc[-1] < q.iloc[0]).all()
    with pytest.raises(OptionError, match="either resilience"):
        risk.iim_dynamic(table, np.zeros(table.n))


def test_iim_warns_when_inoperability_exceeds_one():
    table = icio(19, 0)
    with pytest.warns(TableWarning, match="exceeds 1"):
        result = risk.iim_demand(table, 2.0 * table.x)
    assert pick(result, "inoperability_clipped")["value"].max() == 1.0


# ---------------------------------------------------------------------------------------------- real table, labels
def test_wiod2011_chokepoints_and_shock_closed_forms():
    table = wiod2011()
    check_chokepoint_properties(table, "CHN")
    shock = risk.make_shock(table, "jpn", "JPN", products=["c14", "c13"], theta=0.5, importers="CHN")
    check_shock_closed_forms(table, shock)
    res = risk.simulate_shocks(table, shock, models="mixed")
    assert res.totals.attrs["options"]["mixed"]["jpn"]["converged"]


def test_every_indicator_and_column_has_english_and_chinese_labels():
    table = icio(20)
    shock = risk.simulate_shocks(table, risk.make_shock(table, "s", "R02", theta=0.5))
    frames = [risk.import_dependence(table), risk.foreign_input_share(table), risk.look_through_reliance(table),
              risk.supplier_concentration(table), risk.global_export_concentration(table),
              risk.chokepoints(table, "R01"), shock.losses, shock.totals,
              risk.iim_demand(table, np.zeros(table.n)), risk.iim_dynamic(table, np.zeros(table.n), resilience=0.5,
                                                                           steps=1)]
    keys = set()
    for df in frames:
        assert "METHODS.md 6" in df.attrs["method"] and df.attrs["source"]
        keys |= set(df.columns) | set(df["indicator"].unique())
        for column in ("direction", "model"):
            if column in df:
                keys |= {v if column == "direction" else f"shock_{v}" for v in df[column].unique()}
    keys |= {risk.IMPORTS, risk.ALL, risk.FOREIGN, "risk.region.total"}
    missing = [k for k in sorted(keys) if t(k, "zh") == k or t(k, "en") == t(k, "zh")]
    assert not missing
