"""Plotly figures shared by the sections (one look for the whole report)."""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

HIGHLIGHT = "#c2410c"
BASE = "#4c78a8"
SECOND = "#9ecae9"
TEMPLATE = "plotly_white"


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=title, height=height, margin=dict(l=60, r=20, t=60, b=60),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0))
    return fig


def ranked_bars(categories: Sequence[str], values: Sequence[float], *, highlight: str | None, title: str,
                value_title: str) -> go.Figure:
    """Vertical bars in the given order, the ``highlight`` category in another colour."""
    colours = [HIGHLIGHT if c == highlight else BASE for c in categories]
    fig = go.Figure(go.Bar(x=list(categories), y=list(values), marker_color=colours))
    fig.update_yaxes(title_text=value_title)
    return _layout(fig, title)


def stacked_bars(categories: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
                 value_title: str) -> go.Figure:
    """Vertical bars stacked by series (e.g. export and import dependence)."""
    fig = go.Figure([go.Bar(name=name, x=list(categories), y=list(values), marker_color=colour)
                     for (name, values), colour in zip(series.items(), (BASE, SECOND, HIGHLIGHT))])
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=value_title)
    return _layout(fig, title)


def paired_hbars(categories: Sequence[str], left: tuple[str, Sequence[float]], right: tuple[str, Sequence[float]],
                 *, title: str) -> go.Figure:
    """Two horizontal bar panels sharing the category axis (e.g. output and VA multipliers of top sectors)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, subplot_titles=(left[0], right[0]),
                        horizontal_spacing=0.04)
    cats = list(categories)[::-1]  # first category on top
    fig.add_trace(go.Bar(x=list(left[1])[::-1], y=cats, orientation="h", marker_color=BASE, name=left[0]), 1, 1)
    fig.add_trace(go.Bar(x=list(right[1])[::-1], y=cats, orientation="h", marker_color=SECOND, name=right[0]), 1, 2)
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height=max(360, 34 * len(cats) + 120))


def quadrant_scatter(x: Sequence[float], y: Sequence[float], text: Sequence[str], groups: Sequence, *,
                     names: dict, title: str, x_title: str, y_title: str, threshold: float = 1.0) -> go.Figure:
    """Scatter with lines at ``threshold`` on both axes (the four key-sector quadrants), one colour per group;
    ``names`` maps each group to its legend entry, in legend (and colour) order."""
    fig = go.Figure()
    palette = (HIGHLIGHT, BASE, "#54a24b", "#9d9d9d")
    for colour, (group, name) in zip(palette, names.items()):
        idx = [i for i, g in enumerate(groups) if g == group]
        fig.add_trace(go.Scatter(x=[x[i] for i in idx], y=[y[i] for i in idx], text=[text[i] for i in idx],
                                 mode="markers", name=name, marker=dict(size=10, color=colour),
                                 hovertemplate="%{text}<br>%{x:.3f}, %{y:.3f}<extra></extra>"))
    fig.add_hline(y=threshold, line_dash="dash", line_color="#7b8794")
    fig.add_vline(x=threshold, line_dash="dash", line_color="#7b8794")
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return _layout(fig, title, height=520)
