"""亩均效益综合评价: score, rank and class firms under a rules file (POLICY_SYSTEMS.md §1.4–1.5), vectorised over firms.

Per pool and year: ``points = weight × value / benchmark`` (capped when the rules say so; ``(2 − value/benchmark) ×
weight``, not below 0, for an indicator that is better when lower; ``weight × [floor + span × (x − min)/(max −
min)]/100`` for min–max scoring), then ``total = Σ points + bonus − penalty``, rank within the pool and class by
percentile or score cut-offs.  Firms matched by an exemption rule, in no pool, or missing a value whose rule is
``unrated`` are not rated and say why.  The audit trail is a long table, firm × item, whose points add up to the
total; :meth:`Evaluation.explain` turns it into sentences in English or Chinese, and
:meth:`Evaluation.firm_sheet` and :meth:`Evaluation.summary` give JSON-ready dicts for a web page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from .. import labels
from ..errors import InputError
from .fields import coerce
from .rules import Pool, Rules, ScoredIndicator, with_derived

if TYPE_CHECKING:
    from .registry import Registry

AUDIT_COLUMNS = ("firm_id", "year", "pool", "item", "kind", "value", "benchmark", "low", "high", "weight", "points",
                 "rule")
FIRM_COLUMNS = ("firm_id", "year", "name", "industry", "park", "above_scale", "land_mu", "pool", "status", "class",
                "managed_as", "score", "rank", "pool_size", "percentile", "reason")
#: tolerance of percentile cut-offs (rank / pool size <= top share)
_CUT_TOLERANCE = 1e-9

labels.register({
    "city.method.evaluation": ("Mu-efficiency comprehensive evaluation (亩均效益综合评价), POLICY_SYSTEMS.md §1.4–1.5",
                               "亩均效益综合评价（POLICY_SYSTEMS.md §1.4–1.5）"),
    "city.col.pool": ("Pool", "评价类别"), "city.col.status": ("Status", "评价状态"),
    "city.col.class": ("Class", "等级"), "city.col.managed_as": ("Managed as", "参照管理等级"),
    "city.col.score": ("Score", "综合得分"), "city.col.rank": ("Rank in pool", "类内排名"),
    "city.col.pool_size": ("Firms rated in pool", "类内参评企业数"), "city.col.percentile": ("Rank / pool size", "排名百分位"),
    "city.col.reason": ("Reason", "原因"), "city.col.item": ("Item", "项目"), "city.col.kind": ("Kind", "类型"),
    "city.col.value": ("Value", "数值"), "city.col.benchmark": ("Benchmark", "基准值"), "city.col.low": ("Pool minimum", "类内最小值"),
    "city.col.high": ("Pool maximum", "类内最大值"), "city.col.weight": ("Weight", "权重"),
    "city.col.points": ("Points", "得分"), "city.col.rule": ("Rule", "规则"), "city.col.firms": ("Firms", "企业数"),
    "city.col.share": ("Share", "占比"), "city.col.indicator": ("Indicator", "指标"), "city.col.unit": ("Unit", "单位"),
    "city.col.statistic": ("Pool statistic", "类内统计值"), "city.col.valid": ("Firms with a value", "有数据企业数"),
    "city.col.from_class": ("Class before", "原等级"), "city.col.to_class": ("Class after", "现等级"),
    "city.col.change": ("Change", "变动"), "city.col.adjustment": ("Bonus/penalty", "加减分"),
    "city.status.rated": ("rated", "参评"), "city.status.unrated": ("not rated", "不定等级"),
    "city.status.out_of_scope": ("out of scope", "不在评价范围"),
    "city.change.up": ("up", "上升"), "city.change.down": ("down", "下降"), "city.change.same": ("same", "持平"),
    "city.change.entered": ("newly rated", "新参评"), "city.change.left": ("no longer rated", "退出参评"),
    "city.change.unrated": ("not rated in either year", "两年均未定级"),
    "city.reason.ratio": ("{value} ÷ benchmark {benchmark} × weight {weight} = {points}",
                          "{value} ÷ 基准值 {benchmark} × 权重 {weight} = {points}"),
    "city.reason.ratio_capped": ("{value} ÷ benchmark {benchmark} exceeds the cap {cap}: {cap} × weight {weight} = {points}",
                                 "{value} ÷ 基准值 {benchmark} 超过上限 {cap}：{cap} × 权重 {weight} = {points}"),
    "city.reason.lower_ratio": ("(2 − {value} ÷ benchmark {benchmark}) × weight {weight} = {points}",
                                "(2 − {value} ÷ 基准值 {benchmark}) × 权重 {weight} = {points}"),
    "city.reason.lower_ratio_floored": ("{value} is at least twice the benchmark {benchmark}: 0 points",
                                        "{value} 达到基准值 {benchmark} 的两倍及以上：得 0 分"),
    "city.reason.lower_ratio_capped": ("(2 − {value} ÷ benchmark {benchmark}) exceeds the cap {cap}: {cap} × weight {weight} = {points}",
                                       "(2 − {value} ÷ 基准值 {benchmark}) 超过上限 {cap}：{cap} × 权重 {weight} = {points}"),
    "city.reason.min_max": ("weight {weight} × [{floor} + {span} × ({value} − min {low}) ÷ (max {high} − min {low})] ÷ 100 = {points}",
                            "权重 {weight} × [{floor} + {span} × ({value} − 最小值 {low}) ÷ (最大值 {high} − 最小值 {low})] ÷ 100 = {points}"),
    "city.reason.missing_zero": ("no value: 0 points (missing-data rule)", "无数据：得 0 分（缺失数据规则）"),
    "city.reason.missing_pool_mean": ("no value: the pool's average score, {points}",
                                      "无数据：取类内平均得分 {points}"),
    "city.reason.bonus": ("bonus item: {points}", "加分项：{points}"),
    "city.reason.penalty": ("penalty item: {points}", "减分项：{points}"),
    "city.reason.bonus_cap": ("bonus points above the cap {cap} removed: {points}", "加分超过上限 {cap} 的部分扣除：{points}"),
    "city.reason.penalty_cap": ("penalty points beyond the cap {cap} given back: {points}",
                                "减分超过上限 {cap} 的部分返还：{points}"),
    "city.reason.total": ("sum of the items above = {points}", "以上各项合计 = {points}"),
    "city.reason.percentile": ("rank {rank} of {size} ({value} of the pool from the top) → class {cls}",
                               "类内第 {rank} 名 / 共 {size} 家（前 {value}）→ {cls} 类"),
    "city.reason.score": ("score {value} → class {cls}", "综合得分 {value} → {cls} 类"),
    "city.reason.unclassed": ("the rules set no class cut-offs for this pool", "该类别未设定分类标准"),
    "city.reason.forced": ("{item}: class {cls} whatever the score", "{item}：直接评为 {cls} 类"),
    "city.reason.exemption": ("{item}: not rated, class {cls}", "{item}：不参与评价，列为 {cls} 类"),
    "city.reason.missing_unrated": ("no value of {item}: not rated", "缺少{item}数据：不参与评价"),
    "city.reason.no_pool": ("in no evaluation pool of these rules (scope)", "不属于本办法的任一评价类别（评价范围外）"),
})


@dataclass
class Evaluation:
    """Firms (one row per firm-year), the audit trail (firm × item), the benchmarks used, and the rules."""

    rules: Rules
    firms: pd.DataFrame
    audit: pd.DataFrame
    benchmarks: pd.DataFrame

    def class_shares(self) -> pd.DataFrame:
        """year, pool, class, firms, share of the pool's rated firms (classes in the rules' order)."""
        rated = self.firms[self.firms["status"] == "rated"].copy()
        rated["class"] = rated["class"].fillna("-")
        counts = rated.groupby(["year", "pool", "class"], sort=False).size().rename("firms").reset_index()
        counts["share"] = counts["firms"] / counts.groupby(["year", "pool"])["firms"].transform("sum")
        order = {key: i for i, key in enumerate((p.key, c) for p in self.rules.pools
                                                for c in (p.classes.classes if p.classes else ()) + ("-",))}
        counts["_order"] = [order.get(key, len(order)) for key in zip(counts["pool"], counts["class"])]
        out = counts.sort_values(["year", "_order"], ignore_index=True).drop(columns="_order")
        return _provenance(out, self.rules, unit="firms; share of the pool's rated firms")

    def status_counts(self) -> pd.DataFrame:
        """year, status, class, reason, firms: how many were rated, and why the others were not."""
        frame = self.firms.assign(**{"class": self.firms["class"].fillna("-"), "reason": self.firms["reason"].fillna("-")})
        out = frame.groupby(["year", "status", "class", "reason"]).size().rename("firms").reset_index()
        return _provenance(out, self.rules, unit="firms")

    def explain(self, lang: str = "en") -> pd.DataFrame:
        """The audit trail with a ``reason`` sentence per row, in ``lang`` (built group by group: rows of one
        rule, pool and item share their template and constants)."""
        audit = self.audit
        rules = self.rules
        scored = {(p.key, s.indicator.key): s for p in rules.pools for s in p.indicators}
        names = {**{k: i.label(lang) for k, i in rules.indicators.items()},
                 **{e.key: e.label(lang) for e in rules.exemptions},
                 **{a.event: a.label(lang) for a in rules.adjustments.items}}
        firms = self.firms.set_index(["firm_id", "year"])
        position = firms.index.get_indexer(pd.MultiIndex.from_arrays([audit["firm_id"], audit["year"]]))
        columns = {c: audit[c].to_numpy() for c in ("value", "benchmark", "weight", "points", "low", "high")}
        reasons = np.empty(len(audit), dtype=object)
        groups = audit.groupby(["rule", "pool", "item"], observed=True, dropna=False, sort=False).indices
        for (rule, pool, item), rows in groups.items():
            code, _, detail = str(rule).partition(":")
            template = labels.t(f"city.reason.{code}", lang)
            constants = {"item": names.get(item, item), "cls": item}
            if code in ("ratio_capped", "lower_ratio_capped"):
                constants["cap"] = _fmt(scored[(pool, item)].cap)
            elif code == "min_max":
                bench = scored[(pool, item)].benchmark
                constants.update(floor=_fmt(bench.floor), span=_fmt(bench.span))
            elif code in ("bonus_cap", "penalty_cap"):
                caps = rules.adjustments
                constants["cap"] = _fmt(caps.max_bonus if code == "bonus_cap" else caps.max_penalty)
            elif code == "forced":
                constants["item"] = names.get(detail, detail)
            elif code in ("bonus", "penalty"):
                template = f"{names.get(item, item)}: {template}"
            varying = {name: [_fmt(v, 2 if name == "points" else None) for v in columns[name][rows]]
                       for name in columns if "{" + name + "}" in template}
            if code == "percentile":
                varying["value"] = [f"{v:.1%}" for v in columns["value"][rows]]
                varying["rank"] = [str(int(r)) for r in firms["rank"].to_numpy(float)[position[rows]]]
                varying["size"] = [str(int(n)) for n in firms["pool_size"].to_numpy(float)[position[rows]]]
            elif code == "exemption":
                varying["cls"] = firms["class"].to_numpy()[position[rows]]
            keys = list(varying)
            fixed = {k: v for k, v in constants.items() if k not in varying}
            reasons[rows] = [template.format(**fixed, **dict(zip(keys, values)))
                             for values in zip(*varying.values())] if keys else template.format(**fixed)
        return audit.assign(reason=reasons)

    def firm_sheet(self, firm_id: str, year: int | None = None, lang: str = "en") -> dict:
        """一企一单: one firm's evaluation with every point explained, as a JSON-ready dict."""
        rows = self.firms[self.firms["firm_id"] == firm_id]
        if year is not None:
            rows = rows[rows["year"] == year]
        if rows.empty:
            raise InputError(f"firm {firm_id!r}{'' if year is None else f' in {year}'} is not in this evaluation")
        firm = rows.sort_values("year").iloc[-1]
        mine = self.audit[(self.audit["firm_id"] == firm_id) & (self.audit["year"] == firm["year"])]
        explained = Evaluation(self.rules, self.firms, mine, self.benchmarks).explain(lang)
        pool = self.rules.pool(firm["pool"]) if isinstance(firm["pool"], str) else None
        indicators = self.rules.indicators
        names = {**{a.event: a.label(lang) for a in self.rules.adjustments.items},
                 **{e.key: e.label(lang) for e in self.rules.exemptions}}
        kinds = {"total": "city.col.score", "class": "city.col.class", "status": "city.col.status"}
        items = []
        for row in explained.itertuples(index=False):
            indicator = indicators.get(row.item) if row.kind == "indicator" else None
            label = (indicator.label(lang) if indicator else names.get(row.item)
                     or labels.t(kinds.get(row.kind, "city.col.adjustment"), lang))
            items.append({"item": row.item, "kind": row.kind, "label": label,
                          "unit": indicator.unit(lang) if indicator else None,
                          "value": _json(row.value), "benchmark": _json(row.benchmark), "weight": _json(row.weight),
                          "points": _json(row.points), "rule": row.rule, "reason": row.reason})
        return {"firm_id": firm_id, "year": int(firm["year"]), "name": _json(firm["name"]),
                "rules": self.rules.id, "rules_digest": self.rules.digest,
                "pool": firm["pool"] if pool else None, "pool_label": pool.label(lang) if pool else None,
                "status": firm["status"], "status_label": labels.t(f"city.status.{firm['status']}", lang),
                "class": _json(firm["class"]), "class_label": self.rules.class_label(_json(firm["class"]), lang),
                "managed_as": _json(firm["managed_as"]), "score": _json(firm["score"]),
                "rank": _json(firm["rank"]), "pool_size": _json(firm["pool_size"]), "items": items}

    def summary(self, lang: str = "en") -> dict:
        """The rules, the benchmarks, the class shares and the status counts, as a JSON-ready dict."""
        rules = self.rules
        return {
            "rules": {"id": rules.id, "title": rules.title(lang), "jurisdiction": rules.jurisdiction.name(lang),
                      "year": rules.year, "version": rules.version, "digest": rules.digest,
                      "sources": [s.line() for s in rules.sources], "notes": list(rules.notes)},
            "pools": [{"key": p.key, "label": p.label(lang),
                       "indicators": [{"indicator": s.indicator.key, "label": s.indicator.label(lang),
                                       "unit": s.indicator.unit(lang), "weight": s.weight,
                                       "benchmark_rule": s.benchmark.rule} for s in p.indicators]}
                      for p in rules.pools],
            "benchmarks": _records(self.benchmarks),
            "class_shares": _records(self.class_shares()),
            "status_counts": _records(self.status_counts()),
        }


