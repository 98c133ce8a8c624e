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
