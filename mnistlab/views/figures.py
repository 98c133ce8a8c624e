"""Figure builders: data in, plotly Figure out. Never streamlit."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from mnistlab.views import captions, raster

FONT = dict(size=15)
# The probability map's grid (points per axis): fine enough for a smooth boundary, small enough for 60 ms.
MAP_RESOLUTION = 160
# Matplotlib's "petroff10" (Petroff 2021, matplotlib._cm._petroff10_data): every pair stays at least 17
# CIE76 units apart under simulated protan, deutan and tritan vision (Machado 2009, severity 100; the
# previous set had two classes 3.6 apart for deuteranopes). tests/test_palette.py measures it.
PALETTE = [
    "#3f90da",
    "#ffa90e",
    "#bd1f01",
    "#94a4a2",
    "#832db6",
    "#a96b59",
    "#e76300",
    "#b9ac70",
    "#717581",
    "#92dadd",
]
# The same ten colours given to the classes (digit k gets CLASS_PALETTE[k]): the default pair 7 vs 9 gets
# blue and orange, the set's two strongest, so the 2-D map's faded halves stay apart.
CLASS_PALETTE = [
    "#bd1f01",
    "#ffa90e",
    "#94a4a2",
    "#832db6",
    "#a96b59",
    "#92dadd",
    "#b9ac70",
    "#3f90da",
    "#717581",
    "#e76300",
]
# A second cue beside colour (WCAG 1.4.1): each class also has its own marker shape.
CLASS_SYMBOLS = [
    "circle",
    "square",
    "diamond",
    "cross",
    "x",
    "triangle-up",
    "triangle-down",
    "star",
    "hexagon",
    "pentagon",
]


# Log axes labelled in plain decimals, one tick a decade (0.001, 0.01, 0.1, 1, 10; 1,000, 10,000), not
# plotly's 1e-3, 10^-3 or "2 5" minor labels.
LOG_AXIS = dict(type="log", dtick=1, tickformat=",~r", exponentformat="none")


# Set once: a new figure takes the default template without validating it, while template="plotly_white"
# in every style() call deep-copied and validated the whole template (85 % of style's time, measured).
pio.templates.default = "plotly_white"


def style(fig: go.Figure, title: str = "", height: int = 380, **layout) -> go.Figure:
    layout.setdefault("margin", dict(l=60, r=20, t=50 if title else 20, b=50))
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        height=height,
        font=FONT,
        **layout,
    )
    return fig


def class_counts_figure(
    train: np.ndarray, test: np.ndarray, names: Sequence[str], height: int = 380
) -> go.Figure:
    fig = go.Figure(
        [
            go.Bar(name=f"train ({int(train.sum()):,})", x=list(names), y=train, marker_color=PALETTE[0]),
            go.Bar(name=f"test ({int(test.sum()):,})", x=list(names), y=test, marker_color=PALETTE[1]),
        ]
    )
    fig.update_xaxes(title="class", type="category")
    fig.update_yaxes(title="images")
    return style(
        fig,
        "Images per class",
        height=height,
        barmode="group",
        legend=dict(orientation="h", y=1.12, x=1, xanchor="right"),
    )


def two_lines(label: str) -> str:
    """A label too long for one tile's width, broken at its middle space or slash ("Ankle<br>boot")."""
    cuts = [i for i, ch in enumerate(label) if ch in " /"]
    if len(label) <= 7 or not cuts:
        return label
    cut = min(cuts, key=lambda i: abs(i - len(label) / 2))
    keep = label[cut] if label[cut] == "/" else ""
    return f"{label[:cut]}{keep}<br>{label[cut + 1 :]}"


