"""Figures of the adversarial lesson: accuracy against epsilon beside the published references, and
the pictures of one attack (the digit, the perturbation magnified, what the model sees)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from mnistlab.views import mosaics
from mnistlab.views.figures import PALETTE, style


def accuracy_vs_eps_figure(
    curves: Mapping[str, Mapping[float, float]],
    tutorial: Mapping[float, float],
    goodfellow_error: Mapping[float, float],
    title: str,
    height: int = 420,
) -> go.Figure:
    """One line per model (accuracy %), the PyTorch tutorial's LeNet dashed and Goodfellow et al.'s
    softmax point, all against epsilon in pixel units."""
    fig = go.Figure()
    for i, (label, curve) in enumerate(curves.items()):
        eps = sorted(curve)
        fig.add_scatter(
            x=eps,
            y=[curve[e] for e in eps],
            mode="lines+markers",
            name=label,
            line=dict(color=PALETTE[i % len(PALETTE)], width=3),
            marker=dict(size=8),
        )
    eps = sorted(tutorial)
    fig.add_scatter(
        x=eps,
        y=[tutorial[e] for e in eps],
        mode="lines+markers",
        name="PyTorch tutorial, LeNet, FGSM (published)",
        line=dict(color="#555555", width=2, dash="dash"),
        marker=dict(symbol="square-open", size=8),
    )
    for e, error in goodfellow_error.items():
        fig.add_scatter(
            x=[e],
            y=[100 - error],
            mode="markers",
            name=f"Goodfellow et al. 2014, shallow softmax: {error:g} % error (published)",
            marker=dict(symbol="x", size=14, color="#000000"),
        )
    return style(
        fig,
        title,
        height=height,
        xaxis_title="epsilon (largest change of a pixel, 0-1 scale)",
        yaxis_title="accuracy on attacked test images (%)",
        yaxis_range=[0, 100.5],
        legend=dict(orientation="h", y=-0.25),
    )


def attack_strip(original: np.ndarray, attacked: np.ndarray, eps: float) -> np.ndarray:
    """The digit, the perturbation magnified to the full grey range (mid grey: unchanged, white: +eps,
    black: -eps) and the attacked digit, as one 0..1 strip. Images are (784,) or 28x28 in [0, 1]."""
    before = np.asarray(original, dtype=np.float32).reshape(28, 28)
    after = np.asarray(attacked, dtype=np.float32).reshape(28, 28)
    change = 0.5 + (after - before) / (2 * eps) if eps > 0 else np.full_like(before, 0.5)
    return mosaics.strip([before, np.clip(change, 0, 1), after], size=140, fill=0.35)


def signed_weights(weights: np.ndarray) -> np.ndarray:
    """A weight image (784,) as grey: mid grey 0, white the largest positive, black the most negative."""
    w = np.asarray(weights, dtype=np.float32).reshape(28, 28)
    top = float(np.abs(w).max()) or 1.0
    return mosaics.enlarge(0.5 + w / (2 * top), 140)
