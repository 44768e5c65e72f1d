"""Commands on tables: ``info`` (summary, checks, engine diagnostics; formats and datasets) and ``convert``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from .. import datasets
from ..engine import engine_for
from ..errors import OptionError
from ..readers import layouts
from ..tables.model import IOTable
from ..tables.store import save_table
from .common import console, handles_errors, note_checks, open_table, read_table_file, status

CACHE_SUFFIX = ".npz"


def _formats() -> None:
    table = Table(title="Table formats (dualcirc convert / info / report --table)", title_justify="left")
    table.add_column("format")
    table.add_column("description")
    for name, layout in sorted(layouts().items()):
        table.add_row(name, escape(layout.description))
    console.print(table)
    table = Table(title="Built-in datasets (--dataset NAME [--year YEAR])", title_justify="left")
    for column in ("name", "years", "unit", "title"):
        table.add_column(column)
    for name, entries in datasets.by_name().items():
        table.add_row(name, ", ".join(str(d.year) for d in entries), escape(entries[0].unit),
                      escape(entries[0].title))
    console.print(table)


def _summary(table: IOTable) -> None:
    meta = table.meta
    console.print(escape(repr(table)), soft_wrap=True)
    grid = Table(show_header=False)
    grid.add_column(style="bold")
    grid.add_column()

    def shown(items, limit=12) -> str:
        items = list(items)
        return ", ".join(items[:limit]) + (f", ... ({len(items)} in all)" if len(items) > limit else "")

    rows = [("source", meta.source), ("edition", meta.edition), ("year", meta.year), ("unit", meta.unit),
            ("citation", meta.citation), ("file", meta.file),
            ("regions", f"{table.G}: {shown(table.regions)}"), ("sectors", f"{table.N}: {shown(table.sectors)}"),
            ("cells", table.n), ("final-demand categories", shown(table.fd_categories)),
            ("primary-input rows", shown(table.va_rows)),
            ("satellites", shown(f"{k} ({s.unit})" for k, s in table.satellites.items()) or "none"),
            ("open foreign sector", "yes (exports, imports outside the model)" if table.has_open_foreign_sector
             else "no"),
            ("total output", f"{table.x.sum():,.6g} {meta.unit}"),
            ("total value added", f"{table.va.sum():,.6g} {meta.unit}")]
    for key, value in rows:
        if value not in (None, ""):
            grid.add_row(key, escape(str(value)))
    console.print(grid)
    if not table.checks:
        console.print("[green]checks:[/] no findings")
    for finding in table.checks:
        colour = "yellow" if finding.level == "warning" else "cyan"
        console.print(f"[{colour}]{finding.level}[/] {escape(f'[{finding.code}]')} {escape(finding.message)}",
                      soft_wrap=True)


@handles_errors
def info(
    table_path: Annotated[Optional[Path], typer.Argument(metavar="[TABLE]", help="A table file (any format).")] = None,
    dataset: Annotated[Optional[str], typer.Option(help="A built-in dataset instead of a file.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Year of a multi-year file or dataset.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force a table format (see --formats).")] = None,
    formats: Annotated[bool, typer.Option("--formats", help="List table formats and built-in datasets.")] = False,
) -> None:
    """Summary, checks (METHODS.md 0.6) and engine diagnostics of a table; or the formats and datasets."""
    if formats or (table_path is None and dataset is None):
        _formats()
        if formats:
            return
        console.print("Give a TABLE file or --dataset NAME to see a table's summary.")
        return
    table = open_table(table_path, dataset, fmt, year)
    _summary(table)
    with status("factorising I - A"):
        diagnostics = engine_for(table).diagnostics()
    console.print("engine diagnostics: " + ", ".join(f"{k} = {v:.3e}" for k, v in diagnostics.items()),
                  soft_wrap=True)


@handles_errors
def convert(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="A table file in any supported format.")],
    output: Annotated[Path, typer.Argument(metavar="OUTPUT", help="The compact cache to write (.npz).")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force the input format (see info --formats).")] = None,
    year: Annotated[Optional[int], typer.Option(help="Year of a multi-year input file.")] = None,
    compress: Annotated[bool, typer.Option(help="Compress the cache (smaller, slower to load).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUTPUT if it exists.")] = False,
) -> None:
    """Read a table in any supported format and write it as a compact dualcirc cache (.npz)."""
    if output.suffix != CACHE_SUFFIX:
        raise OptionError(f"OUTPUT must be a {CACHE_SUFFIX} file, not {output}")
    if output.exists() and not force:
        raise OptionError(f"{output} exists; pass --force to overwrite it")
    table = read_table_file(input_path, fmt, year)
    note_checks(table)
    tmp = output.with_name(f".{output.stem}.partial{CACHE_SUFFIX}")
    try:
        with status(f"writing {output}"):
            save_table(table, tmp, compress=compress)
            os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    console.print(f"wrote {escape(str(output))} ({output.stat().st_size / 1e6:.1f} MB): {escape(repr(table))}",
                  soft_wrap=True)
