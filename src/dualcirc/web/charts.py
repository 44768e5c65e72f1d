"""Figures the dashboard needs beyond the report's (``dualcirc.report.charts``), in the same look."""

from __future__ import annotations

from itertools import cycle
from typing import Sequence

import plotly.graph_objects as go

from ..report.charts import BASE, HIGHLIGHT, SECOND, TEMPLATE

PALETTE = (BASE, HIGHLIGHT, "#54a24b", SECOND, "#b279a2", "#9d755d")


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=title, height=height, margin=dict(l=60, r=20, t=60, b=60),
                      legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0.0))
    return fig


def lines_over_years(years: Sequence, series: dict[str, Sequence[float]], *, title: str,
                     value_title: str) -> go.Figure:
    """One line (with markers, so a single year still shows) per series over the years."""
    fig = go.Figure([go.Scatter(x=[str(y) for y in years], y=list(values), name=name, mode="lines+markers",
                                line=dict(color=colour))
                     for (name, values), colour in zip(series.items(), PALETTE)])
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text=value_title)
    return _layout(fig, title)


def grouped_hbars(categories: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
                  value_title: str) -> go.Figure:
    """Horizontal bars grouped by series, the first category on top (e.g. VA exported to and imported from each
    partner)."""
    cats = list(categories)[::-1]
    fig = go.Figure([go.Bar(name=name, x=list(values)[::-1], y=cats, orientation="h", marker_color=colour)
                     for (name, values), colour in zip(series.items(), PALETTE)])
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text=value_title)
    return _layout(fig, title, height=max(360, 28 * len(cats) * max(1, len(series)) // 2 + 140))


def stacked_bars(categories: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
                 value_title: str) -> go.Figure:
    """Vertical bars stacked by any number of series (colours repeat after six)."""
    fig = go.Figure([go.Bar(name=name, x=list(categories), y=list(values), marker_color=colour)
                     for (name, values), colour in zip(series.items(), cycle(PALETTE))])
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=value_title)
    return _layout(fig, title)
