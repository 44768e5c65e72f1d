"""The web dashboard and JSON API over the measure functions (ARCHITECTURE.md, interfaces layer).

``dualcirc serve`` starts :func:`dualcirc.web.api.create_app` under uvicorn.  The pieces:

* :mod:`.catalog` - the tables on offer: the built-in datasets, the tables of a data folder (read once, kept as
  compact caches) and the users' uploads, each a dataset of one or more table-years;
* :mod:`.uploads` - receiving a table through the page: size limit, plain file names, validation by the readers;
* :mod:`.jobs` - heavy computations off the request thread, one job per request, cached, with progress;
* :mod:`.pages` - one small module per family of measures, registered only when its measure module imports;
* :mod:`.render` - a computed page in the reader's language: plotly figures, tables, CSV and xlsx files;
* :mod:`.api` - the FastAPI application (JSON API with an OpenAPI schema, and the page itself);
* :mod:`.server` - the application under uvicorn in a background thread (tests, benchmarks, notebooks).
"""

from .api import Settings, create_app

__all__ = ["Settings", "create_app"]
