"""Derive the sector label lists and the employment concordance used by the national-table readers.

Writes ``src/dualcirc/readers/labels/<classification>_sectors.csv`` (columns ``code, en, zh``) for:

* the China NBS tables (``china_nbs_<first year>_<sectors>``): codes, English and Chinese names harvested from the
  ``Code, Description, DescriptionInChinese`` columns of the staged tables in ``io/china_nbs/`` (R package ionet
  0.2.2, GitHub Carol-seven/ionet @ 51145dca; publisher NBS China) and checked against
  ``classifications/china_nbs_*_sectors_*.csv`` where one exists;
* ``bea_summary``: the 71 industries of the BEA summary tables (2017 schema). Codes and English names as in
  USEPA/useeior ``inst/extdata/2012_Summary_Industry_Code_Name.csv`` @ 42abac63 (MIT; the summary codes are the
  same in the 2017 schema); they are not in ../shared/data, so they are listed below. Chinese names: translated here.

and ``china_employment_nbs42.csv`` (columns ``employment_code, sector``): the divisions of the sectoral employment
series (``io/china_nbs/china_employment_1990_2018.csv.gz``; GB/T 4754-2017 sections and divisions) mapped to the
NBS 42-sector input-output classification of 2017-2020 (NBS, 2017 Input-Output Table compilation: each IO product
group is defined by GB/T 4754-2017 divisions).

Run from the repository root:  python scripts/derive_national_labels.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "dualcirc" / "readers" / "labels"

#: staged NBS table -> classification name (the 153-sector list of 2018 is also the 2020 list)
NBS_TABLES = {
    "china_2002_122": "china_nbs_2002_122", "china_2005_42": "china_nbs_2005_42",
    "china_2007_135": "china_nbs_2007_135", "china_2010_41": "china_nbs_2010_41",
    "china_2012_139": "china_nbs_2012_139", "china_2015_42": "china_nbs_2015_42",
    "china_2017_149": "china_nbs_2017_149", "china_2018_153": "china_nbs_2018_153",
    "china_2017_42_noncompetitive": "china_nbs_2017_42",
}
NBS_CLASSIFICATION_FILES = {
    "china_nbs_2012_139": "china_nbs_139_sectors_2012.csv", "china_nbs_2017_149": "china_nbs_149_sectors_2017.csv",
    "china_nbs_2018_153": "china_nbs_153_sectors_2020.csv", "china_nbs_2017_42": "china_nbs_42_sectors_2017_2020.csv",
}

BEA_SUMMARY = [
    ("111CA", "Farms", "农场"),
    ("113FF", "Forestry, fishing, and related activities", "林业、渔业及相关活动"),
    ("211", "Oil and gas extraction", "石油和天然气开采"),
    ("212", "Mining, except oil and gas", "采矿业（石油和天然气除外）"),
    ("213", "Support activities for mining", "采矿辅助活动"),
    ("22", "Utilities", "公用事业"),
    ("23", "Construction", "建筑业"),
    ("321", "Wood products", "木制品"),
    ("327", "Nonmetallic mineral products", "非金属矿物制品"),
    ("331", "Primary metals", "初级金属"),
    ("332", "Fabricated metal products", "金属制品"),
    ("333", "Machinery", "机械"),
    ("334", "Computer and electronic products", "计算机和电子产品"),
    ("335", "Electrical equipment, appliances, and components", "电气设备、家用电器和零部件"),
    ("3361MV", "Motor vehicles, bodies and trailers, and parts", "汽车、车身、挂车及零部件"),
    ("3364OT", "Other transportation equipment", "其他运输设备"),
    ("337", "Furniture and related products", "家具及相关产品"),
    ("339", "Miscellaneous manufacturing", "杂项制造业"),
    ("311FT", "Food and beverage and tobacco products", "食品、饮料和烟草制品"),
    ("313TT", "Textile mills and textile product mills", "纺织厂和纺织品厂"),
    ("315AL", "Apparel and leather and allied products", "服装、皮革及相关制品"),
    ("322", "Paper products", "纸制品"),
    ("323", "Printing and related support activities", "印刷及相关辅助活动"),
    ("324", "Petroleum and coal products", "石油和煤炭制品"),
    ("325", "Chemical products", "化学产品"),
    ("326", "Plastics and rubber products", "塑料和橡胶制品"),
    ("42", "Wholesale trade", "批发业"),
    ("441", "Motor vehicle and parts dealers", "汽车及零部件经销"),
    ("445", "Food and beverage stores", "食品饮料商店"),
    ("452", "General merchandise stores", "综合商品商店"),
    ("4A0", "Other retail", "其他零售"),
    ("481", "Air transportation", "航空运输"),
    ("482", "Rail transportation", "铁路运输"),
    ("483", "Water transportation", "水上运输"),
    ("484", "Truck transportation", "卡车运输"),
    ("485", "Transit and ground passenger transportation", "公共交通和地面客运"),
    ("486", "Pipeline transportation", "管道运输"),
    ("487OS", "Other transportation and support activities", "其他运输及辅助活动"),
    ("493", "Warehousing and storage", "仓储"),
    ("511", "Publishing industries, except internet (includes software)", "出版业（互联网除外，含软件）"),
    ("512", "Motion picture and sound recording industries", "电影和录音业"),
    ("513", "Broadcasting and telecommunications", "广播和电信"),
    ("514", "Data processing, internet publishing, and other information services",
     "数据处理、互联网出版和其他信息服务"),
    ("521CI", "Federal Reserve banks, credit intermediation, and related activities",
     "联邦储备银行、信贷中介及相关活动"),
    ("523", "Securities, commodity contracts, and investments", "证券、商品合约和投资"),
    ("524", "Insurance carriers and related activities", "保险及相关活动"),
    ("525", "Funds, trusts, and other financial vehicles", "基金、信托和其他金融工具"),
    ("HS", "Housing", "住房"),
    ("ORE", "Other real estate", "其他房地产"),
    ("532RL", "Rental and leasing services and lessors of intangible assets", "租赁服务和无形资产出租"),
    ("5411", "Legal services", "法律服务"),
    ("5415", "Computer systems design and related services", "计算机系统设计及相关服务"),
    ("5412OP", "Miscellaneous professional, scientific, and technical services", "其他专业、科学和技术服务"),
    ("55", "Management of companies and enterprises", "公司和企业管理"),
    ("561", "Administrative and support services", "行政和辅助服务"),
    ("562", "Waste management and remediation services", "废物管理和补救服务"),
    ("61", "Educational services", "教育服务"),
    ("621", "Ambulatory health care services", "门诊医疗服务"),
    ("622", "Hospitals", "医院"),
    ("623", "Nursing and residential care facilities", "护理和住宿照料机构"),
    ("624", "Social assistance", "社会救助"),
    ("711AS", "Performing arts, spectator sports, museums, and related activities",
     "表演艺术、观赏性体育、博物馆及相关活动"),
    ("713", "Amusements, gambling, and recreation industries", "游乐、博彩和休闲业"),
    ("721", "Accommodation", "住宿"),
    ("722", "Food services and drinking places", "餐饮服务"),
    ("81", "Other services, except government", "其他服务（政府除外）"),
    ("GFGD", "Federal general government (defense)", "联邦一般政府（国防）"),
    ("GFGN", "Federal general government (nondefense)", "联邦一般政府（非国防）"),
    ("GFE", "Federal government enterprises", "联邦政府企业"),
    ("GSLG", "State and local general government", "州和地方一般政府"),
    ("GSLE", "State and local government enterprises", "州和地方政府企业"),
]

#: employment division (GB/T 4754-2017) -> NBS 42-sector IO product group (2017-2020 list)
EMPLOYMENT_TO_NBS42 = {
    **{f"A0{k}": "01" for k in range(1, 6)},
    "B01": "02", "B02": "03", "B03": "04", "B04": "04", "B05": "05", "B06": "05", "B07": "05",
    "C01": "06", "C02": "06", "C03": "06", "C04": "06", "C05": "07", "C06": "08", "C07": "08",
    "C08": "09", "C09": "09", "C10": "10", "C11": "10", "C12": "10", "C13": "11",
    "C14": "12", "C15": "12", "C16": "12", "C17": "12", "C18": "13", "C19": "14", "C20": "14",
    "C21": "15", "C22": "16", "C23": "17", "C24": "18", "C25": "18", "C26": "19", "C27": "20",
    "C28": "21", "C29": "22", "C30": "22", "C31": "23",
    "D01": "24", "D02": "25", "D03": "26",
    **{f"E0{k}": "27" for k in range(1, 5)},
    "F01": "28", "F02": "28",
    **{f"G0{k}": "29" for k in range(1, 9)},
    "H01": "30", "H02": "30", "I01": "31", "I02": "31", "I03": "31",
    **{f"J0{k}": "32" for k in range(1, 5)},
    "K": "33", "L01": "34", "L02": "34", "M01": "35", "M02": "36", "M03": "36",
    **{f"N0{k}": "37" for k in range(1, 5)},
    "O01": "38", "O02": "38", "O03": "38", "P": "39", "Q01": "40", "Q02": "40",
    **{f"R0{k}": "41" for k in range(1, 6)},
    **{f"S0{k}": "42" for k in range(1, 7)}, "T": "42",
}


def nbs_labels(shared: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for stem, name in NBS_TABLES.items():
        table = pd.read_csv(shared / "io" / "china_nbs" / f"{stem}.csv.gz", dtype=str)
        n = int(stem.split("_")[2])
        rows = table.iloc[:n, :3]
        labels = pd.DataFrame({"code": rows["Code"].to_numpy(), "en": rows["Description"].to_numpy(),
                               "zh": rows["DescriptionInChinese"].to_numpy()})
        check = NBS_CLASSIFICATION_FILES.get(name)
        if check is not None:
            ref = pd.read_csv(shared / "classifications" / check, dtype=str)
            if not (ref.to_numpy() == labels.to_numpy()).all():
                raise SystemExit(f"{stem}: labels differ from classifications/{check}")
        out[name] = labels
    return out


def employment_concordance(shared: Path) -> pd.DataFrame:
    emp = pd.read_csv(shared / "io" / "china_nbs" / "china_employment_1990_2018.csv.gz", dtype={"Code": str})
    codes = [c for c in emp["Code"] if c != "TOT"]
    leaves = [c for c in codes if not (len(c) == 1 and any(k != c and k.startswith(c) for k in codes))]
    if sorted(leaves) != sorted(EMPLOYMENT_TO_NBS42):
        raise SystemExit(f"employment divisions differ from the concordance: "
                         f"{sorted(set(leaves) ^ set(EMPLOYMENT_TO_NBS42))}")
    return pd.DataFrame({"employment_code": leaves, "sector": [EMPLOYMENT_TO_NBS42[c] for c in leaves]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    tables = {**nbs_labels(args.shared), "bea_summary": pd.DataFrame(BEA_SUMMARY, columns=["code", "en", "zh"])}
    for name, labels in tables.items():
        labels.to_csv(OUT / f"{name}_sectors.csv", index=False)
    employment_concordance(args.shared).to_csv(OUT / "china_employment_nbs42.csv", index=False)
    print(f"wrote {len(tables)} sector lists and the employment concordance to {OUT}")


if __name__ == "__main__":
    main()
