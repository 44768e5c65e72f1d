"""Build a report from a table and write it (HTML + xlsx + manifest) into a folder without overwriting user files.

Folder policy: ``out`` may be missing, empty, or a previous dualcirc report (it holds :data:`MANIFEST` written
by dualcirc); anything else is refused unless ``force=True``.  Only the report's own files are (re)written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .. import __version__
from ..engine import engine_for
from ..errors import OptionError
from ..labels import LANGS
from ..tables.model import IOTable
from .framework import ReportContext, ReportDocument, SectionResult, registered_sections, resolve_economy
from .html import render_html
from .xlsx import write_xlsx

MANIFEST = "dualcirc-report.json"
HTML_FILE = "report.html"
XLSX_FILE = "report.xlsx"

#: progress hook: (description of the step about to run, steps done, steps in all)
ProgressHook = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    xlsx: Path
    manifest: Path
    sections: tuple[str, ...]
    skipped: tuple[str, ...]


def is_previous_report(folder: Path) -> bool:
    """True when ``folder`` holds a manifest written by dualcirc."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("generator") == "dualcirc"
    except (OSError, ValueError, AttributeError):
        return False


def check_out_folder(out: Path, force: bool) -> None:
    """Refuse a file, or a non-empty folder that is not a previous dualcirc report (unless ``force``)."""
    if out.exists() and not out.is_dir():
        raise OptionError(f"the output path {out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not force and not is_previous_report(out):
        raise OptionError(f"the output folder {out} is not empty and does not hold a previous dualcirc report; "
                          "choose an empty or new folder, or pass --force to write the report files into it")


def build_report(table: IOTable, *, economy: str | None = None, lang: str = "en", top: int = 10,
                 progress: ProgressHook | None = None) -> ReportDocument:
    """Run every registered section on ``table`` for ``economy`` and return the document for the writers."""
    if lang not in LANGS:
        raise OptionError(f"language must be one of {LANGS}, not {lang!r}")
    if top < 1:
        raise OptionError(f"top must be a positive number of sectors, not {top}")
    economy = resolve_economy(table, economy)
    registered = registered_sections()
    total = len(registered) + 3
    step = progress or (lambda description, done, total: None)

    step("factorising I - A", 0, total)
    engine = engine_for(table)
    diagnostics = engine.diagnostics()
    ctx = ReportContext(table=table, engine=engine, economy=economy, lang=lang, top=top)
    results = []
    for i, sec in enumerate(registered, start=1):
        step(f"section: {sec.key}", i, total)
        results.append(SectionResult(sec, sec.build(ctx) or []))
    created = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return ReportDocument(context=ctx, results=results, diagnostics=diagnostics, created=created,
                          version=__version__)


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_report(table: IOTable, out: str | Path, *, economy: str | None = None, lang: str = "en", top: int = 10,
                 force: bool = False, progress: ProgressHook | None = None) -> ReportFiles:
    """Build the report of ``table`` and write report.html, report.xlsx and the manifest into ``out``."""
    out = Path(out)
    check_out_folder(out, force)
    doc = build_report(table, economy=economy, lang=lang, top=top, progress=progress)
    step = progress or (lambda description, done, total: None)
    total = len(doc.results) + 3
    out.mkdir(parents=True, exist_ok=True)
    html, xlsx, manifest = out / HTML_FILE, out / XLSX_FILE, out / MANIFEST

    step("writing HTML", total - 2, total)
    page = render_html(doc)
    replace_atomically(html, lambda p: p.write_text(page, encoding="utf-8"))
    step("writing xlsx", total - 1, total)
    replace_atomically(xlsx, lambda p: write_xlsx(doc, p))
    done = tuple(r.section.key for r in doc.results if not r.skipped)
    skipped = tuple(r.section.key for r in doc.results if r.skipped)
    record = {"generator": "dualcirc", "version": __version__, "created": doc.created,
              "files": [HTML_FILE, XLSX_FILE], "table": table.meta.label(), "citation": table.meta.citation,
              "economy": doc.context.economy, "lang": lang, "sections": list(done), "skipped": list(skipped)}
    replace_atomically(manifest, lambda p: p.write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                                        encoding="utf-8"))
    step("done", total, total)
    return ReportFiles(html=html, xlsx=xlsx, manifest=manifest, sections=done, skipped=skipped)
