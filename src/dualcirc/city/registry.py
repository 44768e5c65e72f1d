"""The firm registry: firm-year records, bonus/penalty events, imports and stored evaluations in one database.

DuckDB (a file, or ``:memory:``) by default; PostgreSQL through a ``postgresql://`` URL for a multi-user
deployment (needs the ``psycopg`` package).  Both sit behind :class:`Backend`, whose unit of work is one
transaction: an import or an evaluation is stored whole or not at all, so a process killed mid-import leaves the
database as it was.  A DuckDB file admits one process at a time; the registry opens it per transaction and a
second process waits for the lock (``lock_timeout`` seconds), so concurrent evaluations are serialised.
Record fields and units: :mod:`dualcirc.city.fields` (POLICY_SYSTEMS.md §1.2, §6.1).
"""

from __future__ import annotations

import random
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Protocol, Sequence

import pandas as pd

from ..errors import DualcircError, InputError, OptionError
from .fields import FIELDS, coerce, field_label
from .records import Records, empty_events, read_records

if TYPE_CHECKING:
    from .evaluate import Evaluation

#: version of the tables below; a database written by another version is refused with a clear message
SCHEMA_VERSION = "1"
_SQL_TYPES = {"text": "VARCHAR", "int": "INTEGER", "float": "DOUBLE PRECISION", "bool": "BOOLEAN"}
_FIRM_COLUMNS = ", ".join(f'"{f.key}" {_SQL_TYPES[f.kind]}{" NOT NULL" if f.required else ""}' for f in FIELDS)
SCHEMA = {
    "registry_meta": '"key" VARCHAR PRIMARY KEY, "value" VARCHAR',
    "imports": ("import_id VARCHAR PRIMARY KEY, source VARCHAR, created VARCHAR, firm_years INTEGER, "
                "replaced INTEGER, synthetic BOOLEAN"),
    "firm_years": f"{_FIRM_COLUMNS}, import_id VARCHAR, PRIMARY KEY (firm_id, year)",
    "firm_events": "firm_id VARCHAR NOT NULL, year INTEGER NOT NULL, event VARCHAR NOT NULL, "
                   "PRIMARY KEY (firm_id, year, event)",
    "evaluation_runs": ("run_id VARCHAR PRIMARY KEY, rules_id VARCHAR, rules_digest VARCHAR, jurisdiction VARCHAR, "
                        "first_year INTEGER, last_year INTEGER, created VARCHAR, firms INTEGER"),
    "evaluation_firms": ('run_id VARCHAR NOT NULL, firm_id VARCHAR NOT NULL, year INTEGER NOT NULL, pool VARCHAR, '
                         'status VARCHAR, "class" VARCHAR, managed_as VARCHAR, score DOUBLE PRECISION, '
                         '"rank" INTEGER, pool_size INTEGER, percentile DOUBLE PRECISION, reason VARCHAR, '
                         'PRIMARY KEY (run_id, firm_id, year)'),
    "evaluation_items": ('run_id VARCHAR NOT NULL, firm_id VARCHAR NOT NULL, year INTEGER NOT NULL, '
                         'item VARCHAR NOT NULL, kind VARCHAR, "value" DOUBLE PRECISION, '
                         'benchmark DOUBLE PRECISION, weight DOUBLE PRECISION, points DOUBLE PRECISION, rule VARCHAR'),
}
RUN_FIRM_COLUMNS = ("firm_id", "year", "pool", "status", "class", "managed_as", "score", "rank", "pool_size",
                    "percentile", "reason")
RUN_ITEM_COLUMNS = ("firm_id", "year", "item", "kind", "value", "benchmark", "weight", "points", "rule")


class RegistryBusy(DualcircError):
    """Another process held the registry's DuckDB file for longer than the lock timeout."""


class Connection(Protocol):
    """What the registry needs from a database connection inside a transaction (SQL with ``?`` parameters)."""

    def execute(self, sql: str, params: Sequence = ()) -> None: ...

    def query(self, sql: str, params: Sequence = ()) -> pd.DataFrame: ...

    def insert(self, table: str, frame: pd.DataFrame) -> None: ...


class Backend(Protocol):
    url: str

    def transaction(self) -> Iterator[Connection]: ...


