"""The FastAPI application: the JSON API (OpenAPI schema at ``/openapi.json``, browsable at ``/docs``) and the
dashboard page that uses it.

Computations run as jobs (:mod:`.jobs`): ``POST /api/pages/{page}/run`` answers 202 with the job's state (or 200
with the result when it is ready, at once or within ``wait`` seconds); ``GET /api/jobs/{job}`` reports progress;
``GET /api/jobs/{job}/result`` gives the panels in the chosen language and ``GET /api/jobs/{job}/download/{panel}
.{csv|xlsx}`` their tables.  Errors are JSON ``{"detail": message}``: 400 malformed request (bad JSON, bad upload
name), 404 unknown page, dataset, year or job, 409 result not ready, 413 upload too large, 415 not a table file
type, 422 a value the measure or the reader does not accept (unknown economy, parameter out of range, a file that
is no readable table) with the measure's or the reader's own message.
"""

from __future__ import annotations

import os
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import plotly
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .. import __version__, datasets, labels
from ..errors import DualcircError, InputError, OptionError
from ..tables.groups import country_names
from . import texts  # noqa: F401  (registers the dashboard's labels)
from .catalog import Catalog, NotFound
from .jobs import DONE, ERROR, JobManager, Memo
from .pages import PageContext, View, available_pages, omitted_pages
from .render import FORMATS, SHOWN_ROWS, file_bytes, render_panel
from .uploads import UploadArea, UploadRejected

