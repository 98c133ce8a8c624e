"""Binary 2-D playground: two PCA components, a live probability map, the notebook's CV grids."""

import numpy as np
import streamlit as st

from mnistlab import results
from mnistlab.models import classic
from mnistlab.ui import charts, recipe, results_log, shared, sidebar, stepwise, url_state, validation, widgets
from mnistlab.views import figures

settings = sidebar.settings()
ds = recipe.dataset(settings.dataset)
names = ds.class_names

st.title("Binary classification on two PCA components")
sidebar.explain("The notebook's exercise 2: two classes, pixels scaled to (-0.5, 0.5) and projected on the first "
            "two principal components, both fitted on the training split only. Move a knob and the map redraws.")

pair = widgets.pair_controls(names).pair
pair_names = (names[pair[0]], names[pair[1]])
problem = recipe.pair_2d(settings.dataset, pair)


@st.fragment
def playground() -> None:
    knobs, chart = st.columns([1, 2], gap="medium")
    with knobs:
        choice = widgets.model_controls()
        shown, max_points = "train", 2000
        if not settings.presenter:  # secondary controls: hidden on the projector
            shown = st.radio("Points drawn", ["train", "test"], horizontal=True, **url_state.bound("points-set"))
            max_points = st.select_slider("At most", [500, 1000, 2000, 5000, 20000], value=2000, **url_state.bound("points-max"))
    pmap, scores = shared.playground(settings.dataset, pair, choice, figures.MAP_RESOLUTION)
    X, y = (problem.X_train, problem.y_train) if shown == "train" else (problem.X_test, problem.y_test)
    every = max(1, int(np.ceil(len(y) / max_points)))
    with chart:
        a, b, c = st.columns(3)
        a.metric("Test error", f"{scores.test_error_pct:.2f} %", help=f"{scores.n_test:,} test images")
        b.metric("Test NLL (sum)", f"{scores.test_nll:,.1f}", help="Negative log-likelihood summed over the test set")
        c.metric("Train error", f"{scores.train_error_pct:.2f} %", help=f"{scores.n_train:,} training images")
        st.caption(f"{choice.describe()}; fitted in {1000 * scores.fit_s:.0f} ms. Drawn: {len(y[::every]):,} of "
                   f"{len(y):,} {shown} points over P({pair_names[1]}); magenta line: P = 0.5.")
    results_log.record(results.ResultRow(
        page="Binary 2-D", model=choice.describe(), features=f"2 PCA components, {pair_names[0]} vs {pair_names[1]}",
        parameters=choice.describe().split(", ", 1)[-1], n_train=scores.n_train,
        test_error_pct=scores.test_error_pct, test_nll=scores.test_nll, fit_s=scores.fit_s))
    fig = figures.probability_map_figure(pmap.xs, pmap.ys, pmap.p, X[::every], y[::every], pair_names)
    charts.plotly(chart, fig, key="map", config={"displaylogo": False})


playground()
stepwise.section(settings.dataset, pair, pair_names, problem)

st.header("Validation: 5-fold cross-validation, as the notebook")


n_train = len(problem.y_train)
tab_lr, tab_poly, tab_mlp = st.tabs(["Logistic: C (ex. 2.2)", "Polynomial: C x degree (ex. 2.4)", "MLP (ex. 2.5)"])
grids = {}
with tab_lr:
    res = grids["logistic"] = validation.grid_panel(settings.dataset, pair, "logistic", classic.LOGREG_GRID, n_train, "cv-lr")
    if res:
        charts.plotly(st, figures.cv_curve_figure([p["C"] for p in res.params], res.cv_error_pct, "C"))
        validation.best_button(res, "logistic", "cv-lr")
with tab_poly:
    res = grids["poly"] = validation.grid_panel(settings.dataset, pair, "poly", classic.POLY_GRID, n_train, "cv-poly")
    if res:
        Cs, degrees = classic.POLY_GRID["lr__C"], classic.POLY_GRID["poly__degree"]
        grid = np.array(res.cv_error_pct).reshape(len(Cs), len(degrees))
        charts.plotly(st, figures.cv_heatmap_figure(Cs, degrees, grid, "C", "degree"))
        validation.best_button(res, "poly", "cv-poly")
with tab_mlp:
    st.caption("16 candidates; each fit can take seconds. Use fewer training points for a quick look.")
    res = grids["mlp"] = validation.grid_panel(settings.dataset, pair, "mlp", classic.MLP_GRID, n_train, "cv-mlp")
    if res:
        labels = [validation.describe(tuple(sorted(p.items()))) for p in res.params]
        charts.plotly(st, figures.bars_figure(labels, res.cv_error_pct, "CV error (%)", height=520))
        validation.best_button(res, "mlp", "cv-mlp")

st.header("The three families compared")
rows = validation.comparison_rows(settings.dataset, pair, grids)
if rows:
    st.dataframe(rows, hide_index=True)
    st.caption("Each family at its CV-selected setting, refitted on all training points, scored on the test split.")
else:
    st.info("Run a validation grid above: each family's selected setting then appears here with its test scores.")
