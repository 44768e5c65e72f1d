"""Rules files of the 亩均效益综合评价 (POLICY_SYSTEMS.md §1, §6.1): one versioned YAML file per jurisdiction and year.

A rules file names its pools (规上 / 规下 / services, selected by conditions on the record), the indicators of each
pool (formula, weight, benchmark rule, cap, missing-data rule), bonus/penalty items, class cut-offs (percentile or
score) and the exemption (unrated / T / 暂评) rules.  Benchmark rules (§1.4): a fixed value, the pool mean × k
(this year's or the previous year's, aggregate or firm mean), the pool maximum, or min–max scaling
``w × [floor + span × (x − min)/(max − min)]/100``.  Every problem is reported with the file and the key
(``pools[0].indicators[2].weight``).  The same document machinery (presets shipped as package data, ``extends``,
keyed merging, digests) serves the policy, screening and target files.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import yaml

from .. import labels
from ..errors import InputError
from .fields import FIELD, NUMERIC, numeric

KINDS = ("rules", "policy", "screening", "targets")
SCHEMA = "dualcirc-city/1"
#: lists merged item by item when a file ``extends`` another: list key -> the key naming an item
MERGE_KEYS = {"pools": "key", "indicators": "indicator", "exemptions": "key", "items": "event", "measures": "key",
              "tests": "key"}
MISSING_RULES = ("unrated", "zero", "pool_mean_score")
BENCHMARK_RULES = ("fixed", "pool_mean", "pool_max", "min_max")
#: derived fields a condition may use besides the record fields
DERIVED = ("firm_age", "industry_division")
CONDITION_OPS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "missing", "prefix")


class RulesError(InputError):
    """A rules, policy, screening or targets file is not valid; the message names the file and the key."""

    def __init__(self, message: str, *, file: str, key: str = ""):
        self.file, self.key = file, key
        super().__init__(f"{file}, key {key}: {message}" if key else f"{file}: {message}")


@dataclass(frozen=True)
class Text:
    """A user-facing text in English and Chinese (from a rules file, so it is not in the label catalogue)."""

    en: str
    zh: str

    def __call__(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


# ---- the YAML walker: typed access with file/key in every message ------------------------------------------------
class Node:
    """A value of a rules document and where it sits (``path``), for precise error messages."""

    def __init__(self, value: Any, path: str, file: str):
        self.value, self.path, self.file = value, path, file

    def fail(self, message: str):
        raise RulesError(message, file=self.file, key=self.path)

    def _at(self, key) -> str:
        return f"{self.path}[{key}]" if isinstance(key, int) else (f"{self.path}.{key}" if self.path else key)

    def mapping(self, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> Node:
        if not isinstance(self.value, dict):
            self.fail(f"expected a mapping with the keys {', '.join(allowed)}, got {_shown(self.value)}")
        unknown = [k for k in self.value if k not in allowed]
        if unknown:
            raise RulesError(f"unknown key; expected one of {', '.join(allowed)}", file=self.file,
                             key=self._at(unknown[0]))
        for key in required:
            if self.value.get(key) is None:
                raise RulesError("this key is required", file=self.file, key=self._at(key))
        return self

    def keys(self) -> list[str]:
        """The keys of a mapping whose keys are names chosen by the file (custom indicators, class labels)."""
        if not isinstance(self.value, dict) or not self.value:
            self.fail(f"expected a non-empty mapping, got {_shown(self.value)}")
        return [str(k) for k in self.value]

    def has(self, key: str) -> bool:
        return self.value.get(key) is not None

    def __getitem__(self, key: str) -> Node:
        return Node(self.value.get(key), self._at(key), self.file)

    def items(self, allow_empty: bool = False) -> list[Node]:
        if not isinstance(self.value, list) or (not self.value and not allow_empty):
            self.fail(f"expected a {'' if allow_empty else 'non-empty '}list, got {_shown(self.value)}")
        return [Node(v, self._at(i), self.file) for i, v in enumerate(self.value)]

    def text(self) -> str:
        if isinstance(self.value, bool) or not isinstance(self.value, (str, int, float)) or str(self.value) == "":
            self.fail(f"expected a text, got {_shown(self.value)}")
        return str(self.value)

    def choice(self, options: tuple[str, ...]) -> str:
        value = self.text()
        if value not in options:
            self.fail(f"expected one of {', '.join(options)}, got {value!r}")
        return value

    def number(self, *, minimum: float | None = None, exclusive: bool = False,
               maximum: float | None = None) -> float:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(f"expected a number, got {_shown(value)}")
        if minimum is not None and (value < minimum or (exclusive and value == minimum)):
            self.fail(f"expected a number {'>' if exclusive else '>='} {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            self.fail(f"expected a number <= {maximum:g}, got {value:g}")
        return float(value)

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            self.fail(f"expected a whole number, got {_shown(self.value)}")
        return int(self.value)

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail(f"expected true or false, got {_shown(self.value)}")
        return self.value

    def texts(self) -> Text:
        """A bilingual text: ``{en: ..., zh: ...}`` (a plain string serves both languages)."""
        if isinstance(self.value, str):
            return Text(self.value, self.value)
        self.mapping(("en", "zh"), ("en", "zh"))
        return Text(self["en"].text(), self["zh"].text())


def _shown(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"


# ---- documents: presets, files, extends ---------------------------------------------------------------------------
def _preset_dir():
    return files("dualcirc.city").joinpath("presets")


def preset_names(kind: str) -> list[str]:
    """Names of the shipped presets of one kind (rules, policy, screening, targets)."""
    prefix = f"{kind}-"
    return sorted(p.name[len(prefix):-len(".yaml")] for p in _preset_dir().iterdir()
                  if p.name.startswith(prefix) and p.name.endswith(".yaml"))


def _read_yaml(text: str, file: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise RulesError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=file) from None
    if not isinstance(data, dict):
        raise RulesError(f"expected a YAML mapping at the top level, got {_shown(data)}", file=file)
    return data


def _locate(name: str | Path, kind: str, relative_to: Path | None) -> tuple[str, str]:
    """(text, file label) of a preset name or a path."""
    path = Path(name)
    candidates = [path] if relative_to is None or path.is_absolute() else [relative_to / path, path]
    for candidate in candidates:
        if candidate.suffix in (".yaml", ".yml", ".json") and candidate.is_file():
            return candidate.read_text(encoding="utf-8"), str(candidate)
    preset = _preset_dir().joinpath(f"{kind}-{name}.yaml")
    if preset.is_file():
        return preset.read_text(encoding="utf-8"), f"preset {kind}-{name}.yaml"
    raise InputError(f"no {kind} file or preset {str(name)!r}; presets: {', '.join(preset_names(kind))}")


def merge(base: Any, override: Any, key: str = "") -> Any:
    """``override`` on top of ``base``: mappings key by key (a null value deletes the key), lists of items
    named by :data:`MERGE_KEYS` item by item (new items appended), anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = merge(base[k], v, k) if k in base else v
        return out
    ident = MERGE_KEYS.get(key)
    if ident and isinstance(base, list) and isinstance(override, list) and all(
            isinstance(i, dict) and ident in i for i in base + override):
        out = list(base)
        position = {item[ident]: i for i, item in enumerate(out)}
        for item in override:
            if item[ident] in position:
                out[position[item[ident]]] = merge(out[position[item[ident]]], item)
            else:
                out.append(item)
        return out
    return override


