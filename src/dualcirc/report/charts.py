"""Plotly figures shared by the sections (one look for the whole report)."""

from __future__ import annotations

from itertools import cycle
from typing import Sequence

import plotly.graph_objects as go

HIGHLIGHT = "#c2410c"
BASE = "#4c78a8"
SECOND = "#9ecae9"
#: colours of stacked series after the first three
MORE = ("#54a24b", "#9d9d9d", "#b279a2", "#eeca3b", "#72b7b2")
#: every series colour in order (repeated for charts with more series)
PALETTE = (BASE, SECOND, HIGHLIGHT) + MORE
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
    """Vertical bars stacked by series (e.g. export and import dependence), at most eight series."""
    fig = go.Figure([go.Bar(name=name, x=list(categories), y=list(values), marker_color=colour)
                     for (name, values), colour in zip(series.items(), PALETTE)])
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


def stacked_shares(categories: Sequence, series: dict[str, Sequence[float]], *, title: str, value_title: str,
                   line: tuple[str, Sequence[float]] | None = None, horizontal: bool = False) -> go.Figure:
    """Bars stacked by series in palette order (e.g. the parts of GDP by year; negative parts stack below zero),
    optionally with one line on top (vertical bars only) or laid horizontally (one bar per category)."""
    traces = []
    for (name, values), colour in zip(series.items(), cycle(PALETTE)):
        if horizontal:
            traces.append(go.Bar(name=name, y=list(categories), x=list(values), orientation="h", marker_color=colour))
        else:
            traces.append(go.Bar(name=name, x=list(categories), y=list(values), marker_color=colour))
    fig = go.Figure(traces)
    if line is not None and not horizontal:
        fig.add_trace(go.Scatter(name=line[0], x=list(categories), y=list(line[1]), mode="lines+markers",
                                 line=dict(color="#1f2933", width=2)))
    fig.update_layout(barmode="relative")
    (fig.update_xaxes if horizontal else fig.update_yaxes)(title_text=value_title)
    return _layout(fig, title, height=300 + 40 * len(categories) if horizontal else 420)


def paired_lines_with_peaks(x: Sequence, pairs: dict[str, tuple[Sequence[float], Sequence[float]]],
                            names: tuple[str, str], *, title: str, y_title: str, highlight: str | None = None
                            ) -> go.Figure:
    """Two lines per group (solid: first measure, dashed: second), one colour per group, each line's maximum
    marked and labelled with its x value (e.g. gross vs value-added trade dependence with peak years)."""
    fig = go.Figure()
    for (group, (first, second)), colour in zip(pairs.items(), cycle(PALETTE)):
        width = 3 if group == highlight else 2
        for values, dash, measure in ((first, "solid", names[0]), (second, "dash", names[1])):
            fig.add_trace(go.Scatter(x=list(x), y=list(values), name=f"{group}: {measure}", mode="lines",
                                     line=dict(color=colour, dash=dash, width=width), legendgroup=group))
            peak = max(range(len(values)), key=lambda i: values[i] if values[i] == values[i] else float("-inf"))
            fig.add_trace(go.Scatter(x=[x[peak]], y=[values[peak]], mode="markers+text", text=[str(x[peak])],
                                     textposition="top center", marker=dict(color=colour, size=9),
                                     showlegend=False, legendgroup=group, hoverinfo="skip"))
    fig.update_yaxes(title_text=y_title)
    return _layout(fig, title, height=520)


def line_panels(x: Sequence, panels: dict[str, dict[str, Sequence[float]]], *, title: str,
                y_titles: Sequence[str] = ()) -> go.Figure:
    """Line charts side by side, one per panel, over a shared x (e.g. years); a series name keeps its colour and
    legend entry across panels, and every point is marked (one point when there is one year)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels), horizontal_spacing=0.08)
    colours: dict[str, str] = {}
    for col, series in enumerate(panels.values(), start=1):
        for name, values in series.items():
            first = name not in colours
            colour = colours.setdefault(name, PALETTE[len(colours) % len(PALETTE)])
            fig.add_trace(go.Scatter(x=list(x), y=list(values), name=name, mode="lines+markers", legendgroup=name,
                                     showlegend=first, line=dict(color=colour, width=2)), 1, col)
        if col <= len(y_titles):
            fig.update_yaxes(title_text=y_titles[col - 1], row=1, col=col)
    fig.update_xaxes(type="category")
    return _layout(fig, title, height=440)


def heatmap(columns: Sequence, rows: Sequence[str], values, *, title: str, value_title: str,
            percent: bool = True) -> go.Figure:
    """A heat table (rows x columns, e.g. sectors x years) with the values printed in the cells."""
    text = [[("" if v != v else f"{v:.1%}" if percent else f"{v:,.3g}") for v in row] for row in values]
    fig = go.Figure(go.Heatmap(z=values, x=[str(c) for c in columns], y=list(rows), text=text,
                               texttemplate="%{text}", colorscale="Blues", colorbar=dict(title=value_title)))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(360, 26 * len(rows) + 140))


def waterfall(categories: Sequence[str], values: Sequence[float], *, total: str, title: str,
              value_title: str) -> go.Figure:
    """Effects as a waterfall from zero to their sum (named ``total``), e.g. a structural decomposition."""
    fig = go.Figure(go.Waterfall(x=list(categories) + [total], y=list(values) + [0.0],
                                 measure=["relative"] * len(categories) + ["total"],
                                 increasing=dict(marker_color=BASE), decreasing=dict(marker_color=HIGHLIGHT),
                                 totals=dict(marker_color=SECOND)))
    fig.update_yaxes(title_text=value_title)
    return _layout(fig, title)
