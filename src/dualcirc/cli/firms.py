"""``dualcirc firms``: the city layer — firm registry, 亩均 evaluation, class policies, screening and the report.

The registry is a DuckDB file (``--db``, default ``firms.duckdb`` or $DUALCIRC_FIRMS_DB) or a PostgreSQL URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from ..city.evaluate import evaluate_year
from ..city.policy import describe, load_policy
from ..city.records import ImportRejected, parse_mapping
from ..city.registry import Registry
from ..city.report import (CitySection, build_city_report, policy_section, screening_section, write_city_report,
                           write_tables)
from ..city.rules import KINDS, load_document, load_rules, preset_names
from ..city.screening import load_screening, load_targets
from ..city.synthetic import DEFAULT_SEED, synthetic_firms
from ..errors import OptionError
from ..labels import t
from ..report import check_out_folder
from .common import EXIT_ERROR, Lang, console, err_console, handles_errors, print_error, status

app = typer.Typer(name="firms", no_args_is_help=True, add_completion=False,
                  help="Firm registry and 亩均 (per-mu) evaluation: import, evaluate, policy, screen, report.")

DbOption = Annotated[str, typer.Option("--db", envvar="DUALCIRC_FIRMS_DB",
                                       help="Registry: a DuckDB file or a postgresql:// URL.")]
DEFAULT_DB = "firms.duckdb"
#: rows of a rejected file listed on the console (all of them are in the error)
PROBLEMS_SHOWN = 30


def _table(frame: pd.DataFrame, title: str, columns: dict[str, str] | None = None) -> Table:
    columns = columns or {c: c for c in frame.columns}
    table = Table(title=title, title_justify="left")
    for header in columns.values():
        table.add_column(header)
    for row in frame[list(columns)].itertuples(index=False):
        table.add_row(*(escape(_cell(v)) for v in row))
    return table


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def _write_section(section: CitySection, out: Path | None) -> None:
    """Write the section's blocks to the workbook ``out`` (one sheet named after the section) when given."""
    if out is not None:
        console.print(f"wrote {escape(str(write_tables(out, {section.key: section.blocks})))}")


def _years(text: str) -> tuple[int, ...]:
    """'2019-2023' or '2021,2022' -> years."""
    try:
        if "-" in text:
            first, last = (int(p) for p in text.split("-", 1))
            return tuple(range(first, last + 1))
        return tuple(int(p) for p in text.split(","))
    except ValueError:
        raise OptionError(f"--years expects FIRST-LAST or a comma-separated list, not {text!r}") from None


@app.command("synthetic")
@handles_errors
def synthetic(
    db: DbOption = DEFAULT_DB,
    n_firms: Annotated[int, typer.Option("--firms", help="Number of firms.")] = 5000,
    years: Annotated[str, typer.Option(help="Years, FIRST-LAST or a list.")] = "2019-2023",
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = DEFAULT_SEED,
    csv: Annotated[Optional[Path], typer.Option(help="Also write the records to this CSV file.")] = None,
) -> None:
    """Import a SYNTHETIC firm panel (generated, not real firms) for demos and benchmarks."""
    if n_firms < 1:
        raise OptionError("--firms must be at least 1")
    records = synthetic_firms(n_firms, _years(years), seed)
    registry = Registry(db)
    with status("importing the synthetic panel"):
        summary = registry.import_records(records, synthetic=True)
    if csv is not None:
        joined = records.events.groupby(["firm_id", "year"])["event"].agg(";".join).rename("events")
        records.firms.join(joined, on=["firm_id", "year"]).to_csv(csv, index=False)
        console.print(f"wrote {escape(str(csv))}")
    console.print(f"[bold yellow]synthetic data[/]: {summary.firm_years} firm-years ({', '.join(map(str, summary.years))}) "
                  f"and {summary.events} events imported into {escape(registry.url)}", soft_wrap=True)


