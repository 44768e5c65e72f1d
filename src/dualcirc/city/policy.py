"""Differentiated policies by class (POLICY_SYSTEMS.md §1.6): surcharges, quota cuts and eligibility, per firm.

A policy file lists measures, each for some classes:

- ``surcharge`` on a resource (electricity, water, sewage, gas): ``amount = usage × rate`` in 万元 (万kWh × 元/kWh
  = 万元; 吨 or m³ × 元 ÷ 10,000), with higher rates after some consecutive years in a class (Haining: D +0.3
  元/kWh, +0.4 元/kWh from the third consecutive D year) and rates relative to another class (Nanjing: C− pays half
  the D rate);
- ``quota_cut`` of a resource quota (energy in 吨标煤, emissions in 吨): ``cut = usage × share``;
- ``eligibility``: a status per class (land supply: priority / 零增地 only / no new land / barred).

Where the source publishes no rate or share, the preset lists the measure without it: the ledger then names the
firms subject to it and leaves the amount empty with the rule ``rate_not_set``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import InputError
from .fields import coerce, numeric
from .rules import HEADER_KEYS, HEADER_REQUIRED, Document, Node, Published, Text, load_document, parse_header


@dataclass(frozen=True)
class Resource:
    """A metered resource: the record field, its unit, the unit of rates, and rate × usage -> 万元."""

    field: str
    usage_unit: Text
    rate_unit: Text | None
    to_10k_cny: float | None


RESOURCES = {
    "electricity": Resource("electricity", Text("10k kWh", "万kWh"), Text("CNY/kWh", "元/kWh"), 1.0),
    "water": Resource("water", Text("t", "吨"), Text("CNY/t", "元/吨"), 1e-4),
    "sewage": Resource("water", Text("t of water", "吨（按用水量）"), Text("CNY/t", "元/吨"), 1e-4),
    "gas": Resource("gas", Text("m³", "立方米"), Text("CNY/m³", "元/立方米"), 1e-4),
    "energy": Resource("energy_tce", Text("tce", "吨标煤"), None, None),
    "emissions": Resource("emissions_t", Text("t", "吨"), None, None),
}
KINDS = ("surcharge", "quota_cut", "eligibility")
LEDGER_COLUMNS = ("firm_id", "year", "class", "consecutive_years", "measure", "kind", "usage", "usage_unit", "rate",
                  "rate_unit", "amount", "amount_unit", "status", "rule")

labels.register({
    "city.method.policy": ("Differentiated policies by class, POLICY_SYSTEMS.md §1.6", "按等级差别化政策（POLICY_SYSTEMS.md §1.6）"),
    "city.col.measure": ("Measure", "政策措施"), "city.col.consecutive_years": ("Consecutive years in class", "连续同等级年数"),
    "city.col.usage": ("Usage", "用量"), "city.col.usage_unit": ("Usage unit", "用量单位"),
    "city.col.rate": ("Rate", "加价标准"), "city.col.rate_unit": ("Rate unit", "加价单位"),
    "city.col.amount": ("Amount", "金额/削减量"), "city.col.amount_unit": ("Amount unit", "金额单位"),
    "city.col.eligibility": ("Status", "政策待遇"),
    "city.rule.rate": ("rate of the class", "按等级标准"), "city.rule.consecutive": ("rate after consecutive years", "连续年份加价"),
    "city.rule.relative": ("share of another class's rate", "按其他等级标准折算"),
    "city.rule.rate_not_set": ("rate not published; set it in a file that extends the preset",
                               "未公布标准，请在扩展文件中设定"),
    "city.rule.no_usage": ("no usage recorded", "无用量数据"),
    "city.policy.consecutive": ("{cls} for {years} or more consecutive years {rate} {unit}",
                                "连续{years}年及以上为{cls}类 {rate} {unit}"),
    "city.policy.not_published": ("(not published)", "（未公布）"), "city.policy.share": ("share", "比例"),
})


@dataclass(frozen=True)
class Measure:
    key: str
    kind: str
    label: Text
    classes: tuple[str, ...]
    resource: str | None = None
    rates: tuple[tuple[str, float], ...] = ()                     # surcharge: class -> rate; quota_cut: class -> share
    relative: tuple[tuple[str, str, float], ...] = ()             # (class, of class, factor)
    consecutive: tuple[tuple[str, int, float], ...] = ()          # (class, minimum years, rate)
    values: tuple[tuple[str, Text], ...] = ()                     # eligibility: class -> status

    def rate_of(self, cls: str) -> tuple[float, str]:
        """The class's rate (share for quota cuts), set directly or relative to another class's, and the rule;
        NaN and 'rate_not_set' where the policy gives none."""
        direct = dict(self.rates)
        if cls in direct:
            return direct[cls], "rate"
        for name, of, factor in self.relative:
            if name == cls and of in direct:
                return direct[of] * factor, f"relative:{of}x{factor:g}"
        return math.nan, "rate_not_set"


@dataclass(frozen=True)
class Policy(Published):
    class_basis: str          # class | managed_as (暂评 firms managed as B pay as B)
    measures: tuple[Measure, ...]
    file: str
    digest: str


def load_policy(name: str | Path) -> Policy:
    """A policy preset or file, validated (messages name the file and the key)."""
    return parse_policy(load_document(name, "policy"))


def parse_policy(doc: Document) -> Policy:
    root = doc.root().mapping(HEADER_KEYS + ("class_basis", "measures"), HEADER_REQUIRED + ("measures",))
    measures = tuple(_parse_measure(node) for node in root["measures"].items())
    keys = [m.key for m in measures]
    if len(set(keys)) != len(keys):
        root["measures"].fail("a measure key is used twice")
    return Policy(**parse_header(root),
                  class_basis=root["class_basis"].choice(("class", "managed_as")) if root.has("class_basis")
                  else "managed_as", measures=measures, file=" <- ".join(reversed(doc.chain)), digest=doc.digest)


def _class_map(node: Node, parse) -> tuple:
    return tuple((name, parse(node[name])) for name in node.keys())


def _parse_measure(node: Node) -> Measure:
    node.mapping(("key", "kind", "label", "resource", "classes", "rates", "shares", "relative", "consecutive",
                  "values"), ("key", "kind", "label"))
    kind = node["kind"].choice(KINDS)
    allowed = {"surcharge": ("key", "kind", "label", "resource", "classes", "rates", "relative", "consecutive"),
               "quota_cut": ("key", "kind", "label", "resource", "classes", "shares", "relative"),
               "eligibility": ("key", "kind", "label", "values")}[kind]
    node.mapping(allowed, ("key", "kind", "label") + (("values",) if kind == "eligibility" else ("resource",)))
    common = {"key": node["key"].text(), "kind": kind, "label": node["label"].texts()}
    if kind == "eligibility":
        values = _class_map(node["values"], Node.texts)
        return Measure(classes=tuple(c for c, _ in values), values=values, **common)
    resource = node["resource"].choice(tuple(RESOURCES))
    if kind == "surcharge" and RESOURCES[resource].rate_unit is None:
        node["resource"].fail("a surcharge needs a priced resource: electricity, water, sewage or gas")
    amounts = "rates" if kind == "surcharge" else "shares"
    rates = (_class_map(node[amounts], lambda n: n.number(minimum=0, maximum=None if kind == "surcharge" else 1))
             if node.has(amounts) else ())
    relative = ()
    if node.has("relative"):
        rel = node["relative"]
        relative = tuple((name, rel[name].mapping(("of", "factor"), ("of", "factor"))["of"].text(),
                          rel[name]["factor"].number(minimum=0)) for name in rel.keys())
    consecutive = ()
    if node.has("consecutive"):
        consecutive = tuple((item.mapping(("class", "min_years", "rate"), ("class", "min_years", "rate"))["class"].text(),
                             item["min_years"].integer(), item["rate"].number(minimum=0))
                            for item in node["consecutive"].items())
        for item, (_, years, _) in zip(node["consecutive"].items(), consecutive):
            if years < 2:
                item["min_years"].fail("consecutive rules start at 2 years")
    listed = tuple(c.text() for c in node["classes"].items()) if node.has("classes") else ()
    classes = tuple(dict.fromkeys(listed + tuple(c for c, _ in rates) + tuple(r[0] for r in relative)))
    if not classes:
        node.fail(f"name the classes the measure applies to ('classes' or '{amounts}')")
    for name, of, _ in relative:
        if of == name:
            node["relative"][name].fail("a class cannot be relative to itself")
    return Measure(resource=resource, classes=classes, rates=rates, relative=relative, consecutive=consecutive,
                   **common)


def consecutive_years(history: pd.DataFrame, year: int, basis: str = "class") -> pd.Series:
    """Per firm rated in ``year``: how many consecutive years, up to ``year``, it has held its ``year`` class
    (a year without a record breaks the run).  ``history`` has firm_id, year and the ``basis`` column."""
    frame = history.loc[history["year"] <= year, ["firm_id", "year", basis]].dropna(subset=[basis])
    frame = frame.drop_duplicates(["firm_id", "year"], keep="last").sort_values(["firm_id", "year"])
    firm, yr, cls = frame["firm_id"].to_numpy(), frame["year"].to_numpy(dtype=np.int64), frame[basis].to_numpy()
    new_run = np.ones(len(frame), bool)
    new_run[1:] = (firm[1:] != firm[:-1]) | (yr[1:] - yr[:-1] != 1) | (cls[1:] != cls[:-1])
    run = np.cumsum(new_run)
    streak = pd.Series(np.ones(len(frame), int)).groupby(run).cumsum().to_numpy()
    now = yr == year
    return pd.Series(streak[now], index=pd.Index(firm[now], name="firm_id"), name="consecutive_years")


def apply_policy(policy: Policy, history: pd.DataFrame, records: pd.DataFrame, year: int,
                 lang: str = "en") -> pd.DataFrame:
    """The policy ledger of ``year``: one row per firm and measure that applies to its class.

    ``history``: firm_id, year, class, managed_as (this year's evaluation and earlier ones, for consecutive-year
    rules); ``records``: the firm-year records of ``year`` (the usage of each resource); ``lang`` the language of
    the unit and status texts.
    """
    basis = policy.class_basis
    missing = {"firm_id", "year", basis} - set(history.columns)
    if missing:
        raise InputError(f"the class history lacks the column(s) {sorted(missing)}")
    now = history[history["year"] == year].dropna(subset=[basis]).drop_duplicates("firm_id", keep="last")
    if now.empty:
        raise InputError(f"no classes of {year} to apply the policy {policy.id!r} to; evaluate {year} first")
    streak = consecutive_years(history, year, basis)
    usage = coerce(records[records["year"] == year]).set_index("firm_id")
    firms = now["firm_id"].to_numpy()
    classes = now[basis].to_numpy()
    streaks = streak.reindex(firms).to_numpy(dtype=float)
    blocks = []
    for measure in policy.measures:
        hit = np.isin(classes, measure.classes)
        if not hit.any():
            continue
        ids, cls, run = firms[hit], classes[hit], streaks[hit]
        block = {"firm_id": ids, "year": year, "class": cls, "consecutive_years": run, "measure": measure.key,
                 "kind": measure.kind, "usage": np.nan, "usage_unit": None, "rate": np.nan, "rate_unit": None,
                 "amount": np.nan, "amount_unit": None, "status": None, "rule": "eligibility"}
        if measure.kind == "eligibility":
            status = {c: text(lang) for c, text in measure.values}
            block["status"] = [status[c] for c in cls]
            blocks.append(pd.DataFrame(block))
            continue
        resource = RESOURCES[measure.resource]
        used = numeric(usage.reindex(ids), resource.field) if len(usage) else np.full(len(ids), np.nan)
        by_class = {c: measure.rate_of(c) for c in np.unique(cls)}
        rate = np.array([by_class[c][0] for c in cls], dtype=float)
        rule = np.array([by_class[c][1] for c in cls], dtype=object)
        for name, min_years, special in sorted(measure.consecutive, key=lambda c: c[1]):
            longer = (cls == name) & (run >= min_years)
            rate[longer], rule[longer] = special, f"consecutive:{min_years}"
        if measure.kind == "surcharge":
            amount = used * rate * resource.to_10k_cny
            block.update(rate_unit=resource.rate_unit(lang), amount_unit="万元" if lang == "zh" else "10k CNY")
        else:
            amount = used * rate
            block.update(rate_unit=labels.t("city.policy.share", lang), amount_unit=resource.usage_unit(lang))
        rule[np.isnan(used) & ~np.isnan(rate)] = "no_usage"
        block.update(usage=used, usage_unit=resource.usage_unit(lang), rate=rate, amount=amount, rule=rule)
        blocks.append(pd.DataFrame(block))
    ledger = (pd.concat(blocks, ignore_index=True) if blocks
              else pd.DataFrame({c: [] for c in LEDGER_COLUMNS}))[list(LEDGER_COLUMNS)]
    ledger.attrs.update({"method": labels.t("city.method.policy"), "options": {"policy": policy.id,
                                                                               "digest": policy.digest},
                         "source": policy.title.en, "citation": " | ".join(s.line() for s in policy.sources),
                         "year": year, "unit": "万元 (surcharges); resource units (quota cuts)"})
    return ledger


def policy_summary(ledger: pd.DataFrame) -> pd.DataFrame:
    """measure, class: firms, total usage and total amount (amounts of firms with a rate and a usage)."""
    if ledger.empty:
        return pd.DataFrame(columns=["measure", "kind", "class", "firms", "usage", "amount", "amount_unit"])
    out = ledger.groupby(["measure", "kind", "class"], sort=False, dropna=False).agg(
        firms=("firm_id", "size"), usage=("usage", lambda s: s.sum(min_count=1)),
        amount=("amount", lambda s: s.sum(min_count=1)), amount_unit=("amount_unit", "first")).reset_index()
    out.attrs.update(ledger.attrs)
    return out


def describe(policy: Policy, lang: str = "en") -> list[str]:
    """One line per measure, e.g. 'Differentiated electricity price: D 0.3 元/kWh; D ≥ 3 years 0.4'."""
    lines = []
    for m in policy.measures:
        if m.kind == "eligibility":
            detail = "; ".join(f"{c}: {t(lang)}" for c, t in m.values)
        else:
            unit = RESOURCES[m.resource].rate_unit(lang) if m.kind == "surcharge" else labels.t("city.policy.share", lang)
            parts = [f"{c} {_number(m.rate_of(c)[0], lang)} {unit}" for c in m.classes]
            parts += [labels.t("city.policy.consecutive", lang).format(cls=c, years=y, rate=_number(r, lang),
                                                                       unit=unit) for c, y, r in m.consecutive]
            detail = "; ".join(parts)
        lines.append(f"{m.label(lang)}: {detail}")
    return lines


def _number(value: float, lang: str) -> str:
    return labels.t("city.policy.not_published", lang) if math.isnan(value) else f"{value:g}"
