"""Summaries of a dataset for looking at it: counts, samples, means."""

from __future__ import annotations

import numpy as np


def class_counts(y: np.ndarray, n_classes: int = 10) -> np.ndarray:
    return np.bincount(y, minlength=n_classes)


def samples_per_class(X: np.ndarray, y: np.ndarray, per_class: int, seed: int = 0) -> np.ndarray:
    """(n_classes, per_class, 28, 28): a reproducible random pick of each class."""
    rng = np.random.default_rng(seed)
    rows = []
    for label in range(10):
        idx = np.flatnonzero(y == label)
        pick = rng.choice(idx, size=min(per_class, len(idx)), replace=False)
        rows.append(X[np.sort(pick)].reshape(-1, 28, 28))
    return np.stack(rows)


def mean_images(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(10, 28, 28) float: the average image of each class, in pixel units 0-255."""
    return np.stack([X[y == label].mean(axis=0).reshape(28, 28) for label in range(10)])


def selection_sample(ids: np.ndarray, labels: np.ndarray, limit: int = 40) -> np.ndarray:
    """At most ``limit`` of the selected images, each class in proportion to its share of the selection.

    Plotly lists a selection trace by trace (class by class), so its first 40 points would all be one
    class: a box over mixed 7s and 9s would show only 7s. Classes take turns instead, each in a spread of
    its own images (evenly spaced, so the pick is the same for the same selection).
    """
    ids, labels = np.asarray(ids), np.asarray(labels)
    if len(ids) <= limit:
        return ids
    classes, counts = np.unique(labels, return_counts=True)
    # Largest remainder: every class present keeps at least one image when the limit allows.
    share = counts / counts.sum() * limit
    quota = np.maximum(np.floor(share).astype(int), 1 if len(classes) <= limit else 0)
    for k in np.argsort(share - np.floor(share))[::-1]:
        if quota.sum() >= limit:
            break
        quota[k] += 1
    while quota.sum() > limit:
        quota[np.argmax(quota)] -= 1
    picked = [
        ids[labels == c][np.linspace(0, n - 1, q).round().astype(int)]
        for c, n, q in zip(classes, counts, quota, strict=True)
        if q > 0
    ]
    return np.concatenate(picked)
