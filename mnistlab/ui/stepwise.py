"""The 2-D playground's "train step by step": logistic regression or the MLP trained one epoch at a
time, the probability map redrawn as it learns, play / pause / step, an epoch scrubber, the train and
test error curves, and each hidden unit's own map. The converged fit above stays the page's default."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mnistlab.data.problems import Split
from mnistlab.models import classic, stepwise_2d
from mnistlab.ui import charts, keys, sidebar, widgets
from mnistlab.views import figures, learning

MAX_EPOCHS = 200
TICK_S = 0.5  # between two epochs while playing: long enough for the browser to draw each map
RESOLUTION = 80  # a coarser map than the converged fit's: it is redrawn every tick
UNIT_RESOLUTION = 32
POINTS = 1500


def _key(field: str) -> str:
    return keys.widget(keys.STEPWISE, field)


def controls() -> stepwise_2d.StepConfig:
    a, b, c = st.columns(3)
    family = a.radio(
        "Model",
        ["logistic", "mlp"],
        horizontal=True,
        key=_key("family"),
        format_func={"logistic": "logistic regression", "mlp": "MLP, one hidden layer"}.get,
    )
    lr = widgets.stepped(b, "Step size (Adam)", [0.001, 0.003, 0.01, 0.03, 0.1], value=0.03, key=_key("lr"))
    if family == "logistic":
        C = widgets.stepped(c, "C", [0.001, 0.01, 0.1, 1.0, 10.0, 100.0], value=1.0, key=_key("C"))
        return stepwise_2d.StepConfig("logistic", C=C, lr=lr)
    hidden = widgets.stepped(c, "Hidden units", [2, 4, 8, 16, 32], value=8, key=_key("hidden"))
    activation = a.radio("Activation", ["relu", "tanh"], horizontal=True, key=_key("activation"))
    return stepwise_2d.StepConfig("mlp", hidden=hidden, activation=activation, lr=lr)


def _session(dataset: str, pair: tuple[int, int], config: stepwise_2d.StepConfig) -> dict:
    """This student's run for these settings; new settings start a new run from epoch 0."""
    ident = (dataset, pair, config)
    state = st.session_state.get(keys.STEPWISE_RUN)
    if state is None or state["ident"] != ident:
        state = {"ident": ident, "run": stepwise_2d.start(config), "playing": False, "follow": True}
        st.session_state[keys.STEPWISE_RUN] = state
        st.session_state.pop(_key("epoch"), None)  # the scrubber of the previous run
    return state


def section(dataset: str, pair: tuple[int, int], pair_names: tuple[str, str], problem: Split) -> None:
    st.header("Train step by step")
    sidebar.explain(
        "The same plane, a model trained one epoch at a time by minibatch Adam on the same "
        "objective as the fit above (which it reaches for logistic regression). Play, pause, "
        "step, or drag the epoch slider back to see how the boundary formed."
    )
    config = controls()
    state = _session(dataset, pair, config)

    @st.fragment(run_every=TICK_S if state["playing"] else None)
    def live() -> None:
        run = state["run"]
        if st.session_state.pop(_key("halt"), False):  # asked last run, before the switch exists
            st.session_state[_key("playing")] = False
        a, b, c, d = st.columns(4)
        # A switch, not a button: its value travels with every later message, so a press made while
        # the timer's redraws keep the server busy is never lost (a button's one-shot click can be).
        playing = a.toggle("Play", key=_key("playing"), help=f"Train one epoch every {TICK_S:g} s")
        if playing != state["playing"]:
            state["playing"], state["follow"] = playing and run.epochs < MAX_EPOCHS, True
            if playing and not state["playing"]:  # nothing left to train: the switch goes back off
                st.session_state[_key("halt")] = True
            st.rerun()  # the whole page: the fragment's timer starts or stops with it
        stepped = b.button("Step", key=_key("step"), disabled=state["playing"], help="Train one more epoch")
        if c.button("Reset", key=_key("reset")):
            st.session_state.pop(keys.STEPWISE_RUN, None)
            st.session_state[_key("halt")] = True
            st.rerun()
        if (state["playing"] or stepped) and run.epochs < MAX_EPOCHS:
            stepwise_2d.step(run, problem.X_train, problem.y_train, problem.X_test, problem.y_test)
            state["follow"] = True
        if state["playing"] and run.epochs >= MAX_EPOCHS:
            state["playing"] = False
            st.session_state[_key("halt")] = True
            st.rerun()
        d.metric("Epochs trained", f"{run.epochs} / {MAX_EPOCHS}")
        shown = _scrubber(state)
        _draw(run, shown, problem, pair, pair_names, state.setdefault("frames", {}))

    live()


