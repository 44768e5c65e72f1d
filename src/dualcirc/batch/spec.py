"""The batch specification: tables x years x measures x scenarios, where to write, how to run (METHODS.md 8.4).

A spec is a YAML file (``dualcirc batch SPEC.yaml``) or the same mapping in Python (:func:`spec_from_dict`).
Every mistake raises a :class:`~dualcirc.errors.ReaderError` naming the file, the line and the key (such as
``tables[1].years``) and what was expected.  Relative paths are relative to the spec file.  docs/batch.md has
the full schema; in short::

    output: results                  # partitioned Parquet + _manifest.json
    tables:
      - name: icio                   # letters, digits, '_', '-', '.'
        path: data/ICIO2023_{year}.csv   # or: dataset: wiod2013 | cache: t_{year}.npz | synthetic: {G: 41, N: 50}
        format: oecd_icio            # optional reader layout; options: {...} reader options
        years: 1995-2020             # a range, a year, or a list
    measures:
      - kww                          # a registered measure (dualcirc.batch.measures) ...
      - wwz: {level: country}        # ... with options
      - {name: bm_sector, measure: borin_mancini, options: {level: sector}}   # under an output name
      - shocks                       # scenario-driven: one part per scenario of kind 'shock'
    scenarios:
      - {name: cut_chn_c26, kind: shock, source: CHN, products: [C26], theta: 0.5}
      - {name: no_r02, kind: extraction, region: R02, variant: total}
    scenarios_per_task: 25
    engine: {backend: numpy, lu: auto}                 # backend: cupy for the GPU
    cluster: {workers: 2, memory_limit: 6GB}           # or scheduler: tcp://host:8786
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml
from dask.utils import parse_bytes

from ..engine.backend import EngineConfig
from ..errors import InputError, ReaderError
from ..readers import layouts
from ..testing import random_icio
from .measures import measure_def, scenario_kinds

TABLE_KINDS = ("path", "dataset", "cache", "synthetic")
TOP_KEYS = ("output", "tables", "measures", "scenarios", "scenarios_per_task", "engine", "cluster")
TABLE_KEYS = ("name", "years", "format", "options") + TABLE_KINDS
CLUSTER_KEYS = ("workers", "memory_limit", "blas_threads", "scheduler", "processes")
#: scenario of the parts of measures that take none
BASELINE = "baseline"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_YEARS = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")
#: arguments of a synthetic table (dualcirc.testing.random_icio; the seed is offset by the year)
SYNTHETIC_KEYS = tuple(inspect.signature(random_icio).parameters)


@dataclass(frozen=True)
class TableSource:
    """One table of the plan: where each year comes from (``kind`` one of :data:`TABLE_KINDS`)."""

    name: str
    kind: str
    years: tuple[int, ...]
    location: str = ""                   # path template, dataset name or cache template ('' for synthetic)
    format: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)   # reader options, or random_icio arguments

    def path_for(self, year: int) -> Path:
        """The file of ``year`` (path and cache kinds): ``{year}`` in the template is replaced."""
        return Path(self.location.replace("{year}", str(year)))


@dataclass(frozen=True)
class MeasureSpec:
    """One measure of the plan under its output ``name``."""

    name: str
    measure: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioSpec:
    name: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClusterSpec:
    """Where the tasks run: a LocalCluster of ``workers`` single-threaded processes (default: one per core), or an
    existing ``scheduler``.  ``blas_threads`` (BLAS and Arrow threads per worker) defaults to cores // workers
    (METHODS.md 8.4)."""

    workers: int | None = None
    memory_limit: str | int | None = None
    blas_threads: int | None = None
    scheduler: str | None = None
    processes: bool = True


@dataclass(frozen=True)
class BatchSpec:
    source: str                          # the spec file, or '<dict>'
    output: Path
    tables: tuple[TableSource, ...]
    measures: tuple[MeasureSpec, ...]
    scenarios: tuple[ScenarioSpec, ...] = ()
    scenarios_per_task: int = 25
    engine: EngineConfig = EngineConfig()
    cluster: ClusterSpec = ClusterSpec()


class _Where:
    """Locates keys of the spec for error messages: key paths such as ('tables', 1, 'years') -> line numbers."""

    def __init__(self, source: str, lines: Mapping[tuple, int]):
        self.source, self.lines = source, lines

    def error(self, path: tuple, message: str) -> ReaderError:
        line = next((self.lines[path[:k]] for k in range(len(path), -1, -1) if path[:k] in self.lines), None)
        key = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))
        return ReaderError(message, file=self.source, row=line, column=key or None)


def _lines(node, path: tuple = (), out: dict | None = None) -> dict:
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[path + (key.value,)] = key.start_mark.line + 1
            _lines(value, path + (key.value,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, path + (i,), out)
    return out


def load_spec(path: str | Path) -> BatchSpec:
    """Read and validate a batch spec file."""
    path = Path(path)
    if not path.is_file():
        raise ReaderError("no such batch spec file", file=str(path))
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ReaderError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                          row=mark.line + 1 if mark else None) from None
    lines = _lines(root) if root is not None else {}
    return spec_from_dict(data, base=path.parent, where=_Where(str(path), lines))


def spec_from_dict(data: Mapping, *, base: str | Path = ".", where: _Where | None = None) -> BatchSpec:
    """Validate a spec given as a mapping; relative paths are taken from ``base``."""
    where = where or _Where("<dict>", {})
    base = Path(base)
    if not isinstance(data, Mapping):
        raise where.error((), "a batch spec is a mapping with the keys output, tables, measures (and optionally "
                              "scenarios, engine, cluster)")
    _known_keys(data, TOP_KEYS, (), where)
    for key in ("output", "tables", "measures"):
        if key not in data:
            raise where.error((key,), f"the key {key!r} is required")
    output = _path(data["output"], base, ("output",), where)
    tables = _tables(data["tables"], base, where)
    scenarios = _scenarios(data.get("scenarios") or [], where)
    measures = _measures(data["measures"], scenarios, where)
    per_task = data.get("scenarios_per_task", 25)
    if not isinstance(per_task, int) or isinstance(per_task, bool) or per_task < 1:
        raise where.error(("scenarios_per_task",), f"expected a whole number >= 1, not {per_task!r}")
    return BatchSpec(source=where.source, output=output, tables=tables, measures=measures, scenarios=scenarios,
                     scenarios_per_task=per_task, engine=_engine(data.get("engine") or {}, where),
                     cluster=_cluster(data.get("cluster") or {}, where))


# ---------------------------------------------------------------------------------------------- sections
def _known_keys(mapping: Mapping, allowed: tuple, path: tuple, where: _Where) -> None:
    for key in mapping:
        if key not in allowed:
            raise where.error(path + (key,), f"unknown key {key!r}; allowed keys: {list(allowed)}")


def _name(value, path: tuple, where: _Where, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise where.error(path, f"{what} name {value!r} must start with a letter or digit and use only letters, "
                                "digits, '_', '-' and '.' (it names folders of the output)")
    return value


def _path(value, base: Path, path: tuple, where: _Where) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise where.error(path, f"expected a path, not {value!r}")
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _years(value, path: tuple, where: _Where) -> tuple[int, ...]:
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        return (value,)
    span = _YEARS.match(value) if isinstance(value, str) else None
    if span:
        first, last = map(int, span.groups())
        if last >= first:
            return tuple(range(first, last + 1))
    if isinstance(value, list) and value and all(isinstance(y, int) and not isinstance(y, bool) for y in value):
        if len(set(value)) != len(value):
            raise where.error(path, f"a year is listed twice in {value}")
        return tuple(value)
    raise where.error(path, f"expected years as a year (2011), a range ('1995-2020') or a list ([1995, 2000]), "
                            f"not {value!r}")


def _mapping(value, path: tuple, where: _Where, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise where.error(path, f"{what} must be a mapping of names to values, not {value!r}")
    return dict(value)


def _tables(value, base: Path, where: _Where) -> tuple[TableSource, ...]:
    if not isinstance(value, list) or not value:
        raise where.error(("tables",), "expected a non-empty list of tables")
    out, seen = [], set()
    for i, entry in enumerate(value):
        path = ("tables", i)
        if not isinstance(entry, Mapping):
            raise where.error(path, "each table is a mapping with name, years and one of " + ", ".join(TABLE_KINDS))
        _known_keys(entry, TABLE_KEYS, path, where)
        name = _name(entry.get("name"), path + ("name",), where, "table")
        if name in seen:
            raise where.error(path + ("name",), f"the table name {name!r} is used twice")
        seen.add(name)
        kinds = [k for k in TABLE_KINDS if k in entry]
        if len(kinds) != 1:
            raise where.error(path, f"table {name!r} needs exactly one of {list(TABLE_KINDS)}, found {kinds}")
        kind = kinds[0]
        if "years" not in entry:
            raise where.error(path + ("years",), f"table {name!r} needs years")
        years = _years(entry["years"], path + ("years",), where)
        if kind in ("dataset", "synthetic") and ("format" in entry or "options" in entry):
            raise where.error(path, f"format and options apply to table files (path:), not to {kind} tables")
        if kind == "cache" and ("format" in entry or "options" in entry):
            raise where.error(path, "a dualcirc cache takes no format or reading options")
        if kind == "synthetic":
            options = _mapping(entry["synthetic"], path + ("synthetic",), where, "synthetic")
            _known_keys(options, SYNTHETIC_KEYS, path + ("synthetic",), where)
            location = ""
        elif kind == "dataset":
            options, location = {}, _dataset(entry["dataset"], years, path, where)
        else:
            options = _mapping(entry.get("options"), path + ("options",), where, "options")
            location = str(_path(entry[kind], base, path + (kind,), where))
            if len(years) > 1 and "{year}" not in location and kind == "cache":
                raise where.error(path + ("cache",), "a cache holds one table-year; put {year} in the file name")
        fmt = entry.get("format")
        if fmt is not None and fmt not in layouts():
            raise where.error(path + ("format",), f"unknown reader layout {fmt!r}; known: {sorted(layouts())}")
        out.append(TableSource(name, kind, years, location, fmt, options))
    return tuple(out)


def _dataset(value, years: tuple[int, ...], path: tuple, where: _Where) -> str:
    from .. import datasets

    for year in years:
        try:
            datasets.dataset_info(value, year)
        except InputError as exc:
            raise where.error(path + ("dataset",), str(exc)) from None
    return value


def _scenarios(value, where: _Where) -> tuple[ScenarioSpec, ...]:
    if not isinstance(value, list):
        raise where.error(("scenarios",), "expected a list of scenarios (mappings with name, kind and parameters)")
    kinds = scenario_kinds()
    out, seen = [], set()
    for i, entry in enumerate(value):
        path = ("scenarios", i)
        if not isinstance(entry, Mapping):
            raise where.error(path, "each scenario is a mapping with name, kind and the kind's parameters")
        name = _name(entry.get("name"), path + ("name",), where, "scenario")
        if name == BASELINE or name in seen:
            raise where.error(path + ("name",), f"the scenario name {name!r} is "
                              + ("reserved for parts without a scenario" if name == BASELINE else "used twice"))
        seen.add(name)
        kind = entry.get("kind")
        if kind not in kinds:
            raise where.error(path + ("kind",), f"unknown scenario kind {kind!r}; allowed: {sorted(kinds)}")
        params = {k: v for k, v in entry.items() if k not in ("name", "kind")}
        _known_keys(params, kinds[kind], path, where)
        out.append(ScenarioSpec(name, kind, params))
    return tuple(out)


def _measures(value, scenarios: tuple[ScenarioSpec, ...], where: _Where) -> tuple[MeasureSpec, ...]:
    if not isinstance(value, list) or not value:
        raise where.error(("measures",), "expected a non-empty list of measures")
    out, seen = [], set()
    for i, entry in enumerate(value):
        path = ("measures", i)
        if isinstance(entry, str):
            name, measure, options, opath = entry, entry, {}, path
        elif isinstance(entry, Mapping) and "measure" in entry:
            _known_keys(entry, ("name", "measure", "options"), path, where)
            measure = entry["measure"]
            name = entry.get("name", measure)
            options, opath = _mapping(entry.get("options"), path + ("options",), where, "options"), path + ("options",)
        elif isinstance(entry, Mapping) and len(entry) == 1:
            (measure, raw), = entry.items()
            name, opath = measure, path + (measure,)
            options = _mapping(raw, opath, where, "options")
        else:
            raise where.error(path, "a measure is a name ('kww'), a mapping of one name to its options "
                                    "({wwz: {level: country}}) or {name:, measure:, options:}")
        try:
            definition = measure_def(measure)
        except InputError as exc:
            raise where.error(path, str(exc)) from None
        name = _name(name.replace(":", "."), path, where, "measure output")
        if name in seen:
            raise where.error(path, f"the output name {name!r} is used twice; give one a name: key")
        seen.add(name)
        if definition.options:
            _known_keys(options, definition.options, opath, where)
        if definition.scenario_kind and not any(s.kind == definition.scenario_kind for s in scenarios):
            raise where.error(path, f"measure {measure!r} runs once per scenario of kind "
                                    f"{definition.scenario_kind!r}, and the spec defines none")
        out.append(MeasureSpec(name, measure, options))
    return tuple(out)


def _engine(value, where: _Where) -> EngineConfig:
    options = _mapping(value, ("engine",), where, "engine")
    _known_keys(options, ("backend", "lu"), ("engine",), where)
    try:
        return EngineConfig(**options)
    except InputError as exc:
        raise where.error(("engine",), str(exc)) from None


def _cluster(value, where: _Where) -> ClusterSpec:
    options = _mapping(value, ("cluster",), where, "cluster")
    _known_keys(options, CLUSTER_KEYS, ("cluster",), where)
    for key in ("workers", "blas_threads"):
        v = options.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            raise where.error(("cluster", key), f"expected a whole number >= 1, not {v!r}")
    scheduler = options.get("scheduler")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise where.error(("cluster", "scheduler"), f"expected a scheduler address such as tcp://host:8786, "
                                                    f"not {scheduler!r}")
    if "processes" in options and not isinstance(options["processes"], bool):
        raise where.error(("cluster", "processes"), "expected true or false")
    limit = options.get("memory_limit")
    if limit is not None:
        try:
            if isinstance(limit, bool):
                raise TypeError(limit)
            parse_bytes(limit)
        except (TypeError, ValueError, AttributeError):
            raise where.error(("cluster", "memory_limit"), f"expected a size such as '6GB' or a number of bytes, "
                                                           f"not {limit!r}") from None
    return ClusterSpec(**options)
