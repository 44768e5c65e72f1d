"""The firm-year record: its fields, their units and labels, and the column names a bureau's files use for them.

One record per firm and evaluation year (POLICY_SYSTEMS.md §1.2 and §6.1): land in 亩, money in 万元, energy in
吨标煤, pollutant emissions in 吨 (or 当量吨), electricity in 万kWh.  The aliases are the column headers of the
published dashboards (Lishui Liandu: 实缴税金(万元), 实际用地面积(亩), ...), so such files import without a mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import labels


@dataclass(frozen=True)
class Field:
    """One column of the firm-year record.

    ``kind`` is text, int, float or bool; ``unit`` is the unit stored in the registry ('' when none);
    ``negative_ok`` says whether a negative number is a value (value added, tax after refunds) or an error.
    """

    key: str
    kind: str
    unit: str
    en: str
    zh: str
    required: bool = False
    negative_ok: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def label_key(self) -> str:
        return f"city.field.{self.key}"


FIELDS: tuple[Field, ...] = (
    Field("firm_id", "text", "", "Firm ID", "企业代码", True,
          aliases=("统一社会信用代码", "社会信用代码", "信用代码", "企业代码", "企业编号", "credit_code")),
    Field("year", "int", "", "Evaluation year", "评价年度", True, aliases=("年份", "年度", "评价年份", "数据年度")),
    Field("name", "text", "", "Firm name", "企业名称", aliases=("企业名称", "单位名称", "名称", "firm_name")),
    Field("industry", "text", "", "Industry code GB/T 4754", "行业代码",
          aliases=("行业代码", "国民经济行业代码", "所属行业代码", "industry_code")),
    Field("park", "text", "", "Park", "所在园区", aliases=("园区", "所在园区", "所属园区", "开发区")),
    Field("above_scale", "bool", "", "Above designated size", "是否规上", True,
          aliases=("规上", "是否规上", "规上企业", "规模以上", "企业规模")),
    Field("leased", "bool", "", "Leased premises", "租赁厂房", aliases=("租赁", "是否租赁", "租赁企业")),
    Field("start_year", "int", "", "Year founded", "成立年份",
          aliases=("成立年份", "投产年份", "成立年度")),
    Field("exemption", "text", "", "Exemption category", "免评类别", aliases=("免评类别", "不评价类别", "豁免类别")),
    Field("land_mu", "float", "mu", "Land area", "用地面积",
          aliases=("用地面积", "实际用地面积", "土地面积", "占地面积", "land")),
    Field("tax", "float", "10k CNY", "Tax paid", "评价税收", negative_ok=True,
          aliases=("评价税收", "实缴税金", "实缴税收", "税收", "企业税收", "tax_paid")),
    Field("value_added", "float", "10k CNY", "Value added", "工业增加值", negative_ok=True,
          aliases=("工业增加值", "增加值", "va")),
    Field("revenue", "float", "10k CNY", "Revenue", "主营业务收入",
          aliases=("主营业务收入", "营业收入", "销售收入", "sales")),
    Field("employees", "float", "persons", "Employees", "年平均职工人数",
          aliases=("年平均职工人数", "职工人数", "从业人员", "从业人数")),
    Field("energy_tce", "float", "tce", "Energy use", "综合能耗", aliases=("综合能耗", "总用能量", "能耗", "energy")),
    Field("emissions_t", "float", "t", "Main pollutant emissions", "主要污染物排放量",
          aliases=("主要污染物排放量", "排放量", "污染物排放量", "排放当量", "emissions")),
    Field("rd", "float", "10k CNY", "R&D spending", "R&D经费支出",
          aliases=("R&D经费支出", "研发经费支出", "研发费用", "R&D支出", "rd_spending")),
    Field("electricity", "float", "10k kWh", "Electricity use", "用电量", aliases=("用电量", "总用电量")),
    Field("water", "float", "t", "Water use", "用水量", aliases=("用水量",)),
    Field("gas", "float", "m3", "Gas use", "用气量", aliases=("用气量", "天然气用量")),
)

#: revenue (万元) from which an industrial firm is 规上 (NBS definition since 2011; POLICY_SYSTEMS.md §1.7)
ABOVE_SCALE_REVENUE = 2000.0

FIELD = {f.key: f for f in FIELDS}
NUMERIC = tuple(f.key for f in FIELDS if f.kind in ("int", "float"))
#: the bonus/penalty events of a firm-year (high_tech, safety_accident, ...) are kept in their own table
EVENTS_COLUMN = "events"

#: units as a bureau writes them (lower case, no spaces) -> the registry unit they are equal to
UNIT_SYNONYMS = {
    "亩": "mu", "mu": "mu",
    "万元": "10k CNY", "10kcny": "10k CNY", "万": "10k CNY",
    "人": "persons", "persons": "persons",
    "吨标煤": "tce", "吨标准煤": "tce", "tce": "tce",
    "吨": "t", "t": "t", "当量吨": "t",
    "万kwh": "10k kWh", "万千瓦时": "10k kWh", "万度": "10k kWh", "10kkwh": "10k kWh",
    "立方米": "m3", "m3": "m3", "m³": "m3",
}

UNIT_LABELS = {
    "mu": ("mu", "亩"), "10k CNY": ("10k CNY", "万元"), "persons": ("persons", "人"), "tce": ("tce", "吨标煤"),
    "t": ("t", "吨"), "10k kWh": ("10k kWh", "万kWh"), "m3": ("m³", "立方米"),
}

labels.register({f.label_key: (f.en, f.zh) for f in FIELDS})
labels.register({f"city.unit.{u}": pair for u, pair in UNIT_LABELS.items()})
labels.register({"city.field.events": ("Bonus/penalty events", "加减分事项")})


def field_label(key: str, lang: str = "en") -> str:
    """'Land area (mu)' / '用地面积（亩）': the field's label with its unit."""
    f = FIELD[key]
    name = labels.t(f.label_key, lang)
    if not f.unit:
        return name
    unit = labels.t(f"city.unit.{f.unit}", lang)
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def unit_text(unit: str) -> str:
    """'万元 (10k CNY)': a registry unit in both languages."""
    en, zh = UNIT_LABELS[unit]
    return zh if en == zh else f"{zh} ({en})"


