"""The command line as its tests drive it: typer's CliRunner on the app, and the check that a refused input is
reported as one red line with exit code 2 (README, "Commands").  Imported by the tests of this folder (pytest puts
the folder on sys.path)."""
from __future__ import annotations

from typer.testing import CliRunner, Result

from dualcirc.cli.app import app
from dualcirc.cli.common import EXIT_ERROR

runner = CliRunner()


def invoke(*args) -> Result:
    """``dualcirc ARGS``, every argument (paths, numbers) passed as a string."""
    return runner.invoke(app, [str(a) for a in args])


def assert_clean_error(result: Result, *words: str) -> None:
    """Exit code 2, one line on stderr that starts with ``error:`` and contains ``words``, no traceback."""
    assert result.exit_code == EXIT_ERROR, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
