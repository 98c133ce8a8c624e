"""A 5-fold CV grid on the page: run candidate by candidate, stop, keep, use the best."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import streamlit as st
from sklearn.model_selection import ParameterGrid

from mnistlab import navigation, records
from mnistlab.jobs import Job
from mnistlab.models import classic
from mnistlab.ui import jobs, results_log, shared, widgets
from mnistlab.views import figures


def candidates(grid: Mapping[str, Sequence]) -> list[tuple]:
    """The grid in GridSearchCV's order, each candidate a hashable tuple of (name, value)."""
    return [tuple(sorted(p.items())) for p in ParameterGrid(dict(grid))]


def describe(params: tuple) -> str:
    return ", ".join(f"{k.split('__')[-1]}={v}" for k, v in params)


def grid_result(job: Job | None, grid: Mapping[str, Sequence]) -> classic.GridResult | None:
    """The grid's CV errors so far: the job's result once it ended, its candidate events while it runs."""
    if job is None:
        return None
    done = job.result()
    if done is not None:
        result = classic.GridResult(done["params"], done["cv_error_pct"], done["complete"])
    else:
        errors = [float("nan")] * len(candidates(grid))
        for event in job.events():
            if event.step == "candidate":
                errors[event.values["index"]] = event.values["cv_error_pct"]
        result = classic.GridResult(list(ParameterGrid(dict(grid))), errors, False)
    # Stopped before its first candidate ended: nothing to show or to choose from yet.
    return result if any(not np.isnan(e) for e in result.cv_error_pct) else None


def grid_panel(
    name: str,
    pair: tuple[int, int],
    family: str,
    grid: Mapping[str, Sequence],
    n_train_total: int,
    key: str,
    show: Callable[[classic.GridResult], None],
    features: str = "2d",
    default_n: int | None = None,
    refit: bool = False,
) -> Job | None:
    """Controls and a live view of one grid run as a job; ``show`` draws its results so far."""
    sizes = sorted({n for n in (1000, 3000, n_train_total) if n <= n_train_total})
    n_train = widgets.stepped(
        st,
        "Training points used for CV",
        sizes,
        value=default_n or n_train_total,
        key=f"{key}-n",
        format_func=lambda n: f"{n:,}" + (" (all)" if n == n_train_total else ""),
    )
    params = {
        "dataset": name,
        "pair": pair,
        "features": features,
        "family": family,
        "grid": dict(grid),
        "n_train": n_train,
        "refit": refit,
    }

    def draw(job: Job) -> None:
        result = grid_result(job, grid)
        if result is not None:
            show(result)

    return jobs.panel(
        key, "cv_grid", params, run_label=f"Run {len(candidates(grid))} candidates x 5 folds", draw=draw
    )


def best_button(result: classic.GridResult, family: str, key: str) -> None:
    best = result.best_params
    label = "complete" if result.complete else "so far"
    st.success(
        f"Best ({label}): {describe(tuple(sorted(best.items())))} "
        f"with CV error {np.nanmin(result.cv_error_pct):.2f} %"
    )
    st.button(
        "Use the best setting in the playground",
        key=f"{key}-use",
        on_click=widgets.set_model_choice,
        args=(classic.ModelChoice.from_grid_params(family, best),),
    )


def comparison_rows(
    name: str, pair: tuple[int, int], grids: dict[str, classic.GridResult | None]
) -> list[dict]:
    """One row per family whose grid has run: its CV-selected setting refitted on all training points."""
    rows = []
    for family, result in grids.items():
        if result is None:
            continue
        choice = classic.ModelChoice.from_grid_params(family, result.best_params)
        scores = shared.playground(name, pair, choice, figures.MAP_RESOLUTION)[1]
        results_log.record(
            records.RunRecord(
                page=navigation.BINARY_2D.path,
                dataset=name,
                model=choice.describe(),
                features=f"2 PCA components, classes {pair[0]} vs {pair[1]}",
                parameters=f"CV-selected: {choice.describe().split(', ', 1)[-1]}",
                n_train=scores.n_train,
                test_error_pct=scores.test_error_pct,
                test_nll=scores.test_nll,
                fit_s=scores.fit_s,
                pair=pair,
                config=choice,
            )
        )
        rows.append(
            {
                "model": choice.describe(),
                "CV error (%)": round(float(np.nanmin(result.cv_error_pct)), 2),
                "test error (%)": round(scores.test_error_pct, 2),
                "test NLL (sum)": round(scores.test_nll, 1),
                "grid": "complete" if result.complete else "partial",
                "train / test images": f"{scores.n_train:,} / {scores.n_test:,}",
            }
        )
    return rows