@dataclass(frozen=True)
class Document:
    """A rules document after ``extends`` is resolved: its data, the file it came from and its digest."""

    data: dict
    file: str
    chain: tuple[str, ...]

    @property
    def digest(self) -> str:
        """SHA-256 of the resolved document: the version stored with every evaluation run."""
        canonical = json.dumps(self.data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def root(self) -> Node:
        return Node(self.data, "", self.file)


def load_document(name: str | Path, kind: str, *, _relative_to: Path | None = None,
                  _seen: tuple[str, ...] = ()) -> Document:
    """Read a preset or a file of ``kind``, resolving ``extends`` (a preset name or a path relative to it)."""
    text, file = _locate(name, kind, _relative_to)
    if file in _seen:
        raise RulesError(f"extends itself through {' -> '.join(_seen + (file,))}", file=file, key="extends")
    data = _read_yaml(text, file)
    found = data.get("kind", kind)
    if found != kind:
        raise RulesError(f"this is a {found} file; a {kind} file was expected", file=file, key="kind")
    parent = data.pop("extends", None)
    chain: tuple[str, ...] = (file,)
    if parent is not None:
        if not isinstance(parent, str):
            raise RulesError(f"expected the name of a {kind} preset or file, got {_shown(parent)}", file=file,
                             key="extends")
        here = Path(file).parent if Path(file).is_file() else None
        base = load_document(parent, kind, _relative_to=here, _seen=_seen + (file,))
        data = merge(base.data, data)
        chain = base.chain + chain
    return Document(data, file, chain)


def parse_sources(root: Node) -> tuple[Source, ...]:
    return tuple(Source(s.mapping(("id", "title", "url", "cited_in", "note"), ("id", "title"))["id"].text(),
                        s["title"].text(), s["url"].text() if s.has("url") else "",
                        s["cited_in"].text() if s.has("cited_in") else "", s["note"].text() if s.has("note") else "")
                 for s in root["sources"].items())


def parse_jurisdiction(root: Node) -> Jurisdiction:
    node = root["jurisdiction"].mapping(("key", "en", "zh"), ("key", "en", "zh"))
    return Jurisdiction(node["key"].text(), Text(node["en"].text(), node["zh"].text()))


def parse_notes(root: Node) -> tuple[str, ...]:
    return tuple(n.text() for n in root["notes"].items()) if root.has("notes") else ()


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    cited_in: str
    note: str

    def line(self) -> str:
        return "; ".join(p for p in (self.title, self.url, self.cited_in, self.note) if p)


#: the top keys every rules, policy, screening and targets file may have, and those it must have
HEADER_KEYS = ("kind", "schema", "id", "title", "jurisdiction", "year", "version", "sources", "notes")
HEADER_REQUIRED = ("id", "title", "jurisdiction", "sources")


@dataclass(frozen=True)
class Published:
    """What every city document says of itself (POLICY_SYSTEMS.md §6.1–6.4): id, title, issuing jurisdiction, the
    data year (None where the source gives none), sources and notes."""

    id: str
    title: Text
    jurisdiction: Jurisdiction
    year: int | None
    sources: tuple[Source, ...]
    notes: tuple[str, ...]


def parse_header(root: Node) -> dict[str, Any]:
    """The :class:`Published` fields of a document's root, as keyword arguments."""
    return {"id": root["id"].text(), "title": root["title"].texts(), "jurisdiction": parse_jurisdiction(root),
            "year": root["year"].integer() if root.has("year") else None, "sources": parse_sources(root),
            "notes": parse_notes(root)}


# ---- conditions ---------------------------------------------------------------------------------------------------
def with_derived(frame: pd.DataFrame) -> pd.DataFrame:
    """The records plus the fields conditions may use: firm_age (year − start_year), industry_division (the
    two-digit GB/T 4754 division, 6–46 = industry)."""
    division = pd.to_numeric(frame["industry"].astype("string").str.strip().str[:2], errors="coerce")
    return frame.assign(firm_age=numeric(frame, "year") - numeric(frame, "start_year"),
                        industry_division=division.astype(float))


def _as_bool(values) -> np.ndarray:
    """A boolean mask from a pandas result that may hold missing values (missing = False)."""
    return np.array(pd.Series(values).fillna(False).astype(bool), dtype=bool)


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    operand: Any

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        column = frame[self.field]
        present = column.notna().to_numpy(bool)
        if self.op == "missing":
            return ~present if self.operand else present
        if self.field in NUMERIC or self.field in DERIVED:
            values = pd.to_numeric(column).astype(float).to_numpy(na_value=np.nan)
        else:
            values = column
        if self.op in ("eq", "ne", "in", "not_in"):
            hit = _as_bool(pd.Series(values).isin(self.operand if self.op in ("in", "not_in") else [self.operand]))
            hit &= present
            return hit if self.op in ("eq", "in") else present & ~hit
        if self.op == "prefix":
            return _as_bool(column.astype("string").str.startswith(tuple(self.operand)))
        compare: Callable = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}[self.op]
        with np.errstate(invalid="ignore"):
            return compare(values, self.operand) & present


