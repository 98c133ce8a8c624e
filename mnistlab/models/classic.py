"""Binary problems on two PCA components: the notebook's models, probability maps, CV grids."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ParameterGrid, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from mnistlab.data.problems import Split
from mnistlab.models import metrics
from mnistlab.models.stopping import ShouldStop, Stopped, never, stoppable

# The notebook's grids (exercises 2.2, 2.4, 2.5).
LOGREG_GRID = {"C": [100, 10, 1, 0.1, 0.01, 0.001, 0.0001]}
POLY_GRID = {"lr__C": [10000, 1000, 100, 10, 1, 0.1, 0.01, 0.001, 0.0001], "poly__degree": [1, 2, 3, 4, 5, 6]}
MLP_GRID = {
    "activation": ["relu", "tanh"],
    "max_iter": [2000, 4000],
    "hidden_layer_sizes": [(20,)],
    "alpha": [100, 1, 0.01, 0.0001],
}
CV_FOLDS = 5


# --- models ---------------------------------------------------------------------------


def logistic(C: float = 1.0) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=250, tol=1e-3)


def polynomial_logistic(degree: int = 2, C: float = 1.0) -> Pipeline:
    return Pipeline(
        [
            ("poly", PolynomialFeatures(degree)),
            ("scaler", StandardScaler()),
            ("lr", LogisticRegression(C=C, max_iter=500, tol=1e-3)),
        ]
    )


def mlp(
    hidden: int = 20, activation: str = "relu", alpha: float = 1e-4, max_iter: int = 2000, seed: int = 0
) -> MLPClassifier:
    # A fixed seed: the same knobs always draw the same map.
    return MLPClassifier(
        hidden_layer_sizes=(hidden,), activation=activation, alpha=alpha, max_iter=max_iter, random_state=seed
    )


@dataclass(frozen=True)
class ModelChoice:
    """What the playground's knobs describe; hashable, so it is also a cache key."""

    family: str = "logistic"  # logistic | poly | mlp
    C: float = 1.0
    degree: int = 3
    hidden: int = 20
    activation: str = "relu"
    alpha: float = 1e-4
    max_iter: int = 2000

    def build(self):
        if self.family == "logistic":
            return logistic(self.C)
        if self.family == "poly":
            return polynomial_logistic(self.degree, self.C)
        if self.family == "mlp":
            return mlp(self.hidden, self.activation, self.alpha, self.max_iter)
        raise ValueError(f"unknown model family {self.family!r}")

    @classmethod
    def from_grid_params(cls, family: str, params: Mapping) -> ModelChoice:
        """The playground's description of a CV grid candidate (the grids name parameters as sklearn does)."""
        if family == "logistic":
            return cls("logistic", C=params["C"])
        if family == "poly":
            return cls("poly", C=params["lr__C"], degree=params["poly__degree"])
        return cls(
            "mlp",
            hidden=params["hidden_layer_sizes"][0],
            activation=params["activation"],
            alpha=params["alpha"],
            max_iter=params["max_iter"],
        )

    def describe(self) -> str:
        if self.family == "logistic":
            return f"logistic regression, C={self.C:g}"
        if self.family == "poly":
            return f"polynomial logistic regression, degree {self.degree}, C={self.C:g}"
        return (
            f"MLP, one hidden layer of {self.hidden} {self.activation} units, "
            f"alpha={self.alpha:g}, max_iter={self.max_iter}"
        )


@dataclass(frozen=True)
class Scores:
    train_error_pct: float
    test_error_pct: float
    test_nll: float  # summed over the test samples
    n_train: int
    n_test: int
    fit_s: float


def evaluate(model, split: Split, fit_s: float = 0.0) -> Scores:
    """Train and test error and the summed test NLL (NaN for vote-share models such as k-NN)."""
    votes = getattr(model, "proba_are_votes", False)
    return Scores(
        train_error_pct=metrics.error_pct(split.y_train, model.predict(split.X_train)),
        test_error_pct=metrics.error_pct(split.y_test, model.predict(split.X_test)),
        test_nll=float("nan")
        if votes
        else metrics.nll_from_log_proba(split.y_test, safe_log_proba(model, split.X_test)),
        n_train=len(split.y_train),
        n_test=len(split.y_test),
        fit_s=fit_s,
    )


def safe_log_proba(model, X: np.ndarray) -> np.ndarray:
    """predict_log_proba, without -inf where a probability underflows to zero."""
    with np.errstate(divide="ignore"):
        return np.maximum(model.predict_log_proba(X), np.log(np.finfo(float).tiny))


def fit(model, split: Split):
    start = time.perf_counter()
    model.fit(split.X_train, split.y_train)
    return model, time.perf_counter() - start


# --- probability map ------------------------------------------------------------------


@dataclass(frozen=True)
class ProbabilityMap:
    xs: np.ndarray = field(repr=False)  # (nx,) grid coordinates, component 1
    ys: np.ndarray = field(repr=False)  # (ny,) component 2
    p: np.ndarray = field(repr=False)  # (ny, nx) P(class 1) in [0, 1], float32


