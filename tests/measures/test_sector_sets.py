"""Default manufacturing, service and digital sector sets (METHODS.md 7.5, 7.7) of the sector lists the readers
ship, recognised from a table's codes and names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dualcirc import datasets
from dualcirc.errors import OptionError
from dualcirc.measures.sector_sets import _KNOWN, _labels_of, known_classifications, sector_sets
from dualcirc.testing import random_icio


def with_list(name: str):
    """A random one-region table carrying the codes and English names of a known sector list."""
    known = next(k for k in _KNOWN if k.name == name)
    frame = _labels_of(known)
    codes = list(frame[known.code_column])
    table = random_icio(1, len(codes), seed=1)
    return replace(table, sectors=tuple(codes), sector_names=dict(zip(codes, frame["en"])))


def test_builtin_datasets_are_recognised():
    wiod = sector_sets(datasets.load("wiod2013", 2011))
    assert wiod.classification == "wiod2013"
    assert wiod.manufacturing == tuple(f"c{k}" for k in range(3, 17))
    assert wiod.services == tuple(f"c{k}" for k in range(19, 36))
    assert wiod.digital == ("c14", "c27") and "ISIC Rev. 3" in wiod.note
    nbs = sector_sets(datasets.load("china_nbs42", 2020))
    assert nbs.classification == "china_nbs_2017_42"
    assert nbs.manufacturing == tuple(f"{k:02d}" for k in range(6, 24)) and nbs.digital == ("20", "31")


@pytest.mark.parametrize("name, manufacturing, services, digital", [
    ("lrwiod", 12, 7, ("D30t33", "I64")),
    ("wiod2016", 19, 29, ("C26", "J58", "J59_J60", "J61", "J62_J63")),
    ("oecd_icio2021", 17, 20, ("26", "58T60", "61", "62T63")),
    ("oecd_icio2023", 17, 20, ("C26", "J58T60", "J61", "J62_63")),
    ("china_nbs_2015_42", 19, 14, ("20", "32")),
])
def test_known_lists(name, manufacturing, services, digital):
    sets = sector_sets(with_list(name))
    assert sets.classification == name
    assert (len(sets.manufacturing), len(sets.services), sets.digital) == (manufacturing, services, digital)
    assert not set(sets.manufacturing) & set(sets.services)


def test_nbs_schemes_with_the_same_codes_are_told_apart_by_names():
    assert sector_sets(with_list("china_nbs_2017_42")).services[0] == "28"
    assert sector_sets(with_list("china_nbs_2015_42")).services[0] == "29"
    bare = replace(with_list("china_nbs_2015_42"), sector_names={})
    with pytest.raises(OptionError, match="several known lists"):
        sector_sets(bare)


def test_user_sets_and_errors():
    table = random_icio(2, 3, seed=2)
    with pytest.raises(OptionError, match="not one of the known lists"):
        sector_sets(table)
    sets = sector_sets(table, manufacturing=["S01"], need=("manufacturing",))
    assert sets.manufacturing == ("S01",) and sets.services == () and sets.classification == "user"
    with pytest.raises(OptionError, match="not sectors of the table"):
        sector_sets(table, manufacturing=["X"], need=("manufacturing",))
    wiod = sector_sets(datasets.load("wiod2013", 1995), digital=["c27"])
    assert wiod.digital == ("c27",) and wiod.manufacturing[0] == "c3" and "given by the user" in wiod.note
    with pytest.raises(OptionError):
        sets.of("mining")
    assert "wiod2013" in known_classifications()
