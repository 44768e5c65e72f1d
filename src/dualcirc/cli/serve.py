"""The ``serve`` command: the web dashboard and JSON API over the tables of a data folder (``dualcirc.web``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from .common import console, handles_errors, status


@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8050,
    data: Annotated[Optional[Path], typer.Option(help="A folder of table files to offer beside the built-in "
                                                      "datasets (read once, then cached).")] = None,
    state: Annotated[Optional[Path], typer.Option(help="Folder for uploads and table caches (default: "
                                                       "~/.cache/dualcirc/web).")] = None,
    max_upload_mb: Annotated[float, typer.Option(help="Largest table file accepted by upload, in MB.")] = 200.0,
    workers: Annotated[int, typer.Option(help="Computations run at the same time.")] = 2,
) -> None:
    """Start the web dashboard and JSON API (pages per measure family; API schema at /docs)."""
    import uvicorn

    from ..web import Settings, create_app
    from ..web.api import default_state_dir

    settings = Settings(data_dir=data, state_dir=state or default_state_dir(), max_upload_mb=max_upload_mb,
                        workers=workers)
    with status(f"reading the tables{f' in {data}' if data else ''}"):
        app = create_app(settings)
    for skipped in app.state.catalog.skipped:
        console.print(f"[yellow]not a table:[/] {escape(skipped['file'])}: {escape(skipped['reason'])}",
                      soft_wrap=True)
    console.print(f"dualcirc dashboard on http://{host}:{port}/ (API: http://{host}:{port}/docs); "
                  f"uploads in {escape(str(settings.state_dir))}; Ctrl+C stops it", soft_wrap=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
