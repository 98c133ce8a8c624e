"""Figure builders: data in, plotly Figure out. Never streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

FONT = dict(size=15)
PALETTE = ["#1f5fbf", "#e8710a", "#12a150", "#c2185b", "#7b1fa2",
           "#00838f", "#8d6e63", "#5f6368", "#c0a000", "#d32f2f"]


def style(fig: go.Figure, title: str = "", height: int = 380, **layout) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0, xanchor="left"), height=height, font=FONT,
                      margin=dict(l=60, r=20, t=50 if title else 20, b=50),
                      template="plotly_white", **layout)
    return fig


def class_counts_figure(train: np.ndarray, test: np.ndarray, names: Sequence[str], height: int = 380) -> go.Figure:
    fig = go.Figure([
        go.Bar(name=f"train ({int(train.sum()):,})", x=list(names), y=train, marker_color=PALETTE[0]),
        go.Bar(name=f"test ({int(test.sum()):,})", x=list(names), y=test, marker_color=PALETTE[1]),
    ])
    fig.update_xaxes(title="class", type="category")
    fig.update_yaxes(title="images")
    return style(fig, "Images per class", height=height, barmode="group",
                 legend=dict(orientation="h", y=1.12, x=1, xanchor="right"))


def image_grid_figure(mosaic: np.ndarray, row_labels: Sequence[str], tile: int = 28, gap: int = 2,
                      title: str = "", col_labels: Sequence[str] | None = None, height: int | None = None) -> go.Figure:
    """A mosaic of 28x28 tiles shown ink-dark on white, rows labelled."""
    fig = go.Figure(go.Heatmap(z=mosaic[::-1], colorscale="gray_r", showscale=False, hoverinfo="skip"))
    step = tile + gap
    n_rows = (mosaic.shape[0] + gap) // step
    n_cols = (mosaic.shape[1] + gap) // step
    fig.update_yaxes(tickvals=[mosaic.shape[0] - 1 - (r * step + tile / 2) for r in range(n_rows)],
                     ticktext=list(row_labels), scaleanchor="x", constrain="domain", showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False, constrain="domain",
                     tickvals=[c * step + tile / 2 for c in range(n_cols)] if col_labels else [],
                     ticktext=list(col_labels) if col_labels else None)
    return style(fig, title, height=height or max(160, 52 * n_rows + 80))
