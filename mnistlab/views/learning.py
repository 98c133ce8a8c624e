"""Figures for watching a model learn: weights and feature maps as pictures, mistakes, per-class
scores, two models compared, saliency, the hidden-layer map, hidden units of the 2-D MLP, runs
overlaid. Data in, plotly Figure out; never streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mnistlab.views import figures, mosaics


def _tight(fig: go.Figure) -> go.Figure:
    """Pictures need no room for axis titles."""
    return fig.update_layout(margin=dict(l=10, r=10, t=40 if fig.layout.title.text else 10, b=10))


def _grid(images: np.ndarray, per_row: int, gap: int) -> np.ndarray:
    """Tiles with NaN between them, so the gaps stay blank whatever the colour scale."""
    tiles = mosaics.tile(np.asarray(images, dtype=np.float32), per_row)
    grid = mosaics.mosaic(tiles, gap=gap, fill=np.nan)
    rows, cols, h, w = tiles.shape
    blank = len(images) < rows * cols
    if blank:  # padding tiles of the last row: blank too, not zeros
        for i in range(len(images), rows * cols):
            r, c = divmod(i, cols)
            grid[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = np.nan
    return grid


def as_pictures(maps: np.ndarray) -> np.ndarray:
    """(channels, h, w) as they are; a dense layer's (units, 1, 1) as one picture, one pixel per unit."""
    if maps.shape[1:] != (1, 1):
        return maps
    values = maps.ravel()
    cols = int(np.ceil(np.sqrt(len(values) * 2)))
    rows = -(-len(values) // cols)
    out = np.full(rows * cols, np.nan, dtype=np.float32)
    out[: len(values)] = values
    return out.reshape(1, rows, cols)


def pictures_figure(
    images: np.ndarray,
    title: str = "",
    per_row: int = 16,
    signed: bool = True,
    height: int | None = None,
    unit: str = "weight",
    labels: Sequence[str] | None = None,
) -> go.Figure:
    """Small images side by side: signed values (weights) blue-white-red around zero, activations
    (non-negative after a ReLU) dark on white. ``labels``: a name over each picture (a class's)."""
    images = np.asarray(images, dtype=np.float32)
    gap = max(1, images.shape[-1] // 7)
    band = images.shape[-2] // 3 if labels else 0  # blank rows over each picture for its name
    if band:
        images = np.concatenate([np.full((len(images), band, images.shape[-1]), np.nan), images], axis=1)
    grid = _grid(images, per_row, gap)
    limit = float(np.nanmax(np.abs(grid))) if np.isfinite(grid).any() else 1.0
    limit = limit or 1.0
    scale = (
        dict(colorscale="RdBu_r", zmid=0, zmin=-limit, zmax=limit)
        if signed
        else dict(colorscale="gray_r", zmin=0, zmax=limit)
    )
    fig = go.Figure(
        go.Heatmap(
            z=grid[::-1],
            showscale=True,
            colorbar=dict(len=0.8, thickness=12),
            hovertemplate=f"{unit} %{{z:.3f}}<extra></extra>",
            **scale,
        )
    )
    h, w = images.shape[-2:]
    cols = (grid.shape[1] + gap) // (w + gap)
    for i, name in enumerate(labels or ()):
        r, c = divmod(i, cols)
        fig.add_annotation(
            x=c * (w + gap) + (w - 1) / 2,
            y=grid.shape[0] - 1 - (r * (h + gap) + band / 2),
            text=name,
            showarrow=False,
            font=dict(size=14),
        )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    rows = grid.shape[0] / grid.shape[1]
    return _tight(figures.style(fig, title, height=height or int(min(700, max(180, 620 * rows + 70)))))


def gallery_figure(
    images: np.ndarray, captions: Sequence[str], per_row: int = 8, title: str = ""
) -> go.Figure:
    """Digits (n, 28, 28; 0..255) each with a caption under it, e.g. 'true 4 -> 9 (97 %)'."""
    images = np.asarray(images, dtype=np.float32) / 255
    lines = max((text.count("<br>") + 1 for text in captions), default=1)
    gap, caption_h = 4, 2 + 8 * lines  # room under each tile for its caption's lines
    tiles = mosaics.tile(images, per_row)
    rows, cols = tiles.shape[:2]
    padded = np.zeros((rows, cols, 28 + caption_h, 28), dtype=np.float32)
    padded[:, :, :28] = tiles
    grid = mosaics.mosaic(padded, gap=gap)
    fig = go.Figure(
        go.Heatmap(z=grid[::-1], colorscale="gray_r", zmin=0, zmax=1, showscale=False, hoverinfo="skip")
    )
    height_px = grid.shape[0]
    for i, text in enumerate(captions):
        r, c = divmod(i, cols)
        top = r * (28 + caption_h + gap)
        fig.add_annotation(
            x=c * (28 + gap) + 14,
            y=height_px - (top + 28 + caption_h / 2),
            text=text,
            showarrow=False,
            font=dict(size=11),
        )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    # Pictures and captions keep the same size whatever the row count: a row's height follows its share
    # of the width (at 8 a row, 82 px plus the caption's lines), so fewer pictures a row are larger.
    per_row_px = (82 + 8 * lines) * 8 / cols
    return _tight(figures.style(fig, title, height=int(90 + per_row_px * rows)))


def class_report_figure(
    precision: np.ndarray,
    recall: np.ndarray,
    f1: np.ndarray,
    names: Sequence[str],
    title: str = "",
    height: int = 360,
) -> go.Figure:
    labels = [str(n) for n in names]
    fig = go.Figure(
        [
            go.Bar(
                name=name,
                x=labels,
                y=100 * np.asarray(values),
                marker_color=figures.PALETTE[i],
                hovertemplate=f"{name} %{{y:.1f}} %<extra>%{{x}}</extra>",
            )
            for i, (name, values) in enumerate((("precision", precision), ("recall", recall), ("F1", f1)))
        ]
    )
    low = float(np.min([precision, recall, f1])) * 100
    fig.update_xaxes(title="class", type="category")
    fig.update_yaxes(title="%", range=[max(0.0, low - 5), 100])
    return figures.style(
        fig, title, height=height, barmode="group", legend=dict(orientation="h", y=1.12, x=1, xanchor="right")
    )


def clickable_confusion_figure(
    counts: np.ndarray, names: Sequence[str], title: str = "", height: int = 520
) -> go.Figure:
    """The confusion matrix with a point on every cell, so clicking a cell selects it (true, predicted)."""
    fig = figures.confusion_figure(counts, names, title, height)
    labels = [str(n) for n in names]
    true_c, pred_c = np.meshgrid(range(len(labels)), range(len(labels)), indexing="ij")
    fig.add_trace(
        go.Scatter(
            x=[labels[p] for p in pred_c.ravel()],
            y=[labels[t] for t in true_c.ravel()],
            mode="markers",
            marker=dict(size=28, symbol="square", color="rgba(0,0,0,0.01)"),
            showlegend=False,
            customdata=counts.ravel(),
            hovertemplate="true %{y}, predicted %{x}: %{customdata} images (click: see them)<extra></extra>",
        )
    )
    # Fixed ranges: otherwise the axes pad for the markers' size and squeeze the cells.
    fig.update_xaxes(range=[-0.5, len(labels) - 0.5])
    fig.update_yaxes(range=[len(labels) - 0.5, -0.5], autorange=False)
    return fig.update_layout(clickmode="event+select", dragmode=False)


def comparison_figure(
    only_a: np.ndarray,
    only_b: np.ndarray,
    names: Sequence[str],
    label_a: str,
    label_b: str,
    height: int = 340,
) -> go.Figure:
    labels = [str(n) for n in names]
    fig = go.Figure(
        [
            go.Bar(name=f"only {label} right", x=labels, y=values, marker_color=figures.PALETTE[i])
            for i, (label, values) in enumerate(((label_a, only_a), (label_b, only_b)))
        ]
    )
    fig.update_xaxes(title="true class", type="category")
    fig.update_yaxes(title="test images")
    return figures.style(
        fig,
        "Test images one model gets right and the other not",
        height=height,
        barmode="group",
        legend=dict(orientation="h", y=-0.25, x=0),
    )


def saliency_figure(image: np.ndarray, maps: dict[str, np.ndarray], height: int = 320) -> go.Figure:
    """The input and, beside it, one signed map per class: red pushes towards the class, blue against."""
    titles = ["the input (28x28)", *maps]
    fig = make_subplots(1, len(titles), subplot_titles=titles, horizontal_spacing=0.03)
    fig.add_trace(
        go.Heatmap(
            z=np.asarray(image).reshape(28, 28)[::-1], colorscale="gray_r", showscale=False, hoverinfo="skip"
        ),
        1,
        1,
    )
    limit = max(float(np.abs(m).max()) for m in maps.values()) or 1.0
    for i, values in enumerate(maps.values(), start=2):
        fig.add_trace(
            go.Heatmap(
                z=np.asarray(values).reshape(28, 28)[::-1],
                colorscale="RdBu_r",
                zmid=0,
                zmin=-limit,
                zmax=limit,
                showscale=i == len(titles),
                colorbar=dict(len=0.8, thickness=12),
                hovertemplate="evidence %{z:.3f}<extra></extra>",
            ),
            1,
            i,
        )
    for i in range(1, len(titles) + 1):
        fig.update_xaxes(visible=False, constrain="domain", row=1, col=i)
        anchor = "x" if i == 1 else f"x{i}"
        fig.update_yaxes(visible=False, scaleanchor=anchor, constrain="domain", row=1, col=i)
    return figures.style(fig, height=height).update_layout(margin=dict(l=10, r=10, t=40, b=10))


def embedding_figure(
    coords: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str],
    point: np.ndarray | None,
    title: str,
    height: int = 520,
) -> go.Figure:
    fig = go.Figure(figures.scatter_by_class(coords, labels, names, size=4, opacity=0.5))
    if point is not None:
        fig.add_scatter(
            x=[point[0]],
            y=[point[1]],
            mode="markers",
            name="your drawing",
            marker=dict(symbol="star", size=22, color="black", line=dict(color="white", width=2)),
        )
    fig.update_xaxes(title="hidden-layer component 1")
    fig.update_yaxes(title="hidden-layer component 2")
    return figures.style(fig, title, height=height, legend=dict(itemsizing="constant"))


def runs_overlay_figure(
    series: dict[str, tuple[Sequence[float], Sequence[float]]],
    xlabel: str,
    ylabel: str,
    title: str = "",
    height: int = 340,
) -> go.Figure:
    """Several runs' curves on one chart: label -> (x, y)."""
    fig = go.Figure(
        [
            go.Scatter(
                x=list(x),
                y=list(y),
                mode="lines+markers",
                name=label,
                line=dict(color=figures.PALETTE[i % len(figures.PALETTE)], width=3),
            )
            for i, (label, (x, y)) in enumerate(series.items())
        ]
    )
    fig.update_xaxes(title=xlabel)
    fig.update_yaxes(title=ylabel)
    return figures.style(fig, title, height=height, legend=dict(orientation="h", y=-0.3, x=0))
