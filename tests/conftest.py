"""Shared fixtures. Real-data tests read ../shared/data through `shared_data` and skip with a reason if absent.

Files that would be complete copies of real tables in another layout are not committed: the session fixtures
below write them into a temporary folder with the generators in tests/fixtures/ (which name their sources).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from shared_paths import SHARED_DATA, shared_file


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (set DUALCIRC_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def niot_workbook(tmp_path_factory) -> Path:
    """China's WIOD 2016-release NIOT of 2014 as the publisher's ``CHN_NIOT_nov16.xlsx`` (make_wiod_excerpts.py)."""
    from fixtures.make_wiod_excerpts import NIOT_SOURCES, write_niot_workbook

    for parts in NIOT_SOURCES:
        shared_file(*parts)
    return write_niot_workbook(SHARED_DATA, tmp_path_factory.mktemp("niot"))


@pytest.fixture(scope="session")
def nbs_workbook(tmp_path_factory) -> Path:
    """China's 2015 42-sector NBS table in the NBS workbook layout (make_nbs_workbook.py)."""
    from fixtures.make_nbs_workbook import SOURCE, write_nbs_workbook

    shared_file(*SOURCE)
    return write_nbs_workbook(SHARED_DATA, tmp_path_factory.mktemp("nbs_workbook"))


@pytest.fixture(scope="session")
def oecd_iot_long(tmp_path_factory) -> Path:
    """China's 2018 OECD IOT in the long layout of the OECD.Stat download (make_oecd_iot_excerpt.py)."""
    from fixtures.make_oecd_iot_excerpt import INDUSTRY_CODES, SOURCE, write_oecd_iot_long

    shared_file(*SOURCE)
    shared_file(*INDUSTRY_CODES)
    return write_oecd_iot_long(SHARED_DATA, tmp_path_factory.mktemp("oecd_iot_long"))
