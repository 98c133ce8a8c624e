"""Small HTML fragments for places where a plotly chart is too slow to redraw (the drawing page)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mnistlab.views import captions, raster

if TYPE_CHECKING:
    from mnistlab.models.inference import Prediction


def probability_bars(probas: dict[str, np.ndarray], names: Sequence[str], colours: Sequence[str]) -> str:
    """One row per model: ten bars, the predicted class highlighted, percentages on hover."""
    rows = []
    for i, (label, proba) in enumerate(probas.items()):
        best = int(np.argmax(proba))
        bars = "".join(
            f'<div style="flex:1;text-align:center" title="{html.escape(str(n))}: {100 * p:.1f} %">'
            f'<div style="height:60px;display:flex;align-items:flex-end">'
            f'<div style="width:100%;height:{max(1.0, 60 * p):.0f}px;background:'
            f'{colours[i % len(colours)] if k == best else "#9aa4b2"}"></div></div>'
            f'<div style="font-size:14px">{html.escape(str(n))}</div></div>'
            for k, (n, p) in enumerate(zip(names, proba, strict=True))
        )
        # The bars' heights as text, for screen readers (the bars themselves are read as nothing).
        spoken = "; ".join(f"{n}: {100 * p:.0f} %" for n, p in zip(names, proba, strict=True))
        rows.append(
            f'<div style="margin:6px 0 10px"><div style="font-size:14px">{html.escape(label)}: '
            f"<b>{html.escape(str(names[best]))}</b> ({100 * proba[best]:.0f} %)</div>"
            f"{captions.screen_reader_html('Probabilities: ' + spoken)}"
            f'<div aria-hidden="true" style="display:flex;gap:4px;max-width:520px">{bars}</div></div>'
        )
    return "".join(rows)


def image(pixels: np.ndarray, caption: str = "", height: int | None = None, alt: str = "") -> str:
    """A grey image (values 0..1) inline as a PNG data URI, so no second request is needed.

    ``alt``: what the picture shows, for screen readers (the caption when not given)."""
    from PIL import Image

    picture = Image.fromarray(np.rint(np.clip(pixels, 0, 1) * 255).astype(np.uint8), "L")
    style = f"height:{height}px;" if height else ""
    return (
        f'<figure style="margin:0"><img src="{raster.to_data_uri(picture)}" '
        f'alt="{html.escape(alt or caption or "a digit image")}" '
        f'style="{style}image-rendering:pixelated">'
        f'<figcaption style="font-size:14px;color:#5f6368">{html.escape(caption)}</figcaption></figure>'
    )


def agreement_line(predictions: dict[str, Prediction], names) -> str:
    labels = {p.label for p in predictions.values()}
    if len(predictions) == 1:
        return ""
    if len(labels) == 1:
        return f"All {len(predictions)} models agree: {names[labels.pop()]}."
    votes: dict[int, int] = {}
    for p in predictions.values():
        votes[p.label] = votes.get(p.label, 0) + 1
    summary = ", ".join(f"{names[k]} ({n})" for k, n in sorted(votes.items(), key=lambda kv: -kv[1]))
    return f"The models disagree: {summary}."
