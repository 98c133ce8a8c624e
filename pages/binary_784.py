"""Exercise 2.6: the binary problem with all 784 pixels; logistic regression, k-NN and MLP validated."""

import math

import streamlit as st

from mnistlab import results
from mnistlab.models import classic
from mnistlab.ui import charts, jobs, recipe, results_log, shared, sidebar, validation, widgets
from mnistlab.views import figures

settings = sidebar.settings()
names = recipe.dataset(settings.dataset).class_names

st.title("Binary classification with all 784 pixels")
sidebar.explain("Exercise 2.6: the same two classes, now with every pixel as a feature. Each family is validated by "
            "5-fold cross-validation on the training split, then refitted on all of it and scored on the test split. "
            "These grids are heavy: run them on demand, on fewer training images for a quick look; stop at any time.")
pair = widgets.pair_controls(names, key="b784-pair").pair
problem = recipe.pair_784(settings.dataset, pair)
n_total = len(problem.y_train)

best = {}
tab_lr, tab_knn, tab_mlp = st.tabs(["Logistic regression: C", "k-NN: K", "MLP: layers and activation"])
with tab_lr:
    res = validation.grid_panel(settings.dataset, pair, "logistic", classic.LOGREG_784_GRID, n_total, "b784-lr",
                                features="784")
    if res:
        charts.plotly(st, figures.cv_curve_figure([p["C"] for p in res.params], res.cv_error_pct, "C"))
        best["logistic"] = res
with tab_knn:
    st.caption("One neighbour search per fold serves every K (mnistlab's exact k-NN).")
    n_knn = st.select_slider("Training images used for CV", sorted({2000, 5000, n_total}), value=n_total,
                             format_func=widgets.thousands, key="b784-knn-n")
    done = jobs.stepwise(f"b784-knn-{settings.dataset}-{pair}-{n_knn}", ["all K"],
                         lambda _: shared.knn_cv_784(settings.dataset, pair, n_knn, classic.KNN_KS),
                         run_label="Run 5 folds for K = 1, 3, ..., 15")
    if done:
        curve = done["all K"]
        charts.plotly(st, figures.cv_curve_figure(list(curve), list(curve.values()), "K", log_x=False))
        best["knn"] = classic.GridResult([{"n_neighbors": k} for k in curve], list(curve.values()), True)
with tab_mlp:
    st.caption("12 candidates x 5 folds; on all training images each fit takes tens of seconds, so the default is "
               "a 1,000-image subsample.")
    res = validation.grid_panel(settings.dataset, pair, "mlp", classic.MLP_784_GRID, n_total, "b784-mlp", features="784",
                                default_n=1000)
    if res:
        labels = [validation.describe(tuple(sorted(p.items()))) for p in res.params]
        charts.plotly(st, figures.bars_figure(labels, res.cv_error_pct, "CV error (%)", height=480))
        best["mlp"] = res

st.header("The three families compared")
rows = []
for family, res in best.items():
    params = tuple(sorted(res.best_params.items()))
    scores = shared.final_784(settings.dataset, pair, family, params)
    results_log.record(results.ResultRow(
        page="Binary, 784 pixels", model=family, features=f"784 pixels, classes {pair[0]} vs {pair[1]}",
        parameters=validation.describe(params), n_train=scores.n_train, test_error_pct=scores.test_error_pct,
        test_nll=scores.test_nll, fit_s=scores.fit_s))
    rows.append({"model": family, "selected": validation.describe(params),
                 "CV error (%)": round(min(e for e in res.cv_error_pct if not math.isnan(e)), 2),
                 "test error (%)": round(scores.test_error_pct, 2),
                 "test NLL (sum)": None if math.isnan(scores.test_nll) else round(scores.test_nll, 1),
                 "fit time (s)": round(scores.fit_s, 2), "train / test images": f"{scores.n_train:,} / {scores.n_test:,}"})
if rows:
    st.dataframe(rows, hide_index=True)
    st.caption("Refitted on all training images at the CV-selected setting. k-NN gives probabilities of exactly 0, "
               "so its NLL is infinite and left blank.")
else:
    st.info("Run a grid above; its selected setting appears here with its test scores.")