def _scrubber(state: dict) -> int:
    run = state["run"]
    if run.epochs == 0:
        st.caption("Epoch 0: the untrained model. Play or step to train it.")
        return 0
    moved = st.session_state.get(_key("epoch"), state.get("drawn")) != state.get("drawn")
    if state["follow"] and not moved:  # while playing (or after a step) it follows the newest epoch
        st.session_state[_key("epoch")] = run.epochs
    shown = min(
        widgets.stepped(st, "Epoch shown", range(run.epochs + 1), True, key=_key("epoch")), run.epochs
    )
    state["follow"], state["drawn"] = shown == run.epochs, shown
    return shown


def _draw(
    run: stepwise_2d.StepRun,
    shown: int,
    problem: Split,
    pair: tuple[int, int],
    pair_names: tuple[str, str],
    frames: dict,
) -> None:
    """The figures of epoch ``shown``, built once per run and kept in ``frames``: a rerun of the page (a
    move elsewhere, a visit to another page and back) sends them again without building them."""
    ident = (shown, len(run.history), sidebar.presenter())
    if ident not in frames:
        frames.clear()  # one epoch's frame is kept: going back rebuilds, scrubbing stays cheap enough
        frames[ident] = _frame(run, shown, problem, pair, pair_names)
    # On a projector the map takes the whole width, the curves go under it.
    left, right = (st, st) if sidebar.presenter() else st.columns([3, 2])
    for where, figure in frames[ident]:
        charts.plotly({"left": left, "right": right, "below": st}[where], figure)


def _frame(
    run: stepwise_2d.StepRun, shown: int, problem: Split, pair: tuple[int, int], pair_names: tuple[str, str]
) -> list:
    model = stepwise_2d.at_epoch(run, shown)
    bounds = classic.plane_bounds(problem.X_train)
    pmap = stepwise_2d.probability_map(model, bounds, RESOLUTION)
    every = max(1, len(problem.y_train) // POINTS)
    point = run.history[shown - 1] if shown else None
    score = (
        f": train error {point.train_error_pct:.2f} %, test error {point.test_error_pct:.2f} %"
        if point
        else " (untrained)"
    )
    drawn = [
        (
            "left",
            figures.probability_map_figure(
                pmap.xs,
                pmap.ys,
                pmap.p,
                problem.X_train[::every],
                problem.y_train[::every],
                pair_names,
                f"Epoch {shown}{score}",
                height=480,
                colours=figures.class_colours(pair),  # as the fitted map above and the data page
            ),
        )
    ]
    if run.history:
        epochs = run.history
        errors = {
            f"train ({len(problem.y_train):,})": [p.train_error_pct for p in epochs],
            f"test ({len(problem.y_test):,})": [p.test_error_pct for p in epochs],
        }
        drawn.append(("right", figures.loss_curves_figure(errors, "error (%)", "Error by epoch", height=300)))
        losses = {"train": [p.train_loss for p in epochs]}
        drawn.append(
            ("right", figures.loss_curves_figure(losses, "mean log-loss", "Training loss", height=220))
        )
    units = stepwise_2d.hidden_unit_maps(model, bounds, UNIT_RESOLUTION)
    if len(units):
        signed = run.config.activation == "tanh"
        drawn.append(
            (
                "below",
                learning.pictures_figure(
                    units[:, ::-1],
                    f"What each of the {len(units)} hidden units responds to in the plane "
                    f"(its {run.config.activation} output; same axes as the map), epoch {shown}",
                    per_row=min(16, len(units)),
                    signed=signed,
                    unit="activation",
                    height=int(110 + 90 * np.ceil(len(units) / 16)),
                ),
            )
        )
    return drawn
