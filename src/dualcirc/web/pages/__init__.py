"""Pages of the dashboard: one small module per family of measures, registered with :func:`page`.

A page is a function ``compute(ctx) -> list[Panel]`` that calls the public functions of its measure module (never
re-implementing a measure) and returns panels: a tidy table with provenance, an optional figure built in the
reader's language, and label keys for captions.  Pages declare their controls as :class:`Param` objects; the API
checks every value against them before a job starts.  :func:`available_pages` imports the page modules of
:data:`PAGE_MODULES` whose measure modules import (a feature check by import): a measure family that is not there
yet leaves its page out and is listed in :func:`omitted_pages` with the reason.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from ... import labels
from ...errors import OptionError
from ...tables.groups import country_names
from ...tables.model import IOTable
from ..catalog import Catalog, TableEntry
from ..jobs import Job, Memo

#: page module -> the measure modules it needs (imported before the page module)
PAGE_MODULES: dict[str, tuple[str, ...]] = {
    "overview": ("dualcirc.measures.circulation", "dualcirc.measures.gvc"),
    "partners": ("dualcirc.measures.vat",),
    "sectors": ("dualcirc.measures.core",),
    "chokepoints": ("dualcirc.measures.risk",),
    "shock": ("dualcirc.measures.risk",),
    "chain": ("dualcirc.measures.chain",),
    "transfer": ("dualcirc.measures.transfer",),
    "firms": ("dualcirc.city",),
}


@dataclass(frozen=True)
class Param:
    """A control of a page and a field of its API request.

    ``kind``: 'choice' (one of ``choices``, labelled by the keys ``{choice_prefix}{choice}``, by default
    ``{label}.{choice}``), 'number' (a slider from ``minimum`` to ``maximum`` by ``step``), 'region' or 'sector'
    (a code of the table, shown with its name; default: the economy and the first sector).  ``choices`` may be a
    function of the table for options that depend on it (e.g. the sources of imports), and ``default`` a function
    ``(table, economy) -> value``.
    """

    key: str
    label: str
    kind: str
    default: Any = None
    choices: tuple[str, ...] | Callable[[IOTable], Sequence[str]] = ()
    choice_prefix: str | None = None
    minimum: float = 0.0
    maximum: float = 1.0
    step: float = 0.05

    def options(self, table: IOTable) -> list[str]:
        """The values allowed on ``table``."""
        if callable(self.choices):
            return list(self.choices(table))
        if self.kind == "region":
            return list(table.regions)
        if self.kind == "sector":
            return list(table.sectors)
        return list(self.choices)

    def describe(self, table: IOTable | None = None, economy: str | None = None) -> dict:
        """The control for the page; with a table (and the economy), its default there and the options of
        'region' and 'sector' controls with their names in both languages."""
        default = self.resolve(None, table, economy) if table is not None else (
            None if callable(self.default) else self.default)
        out = {"key": self.key, "label": self.label, "kind": self.kind, "default": default}
        if self.kind == "number":
            out.update(minimum=self.minimum, maximum=self.maximum, step=self.step)
        elif self.kind == "choice" and (table is not None or not callable(self.choices)):
            prefix = f"{self.label}." if self.choice_prefix is None else self.choice_prefix
            values = self.options(table) if table is not None else list(self.choices)
            out["options"] = [{"value": c, "label": f"{prefix}{c}"} for c in values]
        elif table is not None:
            values = self.options(table)
            if self.kind == "region":
                names = {lang: country_names(values, lang) for lang in labels.LANGS}
            else:
                names = {lang: [View.of(table, lang).sector(v) for v in values] for lang in labels.LANGS}
            out["options"] = [{"value": v, **{lang: names[lang][i] for lang in labels.LANGS}}
                              for i, v in enumerate(values)]
        return out

    def resolve(self, value: Any, table: IOTable, economy: str | None) -> Any:
        """The value to compute with: ``value`` checked against the control, or the default when None."""
        if self.kind == "number":
            value = self.default if value is None else value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise OptionError(f"parameter {self.key!r} must be a number, not {value!r}")
            if not self.minimum <= value <= self.maximum:
                raise OptionError(f"parameter {self.key!r} must lie in [{self.minimum}, {self.maximum}], "
                                  f"not {value}")
            return float(value)
        allowed = self.options(table)
        if value is None:
            if callable(self.default):
                return self.default(table, economy)
            if self.default is not None:
                return self.default
            return economy if self.kind == "region" and economy in allowed else allowed[0]
        if value not in allowed:
            shown = allowed if len(allowed) <= 60 else [*allowed[:60], "..."]
            raise OptionError(f"parameter {self.key!r} must be one of {shown}, not {value!r}")
        return value


@dataclass(frozen=True)
class View:
    """What a figure or a table needs to be shown in one language (the table's sector names, not the table)."""

    lang: str
    sector_names: Mapping[str, str] = field(default_factory=dict)
    sector_names_zh: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, table: IOTable, lang: str) -> "View":
        return cls(lang, dict(table.sector_names), dict(table.sector_names_zh))

    def t(self, key: str) -> str:
        return labels.t(key, self.lang)

    def region(self, code: str) -> str:
        """A region's name; codes that name no country (e.g. a measure's 'all regions' row) by their label."""
        name = country_names([code], self.lang)[0]
        return self.t(code) if name == code else name

    def sector(self, code: str) -> str:
        names = self.sector_names_zh if self.lang == "zh" else {}
        return names.get(code) or self.sector_names.get(code) or code