@dataclass(frozen=True)
class Condition:
    """Alternatives (any) of clauses (all); a record with a missing value fails every clause but ``missing``."""

    alternatives: tuple[tuple[Clause, ...], ...]

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.zeros(len(frame), bool)
        for clauses in self.alternatives:
            hit = np.ones(len(frame), bool)
            for clause in clauses:
                hit &= clause.mask(frame)
            out |= hit
        return out


def parse_condition(node: Node) -> Condition:
    """``{field: value}`` (equal), ``{field: [a, b]}`` (one of), ``{field: {lt: 3}}``; a list of such mappings
    means any of them."""
    alternatives = node.items() if isinstance(node.value, list) else [node]
    return Condition(tuple(_parse_clauses(alt) for alt in alternatives))


def _parse_clauses(node: Node) -> tuple[Clause, ...]:
    fields = tuple(FIELD) + DERIVED
    node.mapping(fields)
    clauses = []
    for name, spec in node.value.items():
        sub = node[name]
        kind = "bool" if name in ("above_scale", "leased") else ("number" if name in NUMERIC or name in DERIVED
                                                                  else "text")
        if isinstance(spec, dict):
            sub.mapping(CONDITION_OPS)
            for op in spec:
                clauses.append(Clause(name, op, _operand(sub[op], op, kind)))
        elif isinstance(spec, list):
            clauses.append(Clause(name, "in", _operand(sub, "in", kind)))
        else:
            clauses.append(Clause(name, "eq", _operand(sub, "eq", kind)))
    return tuple(clauses)


