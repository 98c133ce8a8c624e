"""PyTorch training lab: configure a network, train it, watch the curves, stop, compare devices."""

import time

import streamlit as st

from mnistlab.models import training
from mnistlab.ui import inside, recipe, runs, runs_compared, sidebar, slots, widgets

settings = sidebar.settings()
st.title("Train a network with PyTorch")
sidebar.explain("The notebook's part 2: a linear network, the 784-200-100-10 MLP and a CNN, trained on the 60,000 "
            "training images; the 10,000 test images serve as the validation set, as in the notebook.")
config = widgets.training_controls()
lab = runs.lab_state()
resume = st.toggle("Continue from the current model", key="train-resume",
                   disabled=lab.current is None or lab.current.config.model != config.model,
                   help="Keeps the weights of the last run (or of uploaded weights) of the same network.")

c1, c2, _ = st.columns([1, 1, 4])
start = c1.button("Train", type="primary", key="train-start")
c2.button("Stop", key="train-stop")
if not start and lab.current is not None and not lab.recorded:
    # A Stop (or any other click) interrupted the run at a batch boundary: keep what it learnt.
    lab.current.stopped = True
    runs.record(lab, settings.dataset)
seen = inside.input_controls()
queue, status, live = st.empty(), st.empty(), st.empty()


def draw(result: training.TrainResult) -> None:
    with live.container():
        runs.show_progress(result)
        inside.show(result.model, settings.dataset, seen, len(result.history))


if start:
    model = lab.current.model.cpu() if resume and lab.current is not None else None
    lab.current = training.new_result(config, model)
    lab.recorded = False
    with slots.training_slot(queue):
        tensors = recipe.tensors(settings.dataset, config.device)
        bar = status.progress(0.0, text="Epoch 1")
        ticks = [0.0]

        def on_batch(b: int, n: int) -> None:
            if time.perf_counter() - ticks[0] > 0.2:  # each update is also where a Stop takes effect
                ticks[0] = time.perf_counter()
                epoch = len(lab.current.history) + 1
                bar.progress(min(1.0, (epoch - 1 + b / n) / config.epochs),
                             text=f"Epoch {epoch} of {config.epochs}: batch {b}/{n}")

        training.train(config, tensors, on_epoch=lambda m, r: draw(r), on_batch=on_batch, result=lab.current)
        status.empty()
    runs.record(lab, settings.dataset)
elif lab.current is not None:
    draw(lab.current)

runs.show_table(lab)
runs_compared.compare(lab)
runs.weights_panel(lab, config, settings.dataset)
runs.autograd_panel(settings.dataset)
