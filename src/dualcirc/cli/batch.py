"""The ``batch`` command: a plan of tables x years x measures x scenarios on dask.distributed (docs/batch.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..batch import load_spec, run_batch
from ..batch.manifest import Manifest
from ..batch.runner import pending, with_overrides
from .common import EXIT_ERROR, console, handles_errors

#: failed parts listed on the console; the manifest holds all of them
FAILURES_SHOWN = 10


@handles_errors
def batch(
    spec: Annotated[Path, typer.Argument(help="The batch spec (YAML): tables, years, measures, scenarios.")],
    scheduler: Annotated[Optional[str], typer.Option(help="Address of an existing dask scheduler, e.g. "
                                                          "tcp://host:8786 (default: a local cluster).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Local worker processes (default: one per "
                                                               "core).")] = None,
    memory_limit: Annotated[Optional[str], typer.Option(help="Memory limit per local worker, e.g. 6GB.")] = None,
    gpu: Annotated[bool, typer.Option("--gpu", help="Factorise and invert on the GPU (cupy backend).")] = False,
    output: Annotated[Optional[Path], typer.Option(help="Output folder (default: the spec's output).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan and what is left to do; "
                                                            "compute nothing.")] = False,
) -> None:
    """Run a batch plan; a second run resumes where the first stopped, recomputing no finished part."""
    plan_spec = with_overrides(load_spec(spec), scheduler=scheduler, workers=workers, memory_limit=memory_limit,
                               backend="cupy" if gpu else None, output=output)
    if dry_run:
        todo, total = pending(plan_spec, Manifest(plan_spec.output))
        left = sum(len(t.parts) for t in todo)
        console.print(f"{total} parts planned ({len(plan_spec.tables)} tables, {len(plan_spec.measures)} measures, "
                      f"{len(plan_spec.scenarios)} scenarios); {total - left} finished, {left} to compute in "
                      f"{len(todo)} tasks; output: {escape(str(plan_spec.output))}")
        return
    columns = (TextColumn("parts"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("parts", total=None)
        try:
            report = run_batch(plan_spec, progress=lambda done, total, records: bar.update(
                task, completed=done, total=total))
        except KeyboardInterrupt:
            bar.stop()
            console.print("[yellow]interrupted:[/] the finished parts are kept; run the same command to resume")
            raise typer.Exit(130) from None
    console.print(f"{report.computed} parts computed, {report.skipped} already finished, {len(report.failed)} "
                  f"failed, in {report.seconds:.1f} s; output: {escape(str(report.output))}")
    for worker, peak in sorted(report.peak_rss_mb.items()):
        console.print(f"  worker {escape(worker)}: peak memory {peak:,.0f} MiB")
    for key, error in list(report.failed.items())[:FAILURES_SHOWN]:
        console.print(f"[red]failed[/] {escape(key)}: {escape(error)}", soft_wrap=True)
    if report.failed:
        if len(report.failed) > FAILURES_SHOWN:
            console.print(f"... {len(report.failed) - FAILURES_SHOWN} more in {escape(str(report.output))}/"
                          "_manifest.json")
        raise typer.Exit(EXIT_ERROR)
