"""The ``report`` command: the HTML + xlsx report of one economy in one table (default: the built-in data)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from ..report import check_out_folder, write_report
from .common import Lang, console, handles_errors, note_checks, open_table, print_citation, progress_bar


@handles_errors
def report(
    dataset: Annotated[Optional[str], typer.Option(help="A built-in dataset (default: wiod2013, latest year).")] = None,
    table_path: Annotated[Optional[Path], typer.Option("--table", help="A table file instead of a dataset.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force the format of --table.")] = None,
    economy: Annotated[Optional[str], typer.Option(help="Region to describe (default CHN or the only region).")] = None,
    year: Annotated[Optional[int], typer.Option(help="Year of the dataset or of a multi-year file.")] = None,
    out: Annotated[Path, typer.Option(help="Folder for report.html and report.xlsx.")] = Path("dualcirc-report"),
    lang: Annotated[Lang, typer.Option(help="Language of the labels.")] = Lang.en,
    top: Annotated[int, typer.Option(help="Number of top sectors and partners shown in charts.")] = 10,
    force: Annotated[bool, typer.Option("--force", help="Write into a non-empty folder that is not a report.")] = False,
) -> None:
    """Write the report (multipliers, key sectors, VA absorption, trade dependence) as HTML and xlsx."""
    start = time.perf_counter()
    check_out_folder(out, force)  # refuse early, before any work
    table = open_table(table_path, dataset, fmt, year)
    note_checks(table)
    with progress_bar("report") as hook:
        files = write_report(table, out, economy=economy, lang=lang.value, top=top, force=force, progress=hook)
    console.print(f"wrote {escape(str(files.html))} and {escape(str(files.xlsx))} "
                  f"({len(files.sections)} sections) in {time.perf_counter() - start:.1f} s", soft_wrap=True)
    if files.skipped:
        console.print(f"not applicable to this table: {', '.join(files.skipped)}")
    print_citation(table)
