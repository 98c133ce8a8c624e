"""The notebook's definitions: error rate in percent and the *summed* negative log-likelihood."""

from __future__ import annotations

import numpy as np


def error_pct(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """100 - 100 * accuracy, as the notebook prints it."""
    return float(100 - 100 * np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def nll_from_log_proba(y_true: np.ndarray, log_proba: np.ndarray) -> float:
    """-sum_i log q(y_i | x_i), summed over samples (not averaged).

    For two classes this is the notebook's
    ``-sum(y @ q[:, 1]) - sum((1 - y) @ q[:, 0])``.
    """
    y = np.asarray(y_true, dtype=np.intp)
    return float(-np.sum(log_proba[np.arange(len(y)), y]))


def nll_from_proba(y_true: np.ndarray, proba: np.ndarray, eps: float = 1e-15) -> float:
    """The notebook's multiclass form: ``-sum log(p[y] + eps)``."""
    y = np.asarray(y_true, dtype=np.intp)
    return float(-np.sum(np.log(proba[np.arange(len(y)), y] + eps)))


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Counts: rows are true classes, columns predicted classes."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true, dtype=np.intp), np.asarray(y_pred, dtype=np.intp)), 1)
    return counts


def most_confused_pair(counts: np.ndarray) -> tuple[int, int, int]:
    """(a, b, n): the two classes mistaken for each other most often, both directions added."""
    off = counts + counts.T
    np.fill_diagonal(off, -1)
    a, b = np.unravel_index(np.argmax(off), off.shape)
    return int(min(a, b)), int(max(a, b)), int(off[a, b])


def most_misclassified(counts: np.ndarray) -> tuple[int, float]:
    """(class, error %): the true class whose images are misclassified most often (by rate)."""
    totals = counts.sum(axis=1)
    wrong = totals - np.diag(counts)
    rates = np.where(totals > 0, 100 * wrong / np.maximum(totals, 1), 0.0)
    worst = int(np.argmax(rates))
    return worst, float(rates[worst])


def confusion_of(model, split) -> tuple[np.ndarray, np.ndarray]:
    """(confusion counts, predictions) of a fitted classifier on the test part of ``split``."""
    pred = model.predict(split.X_test)
    return confusion(split.y_test, pred), pred