def _operand(node: Node, op: str, kind: str):
    if op == "missing":
        return node.boolean()
    if op in ("in", "not_in", "prefix"):
        items = node.items()
        return tuple(_operand(i, "eq", "text" if op == "prefix" else kind) for i in items)
    if kind == "bool":
        if op not in ("eq", "ne"):
            node.fail("a yes/no field takes only eq or ne")
        return node.boolean()
    if kind == "number":
        return node.number()
    if op not in ("eq", "ne"):
        node.fail(f"{op} compares numbers; this field is a text")
    return node.text()


# ---- indicators ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorDef:
    """``value = numerator / denominator × scale``; ``direction`` 'higher' (is better) or 'lower'."""

    key: str
    numerator: str
    denominator: str
    scale: float
    unit: Text
    label: Text
    direction: str = "higher"

    def values(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value, numerator, denominator); value is NaN where either is missing or the denominator is not > 0."""
        num, den = numeric(frame, self.numerator), numeric(frame, self.denominator)
        valid = np.isfinite(num) & np.isfinite(den) & (den > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(valid, num / np.where(valid, den, 1.0) * self.scale, np.nan)
        return value, num, den


def _standard(key, numerator, denominator, unit, en, zh) -> IndicatorDef:
    return IndicatorDef(key, numerator, denominator, 1.0, Text(*unit), Text(en, zh))


#: the published indicators (POLICY_SYSTEMS.md §1.2, Huangyan scoring notes; Huai'an; Wenling)
STANDARD_INDICATORS = {i.key: i for i in (
    _standard("tax_per_mu", "tax", "land_mu", ("10k CNY/mu", "万元/亩"), "Tax per mu", "亩均税收"),
    _standard("va_per_mu", "value_added", "land_mu", ("10k CNY/mu", "万元/亩"), "Value added per mu", "亩均增加值"),
    _standard("revenue_per_mu", "revenue", "land_mu", ("10k CNY/mu", "万元/亩"), "Revenue per mu", "亩均销售收入"),
    _standard("energy_productivity", "value_added", "energy_tce", ("10k CNY/tce", "万元/吨标煤"),
              "Value added per unit of energy", "单位能耗增加值"),
    _standard("emission_productivity", "value_added", "emissions_t", ("10k CNY/t", "万元/吨"),
              "Value added per unit of emissions", "单位排放增加值"),
    _standard("labour_productivity", "value_added", "employees", ("10k CNY/person", "万元/人"),
              "Labour productivity", "全员劳动生产率"),
    _standard("rd_intensity", "rd", "revenue", ("ratio", "比值"), "R&D spending / revenue",
              "R&D经费支出占主营业务收入之比"),
    _standard("tax_per_electricity", "tax", "electricity", ("10k CNY/10k kWh", "万元/万kWh"),
              "Tax per unit of electricity", "单位电耗税收"),
    _standard("tax_per_energy", "tax", "energy_tce", ("10k CNY/tce", "万元/吨标煤"), "Tax per unit of energy",
              "单位能耗税收"),
    _standard("revenue_per_electricity", "revenue", "electricity", ("10k CNY/10k kWh", "万元/万kWh"),
              "Revenue per unit of electricity", "单位用电营业收入"),
)}
labels.register({f"city.indicator.{k}": (i.label.en, i.label.zh) for k, i in STANDARD_INDICATORS.items()})

_FORMULA = re.compile(r"^\s*(\w+)\s*/\s*(\w+)\s*(?:\*\s*([0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?))?\s*$")


def _parse_indicator(key: str, node: Node) -> IndicatorDef:
    node.mapping(("formula", "unit", "label", "direction"), ("formula", "unit", "label"))
    formula = node["formula"].text()
    match = _FORMULA.match(formula)
    if match is None:
        node["formula"].fail(f"expected 'FIELD / FIELD' or 'FIELD / FIELD * NUMBER', got {formula!r}")
    for name in match.group(1, 2):
        if name not in NUMERIC:
            node["formula"].fail(f"{name!r} is not a numeric record field; fields: {', '.join(NUMERIC)}")
    direction = node["direction"].choice(("higher", "lower")) if node.has("direction") else "higher"
    return IndicatorDef(key, match[1], match[2], float(match[3] or 1.0), node["unit"].texts(), node["label"].texts(),
                        direction)


# ---- scoring rules ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Benchmark:
    """How an indicator's value becomes points (POLICY_SYSTEMS.md §1.4)."""

    rule: str                     # fixed | pool_mean | pool_max | min_max
    value: float | None = None    # fixed
    k: float = 1.0                # pool_mean: benchmark = k × pool average
    statistic: str = "aggregate"  # pool_mean: aggregate (Σ numerator / Σ denominator) or mean (of firm values)
    reference: str = "current"    # pool_mean, pool_max: this year's pool or the previous year's
    floor: float = 20.0           # min_max: points = weight × [floor + span × (x − min)/(max − min)] / 100
    span: float = 80.0


