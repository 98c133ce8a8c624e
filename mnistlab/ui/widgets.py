"""Widget groups: each ``*_controls()`` returns a frozen dataclass, which is also the cache key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

from mnistlab.data import problems
from mnistlab.models import classic, nets, training
from mnistlab.ui import jobs, keys, url_state
from mnistlab.ui.url_state import bound

C_VALUES = [float(f"{c:.4g}") for c in np.logspace(-4, 4, 17)]


def thousands(n: int) -> str:
    return f"{n:,}"


def counted(n: int, noun: str) -> str:
    """'1 epoch', '2 epochs'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def format_C(c: float) -> str:
    return f"{c:.0e}".replace("e+0", "e").replace("e-0", "e-") if c < 0.01 or c > 100 else f"{c:g}"


def stepped(where, label: str, options: Sequence, slider: bool = False, **kwargs):
    """``where.select_slider(label, options, **kwargs)`` (or ``where.slider`` over the range ``options``
    when ``slider``) with a "−" and a "+" button under it that move it one option: a click or a key press
    instead of a drag (WCAG 2.5.7). The value, its key, its place in the URL and the controls'
    dataclass stay the slider's own.
    """
    key = kwargs["key"]
    steps = dict(
        key=key,
        options=tuple(options),
        in_url=kwargs.get("bind") == "query-params",
        disabled=bool(kwargs.get("disabled")),
    )
    if slider:
        step = options[1] - options[0] if len(options) > 1 else 1
        value = where.slider(label, options[0], options[-1], step=step, **kwargs)
    else:
        value = where.select_slider(label, options, **kwargs)
    # Under the slider, not beside it: in a narrow column (presenter mode) beside it squeezed the label.
    row = where.container(horizontal=True, gap="small")
    _step_button(row, label, -1, **steps)
    _step_button(row, label, +1, **steps)
    return value


def _step_button(row, label: str, sign: int, key: str, options: tuple, in_url: bool, disabled: bool) -> None:
    direction = "up" if sign > 0 else "down"
    row.button(
        "+" if sign > 0 else "−",
        key=keys.step(key, direction),
        help=f"{label}: one step {direction}",
        on_click=_step,
        args=(key, options, sign, in_url),
        disabled=disabled,
    )


def _step(key: str, options: tuple, sign: int, in_url: bool) -> None:
    current = st.session_state.get(key)
    if current is None:
        return
    here = min(range(len(options)), key=lambda i: abs(float(options[i]) - float(current)))
    new = options[max(0, min(len(options) - 1, here + sign))]
    if in_url:
        url_state.move(key, new)
    else:
        st.session_state[key] = new


@dataclass(frozen=True)
class PairChoice:
    pair: tuple[int, int] = problems.DEFAULT_PAIR


def pair_controls(names, key: str = "pair") -> PairChoice:
    c1, c2 = st.columns(2)
    spell = names.__getitem__
    first = c1.selectbox(
        "Class 0", range(10), index=7, format_func=spell, **bound(keys.widget(key, "a"), spell)
    )
    second = c2.selectbox(
        "Class 1", range(10), index=9, format_func=spell, **bound(keys.widget(key, "b"), spell)
    )
    if first == second:
        st.warning("Pick two different classes; showing the default 7 vs 9.")
        return PairChoice()
    return PairChoice((int(first), int(second)))


def set_model_choice(choice: classic.ModelChoice, group: str = keys.MODEL) -> None:
    """Move the playground's knobs to ``choice`` (a callback: runs before the widgets are drawn)."""
    fields = {"family": choice.family}
    if choice.family in ("logistic", "poly"):
        fields |= {"C": choice.C} | ({"degree": choice.degree} if choice.family == "poly" else {})
    else:
        fields |= {
            "hidden": choice.hidden,
            "activation": choice.activation,
            "alpha": choice.alpha,
            "max_iter": choice.max_iter,
        }
    for field_name, value in fields.items():
        url_state.move(keys.widget(group, field_name), value)


