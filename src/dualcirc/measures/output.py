"""Writing tidy results to Parquet, CSV or Excel with their provenance (the ``attrs`` of :func:`.result.tidy`).

Parquet keeps the provenance in the file's schema metadata (key ``dualcirc.provenance``, JSON); CSV gets a
sidecar ``<name>.provenance.json``; Excel gets a second sheet ``provenance``.  Excel holds at most 1,048,575 data
rows, so a bilateral-sector decomposition of a large table must go to Parquet or be aggregated first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import OptionError

FORMATS = ("parquet", "csv", "xlsx")
#: data rows of one Excel sheet (1,048,576 rows including the header)
EXCEL_MAX_ROWS = 1_048_575
PROVENANCE_KEY = b"dualcirc.provenance"


def _provenance(df: pd.DataFrame) -> str:
    return json.dumps(df.attrs, ensure_ascii=False, default=str, sort_keys=True)


def write_result(df: pd.DataFrame, path, *, format: str | None = None) -> Path:
    """Write a result table to ``path`` (format from the suffix unless given) and return the path."""
    path = Path(path)
    fmt = format or path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OptionError(f"cannot write {path.name!r}: format must be one of {FORMATS} (by suffix or format=)")
    if fmt == "parquet":
        table = pa.Table.from_pandas(df, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[PROVENANCE_KEY] = _provenance(df).encode("utf-8")
        pq.write_table(table.replace_schema_metadata(meta), path)
    elif fmt == "csv":
        df.to_csv(path, index=False)
        path.with_name(path.stem + ".provenance.json").write_text(_provenance(df), encoding="utf-8")
    else:
        if len(df) > EXCEL_MAX_ROWS:
            raise OptionError(f"{len(df):,} rows do not fit one Excel sheet ({EXCEL_MAX_ROWS:,} at most); write "
                              "Parquet or CSV, or aggregate to a coarser level first")
        provenance = pd.DataFrame({"key": list(df.attrs), "value": [json.dumps(v, ensure_ascii=False, default=str)
                                                                    if not isinstance(v, str) else v
                                                                    for v in df.attrs.values()]})
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            df.to_excel(xw, sheet_name="result", index=False)
            provenance.to_excel(xw, sheet_name="provenance", index=False)
    return path


def read_provenance(path) -> dict:
    """The provenance stored with a result written by :func:`write_result`."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt == "parquet":
        meta = pq.read_schema(path).metadata or {}
        if PROVENANCE_KEY not in meta:
            raise OptionError(f"{path.name!r} carries no dualcirc provenance")
        return json.loads(meta[PROVENANCE_KEY])
    if fmt == "csv":
        return json.loads(path.with_name(path.stem + ".provenance.json").read_text(encoding="utf-8"))
    if fmt == "xlsx":
        sheet = pd.read_excel(path, sheet_name="provenance", dtype=str)
        out = {}
        for key, value in zip(sheet["key"], sheet["value"]):
            try:
                out[key] = json.loads(value)
            except (TypeError, json.JSONDecodeError):
                out[key] = value
        return out
    raise OptionError(f"cannot read provenance of {path.name!r}: format must be one of {FORMATS}")
