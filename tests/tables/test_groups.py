"""Country groups, region-code resolution, merging a group into one region, and country names."""
from __future__ import annotations

import importlib.util
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from shared_paths import REPO, shared_file
from dualcirc import labels
from dualcirc.engine.leontief import engine_for
from dualcirc.errors import InputError, OptionError
from dualcirc.tables.groups import (CountryGroup, country_names, group, group_members, group_names, iso3_of,
                                    merge_regions, resolve_regions)
from dualcirc.testing import random_icio
from table_builders import national_mrio, wiod2011

REGIONS = ("CHN", "JPN", "KOR", "USA", "ROM", "RoW")


@pytest.fixture(scope="module")
def world():
    t = random_icio(len(REGIONS), 3, seed=11)
    return replace(t, regions=REGIONS)


@pytest.mark.parametrize("code, iso", [
    ("CHN", "CHN"), ("chn", "CHN"), ("TWN", "TWN"), ("ROM", "ROU"), ("ROU", "ROU"), ("RoW", None), ("ROW", None),
    ("xROW", None), ("CN1", "CHN"), ("MX2", "MEX"), ("PRC", "CHN"), ("TAP", "TWN"), ("GER", "DEU"),
    ("reg1", None), ("Beijing", None),
])
def test_region_codes_resolve_to_iso3(code, iso):
    assert iso3_of(code) == iso


def test_provinces_resolve_through_their_nation():
    t = national_mrio()
    assert resolve_regions(t) == {"BJ": "CHN", "TJ": "CHN", "HE": "CHN"}
    assert group_members(t, "RCEP") == ["BJ", "TJ", "HE"]


@pytest.mark.parametrize("name, year, size, has, lacks", [
    ("EU", 1990, 12, "GBR", "AUT"), ("EU", 2005, 25, "POL", "ROU"), ("EU", 2013, 28, "HRV", "NOR"),
    ("EU", 2020, 27, "HRV", "GBR"), ("EU27", None, 27, "HRV", "GBR"), ("EU28", None, 28, "GBR", "NOR"),
    ("EURO", 2010, 16, "SVK", "EST"), ("EURO", None, 20, "HRV", "BGR"), ("OECD", 2000, 30, "KOR", "CHL"),
    ("OECD", None, 38, "CRI", "CHN"), ("BRICS2010", None, 5, "ZAF", "EGY"), ("BRICS2024", None, 9, "ETH", "IDN"),
    ("BRICS", 2015, 5, "ZAF", "IRN"), ("ASEAN", None, 10, "MMR", "TLS"), ("RCEP", None, 15, "NZL", "IND"),
    ("USMCA", None, 3, "MEX", "GTM"), ("NAFTA", 1995, 3, "CAN", "CHL"), ("G7", None, 7, "JPN", "CHN"),
    ("APEC", None, 21, "TWN", "IND"),
])
def test_group_membership_by_year(name, year, size, has, lacks):
    g = group(name, year)
    assert len(g.members) == size and has in g and lacks not in g
    assert g.source and g.period is not None and g.period[0] <= g.year <= g.period[1]


def test_aliases_years_and_unknown_names():
    assert group("eu-27").members == group("EU27").members and group("EA").name == "EURO"
    assert group("EU28").year == 2019 and group("EU28").period == (2013, 2019)
    fixed = group("RCEP", 2011)  # a fixed membership list applies to any year (METHODS.md 7.3)
    assert (fixed.year, fixed.period, len(fixed.members)) == (2011, (2020, 2025), 15)
    with pytest.raises(OptionError, match="defined for 1999-2025, not 1995"):
        group("EURO", 1995)
    with pytest.raises(OptionError, match="defined for 2010-2024, not 2025"):
        group("BRICS", 2025)
    with pytest.raises(OptionError, match="unknown country group 'BRI'"):
        group("BRI")


def test_every_group_has_english_and_chinese_labels():
    for name in group_names():
        g = group(name)
        assert g.label("en") != f"group.{name}" and g.label("zh") != g.label("en")


@pytest.mark.parametrize("ours, theirs", [
    ("EU27", "EU27"), ("EU28", "EU28"), ("EURO", "EMU"), ("OECD", "OECD"), ("G7", "G7"), ("G20", "G20"),
    ("APEC", "APEC"), ("ASEAN", "ASEAN"), ("RCEP", "RCEP"), ("USMCA", "USMCA"), ("NAFTA", "NAFTA"),
])
def test_memberships_agree_with_exvatools_for_icio_2023_countries(ours, theirs):
    geo = pd.read_csv(shared_file("classifications", "exvatools_dbgeo.csv"), keep_default_na=False)
    icio = set(geo.loc[geo["id"] == "WLD", "codes_icio2023"].iloc[0].split("|"))
    expected = set(geo.loc[geo["id"] == theirs, "codes_icio2023"].iloc[0].split("|"))
    assert group(ours).members & icio == expected


def test_group_members_follow_table_order_and_skip_rest_of_world(world):
    assert group_members(world, "RCEP") == ["CHN", "JPN", "KOR"]
    assert group_members(world, "EU") == ["ROM"]
    assert group_members(world, CountryGroup("mine", frozenset({"USA", "ROW"}), None, "user")) == ["USA"]


