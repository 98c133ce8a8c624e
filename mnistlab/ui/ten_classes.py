"""The ten-class page's long work as jobs: the k-NN timing curves (exercise 3.2) and the MLP trained
epoch by epoch against 1-NN (exercise 3.4)."""

from __future__ import annotations

import streamlit as st

from mnistlab import navigation, records, results
from mnistlab.jobs import Job
from mnistlab.models import knn
from mnistlab.ui import charts, jobs, results_log, shared, widgets
from mnistlab.views import figures


def timing_curves(dataset: str, sizes: list[int], k: int) -> None:
    def draw(job: Job) -> None:
        points = [knn.TimingPoint(**e.values) for e in job.events() if e.step == "point"]
        if points:
            charts.plotly(st, figures.timing_curves_figure(points))
            rows = knn.speedup_rows(points)
            if rows:
                st.dataframe(rows, hide_index=True)

    params = {"dataset": dataset, "sizes": sorted(sizes), "k": k, "backends": list(knn.BACKENDS)}
    jobs.panel(
        "curves",
        "knn_timing",
        params,
        run_label=f"Measure {len(sizes) * len(knn.BACKENDS)} timings",
        draw=draw,
    )


def _continue_from(previous: Job | None) -> dict:
    """A stopped run continues from its model and epoch log; a finished one starts afresh."""
    done = previous.result() if previous is not None else None
    return {"model": done["model"], "log": done["log"]} if done and done["log"].stopped else {}


def _draw_mlp(job: Job) -> None:
    done = job.result()
    losses = (
        done["log"].losses if done else [e.values["train_loss"] for e in job.events() if e.step == "epoch"]
    )
    if losses:
        charts.plotly(st, figures.loss_curves_figure({"training loss": losses}, "cross-entropy"))


def mlp_against_1nn(dataset: str, n_train: int) -> None:
    job = jobs.panel(
        "mlp-run",
        "mlp_epochs",
        {"dataset": dataset, "n_train": n_train},
        run_label="Train",
        draw=_draw_mlp,
        extra=_continue_from,
        done_label="Continue or train again",
    )
    done = job.result() if job is not None else None
    if not (done and done["scores"]):
        return
    scores, log = done["scores"], done["log"]
    epochs = widgets.counted(len(log.losses), "epoch")
    nn1 = shared.knn_1nn_point(dataset)
    results_log.record(
        records.RunRecord(
            page=navigation.MULTICLASS.path,
            dataset=dataset,
            model="MLP (200, 100) relu",
            features="784 pixels",
            parameters=f"{epochs}, Adam",
            n_train=n_train,
            test_error_pct=scores["test_error_pct"],
            test_nll=scores["test_nll"],
            fit_s=sum(log.seconds),
            fitted=done["model"],
        )
    )
    st.dataframe(
        results.blank_missing(
            [
                {
                    "model": f"MLP (200, 100), {epochs}",
                    "training images": n_train,
                    "fit time (s)": round(sum(log.seconds), 1),
                    "test time (s)": round(scores["test_s"], 3),
                    "test error (%)": round(scores["test_error_pct"], 2),
                    "test NLL (sum)": round(scores["test_nll"], 1),
                },
                {
                    "model": "1-NN (mnistlab)",
                    "training images": nn1.n_train,
                    "fit time (s)": round(nn1.fit_s, 3),
                    "test time (s)": round(nn1.predict_s, 3),
                    "test error (%)": round(nn1.test_error_pct, 2),
                    "test NLL (sum)": None,
                },
            ]
        ),
        hide_index=True,
    )
