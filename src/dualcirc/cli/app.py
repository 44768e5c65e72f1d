"""The ``dualcirc`` command line (typer): one module per family of commands, registered here."""

from __future__ import annotations

import typer

from .. import __version__
from .batch import batch
from .circulation import circulation
from .macro import macro_app
from .firms import app as firms
from .decompose import decompose
from .report import report
from .risk import chain, chokepoints, shock
from .serve import serve
from .tables import convert, info
from .transfer import transfer_app

app = typer.Typer(name="dualcirc", no_args_is_help=True, add_completion=False,
                  help="Dual circulation, value chains and chain security from input-output tables.")
app.command()(info)
app.command()(convert)
app.command()(report)
app.add_typer(transfer_app)
app.command()(decompose)
app.add_typer(firms, name="firms")
app.command()(chokepoints)
app.command()(shock)
app.command()(chain)
app.command()(serve)
app.command()(circulation)
app.add_typer(macro_app)
app.command()(batch)


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
