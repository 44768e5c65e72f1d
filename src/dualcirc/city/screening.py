"""Screening and monitors (POLICY_SYSTEMS.md §1.6–1.7, §6.3–6.4): low-efficiency firms, 小升规 candidates, R&D
coverage of 规上 firms and the growth needed to reach a city target.

- ``screen``: the tests of a screening file (Huzhou's "三低": 规上 亩均税收 < 6万元, 规下 < 3万元, 规下 on ≥ 10 亩), each
  firm flagged by every test it fails; ``freed_land`` the land those firms hold (each firm counted once).
- ``upgrade_candidates``: 规下 firms whose revenue approaches the 2,000万元 threshold, with the year their revenue
  would cross it at their recent growth rate.
- ``rd_coverage``: the share of 规上 firms with R&D spending.
- ``target_gaps``: ``g = (target / base)^(1 / years) − 1`` for each target of a targets file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import InputError, OptionError
from .fields import ABOVE_SCALE_REVENUE, coerce, numeric
from .rules import (HEADER_KEYS, HEADER_REQUIRED, STANDARD_INDICATORS, Condition, Document, Node, Published, Text,
                    load_document, parse_condition, parse_header, with_derived)

#: revenue (万元) from which a 规下 firm is listed as a 小升规 candidate: half the threshold, a default of this tool
#: (no published band was found), to be set per place
UPGRADE_FROM = 1000.0
#: years of revenue history behind the growth rate of a candidate
GROWTH_WINDOW = 3

labels.register({
    "city.method.screening": ("Low-efficiency screening, POLICY_SYSTEMS.md §1.6", "低效企业排查（POLICY_SYSTEMS.md §1.6）"),
    "city.method.upgrade": ("小升规 candidates: revenue approaching 2,000万元 (NBS 规上 threshold)",
                            "小升规培育对象：营业收入接近2000万元（规上标准）"),
    "city.method.rd_coverage": ("R&D coverage of 规上 firms (share with R&D spending > 0)",
                                "规上企业研发活动覆盖率（研发经费支出大于0的企业占比）"),
    "city.method.targets": ("Growth needed to reach a target: (target / base)^(1/years) − 1",
                            "实现目标所需年均增速：(目标值/基期值)^(1/年数) − 1"),
    "city.col.test": ("Test", "排查条件"), "city.col.flag": ("Result", "结果"),
    "city.flag.flagged": ("flagged", "列入名单"), "city.flag.no_data": ("no data", "缺少数据"),
    "city.col.threshold": ("Threshold", "标准"), "city.col.land_freed": ("Land held (mu)", "涉及用地（亩）"),
    "city.col.revenue": ("Revenue (10k CNY)", "营业收入（万元）"), "city.col.growth": ("Annual revenue growth", "营业收入年均增速"),
    "city.col.growth_years": ("Years behind the growth rate", "增速计算年数"),
    "city.col.projected_year": ("Projected year above 2,000万元", "预计达到规上标准年份"),
    "city.col.group": ("Group", "分组"), "city.col.above_scale_firms": ("规上 firms", "规上企业数"),
    "city.col.with_rd": ("With R&D spending", "有研发活动"), "city.col.rd_no_data": ("No R&D data", "无研发数据"),
    "city.col.coverage": ("Coverage", "覆盖率"), "city.col.base_year": ("Base year", "基期年份"),
    "city.col.base_value": ("Base value", "基期值"), "city.col.target": ("Target", "目标值"),
    "city.col.target_year": ("Target year", "目标年份"), "city.col.required_growth": ("Required annual growth", "所需年均增速"),
    "city.col.reached": ("Reached", "已达到"), "city.group.all": ("all", "全部"),
})


@dataclass(frozen=True)
class ScreeningTest:
    key: str
    label: Text
    when: Condition
    indicator: str | None = None
    below: float | None = None


@dataclass(frozen=True)
class Screening(Published):
    tests: tuple[ScreeningTest, ...]
    digest: str


@dataclass(frozen=True)
class Target:
    indicator: str
    value: float


@dataclass(frozen=True)
class Targets(Published):
    target_year: int
    scope: Condition
    targets: tuple[Target, ...]


def load_screening(name: str | Path) -> Screening:
    """A screening preset or file, validated."""
    doc = load_document(name, "screening")
    root = doc.root().mapping(HEADER_KEYS + ("tests",), HEADER_REQUIRED + ("tests",))
    tests = tuple(_parse_test(node) for node in root["tests"].items())
    if len({t.key for t in tests}) != len(tests):
        root["tests"].fail("a test key is used twice")
    return Screening(**parse_header(root), tests=tests, digest=doc.digest)


def _parse_test(node: Node) -> ScreeningTest:
    node.mapping(("key", "label", "when", "indicator", "below"), ("key", "label", "when"))
    if node.has("indicator") != node.has("below"):
        node.fail("'indicator' and 'below' go together (a test on the record alone has neither)")
    indicator = node["indicator"].choice(tuple(STANDARD_INDICATORS)) if node.has("indicator") else None
    return ScreeningTest(node["key"].text(), node["label"].texts(), parse_condition(node["when"]), indicator,
                         node["below"].number() if node.has("below") else None)


def load_targets(name: str | Path) -> Targets:
    """A targets preset or file, validated."""
    doc: Document = load_document(name, "targets")
    root = doc.root().mapping(HEADER_KEYS + ("target_year", "scope", "targets"),
                              HEADER_REQUIRED + ("target_year", "targets"))
    targets = []
    for node in root["targets"].items():
        node.mapping(("indicator", "value"), ("indicator", "value"))
        targets.append(Target(node["indicator"].choice(tuple(STANDARD_INDICATORS)),
                              node["value"].number(minimum=0, exclusive=True)))
    scope = parse_condition(root["scope"]) if root.has("scope") else Condition(((),))
    return Targets(**parse_header(root), target_year=root["target_year"].integer(), scope=scope,
                   targets=tuple(targets))


def _attrs(frame: pd.DataFrame, method: str, source: str, year, unit: str, **options) -> pd.DataFrame:
    frame.attrs.update({"method": labels.t(method), "options": options, "source": source, "citation": "",
                        "year": year, "unit": unit})
    return frame


def screen(records: pd.DataFrame, screening: Screening, year: int) -> pd.DataFrame:
    """firm_id, name, park, above_scale, land_mu, test, indicator value, threshold, flag ('flagged', or 'no_data'
    where the test needs an indicator the firm has no value of): one row per firm and test it fails."""
    frame = coerce(records[records["year"] == year]).reset_index(drop=True)
    derived = with_derived(frame)
    blocks = []
    for test in screening.tests:
        applies = test.when.mask(derived)
        value = np.full(len(frame), np.nan)
        if test.indicator is None:
            flag = np.where(applies, "flagged", None)
        else:
            value = STANDARD_INDICATORS[test.indicator].values(frame)[0]
            flag = np.where(applies & np.isnan(value), "no_data",
                            np.where(applies & (value < test.below), "flagged", None))
        hit = pd.notna(flag)
        blocks.append(frame.loc[hit, ["firm_id", "name", "park", "above_scale", "land_mu"]].assign(
            year=year, test=test.key, indicator=test.indicator, value=value[hit],
            threshold=np.nan if test.below is None else test.below, flag=flag[hit]))
    out = pd.concat(blocks, ignore_index=True)
    return _attrs(out, "city.method.screening", screening.title.en, year, "indicator units; land in mu",
                  screening=screening.id)


def freed_land(flags: pd.DataFrame, screening: Screening, lang: str = "en") -> pd.DataFrame:
    """Per test and in all: flagged firms and the land (mu) they hold; a firm failing several tests counts once
    in the total.  This is the land that would be freed if every flagged firm left."""
    flagged = flags[flags["flag"] == "flagged"]
    rows = [{"test": t.key, "label": t.label(lang), "firms": int((flagged["test"] == t.key).sum()),
             "land_mu": float(flagged.loc[flagged["test"] == t.key, "land_mu"].sum())} for t in screening.tests]
    unique = flagged.drop_duplicates("firm_id")
    rows.append({"test": "all", "label": labels.t("city.group.all", lang), "firms": len(unique),
                 "land_mu": float(unique["land_mu"].sum())})
    return _attrs(pd.DataFrame(rows), "city.method.screening", screening.title.en, flags.attrs.get("year"), "mu",
                  screening=screening.id)


def upgrade_candidates(history: pd.DataFrame, year: int, *, threshold: float = ABOVE_SCALE_REVENUE,
                       lower: float = UPGRADE_FROM, window: int = GROWTH_WINDOW) -> pd.DataFrame:
    """规下 firms of ``year`` with revenue in [lower, threshold) 万元, their annual revenue growth over up to
    ``window`` earlier years (CAGR from the earliest of them) and the projected first year at or above the
    threshold (None when growth is not positive or there is no earlier year)."""
    if not 0 <= lower < threshold:
        raise OptionError(f"the candidate band must satisfy 0 <= lower < threshold, got {lower:g} and {threshold:g}")
    frame = coerce(history[(history["year"] <= year) & (history["year"] >= year - window)])
    now = frame[(frame["year"] == year) & ~frame["above_scale"]]
    revenue = numeric(now, "revenue")
    now = now[(revenue >= lower) & (revenue < threshold)]
    earlier = frame[(frame["year"] < year) & frame["revenue"].gt(0)].sort_values("year").drop_duplicates(
        "firm_id", keep="first").set_index("firm_id")
    base = earlier.reindex(now["firm_id"])
    span = year - base["year"].astype(float).to_numpy()
    current = numeric(now, "revenue")
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = (current / base["revenue"].to_numpy(float)) ** (1 / span) - 1
        steps = np.ceil(np.log(threshold / current) / np.log1p(growth))
    projected = np.where(growth > 0, year + np.maximum(steps, 1), np.nan)
    out = pd.DataFrame({"firm_id": now["firm_id"].to_numpy(), "name": now["name"].to_numpy(),
                        "park": now["park"].to_numpy(), "year": year, "revenue": current, "growth": growth,
                        "growth_years": span, "projected_year": pd.array(projected, dtype="Int64")})
    out = out.sort_values(["projected_year", "revenue"], ascending=[True, False], na_position="last",
                          ignore_index=True)
    return _attrs(out, "city.method.upgrade", "firm registry", year, "10k CNY; growth per year",
                  threshold=threshold, lower=lower, window=window)


def rd_coverage(records: pd.DataFrame, year: int, by: str | None = None) -> pd.DataFrame:
    """规上 firms of ``year``: how many have R&D spending > 0, how many report none, how many lack the figure,
    and the coverage (with R&D / all 规上 firms), in all and per ``by`` (park, industry)."""
    frame = coerce(records[(records["year"] == year) & records["above_scale"]])
    rd = numeric(frame, "rd")
    groups = [("all", frame.index)] if by is None else []
    if by is not None:
        if by not in ("park", "industry"):
            raise OptionError(f"R&D coverage can be grouped by park or industry, not {by!r}")
        groups = [("all", frame.index)] + [(str(k), g.index) for k, g in frame.groupby(by, sort=True)]
    rows = []
    position = pd.Series(np.arange(len(frame)), index=frame.index)
    for name, index in groups:
        values = rd[position.loc[index].to_numpy()]
        n = len(values)
        with_rd = int((values > 0).sum())
        rows.append({"group": name, "year": year, "above_scale_firms": n, "with_rd": with_rd,
                     "rd_no_data": int(np.isnan(values).sum()), "coverage": with_rd / n if n else np.nan})
    return _attrs(pd.DataFrame(rows), "city.method.rd_coverage", "firm registry", year, "firms; share", by=by)


def required_growth(base: float, target: float, years: int) -> float:
    """Annual growth that takes ``base`` to ``target`` in ``years`` years: (target / base)^(1/years) − 1."""
    if years <= 0:
        raise OptionError(f"the target year must come after the base year ({years} years apart)")
    if not base > 0 or not target > 0:
        raise OptionError(f"base and target must be positive, got {base:g} and {target:g}")
    return (target / base) ** (1 / years) - 1


def target_gaps(records: pd.DataFrame, targets: Targets, base_year: int, target_year: int | None = None,
                lang: str = "en") -> pd.DataFrame:
    """Each target against the scope's aggregate (Σ numerator / Σ denominator) in ``base_year``, with the annual
    growth needed by ``target_year`` (default the file's; none when that year is not after the base year)."""
    target_year = target_year or targets.target_year
    frame = coerce(records[records["year"] == base_year])
    if frame.empty:
        raise InputError(f"no firm-year records of {base_year} to compare with the targets {targets.id!r}")
    frame = frame[targets.scope.mask(with_derived(frame))]
    rows = []
    for target in targets.targets:
        indicator = STANDARD_INDICATORS[target.indicator]
        value, num, den = indicator.values(frame)
        use = np.isfinite(value)
        base = num[use].sum() / den[use].sum() * indicator.scale if use.any() else math.nan
        years = target_year - base_year
        growth = required_growth(base, target.value, years) if base > 0 and years > 0 else math.nan
        rows.append({"indicator": target.indicator, "unit": indicator.unit(lang), "base_year": base_year,
                     "base_value": base, "target": target.value, "target_year": target_year, "firms": int(use.sum()),
                     "required_growth": growth, "reached": bool(base >= target.value)})
    return _attrs(pd.DataFrame(rows), "city.method.targets", targets.title.en, base_year, "indicator units; growth "
                  "per year", targets=targets.id)