def image_grid_figure(
    mosaic: np.ndarray,
    row_labels: Sequence[str],
    tile: int = 28,
    gap: int = 2,
    title: str = "",
    col_labels: Sequence[str] | None = None,
    height: int | None = None,
    zrange: tuple[float, float] | None = None,
) -> go.Figure:
    """A mosaic of 28x28 tiles shown ink-dark on white, rows labelled."""
    zmin, zmax = zrange or (None, None)
    fig = go.Figure(
        go.Heatmap(
            z=mosaic[::-1], colorscale="gray_r", showscale=False, hoverinfo="skip", zmin=zmin, zmax=zmax
        )
    )
    step = tile + gap
    n_rows = (mosaic.shape[0] + gap) // step
    n_cols = (mosaic.shape[1] + gap) // step
    # The margins grow to the labels: a fixed one cut Fashion-MNIST's "T-shirt/top" to "T-shir", and a
    # long column label is broken onto two lines rather than turned (and the last one dropped).
    fig.update_yaxes(
        tickvals=[mosaic.shape[0] - 1 - (r * step + tile / 2) for r in range(n_rows)],
        ticktext=list(row_labels),
        automargin=True,
        scaleanchor="x",
        constrain="domain",
        showgrid=False,
        zeroline=False,
    )
    fig.update_xaxes(
        showgrid=False,
        zeroline=False,
        constrain="domain",
        tickvals=[c * step + tile / 2 for c in range(n_cols)] if col_labels else [],
        ticktext=[two_lines(label) for label in col_labels] if col_labels else None,
        tickangle=0,
        automargin=True,
    )
    alt = captions.image_grid_alt(_alt_title(title), n_rows * n_cols, row_labels, n_cols)
    return style(fig, title, height=height or max(160, 52 * n_rows + 80), meta=dict(alt=alt))


def _alt_title(title: str) -> str:
    return title.replace("<br>", " ") or "Digit images"


def scatter_by_class(
    coords: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str],
    ids: np.ndarray | None = None,
    size: int = 4,
    opacity: float = 0.6,
    colors: Sequence[str] = CLASS_PALETTE,
    outline: bool = False,
    symbols: Sequence[str] = CLASS_SYMBOLS,
) -> list[go.Scattergl]:
    """One WebGL trace per class; customdata carries each point's image index for hover and selection."""
    traces = []
    for k in np.unique(labels):
        mask = labels == k
        traces.append(
            go.Scattergl(
                x=coords[mask, 0],
                y=coords[mask, 1],
                mode="markers",
                name=str(names[int(k)]),
                marker=dict(
                    size=size,
                    color=colors[int(k) % len(colors)],
                    symbol=symbols[int(k) % len(symbols)],
                    opacity=opacity,
                    line=dict(width=0.5 if outline else 0, color="white"),
                ),
                customdata=None if ids is None else ids[mask],
                hovertemplate=f"class {names[int(k)]}"
                + ("<br>image #%{customdata}" if ids is not None else "")
                + "<br>(%{x:.2f}, %{y:.2f})<extra></extra>",
            )
        )
    return traces


def pca_scatter_figure(coords, labels, names, ids, title: str, height: int = 520) -> go.Figure:
    fig = go.Figure(scatter_by_class(coords, labels, names, ids))
    # Each class's name written at the middle of its points: the map reads without telling colours apart.
    for k in np.unique(labels):
        middle = np.median(coords[labels == k], axis=0)
        fig.add_annotation(
            x=float(middle[0]),
            y=float(middle[1]),
            text=f"<b>{names[int(k)]}</b>",
            showarrow=False,
            font=dict(size=16, color="#111827"),
            bgcolor="rgba(255,255,255,0.8)",
            bordercolor=CLASS_PALETTE[int(k) % len(CLASS_PALETTE)],
            borderwidth=2,
        )
    fig.update_xaxes(title="principal component 1")
    fig.update_yaxes(title="principal component 2")
    return style(
        fig,
        title,
        height=height,
        dragmode="lasso",
        legend=dict(title="class", itemsizing="constant"),
        meta=dict(alt=captions.scatter_summary(coords, labels, names, title)),
    )