ALPHAS = [1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0]
FAMILIES = {
    "logistic": "Logistic regression",
    "poly": "Polynomial logistic regression",
    "mlp": "MLP (one hidden layer)",
}


def model_controls(key: str = keys.MODEL) -> classic.ModelChoice:
    family = st.radio(
        "Model",
        list(FAMILIES),
        format_func=FAMILIES.get,
        horizontal=True,
        **bound(keys.widget(key, "family"), FAMILIES.get),
    )
    if family in ("logistic", "poly"):
        C = stepped(
            st,
            "C (inverse regularisation, log scale)",
            C_VALUES,
            value=1.0,
            format_func=format_C,
            help="Small C: strong regularisation, smoother boundary.",
            **bound(keys.widget(key, "C"), format_C, C_VALUES),
        )
        degree = (
            stepped(st, "Polynomial degree", range(1, 7), True, value=3, **bound(keys.widget(key, "degree")))
            if family == "poly"
            else 3
        )
        return classic.ModelChoice(family=family, C=C, degree=degree)
    c1, c2 = st.columns(2)
    hidden = stepped(c1, "Hidden units", range(1, 101), True, value=20, **bound(keys.widget(key, "hidden")))
    activation = c2.radio(
        "Activation", ["relu", "tanh"], horizontal=True, **bound(keys.widget(key, "activation"))
    )
    alpha = stepped(
        st,
        "alpha (L2 penalty, log scale)",
        ALPHAS,
        value=1e-4,
        format_func=format_C,
        **bound(keys.widget(key, "alpha"), format_C, ALPHAS),
    )
    iters = [100, 200, 500, 1000, 2000, 4000]
    max_iter = stepped(
        st,
        "max_iter",
        iters,
        value=2000,
        format_func=thousands,
        **bound(keys.widget(key, "max_iter"), thousands, iters),
    )
    return classic.ModelChoice(
        family="mlp", hidden=hidden, activation=activation, alpha=alpha, max_iter=max_iter
    )


def format_lr(v: float) -> str:
    return f"{v:g}"


BATCH_SIZES = [32, 64, 128, 256, 512, 1024]
LR_VALUES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0]
OPTIMIZER_LABELS = {
    "gd": "gradient descent, full batch (5.1)",
    "sgd": "minibatch SGD (5.2)",
    "momentum": "SGD + Nesterov momentum",
    "adam": "Adam (5.3)",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
}


LABEL_SMOOTHINGS = [0.0, 0.05, 0.1, 0.2]


def apply_preset() -> None:
    """When the network changes, load the settings that suit it (before the widgets are drawn)."""
    preset = nets.PRESETS[st.session_state[keys.widget(keys.TRAIN, "model")]]
    # What only some presets set goes back to its default for the others: after the fast CNN, the MLP
    # trains in fp32 without label smoothing, as the notebook does.
    for field_name, value in (nets.PRESET_DEFAULTS | preset).items():
        key = keys.widget(keys.TRAIN, field_name)
        if st.session_state.get(key) != value:  # a widget already there is left alone, URL and all
            url_state.move(key, value)