def _quoted(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


class _DuckDBConnection:
    def __init__(self, con):
        self.con = con

    def execute(self, sql: str, params: Sequence = ()) -> None:
        self.con.execute(sql, list(params))

    def query(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        view = f"_incoming_{uuid.uuid4().hex}"
        self.con.register(view, frame)
        try:
            columns = _quoted(frame.columns)
            self.con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
        finally:
            self.con.unregister(view)


class DuckDBBackend:
    """A DuckDB file opened per transaction (waiting for another process's lock), or one in-memory database."""

    def __init__(self, path: str, lock_timeout: float):
        import duckdb

        self._duckdb, self.path, self.lock_timeout = duckdb, path, lock_timeout
        self.url = f"duckdb:///{path}"
        self._memory = duckdb.connect(":memory:") if path == ":memory:" else None

    def _connect(self):
        deadline, delay = time.monotonic() + self.lock_timeout, 0.02
        while True:
            try:
                return self._duckdb.connect(self.path)
            except self._duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise InputError(f"{self.path} cannot be opened as a DuckDB registry: {exc}") from None
                if time.monotonic() >= deadline:
                    raise RegistryBusy(f"the registry {self.path} is in use by another process "
                                       f"(waited {self.lock_timeout:g} s)") from None
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(2 * delay, 0.2)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        con = self._memory or self._connect()
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                yield _DuckDBConnection(con)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            if con is not self._memory:
                con.close()


class _PostgresConnection:
    def __init__(self, con):
        self.con = con

    def execute(self, sql: str, params: Sequence = ()) -> None:
        self.con.execute(sql.replace("?", "%s"), list(params))

    def query(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        cursor = self.con.execute(sql.replace("?", "%s"), list(params))
        return pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        values = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
        with self.con.cursor() as cursor, cursor.copy(f"COPY {table} ({_quoted(frame.columns)}) FROM STDIN") as copy:
            for row in zip(*values):
                copy.write_row(row)


class PostgresBackend:
    """A PostgreSQL database (one connection per transaction; the server serialises concurrent writers)."""

    #: key of the advisory lock that serialises schema creation between processes
    SCHEMA_LOCK = 727274

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:
            raise OptionError("a PostgreSQL registry needs the psycopg package: pip install 'psycopg[binary]'") from None
        self._psycopg, self.url = psycopg, url

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        try:
            con = self._psycopg.connect(self.url)
        except self._psycopg.OperationalError as exc:
            raise InputError(f"cannot connect to the PostgreSQL registry: {' '.join(str(exc).split())}") from None
        with con:  # commits on success, rolls back on an exception, then closes
            yield _PostgresConnection(con)


def open_backend(url: str | Path, lock_timeout: float = 60.0) -> Backend:
    """``postgresql://…`` -> PostgreSQL; ``duckdb:///path``, a path or ``:memory:`` -> DuckDB."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(text)
    if text.startswith("duckdb://"):
        text = text[len("duckdb://"):].removeprefix("/") or ":memory:"
    return DuckDBBackend(text, lock_timeout)


@dataclass(frozen=True)
class ImportSummary:
    import_id: str
    source: str
    firm_years: int
    replaced: int
    events: int
    years: tuple[int, ...]
    ignored_columns: tuple[str, ...]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


class Registry:
    """Firm-year records and evaluations in DuckDB or PostgreSQL (see the module docstring)."""

    def __init__(self, url: str | Path = ":memory:", *, lock_timeout: float = 60.0):
        self.backend = open_backend(url, lock_timeout)
        self._create_schema()

    @property
    def url(self) -> str:
        return self.backend.url

    def _create_schema(self) -> None:
        with self.backend.transaction() as con:
            if isinstance(self.backend, PostgresBackend):
                con.execute(f"SELECT pg_advisory_xact_lock({PostgresBackend.SCHEMA_LOCK})")
            for table, columns in SCHEMA.items():
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            found = con.query('SELECT "value" FROM registry_meta WHERE "key" = ?', ["schema_version"])
            if found.empty:
                con.execute('INSERT INTO registry_meta ("key", "value") VALUES (?, ?)', ["schema_version",
                                                                                        SCHEMA_VERSION])
            elif found["value"].iloc[0] != SCHEMA_VERSION:
                raise InputError(f"{self.url} holds a firm registry of schema version {found['value'].iloc[0]}; "
                                 f"this dualcirc reads version {SCHEMA_VERSION}")

    # ---- records -------------------------------------------------------------------------------------------
    def import_file(self, path: str | Path, **options) -> ImportSummary:
        """Read, validate and import a CSV/xlsx file (options: mapping, sheet, year; see ``read_records``)."""
        return self.import_records(read_records(path, **options))

    def import_records(self, records: Records, *, synthetic: bool = False) -> ImportSummary:
        """Store validated records in one transaction; firm-years already present are replaced with their events."""
        firms = coerce(records.firms)
        import_id = uuid.uuid4().hex
        keys = firms[["firm_id", "year"]]
        with self.backend.transaction() as con:
            replaced = self._delete_firm_years(con, keys)
            con.insert("firm_years", firms.assign(import_id=import_id))
            if len(records.events):
                con.insert("firm_events", records.events[["firm_id", "year", "event"]])
            con.execute("INSERT INTO imports (import_id, source, created, firm_years, replaced, synthetic) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [import_id, records.source, _now(), len(firms), replaced,
                                                      synthetic])
        return ImportSummary(import_id, records.source, len(firms), replaced, len(records.events),
                             tuple(sorted(int(y) for y in firms["year"].unique())), records.ignored_columns)

    @staticmethod
    def _delete_firm_years(con: Connection, keys: pd.DataFrame) -> int:
        """Delete the stored firm-years (and their events) among ``keys``; return how many there were."""
        staging = f"incoming_{uuid.uuid4().hex}"
        con.execute(f"CREATE TEMP TABLE {staging} (firm_id VARCHAR, year INTEGER)")
        con.insert(staging, keys)
        match = f"(firm_id, year) IN (SELECT firm_id, year FROM {staging})"
        replaced = int(con.query(f"SELECT COUNT(*) AS n FROM firm_years WHERE {match}")["n"].iloc[0])
        if replaced:
            for table in ("firm_years", "firm_events"):
                con.execute(f"DELETE FROM {table} WHERE {match}")
        con.execute(f"DROP TABLE {staging}")
        return replaced

    @staticmethod
    def _year_clause(sql: str, years: int | Iterable[int] | None) -> tuple[str, list]:
        if years is None:
            return sql, []
        wanted = [int(years)] if isinstance(years, int) else [int(y) for y in years]
        return f"{sql} {'AND' if 'WHERE' in sql else 'WHERE'} year IN ({_placeholders(len(wanted))})", wanted

    def _select(self, sql: str, years: int | Iterable[int] | None) -> pd.DataFrame:
        with self.backend.transaction() as con:
            return con.query(*self._year_clause(sql, years))

    _FIRMS_SQL = f"SELECT {_quoted(f.key for f in FIELDS)} FROM firm_years"
    _EVENTS_SQL = "SELECT firm_id, year, event FROM firm_events"

    @staticmethod
    def _firms(found: pd.DataFrame) -> pd.DataFrame:
        return coerce(found).sort_values(["year", "firm_id"], ignore_index=True)

    @staticmethod
    def _events(found: pd.DataFrame) -> pd.DataFrame:
        return (pd.concat([empty_events(), found]) if len(found) else empty_events()).astype(
            {"firm_id": "string", "year": "Int64", "event": "string"}).sort_values(
            ["year", "firm_id", "event"], ignore_index=True)

    def firm_years(self, years: int | Iterable[int] | None = None) -> pd.DataFrame:
        """The records of the given year(s) (all years when None), ordered by year and firm."""
        return self._firms(self._select(self._FIRMS_SQL, years))

    def events(self, years: int | Iterable[int] | None = None) -> pd.DataFrame:
        """The bonus/penalty events (firm_id, year, event) of the given year(s)."""
        return self._events(self._select(self._EVENTS_SQL, years))

    def snapshot(self, years: int | Iterable[int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Records and events of the given year(s) read in one transaction (a consistent pair)."""
        with self.backend.transaction() as con:
            return (self._firms(con.query(*self._year_clause(self._FIRMS_SQL, years))),
                    self._events(con.query(*self._year_clause(self._EVENTS_SQL, years))))

    def years(self) -> list[int]:
        return [int(y) for y in self._select("SELECT DISTINCT year FROM firm_years ORDER BY year", None)["year"]]

    def imports(self) -> pd.DataFrame:
        return self._select("SELECT * FROM imports ORDER BY created", None)

    def is_synthetic(self, years: int | Iterable[int] | None = None) -> bool:
        """True when any stored record of these years came from the synthetic generator."""
        found = self._select("SELECT COUNT(*) AS n FROM firm_years f JOIN imports i USING (import_id) "
                             "WHERE i.synthetic", years)
        return bool(found["n"].iloc[0])

    # ---- evaluations ---------------------------------------------------------------------------------------
    def save_evaluation(self, evaluation: Evaluation) -> str:
        """Store an evaluation (its firms and its audit trail) as one run; returns the run id."""
        run_id = uuid.uuid4().hex
        firms = evaluation.firms.loc[:, list(RUN_FIRM_COLUMNS)].assign(run_id=run_id)
        items = evaluation.audit.loc[:, list(RUN_ITEM_COLUMNS)].assign(run_id=run_id)
        years = sorted(int(y) for y in firms["year"].unique())
        rules = evaluation.rules
        with self.backend.transaction() as con:
            con.insert("evaluation_firms", firms)
            con.insert("evaluation_items", items)
            con.execute("INSERT INTO evaluation_runs (run_id, rules_id, rules_digest, jurisdiction, first_year, "
                        "last_year, created, firms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, rules.id, rules.digest, rules.jurisdiction.key, years[0] if years else None,
                         years[-1] if years else None, _now(), len(firms)])
        return run_id

    def runs(self) -> pd.DataFrame:
        return self._select("SELECT * FROM evaluation_runs ORDER BY created, run_id", None)

    def run(self, run_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(firms, audit items) of a stored run."""
        with self.backend.transaction() as con:
            firms = con.query(f"SELECT {_quoted(RUN_FIRM_COLUMNS)} FROM evaluation_firms WHERE run_id = ? "
                              "ORDER BY year, firm_id", [run_id])
            items = con.query(f"SELECT {_quoted(RUN_ITEM_COLUMNS)} FROM evaluation_items WHERE run_id = ? "
                              "ORDER BY year, firm_id, item", [run_id])
        if firms.empty:
            raise OptionError(f"no evaluation run {run_id!r} in {self.url}")
        return firms, items

    def class_history(self, jurisdiction: str | None = None) -> pd.DataFrame:
        """firm_id, year, class, managed_as: for each year, the latest stored run that rated it (optionally of
        one jurisdiction) — the input of consecutive-year policy rules and class transitions."""
        where, params = ("WHERE r.jurisdiction = ?", [jurisdiction]) if jurisdiction else ("", [])
        with self.backend.transaction() as con:
            runs = con.query("SELECT DISTINCT f.year, r.run_id, r.created FROM evaluation_firms f JOIN "
                             f"evaluation_runs r ON f.run_id = r.run_id {where}", params)
            if runs.empty:
                return pd.DataFrame({c: pd.Series(dtype=object) for c in ("firm_id", "year", "class", "managed_as")})
            latest = runs.sort_values(["year", "created", "run_id"]).groupby("year").tail(1)
            pairs = " OR ".join(["(run_id = ? AND year = ?)"] * len(latest))
            values = [v for run_id, year in zip(latest["run_id"], latest["year"]) for v in (run_id, int(year))]
            found = con.query(f'SELECT firm_id, year, "class", managed_as FROM evaluation_firms WHERE {pairs}',
                              values)
        return found.sort_values(["year", "firm_id"], ignore_index=True)

    # ---- export --------------------------------------------------------------------------------------------
    def export_xlsx(self, path: str | Path, years: int | Iterable[int] | None = None, lang: str = "zh") -> Path:
        """Write the records (and their events, ';'-joined) to an xlsx file that imports back unchanged."""
        firms, events = self.snapshot(years)
        joined = events.groupby(["firm_id", "year"])["event"].agg(";".join).rename("events")
        firms = firms.join(joined, on=["firm_id", "year"])
        firms.columns = [field_label(c, lang) if c != "events" else c for c in firms.columns]
        path = Path(path)
        firms.to_excel(path, index=False, sheet_name="firm_years")
        return path
