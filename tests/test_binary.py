"""2-D models, probability maps, CV grids; the notebook's first model on the real data."""

import numpy as np
import pytest
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV

from mnistlab.course import reproduction as reproduce
from mnistlab.data.problems import Split
from mnistlab.models import classic


def two_blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 2)) + np.where(y[:, None] == 1, 1.5, -1.5)
    return Split(X[:200], y[:200], X[200:], y[200:])


def test_probability_map_shape_range_and_boundary():
    split = two_blobs()
    model, _ = classic.fit(classic.logistic(1.0), split)
    bounds = classic.plane_bounds(split.X_train)
    pmap = classic.probability_map(model, bounds, resolution=50)
    assert pmap.p.shape == (50, 50) and pmap.xs.shape == (50,) and pmap.ys.shape == (50,)
    assert pmap.p.min() >= 0 and pmap.p.max() <= 1
    assert pmap.p.min() < 0.5 < pmap.p.max()
    # P > 0.5 exactly where the linear decision function w.x + b is positive.
    gx, gy = np.meshgrid(pmap.xs, pmap.ys)
    decision = model.decision_function(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    np.testing.assert_array_equal(pmap.p > 0.5, decision > 0)
    assert bounds[0] < split.X_train[:, 0].min() and bounds[1] > split.X_train[:, 0].max()


@pytest.mark.parametrize(
    "choice",
    [
        classic.ModelChoice("logistic", C=0.01),
        classic.ModelChoice("poly", degree=4),
        classic.ModelChoice("mlp", hidden=5, max_iter=300),
    ],
)
def test_every_family_fits_and_scores(choice):
    split = two_blobs()
    model, fit_s = classic.fit(choice.build(), split)
    scores = classic.evaluate(model, split, fit_s)
    # Counted here with scikit-learn's own predictions and log-loss (summed, not averaged).
    assert scores.test_error_pct == pytest.approx(100 * np.mean(model.predict(split.X_test) != split.y_test))
    assert scores.train_error_pct == pytest.approx(
        100 * np.mean(model.predict(split.X_train) != split.y_train)
    )
    expected_nll = log_loss(split.y_test, model.predict_proba(split.X_test), normalize=False)
    assert scores.test_nll == pytest.approx(expected_nll, rel=1e-6)
    assert (scores.n_train, scores.n_test, scores.fit_s) == (200, 100, fit_s)
    assert scores.test_error_pct < 20  # two blobs 3 standard deviations apart: every family separates them
    assert choice.describe()


def test_cv_grid_agrees_with_gridsearchcv():
    split = two_blobs(seed=3)
    grid = {"C": [10, 0.1, 0.001]}
    ours = classic.cv_grid(classic.logistic(), grid, split.X_train, split.y_train)
    ref = GridSearchCV(classic.logistic(), grid, cv=5).fit(split.X_train, split.y_train)
    np.testing.assert_allclose(ours.cv_error_pct, 100 - 100 * ref.cv_results_["mean_test_score"])
    assert ours.best_params == ref.best_params_ and ours.complete


def test_cv_grid_stops_and_keeps_what_is_done():
    split = two_blobs()
    seen = []
    result = classic.cv_grid(
        classic.logistic(),
        {"C": [1, 2, 3, 4]},
        split.X_train,
        split.y_train,
        on_candidate=lambda i, n, p, e: seen.append(i),
        should_stop=lambda: len(seen) >= 2,
    )
    assert not result.complete and seen == [0, 1]
    assert np.isfinite(result.cv_error_pct[:2]).all() and np.isnan(result.cv_error_pct[2:]).all()
    assert result.best_index() in (0, 1)


def test_first_model_reproduces_the_notebook(mnist):
    """Exercise 2.3: the notebook printed 26.61 % and 1054.13 for the CV-selected logistic regression."""
    split = reproduce.binary_2d_problem(mnist)
    result = classic.cv_grid(classic.logistic(), classic.LOGREG_GRID, split.X_train, split.y_train)
    model, _ = classic.fit(classic.logistic(**result.best_params), split)
    scores = classic.evaluate(model, split)
    assert abs(scores.test_error_pct - 26.610919822921787) <= 0.1
    assert abs(scores.test_nll - 1054.1279337524088) <= 0.005 * 1054.1279337524088
