"""Runs compared (training page): the chosen runs' curves overlaid, by epoch and by wall-clock time,
so a CPU and a GPU run of the same setting can be compared as curves."""

from __future__ import annotations

import itertools

import streamlit as st

from mnistlab.ui import charts, keys, runs
from mnistlab.views import learning

METRICS = {
    "validation (test) error (%)": "val_error_pct",
    "validation (test) loss": "val_loss",
    "training error (%)": "train_error_pct",
    "training loss": "train_loss",
}


def compare() -> None:
    """The runs of this session with at least one finished epoch (their records keep the epochs)."""
    kept = {r.run: r for r in runs.lab_records() if r.history}
    if len(kept) < 2:
        return
    st.subheader("Runs compared")
    label = {
        n: f"run {n}: {r.config.model} {r.config.optimizer} lr={r.config.lr:g} on {r.device}"
        for n, r in kept.items()
    }
    left, right = st.columns([3, 1])
    chosen = left.multiselect(
        "Runs",
        sorted(kept),
        default=sorted(kept)[-2:],
        format_func=label.get,
        key=keys.widget(keys.TRAIN, "compare"),
    )
    metric = right.selectbox("Curve", list(METRICS), key=keys.widget(keys.TRAIN, "compare-metric"))
    if not chosen:
        st.caption("Choose runs to overlay their curves.")
        return
    field = METRICS[metric]
    epochs = {n: kept[n].history for n in chosen}
    by_epoch = {label[n]: ([m.epoch for m in h], [getattr(m, field) for m in h]) for n, h in epochs.items()}
    by_time = {
        label[n]: (list(itertools.accumulate(m.epoch_s for m in h)), [getattr(m, field) for m in h])
        for n, h in epochs.items()
    }
    a, b = st.columns(2)
    charts.plotly(a, learning.runs_overlay_figure(by_epoch, "epoch", metric, f"{metric} by epoch"))
    charts.plotly(
        b,
        learning.runs_overlay_figure(
            by_time, "wall-clock time (s, training and evaluation)", metric, f"{metric} by time"
        ),
    )
