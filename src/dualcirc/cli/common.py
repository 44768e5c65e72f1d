"""What every command shares: consoles, clean error printing, progress display, option choices, opening a table
and writing a result.

Errors raised on purpose by dualcirc (``DualcircError``) and file-system errors are printed as one red line on
stderr, without a traceback, and the command exits with :data:`EXIT_ERROR`; anything else is a bug and keeps its
traceback.  Table-check warnings are not printed as Python warnings: they are in ``table.checks`` and
``dualcirc info`` lists them.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .. import datasets
from ..errors import DualcircError, OptionError, TableWarning
from ..labels import LANGS
from ..measures.output import write_result
from ..readers import detect_layout, layouts, read_table
from ..tables.model import IOTable

EXIT_ERROR = 2

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def choices(name: str, values: Iterable[str]) -> type[Enum]:
    """An option's choices as the str Enum typer expects, each member named by its value."""
    return Enum(name, {value: value for value in values}, type=str)


#: the language of labels, for the commands that print or write them
Lang = choices("Lang", LANGS)


def print_error(message: str) -> None:
    """One red line on stderr."""
    err_console.print(f"[bold red]error:[/] [red]{escape(' '.join(str(message).split()))}[/]", soft_wrap=True)


def handles_errors(command):
    """Decorate a command so that dualcirc and file-system errors end it with one red line and exit code 2."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TableWarning)
                return command(*args, **kwargs)
        except DualcircError as exc:
            print_error(str(exc))
        except OSError as exc:
            print_error(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        raise typer.Exit(EXIT_ERROR)
    return run


@contextmanager
def status(message: str) -> Iterator[None]:
    """A spinner for a step of unknown length (reading a file, factorising I - A)."""
    with console.status(escape(message), spinner="dots"):
        yield


@contextmanager
def progress_bar(description: str) -> Iterator:
    """A progress bar; yields a hook ``(description, done, total)`` as the report builder expects."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(escape(description), total=None)

        def hook(step: str, done: int, total: int) -> None:
            bar.update(task, description=escape(f"{description}: {step}"), completed=done, total=total)
        yield hook


def write_out(result: pd.DataFrame, out: Path | None) -> None:
    """Write ``result`` to ``out`` (.csv, .xlsx or .parquet) when given, and say so."""
    if out is not None:
        console.print(f"wrote {escape(str(write_result(result, out)))} ({len(result)} rows)")


def print_citation(table: IOTable) -> None:
    """The data line under a command's output: the table's label and how to cite it (where it has a citation)."""
    if table.meta.citation:
        console.print(f"data: {escape(table.meta.label())}. Cite: {escape(table.meta.citation)}", soft_wrap=True)


def note_checks(table: IOTable) -> None:
    """One yellow line naming the table-check warnings (METHODS.md 0.6), which ``dualcirc info`` details."""
    codes = [f.code for f in table.checks if f.level == "warning"]
    if codes:
        console.print(f"[yellow]table checks:[/] {len(codes)} warning(s) ({escape(', '.join(codes))}); "
                      "`dualcirc info` lists them", soft_wrap=True)


def _takes_year(read) -> bool:
    params = inspect.signature(read).parameters
    return "year" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def read_table_file(path: Path, fmt: str | None = None, year: int | None = None) -> IOTable:
    """Read a table file with the named or detected layout; ``year`` picks one year of a multi-year file."""
    layout = detect_layout(path) if fmt is None else layouts().get(fmt)
    options = {}
    if year is not None:
        if layout is not None and not _takes_year(layout.read):
            raise OptionError(f"the {layout.name} layout holds one table; it takes no --year")
        options["year"] = year
    with status(f"reading {path}"):
        table = read_table(path, format=layout.name if layout is not None else fmt, **options)
    if isinstance(table, dict):
        if len(table) != 1:
            raise OptionError(f"{path} holds the years {sorted(table)}; choose one with --year")
        table = next(iter(table.values()))
    return table


def open_table(path: Path | None, dataset: str | None, fmt: str | None, year: int | None) -> IOTable:
    """The table a command works on: a file, or a built-in dataset (the default dataset when neither is given)."""
    if path is not None and dataset is not None:
        raise OptionError("give either a table file or --dataset, not both")
    if path is not None:
        return read_table_file(path, fmt, year)
    if fmt is not None:
        raise OptionError("--format applies to table files, not to built-in datasets")
    with status(f"loading the built-in dataset {dataset or datasets.DEFAULT}"):
        return datasets.load(dataset or datasets.DEFAULT, year)
