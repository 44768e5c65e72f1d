"""The label lists shipped with the readers in ``readers/labels/`` (sector codes with English and Chinese names,
and concordances), derived from the publishers' lists by ``scripts/derive_national_labels.py`` and the fixture
scripts named in each reader.

A sector list ``<classification>_sectors.csv`` has the columns ``code, en, zh`` (the OECD ICIO list adds
``edition``; the Eora26 list has ``en, zh`` only, Eora labelling its sectors by name).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import pandas as pd

from ..errors import ReaderError


@cache
def label_table(name: str) -> pd.DataFrame:
    """The shipped list ``readers/labels/<name>.csv`` with every column as text (codes such as ``01`` intact)."""
    with files("dualcirc.readers").joinpath("labels", f"{name}.csv").open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@cache
def sector_labels(classification: str) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """Codes, English and Chinese names of the sector list ``readers/labels/<classification>_sectors.csv``."""
    rows = label_table(f"{classification}_sectors")
    return tuple(rows["code"]), dict(zip(rows["code"], rows["en"])), dict(zip(rows["code"], rows["zh"]))


def sector_names(classification: str, sectors, *, file) -> tuple[dict[str, str], dict[str, str]]:
    """English and Chinese names of ``sectors``; a code outside the classification is a ReaderError."""
    codes, english, chinese = sector_labels(classification)
    unknown = [s for s in sectors if s not in english]
    if unknown:
        raise ReaderError(f"unknown sector code(s) {unknown[:8]}; expected codes of the {classification} list "
                          f"({', '.join(codes[:4])}, ...)", file=file)
    return {s: english[s] for s in sectors}, {s: chinese[s] for s in sectors}
