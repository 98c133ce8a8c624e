"""PyTorch training lab: configure a network, train it, watch the curves, stop, compare devices."""

import streamlit as st

from mnistlab.ui import inside, runs, runs_compared, sidebar, widgets

settings = sidebar.settings()
st.title("Train a network with PyTorch")
sidebar.explain(
    "The notebook's part 2: a linear network, the 784-200-100-10 MLP and a CNN, trained on the 60,000 "
    "training images; the 10,000 test images serve as the validation set, as in the notebook."
)
config = widgets.training_controls()
lab = runs.lab_state()
resume = st.toggle(
    "Continue from the current model",
    key="train-resume",
    disabled=lab.current is None or lab.current.config.model != config.model,
    help="Keeps the weights of the last run (or of uploaded weights) of the same network.",
)

seen = inside.input_controls()
runs.train_panel(lab, config, settings.dataset, resume, seen)

runs.show_table()
runs_compared.compare()
runs.weights_panel(lab, config, settings.dataset)
runs.autograd_panel(settings.dataset)
