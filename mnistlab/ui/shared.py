"""Results that the same inputs always produce, computed once per server and shared by every student.

Each is one call into the core on a recipe step from ``mnistlab.ui.recipe``; small results in
``st.cache_data``, fitted models and indexes in ``st.cache_resource``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from mnistlab.data import explore, pca, problems
from mnistlab.models import classic, knn, metrics, regularisation, weights
from mnistlab.ui import recipe
from mnistlab.views import figures, mosaics


@st.cache_data(max_entries=8, show_spinner=False)
def overview(name: str, per_class: int = 10) -> dict[str, np.ndarray]:
    s = recipe.split(name)
    return {
        "train_counts": explore.class_counts(s.y_train),
        "test_counts": explore.class_counts(s.y_test),
        "samples": explore.samples_per_class(s.X_train, s.y_train, per_class),
        "means": explore.mean_images(s.X_train, s.y_train),
    }


@st.cache_resource(max_entries=4, show_spinner=False)
def overview_figures(name: str) -> tuple[go.Figure, go.Figure, go.Figure]:
    """The overview page's three figures (class counts, samples, means), built once per dataset."""
    summary, names = overview(name), recipe.dataset(name).class_names
    samples = summary["samples"]
    return (
        figures.class_counts_figure(summary["train_counts"], summary["test_counts"], names, height=600),
        figures.image_grid_figure(
            mosaics.mosaic(samples),
            names,
            height=600,
            title=f"Random training images, {samples.shape[1]} per class",
        ),
        figures.image_grid_figure(
            mosaics.mosaic(summary["means"][None]),
            [""],
            col_labels=names,
            height=230,
            title="Mean training image of each class",
        ),
    )


@st.cache_data(max_entries=256, show_spinner=False)
def playground(
    name: str, pair: tuple[int, int], choice: classic.ModelChoice, resolution: int
) -> tuple[classic.ProbabilityMap, classic.Scores]:
    return classic.fit_and_map(choice, recipe.pair_2d(name, pair), resolution)


@st.cache_resource(max_entries=512, show_spinner=False)
def playground_figure(
    name: str,
    pair: tuple[int, int],
    choice: classic.ModelChoice,
    shown: str,
    max_points: int,
    presenter: bool = False,
) -> go.Figure:
    """The finished map figure: a class moving the same knobs asks for the same few dozen figures, and
    building one is most of a move's cost (see benchmarks/move_cost.py). Never mutated by a caller."""
    pmap, _ = playground(name, pair, choice, figures.MAP_RESOLUTION)
    problem = recipe.pair_2d(name, pair)
    X, y = (problem.X_train, problem.y_train) if shown == "train" else (problem.X_test, problem.y_test)
    every = max(1, int(np.ceil(len(y) / max_points)))
    names = recipe.dataset(name).class_names
    return figures.probability_map_figure(
        pmap.xs,
        pmap.ys,
        pmap.p,
        X[::every],
        y[::every],
        (names[pair[0]], names[pair[1]]),
        colours=figures.class_colours(pair),
        height=430 if presenter else 470,
    )  # 470: fits a 1366x768 laptop's first screen beside its knobs; on a projector ui/screen.py sizes it


def _problem(name: str, pair: tuple[int, int], features: str):
    return recipe.pair_2d(name, pair) if features == "2d" else recipe.pair_784(name, pair)


@st.cache_data(max_entries=512, show_spinner=False)
def cv_candidate(
    name: str, pair: tuple[int, int], features: str, family: str, params: tuple, n_train: int
) -> float:
    """Mean 5-fold CV error (%) of one grid candidate on the first n_train training points.

    ``features``: "2d" (two PCA components, the playground's models) or "784" (exercise 2.6)."""
    problem = _problem(name, pair, features)
    estimator = (
        classic.ModelChoice(family=family).build() if features == "2d" else classic.estimator_784(family)
    )
    return classic.cv_error(estimator, dict(params), problem.X_train[:n_train], problem.y_train[:n_train])


@st.cache_data(max_entries=64, show_spinner="Refitting the selected setting on every training image...")
def final_784(name: str, pair: tuple[int, int], family: str, params: tuple) -> classic.Scores:
    return classic.fit_and_score(classic.estimator_784(family), recipe.pair_784(name, pair), dict(params))


@st.cache_resource(show_spinner="Computing all 784 principal components (once)...")
def full_pca(name: str):
    return pca.fit_full_pca(recipe.ten_classes(name).X_train)


@st.cache_resource(max_entries=4, show_spinner=False)
def ten_classes_2d(name: str) -> np.ndarray:
    coords = pca.project(full_pca(name), recipe.ten_classes(name).X_train, 2)
    coords.flags.writeable = False
    return coords


@st.cache_data(max_entries=16, show_spinner=f"Classifying the {problems.TEST_SIZE:,} test images...")
def knn_confusion(name: str, n_train: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    s = recipe.ten_classes(name)
    return metrics.confusion_of(knn.ExactKNN(k).fit(s.X_train[:n_train], s.y_train[:n_train]), s)


@st.cache_resource(show_spinner="Loading the default model...")
def default_model(name: str):
    return weights.default_model(name, recipe.ten_classes(name))


@st.cache_resource(show_spinner="Indexing the training images for nearest neighbours...")
def neighbour_index(name: str) -> knn.ExactKNN:
    s = recipe.ten_classes(name)
    return knn.ExactKNN(10).fit(s.X_train, s.y_train)


@st.cache_data(max_entries=2, show_spinner=False)
def reproduce_binary2d(name: str) -> dict:
    from mnistlab.course import reproduction

    return reproduction.part_binary2d(recipe.dataset(name))


@st.cache_data(max_entries=2, show_spinner=f"Timing 1-NN on all {problems.TRAIN_SIZE:,} training images...")
def knn_1nn_point(name: str) -> knn.TimingPoint:
    """The reference 1-NN row beside the MLP (exercise 3.4); the timing curves measure per click instead."""
    s = recipe.ten_classes(name)
    return knn.timing_point("mnistlab", len(s.y_train), 1, s.X_train, s.y_train, s.X_test, s.y_test)


@st.cache_data(max_entries=32, show_spinner="Fitting logistic regression at every C...")
def c_sweep(name: str, pair: tuple[int, int], Cs: tuple[float, ...]) -> regularisation.CSweep:
    """The same for every student: shared across sessions."""
    return regularisation.c_sweep(recipe.pair_2d(name, pair), Cs)


@st.cache_resource(max_entries=256, show_spinner=False)
def c_sweep_figure(
    name: str, pair: tuple[int, int], Cs: tuple[float, ...], C: float
) -> tuple[go.Figure, float]:
    """The "Where C matters" chart with the marker at C, and the C above which the test error moves by
    at most one test image: one figure per slider stop, built once per server, so a move of C builds
    no chart."""
    sweep = c_sweep(name, pair, Cs)
    below = sweep.flat_from(100 / len(recipe.pair_2d(name, pair).y_test))
    return figures.c_sweep_figure(sweep.Cs, sweep.test_error_pct, sweep.weight_norm, C, below), below