def explained_variance_figure(
    ratio: np.ndarray, reach: dict, n_show: int = 100, height: int = 420
) -> go.Figure:
    n = min(n_show, len(ratio))
    k = np.arange(1, n + 1)
    cumulative = 100 * np.cumsum(ratio)
    fig = go.Figure(
        [
            go.Bar(
                x=k,
                y=100 * ratio[:n],
                name="per component",
                marker_color=PALETTE[0],
                hovertemplate="component %{x}: %{y:.2f} %<extra></extra>",
            ),
            go.Scatter(
                x=k,
                y=cumulative[:n],
                name="cumulative",
                yaxis="y2",
                line=dict(color=PALETTE[1], width=3),
                hovertemplate="first %{x} components: %{y:.1f} %<extra></extra>",
            ),
        ]
    )
    for target, count in reach.items():
        if count <= n:
            fig.add_vline(
                x=count,
                line=dict(color="#5f6368", dash="dot"),
                annotation_text=f"{target:.0%} at {count}",
                annotation_position="top",
            )
    fig.update_xaxes(title="principal component")
    return style(
        fig,
        f"Explained variance of the first {n} components",
        height=height,
        yaxis=dict(title="per component (%)"),
        yaxis2=dict(
            title="cumulative (%)", overlaying="y", side="right", range=[0, 100], dtick=20, showgrid=False
        ),
        legend=dict(orientation="h", y=-0.18, x=1, xanchor="right"),
    )


def class_colours(classes: Sequence[int]) -> tuple[str, ...]:
    """Each class's colour everywhere in the dashboard (the Data page's scatter, the maps)."""
    return tuple(CLASS_PALETTE[int(k) % len(CLASS_PALETTE)] for k in classes)


def probability_map_figure(
    xs,
    ys,
    p: np.ndarray,
    points: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str],
    title: str = "",
    height: int = 560,
    colours: tuple[str, str] = (CLASS_PALETTE[7], CLASS_PALETTE[9]),
) -> go.Figure:
    """P(class 1) as a faded image, the points as crisp markers in their class colours, the P = 0.5
    boundary as a contour line on top. Both axes are principal components in the same units, so one
    unit is as long on each (a stretched map would misstate the distances the models use).

    The contour carries the hover (P in whole percent).
    """
    scale = raster.two_class_scale(colours)
    image = raster.probability_image(p, scale)
    percent = np.rint(100 * p).astype(np.uint8)
    fig = go.Figure(
        [
            # A 2x2 stand-in carries the colour bar (the same faded scale); the picture is the image below.
            go.Heatmap(
                x=xs[[0, -1]],
                y=ys[[0, -1]],
                z=[[0, 100], [100, 0]],
                zmin=0,
                zmax=100,
                colorscale=scale,
                opacity=0,
                hoverinfo="skip",
                colorbar=dict(
                    title=dict(text=f"P({names[1]}) %", side="right"),
                    len=0.75,
                    thickness=16,
                    outlinewidth=1,
                    outlinecolor="#9aa0a6",
                ),
            ),
            go.Contour(
                x=xs,
                y=ys,
                z=percent,
                showscale=False,
                contours=dict(start=50, end=50, size=1, coloring="none"),
                line=dict(color="#111827", width=3),
                name="P = 0.5",
                showlegend=True,
                hovertemplate=f"P({names[1]}) = %{{z}} %<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            ),
            *scatter_by_class(
                points,
                labels,
                list(names),
                size=7,
                opacity=0.9,
                colors=colours,
                outline=True,
                symbols=("circle", "diamond"),
            ),
        ]
    )
    fig.add_layout_image(
        source=raster.to_data_uri(image),
        xref="x",
        yref="y",
        x=xs[0],
        y=ys[-1],
        sizex=xs[-1] - xs[0],
        sizey=ys[-1] - ys[0],
        sizing="stretch",
        layer="below",
    )
    fig.update_xaxes(
        title="principal component 1",
        range=[xs[0], xs[-1]],
        showgrid=False,
        zeroline=False,
        constrain="domain",
    )
    fig.update_yaxes(
        title="principal component 2",
        range=[ys[0], ys[-1]],
        showgrid=False,
        zeroline=False,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
    )
    style(
        fig,
        title,
        height=height,
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, itemsizing="constant"),
    )
    if not title:
        return fig.update_layout(margin=dict(t=40, b=50))
    # The title on the top line, the legend on its own line under it: in a narrow column a long title
    # ("Epoch 4: train error ...") otherwise runs through the legend.
    return fig.update_layout(
        title=dict(yref="container", y=1, yanchor="top", pad=dict(t=10)), margin=dict(t=80, b=50)
    )


