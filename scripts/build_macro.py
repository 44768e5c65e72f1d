"""Build the built-in macro data (src/dualcirc/datasets/data/macro/) from ../shared/data/macro.

    python scripts/build_macro.py [--shared ../shared/data] [--out src/dualcirc/datasets/data/macro]

Writes three files, values unchanged from the shared files (no rounding or rescaling):

* ``values.parquet`` - long table ``dataset, economy, year, series, value`` (empty cells dropped);
* ``series.csv``     - one row per (dataset, series): English and Chinese name, unit, currency, scale, price basis,
  coverage, statistical source, publisher, licence, origin (repository, commit, file) and NBS table;
* ``economies.csv``  - ``dataset, economy, name_en, name_zh``.

Sources and licences are those recorded in ../shared/data/PROVENANCE.md section 2.  PWT is cut to the
columns needed for demand shares, GDP, population and exchange rates; the WDI China file to its WDI columns.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from dualcirc.readers.macro_sources import parse_unit

REPO = Path(__file__).resolve().parents[1]

OBTAINED = "obtained 2026-11-22 (see shared/data/PROVENANCE.md section 2)"
NBS = dict(publisher="National Bureau of Statistics of China", licence="official statistics, reuse with attribution",
           origin="GitHub 3112944976/National-Visualization-Web-Application @ 2e3008c519da42d6666213a07f73b9eca7dc8ef0, "
                  "folder 源数据/国家统计局年度数据 (data.stats.gov.cn exports); " + OBTAINED)
NBS_PROV = dict(NBS, origin=NBS["origin"].replace("国家统计局年度数据", "国家统计局分省年度数据"))
WDI_CHINA = dict(publisher="World Bank", licence="CC BY 4.0",
                 origin="GitHub fernando-duarte/china-data @ 77f6b3c11498719acfc012074139a22f86a676b0, "
                        "output/china_data_raw.md (WDI accessed 2025-05-28 by the repository author); " + OBTAINED)
WDI_GDP = dict(publisher="World Bank", licence="CC BY 4.0 (carrying repository: ODC PDDL 1.0)",
               origin="GitHub datasets/gdp @ 822019c80142c162e4ca4eb1a63699ae36075078, data/gdp.csv; " + OBTAINED)
PWT = dict(publisher="Groningen Growth and Development Centre (Feenstra, Inklaar & Timmer 2015)",
           licence="CC BY 4.0",
           origin="GitHub cran/pwt10 @ 957b298fd706a567af96ccb1663ad68d5e5d07ba, data/pwt10.01.rda "
                  "(variable definitions: man/pwt10.01.Rd); " + OBTAINED)

CUSTOMS = "customs statistics (goods, exports FOB / imports CIF) as published by NBS"
NA = "NBS national accounts"

# --------------------------------------------------------------------------- NBS national: code -> English name
NBS_NATIONAL = {
    "contrib_cons_pct": "Contribution of final consumption expenditure to GDP growth",
    "pull_cons_pp": "Pull of final consumption expenditure on GDP growth",
    "contrib_gcf_pct": "Contribution of gross capital formation to GDP growth",
    "pull_gcf_pp": "Pull of gross capital formation on GDP growth",
    "contrib_nx_pct": "Contribution of net exports of goods and services to GDP growth",
    "pull_nx_pp": "Pull of net exports of goods and services on GDP growth",
    "gdp_exp_100m_cny": "GDP by expenditure approach",
    "final_cons": "Final consumption expenditure",
    "hh_cons": "Household consumption expenditure",
    "urban_hh_cons": "Urban household consumption expenditure",
    "rural_hh_cons": "Rural household consumption expenditure",
    "gov_cons": "Government consumption expenditure",
    "gcf": "Gross capital formation",
    "gfcf": "Gross fixed capital formation",
    "inventory_change": "Changes in inventories",
    "net_exports_gs": "Net exports of goods and services",
    "final_cons_rate_pct": "Final consumption rate (share of expenditure GDP)",
    "gcf_rate_pct": "Gross capital formation rate (share of expenditure GDP)",
    "gni_100m_cny": "Gross national income",
    "gdp_100m_cny": "Gross domestic product",
    "va_primary": "Value added of the primary industry",
    "va_secondary": "Value added of the secondary industry",
    "va_tertiary": "Value added of the tertiary industry",
    "gdp_per_capita_cny": "GDP per capita",
    "gni_idx_prev100": "Gross national income index (previous year = 100)",
    "gdp_idx_prev100": "GDP index (previous year = 100)",
    "primary_idx_prev100": "Primary industry value added index (previous year = 100)",
    "secondary_idx_prev100": "Secondary industry value added index (previous year = 100)",
    "tertiary_idx_prev100": "Tertiary industry value added index (previous year = 100)",
    "gdp_pc_idx_prev100": "GDP per capita index (previous year = 100)",
    "goods_trade_total_100m_cny": "Total imports and exports of goods (CNY)",
    "goods_exports_100m_cny": "Exports of goods (CNY)",
    "goods_imports_100m_cny": "Imports of goods (CNY)",
    "goods_balance_100m_cny": "Balance of trade in goods (CNY)",
    "goods_trade_total_mn_usd": "Total imports and exports of goods (USD)",
    "goods_exports_mn_usd": "Exports of goods (USD)",
    "goods_imports_mn_usd": "Imports of goods (USD)",
    "goods_balance_mn_usd": "Balance of trade in goods (USD)",
    "cny_per_100usd": "Exchange rate, CNY per 100 USD (annual average)",
    "cny_per_100jpy": "Exchange rate, CNY per 100 JPY (annual average)",
    "cny_per_100hkd": "Exchange rate, CNY per 100 HKD (annual average)",
    "cny_per_100eur": "Exchange rate, CNY per 100 EUR (annual average)",
}
#: columns whose shared-data names carry Chinese text -> (ASCII code, English name)
NBS_NATIONAL_RENAMED = {
    "sect_contrib__三次产业贡献率": ("contrib_industries_total_pct", "Contribution of the three industries to GDP growth (total)"),
    "sect_contrib__第一产业对GDP的贡献率": ("contrib_primary_pct", "Contribution of the primary industry to GDP growth"),
    "sect_contrib__第二产业对GDP的贡献率": ("contrib_secondary_pct", "Contribution of the secondary industry to GDP growth"),
    "sect_contrib__第三产业对GDP的贡献率": ("contrib_tertiary_pct", "Contribution of the tertiary industry to GDP growth"),
    "va_ind__国内生产总值": ("va_ind_total", "Gross domestic product (value added by industry table)"),
    "va_ind__农林牧渔业增加值": ("va_agriculture", "Value added of agriculture, forestry, animal husbandry and fishery"),
    "va_ind__工业增加值": ("va_industry", "Value added of industry"),
    "va_ind__建筑业增加值": ("va_construction", "Value added of construction"),
    "va_ind__批发和零售业增加值": ("va_trade", "Value added of wholesale and retail trade"),
    "va_ind__交通运输、仓储和邮政业增加值": ("va_transport", "Value added of transport, storage and post"),
    "va_ind__住宿和餐饮业增加值": ("va_hotels", "Value added of hotels and catering services"),
    "va_ind__金融业增加值": ("va_finance", "Value added of financial intermediation"),
    "va_ind__房地产业增加值": ("va_real_estate", "Value added of real estate"),
    "va_ind__其他行业增加值": ("va_other", "Value added of other industries"),
}

# --------------------------------------------------------------------------- NBS provincial: column -> (code, English)
NBS_PROVINCIAL = {
    "grp__地区生产总值(亿元)": ("grp", "Gross regional product"),
    "grp__第一产业增加值(亿元)": ("grp_primary", "Value added of the primary industry"),
    "grp__第二产业增加值(亿元)": ("grp_secondary", "Value added of the secondary industry"),
    "grp__第三产业增加值(亿元)": ("grp_tertiary", "Value added of the tertiary industry"),
    "grp__农林牧渔业增加值(亿元)": ("grp_agriculture", "Value added of agriculture, forestry, animal husbandry and fishery"),
    "grp__工业增加值(亿元)": ("grp_industry", "Value added of industry"),
    "grp__建筑业增加值(亿元)": ("grp_construction", "Value added of construction"),
    "grp__批发和零售业增加值(亿元)": ("grp_trade", "Value added of wholesale and retail trade"),
    "grp__交通运输、仓储和邮政业增加值(亿元)": ("grp_transport", "Value added of transport, storage and post"),
    "grp__住宿和餐饮业增加值(亿元)": ("grp_hotels", "Value added of hotels and catering services"),
    "grp__金融业增加值(亿元)": ("grp_finance", "Value added of financial intermediation"),
    "grp__房地产业增加值(亿元)": ("grp_real_estate", "Value added of real estate"),
    "grp__其他行业增加值(亿元)": ("grp_other", "Value added of other industries"),
    "grp__人均地区生产总值(元/人)": ("grp_per_capita", "Gross regional product per capita"),
    "grp_idx__地区生产总值指数(上年=100)": ("grp_idx_prev100", "Gross regional product index (previous year = 100)"),
    "grp_idx__第一产业增加值指数(上年=100)": ("grp_primary_idx_prev100", "Primary industry value added index (previous year = 100)"),
    "grp_idx__第二产业增加值指数(上年=100)": ("grp_secondary_idx_prev100", "Secondary industry value added index (previous year = 100)"),
    "grp_idx__第三产业增加值指数(上年=100)": ("grp_tertiary_idx_prev100", "Tertiary industry value added index (previous year = 100)"),
    "grp_exp__支出法生产总值(亿元)": ("grp_exp", "Gross regional product by expenditure approach"),
    "grp_exp__最终消费(亿元)": ("final_cons", "Final consumption expenditure"),
    "grp_exp__居民消费(亿元)": ("hh_cons", "Household consumption expenditure"),
    "grp_exp__城镇居民消费(亿元)": ("urban_hh_cons", "Urban household consumption expenditure"),
    "grp_exp__农村居民消费(亿元)": ("rural_hh_cons", "Rural household consumption expenditure"),
    "grp_exp__政府消费(亿元)": ("gov_cons", "Government consumption expenditure"),
    "grp_exp__资本形成总额(亿元)": ("gcf", "Gross capital formation"),
    "grp_exp__固定资本形成总额(亿元)": ("gfcf", "Gross fixed capital formation"),
    "grp_exp__存货增加(亿元)": ("inventory_change", "Changes in inventories"),
    "grp_exp__货物和服务净流出(亿元)": ("net_outflow_gs", "Net outflow of goods and services (abroad and to other provinces)"),
    "grp_exp__最终消费率(%)": ("final_cons_rate_pct", "Final consumption rate"),
    "grp_exp__资本形成率(%)": ("gcf_rate_pct", "Gross capital formation rate"),
    "trade_by_firm_loc__经营单位所在地进出口总额(千美元)": ("trade_firm_loc_total", "Goods trade by location of the trading firm: total"),
    "trade_by_firm_loc__经营单位所在地出口总额(千美元)": ("trade_firm_loc_exports", "Goods exports by location of the trading firm"),
    "trade_by_firm_loc__经营单位所在地进口总额(千美元)": ("trade_firm_loc_imports", "Goods imports by location of the trading firm"),
    "trade_by_dest_src__境内目的地和货源地进出口总额(千美元)": ("trade_dest_src_total", "Goods trade by domestic destination and source: total"),
    "trade_by_dest_src__境内货源地出口总额(千美元)": ("trade_dest_src_exports", "Goods exports by domestic source of goods"),
    "trade_by_dest_src__境内目的地进口总额(千美元)": ("trade_dest_src_imports", "Goods imports by domestic destination"),
}

# --------------------------------------------------------------------------- WDI and PWT
WDI_CODES = {  # code -> (English name as published by WDI, Chinese name)
    "NY.GDP.MKTP.CD": ("GDP (current US$)", "国内生产总值(现价美元)"),
    "NE.CON.PRVT.CD": ("Households and NPISHs final consumption expenditure (current US$)", "居民最终消费支出(现价美元)"),
    "NE.CON.GOVT.CD": ("General government final consumption expenditure (current US$)", "政府最终消费支出(现价美元)"),
    "NE.GDI.TOTL.CD": ("Gross capital formation (current US$)", "资本形成总额(现价美元)"),
    "NE.EXP.GNFS.CD": ("Exports of goods and services (current US$)", "货物和服务出口(现价美元)"),
    "NE.IMP.GNFS.CD": ("Imports of goods and services (current US$)", "货物和服务进口(现价美元)"),
    "BX.KLT.DINV.WD.GD.ZS": ("Foreign direct investment, net inflows (% of GDP)", "外国直接投资净流入(占GDP的百分比)"),
    "SP.POP.TOTL": ("Population, total", "总人口"),
    "SL.TLF.TOTL.IN": ("Labor force, total", "劳动力总数"),
}
PWT_VARS = {  # variable -> (definition from man/pwt10.01.Rd, Chinese name, unit text, currency, scale, price basis)
    "rgdpe": ("Expenditure-side real GDP at chained PPPs", "支出法实际GDP(链式PPP)", "million 2017 USD", "USD", 1e6, "constant"),
    "rgdpo": ("Output-side real GDP at chained PPPs", "生产法实际GDP(链式PPP)", "million 2017 USD", "USD", 1e6, "constant"),
    "rgdpna": ("Real GDP at constant 2017 national prices", "实际GDP(2017年不变国内价格)", "million 2017 USD", "USD", 1e6, "constant"),
    "cgdpe": ("Expenditure-side real GDP at current PPPs", "支出法实际GDP(当期PPP)", "million 2017 USD", "USD", 1e6, "current"),
    "cgdpo": ("Output-side real GDP at current PPPs", "生产法实际GDP(当期PPP)", "million 2017 USD", "USD", 1e6, "current"),
    "pop": ("Population", "人口", "million persons", "", 1e6, "none"),
    "xr": ("Exchange rate, national currency/USD (market and estimated)", "汇率(本币/美元)", "national currency per USD", "LCU/USD", 1.0, "none"),
    "csh_c": ("Share of household consumption at current PPPs", "居民消费份额(当期PPP)", "share of GDP (fraction)", "", 1.0, "none"),
    "csh_i": ("Share of gross capital formation at current PPPs", "资本形成份额(当期PPP)", "share of GDP (fraction)", "", 1.0, "none"),
    "csh_g": ("Share of government consumption at current PPPs", "政府消费份额(当期PPP)", "share of GDP (fraction)", "", 1.0, "none"),
    "csh_x": ("Share of merchandise exports at current PPPs", "货物出口份额(当期PPP)", "share of GDP (fraction)", "", 1.0, "none"),
    "csh_m": ("Share of merchandise imports at current PPPs", "货物进口份额(当期PPP)", "share of GDP (fraction)", "", 1.0, "none"),
    "csh_r": ("Share of residual trade and GDP statistical discrepancy at current PPPs", "残差贸易与统计误差份额(当期PPP)",
              "share of GDP (fraction)", "", 1.0, "none"),
}


def _row(dataset, series, name_en, name_zh, unit, currency, scale, price_basis, coverage, source, origin, table=""):
    return dict(dataset=dataset, series=series, name_en=name_en, name_zh=name_zh, unit=unit, currency=currency,
                scale=scale, price_basis=price_basis, coverage=coverage, source=source, publisher=origin["publisher"],
                licence=origin["licence"], origin=origin["origin"], table=table)


def _nbs_national_unit(code: str) -> tuple[str, str, float, str]:
    """Unit of a national column from its code suffix; bare levels are 100 million CNY (PROVENANCE.md section 2)."""
    if code.endswith("_mn_usd"):
        return "million USD", "USD", 1e6, "current"
    if code.startswith("cny_per_100"):
        return f"CNY per 100 {code[-3:].upper()}", f"CNY/{code[-3:].upper()}", 0.01, "current"
    if code.endswith("_pct"):
        return "%", "", 1.0, "none"
    if code.endswith("_pp"):
        return "percentage points", "", 1.0, "none"
    if code.endswith("_idx_prev100"):
        return "index, previous year = 100", "", 1.0, "index_prev100"
    if code == "gdp_per_capita_cny":
        return "CNY per person", "CNY", 1.0, "current"
    return "100 million CNY", "CNY", 1e8, "current"


def _nbs_national_source(code: str) -> tuple[str, str]:
    if code.startswith("goods_"):
        return CUSTOMS, "goods"
    if code.startswith("cny_per_100"):
        return "NBS, 人民币汇率(年平均价)", ""
    return NA, "goods_and_services" if code == "net_exports_gs" else ""


def build_nbs_national(macro: Path):
    data = pd.read_csv(macro / "china_nbs_national_2000_2019.csv")
    dictionary = pd.read_csv(macro / "china_nbs_national_2000_2019_dictionary.csv").set_index("column")
    renamed = {col: code for col, (code, _) in NBS_NATIONAL_RENAMED.items()}
    english = dict(NBS_NATIONAL, **{code: en for code, en in NBS_NATIONAL_RENAMED.values()})
    columns = [c for c in data.columns if c != "year"]
    missing = sorted(set(columns) - set(NBS_NATIONAL) - set(NBS_NATIONAL_RENAMED))
    if missing:
        raise SystemExit(f"unmapped NBS national columns: {missing}")
    long = data.melt(id_vars="year", var_name="series", value_name="value")
    long["series"] = long["series"].replace(renamed)
    long["economy"] = "CHN"
    rows = []
    for col in columns:
        code = renamed.get(col, col)
        unit, currency, scale, basis = _nbs_national_unit(code)
        source, coverage = _nbs_national_source(code)
        rows.append(_row("nbs_national", code, english[code], dictionary.loc[col, "original_name_zh"], unit, currency,
                         scale, basis, coverage, source, NBS, dictionary.loc[col, "nbs_table"]))
    economies = [dict(dataset="nbs_national", economy="CHN", name_en="China", name_zh="中国")]
    return long, rows, economies


def build_nbs_provincial(macro: Path):
    data = pd.read_csv(macro / "china_nbs_provincial_2000_2019.csv")
    dictionary = pd.read_csv(macro / "china_nbs_provincial_2000_2019_dictionary.csv").set_index("column")
    columns = [c for c in data.columns if c not in ("prov_code", "province", "year")]
    missing = sorted(set(columns) - set(NBS_PROVINCIAL))
    if missing:
        raise SystemExit(f"unmapped NBS provincial columns: {missing}")
    long = (data.drop(columns="province").rename(columns={"prov_code": "economy"})
            .melt(id_vars=["economy", "year"], var_name="series", value_name="value"))
    long["series"] = long["series"].map(lambda c: NBS_PROVINCIAL[c][0])
    long["economy"] = long["economy"].astype(str)
    rows = []
    for col in columns:
        code, name_en = NBS_PROVINCIAL[col]
        name_zh, unit = parse_unit(dictionary.loc[col, "original_name_zh"])
        if col.startswith("trade_by_firm_loc"):
            source, coverage = "customs statistics (goods) by location of the trading firm, as published by NBS", "goods"
        elif col.startswith("trade_by_dest_src"):
            source, coverage = "customs statistics (goods) by domestic destination and source, as published by NBS", "goods"
        else:
            source, coverage = "NBS regional accounts", "goods_and_services" if code == "net_outflow_gs" else ""
        rows.append(_row("nbs_provincial", code, name_en, name_zh, unit.text, unit.currency or "", unit.scale,
                         unit.price_basis, coverage, source, NBS_PROV, dictionary.loc[col, "nbs_table"]))
    names = data[["prov_code", "province"]].drop_duplicates()
    economies = [dict(dataset="nbs_provincial", economy=str(c), name_en="", name_zh=p)
                 for c, p in names.itertuples(index=False)]
    return long, rows, economies


def build_wdi_china(macro: Path):
    data = pd.read_csv(macro / "china_wdi_1960_2023.csv")[["year", *WDI_CODES]]
    long = data.melt(id_vars="year", var_name="series", value_name="value")
    long["economy"] = "CHN"
    rows = []
    for code, (name_en, name_zh) in WDI_CODES.items():
        _, unit = parse_unit(name_en)
        coverage = "goods_and_services" if code.startswith(("NE.EXP", "NE.IMP")) else ""
        rows.append(_row("wdi_china", code, name_en, name_zh, unit.text, unit.currency or "", unit.scale,
                         unit.price_basis, coverage, "World Bank WDI (national accounts)", WDI_CHINA))
    economies = [dict(dataset="wdi_china", economy="CHN", name_en="China", name_zh="中国")]
    return long, rows, economies


def build_wdi_gdp(macro: Path):
    data = pd.read_csv(macro / "wdi_gdp_current_usd_all_countries.csv.gz")
    long = data.rename(columns={"Country Code": "economy", "Year": "year", "Value": "value"})
    long = long.assign(series="NY.GDP.MKTP.CD")[["economy", "year", "series", "value"]]
    name_en, name_zh = WDI_CODES["NY.GDP.MKTP.CD"]
    _, unit = parse_unit(name_en)
    rows = [_row("wdi_gdp", "NY.GDP.MKTP.CD", name_en, name_zh, unit.text, unit.currency, unit.scale, unit.price_basis,
                 "", "World Bank WDI (national accounts)", WDI_GDP)]
    names = data[["Country Code", "Country Name"]].drop_duplicates()
    economies = [dict(dataset="wdi_gdp", economy=c, name_en=n, name_zh="") for c, n in names.itertuples(index=False)]
    return long, rows, economies


def build_pwt(macro: Path):
    data = pd.read_csv(macro / "pwt1001.csv.gz", usecols=["country", "isocode", "year", *PWT_VARS])
    long = (data.drop(columns="country").rename(columns={"isocode": "economy"})
            .melt(id_vars=["economy", "year"], var_name="series", value_name="value"))
    rows = [_row("pwt", var, en, zh, unit, currency, scale, basis, "goods" if var in ("csh_x", "csh_m") else "",
                 "Penn World Table 10.01", PWT)
            for var, (en, zh, unit, currency, scale, basis) in PWT_VARS.items()]
    names = data[["isocode", "country"]].drop_duplicates()
    economies = [dict(dataset="pwt", economy=c, name_en=n, name_zh="") for c, n in names.itertuples(index=False)]
    return long, rows, economies


BUILDERS = {"nbs_national": build_nbs_national, "nbs_provincial": build_nbs_provincial,
            "wdi_china": build_wdi_china, "wdi_gdp": build_wdi_gdp, "pwt": build_pwt}


def build(shared: Path, out: Path) -> None:
    macro = shared / "macro"
    values, series, economies = [], [], []
    for dataset, builder in BUILDERS.items():
        long, rows, econ = builder(macro)
        values.append(long.assign(dataset=dataset))
        series += rows
        economies += econ
    table = pd.concat(values, ignore_index=True).dropna(subset=["value"])
    table = table[["dataset", "economy", "year", "series", "value"]].sort_values(["dataset", "series", "economy", "year"])
    for col in ("dataset", "economy", "series"):
        table[col] = table[col].astype(str).astype("category")
    table["year"] = table["year"].astype("int16")
    table["value"] = table["value"].astype("float64")
    out.mkdir(parents=True, exist_ok=True)
    table.reset_index(drop=True).to_parquet(out / "values.parquet", index=False, compression="zstd")
    pd.DataFrame(series).to_csv(out / "series.csv", index=False)
    pd.DataFrame(economies).to_csv(out / "economies.csv", index=False)
    print(f"wrote {len(table):,} values, {len(series)} series, {len(economies)} economies to {out}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "dualcirc" / "datasets" / "data" / "macro")
    args = parser.parse_args(argv)
    build(args.shared, args.out)


if __name__ == "__main__":
    main()
