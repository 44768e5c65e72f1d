"""The report framework: a registry of sections, the context they receive and the blocks they return.

A section is a function ``build(ctx) -> list[Block] | None`` registered with :func:`section`; it computes its
figures from ``ctx.table`` and ``ctx.engine`` (one factorisation shared by every section) and returns blocks of
tidy data (with provenance in ``attrs``, see ``measures/result.py``) and an optional plotly figure.  Returning
``None`` means "not applicable to this table" (the section is then listed as skipped).  Later issues add sections
by registering them in a module imported from ``report/_load_all.py``; the writers need no change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import pandas as pd

from .. import labels
from ..engine import Engine
from ..errors import InputError
from ..tables.groups import country_names
from ..tables.model import IOTable

#: the economy a report describes when none is given and the table has it
DEFAULT_ECONOMY = "CHN"

labels.register({
    "report.col.sector_name": ("Sector name", "部门名称"),
    "report.col.rank": ("Rank", "排名"),
    "report.col.share": ("Share", "比重"),
    "report.col.destination": ("Destination", "目的地"),
    "report.col.item": ("Item", "项目"),
    "report.ind.gdp": ("GDP (value added)", "国内生产总值（增加值）"),
    "report.unit.ratio": ("ratio", "比率"),
    "report.unit.index": ("index (mean of active cells = 1)", "指数（有效部门均值 = 1）"),
    "report.unit.see_column": ("see the Unit column", "见“单位”列"),
})


@dataclass(frozen=True)
class ReportContext:
    """What every section receives: the table, its engine, the economy described, the language, and results
    shared between sections (:meth:`shared`)."""

    table: IOTable
    engine: Engine
    economy: str
    lang: str = "en"
    top: int = 10
    _shared: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def t(self, key: str) -> str:
        return labels.t(key, self.lang)

    def shared(self, key: str, compute: Callable[[], object]):
        """A result computed once per report and read by every section that needs it (e.g. the ranked
        chokepoints of the chain-security sections)."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    @cached_property
    def economy_index(self) -> int:
        return self.table.regions.index(self.economy)

    def region_name(self, code: str) -> str:
        """The region's name in the report language (countries by ISO3 code; other codes as they are)."""
        return country_names([code], self.lang)[0]

    @property
    def economy_label(self) -> str:
        """'China (CHN)', or the bare code when no name is known."""
        name = self.region_name(self.economy)
        return self.economy if name == self.economy else f"{name} ({self.economy})"

    def economy_title(self, caption: str) -> str:
        """A chart title: the economy's name and the caption (a label key) in the report language."""
        return f"{self.region_name(self.economy)}: {self.t(caption)}"

    def sector_name(self, code: str) -> str:
        """The sector's name in the report language, falling back to English, then to the code."""
        names = self.table.sector_names_zh if self.lang == "zh" else {}
        return names.get(code) or self.table.sector_names.get(code) or code


def resolve_economy(table: IOTable, economy: str | None) -> str:
    """The region a report describes: the one asked for, else CHN when present, else the only region."""
    if economy is None:
        if DEFAULT_ECONOMY in table.regions:
            return DEFAULT_ECONOMY
        if table.G == 1:
            return table.regions[0]
        raise InputError(f"this table has no region {DEFAULT_ECONOMY!r} (the default economy); choose one of "
                         f"{list(table.regions)} with --economy")
    if economy not in table.regions:
        raise InputError(f"unknown economy {economy!r}; this table has the regions {list(table.regions)}")
    return economy


@dataclass
class Block:
    """One figure (optional) and the tidy data behind it.

    ``caption`` is a label key.  ``data`` columns are label keys (``region``, ``indicator``, ``report.col.share``
    ...); the values of the columns named in ``translate`` are label keys too and are shown in the report
    language.  ``figure`` is a plotly Figure.
    """

    caption: str
    data: pd.DataFrame
    figure: object | None = None
    translate: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    title: str      # label key
    intro: str      # label key
    build: Callable[[ReportContext], list[Block] | None]


