"""Binary 2-D playground: two PCA components, a live probability map, the notebook's CV grids."""

import numpy as np
import streamlit as st

from mnistlab import navigation, records
from mnistlab.models import classic
from mnistlab.ui import charts, recipe, results_log, shared, sidebar, stepwise, url_state, validation, widgets
from mnistlab.views import captions, figures

settings = sidebar.settings()
ds = recipe.dataset(settings.dataset)
names = ds.class_names

st.title("Binary classification on two PCA components")
sidebar.explain(
    "The notebook's exercise 2: two classes, pixels scaled to (-0.5, 0.5) and projected on the first "
    "two principal components, both fitted on the training split only. Move a knob and the map redraws."
)

# On the projector the map and its numbers must fit 720 px: the pair and the model's knobs move to the
# sidebar, and the map takes the main area's width (a sidebar knob reruns the page: a fragment cannot
# draw there, and only the teacher moves it).
with st.sidebar if settings.presenter else st.container():
    pair = widgets.pair_controls(names).pair
    sidebar_choice = widgets.model_controls() if settings.presenter else None
pair_names = (names[pair[0]], names[pair[1]])
problem = recipe.pair_2d(settings.dataset, pair)


@st.fragment
def playground() -> None:
    # At 1366x768 the numbers sit over the knobs, so the map starts at the top of its column and fits the
    # first screen; on the projector (knobs in the sidebar) they sit over the map, in one row.
    shown, max_points = "train", 2000
    if sidebar_choice is not None:
        chart, choice = st.container(), sidebar_choice
        numbers = chart.columns(3)
    else:
        knobs, chart = st.columns([1, 2], gap="medium")
        test_error, train_error = knobs.columns(2)  # the two error rates side by side, the NLL under them
        numbers = [test_error, knobs.container(), train_error]
        with knobs:
            choice = widgets.model_controls()
            shown = st.radio(
                "Points drawn", ["train", "test"], horizontal=True, **url_state.bound("points-set")
            )
            counts = [500, 1000, 2000, 5000, 20000]
            max_points = widgets.stepped(
                st,
                "At most",
                counts,
                value=2000,
                format_func=widgets.thousands,
                **url_state.bound("points-max", widgets.thousands, counts),
            )
    pmap, scores = shared.playground(settings.dataset, pair, choice, figures.MAP_RESOLUTION)
    y = problem.y_train if shown == "train" else problem.y_test
    every = max(1, int(np.ceil(len(y) / max_points)))
    a, b, c = numbers
    a.metric("Test error", f"{scores.test_error_pct:.2f} %", help=f"{scores.n_test:,} test images")
    b.metric(
        "Test NLL (sum)", f"{scores.test_nll:,.1f}", help="Negative log-likelihood summed over the test set"
    )
    c.metric("Train error", f"{scores.train_error_pct:.2f} %", help=f"{scores.n_train:,} training images")
    results_log.record(
        records.RunRecord(
            page=navigation.BINARY_2D.path,
            dataset=settings.dataset,
            model=choice.describe(),
            features=f"2 PCA components, {pair_names[0]} vs {pair_names[1]}",
            parameters=choice.describe().split(", ", 1)[-1],
            n_train=scores.n_train,
            test_error_pct=scores.test_error_pct,
            test_nll=scores.test_nll,
            fit_s=scores.fit_s,
            pair=pair,
            config=choice,
        )
    )
    fig = shared.playground_figure(settings.dataset, pair, choice, shown, max_points, settings.presenter)
    text = captions.map_summary(
        choice.describe(), scores.test_error_pct, scores.n_test, pmap.xs, pmap.ys, pmap.p, pair_names
    )
    charts.plotly(chart, fig, main=True, key="map", summary=text)
    chart.caption(
        f"{choice.describe()}; fitted in {1000 * scores.fit_s:.0f} ms. "
        f"Drawn: {len(y[::every]):,} of {len(y):,} {shown} points over P({pair_names[1]}); "
        "black line: P = 0.5."
    )
    if choice.family == "logistic":  # the C slider looked dead: show where it acts
        figure, below = shared.c_sweep_figure(settings.dataset, pair, tuple(widgets.C_VALUES), choice.C)
        charts.plotly(chart, figure, key="c-sweep", title_chars=40)
        chart.caption(
            f"Black line: C = {choice.C:g}. Shaded: where C changes the test error; "
            f"above C = {below:g} it moves by at most one test image, as with {scores.n_train:,} training "
            "points the "
            "penalty is small beside the summed loss. The weights still shrink as C falls."
        )


playground()
stepwise.section(settings.dataset, pair, pair_names, problem)

st.header("Validation: 5-fold cross-validation, as the notebook")


n_train = len(problem.y_train)
POLY_SHAPE = (len(classic.POLY_GRID["lr__C"]), len(classic.POLY_GRID["poly__degree"]))


def show_logistic(res: classic.GridResult) -> None:
    charts.plotly(st, figures.cv_curve_figure([p["C"] for p in res.params], res.cv_error_pct, "C"))


def show_poly(res: classic.GridResult) -> None:
    grid = np.array(res.cv_error_pct).reshape(POLY_SHAPE)
    charts.plotly(
        st,
        figures.cv_heatmap_figure(
            classic.POLY_GRID["lr__C"], classic.POLY_GRID["poly__degree"], grid, "C", "degree"
        ),
    )


def show_mlp(res: classic.GridResult) -> None:
    labels = [validation.describe(tuple(sorted(p.items()))) for p in res.params]
    charts.plotly(st, figures.bars_figure(labels, res.cv_error_pct, "CV error (%)", height=520))


tab_lr, tab_poly, tab_mlp = st.tabs(
    ["Logistic: C (ex. 2.2)", "Polynomial: C x degree (ex. 2.4)", "MLP (ex. 2.5)"]
)
grids = {}
for tab, family, grid, show, key in (
    (tab_lr, "logistic", classic.LOGREG_GRID, show_logistic, "cv-lr"),
    (tab_poly, "poly", classic.POLY_GRID, show_poly, "cv-poly"),
    (tab_mlp, "mlp", classic.MLP_GRID, show_mlp, "cv-mlp"),
):
    with tab:
        if family == "mlp":
            st.caption(
                "16 candidates; each fit can take seconds. Use fewer training points for a quick look."
            )
        job = validation.grid_panel(settings.dataset, pair, family, grid, n_train, key, show)
        res = grids[family] = validation.grid_result(job, grid)
        if res is not None:
            validation.best_button(res, family, key)

st.header("The three families compared")
rows = validation.comparison_rows(settings.dataset, pair, grids)
if rows:
    st.dataframe(rows, hide_index=True)
    st.caption(
        "Each family at its CV-selected setting, refitted on all training points, scored on the test split."
    )
else:
    st.info(
        "Run a validation grid above: each family's selected setting then appears here with its test scores."
    )
