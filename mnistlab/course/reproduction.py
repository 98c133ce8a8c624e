"""The notebook's results recomputed with its grids, part by part (``python -m mnistlab reproduce``,
the results page and the ``reproduce`` job all call ``reproduce``), and where the CLI keeps them."""

from __future__ import annotations

import time
from collections.abc import Callable

from mnistlab.course.notebook import NOTEBOOK_PRINTED
from mnistlab.data import datasets, problems
from mnistlab.data.sources import Progress, quiet
from mnistlab.models import classic


def binary_2d_problem(ds: datasets.Dataset, pair=problems.DEFAULT_PAIR) -> problems.Split:
    return problems.pair_2d(problems.full_split(ds), pair)


def _validated(
    prefix: str, estimator, grid, split: problems.Split, progress: Progress, param_names: dict
) -> dict:
    start = time.perf_counter()
    result = classic.cv_grid(
        estimator,
        grid,
        split.X_train,
        split.y_train,
        on_candidate=lambda i, n, p, e: progress(f"{prefix}: CV {i + 1}/{n} {p} -> {e:.2f} %", (i + 1) / n),
    )
    best = result.best_params
    model, fit_s = classic.fit(estimator.set_params(**best), split)
    scores = classic.evaluate(model, split, fit_s)
    out: dict[str, object] = {
        f"{prefix}.test_error_pct": scores.test_error_pct,
        f"{prefix}.nll": scores.test_nll,
        f"{prefix}.n_test": scores.n_test,
        f"{prefix}.cv_error_pct": min(result.cv_error_pct),
        f"{prefix}.seconds": time.perf_counter() - start,
    }
    for key, name in param_names.items():
        value = best[key]
        out[f"{prefix}.{name}"] = list(value) if isinstance(value, tuple) else value
    return out


def part_binary2d(ds: datasets.Dataset, progress: Progress = quiet) -> dict:
    split = binary_2d_problem(ds)
    out: dict[str, object] = {}
    out |= _validated(
        "binary2d.logreg", classic.logistic(), classic.LOGREG_GRID, split, progress, {"C": "best_C"}
    )
    out |= _validated(
        "binary2d.poly",
        classic.polynomial_logistic(),
        classic.POLY_GRID,
        split,
        progress,
        {"lr__C": "best_C", "poly__degree": "best_degree"},
    )
    out |= _validated(
        "binary2d.mlp",
        classic.mlp(),
        classic.MLP_GRID,
        split,
        progress,
        {"activation": "best_activation", "alpha": "best_alpha", "max_iter": "best_max_iter"},
    )
    return out


PARTS: dict[str, Callable[[datasets.Dataset, Progress], dict]] = {"binary2d": part_binary2d}


def reproduce(ds: datasets.Dataset, parts: list[str], progress: Progress = quiet) -> dict:
    out: dict = {}
    for name in parts:
        out |= PARTS[name](ds, progress)
    for key, printed in NOTEBOOK_PRINTED.items():
        if key in out:
            out[f"notebook.{key}"] = printed
    return out


def part_benchmarks(ds: datasets.Dataset, progress: Progress = quiet) -> dict:
    """Exercises 2.6, 3.2 and 3.4 with the notebook's grids and settings (minutes on a laptop)."""

    from mnistlab.models import knn, metrics, mlp_epochs

    full = problems.full_split(ds)
    b784 = problems.pair_784(full)
    out = _validated(
        "binary784.logreg",
        classic.estimator_784("logistic"),
        classic.LOGREG_784_GRID,
        b784,
        progress,
        {"C": "best_C"},
    )
    progress("binary784.knn: 5-fold CV over K", None)
    curve = knn.cv_curve(b784.X_train, b784.y_train, classic.KNN_KS)
    assert curve is not None  # nothing stops it
    best_k = min(curve, key=lambda k: (curve[k], k))
    pred = knn.ExactKNN(best_k).fit(b784.X_train, b784.y_train).predict(b784.X_test)
    out |= {
        "binary784.knn.best_k": best_k,
        "binary784.knn.cv_error_pct": curve[best_k],
        "binary784.knn.test_error_pct": metrics.error_pct(b784.y_test, pred),
    }

    multi = problems.ten_classes(full)
    progress("multiclass.knn1: 60,000 training images, 10,000 test images", None)
    point = knn.timing_point(
        "mnistlab", len(multi.y_train), 1, multi.X_train, multi.y_train, multi.X_test, multi.y_test
    )
    out |= {
        "multiclass.knn1.test_error_pct": point.test_error_pct,
        "multiclass.knn1.predict_s": point.predict_s,
    }
    progress("multiclass.mlp: (200, 100) relu, max_iter 2000", None)
    model = mlp_epochs.notebook_mlp()
    start = time.perf_counter()
    model.fit(multi.X_train, multi.y_train)
    scores = mlp_epochs.score(model, multi.X_test, multi.y_test)
    out |= {
        "multiclass.mlp.test_error_pct": scores["test_error_pct"],
        "multiclass.mlp.nll": scores["test_nll"],
        "multiclass.mlp.fit_s": time.perf_counter() - start,
        "multiclass.mlp.epochs": model.n_iter_,
    }
    return out


PARTS["benchmarks"] = part_benchmarks


def saved_path():
    """Where ``python -m mnistlab reproduce`` keeps its numbers, and the results page finds them."""
    return datasets.cache_dir() / "reproduce.json"


def load_saved(path=None) -> dict:
    """What earlier reproductions saved; empty when none did (or the file is unreadable)."""
    import json
    from pathlib import Path

    path = Path(path or saved_path())
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        return {}


def save(results: dict, path=None) -> None:
    """Merge into what earlier runs saved (parts run separately add up)."""
    import json
    from pathlib import Path

    path = Path(path or saved_path())
    merged = load_saved(path) | results
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(merged, indent=1, sort_keys=True))
    except OSError:
        pass  # a read-only cache: the CLI output still has everything
