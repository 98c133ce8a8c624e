"""scikit-learn's MLPClassifier trained epoch by epoch, so a page can show progress and stop.

``partial_fit`` runs one epoch of Adam over shuffled minibatches, keeping the optimiser's state
between calls. Two things make a run epoch by epoch end where ``fit`` ends, with the same weights
(``tests/test_mlp.py`` checks both):

- the shuffles: ``partial_fit`` rebuilds its generator from an int ``random_state`` on every call,
  so each epoch would reuse the first epoch's shuffle; one generator is kept for the whole run
  instead, drawn from as ``fit`` draws (the initial weights, then one shuffle per epoch). And ``fit``
  shuffles the previous epoch's order, ``partial_fit`` the data's own order: each epoch is handed the
  data in the order the previous epoch left it (one copy of the data per epoch);
- the stopping rule: ``fit`` counts epochs whose loss is not below the best loss so far minus
  ``tol``, resets the count on an epoch that is, and stops when the count exceeds
  ``n_iter_no_change``; ``has_converged`` replays that same count over the losses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.utils import check_random_state

from mnistlab.models import metrics
from mnistlab.models.stopping import ShouldStop, Stopped, never, stoppable


@dataclass
class EpochLog:
    losses: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    converged: bool = False
    stopped: bool = False
    order: np.ndarray | None = None  # the data's order after the last epoch's shuffle, as fit() keeps it


def notebook_mlp(
    hidden=(200, 100), activation: str = "relu", max_iter: int = 2000, seed: int = 0
) -> MLPClassifier:
    """Exercise 3.4's network (a fixed seed so reruns agree)."""
    return MLPClassifier(
        hidden_layer_sizes=hidden, activation=activation, max_iter=max_iter, random_state=seed
    )


class _RecordedShuffles(np.random.RandomState):
    """The generator fit() would build from the seed, remembering the last order it shuffled."""

    last_order: np.ndarray | None = None

    def shuffle(self, x) -> None:
        super().shuffle(x)
        self.last_order = np.array(x, copy=True)


def _one_generator(model: MLPClassifier) -> _RecordedShuffles:
    if not isinstance(model.random_state, _RecordedShuffles):
        seed = model.random_state
        generator = _RecordedShuffles()
        generator.set_state(check_random_state(seed).get_state())
        model.random_state = generator
    return model.random_state


def train_one_epoch(
    model: MLPClassifier, X: np.ndarray, y: np.ndarray, log: EpochLog, classes: np.ndarray | None = None
) -> float:
    generator = _one_generator(model)
    if log.order is None or len(log.order) != len(y):
        log.order = np.arange(len(y))
    classes = np.unique(y) if classes is None else np.asarray(classes)
    start = time.perf_counter()
    generator.last_order = None
    model.partial_fit(X[log.order], y[log.order], classes=classes)
    if generator.last_order is not None:
        log.order = log.order[generator.last_order]
    log.seconds.append(time.perf_counter() - start)
    log.losses.append(float(model.loss_))
    return log.losses[-1]


def has_converged(losses: list[float], model: MLPClassifier) -> bool:
    """MLPClassifier's own rule, replayed: more than ``n_iter_no_change`` epochs in a row whose loss
    is not below the best loss so far minus ``tol``."""
    best, count = np.inf, 0
    for loss in losses:
        count = count + 1 if loss > best - model.tol else 0
        best = min(best, loss)
    return count > model.n_iter_no_change


def fit_by_epoch(
    model: MLPClassifier,
    X: np.ndarray,
    y: np.ndarray,
    log: EpochLog | None = None,
    on_epoch: Callable[[int, EpochLog], None] | None = None,
    should_stop: ShouldStop = never,
    max_epochs: int | None = None,
    classes: np.ndarray | None = None,
) -> EpochLog:
    """Epochs until MLPClassifier's own stopping rule, ``model.max_iter`` epochs in all (a ``log`` from
    an earlier call continues it), at most ``max_epochs`` in this call. A Stop is seen at every
    minibatch; an epoch stopped midway keeps its updates so far, unlogged."""
    log = log or EpochLog()
    classes = np.unique(y) if classes is None else classes
    for _ in range(model.max_iter if max_epochs is None else max_epochs):
        if len(log.losses) >= model.max_iter:
            break
        if should_stop():
            log.stopped = True
            break
        try:
            with stoppable(model, should_stop):
                train_one_epoch(model, X, y, log, classes)
        except Stopped:
            log.stopped = True
            break
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
    return {
        "test_error_pct": metrics.error_pct(y_test, pred),
        "test_nll": metrics.nll_from_proba(labels, proba),
        "test_s": test_s,
        "n_test": len(y_test),
    }