@app.command("import")
@handles_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A CSV or xlsx file of firm-year records.")],
    db: DbOption = DEFAULT_DB,
    sheet: Annotated[Optional[str], typer.Option(help="Sheet of an xlsx file (default: the first).")] = None,
    year: Annotated[Optional[int], typer.Option(help="The year of every row, for a file without a year column.")] = None,
    mapping: Annotated[Optional[list[str]], typer.Option(
        "--map", help="COLUMN=FIELD or COLUMN=FIELD*SCALE (e.g. '实缴税金(元)=tax*0.0001'); repeatable.")] = None,
) -> None:
    """Validate a file and import it whole (every bad row is reported and nothing is imported)."""
    registry = Registry(db)
    try:
        with status(f"reading and validating {file}"):
            summary = registry.import_file(file, mapping=parse_mapping(mapping or []), sheet=sheet, year=year)
    except ImportRejected as exc:
        table = Table(title=f"{file}: {len(exc.problems)} problem(s); nothing was imported", title_justify="left")
        for column in ("row", "column", "value", "problem"):
            table.add_column(column)
        for p in exc.problems[:PROBLEMS_SHOWN]:
            table.add_row(_cell(p.row), escape(_cell(p.column)), escape(_cell(p.value)), escape(p.reason))
        err_console.print(table)
        if len(exc.problems) > PROBLEMS_SHOWN:
            err_console.print(f"... and {len(exc.problems) - PROBLEMS_SHOWN} more")
        print_error(f"{file}: {len(exc.problems)} problem(s), nothing imported")
        raise typer.Exit(EXIT_ERROR)
    console.print(f"imported {summary.firm_years} firm-years ({', '.join(map(str, summary.years))}; "
                  f"{summary.replaced} replaced) and {summary.events} events from {escape(summary.source)} into "
                  f"{escape(registry.url)}", soft_wrap=True)
    if summary.ignored_columns:
        console.print(f"[yellow]columns not imported[/] (no matching field; map them with --map): "
                      f"{escape(', '.join(summary.ignored_columns))}", soft_wrap=True)


@app.command("export")
@handles_errors
def export(
    out: Annotated[Path, typer.Argument(help="The xlsx file to write.")],
    db: DbOption = DEFAULT_DB,
    year: Annotated[Optional[list[int]], typer.Option(help="Year(s) to export (default: all); repeatable.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the column headers.")] = Lang.zh,
) -> None:
    """Write the registry's records to xlsx (the file imports back unchanged)."""
    if out.suffix.lower() != ".xlsx":
        raise OptionError(f"the export is an .xlsx file, not {out}")
    registry = Registry(db)
    path = registry.export_xlsx(out, year or None, lang.value)
    console.print(f"wrote {escape(str(path))}")


@app.command("presets")
@handles_errors
def presets() -> None:
    """List the shipped presets (rules, policy, screening, targets) with their sources."""
    for kind in KINDS:
        table = Table(title=f"{kind} presets", title_justify="left")
        for column in ("name", "title", "source"):
            table.add_column(column)
        for name in preset_names(kind):
            doc = load_document(name, kind)
            sources = "; ".join(s.get("url", s.get("title", "")) for s in doc.data.get("sources", []))
            table.add_row(name, escape(doc.data["title"]["zh"]), escape(sources))
        console.print(table)


