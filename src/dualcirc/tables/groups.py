"""Country groups (EU, euro area, RCEP, ASEAN, USMCA, BRICS, G7, G20, OECD, APEC) and region-code resolution.

METHODS.md 0.6-6: decompositions whose double-counting perimeter is the exporter must treat a group as one
exporter, so :func:`merge_regions` builds an aggregated table in which each group is one region.  METHODS.md 7.3:
membership changes over time, so every group states the year its membership is valid for, and the rest of the
world never counts as a member.

Memberships come from country_converter (Stadler 2017, JOSS 2(16):332) where it records them (EU, EU27, EU28,
euro area and OECD with accession years, G7, G20, APEC, BRIC).  Its data file is read directly because
``CountryConverter()`` of country_converter 1.3.2 fails under pandas 3 (Namibia's ISO2 code "NA" is read as
missing).  Groups it lacks (ASEAN, RCEP, USMCA/NAFTA, BRICS enlargements) are typed here from the treaty or
declaration named in their source.  No Belt-and-Road group is offered: there is no official, sourced list of
partner countries available to the project.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, replace
from functools import cache
from typing import Iterable, Mapping

import pandas as pd

from .. import labels
from ..errors import InputError, OptionError
from .aggregate import aggregate
from .model import Finding, IOTable

#: The last year for which the memberships below were checked against their sources.
LAST_CHECKED_YEAR = 2025

#: Region codes of rest-of-world aggregates (compared upper-case; WIOD "RoW", ICIO/ADB "ROW", LR-WIOD "xROW"):
#: never members of any group (METHODS.md 7.3).
REST_OF_WORLD = frozenset({"ROW", "XROW"})

#: OECD ICIO split China and Mexico by processing trade (CN1/CN2, MX1/MX2; ICIO documentation, "extended" tables).
SPLIT_CODES = {"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}

_COCO = "country_converter 1.3.2 (Stadler 2017, Journal of Open Source Software 2(16):332), column {col!r}"
_ASEAN10 = frozenset({"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"})
_USMCA = frozenset({"CAN", "MEX", "USA"})


@dataclass(frozen=True)
class CountryGroup:
    """A named set of countries (ISO3 codes) with its source.

    ``period`` is the span of years (first, last) in which exactly these countries were the members (None for
    user-defined groups); ``year`` is the year the group was asked for, else the last year of ``period``.
    """

    name: str
    members: frozenset[str]
    year: int | None
    source: str
    note: str = ""
    period: tuple[int, int] | None = None

    def __contains__(self, iso3: object) -> bool:
        return iso3 in self.members

    def label(self, lang: str = "en") -> str:
        return labels.t(f"group.{self.name}", lang)


@dataclass(frozen=True)
class _Definition:
    """A group's membership over time: periods (first year, last year, members)."""

    name: str
    periods: tuple[tuple[int, int, frozenset[str]], ...]
    source: str
    note: str = ""

    def at(self, year: int | None) -> CountryGroup:
        """The membership in ``year``.  A group defined by one membership applies it to any year (a fixed
        membership list, METHODS.md 7.3); a group whose membership changed (EU, EURO, OECD, BRICS) takes the
        membership of the year asked, and a year outside its periods is an OptionError."""
        if year is None or len(self.periods) == 1:
            first, last, members = self.periods[-1]
            return CountryGroup(self.name, members, last if year is None else year, self.source, self.note,
                                (first, last))
        for first, last, members in self.periods:
            if first <= year <= last:
                return CountryGroup(self.name, members, year, self.source, self.note, (first, last))
        span = f"{self.periods[0][0]}-{self.periods[-1][1]}"
        raise OptionError(f"the membership of {self.name} is defined for {span}, not {year}"
                          + (f"; {self.note}" if self.note else ""))


@cache
def _coco() -> pd.DataFrame:
    path = importlib.resources.files("country_converter") / "country_data.tsv"
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)


def _coco_members(col: str) -> frozenset[str]:
    data = _coco()
    return frozenset(data.loc[data[col] != "", "ISO3"])


