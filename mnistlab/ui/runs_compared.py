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


def _histories(lab: runs.LabState) -> dict[int, list]:
    """Run number -> its epochs. The run table keeps one row per run; the curves are kept here, taken
    from the current run once it is recorded (it is the table's last row until the next run starts)."""
    kept = st.session_state.setdefault(keys.RUN_HISTORIES, {})
    if lab.runs and lab.recorded and lab.current is not None and lab.current.history:
        last = lab.runs[-1]["run"]
        if last not in kept and lab.runs[-1]["epochs"] == len(lab.current.history):
            kept[last] = list(lab.current.history)
    return kept


def compare(lab: runs.LabState) -> None:
    kept = _histories(lab)
    if len(kept) < 2:
        return
    st.subheader("Runs compared")
    rows = {r["run"]: r for r in lab.runs}
    label = {
        n: f"run {n}: {r['model']} {r['optimizer']} lr={r['lr']:g} on {r['device']}"
        for n, r in ((n, rows[n]) for n in kept)
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
    by_epoch = {label[n]: ([m.epoch for m in kept[n]], [getattr(m, field) for m in kept[n]]) for n in chosen}
    by_time = {
        label[n]: (
            list(itertools.accumulate(m.epoch_s for m in kept[n])),
            [getattr(m, field) for m in kept[n]],
        )
        for n in chosen
    }
    a, b = st.columns(2)
    charts.plotly(a, learning.runs_overlay_figure(by_epoch, "epoch", metric, f"{metric} by epoch"))
    charts.plotly(
        b,
        learning.runs_overlay_figure(
            by_time, "wall-clock time (s, training and evaluation)", metric, f"{metric} by time"
        ),
    )
