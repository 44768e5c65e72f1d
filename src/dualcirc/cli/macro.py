"""The ``macro`` commands: trade dependence, growth contributions and growth targets (METHODS.md 5) on the built-in
macro series (``dualcirc.datasets.macro``) with the functions of ``dualcirc.measures.macro``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from .. import labels
from ..measures import macro_china
from ..measures.macro import required_growth
from .common import choices, console, handles_errors, write_out

macro_app = typer.Typer(name="macro", no_args_is_help=True, add_completion=False,
                        help="Macro indicators from national accounts (METHODS.md 5) on the built-in series.")


Source = choices("Source", ("nbs", "wdi", "provinces"))
By = choices("By", ("demand", "industry"))


def _number(value) -> str:
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return "-"
    if abs(value) >= 1e5:
        return f"{value:,.0f}"
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"


def _show(df: pd.DataFrame, columns: list[str], title: str, out: Path | None,
          result: pd.DataFrame | None = None) -> None:
    """Print ``columns`` of ``df`` (label keys translated) with its provenance; write all of ``result`` (default:
    ``df``) to ``out``."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(labels.t(column))
    for record in df[columns].itertuples(index=False):
        table.add_row(*(escape(labels.t(v) if isinstance(v, str) else _number(v)) for v in record))
    console.print(table)
    console.print(f"method: {escape(str(df.attrs.get('method')))}; source: {escape(str(df.attrs.get('source')))}",
                  soft_wrap=True)
    write_out(df if result is None else result, out)


@macro_app.command()
@handles_errors
def dependence(
    source: Annotated[Source, typer.Option(help="nbs: customs goods trade / GDP in CNY; wdi: goods and services / "
                                                "GDP in USD; provinces: the 31 provinces.")] = Source.nbs,
    economy: Annotated[Optional[list[str]], typer.Option(help="Economy (CHN, or a province code such as 110000); "
                                                             "repeat for several.")] = None,
    start: Annotated[Optional[int], typer.Option("--from", help="First year.")] = None,
    end: Annotated[Optional[int], typer.Option("--to", help="Last year.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the result (.csv, .xlsx or .parquet).")] = None,
) -> None:
    """Gross trade dependence (EX + IM) / GDP, export and import dependence, by year (METHODS.md 5.1)."""
    df = macro_china.gross_dependence(source.value, economy, start=start, end=end)
    wide = df.pivot_table(index=["economy", "year"], columns="indicator", values="value", sort=False).reset_index()
    columns = ["economy", "year", "gross_trade_dependence", "gross_export_dependence", "gross_import_dependence"]
    wide.attrs = df.attrs
    _show(wide, columns, f"Trade dependence, % of GDP ({source.value})", out, result=df)


@macro_app.command()
@handles_errors
def contributions(
    by: Annotated[By, typer.Option(help="demand: consumption, capital formation, net exports (as NBS publishes "
                                        "them); industry: the three industries (recomputed).")] = By.demand,
    start: Annotated[Optional[int], typer.Option("--from", help="First year.")] = None,
    end: Annotated[Optional[int], typer.Option("--to", help="Last year.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the result (.csv, .xlsx or .parquet).")] = None,
) -> None:
    """Contribution rate (贡献率) and pull (拉动) to China's real GDP growth, NBS convention (METHODS.md 5.2)."""
    if by is By.demand:
        df = macro_china.demand_contributions(start=start, end=end)
    else:
        df = macro_china.industry_contributions(start=start, end=end)
    _show(df, ["year", "component", "contribution_pct", "pull_pp", "gdp_growth_pct"],
          f"Contributions to China's real GDP growth ({by.value})", out)


@macro_app.command()
@handles_errors
def target(
    base: Annotated[float, typer.Argument(help="Level in the base year.")],
    target_level: Annotated[float, typer.Argument(metavar="TARGET", help="Target level in the target year.")],
    base_year: Annotated[int, typer.Option(help="Base year.")],
    target_year: Annotated[int, typer.Option(help="Target year.")],
    current_rate: Annotated[Optional[float], typer.Option(help="Today's growth rate, % a year: adds the level "
                                                               "reached and the years needed at that rate.")] = None,
    population_growth: Annotated[Optional[float], typer.Option(help="Population growth, % a year.")] = None,
    per_capita: Annotated[bool, typer.Option("--per-capita", help="The target is per capita.")] = False,
    inflation: Annotated[Optional[float], typer.Option(help="Inflation, % a year: adds the nominal rate.")] = None,
    allow_decline: Annotated[bool, typer.Option("--allow-decline", help="Accept a target below the base.")] = False,
    out: Annotated[Optional[Path], typer.Option(help="Write the result (.csv, .xlsx or .parquet).")] = None,
) -> None:
    """Average annual growth needed to go from BASE to TARGET between two years (METHODS.md 5.3)."""
    df = required_growth(base, target_level, base_year=base_year, target_year=target_year,
                         current_rate_pct=current_rate, population_growth_pct=population_growth,
                         per_capita=per_capita, inflation_pct=inflation, allow_decline=allow_decline)
    _show(df, ["indicator", "value", "unit"], f"From {base:g} in {base_year} to {target_level:g} in {target_year}",
          out)
