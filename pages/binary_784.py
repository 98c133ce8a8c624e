"""Exercise 2.6: the binary problem with all 784 pixels; logistic regression, k-NN and MLP validated."""

import math

import numpy as np
import streamlit as st

from mnistlab import navigation, records
from mnistlab.models import classic
from mnistlab.ui import charts, jobs, recipe, results_log, shared, sidebar, validation, widgets
from mnistlab.views import figures

settings = sidebar.settings()
names = recipe.dataset(settings.dataset).class_names

st.title("Binary classification with all 784 pixels")
sidebar.explain(
    "Exercise 2.6: the same two classes, now with every pixel as a feature. Each family is validated by "
    "5-fold cross-validation on the training split, then refitted on all of it and scored on the test split. "
    "These grids are heavy: run them on demand, on fewer training images for a quick look; stop at any time."
)
pair = widgets.pair_controls(names, key="b784-pair").pair
problem = recipe.pair_784(settings.dataset, pair)
n_total = len(problem.y_train)


def show_logistic(res: classic.GridResult) -> None:
    charts.plotly(st, figures.cv_curve_figure([p["C"] for p in res.params], res.cv_error_pct, "C"))


def show_mlp(res: classic.GridResult) -> None:
    labels = [validation.describe(tuple(sorted(p.items()))) for p in res.params]
    charts.plotly(st, figures.bars_figure(labels, res.cv_error_pct, "CV error (%)", height=480))


def show_knn(job) -> None:
    curve = (job.result() or {}).get("curve")
    if curve:
        charts.plotly(st, figures.cv_curve_figure(list(curve), list(curve.values()), "K", log_x=False))


rows = []


def add_row(family: str, res: classic.GridResult, scores: classic.Scores) -> None:
    params = tuple(sorted(res.best_params.items()))
    results_log.record(
        records.RunRecord(
            page=navigation.BINARY_784.path,
            dataset=settings.dataset,
            model=family,
            features=f"784 pixels, classes {pair[0]} vs {pair[1]}",
            parameters=validation.describe(params),
            n_train=scores.n_train,
            test_error_pct=scores.test_error_pct,
            test_nll=scores.test_nll,
            fit_s=scores.fit_s,
            pair=pair,
        )
    )
    rows.append(
        {
            "model": family,
            "selected": validation.describe(params),
            "CV error (%)": round(float(np.nanmin(res.cv_error_pct)), 2),
            "test error (%)": round(scores.test_error_pct, 2),
            "test NLL (sum)": None if math.isnan(scores.test_nll) else round(scores.test_nll, 1),
            "fit time (s)": round(scores.fit_s, 2),
            "train / test images": f"{scores.n_train:,} / {scores.n_test:,}",
        }
    )


tab_lr, tab_knn, tab_mlp = st.tabs(["Logistic regression: C", "k-NN: K", "MLP: layers and activation"])
for tab, family, grid, show, key, default_n in (
    (tab_lr, "logistic", classic.LOGREG_784_GRID, show_logistic, "b784-lr", None),
    (tab_mlp, "mlp", classic.MLP_784_GRID, show_mlp, "b784-mlp", 1000),
):
    with tab:
        if family == "mlp":
            st.caption(
                "12 candidates x 5 folds; on all training images each fit takes tens of seconds, so the "
                "default is a 1,000-image subsample."
            )
        job = validation.grid_panel(
            settings.dataset,
            pair,
            family,
            grid,
            n_total,
            key,
            show,
            features="784",
            default_n=default_n,
            refit=True,
        )
        done = job.result() if job is not None else None
        if done and done.get("scores") is not None:  # the selected setting, refitted on the same images
            add_row(family, validation.grid_result(job, grid), done["scores"])
with tab_knn:
    st.caption("One neighbour search per fold serves every K (mnistlab's exact k-NN).")
    n_knn = widgets.stepped(
        st,
        "Training images used for CV",
        sorted({2000, 5000, n_total}),
        value=n_total,
        format_func=widgets.thousands,
        key="b784-knn-n",
    )
    job = jobs.panel(
        "b784-knn",
        "knn_cv",
        {"dataset": settings.dataset, "pair": pair, "n_train": n_knn, "ks": list(classic.KNN_KS)},
        run_label="Run 5 folds for K = 1, 3, ..., 15",
        draw=show_knn,
    )
    curve = (job.result() or {}).get("curve") if job is not None else None
    if curve:
        res = classic.GridResult([{"n_neighbors": k} for k in curve], list(curve.values()), True)
        add_row(
            "knn",
            res,
            shared.final_784(settings.dataset, pair, "knn", tuple(sorted(res.best_params.items()))),
        )

st.header("The three families compared")
if rows:
    st.dataframe(rows, hide_index=True)
    st.caption(
        "Each family refitted at its CV-selected setting on the training images its grid used (k-NN: all "
        "of them), scored on the test split. k-NN's probabilities are vote shares, often exactly 0 for the "
        "true class, so its NLL is infinite and left blank."
    )
else:
    st.info("Run a grid above; its selected setting appears here with its test scores.")
