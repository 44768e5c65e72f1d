"""The one catalogue of user-facing labels, in English and Chinese.

Modules register their labels at import time with :func:`register`; interfaces look them up with :func:`t`.
A key that is missing in the requested language falls back to English, then to the key itself.
"""

from __future__ import annotations

from typing import Mapping

LANGS = ("en", "zh")
_CATALOGUE: dict[str, dict[str, str]] = {}


def register(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add labels: ``{key: (english, chinese)}``. Re-registering a key with different text is an error."""
    for key, (en, zh) in entries.items():
        old = _CATALOGUE.get(key)
        if old is not None and (old["en"], old["zh"]) != (en, zh):
            raise ValueError(f"label {key!r} registered twice with different text")
        _CATALOGUE[key] = {"en": en, "zh": zh}


def t(key: str, lang: str = "en") -> str:
    """The label of ``key`` in ``lang`` ('en' or 'zh')."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {lang!r}")
    entry = _CATALOGUE.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def bilingual(key: str) -> str:
    """'English / 中文' for column headers in Excel exports."""
    en, zh = t(key, "en"), t(key, "zh")
    return en if en == zh else f"{en} / {zh}"


def catalogue() -> dict[str, dict[str, str]]:
    return {k: dict(v) for k, v in _CATALOGUE.items()}


register({
    "region": ("Region", "地区"),
    "sector": ("Sector", "部门"),
    "partner": ("Partner", "伙伴"),
    "value": ("Value", "数值"),
    "unit": ("Unit", "单位"),
    "year": ("Year", "年份"),
    "indicator": ("Indicator", "指标"),
    "source": ("Source", "来源"),
})