@dataclass(frozen=True)
class ScoredIndicator:
    indicator: IndicatorDef
    weight: float
    benchmark: Benchmark
    cap: float | None
    missing: str


@dataclass(frozen=True)
class ClassCut:
    cls: str
    top: float | None = None        # percentile: share of the pool from the top (0.2 = top 20 %)
    min_score: float | None = None  # score: lowest total score of the class


@dataclass(frozen=True)
class ClassRule:
    by: str                       # percentile | score
    cuts: tuple[ClassCut, ...]    # best class first; the last cut takes the rest
    labels: tuple[tuple[str, Text], ...] = ()  # e.g. A 优先发展 (names vary by place, §1.5)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(c.cls for c in self.cuts)


@dataclass(frozen=True)
class Adjustment:
    event: str
    points: float
    label: Text
    force_class: str | None = None


@dataclass(frozen=True)
class Adjustments:
    items: tuple[Adjustment, ...] = ()
    max_bonus: float | None = None
    max_penalty: float | None = None


@dataclass(frozen=True)
class Pool:
    key: str
    label: Text
    when: Condition
    indicators: tuple[ScoredIndicator, ...]
    classes: ClassRule | None


@dataclass(frozen=True)
class Exemption:
    key: str
    label: Text
    when: Condition
    cls: str
    managed_as: str | None


@dataclass(frozen=True)
class Jurisdiction:
    key: str
    name: Text


@dataclass(frozen=True)
class Rules(Published):
    """A validated rules file (see the module docstring; ``year`` is the data year the benchmarks belong to);
    ``digest`` versions the evaluations made with it."""

    version: str
    exemptions: tuple[Exemption, ...]
    pools: tuple[Pool, ...]
    adjustments: Adjustments
    file: str
    digest: str

    def pool(self, key: str) -> Pool:
        return next(p for p in self.pools if p.key == key)

    @property
    def indicators(self) -> dict[str, IndicatorDef]:
        """Every scored indicator, in order of first use."""
        return {s.indicator.key: s.indicator for p in self.pools for s in p.indicators}

    @property
    def needs_previous_year(self) -> bool:
        return any(s.benchmark.reference == "previous" for p in self.pools for s in p.indicators)

    @property
    def class_labels(self) -> dict[str, Text]:
        found: dict[str, Text] = {}
        for pool in self.pools:
            found.update(dict(pool.classes.labels) if pool.classes else {})
        return found

    def class_label(self, cls: str | None, lang: str = "en") -> str:
        """'A (优先发展)' where the rules name the class, else the class code."""
        if cls is None or (isinstance(cls, float) and math.isnan(cls)):
            return "-"
        text = self.class_labels.get(cls)
        return f"{cls} ({text(lang)})" if text else str(cls)