@app.command("evaluate")
@handles_errors
def evaluate(
    rules: Annotated[str, typer.Option(help="A rules preset (see `firms presets`) or a rules file.")],
    year: Annotated[int, typer.Option(help="The evaluation (data) year.")],
    db: DbOption = DEFAULT_DB,
    store: Annotated[bool, typer.Option(help="Store the run in the registry (for transitions and policies).")] = True,
    firm: Annotated[Optional[str], typer.Option(help="Show one firm's evaluation, every point explained.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    lang: Annotated[Lang, typer.Option(help="Language of labels and explanations.")] = Lang.en,
) -> None:
    """Score, rank and class the registry's firms of YEAR under a rules file; store the run."""
    loaded = load_rules(rules)
    registry = Registry(db)
    with status(f"evaluating {year} under {loaded.id}"):
        evaluation, run_id = evaluate_year(registry, loaded, year, store=store)
    if as_json:
        typer.echo(json.dumps(evaluation.summary(lang.value), ensure_ascii=False, indent=2))
        return
    if loaded.year is not None and loaded.year != year:
        console.print(f"[yellow]note:[/] the rules' benchmarks are those of {loaded.year}; evaluating {year}")
    if firm is not None:
        sheet = evaluation.firm_sheet(firm, year, lang.value)
        label = lambda key: t(key, lang.value)  # noqa: E731
        console.print(f"{escape(sheet['firm_id'])} {escape(_cell(sheet['name']))}: {escape(sheet['status_label'])}, "
                      f"{escape(_cell(sheet['pool_label']))}; {label('city.col.class')} "
                      f"{escape(sheet['class_label'])}; {label('city.col.score')} {_cell(sheet['score'])}; "
                      f"{label('city.col.rank')} {_cell(sheet['rank'])} / {_cell(sheet['pool_size'])}",
                      soft_wrap=True)
        for item in sheet["items"]:
            console.print(f"  {escape(item['label'])}: {escape(item['reason'])}", soft_wrap=True)
        return
    shares = evaluation.class_shares()
    pools = {p.key: p.label(lang.value) for p in loaded.pools}
    console.print(_table(shares.assign(pool=shares["pool"].map(pools)),
                         f"{loaded.title(lang.value)}: {t('city.block.shares', lang.value)}",
                         {"pool": t("city.col.pool", lang.value), "class": t("city.col.class", lang.value),
                          "firms": t("city.col.firms", lang.value), "share": t("city.col.share", lang.value)}))
    counts = evaluation.firms["status"].value_counts()
    console.print(", ".join(f"{t(f'city.status.{s}', lang.value)}: {n}" for s, n in counts.items()))
    if run_id:
        console.print(f"stored as run {run_id} in {escape(registry.url)}", soft_wrap=True)


@app.command("policy")
@handles_errors
def policy(
    policy_name: Annotated[str, typer.Option("--policy", help="A policy preset or file.")],
    year: Annotated[int, typer.Option(help="The year whose classes the policy applies to.")],
    db: DbOption = DEFAULT_DB,
    jurisdiction: Annotated[Optional[str], typer.Option(help="Use runs of this jurisdiction key only.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the totals and the per-firm ledger to this xlsx.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels.")] = Lang.en,
) -> None:
    """Surcharges, quota cuts and land eligibility by class, from the stored evaluations (latest run per year)."""
    loaded = load_policy(policy_name)
    registry = Registry(db)
    history = registry.class_history(jurisdiction)
    section = policy_section(loaded, history, registry.firm_years(year), year, lang.value)
    for line in describe(loaded, lang.value):
        console.print(escape(line), soft_wrap=True)
    summary = section.blocks[0].data
    console.print(_table(summary, f"{loaded.title(lang.value)} ({year})",
                         {c: t(c, lang.value) for c in summary.columns}))
    _write_section(section, out)


@app.command("screen")
@handles_errors
def screen(
    year: Annotated[int, typer.Option(help="The year to screen.")],
    db: DbOption = DEFAULT_DB,
    screening: Annotated[str, typer.Option(help="A screening preset or file.")] = "zhejiang-huzhou-2021",
    targets: Annotated[Optional[str], typer.Option(help="A targets preset or file (growth needed).")] = None,
    target_year: Annotated[Optional[int], typer.Option(help="Year to reach the targets (default: the file's).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write every list to this xlsx.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels.")] = Lang.en,
) -> None:
    """Low-efficiency firms and the land they hold, 小升规 candidates, R&D coverage, growth needed for targets."""
    registry = Registry(db)
    records = registry.firm_years([y for y in registry.years() if y <= year])
    section = screening_section(records, year, load_screening(screening), load_targets(targets) if targets else None,
                                lang.value, target_year)
    for block in section.blocks:
        if block.caption in ("city.block.freed_land", "city.block.rd_coverage", "city.block.targets"):
            console.print(_table(block.data.head(12), t(block.caption, lang.value),
                                 {c: t(c, lang.value) for c in block.data.columns}))
        else:
            console.print(f"{t(block.caption, lang.value)}: {len(block.data)}")
    _write_section(section, out)


@app.command("report")
@handles_errors
def report(
    rules: Annotated[str, typer.Option(help="A rules preset or file.")],
    year: Annotated[int, typer.Option(help="The evaluation year.")],
    out: Annotated[Path, typer.Option(help="Folder for the HTML page and the workbook.")] = Path("firms-report"),
    db: DbOption = DEFAULT_DB,
    policy_name: Annotated[Optional[str], typer.Option("--policy", help="A policy preset or file.")] = None,
    screening: Annotated[Optional[str], typer.Option(help="A screening preset or file.")] = "zhejiang-huzhou-2021",
    targets: Annotated[Optional[str], typer.Option(help="A targets preset or file.")] = None,
    target_year: Annotated[Optional[int], typer.Option(help="Year to reach the targets (default: the file's).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.en,
    force: Annotated[bool, typer.Option("--force", help="Write into a non-empty folder that is not a report.")] = False,
) -> None:
    """Evaluate YEAR (stored as a run) and write the HTML page and the xlsx workbook."""
    check_out_folder(out, force)
    loaded = load_rules(rules)
    registry = Registry(db)
    with status(f"evaluating {year} under {loaded.id}"):
        evaluation, _ = evaluate_year(registry, loaded, year)
    history = registry.class_history(loaded.jurisdiction.key)
    records = registry.firm_years([y for y in registry.years() if y <= year])
    with status("writing the report"):
        built = build_city_report(
            evaluation, lang=lang.value, history=history, records=records,
            policy=load_policy(policy_name) if policy_name else None,
            screening=load_screening(screening) if screening else None,
            targets=load_targets(targets) if targets else None, target_year=target_year,
            synthetic=registry.is_synthetic(year),
            data_source=registry.url)
        files = write_city_report(built, out, force=force)
    console.print(f"wrote {escape(str(files.html))} and {escape(str(files.xlsx))}", soft_wrap=True)
    if built.synthetic:
        console.print("[bold yellow]synthetic data[/]: the report says so on every page")

