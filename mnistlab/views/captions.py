"""Text alternatives for charts (WCAG 1.1.1): what a chart shows and its key numbers, as one sentence or
two a screen reader reads out. Data in, text out; never streamlit."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

# Visually hidden, still read by screen readers (the usual "sr-only" recipe, inline: no stylesheet).
HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


def screen_reader_html(text: str) -> str:
    # The description is the name of an image-role element, not its text: a screen reader reads it as the
    # chart's description, and a search of the page's text (find in page, a test's locator) still finds
    # the chart's own title once, not twice.
    return f'<div role="img" aria-label="{html.escape(text)}" style="{HIDDEN}" class="chart-summary"></div>'


def _plain(text: str | None) -> str:
    return (text or "").replace("<br>", " ").replace("<b>", "").replace("</b>", "").strip()


def _number(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def chart_summary(fig: go.Figure) -> str:
    """Any figure, read from itself: its title, axes and series, each series' range of values.

    The charts with a meaning beyond their series (the map, the class scatter, the confusion matrix)
    have their own summaries below."""
    layout = fig.layout
    if isinstance(layout.meta, dict) and layout.meta.get("alt"):  # the figure brought its own
        return str(layout.meta["alt"])
    parts = [f"Chart: {_plain(layout.title.text) or 'untitled'}."]
    x_title, y_title = _plain(layout.xaxis.title.text), _plain(layout.yaxis.title.text)
    if x_title or y_title:
        parts.append(f"Horizontal axis: {x_title or 'none'}; vertical axis: {y_title or 'none'}.")
    series = []
    for trace in fig.data[:12]:
        name = _plain(getattr(trace, "name", None)) or trace.type
        values = getattr(trace, "z" if trace.type in ("heatmap", "contour") else "y", None)
        if values is None:
            series.append(name)
            continue
        try:
            numbers = np.asarray(values, dtype=float)
        except (TypeError, ValueError):  # category labels
            series.append(f"{name} ({np.size(values)} values)")
            continue
        if numbers.size and np.isfinite(numbers).any():
            series.append(
                f"{name}: {numbers.size} values from {_number(np.nanmin(numbers))} "
                f"to {_number(np.nanmax(numbers))}"
            )
    if series:
        parts.append("Series: " + "; ".join(series) + ".")
    return " ".join(parts)


def map_summary(
    model: str,
    test_error_pct: float,
    n_test: int,
    xs: np.ndarray,
    ys: np.ndarray,
    p: np.ndarray,
    names: Sequence[str],
) -> str:
    """The probability map: the model, its test error, how much of the plane each class gets, and where
    the P = 0.5 boundary crosses the horizontal line through the middle of the map."""
    ones = p >= 0.5
    share = float(ones.mean())
    grid_x, grid_y = np.meshgrid(xs, ys)
    where = []
    for k, mask in enumerate((~ones, ones)):
        if mask.any():
            where.append(
                f"{names[k]} is predicted on {100 * (share if k else 1 - share):.0f} % of the map, "
                f"around ({grid_x[mask].mean():.1f}, {grid_y[mask].mean():.1f})"
            )
    row = ones[len(ys) // 2]
    flips = np.flatnonzero(row[1:] != row[:-1])
    if flips.size:
        crossings = ", ".join(f"{(xs[i] + xs[i + 1]) / 2:.1f}" for i in flips[:4])
        boundary = (
            f"The P = 0.5 boundary crosses component 2 = {ys[len(ys) // 2]:.1f} at component 1 = {crossings}."
        )
    else:
        boundary = "The P = 0.5 boundary does not cross the middle of the map."
    return (
        f"Probability map of {model} for {names[0]} against {names[1]} on the first two principal "
        f"components: test error {test_error_pct:.2f} % on {n_test:,} test images. "
        + "; ".join(where)
        + ". "
        + boundary
    )


def scatter_summary(coords: np.ndarray, labels: np.ndarray, names: Sequence[str], title: str) -> str:
    """The classes on the first two principal components: how many points, where each class sits."""
    middles = [
        f"{names[int(k)]} at ({m[0]:.1f}, {m[1]:.1f})"
        for k in np.unique(labels)
        for m in [np.median(coords[labels == k], axis=0)]
    ]
    return (
        f"{title}: {len(labels):,} images on principal components 1 and 2, "
        f"{len(middles)} classes, each with its own colour, marker shape and name label. "
        "Middle of each class: " + "; ".join(middles) + "."
    )


def confusion_summary(counts: np.ndarray, names: Sequence[str]) -> str:
    """The confusion matrix: how many images, the error, and the three most frequent confusions."""
    counts = np.asarray(counts)
    total = int(counts.sum())
    wrong = total - int(np.trace(counts))
    off = counts * (1 - np.eye(len(counts), dtype=counts.dtype))
    order = np.argsort(off, axis=None)[::-1][:3]
    worst = [
        f"true {names[r]} taken for {names[c]} {int(off[r, c]):,} times"
        for r, c in (np.unravel_index(i, off.shape) for i in order)
        if off[r, c] > 0
    ]
    text = (
        f"Confusion matrix of {total:,} test images, true class in rows, predicted class in columns, "
        f"the count written in every cell: {wrong:,} errors ({100 * wrong / max(total, 1):.2f} %)."
    )
    return text + (" Most frequent: " + "; ".join(worst) + "." if worst else "")


def image_grid_alt(what: str, n_images: int, row_labels: Sequence[str] = (), cols: int = 0) -> str:
    """Alt text for a grid of digit images: what they are, how many, how they are laid out."""
    labelled = [str(r) for r in row_labels if str(r)]
    rows = f" in {len(row_labels)} rows" if row_labels else ""
    rows += f" ({', '.join(labelled)})" if labelled else ""
    per_row = f" of {cols}" if cols else ""
    return f"{what}: {n_images:,} images{rows}{per_row}."