def training_controls() -> training.TrainConfig:
    # Defaults are exercise 5.3's network and settings, given to the widgets themselves (not set from
    # code): a link carries every value that differs from them, the linear network included.
    first = nets.PRESETS["mlp"]
    c1, c2, c3 = st.columns(3)
    model = c1.selectbox(
        "Network",
        list(nets.MODELS),
        index=list(nets.MODELS).index("mlp"),
        format_func=nets.MODELS.get,
        on_change=apply_preset,
        **bound(keys.widget(keys.TRAIN, "model"), nets.MODELS.get, names=list(nets.MODELS)),
    )
    optimizer = c2.selectbox(
        "Optimiser",
        list(OPTIMIZER_LABELS),
        format_func=OPTIMIZER_LABELS.get,
        index=list(OPTIMIZER_LABELS).index(first["optimizer"]),
        **bound(keys.widget(keys.TRAIN, "optimizer"), OPTIMIZER_LABELS.get),
    )
    # The training page's sliders have no step buttons: their row under each slider pushed Train below a
    # 1366x768 laptop's first screen. A click on the track or the arrow keys still move them (2.5.7).
    lr = c3.select_slider(
        "Learning rate (log scale)",
        LR_VALUES,
        value=first["lr"],
        format_func=format_lr,
        **bound(keys.widget(keys.TRAIN, "lr"), format_lr, LR_VALUES),
    )
    c1, c2, c3 = st.columns(3)
    batch = c1.select_slider(
        "Batch size",
        BATCH_SIZES,
        value=first["batch_size"],
        **bound(keys.widget(keys.TRAIN, "batch_size"), str, BATCH_SIZES),
        disabled=optimizer == "gd",
        help="Full-batch gradient descent uses all 60,000 images per step.",
    )
    epochs = c2.slider("Epochs", 1, 100, value=first["epochs"], **bound(keys.widget(keys.TRAIN, "epochs")))
    scheduler = c3.selectbox(
        "Learning-rate schedule",
        training.SCHEDULERS,
        index=list(training.SCHEDULERS).index(first["scheduler"]),
        **bound(keys.widget(keys.TRAIN, "scheduler")),
        help="step: x0.3 every third of the run; cosine: down to 0 at the last epoch.",
    )
    with st.expander("Regularisation, early stopping, seed"):
        c1, c2, c3, c4, c5 = st.columns(5)
        weight_decay = c1.select_slider(
            "Weight decay", [0.0, 1e-5, 1e-4, 1e-3, 1e-2], value=0.0, key=keys.widget(keys.TRAIN, "wd")
        )
        dropout = c2.slider(
            "Dropout", 0.0, 0.6, 0.0, 0.05, key=keys.widget(keys.TRAIN, "dropout"), disabled=model == "linear"
        )
        patience = c3.number_input(
            "Early stopping patience (epochs, 0 = off)",
            0,
            20,
            0,
            key=keys.widget(keys.TRAIN, "patience"),
            help="Stops when the validation loss has not improved for this many epochs "
            "and keeps the best weights (section 5.4).",
        )
        seed = c4.number_input("Seed", 0, 10_000, 0, key=keys.widget(keys.TRAIN, "seed"))
        precision = c5.selectbox(
            "Precision",
            training.PRECISIONS,
            **bound(keys.widget(keys.TRAIN, "precision")),
            help="bf16: mixed precision, about 1.7x faster on CPUs with AVX512-BF16 and on GPUs.",
        )
        label_smoothing = c1.select_slider(
            "Label smoothing",
            LABEL_SMOOTHINGS,
            value=0.0,
            **bound(keys.widget(keys.TRAIN, "label_smoothing"), str, LABEL_SMOOTHINGS),
            help="The training loss aims at 1 - 0.9 s for the right digit and s / 10 for the others "
            "instead of 1 and 0 (the fast CNN's preset uses 0.1); the losses shown are plain cross-entropy.",
        )
    return training.TrainConfig(
        model=model,
        optimizer=optimizer,
        lr=lr,
        batch_size=batch,
        epochs=epochs,
        weight_decay=weight_decay,
        dropout=dropout,
        label_smoothing=label_smoothing,
        scheduler=scheduler,
        patience=int(patience),
        seed=int(seed),
        device=device_controls(),
        precision=precision,
    )


def device_controls() -> str:
    """Every device is listed; the ones this server lacks say why and cannot be chosen."""
    status = jobs.executor().devices()
    labels = {"cpu": "CPU", "cuda": "CUDA GPU", "mps": "Apple GPU (MPS)"}
    device = st.radio(
        "Device",
        list(status),
        key=keys.widget(keys.TRAIN, "device"),
        horizontal=True,
        format_func=labels.get,
        captions=["available" if reason is None else f"unavailable: {reason}" for reason in status.values()],
    )
    if status[device]:
        st.warning(f"{labels[device]} is not available here ({status[device]}); training will use the CPU.")
        return "cpu"
    return device
