"""The reliability diagram: accuracy per confidence bin against the diagonal of perfect calibration."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mnistlab.views.figures import PALETTE, style


def reliability_figure(bins, title: str, height: int = 420) -> go.Figure:
    """``bins``: a ``calibration.Reliability``. Bars: each bin's accuracy; diamonds: its mean
    confidence; the dotted diagonal is where they would meet if the probabilities could be trusted."""
    centres = (bins.edges[:-1] + bins.edges[1:]) / 2
    full = bins.count > 0
    width = float(bins.edges[1] - bins.edges[0])
    fig = go.Figure()
    fig.add_bar(
        x=centres[full],
        y=100 * bins.accuracy[full],
        width=width * 0.9,
        name="accuracy in the bin",
        marker_color=PALETTE[0],
        customdata=bins.count[full],
        hovertemplate="confidence %{x:.2f}: %{y:.1f} % right of %{customdata:,} images<extra></extra>",
    )
    fig.add_scatter(
        x=centres[full],
        y=100 * bins.confidence[full],
        mode="markers",
        name="mean confidence in the bin",
        marker=dict(symbol="diamond", size=10, color=PALETTE[1]),
    )
    fig.add_scatter(
        x=[0, 1],
        y=[0, 100],
        mode="lines",
        name="perfectly calibrated",
        line=dict(color="#555555", dash="dot"),
    )
    return style(
        fig,
        title,
        height=height,
        xaxis_title="the model's top probability (confidence), in bins",
        yaxis_title="% of the bin's images classified right",
        xaxis_range=[0, 1.0],
        yaxis_range=[0, 101],
        legend=dict(orientation="h", y=-0.25),
        bargap=0,
    )


def share_line(bins) -> str:
    """Where the predictions are: most sit in the last bin for a trained network."""
    last = int(bins.count[-1])
    return (
        f"{last:,} of {int(np.sum(bins.count)):,} test images ({100 * last / max(1, bins.count.sum()):.1f} %)"
    )
