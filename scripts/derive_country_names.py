"""Derive the country-name and region-alias tables shipped in src/dualcirc/tables/data/.

Sources (read from ../shared/data, see its PROVENANCE.md):
* classifications/countrycode_codelist_subset.csv -- R package countrycode v1.7.0 (cran/countrycode @ 01f1ad5f,
  data/codelist.rda; GPL-3): ISO 3166 alpha-3 codes, English names, Chinese names (CLDR, else UN).
* io/adb_mrio_derived/adb_mrio_countries_dict.csv -- ADB MRIO country dictionary: ADB economy codes that differ
  from ISO3 (PRC, TAP, GER, ROM, ...), kept as aliases so that ADB MRIO regions resolve to ISO3.

Chinese names follow CLDR except where Chinese official usage differs (``CHINESE_OFFICIAL_NAMES``): Taiwan, Hong
Kong and Macao are written 中国台湾, 中国香港 and 中国澳门, as China's official statistics write them (e.g. the
international tables of the China Statistical Yearbook), and as a report for Chinese policy makers must show them.

Run from the repository root:  python scripts/derive_country_names.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "dualcirc" / "tables" / "data"

NAMES_HEADER = (
    "# ISO3 codes with English and Chinese country names. Derived by scripts/derive_country_names.py from\n"
    "# R package countrycode v1.7.0 (cran/countrycode @ 01f1ad5fce6d5103e53074ca01af5a4bc0b0a748,\n"
    "# data/codelist.rda, GPL-3): columns iso3c, country.name.en, cldr.name.zh (else un.name.zh); Chinese official\n"
    "# names for TWN, HKG and MAC (中国台湾, 中国香港, 中国澳门).\n"
)
#: Chinese names that replace the source's (see the module docstring): CLDR gives 台湾, 中国香港特别行政区 and
#: 中国澳门特别行政区.
CHINESE_OFFICIAL_NAMES = {"TWN": "中国台湾", "HKG": "中国香港", "MAC": "中国澳门"}
ALIASES_HEADER = (
    "# Region codes used by IO databases that are not ISO3, with the ISO3 code they stand for. Derived by\n"
    "# scripts/derive_country_names.py from the ADB MRIO country dictionary (adb_mrio_countries_dict.csv,\n"
    "# columns mrio_code and adb_code against iso_a3; ADB MRIO, CC BY 3.0 IGO).\n"
)


def derive(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = pd.read_csv(shared / "classifications" / "countrycode_codelist_subset.csv", dtype=str,
                        keep_default_na=False)
    codes = codes[codes["iso3c"] != ""]
    zh = codes["cldr.name.zh"].where(codes["cldr.name.zh"] != "", codes["un.name.zh"])
    zh = codes["iso3c"].map(CHINESE_OFFICIAL_NAMES).fillna(zh)
    names = pd.DataFrame({"iso3": codes["iso3c"], "name_en": codes["country.name.en"], "name_zh": zh}
                         ).sort_values("iso3")
    if names["iso3"].duplicated().any():
        raise SystemExit(f"duplicate ISO3 codes: {names['iso3'][names['iso3'].duplicated()].tolist()}")

    adb = pd.read_csv(shared / "io" / "adb_mrio_derived" / "adb_mrio_countries_dict.csv", dtype=str,
                      keep_default_na=False)
    pairs = pd.concat([
        pd.DataFrame({"alias": adb[col], "iso3": adb["iso_a3"], "source": source})
        for col, source in (("mrio_code", "ADB MRIO"), ("adb_code", "ADB"))])
    pairs = pairs[(pairs["alias"] != "") & (pairs["iso3"] != "") & (pairs["alias"] != pairs["iso3"])]
    aliases = pairs.drop_duplicates("alias").sort_values("alias")
    clash = sorted(set(aliases["alias"]) & set(names["iso3"]))
    if clash:
        raise SystemExit(f"aliases that are ISO3 codes of other countries: {clash}")
    conflicting = pairs.groupby("alias")["iso3"].nunique()
    if (conflicting > 1).any():
        raise SystemExit(f"aliases with two ISO3 codes: {conflicting[conflicting > 1].index.tolist()}")
    return names, aliases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    names, aliases = derive(args.shared)
    OUT.mkdir(parents=True, exist_ok=True)
    for frame, header, name in ((names, NAMES_HEADER, "country_names.csv"),
                                (aliases, ALIASES_HEADER, "region_aliases.csv")):
        with open(OUT / name, "w", encoding="utf-8", newline="") as fh:
            fh.write(header)
            frame.to_csv(fh, index=False)
        print(f"wrote {OUT / name}: {len(frame)} rows")


if __name__ == "__main__":
    main()
