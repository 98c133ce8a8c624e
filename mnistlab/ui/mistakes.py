"""Where a model goes wrong, for any model of the session: confident mistakes, the confusion matrix
with its cells opening their images, the per-class report, and two models compared."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from mnistlab import navigation
from mnistlab.data import problems
from mnistlab.models import diagnostics, knn, metrics, weights
from mnistlab.ui import charts, keys, networks, recipe, results_log, shared
from mnistlab.views import figures, learning, mosaics

KNN_TRAIN, KNN_K = 10000, 5


@st.cache_data(
    max_entries=2, show_spinner=f"Classifying the {problems.TEST_SIZE:,} test images with the default MLP..."
)
def _default_proba(dataset: str) -> np.ndarray:
    model, _ = shared.default_model(dataset)
    return diagnostics.test_proba(model, recipe.ten_classes(dataset).X_test)


@st.cache_data(
    max_entries=2, show_spinner=f"Classifying the {problems.TEST_SIZE:,} test images with {KNN_K}-NN..."
)
def _knn_proba(dataset: str) -> np.ndarray:
    s = recipe.ten_classes(dataset)
    model = knn.ExactKNN(KNN_K).fit(s.X_train[:KNN_TRAIN], s.y_train[:KNN_TRAIN])
    return diagnostics.test_proba(model, s.X_test)


def candidates(dataset: str) -> dict[str, Callable[[], np.ndarray]]:
    """Every model of this session with a way to get its test probabilities (computed on first use)."""
    X_test = recipe.ten_classes(dataset).X_test
    out: dict[str, Callable[[], np.ndarray]] = {}
    if weights.default_model_path(dataset).exists():  # else it is still training (provision.py)
        out["default MLP (drawing page)"] = lambda: _default_proba(dataset)
    for label, (model, _) in networks.session_networks(dataset).items():
        out[f"training page: {label}"] = lambda m=model: diagnostics.test_proba(m, X_test)
    for r in results_log.records(navigation.MULTICLASS.path, dataset):  # the MLPs trained epoch by epoch
        if r.fitted is not None:
            out[f"ten-classes page: {r.model} on {r.n_train:,} images, {r.parameters.split(',')[0]}"] = (
                lambda m=r.fitted: diagnostics.test_proba(m, X_test)
            )
    out[f"{KNN_K}-NN on {KNN_TRAIN:,} training images (vote shares)"] = lambda: _knn_proba(dataset)
    return out


def test_proba(label: str, found: dict[str, Callable[[], np.ndarray]]) -> np.ndarray:
    """A model's test probabilities, kept in this student's session (a model can change when retrained,
    so the label of a torch run includes its number)."""
    kept = st.session_state.setdefault(keys.MISTAKES_PROBA, {})
    if label.startswith("ten-classes page") or label not in kept:  # that MLP trains on: recompute
        # A CNN takes seconds on CPU.
        with st.spinner(f"Classifying the {problems.TEST_SIZE:,} test images ({label})..."):
            kept[label] = found[label]()
    return kept[label]


def _caption(names, truth: int, pred: int, confidence: float) -> str:
    # Short lines: on one, Fashion-MNIST's "T-shirt/top -> Pullover (97 %)" ran into its neighbours, and
    # so did "-> Pullover 97 %" on a projector.
    return f"{names[truth]}<br>-> {names[pred]}<br>{100 * confidence:.0f} %"


def _per_row() -> int:
    """Pictures per row of a gallery: fewer on a projector, where the captions grow (ui/charts.py)."""
    return 6 if charts.scale() != 1.0 else 8


def confident_mistakes(dataset: str, proba: np.ndarray, names) -> None:
    y = recipe.ten_classes(dataset).y_test
    picked = diagnostics.confident_mistakes(proba, y, k=24)
    pred = proba.argmax(1)
    st.subheader("The most confident mistakes")
    if not len(picked):
        st.success(f"No mistakes on the {problems.TEST_SIZE:,} test images.")
        return
    images = recipe.split(dataset).X_test[picked].reshape(-1, 28, 28)
    captions = [_caption(names, y[i], pred[i], proba[i, pred[i]]) for i in picked]
    charts.plotly(
        st,
        learning.gallery_figure(
            images,
            captions,
            per_row=_per_row(),
            title=f"{len(picked)} wrong test images, most confident first: "
            "true -> predicted (probability given)",
        ),
    )


def confusion_cells(dataset: str, proba: np.ndarray, names, label: str) -> None:
    y, pred = recipe.ten_classes(dataset).y_test, proba.argmax(1)
    counts = metrics.confusion(y, pred)
    st.subheader("Confusion matrix: click a cell to see its images")
    left, right = st.columns([3, 2])
    event = charts.plotly(
        left,
        learning.clickable_confusion_figure(
            counts,
            names,
            f"{label}: {problems.TEST_SIZE:,} test images, error {metrics.error_pct(y, pred):.2f} %",
        ),
        main=True,
        title_chars=44,
        on_select="rerun",
        selection_mode="points",
        key=keys.widget(keys.MISTAKES, "cell"),
    )
    points = event.selection.points if event and event.selection else []
    labels = [str(n) for n in names]
    clicked = [p for p in points if str(p.get("y")) in labels and str(p.get("x")) in labels]
    if clicked:  # the axes are the class names: y the true class, x the predicted one
        true_c, pred_c = labels.index(str(clicked[0]["y"])), labels.index(str(clicked[0]["x"]))
    else:  # nothing clicked yet: the most confused pair
        true_c, pred_c, _ = metrics.most_confused_pair(counts)
    cell = diagnostics.cell(y, pred, true_c, pred_c)
    with right:
        st.markdown(
            f"**True {names[true_c]}, predicted {names[pred_c]}**: {len(cell)} test images"
            + (" (first 24 shown)" if len(cell) > 24 else "")
        )
        cell_images(dataset, cell)


def cell_images(dataset: str, cell: np.ndarray) -> None:
    """The first 24 test images of one confusion-matrix cell, six to a row (this page and ten classes)."""
    if len(cell):
        tiles = mosaics.tile(recipe.split(dataset).X_test[cell[:24]].reshape(-1, 28, 28), 6)
        charts.plotly(
            st,
            figures.image_grid_figure(mosaics.mosaic(tiles), [""] * len(tiles), height=80 + 60 * len(tiles)),
        )


def class_report(dataset: str, proba: np.ndarray, names) -> None:
    y = recipe.ten_classes(dataset).y_test
    report = diagnostics.class_report(y, proba.argmax(1), len(names))
    st.subheader(f"Precision, recall and F1 of each class ({problems.TEST_SIZE:,} test images)")
    charts.plotly(st, learning.class_report_figure(report.precision, report.recall, report.f1, names))
    three_places = st.column_config.NumberColumn(format="%.3f")
    st.dataframe(
        report.rows(names),
        hide_index=True,
        column_config={k: three_places for k in ("precision", "recall", "F1")},
    )
    st.caption(
        "Precision: of the images predicted as the class, the share that are. Recall: of the images "
        "of the class, the share found. F1: their harmonic mean. As scikit-learn's "
        "classification_report."
    )


def comparison(dataset: str, found: dict[str, Callable[[], np.ndarray]], first: str, names) -> None:
    st.subheader("Two models on the same test images")
    others = [label for label in found if label != first]
    other = st.selectbox("Compare with", others, key=keys.widget(keys.MISTAKES, "other"))
    if other is None:
        return
    y = recipe.ten_classes(dataset).y_test
    a, b = test_proba(first, found).argmax(1), test_proba(other, found).argmax(1)
    cmp = diagnostics.compare(y, a, b)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Both right", f"{cmp.both_right:,}", help=f"of the {problems.TEST_SIZE:,} test images")
    c2.metric("Only the first right", f"{len(cmp.only_a):,}", help=first)
    c3.metric("Only the second right", f"{len(cmp.only_b):,}", help=other)
    c4.metric("Both wrong", f"{cmp.both_wrong:,}")
    only_a, only_b = cmp.per_class(y, len(names))
    charts.plotly(st, learning.comparison_figure(only_a, only_b, names, "the first", "the second"))
    X_test = recipe.split(dataset).X_test
    for title, idx, right, wrong in (
        ("Only the first gets these right", cmp.only_a, a, b),
        ("Only the second gets these right", cmp.only_b, b, a),
    ):
        if len(idx):
            shown = idx[:16]
            captions = [f"{names[y[i]]}:<br>{names[right[i]]} vs {names[wrong[i]]}" for i in shown]
            charts.plotly(
                st,
                learning.gallery_figure(
                    X_test[shown].reshape(-1, 28, 28),
                    captions,
                    per_row=8,
                    title=f"{title} (true: first's vs second's answer)",
                ),
            )
