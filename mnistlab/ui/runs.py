"""The training page's session: the current run, the run table, weights in and out, the autograd check.

Everything here belongs to one student's session; models trained here are offered to the drawing page.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import streamlit as st
import torch

from mnistlab import results
from mnistlab.data import problems
from mnistlab.jobs import State
from mnistlab.models import autograd, nets, training, weights
from mnistlab.ui import charts, inside, jobs, keys, recipe, results_log
from mnistlab.views import figures


@dataclass
class LabState:
    current: training.TrainResult | None = None
    recorded: bool = True
    runs: list[dict] = field(default_factory=list)
    models: dict[str, tuple[torch.nn.Module, float]] = field(
        default_factory=dict
    )  # label -> (CPU model, test error)
    loaded_file: str | None = None
    job_id: str | None = None  # the training job whose result is ``current``


def lab_state() -> LabState:
    return st.session_state.setdefault(keys.TRAINING_LAB, LabState())


def record(lab: LabState, dataset: str) -> None:
    """Add the current run to the table (once) and offer its model to the drawing page."""
    result = lab.current
    if result is None or lab.recorded:
        return
    lab.recorded = True
    final, cfg = result.final, result.config
    n = len(lab.runs) + 1
    status = "stopped" if result.stopped else "early-stopped" if result.early_stopped else "finished"
    lab.runs.append(
        {
            "run": n,
            "dataset": dataset,
            "model": cfg.model,
            "optimizer": cfg.optimizer,
            "lr": cfg.lr,
            "batch": "full" if cfg.optimizer == "gd" else cfg.batch_size,
            "device": cfg.device,
            "epochs": len(result.history),
            "status": status,
            "time per epoch (s)": round(float(np.mean([m.epoch_s for m in result.history])), 3)
            if final
            else None,
            "test error (%)": round(final.val_error_pct, 2) if final else None,
            "test loss": round(final.val_loss, 4) if final else None,
        }
    )
    features = "28x28 image" if cfg.model == "cnn" else "784 pixels"
    results_log.record(
        results.ResultRow(
            page="Train with PyTorch",
            model=f"run {n}: {cfg.model}",
            features=features,
            parameters=f"{cfg.optimizer} lr={cfg.lr:g}, batch {lab.runs[-1]['batch']}, "
            f"{len(result.history)} epoch{'' if len(result.history) == 1 else 's'}",
            n_train=problems.TRAIN_SIZE,
            test_error_pct=final.val_error_pct if final else None,
            test_nll=final.val_loss * problems.TEST_SIZE
            if final
            else None,  # mean -> summed over the test set
            fit_s=float(np.sum([m.epoch_s for m in result.history])) if final else None,
            device=cfg.device,
        ),
        curves={
            "train_loss": [m.train_loss for m in result.history],
            "val_error_pct": [m.val_error_pct for m in result.history],
            "epoch_s": [m.epoch_s for m in result.history],
        },
        weights=result.model if final else None,
        task="cnn" if cfg.model == "cnn" else "ten_classes",
    )
    if final:  # a run stopped inside its first epoch has no score to show beside its predictions
        lab.models[f"run {n}: {cfg.model}, {final.val_error_pct:.2f} % test error"] = (
            copy.deepcopy(result.model).cpu().eval(),
            final.val_error_pct,
        )


def train_panel(
    lab: LabState, config: training.TrainConfig, dataset: str, resume: bool, seen: inside.InputChoice
) -> None:
    """Train as a job: the curves move every few batches, Stop keeps what was learnt, and the run stays
    with the session when the student visits another page meanwhile."""
    params = {"config": training.config_dict(config), "dataset": dataset}

    def start_from(previous) -> dict:
        return (
            {"weights": weights.weights_bytes(lab.current.model)}
            if resume and lab.current is not None
            else {}
        )

    def draw(job) -> None:
        show_job(job)
        model, epoch = snapshot_model(job)
        if model is not None:
            inside.show(model, dataset, seen, epoch)

    job = jobs.panel(
        "train", "train", params, run_label="Train", done_label="Train again", extra=start_from, draw=draw
    )
    if job is None and lab.current is not None:  # uploaded weights, or a run from before
        inside.show(lab.current.model, dataset, seen, len(lab.current.history))
    if job is not None and job.state.finished and job.result() is not None and lab.job_id != job.id:
        lab.job_id, lab.current, lab.recorded = job.id, job.result(), False
        lab.current.stopped = job.state is State.STOPPED
        record(lab, dataset)


def snapshot_model(job) -> tuple[torch.nn.Module | None, int]:
    """The network as of its latest finished epoch (the final one once the job ended)."""
    done = job.result()
    if done is not None:
        return done.model, len(done.history)
    if job.snapshot is None:
        return None, 0
    config = training.TrainConfig(**job.params["config"])
    model = nets.build(config.model, config.dropout)
    model.load_state_dict(job.snapshot["state"])
    return model.eval(), job.snapshot["epoch"]


def show_job(job) -> None:
    """The run so far from its events: the running training loss inside epochs, then each epoch's metrics."""
    done = job.result()
    history = (
        done.history
        if done is not None
        else [training.EpochMetrics(**e.values) for e in job.events() if e.step == "epoch"]
    )
    running = [(e.values["epoch"], e.values["train_loss"]) for e in job.events() if e.step == "batch"]
    config = training.TrainConfig(**job.params["config"])
    show_progress(
        history,
        config,
        running,
        stopped=job.state is State.STOPPED,
        early_stopped=done is not None and done.early_stopped,
    )


