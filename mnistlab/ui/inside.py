"""Inside the network (training page) and why this answer (draw page): a network's first-layer
weights as pictures, its feature maps for one input layer by layer, a saliency map per class, and
the last hidden layer as a map of the test images."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from torch import nn

from mnistlab.data import problems
from mnistlab.models import inference, introspect
from mnistlab.ui import charts, keys, networks, recipe, shared
from mnistlab.views import html, learning, mosaics

MAPS_PER_BLOCK = 16


@dataclass(frozen=True)
class InputChoice:
    source: str = "test"  # test | drawing
    index: int = 0  # a test image (of 10,000)


def input_controls() -> InputChoice:
    """Which digit's feature maps to show. Drawn before training: widgets cannot be redrawn per epoch."""
    left, right = st.columns([2, 1])
    drawn = keys.DRAWN_INPUT in st.session_state
    spell = {"test": "a test image", "drawing": "the digit drawn on the draw page"}
    source = left.radio(
        "Feature maps of",
        ["test", "drawing"],
        horizontal=True,
        format_func=spell.get,
        key=keys.widget(keys.INSIDE, "source"),
        help=None if drawn else "Draw a digit on the draw page first.",
    )
    index = right.number_input("Test image (0-9999)", 0, 9999, 0, key=keys.widget(keys.INSIDE, "index"))
    return InputChoice(source, int(index))


def _input(dataset: str, choice: InputChoice) -> tuple[np.ndarray, np.ndarray, str]:
    """(scaled 784 values, 28x28 picture 0..1, what it is)."""
    if choice.source == "drawing" and keys.DRAWN_INPUT in st.session_state:
        x = st.session_state[keys.DRAWN_INPUT]
        return x, (x.reshape(28, 28) + 0.5), "the digit drawn on the draw page"
    s = recipe.split(dataset)
    note = "" if choice.source == "test" else " (nothing drawn yet on the draw page)"
    name = recipe.dataset(dataset).class_names[s.y_test[choice.index]]
    return (
        recipe.ten_classes(dataset).X_test[choice.index],
        s.X_test[choice.index].reshape(28, 28) / 255,
        f"test image {choice.index}, a {name}{note}",
    )


def show(model: nn.Module, dataset: str, choice: InputChoice, epoch: int) -> None:
    """The current weights and feature maps; no widgets, so it can be redrawn after every epoch."""
    st.subheader(f"Inside the network, after epoch {epoch}" if epoch else "Inside the network, as loaded")
    filters, weights = introspect.conv_filters(model), introspect.input_weights(model)
    if filters is not None:
        charts.plotly(
            st,
            learning.pictures_figure(
                filters,
                f"The first convolution's {len(filters)} filters ({filters.shape[1]}x"
                f"{filters.shape[2]}): red adds, blue subtracts",
                per_row=16,
            ),
        )
    elif weights is not None and _scores_classes(model):
        # A linear network: each unit is a class's score. Named, and five to a row: ten in one row were
        # about 70 px each and unnamed on a projector.
        charts.plotly(
            st,
            learning.pictures_figure(
                weights,
                "Each class's weights on the 784 pixels: red adds to its score, blue subtracts",
                per_row=5,
                labels=list(recipe.dataset(dataset).class_names),
            ),
        )
    elif weights is not None:
        shown = weights[:32]
        charts.plotly(
            st,
            learning.pictures_figure(
                shown,
                f"First layer: the weights of {len(shown)} of its {len(weights)} units on the 784 pixels",
                per_row=16 if len(shown) > 10 else 10,
            ),
        )
    x, picture, what = _input(dataset, choice)
    blocks = introspect.feature_maps(model, x)
    left, right = st.columns([1, 4])
    left.html(html.image(mosaics.enlarge(picture.astype(np.float32), 112), f"Input: {what}"))
    with right:
        if not blocks:
            st.caption(
                "A linear network has no hidden layer: each class's score is its weight picture above "
                "times the input, pixel by pixel."
            )
        for block in blocks:
            dense = block.maps.shape[1:] == (1, 1)
            maps = block.maps if dense else block.maps[:MAPS_PER_BLOCK]
            shape = "x".join(map(str, block.maps.shape))
            title = (
                f"{block.name}: {len(block.maps)} units, a square each"
                if dense
                else f"{block.name}: {len(maps)} of {len(block.maps)} maps ({shape})"
            )
            charts.plotly(
                st,
                learning.pictures_figure(
                    learning.as_pictures(maps), title, per_row=8, signed=False, unit="activation"
                ),
            )


def _scores_classes(model: nn.Module) -> bool:
    """Its only layer reads the pixels and gives the class scores (the linear network)."""
    return sum(isinstance(m, nn.Linear | nn.Conv2d) for m in model.modules()) == 1


@st.cache_resource(max_entries=2, show_spinner="Mapping the default model's last hidden layer...")
def _default_embedding(dataset: str):
    model, _ = shared.default_model(dataset)
    return introspect.hidden_embedding(model, recipe.ten_classes(dataset).X_test)


def why_this_answer(dataset: str, x: np.ndarray, image28: np.ndarray) -> None:
    """Saliency of the drawing for the top two classes, and the drawing on the hidden-layer map."""
    st.session_state[keys.DRAWN_INPUT] = np.asarray(x, dtype=np.float32).reshape(784)
    names = recipe.dataset(dataset).class_names
    st.subheader("Why this answer")
    offered = networks.with_default(dataset)
    if not offered:
        st.caption("No network yet: the default MLP is still training. Train one on the training page.")
        return
    left, right = st.columns(2)
    label = left.selectbox("Network", list(offered), key=keys.widget(keys.INSIDE, "why-model"))
    spell = {"gradient": "input x gradient", "occlusion": "occlusion (4x4 patches)"}
    method = right.radio(
        "Evidence",
        ["gradient", "occlusion"],
        horizontal=True,
        format_func=spell.get,
        key=keys.widget(keys.INSIDE, "why-method"),
    )
    model = offered[label]
    proba = inference.predict_one(model, x.reshape(1, 784)).proba
    top = np.argsort(-proba)[:2]
    explain = introspect.saliency if method == "gradient" else introspect.occlusion
    maps = {f"for {names[c]} ({100 * proba[c]:.0f} %)": explain(model, x, int(c)) for c in top}
    charts.plotly(st, learning.saliency_figure(image28 / 255, maps))
    st.caption(
        "Red: pixels that push towards the class, blue: against it. Input x gradient: each pixel's "
        "value times the gradient of the class's logit. Occlusion: how much the class's probability "
        "drops when a 4x4 square is blanked. Left the predicted class, right the runner-up."
    )
    if st.toggle(
        "Place the drawing on the network's last hidden layer", key=keys.widget(keys.INSIDE, "why-map")
    ):
        if label.startswith("default"):
            pca, coords = _default_embedding(dataset)
        else:
            kept = st.session_state.setdefault(keys.widget(keys.INSIDE, "embeddings"), {})
            if label not in kept:
                with st.spinner(
                    f"Mapping the last hidden layer of the {problems.TEST_SIZE:,} test images..."
                ):
                    kept[label] = introspect.hidden_embedding(model, recipe.ten_classes(dataset).X_test)
            pca, coords = kept[label]
        point = introspect.place(model, pca, x)
        charts.plotly(
            st,
            learning.embedding_figure(
                coords,
                recipe.split(dataset).y_test,
                names,
                point,
                f"{label}: the {problems.TEST_SIZE:,} test images on the first two principal components "
                "of its last hidden layer",
            ),
        )
