"""Draw a digit: see what the model sees, and what every available model predicts."""

import hashlib

import numpy as np
import streamlit as st

from mnistlab.data import mnist_style
from mnistlab.data.latest_input import LatestInput
from mnistlab.models import inference
from mnistlab.ui import (
    adversarial,
    charts,
    drawing,
    inside,
    keys,
    networks,
    provision,
    recipe,
    shared,
    sidebar,
)
from mnistlab.views import figures, html, mosaics

settings = sidebar.settings()
spec = recipe.dataset(settings.dataset).spec
names = spec.class_names
default_ready = provision.default_model_ready(settings.dataset)  # else training as a job, with progress

st.title(f"Draw a {spec.item}")


@st.fragment
def lab() -> None:
    """Canvas and results redraw together, without rerunning the rest of the app."""
    # 2:3 gives the 280 px canvas room at 1280 px wide; a third was 230 px, and it scrolled sideways.
    left, right = st.columns([2, 3], gap="large")
    with left:
        tab_draw, tab_upload, tab_test = st.tabs(["Draw", "Upload an image", "A test image"])
        with tab_draw:
            drawn = drawing.canvas_ink()
        with tab_upload:
            upload = st.file_uploader(
                f"PNG or JPEG, one {spec.item}, up to 5 MB", type=["png", "jpg", "jpeg"], key="draw-upload"
            )
        with tab_test:
            test_index, test_ink = drawing.test_image_ink(settings.dataset, spec.item)
    chooser = st.session_state.setdefault(keys.DRAW_INPUT, LatestInput())
    source = chooser.update(
        canvas=None if drawn is None else hashlib.sha1(drawn.tobytes()).hexdigest(),
        upload=None if upload is None else upload.file_id,
        test=test_index,
    )
    ink, reason = drawn, None
    if source == "upload":
        try:
            ink = mnist_style.ink_from_upload(upload.getvalue())
            reason = mnist_style.why_unreadable(ink, spec.item)
        except mnist_style.BadImage as exc:
            left.error(str(exc))
            ink = None
        if reason is None and ink is not None:
            left.caption(
                f"Predicting from the upload {upload.name}; draw on the canvas to use your drawing instead."
            )
    elif source == "test":
        ink = test_ink
        left.caption(f"Predicting from test image {test_index:,}; draw or upload to use yours instead.")
    elif source == "canvas" and upload is not None:
        left.caption("Predicting from your drawing (drawn after the upload); upload again to use a file.")
    steps = mnist_style.preprocess(ink) if ink is not None and reason is None else None

    with right:
        if steps is None:
            if reason:
                st.warning(reason)
            elif not settings.presenter:  # an explanation: on the projector the teacher says it
                st.info(
                    f"Draw a {spec.item} on the black canvas (or upload a picture of one) to see what each "
                    "model predicts."
                )
            return
        st.subheader("What the model sees")
        st.html(
            html.image(
                mosaics.strip([steps.cropped, steps.boxed, steps.image / 255], fill=0.35),
                "1. cropped to the ink  ->  2. fitted in a 20x20 box  ->  "
                "3. centred by mass in 28x28 (the input)",
            )
        )

    x = inference.model_input(steps.image, recipe.scaler(settings.dataset))
    models = {}
    if default_ready:
        default, default_error = shared.default_model(settings.dataset)
        models[f"default MLP ({default_error:.2f} % test error)"] = inference.predict_one(default, x)
    for label, (model, _) in networks.session_networks(settings.dataset).items():
        models[label] = inference.predict_one(model, x)
    index = shared.neighbour_index(settings.dataset)
    distances, neighbours = index.kneighbors(x, 10)
    models["10 nearest neighbours (vote)"] = inference.neighbour_vote(index.y_[neighbours[0]])

    with right:
        st.subheader("Predictions")
        st.markdown(f"**{html.agreement_line(models, names)}**")
        st.html(
            html.probability_bars({label: p.proba for label, p in models.items()}, names, figures.PALETTE)
        )

    st.subheader("Nearest training images")
    train_images = recipe.split(settings.dataset).X_train[neighbours[0]].reshape(-1, 28, 28) / 255
    captions = ", ".join(
        f"{names[index.y_[i]]} ({d:.1f})" for i, d in zip(neighbours[0], distances[0], strict=True)
    )
    st.html(
        html.image(
            mosaics.strip(list(train_images), size=84, fill=0.35),
            f"The 10 closest of the 60,000 training images, nearest first: class (Euclidean distance, "
            f"scaled pixels): {captions}",
        )
    )
    if st.toggle("Show where the drawing lands on the PCA map of the data page", key="draw-pca"):
        full = shared.full_pca(settings.dataset)
        point = full.transform(x)[:, :2]
        coords, labels = shared.ten_classes_2d(settings.dataset), recipe.split(settings.dataset).y_train
        pick = np.random.default_rng(0).permutation(len(labels))[:3000]
        charts.plotly(
            st,
            figures.pca_scatter_figure(
                coords[pick],
                labels[pick],
                names,
                pick,
                "Your drawing (star) among 3,000 training images, first two principal components",
            ).add_scatter(
                x=point[:, 0],
                y=point[:, 1],
                mode="markers",
                name="your drawing",
                marker=dict(symbol="star", size=22, color="black", line=dict(color="white", width=2)),
            ),
        )
    inside.why_this_answer(settings.dataset, x, steps.image)
    adversarial.make_it_wrong(settings.dataset, steps.image)


lab()