def _accession_periods(col: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """Periods of a group whose country_converter column holds each member's accession year."""
    data = _coco()
    joined = data.loc[data[col] != "", ["ISO3", col]].astype({col: int})
    years = sorted(joined[col].unique())
    ends = [y - 1 for y in years[1:]] + [LAST_CHECKED_YEAR]
    return tuple((y, end, frozenset(joined.loc[joined[col] <= y, "ISO3"])) for y, end in zip(years, ends))


@cache
def _definitions() -> dict[str, _Definition]:
    eu_periods = tuple((first, last, _coco_members(col)) for first, last, col in (
        (1986, 1994, "EU12"), (1995, 2003, "EU15"), (2004, 2006, "EU25"), (2007, 2012, "EU27_2007"),
        (2013, 2019, "EU28"), (2020, LAST_CHECKED_YEAR, "EU27")))
    brics5 = _coco_members("BRIC") | {"ZAF"}
    brics9 = brics5 | {"EGY", "ETH", "IRN", "ARE"}
    brics_source = ("BRIC from " + _COCO.format(col="BRIC") + "; South Africa admitted 24 December 2010 "
                    "(Sanya Declaration, 2011); XV BRICS Summit, Johannesburg II Declaration (23 August 2023) "
                    "para. 91: Egypt, Ethiopia, Iran and the UAE members from 1 January 2024 (Argentina declined, "
                    "Saudi Arabia had not confirmed)")
    rcep = _ASEAN10 | {"AUS", "CHN", "JPN", "KOR", "NZL"}
    defs = [
        _Definition("EU", eu_periods, "; ".join(_COCO.format(col=c) for c in
                                                ("EU12", "EU15", "EU25", "EU27_2007", "EU28", "EU27")),
                    "members in each year, by accession (Croatia from 2013) and withdrawal (UK to 2019)"),
        _Definition("EU27", ((2020, LAST_CHECKED_YEAR, _coco_members("EU27")),), _COCO.format(col="EU27"),
                    "the 27 member states after the UK left on 31 January 2020; 'EU' follows the membership by year"),
        _Definition("EU28", ((2013, 2019, _coco_members("EU28")),), _COCO.format(col="EU28"),
                    "the 28 member states from Croatia's accession (1 July 2013) to 31 January 2020"),
        _Definition("EURO", _accession_periods("EURO"), _COCO.format(col="EURO") + " (year of euro adoption)",
                    "euro area by year of adoption; Bulgaria adopts the euro on 1 January 2026"),
        _Definition("OECD", _accession_periods("OECD"), _COCO.format(col="OECD") + " (year of accession)"),
        _Definition("G7", ((1976, LAST_CHECKED_YEAR, _coco_members("G7")),), _COCO.format(col="G7")),
        _Definition("G20", ((2020, LAST_CHECKED_YEAR, _coco_members("G20")),), _COCO.format(col="G20"),
                    "the 19 G20 countries plus the EU27 member states (the EU holds a seat); the African Union "
                    "(a member since 2023) is not expanded"),
        _Definition("APEC", ((1998, LAST_CHECKED_YEAR, _coco_members("APEC")),), _COCO.format(col="APEC"),
                    "the 21 member economies since Peru, Russia and Viet Nam joined in 1998"),
        _Definition("BRICS", ((2010, 2023, brics5), (2024, 2024, brics9)), brics_source,
                    "Indonesia, a member from January 2025, is not included"),
        _Definition("BRICS2010", ((2010, 2023, brics5),), brics_source,
                    "Brazil, Russia, India, China and South Africa"),
        _Definition("BRICS2024", ((2024, 2024, brics9),), brics_source,
                    "the nine members of 2024; Indonesia, a member from January 2025, is not included"),
        _Definition("ASEAN", ((1999, 2024, _ASEAN10),),
                    "ASEAN Secretariat, member states (Bangkok Declaration 1967 and accessions to Cambodia, "
                    "30 April 1999)", "Timor-Leste, admitted in October 2025, is not included"),
        _Definition("RCEP", ((2020, LAST_CHECKED_YEAR, rcep),),
                    "Regional Comprehensive Economic Partnership Agreement, signed 15 November 2020 by the ten "
                    "ASEAN member states, Australia, China, Japan, Korea and New Zealand; in force from "
                    "1 January 2022"),
        _Definition("USMCA", ((2020, LAST_CHECKED_YEAR, _USMCA),),
                    "Agreement between the United States of America, the United Mexican States and Canada, "
                    "in force 1 July 2020"),
        _Definition("NAFTA", ((1994, 2020, _USMCA),),
                    "North American Free Trade Agreement, in force 1 January 1994 to 30 June 2020"),
    ]
    return {d.name: d for d in defs}


_ALIASES = {"EA": "EURO", "EUROAREA": "EURO", "EURO_AREA": "EURO", "EUROZONE": "EURO", "EMU": "EURO"}

labels.register({
    "group.EU": ("European Union", "欧盟"),
    "group.EU27": ("EU-27 (2020-)", "欧盟27国（2020年起）"),
    "group.EU28": ("EU-28 (2013-2019)", "欧盟28国（2013-2019年）"),
    "group.EURO": ("Euro area", "欧元区"),
    "group.OECD": ("OECD members", "经合组织成员国"),
    "group.G7": ("G7", "七国集团"),
    "group.G20": ("G20", "二十国集团"),
    "group.APEC": ("APEC economies", "亚太经合组织成员"),
    "group.BRICS": ("BRICS", "金砖国家"),
    "group.BRICS2010": ("BRICS (2010 members)", "金砖国家（2010年成员）"),
    "group.BRICS2024": ("BRICS (2024 members)", "金砖国家（2024年成员）"),
    "group.ASEAN": ("ASEAN", "东盟"),
    "group.RCEP": ("RCEP", "区域全面经济伙伴关系协定（RCEP）"),
    "group.USMCA": ("USMCA", "美墨加协定"),
    "group.NAFTA": ("NAFTA", "北美自由贸易协定"),
    "region.rest_of_world": ("Rest of the world", "世界其他地区"),
})


def group_names() -> tuple[str, ...]:
    """The names :func:`group` accepts (besides the aliases EA, EMU, EUROZONE for EURO)."""
    return tuple(_definitions())


def group(name: str, year: int | None = None) -> CountryGroup:
    """The group ``name`` with its membership in ``year`` (default: its latest membership).

    Groups defined by one membership (EU27, EU28, RCEP, ...) apply it to any year; EU, EURO, OECD and BRICS
    take the membership of ``year``.  Raises OptionError for an unknown name, or a year outside the periods of
    a group whose membership changed.
    """
    key = str(name).strip().upper().replace("-", "")
    key = _ALIASES.get(key, key)
    defs = _definitions()
    if key not in defs:
        raise OptionError(f"unknown country group {name!r}; known groups: {', '.join(defs)}")
    return defs[key].at(year)


# ---------------------------------------------------------------------------------------------- region codes
@cache
def _country_names() -> pd.DataFrame:
    with (importlib.resources.files("dualcirc.tables") / "data" / "country_names.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, comment="#").set_index("iso3")


@cache
def _region_aliases() -> dict[str, str]:
    with (importlib.resources.files("dualcirc.tables") / "data" / "region_aliases.csv").open(encoding="utf-8") as fh:
        aliases = pd.read_csv(fh, dtype=str, keep_default_na=False, comment="#")
    return {**dict(zip(aliases["alias"], aliases["iso3"])), **SPLIT_CODES}


def is_rest_of_world(code: str) -> bool:
    return str(code).strip().upper() in REST_OF_WORLD


def iso3_of(code: str) -> str | None:
    """The ISO3 code a region code stands for (ISO3 itself, WIOD's ROM, ADB codes such as PRC or TAP, ICIO's
    CN1/CN2), or None for rest-of-world aggregates and codes that name no country."""
    key = str(code).strip().upper()
    if key in REST_OF_WORLD:
        return None
    if key in _country_names().index:
        return key
    return _region_aliases().get(key)


def resolve_regions(table: IOTable) -> dict[str, str | None]:
    """ISO3 code of each region of ``table`` (a province resolves through ``table.nations`` to its nation)."""
    nations = table.nations or {}
    return {r: iso3_of(nations.get(r, r)) for r in table.regions}


def _as_group(spec: CountryGroup | str | Iterable[str], name: str, year: int | None) -> CountryGroup:
    if isinstance(spec, CountryGroup):
        return spec
    if isinstance(spec, str):
        return group(spec, year)
    return CountryGroup(name, frozenset(map(str, spec)), year, "user-defined")


def _matches(table: IOTable, grp: CountryGroup) -> tuple[list[str], list[str]]:
    """Regions of ``table`` in ``grp`` (by code or ISO3; never rest of world) and the members absent."""
    iso = resolve_regions(table)
    present = [r for r in table.regions if not is_rest_of_world(r) and (r in grp.members or iso[r] in grp.members)]
    found = set(present) | {iso[r] for r in present}
    return present, sorted(grp.members - found)


def group_members(table: IOTable, name: CountryGroup | str, year: int | None = None) -> list[str]:
    """The regions of ``table`` that belong to the group (in table order)."""
    return _matches(table, _as_group(name, str(name), year))[0]


def merge_regions(table: IOTable, groups: Mapping[str, CountryGroup | str | Iterable[str]], *,
                  year: int | None = None) -> IOTable:
    """A table in which each group is one region named by its key (METHODS.md 0.6-6).

    A group is a :class:`CountryGroup`, a group name (taken at ``year``) or an iterable of region or ISO3
    codes.  The merged region takes the place of its first member.  Members absent from the table are
    reported in ``checks`` (code ``group_members_absent``); a group with no member in the table, a region in
    two groups, or a group name equal to another region's code is an InputError.
    """
    target: dict[str, str] = {}
    findings = []
    for new, spec in groups.items():
        grp = _as_group(spec, new, year)
        present, absent = _matches(table, grp)
        if not present:
            raise InputError(f"no region of the table belongs to group {new!r} ({len(grp.members)} members: "
                             f"{sorted(grp.members)[:12]}); the table's regions are {list(table.regions)[:20]}")
        twice = [r for r in present if r in target]
        if twice:
            raise InputError(f"regions {twice} are in both group {target[twice[0]]!r} and group {new!r}")
        target.update(dict.fromkeys(present, new))
        valid = f" ({grp.name} members of {grp.period[0]}-{grp.period[1]})" if grp.period else ""
        findings.append(Finding("info", "group_merged", f"{new}{valid} merged into one region from "
                                f"{len(present)} region(s): {', '.join(present)}"))
        if absent:
            findings.append(Finding("info", "group_members_absent",
                                    f"{len(absent)} member(s) of {new} are not regions of this table (they are "
                                    f"in the rest of the world or not covered): {', '.join(absent)}"))
    clash = sorted(set(target.values()) & (set(table.regions) - set(target)))
    if clash:
        raise InputError(f"group name(s) {clash} are also codes of regions outside the group; choose other names")
    merged = aggregate(table, regions={r: target.get(r, r) for r in table.regions})
    return replace(merged, checks=merged.checks + tuple(findings))


def country_names(codes: Iterable[str], lang: str = "en") -> list[str]:
    """Names of region codes in ``lang`` ('en' or 'zh'): countries by ISO3 (or an alias), rest-of-world
    aggregates and group names by their labels; any other code is returned as it is."""
    if lang not in labels.LANGS:
        raise OptionError(f"language must be one of {labels.LANGS}, not {lang!r}")
    names = _country_names()
    column = "name_zh" if lang == "zh" else "name_en"
    out = []
    for code in codes:
        iso = iso3_of(code)
        if iso is not None:
            out.append(names.at[iso, column] or names.at[iso, "name_en"])
        elif is_rest_of_world(code):
            out.append(labels.t("region.rest_of_world", lang))
        else:
            key = f"group.{str(code).strip().upper()}"
            label = labels.t(key, lang)
            out.append(str(code) if label == key else label)
    return out