_TOP_KEYS = HEADER_KEYS + ("missing", "cap", "indicators", "exemptions", "pools", "classes", "adjustments")


def load_rules(name: str | Path) -> Rules:
    """A rules preset (``dualcirc firms presets``) or file, validated."""
    return parse_rules(load_document(name, "rules"))


def parse_rules(doc: Document) -> Rules:
    root = doc.root().mapping(_TOP_KEYS, HEADER_REQUIRED + ("pools",))
    if root.has("schema") and root["schema"].text() != SCHEMA:
        root["schema"].fail(f"expected {SCHEMA}")
    custom = {}
    if root.has("indicators"):
        node = root["indicators"]
        custom = {k: _parse_indicator(k, node[k]) for k in node.keys()}
        clash = next((k for k in custom if k in STANDARD_INDICATORS), None)
        if clash:
            node[clash].fail("this is a standard indicator; give the custom one another name")
    known = {**STANDARD_INDICATORS, **custom}
    default_missing = root["missing"].choice(MISSING_RULES) if root.has("missing") else "unrated"
    default_cap = root["cap"].number(minimum=0, exclusive=True) if root.has("cap") else None
    default_classes = _parse_classes(root["classes"]) if root.has("classes") else None

    pools, seen = [], set()
    for node in root["pools"].items():
        node.mapping(("key", "label", "when", "indicators", "classes"), ("key", "label", "indicators"))
        key = node["key"].text()
        if key in seen:
            node["key"].fail(f"pool {key!r} is defined twice")
        seen.add(key)
        when = parse_condition(node["when"]) if node.has("when") else Condition(((),))
        indicators = tuple(_parse_scored(i, known, default_missing, default_cap) for i in node["indicators"].items())
        names = [s.indicator.key for s in indicators]
        if len(set(names)) != len(names):
            node["indicators"].fail("an indicator is listed twice in this pool")
        if "classes" in node.value:
            classes = _parse_classes(node["classes"]) if node.has("classes") else None
        else:
            classes = default_classes
        pools.append(Pool(key, node["label"].texts(), when, indicators, classes))

    exemptions = []
    for node in (root["exemptions"].items() if root.has("exemptions") else []):
        node.mapping(("key", "label", "when", "class", "managed_as"), ("key", "label", "when", "class"))
        exemptions.append(Exemption(node["key"].text(), node["label"].texts(), parse_condition(node["when"]),
                                    node["class"].text(),
                                    node["managed_as"].text() if node.has("managed_as") else None))
    return Rules(
        **parse_header(root), version=root["version"].text() if root.has("version") else "",
        exemptions=tuple(exemptions), pools=tuple(pools), adjustments=_parse_adjustments(root),
        file=" <- ".join(reversed(doc.chain)), digest=doc.digest)


def _parse_scored(node: Node, known: dict[str, IndicatorDef], default_missing: str,
                  default_cap: float | None) -> ScoredIndicator:
    node.mapping(("indicator", "weight", "benchmark", "cap", "missing"), ("indicator", "weight", "benchmark"))
    name = node["indicator"].text()
    if name not in known:
        node["indicator"].fail(f"unknown indicator {name!r}; standard ones: {', '.join(STANDARD_INDICATORS)} "
                               "(define others under 'indicators')")
    indicator = known[name]
    benchmark = _parse_benchmark(node["benchmark"], indicator)
    cap = node["cap"].number(minimum=0, exclusive=True) if node.has("cap") else default_cap
    if cap is not None and benchmark.rule == "min_max":
        node["cap"].fail("min-max scores are bounded already; a cap applies to benchmark ratios only")
    return ScoredIndicator(indicator, node["weight"].number(minimum=0, exclusive=True), benchmark, cap,
                           node["missing"].choice(MISSING_RULES) if node.has("missing") else default_missing)


