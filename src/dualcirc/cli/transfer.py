"""The ``transfer`` commands (METHODS.md 7): ``shift-share``, ``sda`` and ``trends`` over table-years.

Tables come from a built-in dataset (``--dataset``, all its years unless ``--years``), one multi-year file
(``--table``, e.g. the long-run WIOD) or several single-year files (``--tables`` repeated).  Each command prints a
short summary and, with ``--out``, writes its tidy results as CSV files plus ``provenance.json`` (method, options,
source and unit of every file).  Comparisons across years are nominal unless the tables were deflated.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Mapping, Optional

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from .. import datasets
from ..errors import OptionError
from ..measures import transfer as tr
from ..measures.sector_sets import ROLES, sector_sets
from ..readers import read_table
from ..report.framework import DEFAULT_ECONOMY
from ..tables.model import IOTable
from .common import console, handles_errors, status

transfer_app = typer.Typer(name="transfer", no_args_is_help=True, add_completion=False,
                           help="Industrial transfer, structural decomposition and the five trends (METHODS.md 7).")

DatasetOpt = Annotated[Optional[str], typer.Option("--dataset", help="A built-in dataset (default: wiod2013).")]
TableOpt = Annotated[Optional[Path], typer.Option("--table", help="One file holding several years (e.g. LR-WIOD).")]
TablesOpt = Annotated[Optional[list[Path]], typer.Option("--tables", help="Single-year table files (repeat).")]
YearsOpt = Annotated[Optional[str], typer.Option("--years", help="Comma-separated years, e.g. 1995,2011.")]
FormatOpt = Annotated[Optional[str], typer.Option("--format", help="Force the format of --table/--tables.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help="Folder for the CSV results and provenance.json.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite result files already in --out.")]


def _years(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise OptionError(f"--years must be comma-separated years such as 1995,2011, not {text!r}") from None


def load_years(dataset: str | None, table: Path | None, tables: list[Path] | None, years: str | None,
               fmt: str | None) -> dict[int, IOTable]:
    """The table-years a command works on, keyed by year (see the module docstring)."""
    chosen = _years(years)
    if sum(x is not None and x != [] for x in (dataset, table, tables)) > 1:
        raise OptionError("give one of --dataset, --table or --tables")
    if table is not None or tables:
        found: dict[int, IOTable] = {}
        for path in ([table] if table is not None else tables):
            with status(f"reading {path}"):
                read = read_table(path, format=fmt)
            for year, item in (read.items() if isinstance(read, Mapping) else [(read.meta.year, read)]):
                if year is None:
                    raise OptionError(f"{path} does not say its year; use a file whose layout records it")
                found[int(year)] = item
    else:
        if fmt is not None:
            raise OptionError("--format applies to table files, not to built-in datasets")
        name = dataset or datasets.DEFAULT
        available = [d.year for d in datasets.by_name().get(name, [])] or [datasets.dataset_info(name).year]
        with status(f"loading the built-in dataset {name}"):
            found = {y: datasets.load(name, y) for y in (chosen or available)}
    if chosen is not None:
        missing = sorted(set(chosen) - set(found))
        if missing:
            raise OptionError(f"no table for the year(s) {missing}; the input has {sorted(found)}")
        found = {y: found[y] for y in chosen}
    return dict(sorted(found.items()))


def load_comparison(comparison: str, dataset: str | None, table: Path | None, tables: list[Path] | None,
                    years: str | None, fmt: str | None) -> dict[int, IOTable]:
    """:func:`load_years` for a ``comparison`` between years (shift-share, SDA): at least two of them."""
    by_year = load_years(dataset, table, tables, years, fmt)
    if len(by_year) < 2:
        raise OptionError(f"{comparison} needs two years; give --years START,END")
    return by_year


def _economy(table: IOTable, economy: str | None) -> str:
    """The region a command summarises: the one asked for, else CHN when present, else the first."""
    regions = list(table.regions)
    economy = economy or (DEFAULT_ECONOMY if DEFAULT_ECONOMY in regions else regions[0])
    if economy not in regions:
        raise OptionError(f"unknown economy {economy!r}; the tables have {regions}")
    return economy


def _sectors(table: IOTable, spec: str) -> list[str]:
    """A role of :mod:`~dualcirc.measures.sector_sets` ('manufacturing', 'services', 'digital'), 'all', or codes."""
    if spec == "all":
        return list(table.sectors)
    if spec in ROLES:
        return list(sector_sets(table, need=(spec,)).of(spec))
    codes = [c.strip() for c in spec.split(",") if c.strip()]
    unknown = [c for c in codes if c not in table.sectors]
    if unknown:
        raise OptionError(f"unknown sector code(s) {unknown}; use one of {list(ROLES)}, 'all' or codes of the table "
                          f"({', '.join(table.sectors[:8])}, ...)")
    return codes


def check_out(out: Path | None, force: bool) -> None:
    """Refuse, before any work, a file or a non-empty folder as ``--out`` unless ``force``."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise OptionError(f"--out {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OptionError(f"the folder {out} is not empty; choose an empty or new folder, or pass --force to "
                          "overwrite the result files in it")


def write_results(out: Path | None, frames: Mapping[str, pd.DataFrame]) -> None:
    """One CSV per result and provenance.json (method, source, citation, unit and options of each file)."""
    if out is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    provenance = {}
    for name, frame in frames.items():
        frame.to_csv(out / f"{name}.csv", index=False)
        provenance[f"{name}.csv"] = {k: frame.attrs.get(k) for k in ("method", "source", "citation", "unit")}
        provenance[f"{name}.csv"]["options"] = json.loads(json.dumps(frame.attrs.get("options", {}), default=str))
    (out / "provenance.json").write_text(json.dumps(provenance, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"wrote {len(frames)} CSV file(s) and provenance.json into {escape(str(out))}")


def _show(title: str, frame: pd.DataFrame, digits: int = 3) -> None:
    table = Table(title=escape(title), title_justify="left")
    for column in frame.columns:
        table.add_column(escape(str(column)))
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:,.{digits}f}" if isinstance(v, float) else escape(str(v)) for v in row))
    console.print(table)


@transfer_app.command("shift-share")
@handles_errors
def shift_share_command(
    dataset: DatasetOpt = None, table: TableOpt = None, tables: TablesOpt = None, years: YearsOpt = None,
    fmt: FormatOpt = None,
    measure: Annotated[str, typer.Option(help="output, va, a primary-input row or a satellite.")] = "va",
    sectors: Annotated[str, typer.Option(help="manufacturing | services | digital | all | comma-separated codes."
                                         )] = "manufacturing",
    by_sector: Annotated[bool, typer.Option("--by-sector", help="Keep sectors apart instead of summing them.")] = False,
    homothetic: Annotated[bool, typer.Option(help="Add the Esteban-Marquillas split.")] = False,
    top: Annotated[int, typer.Option(help="Regions shown.")] = 10,
    out: OutOpt = None, force: ForceOpt = False,
) -> None:
    """Regional shares, transfer amount and speed, and shift-share between the first and last year (METHODS.md 7.1)."""
    check_out(out, force)
    by_year = load_comparison("shift-share", dataset, table, tables, years, fmt)
    first = next(iter(by_year.values()))
    codes = _sectors(first, sectors)
    named = sectors if sectors in (*ROLES, "all") else "selected"
    groups = {c: [c] for c in codes} if by_sector else {named: codes}
    levels = tr.sector_levels(by_year, measure, groups=groups)
    start, end = min(by_year), max(by_year)
    result = tr.shift_share(levels, start, end, homothetic=homothetic)
    regions = result.regions.pivot(index="region", columns="indicator", values="value")
    ranked = regions.sort_values("net_transfer").reset_index()
    shown = ranked if len(ranked) <= top else pd.concat([ranked.head(top - top // 2), ranked.tail(top // 2)])
    _show(f"Net transfer of {measure} {start}-{end} ({levels.attrs['unit']}; + transferred in, - out)", shown)
    write_results(out, {"shift_share_cells": result.cells, "shift_share_sectors": result.sectors,
                        "shift_share_regions": result.regions, "levels": levels})


@transfer_app.command("sda")
@handles_errors
def sda_command(
    dataset: DatasetOpt = None, table: TableOpt = None, tables: TablesOpt = None, years: YearsOpt = None,
    fmt: FormatOpt = None,
    measure: Annotated[str, typer.Option(help="va, output or a satellite.")] = "va",
    method: Annotated[str, typer.Option(help="polar (default) or exact (all k! orders).")] = "polar",
    categories: Annotated[str, typer.Option(help="split (category mix as a factor) or merged.")] = "split",
    economy: Annotated[Optional[str], typer.Option(help="Region summarised (default CHN when present).")] = None,
    out: OutOpt = None, force: ForceOpt = False,
) -> None:
    """Structural decomposition of the change in VA, output or emissions between the first and last year (7.2)."""
    check_out(out, force)
    by_year = load_comparison("SDA", dataset, table, tables, years, fmt)
    start, end = min(by_year), max(by_year)
    with status("decomposing"):
        result = tr.sda(by_year[start], by_year[end], measure=measure, method=method, categories=categories)
    economy = _economy(by_year[end], economy)
    summary = (result[result["region"] == economy].groupby("effect", observed=True)[["value", "gap"]].sum()
               .reset_index())
    _show(f"{economy}: SDA of {measure} {start}-{end}, {method} average ({result.attrs['unit']}; gap = polar - "
          "all orders)", summary, digits=1)
    write_results(out, {"sda": result})


@transfer_app.command("trends")
@handles_errors
def trends_command(
    dataset: DatasetOpt = None, table: TableOpt = None, tables: TablesOpt = None, years: YearsOpt = None,
    fmt: FormatOpt = None,
    bloc: Annotated[str, typer.Option(help="Bloc of the regionalisation trend (a group name or codes).")] = "RCEP",
    satellite: Annotated[Optional[str], typer.Option(help="Emission satellite for the greening trend.")] = None,
    va: Annotated[str, typer.Option(help="Value added: 'va' or one primary-input row (e.g. VA).")] = "va",
    manufacturing: Annotated[Optional[str], typer.Option(help="Manufacturing sector codes (comma-separated; "
                                                         "default: from the table's sector list).")] = None,
    services: Annotated[Optional[str], typer.Option(help="Service sector codes (comma-separated).")] = None,
    digital: Annotated[Optional[str], typer.Option(help="Digital sector codes (comma-separated).")] = None,
    economy: Annotated[Optional[str], typer.Option(help="Region summarised (default CHN when present).")] = None,
    out: OutOpt = None, force: ForceOpt = False,
) -> None:
    """The five trends over the years: regionalisation, transfer speed, servitisation, greening, digital
    intensity, and hollowing-out signals (METHODS.md 7.3-7.7)."""
    check_out(out, force)
    by_year = load_years(dataset, table, tables, years, fmt)
    last = by_year[max(by_year)]
    given = {role: None if codes is None else _sectors(last, codes)
             for role, codes in (("manufacturing", manufacturing), ("services", services), ("digital", digital))}
    sets = sector_sets(last, **given)
    economy = _economy(last, economy)
    members = bloc if "," not in bloc else [c.strip() for c in bloc.split(",")]
    frames: dict[str, pd.DataFrame] = {}
    with status("computing the trends"):
        regional = tr.regionalisation(by_year, members)
        frames.update({"regionalisation": regional.levels, "regionalisation_trend": regional.trend})
        if len(by_year) > 1:
            frames["transfer_speed"] = tr.transfer_speed(by_year, sectors=sets.manufacturing)
        for name, result in (("servitisation", tr.servitisation(by_year, services=sets.services,
                                                                manufacturing=sets.manufacturing)),
                             ("digital_intensity", tr.digital_intensity(by_year, digital=sets.digital)),
                             ("hollowing_out", tr.hollowing_out(by_year, manufacturing=sets.manufacturing, va=va))):
            frames.update({name: result.levels, f"{name}_trend": result.trend})
            if result.detail is not None:
                frames[f"{name}_detail"] = result.detail
        if satellite is not None:
            greening = tr.emissions_in_trade(by_year, satellite)
            frames.update({"emissions_in_trade": greening.levels, "emissions_in_trade_trend": greening.trend})
            if len(by_year) > 1:
                frames["decoupling"] = tr.decoupling(by_year, satellite)
    rows = [("regionalisation", regional.levels[regional.levels["unit"] == tr.RATIO]),
            ("servitisation", frames["servitisation"][(frames["servitisation"]["region"] == economy)
                                                      & frames["servitisation"]["indicator"].isin(
                                                          ["complete_share", "exports_va_share"])]),
            ("digital", frames["digital_intensity"][(frames["digital_intensity"]["region"] == economy)
                                                    & (frames["digital_intensity"]["indicator"] == "va_share")]),
            ("hollowing-out", frames["hollowing_out"][frames["hollowing_out"]["region"] == economy])]
    summary = pd.concat([part.assign(trend=name) for name, part in rows], ignore_index=True)
    wide = summary.pivot_table(index=["trend", "indicator"], columns="year", values="value", sort=False).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    _show(f"Trends ({economy}; bloc {regional.levels['bloc'].iloc[0]}; nominal unless deflated)", wide)
    write_results(out, frames)
