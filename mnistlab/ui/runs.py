"""The training page's session: the current run, the run table, weights in and out, the autograd check.

Everything here belongs to one student's session. Each training ends as one ``RunRecord`` in the
Results log: the run table, the runs compared and the networks other pages offer are read from there.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from mnistlab import navigation
from mnistlab.data import problems
from mnistlab.jobs import State
from mnistlab.models import autograd, nets, training, weights
from mnistlab.records import RunRecord
from mnistlab.ui import charts, inside, jobs, keys, networks, recipe, results_log
from mnistlab.views import figures


@dataclass
class LabState:
    current: training.TrainResult | None = None  # what the page shows and a training continues from
    loaded_file: str | None = None
    job_id: str | None = None  # the training job whose result is ``current``


def lab_state() -> LabState:
    return st.session_state.setdefault(keys.TRAINING_LAB, LabState())


def lab_records(dataset: str | None = None) -> list[RunRecord]:
    """The training page's runs of this session, in the order they ran (the Results log keeps them)."""
    return sorted(results_log.records(navigation.TRAINING.path, dataset), key=lambda r: r.run or 0)


def run_record(result: training.TrainResult, status: str, dataset: str, run: int) -> RunRecord:
    """What one training produced, as the one record every view of runs reads."""
    final, cfg = result.final, result.config
    history = tuple(result.history)
    batch = "full" if cfg.optimizer == "gd" else cfg.batch_size
    return RunRecord(
        page=navigation.TRAINING.path,
        dataset=dataset,
        model=nets.short_name(cfg.model),
        features="28x28 image" if cfg.model == "cnn" else "784 pixels",
        parameters=f"{cfg.optimizer} lr={cfg.lr:g}, batch {batch}, "
        f"{len(history)} epoch{'' if len(history) == 1 else 's'}",
        n_train=problems.TRAIN_SIZE,
        test_error_pct=final.val_error_pct if final else None,
        test_nll=final.val_loss * problems.TEST_SIZE if final else None,  # mean -> summed over the test set
        fit_s=float(np.sum([m.epoch_s for m in history])) if final else None,
        device=cfg.device,
        task="cnn" if cfg.model == "cnn" else None,
        config=cfg,
        status=status,
        curves={
            "train_loss": [m.train_loss for m in history],
            "val_error_pct": [m.val_error_pct for m in history],
            "epoch_s": [m.epoch_s for m in history],
        },
        history=history,
        # A run stopped inside its first epoch has no score to show beside its predictions.
        fitted=copy.deepcopy(result.model).cpu().eval() if final else None,
        run=run,
    )


def table_row(record: RunRecord) -> dict:
    """The training page's table row of one run."""
    cfg, history = record.config, record.history
    return {
        "run": record.run,
        "dataset": record.dataset,
        "model": cfg.model,
        "optimizer": cfg.optimizer,
        "lr": cfg.lr,
        "batch": "full" if cfg.optimizer == "gd" else cfg.batch_size,
        "device": cfg.device,
        "epochs": len(history),
        "status": record.status,
        "time per epoch (s)": round(float(np.mean([m.epoch_s for m in history])), 3) if history else None,
        "test error (%)": round(history[-1].val_error_pct, 2) if history else None,
        "test loss": round(history[-1].val_loss, 4) if history else None,
    }


def train_panel(
    lab: LabState, config: training.TrainConfig, dataset: str, resume: bool, seen: inside.InputChoice
) -> None:
    """Train as a job: the curves move every few batches, Stop keeps what was learnt, and the run stays
    with the session when the student visits another page meanwhile."""
    params = {"config": config, "dataset": dataset}

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
        lab.job_id, lab.current = job.id, job.result()
        results_log.record(run_record(lab.current, run_status(job), dataset, len(lab_records()) + 1))


def run_status(job) -> str:
    """How a training ended, from the job's own state: a Stop is the job's, early stopping the loop's."""
    if job.state is State.STOPPED:
        return "stopped"
    return "early-stopped" if job.result().early_stopped else "finished"


def snapshot_model(job) -> tuple[torch.nn.Module | None, int]:
    """The network as of its latest finished epoch (the final one once the job ended)."""
    done = job.result()
    if done is not None:
        return done.model, len(done.history)
    if job.snapshot is None:
        return None, 0
    config = job_config(job)
    model = nets.build(config.model, config.dropout)
    model.load_state_dict(job.snapshot["state"])
    return model.eval(), job.snapshot["epoch"]


def job_config(job) -> training.TrainConfig:
    return training.as_config(job.params["config"])


def show_job(job) -> None:
    """The run so far from its events: the running training loss inside epochs, then each epoch's metrics."""
    done = job.result()
    history = (
        done.history
        if done is not None
        else [training.EpochMetrics(**e.values) for e in job.events() if e.step == "epoch"]
    )
    running = [(e.values["epoch"], e.values["train_loss"]) for e in job.events() if e.step == "batch"]
    config = job_config(job)
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
    c2.metric(
        "Test error",
        f"{last.val_error_pct:.2f} %",
        help=f"{problems.TEST_SIZE:,} test images (the validation set)",
    )
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


def show_table() -> None:
    st.header("Runs in this session")
    rows = [table_row(r) for r in lab_records()]
    if not rows:
        st.caption(
            "Each training appears here: model, optimiser, device, epochs, time per epoch, final test error."
        )
        return
    st.table(rows, hide_index=True)  # a plain HTML table: a handful of rows, readable on a projector
    pairs = device_pairs(rows)
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
                lab.current = training.TrainResult(model, config)
                networks.add_uploaded(config.model, model, error)


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
