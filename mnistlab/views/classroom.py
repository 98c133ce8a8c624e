"""What the class sees of a lesson: the join code with its QR code, the pause cover, the pooled answers."""

from __future__ import annotations

import html
import io
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import segno

from mnistlab.views import figures


def qr_png(link: str, scale: int = 10) -> bytes:
    """The join link as a QR code (PNG, drawn here: no web service sees the class's link)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def join_code_html(code: str, link: str, font_px: int = 96) -> str:
    """The code as large as the projector allows, spaced so the back row reads every character."""
    return (
        "<div class='class-code' style='text-align:center'>"
        f"<div style='font-size:{font_px // 4}px'>Join the class: open the Lesson page and type</div>"
        f"<div data-testid='class-code' style='font-size:{font_px}px;font-weight:700;letter-spacing:0.15em;"
        f"font-family:monospace;line-height:1.1'>{html.escape(code)}</div>"
        f"<div style='font-size:{max(14, font_px // 5)}px;word-break:break-all'>{html.escape(link)}</div>"
        "</div>"
    )


def pause_cover_html(message: str) -> str:
    """Covers the whole page until the teacher releases it (fixed, above Streamlit's own layers)."""
    return (
        "<div data-testid='class-paused' style='position:fixed;inset:0;z-index:1000100;"
        "background:rgba(14,17,23,0.97);color:#fff;display:flex;flex-direction:column;align-items:center;"
        "justify-content:center;text-align:center;padding:2rem'>"
        f"<div style='font-size:4rem;font-weight:700'>{html.escape(message)}</div>"
        "<div style='font-size:1.5rem;margin-top:1rem'>Your teacher paused the class; "
        "your page comes back when the teacher releases it.</div></div>"
    )


def answers_figure(
    values: Sequence[float],
    unit: str = "",
    truth: float | None = None,
    log_x: bool = False,
    height: int = 380,
) -> go.Figure:
    """Every answer as one dot (stacked where answers repeat), the measured value as a line once revealed."""
    counts: dict[float, int] = {}
    xs, ys = [], []
    for v in values:
        counts[v] = counts.get(v, 0) + 1
        xs.append(v)
        ys.append(counts[v])
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            marker=dict(size=18, color=figures.class_colours((0, 1))[0], line=dict(width=1, color="#222")),
            name="an answer",
            hovertemplate="%{x}<extra>an answer</extra>",
        )
    )
    if truth is not None:
        fig.add_vline(
            x=truth,
            line_width=4,
            line_color="#000",
            annotation_text=f"measured: {truth:g}",
            annotation_font_size=18,
        )
    label = f"answer ({unit})" if unit else "answer"
    fig.update_layout(
        height=height,
        margin=dict(l=50, r=20, t=40, b=50),
        xaxis=dict(title=label, type="log" if log_x else "linear"),
        yaxis=dict(title="how many gave it", rangemode="tozero", dtick=1),
        title=f"{len(values)} answers from the class",
        showlegend=False,
    )
    return fig


def step_counts_html(titles: Sequence[str], counts: Mapping[int | None, int], current: int | None) -> str:
    """How many students are on each step: counts only, never names (this is on the projector)."""
    bold = " style='font-weight:700'"
    rows = "".join(
        f"<tr{bold if n == current else ''}><td>{n + 1}</td><td>{html.escape(t)}</td>"
        f"<td style='text-align:right' data-testid='step-count'>{counts.get(n, 0)}</td></tr>"
        for n, t in enumerate(titles)
    )
    elsewhere = counts.get(None, 0)
    tail = f"<tr><td></td><td>not on a step yet</td><td style='text-align:right'>{elsewhere}</td></tr>"
    return (
        "<table class='step-counts' style='width:100%;border-collapse:collapse'>"
        "<thead><tr><th>step</th><th style='text-align:left'>title</th><th>students</th></tr></thead>"
        f"<tbody>{rows}{tail}</tbody></table>"
    )