def cv_curve_figure(
    x: Sequence[float],
    errors: Sequence[float],
    xlabel: str,
    log_x: bool = True,
    title: str = "5-fold CV error",
    height: int = 360,
) -> go.Figure:
    errs = np.asarray(errors, dtype=float)
    fig = go.Figure(
        go.Scatter(
            x=list(x),
            y=errs,
            mode="lines+markers",
            line=dict(width=3, color=PALETTE[0]),
            hovertemplate=f"{xlabel} = %{{x:g}}<br>CV error %{{y:.2f}} %<extra></extra>",
        )
    )
    if np.isfinite(errs).any():
        best = int(np.nanargmin(errs))
        fig.add_trace(
            go.Scatter(
                x=[x[best]],
                y=[errs[best]],
                mode="markers",
                name="best",
                marker=dict(size=14, color=PALETTE[1], symbol="star"),
            )
        )
    fig.update_xaxes(title=xlabel, **(LOG_AXIS if log_x else dict(type="linear")))
    fig.update_yaxes(title="CV error (%)")
    return style(fig, title, height=height, showlegend=False)


def cv_heatmap_figure(
    rows: Sequence,
    cols: Sequence,
    errors: np.ndarray,
    row_label: str,
    col_label: str,
    title: str = "5-fold CV error (%)",
    height: int = 420,
) -> go.Figure:
    """Rows x cols grid of CV errors with the best cell marked."""
    text = [[("" if np.isnan(v) else f"{v:.2f}") for v in row] for row in errors]
    fig = go.Figure(
        go.Heatmap(
            z=errors,
            x=[str(c) for c in cols],
            y=[f"{r:g}" for r in rows],
            text=text,
            texttemplate="%{text}",
            colorscale="Viridis_r",
            colorbar=dict(title=dict(text="CV error %", side="right")),
            hovertemplate=f"{row_label} %{{y}}, {col_label} %{{x}}: %{{z:.2f}} %<extra></extra>",
        )
    )
    if np.isfinite(errors).any():
        r, c = np.unravel_index(np.nanargmin(errors), errors.shape)
        fig.add_shape(
            type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5, line=dict(color="#ff00ff", width=4)
        )
    fig.update_xaxes(title=col_label, type="category")
    fig.update_yaxes(title=row_label, type="category")
    return style(fig, title, height=height)


def distinct_labels(labels: Sequence[str], sep: str = ", ") -> list[str]:
    """Labels without the parts every label shares ("activation=relu, alpha=0.0001, ..." repeated down
    a chart): those go in the title instead, see ``shared_label``."""
    parts = [label.split(sep) for label in labels]
    common = set.intersection(*map(set, parts)) if len(parts) > 1 else set()
    short = [
        sep.join(p for p in split if p not in common) or label
        for split, label in zip(parts, labels, strict=True)
    ]
    seen: dict[str, int] = {}
    for i, label in enumerate(short):  # a category axis would stack repeated labels on one row
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            short[i] = f"{label} ({seen[label]})"
    return short


def shared_label(labels: Sequence[str], sep: str = ", ") -> str:
    parts = [label.split(sep) for label in labels]
    common = set.intersection(*map(set, parts)) if len(parts) > 1 else set()
    return sep.join(p for p in parts[0] if p in common) if parts else ""


