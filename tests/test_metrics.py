"""Our metrics against the notebook's own expressions and scikit-learn's."""

import numpy as np
from sklearn.metrics import confusion_matrix, log_loss

from mnistlab.models import metrics


def test_error_pct_is_the_notebooks():
    y = np.array([0, 1, 1, 0, 1])
    pred = np.array([0, 1, 0, 0, 0])
    assert metrics.error_pct(y, pred) == 100 - 100 * np.mean(y == pred) == 40.0


def test_binary_nll_matches_the_notebook_expression():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 50)
    p1 = rng.uniform(0.01, 0.99, 50)
    q = np.log(np.column_stack([1 - p1, p1]))
    notebook = -np.sum(y.T @ q[:, 1]) - np.sum((1 - y).T @ q[:, 0])
    assert np.isclose(metrics.nll_from_log_proba(y, q), notebook)


def test_multiclass_nll_is_summed_log_loss():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 10, 200)
    p = rng.dirichlet(np.ones(10), 200)
    assert np.isclose(metrics.nll_from_proba(y, p), 200 * log_loss(y, p, labels=range(10)))


def test_confusion_matches_sklearn_and_summaries():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 10, 500)
    pred = np.where(rng.random(500) < 0.7, y, rng.integers(0, 10, 500))
    counts = metrics.confusion(y, pred)
    np.testing.assert_array_equal(counts, confusion_matrix(y, pred, labels=range(10)))
    crafted = np.diag([50] * 10)
    crafted[4, 9], crafted[9, 4], crafted[3, 5] = 7, 6, 10
    assert metrics.most_confused_pair(crafted) == (4, 9, 13)
    crafted[2, 2] = 5
    crafted[2, 7] = 20
    worst, rate = metrics.most_misclassified(crafted)
    assert worst == 2 and np.isclose(rate, 100 * 20 / 25)