def plane_bounds(X: np.ndarray, pad: float = 0.1) -> tuple[float, float, float, float]:
    """The data's extent plus ``pad`` of its size on every side, as in the notebook's map."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = hi - lo
    return (
        float(lo[0] - pad * span[0]),
        float(hi[0] + pad * span[0]),
        float(lo[1] - pad * span[1]),
        float(hi[1] + pad * span[1]),
    )


def probability_map(model, bounds: Sequence[float], resolution: int = 160) -> ProbabilityMap:
    """P(class 1) on a resolution x resolution grid over the plane."""
    x0, x1, y0, y1 = bounds
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    p = model.predict_proba(np.column_stack([gx.ravel(), gy.ravel()]))[:, 1]
    return ProbabilityMap(xs, ys, p.reshape(gy.shape).astype(np.float32))


# --- cross-validation grids -----------------------------------------------------------


@dataclass(frozen=True)
class GridResult:
    params: list[dict]  # in ParameterGrid order (GridSearchCV's order)
    cv_error_pct: list[float]  # mean over the folds; NaN where not computed (stopped)
    complete: bool

    def best_index(self) -> int:
        """The first candidate with the lowest CV error, as GridSearchCV picks it."""
        errors = np.array(self.cv_error_pct, dtype=float)
        return int(np.nanargmin(errors))

    @property
    def best_params(self) -> dict:
        return self.params[self.best_index()]


def cv_grid(
    estimator,
    grid: Mapping[str, Sequence],
    X: np.ndarray,
    y: np.ndarray,
    folds: int = CV_FOLDS,
    on_candidate: Callable[[int, int, dict, float], None] | None = None,
    should_stop: ShouldStop = never,
    on_fold: Callable[[int, int, int, int, dict], None] | None = None,
) -> GridResult:
    """GridSearchCV's mean test error per candidate (same folds: stratified, unshuffled), one fold fit
    at a time so the caller can show progress and stop: a Stop waits for the next MLP minibatch, or
    for the running fit of the other families, never a whole candidate. A stopped grid keeps the
    candidates it finished (NaN for the others, ``complete`` False).

    ``on_fold(candidate, n_candidates, fold, n_folds, params)`` after each fold's fit,
    ``on_candidate(candidate, n_candidates, params, cv_error_pct)`` after each candidate."""
    candidates = list(ParameterGrid(dict(grid)))
    errors = [float("nan")] * len(candidates)
    splits = list(StratifiedKFold(folds).split(X, y))
    for i, params in enumerate(candidates):
        accuracy = []
        for train_idx, val_idx in splits:
            if should_stop():
                return GridResult(candidates, errors, complete=False)
            try:
                with stoppable(clone(estimator).set_params(**params), should_stop) as model:
                    model.fit(X[train_idx], y[train_idx])
            except Stopped:
                return GridResult(candidates, errors, complete=False)
            accuracy.append(model.score(X[val_idx], y[val_idx]))
            if on_fold:
                on_fold(i, len(candidates), len(accuracy), len(splits), params)
        errors[i] = float(100 - 100 * np.mean(accuracy))
        if on_candidate:
            on_candidate(i, len(candidates), params, errors[i])
    return GridResult(candidates, errors, complete=True)


def refit_best(
    estimator, result: GridResult, problem: Split, should_stop: ShouldStop = never
) -> tuple[dict, Scores] | None:
    """The grid's best candidate fitted on the whole training part and scored; None if stopped."""
    best = result.best_params
    try:
        with stoppable(clone(estimator).set_params(**best), should_stop) as model:
            model, fit_s = fit(model, problem)
    except Stopped:
        return None
    return best, evaluate(model, problem, fit_s)


# Exercise 2.6: all 784 pixels.
LOGREG_784_GRID = {"C": [100, 10, 1, 0.1, 0.01]}
KNN_KS = (1, 3, 5, 7, 9, 11, 13, 15)
MLP_784_GRID = {
    "activation": ["relu", "tanh"],
    "max_iter": [2000, 4000],
    "hidden_layer_sizes": [(400, 100), (400, 200), (200, 100)],
}


def estimator_784(family: str):
    """Exercise 2.6's estimators before their grid parameters: logistic regression with max_iter 2500
    (as the notebook), or the notebook's MLP."""
    from mnistlab.models.knn import ExactKNN
    from mnistlab.models.mlp_epochs import notebook_mlp

    if family == "knn":
        return ExactKNN()
    return logistic().set_params(max_iter=2500) if family == "logistic" else notebook_mlp()


def fit_and_score(estimator, problem: Split, params: Mapping | None = None) -> Scores:
    """Fit a fresh copy of ``estimator`` (with ``params``) on the training part; its scores."""
    model, fit_s = fit(clone(estimator).set_params(**dict(params or {})), problem)
    return evaluate(model, problem, fit_s)


def fit_and_map(choice: ModelChoice, problem: Split, resolution: int) -> tuple[ProbabilityMap, Scores]:
    """One playground model: its probability map over the plane of the training points, and its scores."""
    model, fit_s = fit(choice.build(), problem)
    pmap = probability_map(model, plane_bounds(problem.X_train), resolution)
    return pmap, evaluate(model, problem, fit_s)


def cv_error(estimator, params: Mapping, X: np.ndarray, y: np.ndarray) -> float:
    """Mean 5-fold CV error (%) of one grid candidate."""
    return cv_grid(estimator, {k: [v] for k, v in params.items()}, X, y).cv_error_pct[0]