def value_range(values: np.ndarray, room: float = 0.35) -> list[float]:
    """An axis around the values, not from 0: 25.51 and 25.78 must not look equal. ``room``: space on
    the right for the value labels."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    span = hi - lo or max(abs(hi) * 0.05, 0.5)
    return [lo - 0.15 * span, hi + room * span]


def bars_figure(
    labels: Sequence[str], values: Sequence[float], value_label: str, title: str = "", height: int = 360
) -> go.Figure:
    """One value per label as dots on an axis around the values (bars would have to start at 0), the
    lowest highlighted; the parts of the labels they all share go in the title."""
    vals = np.asarray(values, dtype=float)
    colors = [PALETTE[0]] * len(vals)
    if np.isfinite(vals).any():
        colors[int(np.nanargmin(vals))] = PALETTE[1]
    common = shared_label(labels)
    fig = go.Figure(
        go.Scatter(
            x=vals,
            y=distinct_labels(labels),
            mode="markers+text",
            marker=dict(size=13, color=colors),
            text=[("" if np.isnan(v) else f"{v:.2f}") for v in vals],
            textposition="middle right",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title=value_label + " (axis zoomed to the values)")
    if np.isfinite(vals).any():
        fig.update_xaxes(range=value_range(vals))
    fig.update_yaxes(autorange="reversed", type="category")
    title = f"{title} ({common})" if title and common else title or (f"All with {common}" if common else "")
    return style(fig, title, height=height)


def timing_curves_figure(points: Sequence, height: int = 380) -> go.Figure:
    """Exercise 3.2: test error, fit time and test time against the training size, one line per back-end."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=("Test error (%)", "Fit time (s)", "Time to classify the test set (s)"),
        horizontal_spacing=0.08,
    )
    backends = sorted({p.backend for p in points})
    for b, backend in enumerate(backends):
        pts = sorted((p for p in points if p.backend == backend), key=lambda p: p.n_train)
        x = [p.n_train for p in pts]
        for col, values in enumerate(
            ([p.test_error_pct for p in pts], [p.fit_s for p in pts], [p.predict_s for p in pts]), start=1
        ):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=values,
                    mode="lines+markers",
                    name=backend,
                    legendgroup=backend,
                    showlegend=col == 1,
                    line=dict(color=PALETTE[b], width=3),
                ),
                row=1,
                col=col,
            )
    fig.update_xaxes(title="training images", **LOG_AXIS)
    return style(fig, "", height=height, legend=dict(orientation="h", y=-0.25, x=0))


def confusion_figure(
    counts: np.ndarray, names: Sequence[str], title: str = "", height: int = 560
) -> go.Figure:
    """Only the errors are coloured: on one scale with the diagonal (~1,000 per class) an off-diagonal
    116 or 71 looked white. The diagonal keeps its numbers on a grey layer."""
    labels = [str(n) for n in names]
    counts = np.asarray(counts)
    diagonal = np.eye(len(counts), dtype=bool)
    errors = np.where(diagonal, np.nan, counts).astype(float)
    correct = np.where(diagonal, counts, np.nan).astype(float)
    fig = go.Figure(
        [
            go.Heatmap(
                z=errors,
                x=labels,
                y=labels,
                colorscale="Reds",
                zmin=0,
                text=np.where(diagonal, "", counts),
                texttemplate="%{text}",
                colorbar=dict(title=dict(text="errors (test images)", side="right")),
                hovertemplate="true %{y}, predicted %{x}: %{z} images<extra></extra>",
            ),
            go.Heatmap(
                z=correct,
                x=labels,
                y=labels,
                colorscale=[[0, "#e5e7eb"], [1, "#e5e7eb"]],
                showscale=False,
                text=np.where(diagonal, counts, ""),
                texttemplate="%{text}",
                hovertemplate="true %{y}, predicted %{x}: %{z} images (correct)<extra></extra>",
            ),
        ]
    )
    # Every class named: plotly skipped every other of Fashion-MNIST's names when they overlapped.
    slant = -35 if max(len(x) for x in labels) > 3 else 0
    fig.update_xaxes(
        title="predicted class",
        type="category",
        side="bottom",
        tickmode="array",
        tickvals=labels,
        tickangle=slant,
    )
    fig.update_yaxes(
        title="true class", type="category", autorange="reversed", tickmode="array", tickvals=labels
    )
    return style(
        fig, title, height=height, meta=dict(alt=f"{title}. {captions.confusion_summary(counts, names)}")
    )