def test_merge_regions_makes_a_group_one_exporter(world):
    merged = merge_regions(world, {"RCEP": group("RCEP")})
    assert merged.regions == ("RCEP", "USA", "ROM", "RoW")
    absent = [f for f in merged.checks if f.code == "group_members_absent"]
    assert len(absent) == 1 and "12 member(s) of RCEP" in absent[0].message and "NZL" in absent[0].message
    N, G = world.N, world.G
    Z4 = world.Z.reshape(G, N, G, N)
    members = [0, 1, 2]
    np.testing.assert_allclose(merged.Z.reshape(4, N, 4, N)[0, :, 0, :],
                               Z4[np.ix_(members, range(N), members, range(N))].sum((0, 2)), rtol=1e-13)
    # gross exports of the merged region are the members' exports to non-members only (METHODS.md 0.6-6)
    outside = [3, 4, 5]
    Y3 = world.Y2.reshape(G, N, G)
    to_outside = Z4[members][:, :, outside].sum() + Y3[members][:, :, outside].sum()
    Zm4, Ym3 = merged.Z.reshape(4, N, 4, N), merged.Y2.reshape(4, N, 4)
    np.testing.assert_allclose(Zm4[0, :, 1:].sum() + Ym3[0, :, 1:].sum(), to_outside, rtol=1e-13)
    np.testing.assert_allclose(merged.gdp()[0], world.gdp()[:3].sum(), rtol=1e-13)
    np.testing.assert_allclose(engine_for(merged).solve(merged.y), merged.x, rtol=1e-10)


def test_merge_several_groups_by_name_list_and_year(world):
    merged = merge_regions(world, {"EAST": ["CHN", "KOR"], "EU": "EU"}, year=2010)
    assert merged.regions == ("EAST", "JPN", "USA", "EU", "RoW")
    assert any(f.code == "group_merged" and "EU (EU members of 2007-2012)" in f.message for f in merged.checks)


@pytest.mark.parametrize("groups, message", [
    ({"EURO": "EURO"}, "no region of the table belongs to group 'EURO'"),
    ({"A": ["CHN", "JPN"], "B": ["JPN", "USA"]}, r"regions \['JPN'\] are in both group 'A' and group 'B'"),
    ({"USA": ["CHN", "JPN"]}, r"group name\(s\) \['USA'\] are also codes of regions outside the group"),
])
def test_merge_regions_errors(world, groups, message):
    with pytest.raises(InputError, match=message):
        merge_regions(world, groups)


def test_merging_provinces_of_different_nations_is_refused():
    t = replace(national_mrio(), nations={"BJ": "CHN", "TJ": "CHN", "HE": "JPN"})
    assert merge_regions(t, {"JJ": ["BJ", "TJ"]}).nations == {"JJ": "CHN", "HE": "JPN"}
    with pytest.raises(InputError, match="different nations"):
        merge_regions(t, {"RCEP": "RCEP"})


def test_wiod_2011_with_the_eu27_as_one_region():
    read = wiod2011()  # the reader renames WIOD's ROM and RoW; here the publisher's own codes are resolved
    t = replace(read, regions=tuple({"ROU": "ROM", "ROW": "RoW"}.get(r, r) for r in read.regions))
    merged = merge_regions(t, {"EU27": "EU27"})
    assert merged.G == t.G - 25 and "HRV" in next(f.message for f in merged.checks
                                                  if f.code == "group_members_absent")
    eu = [t.regions.index(r) for r in group_members(t, "EU27")]
    assert "ROM" in group_members(t, "EU27") and "RoW" not in group_members(t, "EU27")
    np.testing.assert_allclose(merged.gdp()[merged.regions.index("EU27")], t.gdp()[eu].sum(), rtol=1e-12)


def test_country_names_in_english_and_chinese():
    assert country_names(["CHN", "ROM", "TAP", "RoW", "RCEP", "Beijing"]) == [
        "China", "Romania", "Taiwan", "Rest of the world", "RCEP", "Beijing"]
    assert country_names(["CHN", "DEU", "RoW", "EU"], "zh") == ["中国", "德国", "世界其他地区", "欧盟"]
    assert country_names(["MAF"], "zh") == ["Saint Martin (French part)"]  # no Chinese name in the source
    assert country_names(["TWN", "TAP", "HKG", "MAC"], "zh") == ["中国台湾", "中国台湾", "中国香港", "中国澳门"]
    with pytest.raises(OptionError):
        country_names(["CHN"], "fr")
    assert labels.t("region.rest_of_world", "zh") == "世界其他地区"


def test_shipped_country_names_are_what_the_script_derives():
    spec = importlib.util.spec_from_file_location("derive_country_names",
                                                  REPO / "scripts" / "derive_country_names.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    names, aliases = script.derive(shared_file("classifications", "countrycode_codelist_subset.csv").parents[1])
    for frame, name in ((names, "country_names.csv"), (aliases, "region_aliases.csv")):
        shipped = pd.read_csv(script.OUT / name, dtype=str, keep_default_na=False, comment="#")
        pd.testing.assert_frame_equal(shipped, frame.reset_index(drop=True))
