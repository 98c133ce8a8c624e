import numpy as np
import pytest

from mnistlab.data import problems
from mnistlab.models import mlp_epochs


def test_epoch_training_reports_stops_and_scores(mnist_split):
    s = problems.scale(problems.Split(mnist_split.X_train[:600], mnist_split.y_train[:600],
                              mnist_split.X_test[:200], mnist_split.y_test[:200]), dtype=np.float32)
    model = mlp_epochs.notebook_mlp(hidden=(32,))
    seen = []
    log = mlp_epochs.fit_by_epoch(model, s.X_train, s.y_train, on_epoch=lambda e, lg: seen.append(e),
                           should_stop=lambda: len(seen) >= 3)
    assert seen == [1, 2, 3] and log.stopped and not log.converged
    assert log.losses[2] < log.losses[0]
    # Continuing the same model keeps the optimiser's progress.
    mlp_epochs.fit_by_epoch(model, s.X_train, s.y_train, log=log, should_stop=lambda: len(log.losses) >= 6)
    assert len(log.losses) == 6 and log.losses[5] < log.losses[2]
    scores = mlp_epochs.score(model, s.X_test, s.y_test)
    # The notebook's definitions, computed here from the model's own probabilities.
    proba = model.predict_proba(s.X_test)
    assert scores["test_error_pct"] == 100 * np.mean(model.classes_[proba.argmax(1)] != s.y_test)
    rows = np.arange(len(s.y_test))
    assert scores["test_nll"] == pytest.approx(-np.log(proba[rows, np.searchsorted(model.classes_, s.y_test)]
                                                          + 1e-15).sum())
    assert scores["n_test"] == 200


def test_convergence_rule():
    model = mlp_epochs.notebook_mlp()
    flat = [1.0, 0.5] + [0.5] * model.n_iter_no_change
    assert mlp_epochs.has_converged(flat, model)
    assert not mlp_epochs.has_converged([1.0 / (i + 1) for i in range(20)], model)
