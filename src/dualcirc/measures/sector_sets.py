"""Default sector sets of the trend measures (METHODS.md 7.5-7.7, decision D19): manufacturing, services and
digital sectors of the sector lists the readers ship (``readers/labels``).

* Manufacturing is ISIC Rev. 4 section C (Rev. 3 section D); services are Rev. 4 sections G-U (Rev. 3 G-Q).
* Digital sectors follow the OECD (2019/2020) digital-intensity taxonomy as METHODS.md 7.7 lists it: ISIC Rev. 4
  division 26 (computer, electronic and optical products) and section J, divisions 58-63 (publishing and
  broadcasting, telecommunications, IT services).  ISIC Rev. 3 lists (WIOD 2013, ADB MRIO, LR-WIOD) have no such
  codes; the closest are 30-33 (electrical and optical equipment, which holds Rev. 4 26) and 64 (post and
  telecommunications, which holds 61).  Publishing (22) and computer services (72) sit inside larger groups
  (21t22, 71t74) and are left out, so the Rev. 3 digital set is an approximation (recorded in ``note``).
* NBS 42-sector tables (2017-2020 scheme): manufacturing 06-23, services 28-42, digital 20 (communication
  equipment, computers and other electronic equipment) and 31 (information transmission, software and IT
  services); the 2015 scheme shifts codes 22-28 by one (06-24, 29-42, digital 20 and 32).

A table's list is recognised by its sector codes and, where the table carries English names, by those names (NBS
lists reuse codes 01-42 with different meanings).  Any other list needs the sets from the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Callable, Sequence

import pandas as pd

from ..errors import OptionError
from ..tables.model import IOTable

ROLES = ("manufacturing", "services", "digital")


@dataclass(frozen=True)
class SectorSets:
    """Manufacturing, service and digital sector codes of one table, and where they come from."""

    classification: str
    manufacturing: tuple[str, ...]
    services: tuple[str, ...]
    digital: tuple[str, ...]
    note: str = ""

    def of(self, role: str) -> tuple[str, ...]:
        if role not in ROLES:
            raise OptionError(f"sector role must be one of {ROLES}, not {role!r}")
        return getattr(self, role)


# ---------------------------------------------------------------------------------------------- ISIC rules
#: ISIC Rev. 3 divisions of each section
_ISIC3_SECTIONS = {"A": (1, 2), "B": (5, 5), "C": (10, 14), "D": (15, 37), "E": (40, 41), "F": (45, 45),
                   "G": (50, 52), "H": (55, 55), "I": (60, 64), "J": (65, 67), "K": (70, 74), "L": (75, 75),
                   "M": (80, 80), "N": (85, 85), "O": (90, 93), "P": (95, 97), "Q": (99, 99)}


def _isic3_division(code: str) -> tuple[str, int | None]:
    """Section letter and first division of an ISIC Rev. 3 group code ('15t16', 'D30t33', 'I64', 'AtB', 'LtQ')."""
    match = re.match(r"^([A-Q]?)(\d+)", code)
    if match:
        division = int(match.group(2))
        section = match.group(1) or next(s for s, (lo, hi) in _ISIC3_SECTIONS.items() if lo <= division <= hi)
        return section, division
    return code[0], None


def _isic3_role(code: str) -> dict[str, bool]:
    section, division = _isic3_division(code)
    return {"manufacturing": section == "D", "services": "G" <= section <= "Q",
            "digital": division is not None and (30 <= division <= 33 or division == 64)}


def _isic4_role(code: str) -> dict[str, bool]:
    """Rev. 4 group codes with a section letter ('C26', 'J58T60', 'R_S') or without one ('26', '58T60')."""
    match = re.match(r"^([A-U]?)(\d*)", code.upper())
    letter, digits = match.group(1), match.group(2)
    division = int(digits) if digits else None
    if not letter:
        letter = ("C" if division is not None and 10 <= division <= 33 else
                  "G" if division is not None and division >= 45 else "A")
    return {"manufacturing": letter == "C", "services": "G" <= letter <= "U",
            "digital": division == 26 or (division is not None and 58 <= division <= 63)}


def _nbs42_role(first_manufacturing: int, last_manufacturing: int, first_service: int, digital: tuple[int, ...]):
    def role(code: str) -> dict[str, bool]:
        k = int(code)
        return {"manufacturing": first_manufacturing <= k <= last_manufacturing, "services": k >= first_service,
                "digital": k in digital}
    return role


_REV3_NOTE = ("ISIC Rev. 3 list: digital = electrical and optical equipment (30-33) and post and telecommunications "
              "(64), the closest groups to ISIC Rev. 4 26 and 58-63 (publishing and computer services are inside "
              "larger groups and left out)")


@dataclass(frozen=True)
class _Known:
    name: str
    label_file: str
    rule: Callable[[str], dict[str, bool]]
    code_column: str = "code"
    edition: str | None = None
    #: the label file's column that holds the ISIC code the rule reads (default: the code itself)
    isic_column: str | None = None
    note: str = ""


_KNOWN = (
    _Known("wiod2013", "wiod2013_sectors.csv", _isic3_role, isic_column="isic3", note=_REV3_NOTE),
    _Known("adb_mrio", "adb_mrio_sectors.csv", lambda code: _isic3_role(_wiod2013_isic3()[code]), note=_REV3_NOTE),
    _Known("lrwiod", "lrwiod_sectors.csv", _isic3_role, note=_REV3_NOTE),
    _Known("wiod2016", "wiod2016_sectors.csv", _isic4_role),
    _Known("oecd_icio2021", "oecd_icio_sectors.csv", _isic4_role, edition="2021"),
    _Known("oecd_icio2023", "oecd_icio_sectors.csv", _isic4_role, edition="2023"),
    _Known("oecd_icio2025", "oecd_icio_sectors.csv", _isic4_role, edition="2025"),
    _Known("china_nbs_2017_42", "china_nbs_2017_42_sectors.csv", _nbs42_role(6, 23, 28, (20, 31)),
           note="NBS 42-sector scheme of 2017-2020"),
    _Known("china_nbs_2015_42", "china_nbs_2015_42_sectors.csv", _nbs42_role(6, 24, 29, (20, 32)),
           note="NBS 42-sector scheme of 2012-2015"),
)


@cache
def _label_frame(label_file: str) -> pd.DataFrame:
    with files("dualcirc.readers").joinpath("labels", label_file).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@cache
def _wiod2013_isic3() -> dict[str, str]:
    frame = _label_frame("wiod2013_sectors.csv")
    return dict(zip(frame["code"], frame["isic3"]))


def _labels_of(known: _Known) -> pd.DataFrame:
    frame = _label_frame(known.label_file)
    if known.edition is not None:
        frame = frame[frame["edition"] == known.edition]
    return frame


def _same_codes(table: IOTable, known: _Known) -> bool:
    return set(_labels_of(known)[known.code_column]) == set(table.sectors)


def _same_names(table: IOTable, known: _Known) -> bool:
    frame = _labels_of(known)
    english = dict(zip(frame[known.code_column], frame["en"].str.strip().str.lower()))
    return all(english[s] == str(table.sector_names.get(s, english[s])).strip().lower() for s in table.sectors)


def _defaults(table: IOTable, known: _Known) -> dict[str, tuple[str, ...]]:
    frame = _labels_of(known)
    isic = dict(zip(frame[known.code_column], frame[known.isic_column or known.code_column]))
    roles = {s: known.rule(isic[s]) for s in table.sectors}
    return {r: tuple(s for s in table.sectors if roles[s][r]) for r in ROLES}


def _recognise(table: IOTable) -> list[_Known]:
    """Known lists with the table's codes; where several share the codes, those whose names match the table's."""
    found = [k for k in _KNOWN if _same_codes(table, k)]
    if len(found) > 1 and table.sector_names:
        named = [k for k in found if _same_names(table, k)]
        found = named or found
    if len(found) > 1 and len({tuple(_defaults(table, k).items()) for k in found}) == 1:
        found = found[:1]   # lists that differ only in names give the same sets
    return found


def known_classifications() -> tuple[str, ...]:
    """The sector lists whose manufacturing, service and digital sets are known."""
    return tuple(k.name for k in _KNOWN)


def sector_sets(table: IOTable, *, manufacturing: Sequence[str] | None = None, services: Sequence[str] | None = None,
                digital: Sequence[str] | None = None, need: Sequence[str] = ROLES) -> SectorSets:
    """The sector sets of ``table``: the defaults of its recognised sector list, replaced by any set given.

    ``need`` names the roles the caller uses; when all of them are given the list need not be recognised (the
    other roles are then empty).  Raises OptionError naming the missing sets when the list is not recognised (or
    is ambiguous) and a needed set is not given, and when a given code is not a sector of the table.
    """
    given = {"manufacturing": manufacturing, "services": services, "digital": digital}
    for role, codes in given.items():
        if codes is not None:
            unknown = [c for c in codes if c not in table.sectors]
            if unknown:
                raise OptionError(f"{role} sectors {unknown[:10]} are not sectors of the table; it has "
                                  f"{list(table.sectors)[:20]}{' ...' if table.N > 20 else ''}")
    if all(given[r] is not None for r in need):
        return SectorSets("user", *(tuple(given[r] or ()) for r in ROLES), "sector sets given by the user")
    found = _recognise(table)
    if len(found) != 1:
        missing = [r for r in need if given[r] is None]
        why = ("is not one of the known lists" if not found else
               f"matches several known lists ({', '.join(k.name for k in found)}) and has no sector names to tell "
               "them apart")
        raise OptionError(f"the sector list of {table!r} {why} ({', '.join(known_classifications())}); give the "
                          f"{', '.join(missing)} sector codes explicitly")
    known = found[0]
    defaults = _defaults(table, known)
    chosen = {r: tuple(given[r]) if given[r] is not None else defaults[r] for r in ROLES}
    user = [r for r in ROLES if given[r] is not None]
    note = known.note + (f"; {', '.join(user)} given by the user" if user else "")
    return SectorSets(known.name, *(chosen[r] for r in ROLES), note.strip("; "))


__all__ = ["ROLES", "SectorSets", "known_classifications", "sector_sets"]
