"""Exercises 3.2-3.4: 1-NN timing curves (two back-ends), the confusion matrix, an MLP against 1-NN."""

import streamlit as st

from mnistlab import navigation, records
from mnistlab.models import diagnostics, knn, metrics
from mnistlab.ui import (
    charts,
    mistakes,
    recipe,
    results_log,
    shared,
    sidebar,
    ten_classes,
    url_state,
    widgets,
)
from mnistlab.views import figures

settings = sidebar.settings()
names = recipe.dataset(settings.dataset).class_names
data = recipe.ten_classes(settings.dataset)

st.title("Ten classes: k-NN and MLP benchmarks")

# On the projector the class looks at where the model goes wrong: the confusion matrix first, the timing
# curves under it (above it, they pushed the matrix below the fold of a 1280x720 projector).
first, second = st.container(), st.container()
timing_place, confusion_place = (second, first) if settings.presenter else (first, second)
with timing_place:
    st.header("Nearest-neighbour timing curves (exercise 3.2)")
    sidebar.explain(
        "For each training size: fit on the first images of the training split, classify all 10,000 test "
        "images. mnistlab's exact k-NN (chunked matrix products) and scikit-learn's brute force run on "
        "the same float32 data; their predictions agree except for exact distance ties."
    )
    k = widgets.stepped(st, "K (neighbours)", [1, 3, 5, 7], value=1, **url_state.bound("curve-k"))
    sizes = st.multiselect(
        "Training sizes",
        knn.TRAIN_SIZES,
        default=list(knn.TRAIN_SIZES[:6]),
        key="curve-sizes",
        format_func=lambda n: f"{n:,}",
        help="25,000 and 60,000 take several seconds each.",
    )

    ten_classes.timing_curves(settings.dataset, sizes, k)

with confusion_place:
    st.header("Confusion matrix (exercise 3.3)")
    # On the projector the knobs and numbers sit beside the matrix, so all of it fits the first screen.
    beside = st.columns([3, 2]) if settings.presenter else None
    knobs = beside[1] if beside else st.container()
    c1, c2 = knobs.columns(2)
    conf_sizes = [250, 500, 1000, 2000, 5000, 10000, 60000]
    n_conf = widgets.stepped(
        c1,
        "Training images",
        conf_sizes,
        value=1000,
        format_func=widgets.thousands,
        **url_state.bound("conf-n", widgets.thousands, conf_sizes),
    )
    k_conf = widgets.stepped(c2, "K", [1, 3, 5], value=1, **url_state.bound("conf-k"))
    counts, pred = shared.knn_confusion(settings.dataset, n_conf, k_conf)
    a, b, n_ab = metrics.most_confused_pair(counts)
    worst, worst_rate = metrics.most_misclassified(counts)
    knobs.markdown(
        f"**Most confused pair:** {names[a]} and {names[b]} ({n_ab} test images, both directions).  \n"
        f"**Most often misclassified:** {names[worst]} ({worst_rate:.1f} % of its test images).  \n"
        f"Test error {metrics.error_pct(data.y_test, pred):.2f} % with {n_conf:,} training images, "
        f"K={k_conf}."
    )
    results_log.record(
        records.RunRecord(
            page=navigation.MULTICLASS.path,
            dataset=settings.dataset,
            model=f"{k_conf}-NN (mnistlab)",
            features="784 pixels",
            parameters=f"K={k_conf}",
            n_train=n_conf,
            test_error_pct=metrics.error_pct(data.y_test, pred),
        )
    )
    left, right = beside or st.columns([3, 2])
    charts.plotly(
        left,
        figures.confusion_figure(
            counts, names, f"{k_conf}-NN on {n_conf:,} training images: 10,000 test images"
        ),
        main=True,
        title_chars=40,
    )
    with right:
        true_c = st.selectbox(
            "True class", range(10), index=a, format_func=lambda c: names[c], key="conf-true"
        )
        pred_c = st.selectbox(
            "Predicted class", range(10), index=b, format_func=lambda c: names[c], key="conf-pred"
        )
        cell = diagnostics.cell(data.y_test, pred, true_c, pred_c)
        shown = " (first 24 shown)." if len(cell) > 24 else "."
        st.caption(f"{len(cell)} test images are {names[true_c]} predicted as {names[pred_c]}{shown}")
        mistakes.cell_images(settings.dataset, cell)


st.header("MLP against 1-NN (exercise 3.4)")
sidebar.explain(
    "scikit-learn's MLPClassifier, relu, hidden layers (200, 100), Adam, up to 2,000 epochs until the "
    "training loss stops improving; shown epoch by epoch."
)
mlp_sizes = [5000, 10000, 30000, 60000]
n_mlp = widgets.stepped(
    st,
    "Training images",
    mlp_sizes,
    value=10000,
    format_func=widgets.thousands,
    **url_state.bound("mlp-n", widgets.thousands, mlp_sizes),
)


ten_classes.mlp_against_1nn(settings.dataset, n_mlp)