def loss_curves_figure(
    series: dict[str, Sequence[float]], ylabel: str, title: str = "", height: int = 340, xlabel: str = "epoch"
) -> go.Figure:
    fig = go.Figure(
        [
            go.Scatter(
                x=list(range(1, len(v) + 1)),
                y=list(v),
                mode="lines+markers",
                name=name,
                line=dict(color=PALETTE[i % len(PALETTE)], width=3),
            )
            for i, (name, v) in enumerate(series.items())
        ]
    )
    fig.update_xaxes(title=xlabel)
    fig.update_yaxes(title=ylabel)
    return style(fig, title, height=height, legend=dict(orientation="h", y=1.12, x=1, xanchor="right"))


def running_loss_figure(
    running: Sequence[tuple[float, float]], history: Sequence, epochs: int, height: int = 320
) -> go.Figure:
    """The training loss as it moves: the running mean inside each epoch (every few batches), and each
    finished epoch's train and test loss as markers, on one axis of epochs (fractions inside an epoch)."""
    fig = go.Figure(
        go.Scatter(
            x=[e for e, _ in running],
            y=[loss for _, loss in running],
            mode="lines",
            name="training loss, running mean in the epoch",
            line=dict(color=PALETTE[0], width=2),
        )
    )
    if history:
        fig.add_scatter(
            x=[m.epoch for m in history],
            y=[m.val_loss for m in history],
            mode="markers+lines",
            name="test loss at the end of the epoch",
            marker=dict(size=10, color=PALETTE[1]),
            line=dict(color=PALETTE[1], width=2, dash="dot"),
        )
    # The epochs done so far (whole ones), not the run's length: a long run stopped early stays readable.
    done = max([e for e, _ in running] + [m.epoch for m in history] + [0.0])
    fig.update_xaxes(title=f"epoch (of {epochs})", range=[0, max(1, math.ceil(done))])
    fig.update_yaxes(title="cross-entropy")
    return style(
        fig, "Loss while training", height=height, legend=dict(orientation="h", y=1.15, x=1, xanchor="right")
    )


def c_sweep_figure(
    Cs: Sequence[float],
    errors: Sequence[float],
    norms: Sequence[float],
    current: float,
    matters_below: float,
    height: int = 300,
) -> go.Figure:
    """Test error and weight norm against C (log axis), the current C marked, the range where C
    changes the error shaded."""
    fig = go.Figure(
        [
            go.Scatter(
                x=list(Cs),
                y=list(errors),
                name="test error (%)",
                mode="lines+markers",
                line=dict(color=PALETTE[0], width=3),
                hovertemplate="C = %{x:g}: %{y:.2f} %<extra></extra>",
            ),
            go.Scatter(
                x=list(Cs),
                y=list(norms),
                name="weight norm ||w||",
                mode="lines+markers",
                yaxis="y2",
                line=dict(color=PALETTE[1], width=3, dash="dot"),
                hovertemplate="C = %{x:g}: ||w|| = %{y:.3f}<extra></extra>",
            ),
        ]
    )
    # No annotations on these shapes: on a log axis plotly places their text at the wrong x.
    fig.add_vrect(x0=min(Cs), x1=matters_below, fillcolor=PALETTE[6], opacity=0.12, line_width=0)
    fig.add_vline(x=current, line=dict(color="#111827", width=2))
    fig.update_xaxes(title="C (log scale)", **LOG_AXIS)
    return style(
        fig,
        "Where C matters: test error and the size of the weights",
        height=height,
        yaxis=dict(title="test error (%)"),
        yaxis2=dict(title="||w||", overlaying="y", side="right", showgrid=False, rangemode="tozero"),
        # Above the plot, under the title: below it, the legend sat on the x-axis title on a projector.
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
        margin=dict(l=70, r=20, t=100, b=50),
    ).update_xaxes(automargin=True)