def show_progress(
    history: list[training.EpochMetrics],
    config: training.TrainConfig,
    running: list[tuple[float, float]],
    stopped: bool = False,
    early_stopped: bool = False,
) -> None:
    if running:
        charts.plotly(st, figures.running_loss_figure(running, history, config.epochs))
    if not history:
        st.caption(
            "Stopped inside the first epoch: no epoch finished, so there is no test error yet."
            if stopped
            else "Training the first epoch: the loss above moves every few batches."
        )
        return
    last = history[-1]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Epoch", f"{last.epoch} / {config.epochs}")
    c2.metric("Test error", f"{last.val_error_pct:.2f} %", help="10,000 test images (the validation set)")
    c3.metric("Time per epoch", f"{last.epoch_s:.2f} s", help="training plus evaluating both sets")
    c4.metric(
        "Training speed",
        f"{last.samples_per_s / 1000:,.1f}k img/s",
        help=f"images per second on {config.device}",
    )
    left, right = st.columns(2)
    charts.plotly(
        left,
        figures.loss_curves_figure(
            {"train": [m.train_loss for m in history], "validation (test)": [m.val_loss for m in history]},
            "cross-entropy",
            "Cross-entropy loss",
        ),
        main=True,
    )
    charts.plotly(
        right,
        figures.loss_curves_figure(
            {
                "train": [m.train_error_pct for m in history],
                "validation (test)": [m.val_error_pct for m in history],
            },
            "error (%)",
            "Classification error",
        ),
        main=True,
    )
    note = "Stopped: the model and curves so far are kept." if stopped else ""
    if early_stopped:
        note = "Early stopping: the validation loss stopped improving; the best weights are kept."
    if note:
        st.info(note)


def show_table(lab: LabState) -> None:
    st.header("Runs in this session")
    if not lab.runs:
        st.caption(
            "Each training appears here: model, optimiser, device, epochs, time per epoch, final test error."
        )
        return
    st.table(lab.runs, hide_index=True)  # a plain HTML table: a handful of rows, readable on a projector
    pairs = device_pairs(lab.runs)
    if pairs:
        charts.plotly(
            st,
            figures.bars_figure(
                [label for label, _ in pairs],
                [t for _, t in pairs],
                "time per epoch (s)",
                "Same setting on each device (exercise 5.4)",
                height=120 + 40 * len(pairs),
            ),
        )


def device_pairs(rows: list[dict]) -> list[tuple[str, float]]:
    """(setting on device, mean time per epoch) for settings that ran on more than one device."""
    by_setting: dict[tuple, dict[str, list[float]]] = {}
    for r in rows:
        setting = (r["model"], r["optimizer"], r["lr"], r["batch"])
        by_setting.setdefault(setting, {}).setdefault(r["device"], []).append(r["time per epoch (s)"])
    out = []
    for setting, per_device in by_setting.items():
        if len(per_device) > 1:
            for device, times in sorted(per_device.items()):
                out.append(
                    (
                        f"{setting[0]} {setting[1]} lr={setting[2]:g} batch {setting[3]} on {device}",
                        float(np.mean(times)),
                    )
                )
    return out


def weights_panel(lab: LabState, config: training.TrainConfig, dataset: str) -> None:
    st.header("Weights")
    left, right = st.columns(2)
    with left:
        if lab.current is not None:
            st.download_button(
                "Download the current model's weights",
                weights.weights_bytes(lab.current.model),
                file_name=f"mnistlab-{lab.current.config.model}.pt",
                mime="application/octet-stream",
            )
            st.caption(f"A PyTorch state dict of the {lab.current.config.model} network.")
        else:
            st.caption("Train a model to download its weights.")
    with right:
        upload = st.file_uploader(
            f"Upload weights for the {config.model} network (.pt)", type=["pt", "pth"], key="train-upload"
        )
        if upload is not None:
            try:
                model = weights.load_weights(upload.getvalue(), config.model, config.dropout)
            except weights.WeightsError as exc:
                st.error(str(exc))
                return
            tensors = recipe.tensors(dataset, "cpu")
            loss, error = training.evaluate(model, tensors.X_val, tensors.y_val)
            st.success(
                f"Loaded: test error {error:.2f} %, test loss {loss:.4f}. "
                "Turn on 'Continue from the current model' to train it further."
            )
            if lab.loaded_file != upload.file_id:  # once per upload, not on every rerun
                lab.loaded_file = upload.file_id
                lab.current, lab.recorded = training.TrainResult(model, config), True
                lab.models[f"uploaded {config.model}, {error:.2f} % test error"] = (model.eval(), error)


def autograd_panel(dataset: str) -> None:
    with st.expander("Autograd check (exercise 4.1): backward() against the formula"):
        st.markdown(
            "x = the scaled pixels 315-324 of the first training image; y = x + exp(x); z = sum(y^2). "
            "backward() gives dz/dx; the formula says 2y(1 + exp(x))."
        )
        x = recipe.ten_classes(dataset).X_train[0, 315:325]
        check = autograd.autograd_check(x)
        st.dataframe(
            {"x": check["x"], "autograd dz/dx": check["autograd"], "formula 2y(1+e^x)": check["analytic"]},
            hide_index=True,
        )
        st.caption(f"Largest difference: {check['max_abs_diff']:.2e} (float64).")
