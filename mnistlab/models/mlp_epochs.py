"""scikit-learn's MLPClassifier trained epoch by epoch, so a page can show progress and stop.

``partial_fit`` runs one epoch of Adam over shuffled minibatches, keeping the optimiser's state
between calls; the stopping rule is MLPClassifier's own (training loss not improving by ``tol``
for ``n_iter_no_change`` epochs), so a full run ends where ``fit`` would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.neural_network import MLPClassifier

from mnistlab.models import metrics


@dataclass
class EpochLog:
    losses: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    converged: bool = False
    stopped: bool = False


def notebook_mlp(hidden=(200, 100), activation: str = "relu", max_iter: int = 2000, seed: int = 0) -> MLPClassifier:
    """Exercise 3.4's network (a fixed seed so reruns agree)."""
    return MLPClassifier(hidden_layer_sizes=hidden, activation=activation, max_iter=max_iter, random_state=seed)


def train_one_epoch(model: MLPClassifier, X: np.ndarray, y: np.ndarray, log: EpochLog,
                    classes: np.ndarray | None = None) -> float:
    start = time.perf_counter()
    model.partial_fit(X, y, classes=np.unique(y) if classes is None else np.asarray(classes))
    log.seconds.append(time.perf_counter() - start)
    log.losses.append(float(model.loss_))
    return log.losses[-1]


def has_converged(losses: list[float], model: MLPClassifier) -> bool:
    """MLPClassifier's rule: no improvement by ``tol`` over the best loss for ``n_iter_no_change`` epochs."""
    n = model.n_iter_no_change
    return len(losses) > n and min(losses[-n:]) > min(losses[:-n]) - model.tol


def fit_by_epoch(model: MLPClassifier, X: np.ndarray, y: np.ndarray, log: EpochLog | None = None,
                 on_epoch: Callable[[int, EpochLog], None] | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> EpochLog:
    log = log or EpochLog()
    classes = np.unique(y)
    while len(log.losses) < model.max_iter:
        if should_stop():
            log.stopped = True
            break
        train_one_epoch(model, X, y, log, classes)
        if on_epoch:
            on_epoch(len(log.losses), log)
        if has_converged(log.losses, model):
            log.converged = True
            break
    return log


def score(model, X_test: np.ndarray, y_test: np.ndarray) -> dict:
    start = time.perf_counter()
    proba = model.predict_proba(X_test)
    pred = model.classes_[np.argmax(proba, axis=1)]
    test_s = time.perf_counter() - start
    labels = np.searchsorted(model.classes_, y_test)
    return {"test_error_pct": metrics.error_pct(y_test, pred), "test_nll": metrics.nll_from_proba(labels, proba),
            "test_s": test_s, "n_test": len(y_test)}
