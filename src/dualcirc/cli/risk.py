"""Chain-security commands: ``chokepoints`` (METHODS.md 6.3), ``shock`` (6.4) and ``chain`` (the chain map of a
key industry, POLICY_SYSTEMS.md 2.2).  Each reads a table file or a built-in dataset, writes its results with
provenance into ``--out`` and prints the head of the ranking or the totals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from ..errors import OptionError
from ..measures import chain as chain_measures
from ..measures import risk
from ..measures.output import write_result
from ..report.framework import resolve_economy
from ..tables.model import IOTable
from .common import console, handles_errors, note_checks, open_table, status
from .report import Lang

DatasetOption = Annotated[Optional[str], typer.Option(help="A built-in dataset (default: wiod2013, latest year).")]
TableOption = Annotated[Optional[Path], typer.Option("--table", help="A table file instead of a dataset.")]
FormatOption = Annotated[Optional[str], typer.Option("--format", help="Force the format of --table.")]
YearOption = Annotated[Optional[int], typer.Option(help="Year of the dataset or of a multi-year file.")]
EconomyOption = Annotated[Optional[str], typer.Option(help="The economy (region) studied (default CHN or the only "
                                                           "region).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite result files already in --out.")]


def _prepare_out(out: Path, names: list[str], force: bool) -> None:
    """Create ``out``; refuse to overwrite any of ``names`` there unless ``force``."""
    if out.exists() and not out.is_dir():
        raise OptionError(f"the output path {out} exists and is not a folder; choose another --out")
    existing = [n for n in names if (out / n).exists()]
    if existing and not force:
        raise OptionError(f"{out} already holds {', '.join(existing)}; choose another --out or pass --force")
    out.mkdir(parents=True, exist_ok=True)


def _load(table_path, dataset, fmt, year) -> IOTable:
    table = open_table(table_path, dataset, fmt, year)
    note_checks(table)
    return table


def _print_frame(title: str, frame: pd.DataFrame, columns: list[str]) -> None:
    shown = Table(title=title, title_justify="left")
    for column in columns:
        shown.add_column(column, justify="right" if pd.api.types.is_numeric_dtype(frame[column]) else "left")
    for record in frame[columns].itertuples(index=False):
        shown.add_row(*[f"{v:.4g}" if isinstance(v, float) else escape(str(v)) for v in record])
    console.print(shown)


def _parse_weights(text: Optional[str]) -> dict[str, float] | None:
    """'dependence=1,criticality=2' -> {'dependence': 1.0, 'criticality': 2.0}."""
    if not text:
        return None
    weights = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        try:
            weights[key.strip()] = float(value)
        except ValueError:
            raise OptionError(f"--weights must look like 'dependence=1,criticality=2', not {text!r}") from None
        if not sep:
            raise OptionError(f"--weights must look like 'dependence=1,criticality=2', not {text!r}")
    return weights


@handles_errors
def chokepoints(
    dataset: DatasetOption = None, table_path: TableOption = None, fmt: FormatOption = None, year: YearOption = None,
    economy: EconomyOption = None,
    out: Annotated[Path, typer.Option(help="Folder for chokepoints.csv and ranking.csv.")] = Path(
        "dualcirc-chokepoints"),
    substitutability: Annotated[str, typer.Option(help="S component: a (1 - self-sufficiency), b (source's share "
                                                       "of world exports) or c (EC imports/exports ratio).")] = "a",
    weights: Annotated[Optional[str], typer.Option(
        help="Component weights, e.g. 'dependence=1,criticality=2'.")] = None,
    composite: Annotated[str, typer.Option(
        help="geometric (weighted geometric mean) or rank (rank average).")] = "geometric",
    by_user: Annotated[bool, typer.Option("--by-user", help="Score each using sector of the economy.")] = False,
    top: Annotated[int, typer.Option(help="Rows of the ranking printed.")] = 20,
    force: ForceOption = False,
) -> None:
    """Rank the economy's chokepoints (卡脖子): dependence x concentration x low substitutability x criticality
    (METHODS.md 6.3)."""
    _prepare_out(out, ["chokepoints.csv", "ranking.csv"], force)
    table = _load(table_path, dataset, fmt, year)
    economy = resolve_economy(table, economy)
    with status("scoring chokepoints"):
        result = risk.chokepoints(table, economy, substitutability=substitutability, composite=composite,
                                  weights=_parse_weights(weights), by_user=by_user)
    ranking = risk.rank_chokepoints(result)
    ranking.insert(4, "product_name", [table.sector_names.get(p, p) for p in ranking["product"]])
    write_result(result, out / "chokepoints.csv")
    write_result(ranking, out / "ranking.csv")
    _print_frame(f"{economy}: chokepoints, {table.meta.label()}", ranking.head(top),
                 ["rank", "source", "product", "product_name", "chokepoint_score", *risk.COMPONENTS])
    console.print(f"wrote {escape(str(out / 'chokepoints.csv'))} and {escape(str(out / 'ranking.csv'))}",
                  soft_wrap=True)


@handles_errors
def shock(
    shocks_file: Annotated[Path, typer.Argument(help="Shocks as YAML or CSV (name, source, products, theta, model, "
                                                     "importer).")],
    dataset: DatasetOption = None, table_path: TableOption = None, fmt: FormatOption = None, year: YearOption = None,
    out: Annotated[Path, typer.Option(help="Folder for shock_losses.csv and shock_totals.csv.")] = Path(
        "dualcirc-shock"),
    critical_share: Annotated[float, typer.Option(
        help="Mixed model: inputs below this share of a user's intermediate inputs do not bind (0 = all bind).")] = 0.0,
    force: ForceOption = False,
) -> None:
    """Propagate supply cuts in the demand, Ghosh, mixed (bottleneck) and HEM models (METHODS.md 6.4)."""
    _prepare_out(out, ["shock_losses.csv", "shock_totals.csv"], force)
    table = _load(table_path, dataset, fmt, year)
    shocks = risk.read_shocks(shocks_file, table)
    with status(f"propagating {len(shocks)} shock(s)"):
        result = risk.simulate_shocks(table, shocks, critical_input_share=critical_share)
    write_result(result.losses, out / "shock_losses.csv")
    write_result(result.totals, out / "shock_totals.csv")
    totals = result.totals[result.totals["region"] == "risk.region.total"]
    wide = totals.pivot_table(index=["shock", "model"], columns="indicator", values="value", sort=False).reset_index()
    columns = ["shock", "model"] + [c for c in ("output_loss", "gdp_loss", "gdp_loss_share", "employment_loss")
                                    if c in wide.columns]
    _print_frame(f"losses in all regions ({table.meta.unit})", wide, columns)
    console.print("[yellow]ghosh:[/] " + escape(risk.GHOSH_CAVEAT), soft_wrap=True)
    console.print(f"wrote {escape(str(out / 'shock_losses.csv'))} and {escape(str(out / 'shock_totals.csv'))}",
                  soft_wrap=True)


@handles_errors
def chain(
    sector: Annotated[str, typer.Option(help="The target sector (code of the table).")],
    dataset: DatasetOption = None, table_path: TableOption = None, fmt: FormatOption = None, year: YearOption = None,
    economy: EconomyOption = None,
    out: Annotated[Path, typer.Option(help="Folder for nodes.csv, edges.csv, chain.xlsx and chain.html.")] = Path(
        "dualcirc-chain"),
    top: Annotated[int, typer.Option(help="Upstream and downstream region-sectors in the network.")] = 12,
    lq_basis: Annotated[str, typer.Option(help="Location quotients on output or va.")] = "output",
    lang: Annotated[Lang, typer.Option(help="Language of the chart labels.")] = Lang.en,
    force: ForceOption = False,
) -> None:
    """Map the upstream suppliers and downstream users of a key industry and list 补链/延链/强链 candidates."""
    _prepare_out(out, ["nodes.csv", "edges.csv", "chain.xlsx", "chain.html"], force)
    table = _load(table_path, dataset, fmt, year)
    economy = resolve_economy(table, economy)
    with status(f"mapping the chain of {economy}/{sector}"):
        result = chain_measures.chain_map(table, sector, economy, top=top, lq_basis=lq_basis)
        written = chain_measures.write_chain(result, out, lang=lang.value)
    if len(result.candidates):
        _print_frame(f"{economy}/{sector}: candidates", result.candidates, ["kind", "sector", "sector_name", "reason"])
    else:
        console.print("no fill/extend/strengthen candidate at these thresholds")
    console.print("wrote " + ", ".join(escape(str(p)) for p in written.values()), soft_wrap=True)