def _fmt(value, digits: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}" if digits is not None else f"{value:.6g}"


def _json(value):
    """A JSON-ready scalar: NaN and NA as None, numpy numbers as Python numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _json(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _provenance(frame: pd.DataFrame, rules: Rules, unit: str) -> pd.DataFrame:
    """The provenance convention of dualcirc results (``method``, ``options``, ``source``, ``citation``, ``year``,
    ``unit`` in ``attrs``), filled from the rules instead of a table."""
    frame.attrs.update({"method": labels.t("city.method.evaluation"),
                        "options": {"rules": rules.id, "digest": rules.digest},
                        "source": rules.title.en, "citation": " | ".join(s.line() for s in rules.sources),
                        "year": rules.year, "unit": unit})
    return frame


# ---- the evaluation ----------------------------------------------------------------------------------------------
class _Audit:
    """Columns of the audit trail collected block by block (row positions and values) and assembled once."""

    def __init__(self, frame: pd.DataFrame):
        self.firm_ids = frame["firm_id"].array
        self.years = frame["year"].to_numpy(dtype=np.int64)
        self.blocks: list[dict] = []

    def add(self, rows: np.ndarray, pool, item, kind: str, *, rule, value=np.nan, benchmark=np.nan, low=np.nan,
            high=np.nan, weight=np.nan, points=np.nan) -> None:
        """Rows ``rows`` of the evaluated frame; every other argument is a scalar or an array of len(rows)."""
        n = len(rows)
        if n == 0:
            return
        block = {"rows": rows, "pool": pool, "item": item, "kind": kind, "rule": rule}
        for name, v in (("value", value), ("benchmark", benchmark), ("low", low), ("high", high),
                        ("weight", weight), ("points", points)):
            block[name] = np.broadcast_to(np.asarray(v, dtype=float), (n,))
        self.blocks.append(block)

    def _categorical(self, name: str) -> pd.Categorical:
        """A label column (scalars or arrays per block) as a categorical built from codes, without string
        inference over every row."""
        categories: dict[str, int] = {}
        codes = []
        for block in self.blocks:
            values, n = block[name], len(block["rows"])
            if isinstance(values, np.ndarray):
                local, uniques = pd.factorize(values)
                lookup = np.array([categories.setdefault(u, len(categories)) for u in uniques] + [-1])
                codes.append(lookup[local])  # code -1 (missing) picks the trailing -1
            else:
                codes.append(np.full(n, -1 if values is None else categories.setdefault(values, len(categories))))
        return pd.Categorical.from_codes(np.concatenate(codes), categories=list(categories))

    def frame(self) -> pd.DataFrame:
        if not self.blocks:
            return pd.DataFrame({c: [] for c in AUDIT_COLUMNS})
        rows = np.concatenate([b["rows"] for b in self.blocks]).astype(np.int64)
        out = {"firm_id": self.firm_ids.take(rows), "year": self.years[rows]}
        for name in AUDIT_COLUMNS[2:]:
            out[name] = (self._categorical(name) if name in ("pool", "item", "kind", "rule")
                         else np.concatenate([b[name] for b in self.blocks]))
        return pd.DataFrame(out)[list(AUDIT_COLUMNS)]


def _year_stats(values, num, den, mask, year_code, n_years) -> dict[str, np.ndarray]:
    """Per year: firms with a value, aggregate (Σnum/Σden), mean, min and max of the values under ``mask``."""
    use = mask & np.isfinite(values)
    code = year_code[use]
    count = np.bincount(code, minlength=n_years).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        aggregate = np.bincount(code, num[use], n_years) / np.bincount(code, den[use], n_years)
        mean = np.bincount(code, values[use], n_years) / count
    low, high = np.full(n_years, np.nan), np.full(n_years, np.nan)
    if use.any():
        np.fmin.at(low, code, values[use])
        np.fmax.at(high, code, values[use])
    return {"count": count, "aggregate": aggregate, "mean": mean, "min": low, "max": high}


def evaluate(firms: pd.DataFrame, rules: Rules, *, events: pd.DataFrame | None = None,
             reference: pd.DataFrame | None = None) -> Evaluation:
    """Evaluate firm-year records (one or several years) under ``rules``.

    ``events``: (firm_id, year, event) rows matched with the rules' bonus/penalty items.  ``reference``: records of
    earlier years whose pool statistics serve benchmarks that refer to the previous year (Huai'an: 2 × the
    previous year's average); they are not evaluated.
    """
    frame = coerce(firms).reset_index(drop=True)
    twice = frame.duplicated(["firm_id", "year"])
    if twice.any():
        first = frame[twice].iloc[0]
        raise InputError(f"firm {first['firm_id']!r} appears more than once in {first['year']}; evaluate one "
                         "record per firm-year (merge mixed-type firms before the evaluation)")
    n_out = len(frame)
    if reference is not None and len(reference):
        extra = coerce(reference)
        keys = set(zip(frame["firm_id"], frame["year"]))
        extra = extra[[k not in keys for k in zip(extra["firm_id"], extra["year"])]]
        frame = pd.concat([frame, extra], ignore_index=True)
    years = frame["year"].to_numpy(dtype=np.int64)
    year_values, year_code = np.unique(years, return_inverse=True)
    n = len(frame)
    derived = with_derived(frame)

    status = np.full(n, "out_of_scope", dtype=object)
    reason = np.full(n, "no_pool", dtype=object)
    cls = np.full(n, None, dtype=object)
    managed = np.full(n, None, dtype=object)
    pool_of = np.full(n, None, dtype=object)
    free = np.ones(n, bool)
    audit = _Audit(frame)
    for exemption in rules.exemptions:
        hit = free & exemption.when.mask(derived)
        status[hit], reason[hit], cls[hit], managed[hit] = "unrated", f"exemption:{exemption.key}", exemption.cls, \
            exemption.managed_as
        free &= ~hit
        audit.add(np.flatnonzero(hit[:n_out]), None, exemption.key, "status", rule="exemption")
    members = []
    for pool in rules.pools:
        hit = free & pool.when.mask(derived)
        pool_of[hit] = pool.key
        free &= ~hit
        members.append(hit)
    audit.add(np.flatnonzero(free[:n_out]), None, "no_pool", "status", rule="no_pool")

    values = {key: ind.values(frame) for key, ind in rules.indicators.items()}
    score = np.zeros(n)
    wide: dict[str, np.ndarray] = {}
    bench_rows = []
    for pool, member in zip(rules.pools, members):
        rated = member.copy()
        for scored in pool.indicators:
            if scored.missing == "unrated":
                lacking = rated & np.isnan(values[scored.indicator.key][0])
                status[lacking], reason[lacking] = "unrated", f"missing:{scored.indicator.key}"
                rated &= ~lacking
                audit.add(np.flatnonzero(lacking[:n_out]), pool.key, scored.indicator.key, "status",
                          rule="missing_unrated")
        status[rated], reason[rated] = "rated", None
        rows = np.flatnonzero(rated[:n_out])
        for scored in pool.indicators:
            points, table = _score_indicator(pool, scored, values[scored.indicator.key], rated, year_code,
                                             year_values, rows, audit)
            score[rows] += points
            wide.setdefault(f"value:{scored.indicator.key}", np.full(n_out, np.nan))[rows] = \
                values[scored.indicator.key][0][rows]
            wide.setdefault(f"points:{scored.indicator.key}", np.full(n_out, np.nan))[rows] = points
            bench_rows.append(table)

    frame, status, reason, cls, managed, pool_of, score = (frame.iloc[:n_out], status[:n_out], reason[:n_out],
                                                           cls[:n_out], managed[:n_out], pool_of[:n_out],
                                                           score[:n_out])
    rated_rows = np.flatnonzero(status == "rated")
    adjustment, forced = _adjust(rules, frame, pool_of, rated_rows, events, audit)
    score = score + adjustment
    audit.add(rated_rows, pool_of[rated_rows], "total", "total", rule="total", points=score[rated_rows])

    rank = np.full(n_out, np.nan)
    size = np.full(n_out, np.nan)
    if len(rated_rows):
        groups = pd.DataFrame({"pool": pool_of[rated_rows], "year": frame["year"].to_numpy()[rated_rows],
                               "score": score[rated_rows]})
        grouped = groups.groupby(["pool", "year"])["score"]
        rank[rated_rows] = grouped.rank(method="min", ascending=False).to_numpy()
        size[rated_rows] = grouped.transform("size").to_numpy()
    percentile = rank / size
    for pool in rules.pools:
        rows = rated_rows[pool_of[rated_rows] == pool.key]
        _classify(pool, rows, score, percentile, cls, audit)
    for rows, klass, event in forced:
        cls[rows] = klass
        audit.add(rows, pool_of[rows], klass, "class", rule=f"forced:{event}")
    managed[rated_rows] = cls[rated_rows]

    text = lambda values: pd.Series(values, index=frame.index, dtype=object)  # noqa: E731 (no string inference)
    out = pd.DataFrame({
        "firm_id": frame["firm_id"], "year": frame["year"], "name": frame["name"], "industry": frame["industry"],
        "park": frame["park"], "above_scale": frame["above_scale"], "land_mu": frame["land_mu"],
        "pool": text(pool_of), "status": text(status), "class": text(cls), "managed_as": text(managed),
        "score": np.where(status == "rated", score, np.nan), "rank": pd.array(rank, dtype="Int64"),
        "pool_size": pd.array(size, dtype="Int64"), "percentile": percentile, "reason": text(reason),
        "adjustment": np.where(status == "rated", adjustment, np.nan), **wide})
    benchmarks = pd.DataFrame([row for table in bench_rows for row in table])
    unit = "points; indicator values in their own units"
    return Evaluation(rules, _provenance(out, rules, unit), _provenance(audit.frame(), rules, unit),
                      _provenance(benchmarks, rules, "indicator units"))


def _score_indicator(pool: Pool, scored: ScoredIndicator, computed, rated, year_code, year_values, rows,
                     audit: _Audit) -> tuple[np.ndarray, list[dict]]:
    """Points of ``rows`` (rated firms of the pool, output part) on one indicator; the benchmark table rows."""
    value, num, den = computed
    bench = scored.benchmark
    key = scored.indicator.key
    lower = scored.indicator.direction == "lower"
    stats = _year_stats(value, num, den, rated, year_code, len(year_values))
    year_of = year_code[rows]
    x = value[rows]
    valid = np.isfinite(x)
    low = high = benchmark = np.full(len(rows), np.nan)
    if bench.rule == "min_max":
        per_year = np.full(len(year_values), np.nan)
        low, high = stats["min"][year_of], stats["max"][year_of]
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.where(high > low, high - low, np.nan)
            fraction = np.where(high > low, ((high - x) if lower else (x - low)) / spread, 1.0)
        points = scored.weight * (bench.floor + bench.span * fraction) / 100
        rule = np.full(len(rows), "min_max", dtype=object)
    else:
        per_year = _benchmark_per_year(pool, scored, stats, year_values, np.unique(year_of))
        benchmark = per_year[year_of]
        ratio = x / benchmark
        if lower:
            raw = 2 - ratio
            ratio = np.maximum(raw, 0.0)
            rule = np.where(raw < 0, "lower_ratio_floored", "lower_ratio").astype(object)
        else:
            rule = np.full(len(rows), "ratio", dtype=object)
        if scored.cap is not None:
            capped = ratio > scored.cap
            ratio = np.minimum(ratio, scored.cap)
            rule[capped] = "lower_ratio_capped" if lower else "ratio_capped"
        points = scored.weight * ratio
    table = [_bench_row(pool, scored, code, per_year[code], stats, year_values) for code in np.unique(year_of)]
    if not valid.all():
        missing = ~valid
        if scored.missing == "zero":
            points[missing], rule[missing] = 0.0, "missing_zero"
        else:  # pool_mean_score: the average points of the pool's firms with a value, year by year
            total = np.bincount(year_of[valid], points[valid], len(year_values))
            count = np.bincount(year_of[valid], minlength=len(year_values))
            absent = missing & (count[year_of] == 0)
            if absent.any():
                raise InputError(f"pool {pool.key!r}, year {year_values[year_of[absent][0]]}: no rated firm has a "
                                 f"value of {key!r}, so the pool-average score for missing values is undefined")
            points[missing] = (total / np.maximum(count, 1))[year_of[missing]]
            rule[missing] = "missing_pool_mean"
        low = np.where(valid, low, np.nan)
        high = np.where(valid, high, np.nan)
    audit.add(rows, pool.key, key, "indicator", rule=rule, value=x, benchmark=benchmark, low=low, high=high,
              weight=scored.weight, points=points)
    return points, table


def _benchmark_per_year(pool: Pool, scored: ScoredIndicator, stats, year_values, used_codes) -> np.ndarray:
    """The benchmark of each year (fixed, k × pool average or pool maximum, of the same or the previous year)."""
    bench = scored.benchmark
    if bench.rule == "fixed":
        return np.full(len(year_values), bench.value)
    statistic = (bench.k * stats[bench.statistic]) if bench.rule == "pool_mean" else stats["max"]
    out = np.full(len(year_values), np.nan)
    for code in used_codes:
        year = year_values[code]
        source = year - 1 if bench.reference == "previous" else year
        found = np.flatnonzero(year_values == source)
        if not len(found) or stats["count"][found[0]] == 0:
            what = f"the previous year's ({source})" if bench.reference == "previous" else f"the {year}"
            raise InputError(f"pool {pool.key!r}, indicator {scored.indicator.key!r}: the benchmark is "
                             f"{bench.rule} of {what} pool, but no rated firm of that year has a value; give the "
                             f"records of {source}" + (" as reference records" if bench.reference == "previous"
                                                       else ""))
        out[code] = statistic[found[0]]
        if not out[code] > 0:
            raise InputError(f"pool {pool.key!r}, indicator {scored.indicator.key!r}, year {year}: the benchmark "
                             f"({bench.rule}) is {out[code]:g}; benchmark ratios need a positive benchmark")
    return out


def _bench_row(pool: Pool, scored: ScoredIndicator, code: int, benchmark: float, stats, year_values) -> dict:
    """One row of the benchmark table: the rule, the pool statistic behind it and the pool's range of values."""
    bench = scored.benchmark
    year = int(year_values[code])
    source = year - 1 if bench.reference == "previous" and bench.rule in ("pool_mean", "pool_max") else year
    found = np.flatnonzero(year_values == source)
    statistic = np.nan
    if len(found) and bench.rule in ("pool_mean", "pool_max"):
        statistic = stats[bench.statistic if bench.rule == "pool_mean" else "max"][found[0]]
    return {"year": year, "pool": pool.key, "indicator": scored.indicator.key, "rule": bench.rule, "k": bench.k,
            "statistic": bench.statistic if bench.rule == "pool_mean" else None, "reference_year": source,
            "pool_statistic": statistic, "benchmark": benchmark, "low": stats["min"][code],
            "high": stats["max"][code], "firms_with_value": int(stats["count"][code])}


def _adjust(rules: Rules, frame: pd.DataFrame, pool_of: np.ndarray, rated_rows: np.ndarray,
            events: pd.DataFrame | None, audit: _Audit) -> tuple[np.ndarray, list]:
    """Bonus/penalty points per firm (each side capped when the rules say so), and the (rows, class, event) of
    items that set a class whatever the score."""
    n = len(frame)
    items = {a.event: a for a in rules.adjustments.items}
    if events is None or not len(events) or not items or not len(rated_rows):
        return np.zeros(n), []
    events = events[["firm_id", "year", "event"]].astype({"firm_id": "string", "year": "int64", "event": "string"})
    position = pd.DataFrame({"firm_id": pd.array(frame["firm_id"].to_numpy()[rated_rows], dtype="string"),
                             "year": frame["year"].to_numpy(dtype=np.int64)[rated_rows], "row": rated_rows})
    hits = events[events["event"].isin(list(items))].merge(position, on=["firm_id", "year"])
    hits = hits.drop_duplicates(["row", "event"])
    if hits.empty:
        return np.zeros(n), []
    order = {e: i for i, e in enumerate(items)}
    hits = hits.assign(order=hits["event"].map(order)).sort_values(["order", "row"])
    rows = hits["row"].to_numpy()
    points = hits["event"].map({e: a.points for e, a in items.items()}).to_numpy(float)
    for event, group in hits.groupby("event", sort=False):
        r = group["row"].to_numpy()
        p = items[event].points
        audit.add(r, pool_of[r], event, "adjustment", rule="bonus" if p >= 0 else "penalty", points=p)
    bonus = np.bincount(rows, np.where(points > 0, points, 0), n)
    penalty = np.bincount(rows, np.where(points < 0, points, 0), n)
    caps = rules.adjustments
    if caps.max_bonus is not None:
        excess = np.minimum(bonus, caps.max_bonus) - bonus
        r = np.flatnonzero(excess)
        audit.add(r, pool_of[r], "bonus_cap", "adjustment", rule="bonus_cap", points=excess[r])
        bonus += excess
    if caps.max_penalty is not None:
        excess = np.maximum(penalty, -caps.max_penalty) - penalty
        r = np.flatnonzero(excess)
        audit.add(r, pool_of[r], "penalty_cap", "adjustment", rule="penalty_cap", points=excess[r])
        penalty += excess
    forcing = hits[hits["event"].map(lambda e: items[e].force_class is not None)].drop_duplicates("row")
    forced = [(group["row"].to_numpy(), items[event].force_class, event)
              for event, group in forcing.groupby("event", sort=False)]
    return bonus + penalty, forced


def _classify(pool: Pool, rows: np.ndarray, score: np.ndarray, percentile: np.ndarray, cls: np.ndarray,
              audit: _Audit) -> None:
    """Classes of a pool's rated firms: the first cut a firm meets (rank / pool size <= top share, or score >=
    minimum); the last class takes the rest.  Tied firms share the better rank and so the better class."""
    if not len(rows):
        return
    if pool.classes is None:
        audit.add(rows, pool.key, "-", "class", rule="unclassed")
        return
    rule = pool.classes
    measure = percentile[rows] if rule.by == "percentile" else score[rows]
    left = np.ones(len(rows), bool)
    for cut in rule.cuts:
        if cut.top is not None:
            hit = left & (measure <= cut.top + _CUT_TOLERANCE)
        elif cut.min_score is not None:
            hit = left & (measure >= cut.min_score - _CUT_TOLERANCE)
        else:
            hit = left.copy()
        bound = cut.top if cut.top is not None else cut.min_score
        cls[rows[hit]] = cut.cls
        audit.add(rows[hit], pool.key, cut.cls, "class", rule=rule.by, value=measure[hit],
                  benchmark=np.nan if bound is None else bound)
        left &= ~hit


def class_transitions(history: pd.DataFrame, from_year: int, to_year: int, order: Sequence[str]) -> pd.DataFrame:
    """Per firm: its class in two years and the change (up, down, same, entered, left, unrated).

    ``history`` has firm_id, year, class (an evaluation's ``firms`` or ``Registry.class_history()``); ``order``
    lists the rated classes best first (other classes, e.g. T or 暂评, count as not rated).
    """
    def year_classes(year: int, name: str) -> pd.Series:
        rows = history[history["year"] == year]
        return rows.drop_duplicates("firm_id", keep="last").set_index("firm_id")["class"].rename(name)

    joined = pd.concat([year_classes(from_year, "from_class"), year_classes(to_year, "to_class")], axis=1)
    position = {c: i for i, c in enumerate(order)}
    before = joined["from_class"].map(position).to_numpy(dtype=float)
    after = joined["to_class"].map(position).to_numpy(dtype=float)
    change = np.select(
        [np.isnan(before) & np.isnan(after), np.isnan(before), np.isnan(after), after < before, after > before],
        ["unrated", "entered", "left", "up", "down"], default="same")
    out = joined.reset_index().rename(columns={"index": "firm_id"}).assign(
        from_year=from_year, to_year=to_year, change=change)
    return out[["firm_id", "from_year", "to_year", "from_class", "to_class", "change"]].sort_values(
        "firm_id", ignore_index=True)


def transition_matrix(transitions: pd.DataFrame) -> pd.DataFrame:
    """from_class, to_class, firms and the share of the from-class's firms (a missing class shown as '-')."""
    filled = transitions.fillna({"from_class": "-", "to_class": "-"})
    out = filled.groupby(["from_class", "to_class"]).size().rename("firms").reset_index()
    out["share"] = out["firms"] / out.groupby("from_class")["firms"].transform("sum")
    return out


def evaluate_year(registry: Registry, rules: Rules, year: int, *, store: bool = True) -> tuple[Evaluation, str | None]:
    """Evaluate the registry's records of ``year`` (with the previous year's as reference where the benchmarks
    need it) and store the run; returns the evaluation and the run id (None when ``store`` is false)."""
    records, events = registry.snapshot([year - 1, year] if rules.needs_previous_year else [year])
    current = records[records["year"] == year]
    if current.empty:
        raise InputError(f"no firm-year records of {year} in {registry.url}; years held: {registry.years()}")
    evaluation = evaluate(current, rules, events=events, reference=records[records["year"] != year])
    return evaluation, (registry.save_evaluation(evaluation) if store else None)