@dataclass
class SectionResult:
    section: Section
    blocks: list[Block] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return not self.blocks


_SECTIONS: dict[str, Section] = {}


def section(key: str, *, order: int, title: tuple[str, str], intro: tuple[str, str]):
    """Register a report section. ``title`` and ``intro`` are (English, Chinese) texts."""
    def register(build: Callable[[ReportContext], list[Block] | None]):
        title_key, intro_key = f"report.section.{key}", f"report.section.{key}.intro"
        labels.register({title_key: title, intro_key: intro})
        _SECTIONS[key] = Section(key, order, title_key, intro_key, build)
        return build
    return register


def registered_sections() -> list[Section]:
    """The registered sections in report order."""
    from . import _load_all  # noqa: F401  (imports every section module so they register)
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


labels.register({
    "report.title": ("Dual-circulation and value-chain report", "双循环与价值链报告"),
    "report.fact.economy": ("Economy", "经济体"),
    "report.fact.table": ("Table", "投入产出表"),
    "report.fact.citation": ("Citation", "引用"),
    "report.fact.file": ("File", "文件"),
    "report.fact.shape": ("Shape", "规模"),
    "report.fact.generated": ("Generated", "生成时间"),
    "report.fact.generator": ("Generated by", "生成工具"),
    "report.fact.checks": ("Table checks", "投入产出表检查"),
    "report.fact.diagnostics": ("Engine diagnostics", "计算诊断"),
    "report.prov.method": ("Method", "方法"),
    "report.prov.options": ("Options", "选项"),
    "report.prov.none": ("none", "无"),
    "report.skipped": ("Not applicable to this table.", "不适用于该投入产出表。"),
    "report.rows_shown": ("rows shown; all rows are in the xlsx file", "行已显示；全部数据见 xlsx 文件"),
    "report.diag.max_abs_vL_minus_1": ("max |v'L + a^M'L − 1| over active cells", "有效部门 max |v'L + a^M'L − 1|"),
    "report.diag.max_rel_Ly_minus_x": ("max |Ly − x| / max x", "max |Ly − x| / max x"),
    "report.diag.rcond_I_minus_A": ("reciprocal condition number of I − A", "I − A 的倒条件数"),
})


@dataclass
class ReportDocument:
    """A built report, ready for the writers: context, section results, engine diagnostics, time stamp."""

    context: ReportContext
    results: list[SectionResult]
    diagnostics: dict[str, float]
    created: str
    version: str

    def facts(self) -> list[tuple[str, str]]:
        """(label key, value) pairs describing the table and the run, for page headers and provenance sheets."""
        t, meta = self.context.table, self.context.table.meta
        facts = [
            ("report.fact.economy", self.context.economy_label),
            ("report.fact.table", meta.label() or "user table"),
            ("unit", meta.unit),
            ("report.fact.citation", meta.citation or "-"),
            ("report.fact.shape", f"{t.G} x {t.N} ({t.n} cells)"),
        ]
        if meta.file:
            facts.append(("report.fact.file", str(meta.file)))
        facts += [("report.fact.generated", self.created), ("report.fact.generator", f"dualcirc {self.version}")]
        return facts


def diagnostic_label(name: str, lang: str) -> str:
    """The label of an engine diagnostic; its own name when the catalogue has none (a newer diagnostic)."""
    key = f"report.diag.{name}"
    label = labels.t(key, lang)
    return name if label == key else label


def provenance_items(data: pd.DataFrame) -> list[tuple[str, str]]:
    """(label key, value) pairs of a result's provenance (method, unit, options) from its ``attrs``."""
    attrs = data.attrs
    options = ", ".join(f"{k}={v}" for k, v in attrs.get("options", {}).items())
    return [("report.prov.method", str(attrs.get("method", "-"))), ("unit", str(attrs.get("unit", "-"))),
            ("report.prov.options", options)]
