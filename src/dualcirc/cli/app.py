"""The ``dualcirc`` command line (typer): one module per family of commands, registered here."""

from __future__ import annotations

import typer

from .. import __version__
from .report import report
from .tables import convert, info

app = typer.Typer(name="dualcirc", no_args_is_help=True, add_completion=False,
                  help="Dual circulation, value chains and chain security from input-output tables.")
app.command()(info)
app.command()(convert)
app.command()(report)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dualcirc {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")) -> None:
    """Dual circulation, value chains and chain security from input-output tables."""


def main() -> None:
    """Entry point of the console script."""
    app()