_HEADER = re.compile(r"^(?P<base>.*?)\s*[(（\[【](?P<unit>[^()（）\[\]【】]*)[)）\]】]\s*$")


def normalise_header(header: str) -> tuple[str, str | None]:
    """Split 'Tax paid (10k CNY) / 实缴税金（万元）' style headers into a lower-case base name and its unit."""
    text = " ".join(str(header).split())
    match = _HEADER.match(text)
    base, unit = (match["base"], match["unit"]) if match else (text, None)
    base = base.strip().lower().replace(" ", "_")
    return base, (None if unit is None else unit.strip().lower().replace(" ", ""))


def header_names() -> dict[str, str]:
    """Every name a header may carry for a field (key, aliases, English and Chinese labels) -> field key."""
    names: dict[str, str] = {}
    for f in FIELDS:
        for name in (f.key, f.en, f.zh, *f.aliases):
            names[normalise_header(name)[0]] = f.key
    return names


def empty_records() -> pd.DataFrame:
    """A frame with the record's columns and dtypes and no rows."""
    return coerce(pd.DataFrame({f.key: [] for f in FIELDS}))


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """The record columns in schema order and dtype (text: str with missing values, int: Int64, float, bool).

    Used on what a database returns, whose dtypes depend on the backend; values are already validated.
    """
    out = {}
    for f in FIELDS:
        column = frame[f.key] if f.key in frame else pd.Series([None] * len(frame), index=frame.index)
        if f.kind == "text":
            out[f.key] = column.astype("string")
        elif f.kind == "int":
            out[f.key] = pd.to_numeric(column).astype("Int64")
        elif f.kind == "float":
            out[f.key] = pd.to_numeric(column).astype(float)
        elif f.key == "above_scale":
            out[f.key] = column.astype(bool)
        else:
            out[f.key] = column.fillna(False).astype(bool)
    return pd.DataFrame(out, index=frame.index)


def numeric(frame: pd.DataFrame, key: str) -> np.ndarray:
    """A numeric field as float64 with NaN for missing values (int fields too)."""
    return pd.to_numeric(frame[key]).astype(float).to_numpy(na_value=np.nan)
