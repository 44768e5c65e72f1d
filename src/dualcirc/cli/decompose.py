"""The ``decompose`` command: value added in trade and GVC measures (METHODS.md 2 and 3) of one table.

Every method is a function of :mod:`dualcirc.measures.vat` or :mod:`dualcirc.measures.gvc`; this module maps the
command-line choices onto their arguments, checks that each option applies to the chosen method before any work,
filters the result to the economies asked for (region codes, exporter groups made with ``--groups``, or a known
group such as EU or RCEP, whose member regions are kept) and prints it or writes it with its provenance
(:mod:`dualcirc.measures.output`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Callable, Optional, Sequence

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from .. import labels
from ..engine import engine_for
from ..errors import OptionError
from ..measures import gvc, vat
from ..measures.output import FORMATS, write_result
from ..measures.perimeter import exporter_units
from ..measures.result import provenance_line
from ..tables import groups as country_groups
from ..tables.model import IOTable
from .common import console, handles_errors, note_checks, open_table, print_citation, progress_bar

LEVELS = ("country", "bilateral", "sector", "bilateral_sector")
#: label keys of the printed columns
HEADERS = {"region": "region", "exporter": "vat.column.exporter", "importer": "vat.column.importer",
           "sector": "sector", "term": "vat.column.term"}
#: options that only some methods take (their command-line spelling)
BM_OPTIONS = ("--perspective", "--approach", "--sector-view", "--subterms")

labels.register({
    "cli.decompose.label": ("Label", "说明"),
    "cli.decompose.rows_left": ("more rows; write all of them with --out", "行未显示；用 --out 写出全部结果"),
})


@dataclass(frozen=True)
class Method:
    """How one ``--method`` runs: its measure function, the levels it gives and which options apply to it."""

    fn: Callable[..., pd.DataFrame]
    levels: tuple[str, ...]
    labels: str                           # label-key prefix of its terms
    takes_level: bool = True
    cell_level: bool = False              # the gvc functions call the region x sector level 'cell'
    groups: bool = True
    low_memory: bool = True
    options: tuple[str, ...] = ()         # of BM_OPTIONS and "--inventories"
    inventories: tuple[str, ...] = ()

    def run(self, table: IOTable, level: str, groups: dict | None, low_memory: bool, options: dict) -> pd.DataFrame:
        kwargs = dict(options)
        if self.takes_level:
            kwargs["level"] = "cell" if self.cell_level and level == "sector" else level
        if self.groups:
            kwargs["groups"] = groups
        if self.low_memory:
            kwargs["low_memory"] = low_memory
        return self.fn(table, **kwargs)


METHODS: dict[str, Method] = {
    "kww": Method(vat.kww, ("country",), "vat.kww", takes_level=False, low_memory=False),
    "wwz": Method(vat.wwz, LEVELS, "vat.wwz"),
    "bm": Method(vat.borin_mancini, LEVELS, "vat.bm", options=BM_OPTIONS),
    "ltv": Method(vat.ltv, LEVELS, "vat.ltv", low_memory=False),
    "vax": Method(vat.vax, LEVELS, "vat.jn", low_memory=False),
    "vs": Method(vat.vertical_specialisation, ("country", "sector"), "vat.hiy"),
    "wwyz": Method(gvc.wwyz_participation, ("country", "sector"), "gvc.wwyz", cell_level=True, low_memory=False,
                   options=("--inventories",), inventories=("keep", "exclude_from_shares")),
    "length": Method(gvc.production_length, ("country", "sector"), "gvc.length", cell_level=True,
                     low_memory=False),
    "upstreamness": Method(gvc.production_stages, ("country", "sector"), "gvc.stages", cell_level=True,
                           groups=False, low_memory=False, options=("--inventories",),
                           inventories=("keep", "antras_chor")),
    "koopman": Method(gvc.koopman_position, ("country", "sector"), "gvc.kpww"),
}


def _check_options(name: str, method: Method, level: str, given: dict[str, object], groups: Sequence[str],
                   low_memory: bool) -> None:
    """OptionError for an option that does not apply to the method, before any table is read."""
    if level not in LEVELS:
        raise OptionError(f"unknown --level {level!r}; choose one of {', '.join(LEVELS)}")
    if level not in method.levels:
        raise OptionError(f"--method {name} gives the levels {', '.join(method.levels)}, not {level!r}")
    for option, value in given.items():
        if value not in (None, False) and option not in method.options:
            takers = [m for m, spec in METHODS.items() if option in spec.options]
            raise OptionError(f"{option} applies to --method {' / '.join(takers)}, not to {name}")
    inventories = given.get("--inventories")
    if inventories is not None and inventories not in method.inventories:
        raise OptionError(f"--inventories for --method {name} is one of {', '.join(method.inventories)}, "
                          f"not {inventories!r}")
    if groups and not method.groups:
        raise OptionError(f"--groups does not apply to --method {name} (it has no exporter perimeter)")
    if low_memory and not method.low_memory:
        raise OptionError(f"--low-memory does not apply to --method {name}: it needs no Leontief inverse, or (ltv "
                          "below the country level) its off-diagonal blocks")


def parse_groups(specs: Sequence[str]) -> dict[str, str | list[str]]:
    """``--groups`` values: a known group name (``EU``, ``RCEP``) or ``NAME=R1,R2,...`` (region codes)."""
    out: dict[str, str | list[str]] = {}
    for spec in specs:
        name, sep, members = spec.partition("=")
        name = name.strip()
        if not name:
            raise OptionError(f"--groups {spec!r}: give a group name (EU, RCEP, ...) or NAME=REGION,REGION,...")
        if name in out:
            raise OptionError(f"--groups names {name!r} twice")
        if sep:
            out[name] = [m.strip() for m in members.split(",") if m.strip()]
        else:
            country_groups.group(name)   # OptionError listing the known groups
            out[name] = name
    return out


def resolve_economies(table: IOTable, units: Sequence[str], economies: Sequence[str]) -> list[str]:
    """The exporter units to keep: units named directly, or the member regions of a known country group (in the
    table's year).  A member of a group made with ``--groups`` is not a unit on its own."""
    keep: list[str] = []
    for economy in economies:
        if economy in units:
            keep.append(economy)
            continue
        if economy in table.regions:
            raise OptionError(f"--economy {economy}: this region is part of an exporter group made with --groups; "
                              "ask for the group instead")
        try:
            country_groups.group(economy)
        except OptionError:
            raise OptionError(f"unknown economy {economy!r}: not a region of this table ({', '.join(units[:15])}"
                              f"{', ...' if len(units) > 15 else ''}) nor a country group "
                              f"({', '.join(country_groups.group_names())})") from None
        members = country_groups.group_members(table, economy, table.meta.year)
        if not members:
            raise OptionError(f"--economy {economy}: no region of this table belongs to that group")
        inside = [m for m in members if m not in units]
        if inside:
            raise OptionError(f"--economy {economy}: members {inside} are part of an exporter group made with "
                              "--groups; ask for that group instead")
        keep.extend(members)
    return list(dict.fromkeys(keep))


def _key_column(result: pd.DataFrame, perspective: str | None) -> str:
    """The column that names the economy a row belongs to."""
    if "region" in result.columns:
        return "region"
    return "importer" if perspective == "importer" else "exporter"


def select_economies(result: pd.DataFrame, keep: list[str], perspective: str | None) -> pd.DataFrame:
    """The rows of ``keep`` (all rows when empty), with the filter recorded in the provenance."""
    if not keep:
        return result
    out = result[result[_key_column(result, perspective)].isin(keep)].reset_index(drop=True)
    out.attrs = {**result.attrs, "options": {**result.attrs.get("options", {}), "economies": keep}}
    return out


def _check_out(out: Path | None, force: bool) -> None:
    if out is None:
        return
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OptionError(f"--out {out.name}: the file must end in one of .{', .'.join(FORMATS)}")
    written = [out] + ([out.with_name(out.stem + ".provenance.json")] if fmt == "csv" else [])
    if any(p.exists() for p in written) and not force:
        raise OptionError(f"{out} exists; pass --force to overwrite it")


def _print(result: pd.DataFrame, prefix: str, lang: str, rows: int) -> None:
    shown = result.head(rows)
    columns = [c for c in ("region", "exporter", "importer", "sector") if c in shown and shown[c].notna().any()]
    table = Table()
    for column in columns + ["term"]:
        table.add_column(labels.t(HEADERS[column], lang))
    table.add_column(labels.t("cli.decompose.label", lang))
    table.add_column(labels.t("value", lang), justify="right")
    table.add_column(labels.t("unit", lang))
    for record in shown.itertuples(index=False):
        row = record._asdict()
        cells = [escape("" if pd.isna(row[c]) else str(row[c])) for c in columns]
        term = str(row["term"])
        value = row["value"]
        table.add_row(*cells, escape(term), escape(labels.t(f"{prefix}.{term}", lang)),
                      "–" if pd.isna(value) else f"{value:,.6g}", escape(str(row["unit"])))
    console.print(table)
    if len(result) > rows:
        console.print(f"{len(result) - rows:,} {labels.t('cli.decompose.rows_left', lang)}")


@handles_errors
def decompose(
    method: Annotated[str, typer.Option(help="kww | wwz | bm | ltv | vax | vs | wwyz | length | upstreamness | "
                                             "koopman (METHODS.md 2 and 3).")] = "bm",
    level: Annotated[str, typer.Option(help="country | bilateral | sector | bilateral_sector.")] = "country",
    economy: Annotated[Optional[list[str]], typer.Option(
        help="Keep these exporters (repeat the option): region codes, a --groups name, or a country group "
             "such as EU or RCEP (its member regions).")] = None,
    group_specs: Annotated[Optional[list[str]], typer.Option(
        "--groups", help="Treat a group as one exporter (METHODS.md 0.6-6): a group name (EU, RCEP, ...) or "
                         "NAME=R1,R2,...; repeat for several.")] = None,
    perspective: Annotated[Optional[str], typer.Option(
        help="BM: exporter (default) | world | self | importer.")] = None,
    approach: Annotated[Optional[str], typer.Option(help="BM: source (default) | sink.")] = None,
    sector_view: Annotated[Optional[str], typer.Option(
        help="BM exporter/source: exporting (default) | origin (METHODS.md 2.5.1).")] = None,
    subterms: Annotated[bool, typer.Option("--subterms", help="BM exporter/source: add DAVAX, REX, REF "
                                                              "sub-terms.")] = False,
    inventories: Annotated[Optional[str], typer.Option(
        help="wwyz: keep | exclude_from_shares; upstreamness: keep | antras_chor (METHODS.md 0.6-4).")] = None,
    low_memory: Annotated[bool, typer.Option("--low-memory", help="wwz, vs, bm exporter/source, koopman: never "
                                                                  "form the n x n Leontief inverse (METHODS.md "
                                                                  "8.2).")] = False,
    dataset: Annotated[Optional[str], typer.Option(help="A built-in dataset (default: wiod2013, latest year).")] = None,
    table_path: Annotated[Optional[Path], typer.Option("--table", help="A table file instead of a dataset.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force the format of --table.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Year of the dataset or of a multi-year file.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the result (.parquet, .csv or .xlsx) with its "
                                                     "provenance.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    lang: Annotated[str, typer.Option(help="Language of the printed labels: en | zh.")] = "en",
    rows: Annotated[int, typer.Option(help="Rows printed when there is no --out.")] = 40,
) -> None:
    """Decompose gross exports (KWW, WWZ, Borin-Mancini, LTV, VAX, VS) or measure GVC participation and position."""
    start = time.perf_counter()
    if method not in METHODS:
        raise OptionError(f"unknown --method {method!r}; choose one of {', '.join(METHODS)}")
    if lang not in labels.LANGS:
        raise OptionError(f"--lang must be one of {', '.join(labels.LANGS)}, not {lang!r}")
    spec = METHODS[method]
    given = {"--perspective": perspective, "--approach": approach, "--sector-view": sector_view,
             "--subterms": subterms, "--inventories": inventories}
    _check_options(method, spec, level, given, group_specs or (), low_memory)
    _check_out(out, force)
    groups = parse_groups(group_specs or ())

    table = open_table(table_path, dataset, fmt, year)
    note_checks(table)
    units = exporter_units(table, groups) if spec.groups else table.regions
    keep = resolve_economies(table, units, economy or ())
    options = {key: value for key, value in (("perspective", perspective), ("approach", approach),
                                             ("sector_view", sector_view), ("inventories", inventories))
               if value is not None}
    if subterms:
        options["subterms"] = True
    with progress_bar(f"decompose ({method})") as step:
        step("factorising I - A", 0, 3)
        engine_for(table).lu            # the one factorisation every measure of this table reuses
        step(f"computing {method}", 1, 3)
        result = spec.run(table, level, groups or None, low_memory, options)
        result = select_economies(result, keep, perspective)
        step("writing", 2, 3)
        if out is not None:
            write_result(result, out)
    prefix = "vat.bm_imports" if perspective == "importer" else spec.labels
    if out is None:
        _print(result, prefix, lang, rows)
    else:
        console.print(f"wrote {len(result):,} rows to {escape(str(out))}", soft_wrap=True)
    console.print(escape(provenance_line(result)), soft_wrap=True)
    console.print(f"done in {time.perf_counter() - start:.1f} s", soft_wrap=True)
    print_citation(table)
