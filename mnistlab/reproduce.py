"""Recompute the notebook's results with its grids: ``python -m mnistlab reproduce``."""

from __future__ import annotations

import time
from collections.abc import Callable

from mnistlab import binary, data
from mnistlab.sources import Progress, quiet

# What the notebook printed, where it printed anything (others were withheld).
NOTEBOOK_PRINTED = {
    "binary2d.logreg.test_error_pct": 26.610919822921787,
    "binary2d.logreg.nll": 1054.1279337524088,
}


def binary_2d_problem(ds: data.Dataset, pair=data.DEFAULT_PAIR) -> data.Split:
    scaled = data.scale(data.binary_problem(data.train_test(ds.X, ds.y), pair))
    return binary.pca_2d(scaled)[1]


def _validated(prefix: str, estimator, grid, split: data.Split, progress: Progress, param_names: dict) -> dict:
    start = time.perf_counter()
    result = binary.cv_grid(estimator, grid, split.X_train, split.y_train,
                            on_candidate=lambda i, n, p, e: progress(f"{prefix}: CV {i + 1}/{n} {p} -> {e:.2f} %",
                                                                     (i + 1) / n))
    best = result.best_params
    model, fit_s = binary.fit(estimator.set_params(**best), split)
    scores = binary.evaluate(model, split, fit_s)
    out = {f"{prefix}.test_error_pct": scores.test_error_pct, f"{prefix}.nll": scores.test_nll,
           f"{prefix}.cv_error_pct": min(result.cv_error_pct), f"{prefix}.seconds": time.perf_counter() - start}
    for key, name in param_names.items():
        value = best[key]
        out[f"{prefix}.{name}"] = list(value) if isinstance(value, tuple) else value
    return out


def part_binary2d(ds: data.Dataset, progress: Progress = quiet) -> dict:
    split = binary_2d_problem(ds)
    out = {}
    out |= _validated("binary2d.logreg", binary.logistic(), binary.LOGREG_GRID, split, progress, {"C": "best_C"})
    out |= _validated("binary2d.poly", binary.polynomial_logistic(), binary.POLY_GRID, split, progress,
                      {"lr__C": "best_C", "poly__degree": "best_degree"})
    out |= _validated("binary2d.mlp", binary.mlp(), binary.MLP_GRID, split, progress,
                      {"activation": "best_activation", "alpha": "best_alpha", "max_iter": "best_max_iter"})
    return out


PARTS: dict[str, Callable[[data.Dataset, Progress], dict]] = {"binary2d": part_binary2d}


def reproduce(ds: data.Dataset, parts: list[str], progress: Progress = quiet) -> dict:
    out: dict = {}
    for name in parts:
        out |= PARTS[name](ds, progress)
    for key, printed in NOTEBOOK_PRINTED.items():
        if key in out:
            out[f"notebook.{key}"] = printed
    return out