#: the economy shown first when a table has it
DEFAULT_ECONOMY = "CHN"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def default_state_dir() -> Path:
    """Where uploads and table caches live unless told: ``$XDG_CACHE_HOME/dualcirc/web`` (~/.cache/...)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dualcirc" / "web"


@dataclass(frozen=True)
class Settings:
    """How the application is set up (``dualcirc serve`` options)."""

    data_dir: Path | None = None
    state_dir: Path = default_state_dir()
    builtin: bool = True
    max_upload_mb: float = 200.0
    workers: int = 2
    max_loaded_tables: int = 4

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1_000_000)


class RunRequest(BaseModel):
    """A page computed for one table-year and economy."""

    model_config = ConfigDict(extra="forbid")
    dataset: str = Field(datasets.DEFAULT, description="dataset id (GET /api/datasets)")
    year: int | None = Field(None, description="year of the dataset (default: its latest)")
    economy: str | None = Field(None, description="region code of the table (default: CHN, else the first)")
    params: dict[str, Any] = Field(default_factory=dict, description="the page's parameters (GET /api/pages)")


Lang = Literal["en", "zh"]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def create_app(settings: Settings = Settings()) -> FastAPI:
    """The application over the tables of ``settings`` (built-in datasets, a data folder, uploads)."""
    catalog = Catalog(data_dir=settings.data_dir, state_dir=settings.state_dir, builtin=settings.builtin,
                      max_loaded=settings.max_loaded_tables)
    uploads = UploadArea(Path(settings.state_dir) / "uploads", settings.max_upload_bytes)
    catalog.add_entries(uploads.previous_entries())
    jobs, memo = JobManager(workers=settings.workers), Memo()
    pages = {p.key: p for p in available_pages()}

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        jobs.shutdown()

    app = FastAPI(title="dualcirc", version=__version__, lifespan=lifespan,
                  description="Dual circulation, value chains and chain security from input-output tables: "
                              "the measures of dualcirc over HTTP. Computations run as jobs; poll "
                              "/api/jobs/{job} and fetch /api/jobs/{job}/result.")
    app.state.catalog, app.state.jobs, app.state.uploads, app.state.settings = catalog, jobs, uploads, settings

    # ------------------------------------------------------------------ errors
    @app.exception_handler(NotFound)
    async def not_found(_request, exc: NotFound):
        return _error(404, str(exc))

    @app.exception_handler(DualcircError)
    async def unsuitable(_request, exc: DualcircError):
        return _error(422, str(exc))

    @app.exception_handler(UploadRejected)
    async def rejected(_request, exc: UploadRejected):
        return _error(exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            ctx = next(e for e in errors if e.get("type") == "json_invalid").get("ctx", {})
            return _error(400, f"malformed JSON in the request body ({ctx.get('error', 'could not be parsed')})")
        shown = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors)
        return _error(422, f"invalid request: {shown}")

    # ------------------------------------------------------------------ the page and its files
    static = files("dualcirc.web").joinpath("static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(static.joinpath("index.html").read_text(encoding="utf-8"))

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    # ------------------------------------------------------------------ catalogue
    @app.get("/api/health", tags=["meta"], summary="Liveness and version")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    @app.get("/api/labels", tags=["meta"], summary="Every label in English and Chinese")
    def all_labels() -> dict:
        catalogue = labels.catalogue()
        return {lang: {k: v.get(lang) or v["en"] for k, v in catalogue.items()} for lang in labels.LANGS}

    @app.get("/api/datasets", tags=["tables"], summary="The datasets on offer and their years")
    def list_datasets() -> dict:
        return {"default": datasets.DEFAULT if settings.builtin else None, "datasets": catalog.datasets(),
                "skipped": catalog.skipped, "max_upload_mb": settings.max_upload_mb}

    def _economy(table, economy: str | None, entry) -> str:
        if economy is None:
            return DEFAULT_ECONOMY if DEFAULT_ECONOMY in table.regions else table.regions[0]
        if economy not in table.regions:
            raise InputError(f"unknown economy {economy!r}; the table {entry.title} has the regions "
                             f"{list(table.regions)}")
        return economy

    @app.get("/api/datasets/{dataset}", tags=["tables"], summary="One table-year: regions, sectors, checks")
    def describe_table(dataset: str, year: int | None = None) -> dict:
        entry = catalog.entry(dataset, year)
        table = catalog.table(entry)
        regions = list(table.regions)
        views = {lang: View.of(table, lang) for lang in labels.LANGS}
        return {**entry.describe(),
                "regions": [{"code": c, "en": en, "zh": zh} for c, en, zh in
                            zip(regions, country_names(regions, "en"), country_names(regions, "zh"))],
                "sectors": [{"code": s, **{lang: view.sector(s) for lang, view in views.items()}}
                            for s in table.sectors],
                "default_economy": _economy(table, None, entry),
                "checks": [{"level": f.level, "code": f.code, "message": f.message} for f in table.checks]}

    @app.post("/api/uploads", status_code=201, tags=["tables"], summary="Upload a table (multipart field 'file')",
              responses={400: {"description": "no plain file name, or not one file"},
                         413: {"description": "larger than the limit"},
                         415: {"description": "not CSV, xlsx or Parquet"},
                         422: {"description": "not readable as a table (the reader's message)"}})
    async def upload(request: Request) -> dict:
        staged = await uploads.receive(request.headers.get("content-type", ""), request.stream(),
                                       declared_length=request.headers.get("content-length"))
        dataset = uploads.new_id()
        entries = await run_in_threadpool(uploads.accept, staged, dataset)
        catalog.add_entries(entries)
        tables = [await run_in_threadpool(catalog.table, e) for e in entries]
        return {"dataset": dataset, "entries": [e.describe() for e in entries],
                "checks": [{"level": f.level, "code": f.code, "message": f.message}
                           for t in tables for f in t.checks if f.level == "warning"]}

    # ------------------------------------------------------------------ pages and jobs
    @app.get("/api/pages", tags=["pages"], summary="The pages, their parameters, and pages left out")
    def list_pages(dataset: str | None = Query(None, description="give the parameters' options and defaults on "
                                                                  "this dataset's table"),
                   year: int | None = None, economy: str | None = None) -> dict:
        described = [p.describe() for p in pages.values()]
        if dataset is not None:
            entry = catalog.entry(dataset, year)
            table = catalog.table(entry)
            economy = _economy(table, economy, entry)
            described = [p.describe(table, economy) for p in pages.values()]
        return {"pages": described, "omitted": [{"key": k, "reason": v} for k, v in omitted_pages().items()]}

    def _page(key: str):
        if key not in pages:
            reason = omitted_pages().get(key)
            raise NotFound(f"page {key!r} is not available: {reason}" if reason else
                           f"unknown page {key!r}; the pages are {sorted(pages)}")
        return pages[key]

    def _start(key: str, body: RunRequest):
        page = _page(key)
        entry = catalog.entry(body.dataset, body.year)
        table = catalog.table(entry)
        economy = _economy(table, body.economy, entry)
        known = {p.key: p for p in page.params}
        unknown = sorted(set(body.params) - set(known))
        if unknown:
            raise OptionError(f"page {key!r} has no parameter(s) {unknown}; it takes {sorted(known)}")
        params = {k: p.resolve(body.params.get(k), table, economy) for k, p in known.items()}
        request = {"page": key, "dataset": entry.dataset, "year": entry.year, "economy": economy, "params": params}

        def compute(job):
            ctx = PageContext(catalog, entry, economy, params, job, memo)
            return {"panels": page.compute(ctx), "view": View.of(ctx.table, "en")}
        return jobs.submit(request, compute)

    def _rendered(job, lang: str, rows: int | None) -> dict:
        view = View(lang, job.result["view"].sector_names, job.result["view"].sector_names_zh)
        return {**job.snapshot(), "lang": lang,
                "panels": [render_panel(p, view, max_rows=rows) for p in job.result["panels"]]}

    @app.post("/api/pages/{page}/run", tags=["pages"], summary="Compute a page (a job)",
              responses={200: {"description": "the result (ready now or within `wait` seconds)"},
                         202: {"description": "the job's state; poll /api/jobs/{job}"}})
    async def run_page(page: str, body: RunRequest, lang: Lang = "en",
                       wait: float = Query(0.0, ge=0.0, le=600.0, description="seconds to wait for the result"),
                       rows: int | None = Query(SHOWN_ROWS, ge=0, description="table rows to send")):
        job = await run_in_threadpool(_start, page, body)
        if wait and job.status not in (DONE, ERROR):
            await run_in_threadpool(job.finished_event.wait, wait)
        if job.status == DONE:
            return await run_in_threadpool(_rendered, job, lang, rows)
        if job.status == ERROR:
            return _error(422, job.error)
        return JSONResponse(job.snapshot(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})

    def _job(key: str):
        job = jobs.get(key)
        if job is None:
            raise NotFound(f"unknown job {key!r} (finished jobs are kept for a while; run the page again)")
        return job

    @app.get("/api/jobs/{job}", tags=["pages"], summary="A job's state and progress")
    def job_state(job: str) -> dict:
        return _job(job).snapshot()

    def _finished(job_key: str):
        job = _job(job_key)
        if job.status == ERROR:
            raise DualcircError(job.error)
        if job.status != DONE:
            return None
        return job

    @app.get("/api/jobs/{job}/result", tags=["pages"], summary="A finished job's panels in one language")
    def job_result(job: str, lang: Lang = "en", rows: int | None = Query(SHOWN_ROWS, ge=0)):
        finished = _finished(job)
        if finished is None:
            return _error(409, f"job {job} is not finished; poll /api/jobs/{job}")
        return _rendered(finished, lang, rows)

    @app.get("/api/jobs/{job}/download/{panel}.{fmt}", tags=["pages"], summary="A panel's table as CSV or xlsx")
    def download(job: str, panel: str, fmt: str, lang: Lang = "en") -> Response:
        if fmt not in FORMATS:
            raise NotFound(f"unknown download format {fmt!r}; use one of {sorted(FORMATS)}")
        finished = _finished(job)
        if finished is None:
            return _error(409, f"job {job} is not finished; poll /api/jobs/{job}")
        found = [p for p in finished.result["panels"] if p.key == panel]
        if not found:
            raise NotFound(f"job {job} has no panel {panel!r}; it has "
                           f"{[p.key for p in finished.result['panels']]}")
        view = View(lang, finished.result["view"].sector_names, finished.result["view"].sector_names_zh)
        req = finished.request
        name = "_".join(re.sub(r"[^A-Za-z0-9_-]+", "-", str(part)) for part in
                        ("dualcirc", req["page"], req["dataset"], req["year"], req["economy"], panel))
        return Response(file_bytes(found[0], view, fmt), media_type=FORMATS[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})

    return app
