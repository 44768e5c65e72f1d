"""The ``circulation`` command: the dual-circulation accounts of one table (METHODS.md 4) or a published preset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from .. import labels
from ..errors import OptionError
from ..measures import circulation as circ
from ..report.framework import DEFAULT_ECONOMY
from .common import choices, console, handles_errors, note_checks, open_table, print_citation, write_out

#: rows printed on the console; ``--out`` holds all of them
ROWS_SHOWN = 60


View = choices("View", ("absorption", "production", "nested"))
By = choices("By", circ.BREAKDOWNS)
Perimeter = choices("Perimeter", circ.PERIMETERS)
Inventories = choices("Inventories", circ.INVENTORY_OPTIONS)
Domestic = choices("Domestic", circ.DOMESTIC_OPTIONS)
Returned = choices("Returned", circ.RETURNED_OPTIONS)


def _print_presets() -> None:
    table = Table(title="Presets (METHODS.md 4.6): --preset NAME", title_justify="left")
    for column in ("name", "study", "indicator", "status"):
        table.add_column(column)
    for row in circ.presets().itertuples(index=False):
        table.add_row(row.name, escape(row.study), escape(row.indicator), escape(row.status))
    console.print(table)


def _print_result(result: pd.DataFrame) -> None:
    detail = [c for c in ("sector", "category") if result[c].notna().any()]
    table = Table(show_lines=False)
    for column in ("region", *detail, "term", "indicator", "value", "unit"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in result.head(ROWS_SHOWN).itertuples(index=False):
        value = row.value
        shown = "-" if pd.isna(value) else (f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4f}")
        table.add_row(str(row.region), *(str(getattr(row, c)) for c in detail), row.term,
                      escape(labels.t(f"circ.{row.term}")), shown, escape(str(row.unit)))
    console.print(table)
    if len(result) > ROWS_SHOWN:
        console.print(f"{ROWS_SHOWN} of {len(result)} rows shown; --out FILE writes all of them")
    attrs = result.attrs
    console.print(f"method: {escape(str(attrs.get('method')))}", soft_wrap=True)
    options = ", ".join(f"{k}={v}" for k, v in attrs.get("options", {}).items())
    console.print(f"options: {escape(options)}", soft_wrap=True)


@handles_errors
def circulation(
    dataset: Annotated[Optional[str], typer.Option(help="A built-in dataset (default: wiod2013, latest year).")] = None,
    table_path: Annotated[Optional[Path], typer.Option("--table", help="A table file instead of a dataset.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force the format of --table.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Year of the dataset or of a multi-year file.")] = None,
    economy: Annotated[Optional[list[str]], typer.Option(
        help="Economy to show (repeat for several; default CHN when the table has it, else all).")] = None,
    view: Annotated[Optional[View], typer.Option(help="absorption (4.1, default), production (4.2) or nested "
                                                      "(4.3).")] = None,
    preset: Annotated[Optional[str], typer.Option(help="A published indicator (METHODS.md 4.6); see "
                                                      "--list-presets.")] = None,
    by: Annotated[By, typer.Option(help="Absorption detail: total, origin sector or final-demand category.")] = By.total,
    perimeter: Annotated[Perimeter, typer.Option(help="Economies: regions, or nations made of regions.")] = Perimeter.region,
    inventories: Annotated[Inventories, typer.Option(help="Keep inventory changes in the shares or exclude them "
                                                          "(METHODS.md 0.6-4).")] = Inventories.keep,
    domestic: Annotated[Domestic, typer.Option(help="Production view: domestic circulation = DD (absorbed) or "
                                                    "V_D (pure).")] = Domestic.absorbed,
    returned: Annotated[Optional[Returned], typer.Option(help="Production view: where returned VA (REF) counts "
                                                              "(default: follows --domestic).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the result (.csv, .xlsx or .parquet).")] = None,
    list_presets: Annotated[bool, typer.Option("--list-presets", help="List the presets and exit.")] = False,
) -> None:
    """Dual-circulation accounts of a table: absorption, production and nested views, or a published preset."""
    if list_presets:
        _print_presets()
        return
    if preset is not None and view is not None:
        raise OptionError("give either --view or --preset: a preset fixes its own view and options")
    table = open_table(table_path, dataset, fmt, year)
    note_checks(table)
    units = circ.economy_units(table, perimeter.value if view is not View.nested else "region")
    economies = economy or ([DEFAULT_ECONOMY] if DEFAULT_ECONOMY in units.names else None)
    if preset is not None:
        result = circ.run_preset(table, preset, economies=economies, perimeter=perimeter.value)
        status = result.attrs["preset"]["status"]
        console.print(f"preset {escape(preset)}: {escape(result.attrs['preset']['study'])} - status: "
                      f"{escape(status)}", soft_wrap=True)
    elif view in (None, View.absorption):
        result = circ.absorption(table, economies=economies, perimeter=perimeter.value, by=by.value,
                                 inventories=inventories.value)
    elif view is View.production:
        result = circ.production(table, economies=economies, perimeter=perimeter.value, domestic=domestic.value,
                                 returned=returned.value if returned is not None else None)
    else:
        if perimeter is Perimeter.nation:
            raise OptionError("the nested view describes regions within their nations; drop --perimeter nation")
        result = circ.nested(table, economies=economies)
    _print_result(result)
    write_out(result, out)
    print_citation(table)