@dataclass
class Panel:
    """One block of a page: tidy data (with provenance in ``attrs``), an optional figure and how to label them.

    ``translate`` maps a column to the label-key prefix of its values (``{"term": "circ."}``); ``names`` maps a
    code column to 'region' or 'sector', and the shown table gets the code's name beside it; ``headers`` maps a
    column to the label key of its header when that is not the column's own name; ``note`` (a label key) is shown
    above the data, e.g. why a part does not apply to the table.
    """

    key: str
    caption: str
    data: pd.DataFrame
    figure: Callable[[View], Any] | None = None
    translate: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None


@dataclass
class PageContext:
    """What a page's computation receives: the table-year, the economy, the checked parameters, the job (for
    progress) and the memo of table-year results."""

    catalog: Catalog
    entry: TableEntry
    economy: str | None
    params: dict
    job: Job
    memo: Memo

    @cached_property
    def table(self) -> IOTable:
        return self.catalog.table(self.entry)

    def years(self) -> list[TableEntry]:
        """Every table-year of the dataset, for pages that show a figure over time."""
        return self.catalog.entries(self.entry.dataset)

    def per_table(self, entry: TableEntry, name: str, compute: Callable[[IOTable], Any]) -> Any:
        """``compute(table)`` for the table-year of ``entry``, memoised under ``name``."""
        return self.memo.get((entry.dataset, entry.year, name), lambda: compute(self.catalog.table(entry)))

    def progress(self, step: str, done: int, total: int) -> None:
        self.job.progress(step, done, total)


@dataclass(frozen=True)
class Page:
    key: str
    order: int
    title: str
    intro: str
    params: tuple[Param, ...]
    compute: Callable[[PageContext], list[Panel]]

    def describe(self, table: IOTable | None = None, economy: str | None = None) -> dict:
        return {"key": self.key, "title": self.title, "intro": self.intro,
                "params": [p.describe(table, economy) for p in self.params]}


_PAGES: dict[str, Page] = {}


def page(key: str, *, order: int, title: tuple[str, str], intro: tuple[str, str], params: tuple[Param, ...] = ()):
    """Register a page; ``title`` and ``intro`` are (English, Chinese) texts."""
    def register(compute: Callable[[PageContext], list[Panel]]):
        title_key, intro_key = f"web.page.{key}", f"web.page.{key}.intro"
        labels.register({title_key: title, intro_key: intro})
        _PAGES[key] = Page(key, order, title_key, intro_key, params, compute)
        return compute
    return register


@cache
def _load() -> dict[str, str]:
    """Import the page modules whose measure modules import; return {page module: why it was left out}."""
    omitted = {}
    for module, needs in PAGE_MODULES.items():
        try:
            for name in needs:
                importlib.import_module(name)
        except ImportError as exc:
            omitted[module] = f"needs {', '.join(needs)}, which cannot be imported here ({exc})"
            continue
        importlib.import_module(f"{__name__}.{module}")
    return omitted


def available_pages() -> list[Page]:
    """The registered pages in menu order."""
    _load()
    return sorted(_PAGES.values(), key=lambda p: (p.order, p.key))


def omitted_pages() -> dict[str, str]:
    """Pages left out because their measure module is not importable, with the reason."""
    return dict(_load())