def _parse_benchmark(node: Node, indicator: IndicatorDef) -> Benchmark:
    if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Benchmark("fixed", value=node.number(minimum=0, exclusive=True))
    node.mapping(("rule", "value", "k", "statistic", "reference", "floor", "span"), ("rule",))
    rule = node["rule"].choice(BENCHMARK_RULES)
    allowed = {"fixed": ("rule", "value"), "pool_mean": ("rule", "k", "statistic", "reference"),
               "pool_max": ("rule", "reference"), "min_max": ("rule", "floor", "span")}[rule]
    node.mapping(allowed, ("rule", "value") if rule == "fixed" else ("rule",))
    if rule == "pool_max" and indicator.direction == "lower":
        node["rule"].fail("pool_max rewards the largest value; this indicator is better when lower")
    options: dict[str, Any] = {}
    if node.has("value"):
        options["value"] = node["value"].number(minimum=0, exclusive=True)
    if node.has("k"):
        options["k"] = node["k"].number(minimum=0, exclusive=True)
    if node.has("statistic"):
        options["statistic"] = node["statistic"].choice(("aggregate", "mean"))
    if node.has("reference"):
        options["reference"] = node["reference"].choice(("current", "previous"))
    if node.has("floor"):
        options["floor"] = node["floor"].number(minimum=0)
    if node.has("span"):
        options["span"] = node["span"].number(minimum=0, exclusive=True)
    return Benchmark(rule, **options)


def _parse_classes(node: Node) -> ClassRule:
    node.mapping(("by", "cuts", "labels"), ("by", "cuts"))
    by = node["by"].choice(("percentile", "score"))
    bound = "top" if by == "percentile" else "min_score"
    cuts, previous = [], None
    items = node["cuts"].items()
    if len(items) < 2:
        node["cuts"].fail("expected at least two classes")
    for i, item in enumerate(items):
        item.mapping(("class", "top", "min_score"), ("class",))
        other = "min_score" if bound == "top" else "top"
        if item.has(other):
            item[other].fail(f"classes by {by} take '{bound}', not '{other}'")
        last = i == len(items) - 1
        if last:
            if item.has(bound):
                item[bound].fail("the last class takes every remaining firm; it has no bound")
            cuts.append(ClassCut(item["class"].text()))
            continue
        if not item.has(bound):
            raise RulesError("this key is required (every class but the last has a bound)", file=item.file,
                             key=f"{item.path}.{bound}")
        if by == "percentile":
            value = item["top"].number(minimum=0, exclusive=True, maximum=1)
            if previous is not None and value <= previous:
                item["top"].fail(f"shares from the top must increase; {value:g} follows {previous:g}")
        else:
            value = item["min_score"].number()
            if previous is not None and value >= previous:
                item["min_score"].fail(f"minimum scores must decrease; {value:g} follows {previous:g}")
        previous = value
        cuts.append(ClassCut(item["class"].text(), **{bound: value}))
    names = [c.cls for c in cuts]
    if len(set(names)) != len(names):
        node["cuts"].fail("a class is named twice")
    labels_ = ()
    if node.has("labels"):
        for name in node["labels"].keys():
            if name not in names:
                node["labels"][name].fail(f"no class {name!r} among {', '.join(names)}")
        labels_ = tuple((name, node["labels"][name].texts()) for name in node["labels"].keys())
    return ClassRule(by, tuple(cuts), labels_)


def _parse_adjustments(root: Node) -> Adjustments:
    if not root.has("adjustments"):
        return Adjustments()
    node = root["adjustments"].mapping(("items", "max_bonus", "max_penalty"), ("items",))
    items = []
    for item in node["items"].items():
        item.mapping(("event", "points", "label", "class"), ("event", "points", "label"))
        items.append(Adjustment(item["event"].text(), item["points"].number(), item["label"].texts(),
                                item["class"].text() if item.has("class") else None))
    events = [a.event for a in items]
    if len(set(events)) != len(events):
        node["items"].fail("an event is listed twice")
    return Adjustments(tuple(items),
                       node["max_bonus"].number(minimum=0) if node.has("max_bonus") else None,
                       node["max_penalty"].number(minimum=0) if node.has("max_penalty") else None)
