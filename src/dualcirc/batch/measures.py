"""What a batch can compute: the registry of measures and of scenario kinds (METHODS.md 8.4).

A measure is a public function ``f(table, **options)`` of :mod:`dualcirc.measures` returning a tidy DataFrame, or a
dataclass of them (one output per DataFrame field, e.g. ``hypothetical_extraction`` -> ``_losses`` and
``_totals``).  A *scenario-driven* measure also takes one scenario: its kind names the parameters a scenario of
that kind may set.  Two kinds are built in -- ``shock`` (supply-shock propagation, :func:`risk.make_shock` /
:func:`risk.simulate_shocks`, METHODS.md 6.4) and ``extraction`` (:func:`core.hypothetical_extraction`, 1.6);
:func:`register_measure` adds others.  A spec may also name any importable ``"package.module:function"`` with the
same contract (resolved on the workers, which must be able to import it).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from dataclasses import dataclass
from typing import Callable, Mapping

import pandas as pd

from ..errors import OptionError
from ..measures import core, gvc, risk, vat
from ..tables.model import IOTable

#: arguments of measure functions that a batch supplies itself, never the spec
RESERVED = ("table", "engine")


@dataclass(frozen=True)
class MeasureDef:
    """A measure a batch can run: ``run(table, options, scenario)`` -> DataFrame or a dataclass of them, where
    ``scenario`` is None or (scenario name, its parameters).

    ``options`` are the keyword options a spec may set (validated when the spec is read); ``scenario_kind`` is
    None for measures computed once per table-year, else the kind of scenario each part takes; ``needs_inverse``
    says whether the measure forms the explicit n x n Leontief inverse (it sets the memory estimate of a task).
    """

    name: str
    run: Callable[[IOTable, dict, tuple[str, dict] | None], object]
    options: tuple[str, ...]
    scenario_kind: str | None = None
    scenario_params: tuple[str, ...] = ()
    needs_inverse: bool = True
    description: str = ""


_MEASURES: dict[str, MeasureDef] = {}
#: scenario_call(table, options, scenario name, scenario parameters) -> result
ScenarioCall = Callable[[IOTable, Mapping, str, Mapping], object]


def keyword_options(func: Callable, exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The keyword parameters of ``func`` a spec may set (all but the table, the engine and ``exclude``)."""
    params = inspect.signature(func).parameters
    return tuple(p for p in params if p not in RESERVED + exclude)


def register_measure(name: str, func: Callable, *, needs_inverse: bool = True, scenario_kind: str | None = None,
                     scenario_params: tuple[str, ...] = (), scenario_call: ScenarioCall | None = None,
                     supplied: tuple[str, ...] = ()) -> MeasureDef:
    """Make ``func(table, **options)`` available to batch specs as ``name``.

    A scenario-driven measure gives its ``scenario_kind``, the ``scenario_params`` a scenario of that kind sets,
    and ``scenario_call(table, options, scenario_name, params)`` that runs it for one scenario; ``supplied`` names
    further arguments of ``func`` that the call fills, so that a spec cannot set them as options.
    """
    if scenario_kind is None:
        def run(table, options, scenario, func=func):
            return func(table, **options)
    elif scenario_call is None:
        raise OptionError(f"measure {name!r}: a scenario-driven measure needs scenario_call")
    else:
        def run(table, options, scenario, call=scenario_call):
            return call(table, options, scenario[0], scenario[1])
    measure = MeasureDef(name, run, keyword_options(func, exclude=tuple(scenario_params) + tuple(supplied)),
                         scenario_kind, tuple(scenario_params), needs_inverse,
                         (inspect.getdoc(func) or "").split("\n")[0])
    _MEASURES[name] = measure
    return measure


def _custom(path: str) -> MeasureDef:
    """A measure named ``package.module:function`` (imported here, and again on each worker)."""
    module_name, _, attr = path.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise OptionError(f"cannot import the measure {path!r} ({type(exc).__name__}: {exc}); a custom measure "
                          "is written 'package.module:function' and must be importable on every worker") from None
    if not callable(func):
        raise OptionError(f"{path!r} is not a function")
    params = inspect.signature(func).parameters
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())

    def run(table, options, scenario, func=func):
        return func(table, **options)
    return MeasureDef(path, run, () if open_ended else keyword_options(func), description=path)


def measure_def(name: str) -> MeasureDef:
    """The registered measure ``name``, or a custom ``module:function``; OptionError lists the known names."""
    if name in _MEASURES:
        return _MEASURES[name]
    if ":" in name:
        return _custom(name)
    raise OptionError(f"unknown measure {name!r}; known measures: {sorted(_MEASURES)} (or a custom "
                      "'package.module:function')")


def known_measures() -> dict[str, MeasureDef]:
    """Every registered measure by name."""
    return dict(_MEASURES)


def scenario_kinds() -> dict[str, tuple[str, ...]]:
    """Scenario kind -> the parameters a scenario of that kind may set."""
    return {m.scenario_kind: m.scenario_params for m in _MEASURES.values() if m.scenario_kind}


def outputs(alias: str, result) -> dict[str, pd.DataFrame]:
    """The DataFrames of one result by output name: ``alias`` for a DataFrame, ``alias_field`` for each DataFrame
    field of a dataclass result."""
    if isinstance(result, pd.DataFrame):
        return {alias: result}
    if dataclasses.is_dataclass(result):
        found = {f"{alias}_{f.name}": getattr(result, f.name) for f in dataclasses.fields(result)
                 if isinstance(getattr(result, f.name), pd.DataFrame)}
        if found:
            return found
    raise OptionError(f"measure {alias!r} returned {type(result).__name__}; a measure must return a DataFrame "
                      "or a dataclass of DataFrames")


# ---------------------------------------------------------------------------------------------- built-ins
for _func, _inverse in ((vat.kww, True), (vat.wwz, True), (vat.borin_mancini, True), (vat.vax, True),
                        (vat.va_absorption, True), (vat.vertical_specialisation, True), (vat.ltv, True),
                        (gvc.koopman_position, True), (gvc.wwyz_participation, True),
                        (gvc.production_length, True), (gvc.production_stages, False),
                        (core.output_multipliers, False), (core.value_added_multipliers, False),
                        (core.footprints, False), (core.linkages, True), (core.multiplier_split, True),
                        (core.extraction_single_cells, True)):
    register_measure(_func.__name__, _func, needs_inverse=_inverse)


def _shock(table: IOTable, options: Mapping, name: str, params: Mapping):
    return risk.simulate_shocks(table, risk.make_shock(table, name, **params), **options)


def _extraction(table: IOTable, options: Mapping, name: str, params: Mapping):
    return core.hypothetical_extraction(table, **options, **params)


register_measure("shocks", risk.simulate_shocks, needs_inverse=False, scenario_kind="shock",
                 scenario_params=keyword_options(risk.make_shock, exclude=("name",)), scenario_call=_shock,
                 supplied=("shocks",))
register_measure("hypothetical_extraction", core.hypothetical_extraction, needs_inverse=False,
                 scenario_kind="extraction", scenario_params=keyword_options(core.hypothetical_extraction),
                 scenario_call=_extraction)
