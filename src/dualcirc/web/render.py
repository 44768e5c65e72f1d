"""A computed page in the reader's language: figures as plotly JSON, tables as rows, downloads as CSV or xlsx.

Tables keep their codes (regions, sectors, terms) and gain translated labels: column headers from the label
catalogue, term columns as their labels and a name column beside region and sector codes.  Downloads are the full
table of a panel with the same headers; the xlsx file carries the provenance sheet of
``dualcirc.measures.output.write_result``; the CSV file is plain (the page shows the provenance beside it).
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pandas as pd
import plotly.io as pio

from ..measures.output import write_result
from ..measures.result import provenance_line
from .pages import Panel, View

#: rows of a panel's table sent with the page (the downloads hold all of them)
SHOWN_ROWS = 200
#: suffix of the name column added beside a code column
NAME = "#name"
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def shown_frame(panel: Panel, view: View) -> pd.DataFrame:
    """The panel's data with translated values, name columns and headers in the view's language."""
    data = panel.data.copy()
    for column, prefix in panel.translate.items():
        if column in data.columns:
            data[column] = [_label(view, prefix, v) for v in data[column].astype(object)]
    for column, kind in panel.names.items():
        if column in data.columns:
            name = view.region if kind == "region" else view.sector
            at = list(data.columns).index(column) + 1
            data.insert(at, f"{column}{NAME}", [name(c) if isinstance(c, str) else c for c in data[column]])
    headers = {c: _header(panel.headers.get(c, c), view) for c in data.columns}
    data.columns = _unique([headers[c] for c in data.columns])
    data.attrs = dict(panel.data.attrs)
    return data


def _label(view: View, prefix: str, value):
    """A code's label (``prefix`` + code), or the code itself when the catalogue has none."""
    if not isinstance(value, str) or not value:
        return value
    label = view.t(f"{prefix}{value}")
    return value if label == f"{prefix}{value}" else label


def _header(key: str, view: View) -> str:
    if key.endswith(NAME):
        return f"{view.t(key.removesuffix(NAME))} ({view.t('web.col.name')})"
    return view.t(key)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _json_value(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    return value


def provenance(data: pd.DataFrame) -> dict:
    attrs = data.attrs
    return {"method": attrs.get("method"), "source": attrs.get("source"), "year": _json_value(attrs.get("year")),
            "unit": attrs.get("unit"), "citation": attrs.get("citation"),
            "options": json.loads(json.dumps(attrs.get("options", {}), default=str)),
            "line": provenance_line(data) if attrs else ""}


def render_panel(panel: Panel, view: View, *, max_rows: int | None = SHOWN_ROWS) -> dict:
    """One panel as JSON: caption, note, figure (plotly JSON), headers, codes, rows and provenance."""
    frame = shown_frame(panel, view)
    rows = frame if max_rows is None else frame.head(max_rows)
    figure = None
    if panel.figure is not None and not panel.data.empty:
        figure = json.loads(pio.to_json(panel.figure(view), validate=False))
    return {"key": panel.key, "caption": view.t(panel.caption), "note": view.t(panel.note) if panel.note else None,
            "figure": figure, "columns": list(frame.columns), "codes": list(_code_columns(panel)),
            "rows": [[_json_value(v) for v in row] for row in rows.itertuples(index=False, name=None)],
            "n_rows": len(frame), "provenance": provenance(panel.data)}


def _code_columns(panel: Panel) -> list[str]:
    """The data's own column names (codes), aligned with the shown columns."""
    out = []
    for column in panel.data.columns:
        out.append(column)
        if column in panel.names:
            out.append(f"{column}{NAME}")
    return out


def panel_file(panel: Panel, view: View, fmt: str, folder: Path) -> Path:
    """The panel's full table as a CSV or xlsx file in ``folder``."""
    frame = shown_frame(panel, view)
    path = folder / f"{panel.key}.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")  # the byte-order mark lets Excel read Chinese
    else:
        write_result(frame, path, format="xlsx")
    return path


def file_bytes(panel: Panel, view: View, fmt: str) -> bytes:
    """The bytes of :func:`panel_file` (written in a temporary folder that is removed)."""
    with tempfile.TemporaryDirectory(prefix="dualcirc-web-") as tmp:
        return panel_file(panel, view, fmt, Path(tmp)).read_bytes()
