import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from mnistlab.models import mlp_epochs
from tests.conftest import scaled_slice


def test_epoch_training_reports_stops_and_scores(mnist_split):
    s = scaled_slice(mnist_split, 600, 200)
    model = mlp_epochs.notebook_mlp(hidden=(32,))
    seen = []
    log = mlp_epochs.fit_by_epoch(
        model, s.X_train, s.y_train, on_epoch=lambda e, lg: seen.append(e), should_stop=lambda: len(seen) >= 3
    )
    assert seen == [1, 2, 3] and log.stopped and not log.converged
    assert log.losses[2] < log.losses[0]
    # Continuing the same model keeps the optimiser's progress.
    mlp_epochs.fit_by_epoch(model, s.X_train, s.y_train, log=log, should_stop=lambda: len(log.losses) >= 6)
    assert len(log.losses) == 6 and log.losses[5] < log.losses[2]
    scores = mlp_epochs.score(model, s.X_test, s.y_test)
    # The notebook's definitions, computed here from the model's own probabilities.
    proba = model.predict_proba(s.X_test)
    assert scores["test_error_pct"] == pytest.approx(
        100 * np.mean(model.classes_[proba.argmax(1)] != s.y_test)
    )
    rows = np.arange(len(s.y_test))
    assert scores["test_nll"] == pytest.approx(
        -np.log(proba[rows, np.searchsorted(model.classes_, s.y_test)] + 1e-15).sum()
    )
    assert scores["n_test"] == 200


def test_convergence_rule():
    model = mlp_epochs.notebook_mlp()
    n = model.n_iter_no_change
    # scikit-learn stops once MORE than n epochs in a row fail to beat the best loss by tol.
    assert not mlp_epochs.has_converged([1.0, 0.5] + [0.5] * n, model)
    assert mlp_epochs.has_converged([1.0, 0.5] + [0.5] * (n + 1), model)
    # An epoch that beats the best by more than tol starts the count again.
    assert not mlp_epochs.has_converged([1.0, 0.5] + [0.5] * n + [0.4] + [0.4] * n, model)
    assert not mlp_epochs.has_converged([1.0 / (i + 1) for i in range(20)], model)


def test_epoch_by_epoch_ends_where_fit_ends_with_the_same_weights():
    X, y = load_digits(return_X_y=True)
    X = X[:600] / 16.0
    settings = dict(hidden=(16,), max_iter=2000)
    reference = mlp_epochs.notebook_mlp(**settings)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # fit must stop by its rule, not at max_iter
        reference.fit(X, y[:600])
    stepwise = mlp_epochs.notebook_mlp(**settings)
    log = mlp_epochs.fit_by_epoch(stepwise, X, y[:600])
    assert log.converged and len(log.losses) == reference.n_iter_ < settings["max_iter"]
    np.testing.assert_allclose(log.losses, reference.loss_curve_, rtol=1e-12)
    for ours, theirs in zip(
        stepwise.coefs_ + stepwise.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
